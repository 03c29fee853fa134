//! Validation of the Meldewesen 1.0 request bodies against the contract's
//! rules (`x-rules` in the OpenAPI document). Every check runs, so a 422 lists
//! all offending fields at once; cross-field rules (§ 19 BMG) run only when the
//! fields they compare are valid themselves.

use serde_json::Value;

use super::model::Adresse;
use crate::Faults;
use crate::common::dates::{is_future, parse_date};
use crate::common::validate::{
    Checked, Errors, Invalid, array, digits, norm, object, one_of, opt_date, opt_string, optional,
    ptr, req_date, req_string, required, rules,
};

pub const PLZ_FORMAT: &str = "PLZ_FORMAT";
pub const AGS_FORMAT: &str = "AGS_FORMAT";
pub const GEBURTSDATUM_ZUKUNFT: &str = "GEBURTSDATUM_ZUKUNFT";
pub const EINZUG_ZUKUNFT: &str = "EINZUG_ZUKUNFT";
pub const AUSZUG_VOR_EINZUG: &str = "AUSZUG_VOR_EINZUG";
pub const GESCHLECHT: &str = "GESCHLECHT";
pub const WOHNUNGSSTATUS: &str = "WOHNUNGSSTATUS";
pub const RUFNAME: &str = "RUFNAME";
pub const WOHNUNGSGEBER_FEHLT: &str = "WOHNUNGSGEBER_FEHLT";
pub const WOHNUNGSGEBER_EREIGNIS: &str = "WOHNUNGSGEBER_EREIGNIS";
pub const WOHNUNGSGEBER_ADRESSE: &str = "WOHNUNGSGEBER_ADRESSE";
pub const WOHNUNGSGEBER_DATUM: &str = "WOHNUNGSGEBER_DATUM";
pub const WOHNUNGSGEBER_PERSON: &str = "WOHNUNGSGEBER_PERSON";
pub const PERSON_UNBEKANNT: &str = "PERSON_UNBEKANNT";
pub const ZWECK_FEHLT: &str = "ZWECK_FEHLT";
pub const IDEMPOTENCY_KEY_REUSED: &str = "IDEMPOTENCY_KEY_REUSED";

pub const GESCHLECHTER: &[&str] = &["maennlich", "weiblich", "divers", "ohne_angabe"];
pub const WOHNUNGSSTATUS_WERTE: &[&str] = &["alleinige", "haupt", "neben"];
const NAME_MAX: usize = 200;

/// Identifying data of a person who registers.
#[derive(Debug, Clone)]
pub struct Personendaten {
    pub familienname: String,
    pub geburtsname: Option<String>,
    pub vornamen: Vec<String>,
    pub rufname: Option<String>,
    pub doktorgrad: Option<String>,
    pub geburtsdatum: String,
    pub geschlecht: String,
}

#[derive(Debug, Clone)]
pub struct Anmeldung {
    pub person: Personendaten,
    pub wohnung: Adresse,
    pub wohnungsstatus: String,
    pub einzugsdatum: String,
}

#[derive(Debug, Clone)]
pub struct Abmeldung {
    pub person_id: String,
    pub auszugsdatum: String,
}

