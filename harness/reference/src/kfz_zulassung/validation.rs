//! Validation of the request bodies of Kfz-Zulassung 1.0: every offending
//! field at once, each with a JSON Pointer and a rule id from the interface's
//! `x-rules`. Faults that weaken a rule are applied here or in
//! [`super::formats`].

use serde_json::{Map, Value};

use super::faults::Fault;
use super::formats;
use super::model::{Anschrift, Halter, Kennzeichen, SepaMandat};
use super::seed::UNTERSCHEIDUNGSZEICHEN;
use crate::Faults;
use crate::common::problem::Problem;
use crate::common::validate::{Checked, Errors, object, optional, ptr, required, rules};

pub const FIN_FORMAT: &str = "FIN_FORMAT";
pub const EVB_FORMAT: &str = "EVB_FORMAT";
pub const UZ_FORMAT: &str = "UNTERSCHEIDUNGSZEICHEN_FORMAT";
pub const UZ_BEZIRK: &str = "UNTERSCHEIDUNGSZEICHEN_BEZIRK";
pub const EN_FORMAT: &str = "ERKENNUNGSNUMMER_FORMAT";
pub const KENNZEICHEN_LAENGE: &str = "KENNZEICHEN_LAENGE";
pub const IBAN_FORMAT: &str = "IBAN_FORMAT";
pub const IBAN_PRUEFZIFFER: &str = "IBAN_PRUEFZIFFER";
pub const PLZ_FORMAT: &str = "PLZ_FORMAT";
pub const PIN_FORMAT: &str = "PIN_FORMAT";
pub const RESERVIERUNG_PIN: &str = "RESERVIERUNG_PIN";
pub const IDEMPOTENCY_KEY_REUSED: &str = "IDEMPOTENCY_KEY_REUSED";

/// Turns collected errors into the 422 problem (only the first under the
/// `first-error-only` fault).
pub fn problem(errs: Errors, faults: &Faults) -> Problem {
    let mut p = errs.into_problem();
    if faults.on(Fault::FirstErrorOnly) {
        p.errors.truncate(1);
    }
    p
}

/// An object whose members must be among `allowed`.
fn obj<'a>(
    v: &'a Value,
    at: &str,
    allowed: &[&str],
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<&'a Map<String, Value>> {
    if faults.on(Fault::UnknownFieldsIgnored) {
        return v
            .as_object()
            .ok_or_else(|| errs.push(at, rules::TYPE, "must be an object"));
    }
    object(v, at, allowed, &[], errs)
}

fn str_of<'a>(v: &'a Value, at: &str, errs: &mut Errors) -> Checked<&'a str> {
    v.as_str()
        .ok_or_else(|| errs.push(at, rules::TYPE, "must be a string"))
}

/// The maximum length of a string member (one less under `length-off-by-one`).
fn max_len(max: usize, faults: &Faults) -> usize {
    if faults.on(Fault::LengthOffByOne) {
        max - 1
    } else {
        max
    }
}

/// A required free-text member (a name, Straße, Hausnummer, Ort): not blank
/// (REQUIRED), at most `max` characters (LENGTH), trimmed. The faults
/// `blank-strings-accepted`, `length-counted-in-bytes` and
/// `names-stored-as-latin1` each break one of these.
fn text(
    map: &Map<String, Value>,
    at: &str,
    key: &str,
    max: usize,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<String> {
    let v = required(map, at, key, errs)?;
    let at = ptr(at, key);
    let raw = str_of(v, &at, errs)?;
    let s = raw.trim();
    if s.is_empty() && !faults.on(Fault::BlankStringsAccepted) {
        return Err(errs.push(&at, rules::REQUIRED, "must not be blank"));
    }
    let len = if faults.on(Fault::LengthCountedInBytes) {
        s.len()
    } else {
        s.chars().count()
    };
    if len > max_len(max, faults) {
        return Err(errs.push(&at, rules::LENGTH, format!("at most {max} characters")));
    }
    let s = if s.is_empty() { raw } else { s };
    if faults.on(Fault::NamesStoredAsLatin1) {
        return Ok(s
            .chars()
            .map(|c| if u32::from(c) > 0xff { '?' } else { c })
            .collect());
    }
    Ok(s.to_string())
}

/// An optional member: absent is `None`; null is TYPE (null is no value of
/// any member), unless the fault `null-optional-member-ignored` treats it as absent.
fn opt<'a>(
    map: &'a Map<String, Value>,
    at: &str,
    key: &str,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<Option<&'a Value>> {
    match map.get(key) {
        Some(Value::Null) if !faults.on(Fault::NullOptionalMemberIgnored) => Err(errs.push(
            &ptr(at, key),
            rules::TYPE,
            "null is not allowed; leave the member out instead",
        )),
        _ => Ok(optional(map, key)),
    }
}

