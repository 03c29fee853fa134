//! The register's data (persons, flats, addresses) and the response shapes of
//! Meldewesen 1.0, serialised exactly as `schemas/meldewesen/1.0/schemas.json`
//! describes them. The response shapes carry only what the law names.

use serde::Serialize;

use crate::common::etag::etag_for;
use crate::common::validate::norm;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adresse {
    pub strasse: String,
    pub hausnummer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zusatz: Option<String>,
    pub plz: String,
    pub ort: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ags: Option<String>,
}

impl Adresse {
    /// Same flat: strasse, hausnummer, plz and ort agree (case/whitespace ignored).
    pub fn same_flat(&self, other: &Adresse) -> bool {
        norm(&self.strasse) == norm(&other.strasse)
            && norm(&self.hausnummer) == norm(&other.hausnummer)
            && self.plz == other.plz
            && norm(&self.ort) == norm(&other.ort)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Wohnung {
    pub anschrift: Adresse,
    pub status: String,
    pub einzugsdatum: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anmeldedatum: Option<String>,
}

pub const STATUS_GEMELDET: &str = "gemeldet";
pub const STATUS_ABGEMELDET: &str = "abgemeldet";
pub const STATUS_VERSTORBEN: &str = "verstorben";

/// A person in the register (the `Person` resource).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub id: String,
    pub familienname: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geburtsname: Option<String>,
    pub vornamen: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rufname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doktorgrad: Option<String>,
    pub geburtsdatum: String,
    pub geschlecht: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sterbedatum: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auszugsdatum: Option<String>,
    pub auskunftssperre: bool,
    pub wohnungen: Vec<Wohnung>,
    pub geaendert_am: String,
    /// The Familienname as first registered (read only by the fault `auskunft-index-stale`).
    #[serde(skip)]
    pub familienname_bei_anmeldung: String,
    /// Flats given up by an Abmeldung (read only by the fault `auskunft-former-addresses`).
    #[serde(skip)]
    pub aufgegeben: Vec<Wohnung>,
}

impl Person {
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn etag(&self) -> String {
        etag_for(&self.to_json())
    }
}

/// Amtliche Meldebestätigung, § 24 Abs. 2 BMG.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meldebestaetigung<'a> {
    pub person_id: &'a str,
    pub familienname: &'a str,
    pub vornamen: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rufname: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doktorgrad: Option<&'a str>,
    pub geburtsdatum: &'a str,
    pub einzugsdatum: &'a str,
    pub anmeldedatum: &'a str,
    pub anschrift: &'a Adresse,
    pub wohnungsstatus: &'a str,
}

#[derive(Debug, Serialize)]
pub struct WohnungKurz<'a> {
    pub anschrift: &'a Adresse,
    pub status: &'a str,
}

impl<'a> WohnungKurz<'a> {
    pub fn of(w: &'a Wohnung) -> Self {
        WohnungKurz {
            anschrift: &w.anschrift,
            status: &w.status,
        }
    }
}

/// Confirmation of an Abmeldung.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Abmeldebestaetigung<'a> {
    pub person_id: &'a str,
    pub familienname: &'a str,
    pub vornamen: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rufname: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doktorgrad: Option<&'a str>,
    pub geburtsdatum: &'a str,
    pub auszugsdatum: &'a str,
    pub abmeldedatum: &'a str,
    pub wohnungen: Vec<WohnungKurz<'a>>,
}

/// Einfache Meldebescheinigung, § 18 Abs. 1 BMG: nothing beyond these fields.
#[derive(Debug, Serialize)]
pub struct Meldebescheinigung<'a> {
    pub familienname: &'a str,
    pub vornamen: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doktorgrad: Option<&'a str>,
    pub geburtsdatum: &'a str,
    pub wohnungen: Vec<WohnungKurz<'a>>,
}

impl<'a> Meldebescheinigung<'a> {
    pub fn of(p: &'a Person) -> Self {
        Meldebescheinigung {
            familienname: &p.familienname,
            vornamen: &p.vornamen,
            doktorgrad: p.doktorgrad.as_deref(),
            geburtsdatum: &p.geburtsdatum,
            wohnungen: p.wohnungen.iter().map(WohnungKurz::of).collect(),
        }
    }
}

/// Successful einfache Melderegisterauskunft, § 44 Abs. 1 BMG: nothing beyond these fields.
#[derive(Debug, Serialize)]
pub struct Auskunft<'a> {
    pub ergebnis: &'static str,
    pub familienname: &'a str,
    pub vornamen: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doktorgrad: Option<&'a str>,
    pub anschriften: Vec<&'a Adresse>,
    pub verstorben: bool,
}

impl<'a> Auskunft<'a> {
    pub fn of(p: &'a Person) -> Self {
        Auskunft {
            ergebnis: "treffer",
            familienname: &p.familienname,
            vornamen: &p.vornamen,
            doktorgrad: p.doktorgrad.as_deref(),
            anschriften: p.wohnungen.iter().map(|w| &w.anschrift).collect(),
            verstorben: p.status == STATUS_VERSTORBEN,
        }
    }
}

/// The one and only "no information" answer body.
pub const KEINE_AUSKUNFT: &str = r#"{"ergebnis":"keine_auskunft","hinweis":"Zu den angegebenen Daten kann keine Auskunft erteilt werden."}"#;