/// A JSON Merge Patch of the correctable members; `Some(None)` removes.
#[derive(Debug, Clone, Default)]
pub struct Korrektur {
    pub familienname: Option<String>,
    pub geburtsname: Option<Option<String>>,
    pub vornamen: Option<Vec<String>>,
    pub rufname: Option<Option<String>>,
    pub doktorgrad: Option<Option<String>>,
    pub geburtsdatum: Option<String>,
    pub geschlecht: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Suchanschrift {
    pub strasse: Option<String>,
    pub hausnummer: Option<String>,
    pub plz: Option<String>,
    pub ort: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Suchdaten {
    /// Only with the fault `search-by-id-allowed`.
    pub person_id: Option<String>,
    pub familienname: String,
    pub frueherer_name: Option<String>,
    pub vornamen: Vec<String>,
    pub geburtsdatum: Option<String>,
    pub geschlecht: Option<String>,
    pub anschrift: Option<Suchanschrift>,
}

/// The purpose is checked (§ 44 Abs. 1 Satz 2 BMG) but the reference keeps no
/// protocol of requests, so it is not read afterwards.
#[derive(Debug, Clone)]
#[allow(dead_code)]
pub struct AuskunftAnfrage {
    pub suchdaten: Suchdaten,
    pub gewerblich: bool,
    pub beschreibung: Option<String>,
}

fn name(v: &Value, at: &str, errs: &mut Errors) -> Checked<String> {
    crate::common::validate::string(v, at, NAME_MAX, errs)
}

fn vornamen(v: &Value, at: &str, errs: &mut Errors) -> Checked<Vec<String>> {
    array(v, at, 20, errs, name)
}

fn req_vornamen(
    map: &serde_json::Map<String, Value>,
    at: &str,
    errs: &mut Errors,
) -> Checked<Vec<String>> {
    let v = required(map, at, "vornamen", errs)?;
    vornamen(v, &ptr(at, "vornamen"), errs)
}

fn plz(v: &Value, at: &str, errs: &mut Errors) -> Checked<String> {
    digits(v, at, 5, PLZ_FORMAT, errs)
}

pub fn adresse(v: &Value, at: &str, errs: &mut Errors) -> Checked<Adresse> {
    let map = object(
        v,
        at,
        &["strasse", "hausnummer", "zusatz", "plz", "ort", "ags"],
        &[],
        errs,
    )?;
    let strasse = req_string(map, at, "strasse", NAME_MAX, errs);
    let hausnummer = req_string(map, at, "hausnummer", 20, errs);
    let zusatz = opt_string(map, at, "zusatz", 200, errs);
    let plz = required(map, at, "plz", errs).and_then(|v| plz(v, &ptr(at, "plz"), errs));
    let ort = req_string(map, at, "ort", NAME_MAX, errs);
    let ags = optional(map, "ags")
        .map(|v| digits(v, &ptr(at, "ags"), 8, AGS_FORMAT, errs))
        .transpose();
    Ok(Adresse {
        strasse: strasse?,
        hausnummer: hausnummer?,
        zusatz: zusatz?,
        plz: plz?,
        ort: ort?,
        ags: ags?,
    })
}

fn geburtsdatum(v: &Value, at: &str, errs: &mut Errors, faults: &Faults) -> Checked<String> {
    let d = crate::common::validate::date(v, at, errs)?;
    if !faults.on("future-geburtsdatum-accepted") && parse_date(&d).is_some_and(is_future) {
        return Err(errs.push(
            at,
            GEBURTSDATUM_ZUKUNFT,
            "the Geburtsdatum lies in the future",
        ));
    }
    Ok(d)
}

fn rufname_in(rufname: &str, vornamen: &[String]) -> bool {
    vornamen.iter().any(|v| norm(v) == norm(rufname))
}

fn personendaten(
    v: &Value,
    at: &str,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<Personendaten> {
    let allowed = [
        "familienname",
        "geburtsname",
        "vornamen",
        "rufname",
        "doktorgrad",
        "geburtsdatum",
        "geschlecht",
    ];
    let map = object(v, at, &allowed, &[], errs)?;
    let familienname = req_string(map, at, "familienname", NAME_MAX, errs);
    let geburtsname = opt_string(map, at, "geburtsname", NAME_MAX, errs);
    let vornamen = req_vornamen(map, at, errs);
    let rufname = opt_string(map, at, "rufname", NAME_MAX, errs);
    let doktorgrad = opt_string(map, at, "doktorgrad", 50, errs);
    let geburtsdatum = required(map, at, "geburtsdatum", errs)
        .and_then(|v| geburtsdatum(v, &ptr(at, "geburtsdatum"), errs, faults));
    let geschlecht = required(map, at, "geschlecht", errs)
        .and_then(|v| one_of(v, &ptr(at, "geschlecht"), GESCHLECHTER, GESCHLECHT, errs));
    if let (Ok(Some(r)), Ok(v)) = (&rufname, &vornamen)
        && !faults.on("rufname-unchecked")
        && !rufname_in(r, v)
    {
        errs.push(
            &ptr(at, "rufname"),
            RUFNAME,
            "the Rufname must be one of the Vornamen",
        );
    }
    Ok(Personendaten {
        familienname: familienname?,
        geburtsname: geburtsname?,
        vornamen: vornamen?,
        rufname: rufname?,
        doktorgrad: doktorgrad?,
        geburtsdatum: geburtsdatum?,
        geschlecht: geschlecht?,
    })
}

/// A Wohnungsgeber or Eigentümer.
fn beteiligter(v: &Value, at: &str, errs: &mut Errors) -> Checked<()> {
    let map = object(v, at, &["name", "anschrift"], &[], errs)?;
    let n = req_string(map, at, "name", NAME_MAX, errs);
    let a =
        required(map, at, "anschrift", errs).and_then(|v| adresse(v, &ptr(at, "anschrift"), errs));
    n?;
    a?;
    Ok(())
}

fn meldepflichtiger(v: &Value, at: &str, errs: &mut Errors) -> Checked<(String, Vec<String>)> {
    let map = object(v, at, &["familienname", "vornamen"], &[], errs)?;
    let f = req_string(map, at, "familienname", NAME_MAX, errs);
    let v = req_vornamen(map, at, errs);
    Ok((f?, v?))
}

/// The confirmed flat, date and persons of a Wohnungsgeberbestätigung (§ 19 BMG),
/// each on its own so that one bad member does not hide the other comparisons.
struct Bestaetigung {
    datum: Checked<String>,
    wohnung: Checked<Adresse>,
    meldepflichtige: Checked<Vec<(String, Vec<String>)>>,
}

fn wohnungsgeberbestaetigung(v: &Value, at: &str, errs: &mut Errors) -> Checked<Bestaetigung> {
    let allowed = [
        "wohnungsgeber",
        "eigentuemer",
        "ereignis",
        "datum",
        "wohnung",
        "meldepflichtige",
    ];
    let map = object(v, at, &allowed, &[], errs)?;
    let wg = required(map, at, "wohnungsgeber", errs)
        .and_then(|v| beteiligter(v, &ptr(at, "wohnungsgeber"), errs));
    let eig = optional(map, "eigentuemer")
        .map(|v| beteiligter(v, &ptr(at, "eigentuemer"), errs))
        .transpose();
    let ereignis = required(map, at, "ereignis", errs).and_then(|v| {
        let p = ptr(at, "ereignis");
        let e = one_of(v, &p, &["einzug", "auszug"], WOHNUNGSGEBER_EREIGNIS, errs)?;
        if e != "einzug" {
            return Err(errs.push(
                &p,
                WOHNUNGSGEBER_EREIGNIS,
                "an Anmeldung needs the confirmation of an Einzug",
            ));
        }
        Ok(e)
    });
    let datum = req_date(map, at, "datum", errs);
    let wohnung =
        required(map, at, "wohnung", errs).and_then(|v| adresse(v, &ptr(at, "wohnung"), errs));
    let meldepflichtige = required(map, at, "meldepflichtige", errs)
        .and_then(|v| array(v, &ptr(at, "meldepflichtige"), 100, errs, meldepflichtiger));
    let _ = (wg, eig, ereignis);
    Ok(Bestaetigung {
        datum,
        wohnung,
        meldepflichtige,
    })
}

/// Validates `POST /anmeldungen`.
pub fn anmeldung(v: &Value, faults: &Faults) -> Result<Anmeldung, Errors> {
    let mut errs = Errors::default();
    let e = &mut errs;
    let allowed = [
        "person",
        "wohnung",
        "wohnungsstatus",
        "einzugsdatum",
        "wohnungsgeberbestaetigung",
    ];
    let Ok(map) = object(v, "", &allowed, &[], e) else {
        return Err(errs);
    };
    let person =
        required(map, "", "person", e).and_then(|v| personendaten(v, "/person", e, faults));
    let wohnung = required(map, "", "wohnung", e).and_then(|v| adresse(v, "/wohnung", e));
    let status = required(map, "", "wohnungsstatus", e).and_then(|v| {
        one_of(
            v,
            "/wohnungsstatus",
            WOHNUNGSSTATUS_WERTE,
            WOHNUNGSSTATUS,
            e,
        )
    });
    let einzug = req_date(map, "", "einzugsdatum", e).and_then(|d| {
        if parse_date(&d).is_some_and(is_future) {
            Err(e.push(
                "/einzugsdatum",
                EINZUG_ZUKUNFT,
                "the Anmeldung follows the move; Einzugsdatum lies in the future",
            ))
        } else {
            Ok(d)
        }
    });
    let wgb = match optional(map, "wohnungsgeberbestaetigung") {
        None if faults.on("wohnungsgeber-optional") => Err(Invalid),
        None => Err(e.push(
            "/wohnungsgeberbestaetigung",
            WOHNUNGSGEBER_FEHLT,
            "the Wohnungsgeberbestätigung (§ 19 BMG) is missing",
        )),
        Some(v) => wohnungsgeberbestaetigung(v, "/wohnungsgeberbestaetigung", e),
    };
    let confirmed = wgb.as_ref().ok();
    if let (Some(Ok(b)), Ok(w)) = (confirmed.map(|b| &b.wohnung), &wohnung)
        && !b.same_flat(w)
    {
        e.push(
            "/wohnungsgeberbestaetigung/wohnung",
            WOHNUNGSGEBER_ADRESSE,
            "the Wohnungsgeber confirmed a different flat",
        );
    }
    if let (Some(Ok(b)), Ok(d)) = (confirmed.map(|b| &b.datum), &einzug)
        && !faults.on("wohnungsgeber-datum-unchecked")
        && b != d
    {
        e.push(
            "/wohnungsgeberbestaetigung/datum",
            WOHNUNGSGEBER_DATUM,
            "the confirmed date differs from the Einzugsdatum",
        );
    }
    if let (Some(Ok(m)), Ok(p)) = (confirmed.map(|b| &b.meldepflichtige), &person) {
        let listed = m.iter().any(|(f, vs)| {
            norm(f) == norm(&p.familienname) && vs.iter().any(|v| rufname_in(v, &p.vornamen))
        });
        if !listed {
            e.push(
                "/wohnungsgeberbestaetigung/meldepflichtige",
                WOHNUNGSGEBER_PERSON,
                "the person is not among the meldepflichtige persons confirmed by the Wohnungsgeber",
            );
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    match (person, wohnung, status, einzug) {
        (Ok(person), Ok(wohnung), Ok(wohnungsstatus), Ok(einzugsdatum)) => Ok(Anmeldung {
            person,
            wohnung,
            wohnungsstatus,
            einzugsdatum,
        }),
        _ => Err(internal()),
    }
}

/// Unreachable in practice: a field failed without recording an error.
fn internal() -> Errors {
    let mut errs = Errors::default();
    errs.push("", rules::TYPE, "invalid request");
    errs
}

/// Validates the syntax of `POST /abmeldungen` (the person is looked up later).
pub fn abmeldung(v: &Value) -> Result<Abmeldung, Errors> {
    let mut errs = Errors::default();
    let e = &mut errs;
    let Ok(map) = object(v, "", &["personId", "auszugsdatum"], &[], e) else {
        return Err(errs);
    };
    let id = req_string(map, "", "personId", 64, e);
    let d = req_date(map, "", "auszugsdatum", e);
    match (id, d) {
        (Ok(person_id), Ok(auszugsdatum)) if errs.is_empty() => Ok(Abmeldung {
            person_id,
            auszugsdatum,
        }),
        _ if errs.is_empty() => Err(internal()),
        _ => Err(errs),
    }
}

/// A nullable optional member of a merge patch: `Some(None)` = remove.
fn nullable(
    map: &serde_json::Map<String, Value>,
    key: &str,
    max: usize,
    errs: &mut Errors,
) -> Checked<Option<Option<String>>> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => {
            crate::common::validate::string(v, &ptr("", key), max, errs).map(|s| Some(Some(s)))
        }
    }
}

/// A member that may be absent but, when present, must not be null.
fn present<'a>(
    map: &'a serde_json::Map<String, Value>,
    key: &str,
    errs: &mut Errors,
) -> Checked<Option<&'a Value>> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Null) => Err(errs.push(&ptr("", key), rules::REQUIRED, "cannot be removed")),
        Some(v) => Ok(Some(v)),
    }
}

