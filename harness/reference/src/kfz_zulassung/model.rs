//! The resources of Kfz-Zulassung 1.0 as the reference keeps them: plate
//! reservations (Wunschkennzeichen) and Zulassungen, with their JSON
//! representations and ETags.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::common::etag::etag_for;

pub const STATUS_RESERVIERT: &str = "reserviert";
pub const STATUS_EINGELOEST: &str = "eingeloest";
pub const STATUS_ABGELAUFEN: &str = "abgelaufen";
pub const STATUS_ZUGELASSEN: &str = "zugelassen";
pub const STATUS_AUSSER_BETRIEB: &str = "ausser_betrieb";

/// A Kennzeichen: Unterscheidungszeichen and Erkennungsnummer ("AB 123").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kennzeichen {
    pub uz: String,
    pub en: String,
}

impl Kennzeichen {
    /// The plate as one string, e.g. `WAF-AB 123`; plates are compared by it.
    pub fn key(&self) -> String {
        format!("{}-{}", self.uz, self.en)
    }

    pub fn to_json(&self) -> Value {
        json!({ "unterscheidungszeichen": self.uz, "erkennungsnummer": self.en })
    }
}

pub fn timestamp(t: OffsetDateTime) -> String {
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// A plate reservation. Its status is derived from the clock.
#[derive(Debug, Clone)]
pub struct Reservierung {
    pub id: String,
    pub kennzeichen: Kennzeichen,
    pub pin: String,
    pub gueltig_bis: OffsetDateTime,
    pub eingeloest: bool,
}

impl Reservierung {
    pub fn status(&self, now: OffsetDateTime) -> &'static str {
        if self.eingeloest {
            STATUS_EINGELOEST
        } else if now >= self.gueltig_bis {
            STATUS_ABGELAUFEN
        } else {
            STATUS_RESERVIERT
        }
    }

    pub fn is_active(&self, now: OffsetDateTime) -> bool {
        self.status(now) == STATUS_RESERVIERT
    }

    /// The representation; the PIN only when `with_pin` (the 201 answer).
    pub fn to_json(&self, now: OffsetDateTime, with_pin: bool) -> Value {
        let mut v = json!({
            "id": self.id,
            "kennzeichen": self.kennzeichen.to_json(),
            "status": self.status(now),
            "gueltigBis": timestamp(self.gueltig_bis),
        });
        if with_pin && let Some(map) = v.as_object_mut() {
            map.insert("pin".into(), Value::String(self.pin.clone()));
        }
        v
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anschrift {
    pub strasse: String,
    pub hausnummer: String,
    pub plz: String,
    pub ort: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Halter {
    pub name: String,
    pub anschrift: Anschrift,
}

impl Halter {
    pub fn to_json(&self) -> Value {
        let a = &self.anschrift;
        json!({
            "name": self.name,
            "anschrift": { "strasse": a.strasse, "hausnummer": a.hausnummer, "plz": a.plz, "ort": a.ort },
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SepaMandat {
    pub kontoinhaber: String,
    pub iban: String,
}

/// A vehicle registration.
#[derive(Debug, Clone)]
pub struct Zulassung {
    pub id: String,
    pub status: &'static str,
    pub fin: String,
    pub kennzeichen: Kennzeichen,
    pub halter: Halter,
    pub evb: String,
    pub sepa: SepaMandat,
    pub zugelassen_am: String,
    pub ausser_betrieb_am: Option<String>,
    pub geaendert_am: String,
}

impl Zulassung {
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "status": self.status,
            "fin": self.fin,
            "kennzeichen": self.kennzeichen.to_json(),
            "halter": self.halter.to_json(),
            "evb": self.evb,
            "sepaMandat": { "kontoinhaber": self.sepa.kontoinhaber, "iban": self.sepa.iban },
            "zugelassenAm": self.zugelassen_am,
            "geaendertAm": self.geaendert_am,
        });
        if let (Some(d), Some(map)) = (&self.ausser_betrieb_am, v.as_object_mut()) {
            map.insert("ausserBetriebGesetztAm".into(), Value::String(d.clone()));
        }
        v
    }

    pub fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.to_json()).unwrap_or_default()
    }

    pub fn etag(&self, weak: bool) -> String {
        let tag = etag_for(&self.bytes());
        if weak { format!("W/{tag}") } else { tag }
    }

    pub fn in_operation(&self) -> bool {
        self.status == STATUS_ZUGELASSEN
    }
}