/// A required member checked by `ok`, else `rule`.
fn formatted(
    map: &Map<String, Value>,
    at: &str,
    key: &str,
    rule: &'static str,
    detail: &str,
    errs: &mut Errors,
    ok: impl Fn(&str) -> bool,
) -> Checked<String> {
    let v = required(map, at, key, errs)?;
    let at = ptr(at, key);
    let s = str_of(v, &at, errs)?;
    if ok(s) {
        Ok(s.to_string())
    } else {
        Err(errs.push(&at, rule, detail))
    }
}

/// Unterscheidungszeichen and (optional unless `en_required`) Erkennungsnummer
/// of `map` at `at`, with format, Bezirk and length rules.
fn kennzeichen_fields(
    map: &Map<String, Value>,
    at: &str,
    en_required: bool,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<(String, Option<String>)> {
    let uz_at = ptr(at, "unterscheidungszeichen");
    let uz = match required(map, at, "unterscheidungszeichen", errs) {
        Ok(v) => str_of(v, &uz_at, errs).and_then(|s| {
            if !formats::unterscheidungszeichen_ok(s, faults) {
                Err(errs.push(&uz_at, UZ_FORMAT, "1 to 3 capital letters A-Z, Ä, Ö, Ü"))
            } else if !UNTERSCHEIDUNGSZEICHEN.contains(&s) && !faults.on(Fault::ForeignUzAccepted) {
                Err(errs.push(
                    &uz_at,
                    UZ_BEZIRK,
                    format!(
                        "this Zulassungsbehörde issues only {}",
                        UNTERSCHEIDUNGSZEICHEN.join(", ")
                    ),
                ))
            } else {
                Ok(s.to_string())
            }
        }),
        Err(i) => Err(i),
    };
    let en_at = ptr(at, "erkennungsnummer");
    let en_value = if en_required {
        required(map, at, "erkennungsnummer", errs).map(Some)
    } else {
        opt(map, at, "erkennungsnummer", errs, faults)
    };
    let en = match en_value {
        Ok(Some(v)) => {
            str_of(v, &en_at, errs).and_then(|s| match formats::erkennungsnummer_parts(s, faults) {
                Some(parts) => Ok(Some((s.to_string(), parts.0.len(), parts.1.to_string()))),
                None => Err(errs.push(
                    &en_at,
                    EN_FORMAT,
                    "1 to 2 capital letters A-Z, a space, 1 to 4 digits without a leading zero",
                )),
            })
        }
        Ok(None) => Ok(None),
        Err(i) => Err(i),
    };
    let (uz, en) = (uz?, en?);
    if let Some((s, _, digits)) = &en {
        let letters = s.split(' ').next().unwrap_or("");
        if !formats::kennzeichen_length_ok(&uz, letters, digits, faults) {
            return Err(errs.push(
                &en_at,
                KENNZEICHEN_LAENGE,
                format!(
                    "Unterscheidungszeichen and Erkennungsnummer together have at most {} characters",
                    formats::KENNZEICHEN_MAX
                ),
            ));
        }
    }
    Ok((uz, en.map(|(s, _, _)| s)))
}

/// POST /reservierungen.
pub struct ReservierungAntrag {
    pub uz: String,
    pub en: Option<String>,
}

pub fn reservierung(v: &Value, faults: &Faults) -> Result<ReservierungAntrag, Problem> {
    let mut errs = Errors::default();
    let map = obj(
        v,
        "",
        &["unterscheidungszeichen", "erkennungsnummer"],
        &mut errs,
        faults,
    );
    let fields = map
        .ok()
        .map(|m| kennzeichen_fields(m, "", false, &mut errs, faults));
    match fields {
        Some(Ok((uz, en))) if errs.is_empty() => Ok(ReservierungAntrag { uz, en }),
        _ => Err(problem(errs, faults)),
    }
}

fn anschrift(v: &Value, at: &str, errs: &mut Errors, faults: &Faults) -> Checked<Anschrift> {
    let m = obj(
        v,
        at,
        &["strasse", "hausnummer", "plz", "ort"],
        errs,
        faults,
    )?;
    let strasse = text(m, at, "strasse", 200, errs, faults);
    let hausnummer = text(m, at, "hausnummer", 20, errs, faults);
    let plz = required(m, at, "plz", errs).and_then(|v| {
        let p = ptr(at, "plz");
        let s = str_of(v, &p, errs)?;
        let leading_zero = faults.on(Fault::PlzLeadingZeroRejected) && s.starts_with('0');
        if s.len() == 5 && s.bytes().all(|c| c.is_ascii_digit()) && !leading_zero {
            Ok(s.to_string())
        } else {
            Err(errs.push(&p, PLZ_FORMAT, "must be exactly 5 digits"))
        }
    });
    let ort = text(m, at, "ort", 200, errs, faults);
    Ok(Anschrift {
        strasse: strasse?,
        hausnummer: hausnummer?,
        plz: plz?,
        ort: ort?,
    })
}

fn halter(
    map: &Map<String, Value>,
    errs: &mut Errors,
    faults: &Faults,
    placeholder_fault: bool,
) -> Checked<Halter> {
    if placeholder_fault
        && faults.on(Fault::MissingHalterAccepted)
        && optional(map, "halter").is_none()
    {
        return Ok(Halter {
            name: "Unbekannt".into(),
            anschrift: Anschrift {
                strasse: "Unbekannt".into(),
                hausnummer: "1".into(),
                plz: "00000".into(),
                ort: "Unbekannt".into(),
            },
        });
    }
    let v = required(map, "", "halter", errs)?;
    let m = obj(v, "/halter", &["name", "anschrift"], errs, faults)?;
    let name = text(m, "/halter", "name", 200, errs, faults);
    let a = required(m, "/halter", "anschrift", errs)
        .and_then(|v| anschrift(v, "/halter/anschrift", errs, faults));
    Ok(Halter {
        name: name?,
        anschrift: a?,
    })
}

fn sepa(map: &Map<String, Value>, errs: &mut Errors, faults: &Faults) -> Checked<SepaMandat> {
    let v = required(map, "", "sepaMandat", errs)?;
    let m = obj(v, "/sepaMandat", &["kontoinhaber", "iban"], errs, faults)?;
    let kontoinhaber = text(m, "/sepaMandat", "kontoinhaber", 200, errs, faults);
    let iban = required(m, "/sepaMandat", "iban", errs).and_then(|v| {
        let p = "/sepaMandat/iban";
        let s = str_of(v, p, errs)?;
        let de_rules = !faults.on(Fault::IbanDeRulesUnchecked);
        if !faults.on(Fault::IbanFormatUnchecked) && !formats::iban_structure_ok(s, de_rules) {
            Err(errs.push(
                p,
                IBAN_FORMAT,
                "an IBAN in electronic format: country code, 2 check digits, 11 to 30 capitals or digits (DE: 22 characters)",
            ))
        } else if !faults.on(Fault::IbanChecksumIgnored) && !formats::iban_checksum_ok(s) {
            Err(errs.push(p, IBAN_PRUEFZIFFER, "the IBAN check digits are wrong (ISO 13616, mod 97)"))
        } else {
            Ok(s.to_string())
        }
    });
    Ok(SepaMandat {
        kontoinhaber: kontoinhaber?,
        iban: iban?,
    })
}

fn evb(map: &Map<String, Value>, errs: &mut Errors, faults: &Faults) -> Checked<String> {
    formatted(
        map,
        "",
        "evb",
        EVB_FORMAT,
        "7 capitals or digits without I and O",
        errs,
        |s| formats::evb_ok(s, faults),
    )
}

/// POST /zulassungen.
pub struct ZulassungAntrag {
    pub fin: String,
    pub evb: String,
    pub halter: Halter,
    pub sepa: SepaMandat,
    /// The plate asked for and the reservation PIN (absent without fault only together).
    pub kennzeichen: Option<(Kennzeichen, Option<String>)>,
}

pub fn zulassung(v: &Value, faults: &Faults) -> Result<ZulassungAntrag, Problem> {
    let mut errs = Errors::default();
    let Ok(map) = obj(
        v,
        "",
        &[
            "fin",
            "evb",
            "halter",
            "sepaMandat",
            "kennzeichen",
            "reservierungsPin",
        ],
        &mut errs,
        faults,
    ) else {
        return Err(problem(errs, faults));
    };
    let fin = formatted(
        map,
        "",
        "fin",
        FIN_FORMAT,
        "17 digits or capitals without I, O and Q (ISO 3779)",
        &mut errs,
        |s| formats::fin_ok(s, faults),
    );
    let evb = evb(map, &mut errs, faults);
    let halter = halter(map, &mut errs, faults, true);
    let sepa = sepa(map, &mut errs, faults);
    let pin = match opt(map, "", "reservierungsPin", &mut errs, faults) {
        Err(i) => Err(i),
        Ok(None) => Ok(None),
        Ok(Some(v)) => str_of(v, "/reservierungsPin", &mut errs).and_then(|s| {
            let well_formed = s.len() == 8 && s.bytes().all(|c| c.is_ascii_digit());
            if well_formed || faults.on(Fault::PinFormatUnchecked) {
                Ok(Some(s.to_string()))
            } else {
                Err(errs.push("/reservierungsPin", PIN_FORMAT, "must be exactly 8 digits"))
            }
        }),
    };
    let kz = match opt(map, "", "kennzeichen", &mut errs, faults) {
        Err(i) => Err(i),
        Ok(None) => Ok(None),
        Ok(Some(v)) if faults.on(Fault::ZulassungKennzeichenUnchecked) => unchecked_kennzeichen(v)
            .map(Some)
            .ok_or_else(|| errs.push("/kennzeichen", rules::TYPE, "must be a Kennzeichen")),
        Ok(Some(v)) => obj(
            v,
            "/kennzeichen",
            &["unterscheidungszeichen", "erkennungsnummer"],
            &mut errs,
            faults,
        )
        .and_then(|m| kennzeichen_fields(m, "/kennzeichen", true, &mut errs, faults))
        .map(|(uz, en)| {
            Some(Kennzeichen {
                uz,
                en: en.unwrap_or_default(),
            })
        }),
    };
    // The pairing rules go by presence, so they are reported even when the
    // plate or the PIN is malformed too (a member that is null counts as
    // absent here; it is refused with TYPE above).
    let has_kz = optional(map, "kennzeichen").is_some();
    let has_pin = optional(map, "reservierungsPin").is_some();
    if has_kz && !has_pin && !faults.on(Fault::ReservationPinIgnored) {
        errs.push(
            "/reservierungsPin",
            rules::REQUIRED,
            "a named Kennzeichen needs the PIN of its reservation",
        );
    }
    if has_pin && !has_kz && !faults.on(Fault::PinWithoutKennzeichenAccepted) {
        errs.push(
            "/kennzeichen",
            rules::REQUIRED,
            "a reservation PIN needs the reserved Kennzeichen",
        );
    }
    match (fin, evb, halter, sepa, kz, pin) {
        (Ok(fin), Ok(evb), Ok(halter), Ok(sepa), Ok(kz), Ok(pin)) if errs.is_empty() => {
            Ok(ZulassungAntrag {
                fin,
                evb,
                halter,
                sepa,
                kennzeichen: kz.map(|k| (k, pin)),
            })
        }
        _ => Err(problem(errs, faults)),
    }
}

/// The Kennzeichen as sent, without any of its rules (fault `zulassung-kennzeichen-unchecked`).
fn unchecked_kennzeichen(v: &Value) -> Option<Kennzeichen> {
    Some(Kennzeichen {
        uz: v.get("unterscheidungszeichen")?.as_str()?.to_string(),
        en: v.get("erkennungsnummer")?.as_str()?.to_string(),
    })
}

/// An Umschreibung as sent, with its members present but none of their rules
/// checked (fault `umschreibung-body-unvalidated`).
fn unchecked_umschreibung(v: &Value) -> Option<UmschreibungAntrag> {
    let s = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    Some(UmschreibungAntrag {
        evb: s("/evb")?,
        halter: Halter {
            name: s("/halter/name")?,
            anschrift: Anschrift {
                strasse: s("/halter/anschrift/strasse")?,
                hausnummer: s("/halter/anschrift/hausnummer")?,
                plz: s("/halter/anschrift/plz")?,
                ort: s("/halter/anschrift/ort")?,
            },
        },
        sepa: SepaMandat {
            kontoinhaber: s("/sepaMandat/kontoinhaber")?,
            iban: s("/sepaMandat/iban")?,
        },
    })
}

/// POST /zulassungen/{id}/umschreibung.
pub struct UmschreibungAntrag {
    pub evb: String,
    pub halter: Halter,
    pub sepa: SepaMandat,
}

pub fn umschreibung(v: &Value, faults: &Faults) -> Result<UmschreibungAntrag, Problem> {
    if faults.on(Fault::UmschreibungBodyUnvalidated)
        && let Some(antrag) = unchecked_umschreibung(v)
    {
        return Ok(antrag);
    }
    let mut errs = Errors::default();
    let Ok(map) = obj(v, "", &["halter", "evb", "sepaMandat"], &mut errs, faults) else {
        return Err(problem(errs, faults));
    };
    let evb = evb(map, &mut errs, faults);
    // The placeholder Halter fault only concerns Neuzulassungen.
    let halter = halter(map, &mut errs, faults, false);
    let sepa = sepa(map, &mut errs, faults);
    match (evb, halter, sepa) {
        (Ok(evb), Ok(halter), Ok(sepa)) if errs.is_empty() => {
            Ok(UmschreibungAntrag { evb, halter, sepa })
        }
        _ => Err(problem(errs, faults)),
    }
}

/// A body that must be an object without members (fault `ausserbetriebsetzung-parses-body`).
pub fn no_members(v: &Value, faults: &Faults) -> Result<(), Problem> {
    let mut errs = Errors::default();
    let _ = object(v, "", &[], &[], &mut errs);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(problem(errs, faults))
    }
}