/// Validates `PATCH /personen/{id}` (JSON Merge Patch).
pub fn korrektur(v: &Value, faults: &Faults) -> Result<Korrektur, Errors> {
    let mut errs = Errors::default();
    let e = &mut errs;
    let allowed = [
        "familienname",
        "geburtsname",
        "vornamen",
        "rufname",
        "doktorgrad",
        "geburtsdatum",
        "geschlecht",
    ];
    let read_only = [
        "id",
        "status",
        "sterbedatum",
        "auszugsdatum",
        "auskunftssperre",
        "wohnungen",
        "geaendertAm",
    ];
    let (allowed, read_only): (Vec<&str>, &[&str]) = if faults.on("read-only-members-ignored") {
        (
            allowed.iter().chain(read_only.iter()).copied().collect(),
            &[],
        )
    } else {
        (allowed.to_vec(), &read_only)
    };
    let Ok(map) = object(v, "", &allowed, read_only, e) else {
        return Err(errs);
    };
    let nullable = |map: &serde_json::Map<String, Value>, key: &str, max: usize, e: &mut Errors| {
        let r = nullable(map, key, max, e);
        if faults.on("merge-null-ignored") {
            r.map(|o| o.filter(Option::is_some))
        } else {
            r
        }
    };
    let familienname = present(map, "familienname", e)
        .and_then(|v| v.map(|v| name(v, "/familienname", e)).transpose());
    let geburtsname = nullable(map, "geburtsname", NAME_MAX, e);
    let vornamen = present(map, "vornamen", e)
        .and_then(|v| v.map(|v| vornamen(v, "/vornamen", e)).transpose());
    let rufname = nullable(map, "rufname", NAME_MAX, e);
    let doktorgrad = nullable(map, "doktorgrad", 50, e);
    let geburtsdatum = present(map, "geburtsdatum", e).and_then(|v| {
        v.map(|v| geburtsdatum(v, "/geburtsdatum", e, faults))
            .transpose()
    });
    let geschlecht = present(map, "geschlecht", e).and_then(|v| {
        v.map(|v| one_of(v, "/geschlecht", GESCHLECHTER, GESCHLECHT, e))
            .transpose()
    });
    let build = || -> Checked<Korrektur> {
        Ok(Korrektur {
            familienname: familienname?,
            geburtsname: geburtsname?,
            vornamen: vornamen?,
            rufname: rufname?,
            doktorgrad: doktorgrad?,
            geburtsdatum: geburtsdatum?,
            geschlecht: geschlecht?,
        })
    };
    match build() {
        Ok(k) if errs.is_empty() => Ok(k),
        Ok(_) => Err(errs),
        Err(Invalid) if errs.is_empty() => Err(internal()),
        Err(Invalid) => Err(errs),
    }
}

fn suchanschrift(v: &Value, at: &str, errs: &mut Errors) -> Checked<Suchanschrift> {
    let map = object(v, at, &["strasse", "hausnummer", "plz", "ort"], &[], errs)?;
    let strasse = opt_string(map, at, "strasse", NAME_MAX, errs);
    let hausnummer = opt_string(map, at, "hausnummer", 20, errs);
    let plz = optional(map, "plz")
        .map(|v| plz(v, &ptr(at, "plz"), errs))
        .transpose();
    let ort = opt_string(map, at, "ort", NAME_MAX, errs);
    Ok(Suchanschrift {
        strasse: strasse?,
        hausnummer: hausnummer?,
        plz: plz?,
        ort: ort?,
    })
}

fn suchdaten(v: &Value, at: &str, errs: &mut Errors, faults: &Faults) -> Checked<Suchdaten> {
    let allowed = [
        "personId",
        "familienname",
        "fruehererName",
        "vornamen",
        "geburtsdatum",
        "geschlecht",
        "anschrift",
    ];
    let allowed = if faults.on("search-by-id-allowed") {
        &allowed[..]
    } else {
        &allowed[1..]
    };
    let map = object(v, at, allowed, &[], errs)?;
    let person_id = opt_string(map, at, "personId", 64, errs);
    let familienname = req_string(map, at, "familienname", NAME_MAX, errs);
    let frueher = opt_string(map, at, "fruehererName", NAME_MAX, errs);
    let vornamen = req_vornamen(map, at, errs);
    let geburtsdatum = opt_date(map, at, "geburtsdatum", errs);
    let geschlecht = optional(map, "geschlecht")
        .map(|v| one_of(v, &ptr(at, "geschlecht"), GESCHLECHTER, GESCHLECHT, errs))
        .transpose();
    let anschrift = optional(map, "anschrift")
        .map(|v| suchanschrift(v, &ptr(at, "anschrift"), errs))
        .transpose();
    Ok(Suchdaten {
        person_id: person_id?,
        familienname: familienname?,
        frueherer_name: frueher?,
        vornamen: vornamen?,
        geburtsdatum: geburtsdatum?,
        geschlecht: geschlecht?,
        anschrift: anschrift?,
    })
}

/// Validates `POST /auskuenfte`.
pub fn auskunft_anfrage(v: &Value, faults: &Faults) -> Result<AuskunftAnfrage, Errors> {
    let mut errs = Errors::default();
    let e = &mut errs;
    let Ok(map) = object(v, "", &["suchdaten", "zweck"], &[], e) else {
        return Err(errs);
    };
    let such =
        required(map, "", "suchdaten", e).and_then(|v| suchdaten(v, "/suchdaten", e, faults));
    let zweck = required(map, "", "zweck", e).and_then(|v| {
        let m = object(v, "/zweck", &["gewerblich", "beschreibung"], &[], e)?;
        let gewerblich = required(m, "/zweck", "gewerblich", e).and_then(|g| {
            g.as_bool()
                .ok_or_else(|| e.push("/zweck/gewerblich", rules::TYPE, "must be a boolean"))
        });
        let beschreibung = match m.get("beschreibung") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(b) => crate::common::validate::string(b, "/zweck/beschreibung", 1000, e).map(Some),
        };
        let gewerblich = gewerblich?;
        let beschreibung = beschreibung?;
        if gewerblich && beschreibung.is_none() && !faults.on("zweck-unchecked") {
            return Err(e.push(
                "/zweck/beschreibung",
                ZWECK_FEHLT,
                "a commercial purpose must be described (§ 44 Abs. 1 Satz 2 BMG)",
            ));
        }
        Ok((gewerblich, beschreibung))
    });
    match (such, zweck) {
        (Ok(suchdaten), Ok((gewerblich, beschreibung))) if errs.is_empty() => Ok(AuskunftAnfrage {
            suchdaten,
            gewerblich,
            beschreibung,
        }),
        _ if errs.is_empty() => Err(internal()),
        _ => Err(errs),
    }
}
