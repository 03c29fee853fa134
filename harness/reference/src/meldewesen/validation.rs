//! Validation of the Meldewesen 1.0 request bodies against the contract's
//! rules (`x-rules` in the OpenAPI document). Every check runs, so a 422 lists
//! all offending fields at once; cross-field rules (§ 19 BMG) run only when the
//! fields they compare are valid themselves.

use serde_json::Value;

use super::faults::Fault;
use super::model::Adresse;
use crate::Faults;
use crate::common::dates::parse_date;
use crate::common::validate::{
    Checked, Errors, Invalid, array, norm, object, ptr, required, rules,
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

// ---- Blank strings and null (openapi.yaml info, "Blank and null values") ----
//
// A blank string is REQUIRED, never the member's format or enum rule; null
// for an optional member of a POST body is TYPE. The shared helpers of
// `common::validate` treat these differently, so Meldewesen wraps them here.

fn is_blank(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.trim().is_empty())
}

/// An optional member of a POST body: absent is `None`, null is TYPE.
fn optional<'a>(
    map: &'a serde_json::Map<String, Value>,
    at: &str,
    key: &str,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<Option<&'a Value>> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Null) if faults.on(Fault::NullOptionalMemberIgnored) => Ok(None),
        Some(Value::Null) => Err(errs.push(
            &ptr(at, key),
            rules::TYPE,
            "null is not a value; leave the member out",
        )),
        Some(v) => Ok(Some(v)),
    }
}

/// A non-blank string of at most `max` characters.
fn text(v: &Value, at: &str, max: usize, errs: &mut Errors, faults: &Faults) -> Checked<String> {
    if faults.on(Fault::LengthCountedInBytes)
        && let Some(s) = v.as_str()
        && !s.trim().is_empty()
        && s.trim().len() > max
    {
        return Err(errs.push(at, rules::LENGTH, format!("at most {max} characters")));
    }
    let s = crate::common::validate::string(v, at, max, errs)?;
    if faults.on(Fault::NamesStoredAsLatin1) {
        return Ok(s
            .chars()
            .map(|c| if u32::from(c) > 0xff { '?' } else { c })
            .collect());
    }
    Ok(s)
}

fn req_string(
    map: &serde_json::Map<String, Value>,
    at: &str,
    key: &str,
    max: usize,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<String> {
    let v = required(map, at, key, errs)?;
    text(v, &ptr(at, key), max, errs, faults)
}

fn opt_string(
    map: &serde_json::Map<String, Value>,
    at: &str,
    key: &str,
    max: usize,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<Option<String>> {
    optional(map, at, key, errs, faults)?
        .map(|v| text(v, &ptr(at, key), max, errs, faults))
        .transpose()
}

/// An optional string that may be empty (`zusatz`).
fn opt_free_string(
    map: &serde_json::Map<String, Value>,
    at: &str,
    key: &str,
    max: usize,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<Option<String>> {
    let Some(v) = optional(map, at, key, errs, faults)? else {
        return Ok(None);
    };
    let p = ptr(at, key);
    let Some(s) = v.as_str() else {
        return Err(errs.push(&p, rules::TYPE, "must be a string"));
    };
    if s.chars().count() > max {
        return Err(errs.push(&p, rules::LENGTH, format!("at most {max} characters")));
    }
    Ok(Some(s.trim().to_string()))
}

fn blank_required(v: &Value, at: &str, errs: &mut Errors, faults: &Faults) -> Checked<()> {
    if is_blank(v) && !faults.on(Fault::BlankFormatRule) {
        return Err(errs.push(at, rules::REQUIRED, "must not be blank"));
    }
    Ok(())
}

/// Exactly `n` ASCII digits (`[0-9]`, not any Unicode digit); blank is REQUIRED.
fn digits(
    v: &Value,
    at: &str,
    n: usize,
    rule: &'static str,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<String> {
    blank_required(v, at, errs, faults)?;
    if faults.on(Fault::UnicodeDigitsAccepted)
        && let Some(s) = v.as_str()
        && s.chars().count() == n
        && s.chars().all(char::is_numeric)
    {
        return Ok(s.to_string());
    }
    crate::common::validate::digits(v, at, n, rule, errs)
}

/// A valid calendar date `YYYY-MM-DD`; blank is REQUIRED.
fn date(v: &Value, at: &str, errs: &mut Errors, faults: &Faults) -> Checked<String> {
    blank_required(v, at, errs, faults)?;
    if faults.on(Fault::GermanDateAccepted)
        && let Some((d, m, y)) = v.as_str().and_then(german_date)
    {
        return Ok(format!("{y}-{m}-{d}"));
    }
    if faults.on(Fault::CenturyLeapDayAccepted)
        && let Some(s) = v.as_str()
        && s.len() == 10
        && s.ends_with("00-02-29")
        && s[..4].bytes().all(|c| c.is_ascii_digit())
    {
        return Ok(s.to_string());
    }
    crate::common::validate::date(v, at, errs)
}

/// `DD.MM.YYYY` (only for the fault `german-date-accepted`).
fn german_date(s: &str) -> Option<(&str, &str, &str)> {
    let mut parts = s.split('.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = parts.next().is_none()
        && d.len() == 2
        && m.len() == 2
        && y.len() == 4
        && s.bytes().filter(u8::is_ascii_digit).count() == 8;
    ok.then_some((d, m, y))
}

fn req_date(
    map: &serde_json::Map<String, Value>,
    at: &str,
    key: &str,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<String> {
    let v = required(map, at, key, errs)?;
    date(v, &ptr(at, key), errs, faults)
}

fn opt_date(
    map: &serde_json::Map<String, Value>,
    at: &str,
    key: &str,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<Option<String>> {
    optional(map, at, key, errs, faults)?
        .map(|v| date(v, &ptr(at, key), errs, faults))
        .transpose()
}

/// One of `allowed`; blank is REQUIRED.
fn one_of(
    v: &Value,
    at: &str,
    allowed: &[&str],
    rule: &'static str,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<String> {
    blank_required(v, at, errs, faults)?;
    crate::common::validate::one_of(v, at, allowed, rule, errs)
}

fn name(v: &Value, at: &str, errs: &mut Errors, faults: &Faults) -> Checked<String> {
    text(v, at, NAME_MAX, errs, faults)
}

fn vornamen(v: &Value, at: &str, errs: &mut Errors, faults: &Faults) -> Checked<Vec<String>> {
    array(v, at, 20, errs, |v, at, errs| name(v, at, errs, faults))
}

fn req_vornamen(
    map: &serde_json::Map<String, Value>,
    at: &str,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<Vec<String>> {
    let v = required(map, at, "vornamen", errs)?;
    vornamen(v, &ptr(at, "vornamen"), errs, faults)
}

fn plz(v: &Value, at: &str, errs: &mut Errors, faults: &Faults) -> Checked<String> {
    digits(v, at, 5, PLZ_FORMAT, errs, faults)
}

pub fn adresse(v: &Value, at: &str, errs: &mut Errors, faults: &Faults) -> Checked<Adresse> {
    let map = object(
        v,
        at,
        &["strasse", "hausnummer", "zusatz", "plz", "ort", "ags"],
        &[],
        errs,
    )?;
    let strasse = req_string(map, at, "strasse", NAME_MAX, errs, faults);
    let hausnummer = req_string(map, at, "hausnummer", 20, errs, faults);
    let zusatz = opt_free_string(map, at, "zusatz", 200, errs, faults);
    let plz = required(map, at, "plz", errs).and_then(|v| plz(v, &ptr(at, "plz"), errs, faults));
    let ort = req_string(map, at, "ort", NAME_MAX, errs, faults);
    let ags = optional(map, at, "ags", errs, faults).and_then(|o| {
        o.map(|v| digits(v, &ptr(at, "ags"), 8, AGS_FORMAT, errs, faults))
            .transpose()
    });
    Ok(Adresse {
        strasse: strasse?,
        hausnummer: hausnummer?,
        zusatz: zusatz?.filter(|z| !z.is_empty()),
        plz: plz?,
        ort: ort?,
        ags: ags?,
    })
}

/// A Geburtsdatum: a valid date, not in the future. `korrektur`: in a PATCH.
fn geburtsdatum(
    v: &Value,
    at: &str,
    errs: &mut Errors,
    faults: &Faults,
    korrektur: bool,
) -> Checked<String> {
    let d = date(v, at, errs, faults)?;
    let unchecked = if korrektur {
        faults.on(Fault::KorrekturGeburtsdatumUnchecked)
    } else {
        faults.on(Fault::FutureGeburtsdatumAccepted)
    };
    if !unchecked && parse_date(&d).is_some_and(|d| is_future(d, faults)) {
        return Err(errs.push(
            at,
            GEBURTSDATUM_ZUKUNFT,
            "the Geburtsdatum lies in the future",
        ));
    }
    Ok(d)
}

/// "In the future": later than today in UTC+14 (with the fault
/// `today-is-future`, today counts as future too).
fn is_future(d: time::Date, faults: &Faults) -> bool {
    if faults.on(Fault::TodayIsFuture) {
        return d >= crate::common::dates::today();
    }
    crate::common::dates::is_future(d)
}

/// Whether `rufname` is one of `vornamen` (a whole Vorname, case and
/// whitespace ignored).
pub fn rufname_in(rufname: &str, vornamen: &[String], faults: &Faults) -> bool {
    if faults.on(Fault::RufnameSubstring) {
        let all = norm(&vornamen.join(" "));
        return all.contains(&norm(rufname));
    }
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
    let familienname = req_string(map, at, "familienname", NAME_MAX, errs, faults);
    let geburtsname = opt_string(map, at, "geburtsname", NAME_MAX, errs, faults);
    let vornamen = req_vornamen(map, at, errs, faults);
    let rufname = opt_string(map, at, "rufname", NAME_MAX, errs, faults);
    let doktorgrad = opt_string(map, at, "doktorgrad", 50, errs, faults);
    let geburtsdatum = required(map, at, "geburtsdatum", errs)
        .and_then(|v| geburtsdatum(v, &ptr(at, "geburtsdatum"), errs, faults, false));
    let geschlecht = required(map, at, "geschlecht", errs).and_then(|v| {
        one_of(
            v,
            &ptr(at, "geschlecht"),
            GESCHLECHTER,
            GESCHLECHT,
            errs,
            faults,
        )
    });
    if let (Ok(Some(r)), Ok(v)) = (&rufname, &vornamen)
        && !faults.on(Fault::RufnameUnchecked)
        && !rufname_in(r, v, faults)
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
fn beteiligter(v: &Value, at: &str, errs: &mut Errors, faults: &Faults) -> Checked<()> {
    let map = object(v, at, &["name", "anschrift"], &[], errs)?;
    let n = req_string(map, at, "name", NAME_MAX, errs, faults);
    let a = required(map, at, "anschrift", errs)
        .and_then(|v| adresse(v, &ptr(at, "anschrift"), errs, faults));
    n?;
    a?;
    Ok(())
}

fn meldepflichtiger(
    v: &Value,
    at: &str,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<(String, Vec<String>)> {
    let map = object(v, at, &["familienname", "vornamen"], &[], errs)?;
    let f = req_string(map, at, "familienname", NAME_MAX, errs, faults);
    let v = req_vornamen(map, at, errs, faults);
    Ok((f?, v?))
}

/// The confirmed flat, date and persons of a Wohnungsgeberbestätigung (§ 19 BMG),
/// each on its own so that one bad member does not hide the other comparisons.
struct Bestaetigung {
    datum: Checked<String>,
    wohnung: Checked<Adresse>,
    meldepflichtige: Checked<Vec<(String, Vec<String>)>>,
}

fn wohnungsgeberbestaetigung(
    v: &Value,
    at: &str,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<Bestaetigung> {
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
        .and_then(|v| beteiligter(v, &ptr(at, "wohnungsgeber"), errs, faults));
    let eig = if faults.on(Fault::EigentuemerUnchecked) {
        Ok(None)
    } else {
        optional(map, at, "eigentuemer", errs, faults).and_then(|o| {
            o.map(|v| beteiligter(v, &ptr(at, "eigentuemer"), errs, faults))
                .transpose()
        })
    };
    let ereignis = required(map, at, "ereignis", errs).and_then(|v| {
        let p = ptr(at, "ereignis");
        let e = one_of(
            v,
            &p,
            &["einzug", "auszug"],
            WOHNUNGSGEBER_EREIGNIS,
            errs,
            faults,
        )?;
        if e != "einzug" {
            return Err(errs.push(
                &p,
                WOHNUNGSGEBER_EREIGNIS,
                "an Anmeldung needs the confirmation of an Einzug",
            ));
        }
        Ok(e)
    });
    let datum = req_date(map, at, "datum", errs, faults);
    let wohnung = required(map, at, "wohnung", errs)
        .and_then(|v| adresse(v, &ptr(at, "wohnung"), errs, faults));
    let meldepflichtige = required(map, at, "meldepflichtige", errs).and_then(|v| {
        array(v, &ptr(at, "meldepflichtige"), 100, errs, |v, at, errs| {
            meldepflichtiger(v, at, errs, faults)
        })
    });
    let _ = (wg, eig, ereignis);
    Ok(Bestaetigung {
        datum,
        wohnung,
        meldepflichtige,
    })
}

/// Whether the Wohnungsgeber confirmed the flat of the Anmeldung.
fn same_flat(confirmed: &Adresse, flat: &Adresse, faults: &Faults) -> bool {
    if faults.on(Fault::WohnungsgeberAdressePartial) {
        return norm(&confirmed.strasse) == norm(&flat.strasse) && confirmed.plz == flat.plz;
    }
    if faults.on(Fault::WohnungsgeberAdresseCaseSensitive) {
        return confirmed.strasse == flat.strasse
            && confirmed.hausnummer == flat.hausnummer
            && confirmed.plz == flat.plz
            && confirmed.ort == flat.ort;
    }
    confirmed.same_flat(flat)
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
    let wohnung = required(map, "", "wohnung", e).and_then(|v| adresse(v, "/wohnung", e, faults));
    let status = required(map, "", "wohnungsstatus", e).and_then(|v| {
        one_of(
            v,
            "/wohnungsstatus",
            WOHNUNGSSTATUS_WERTE,
            WOHNUNGSSTATUS,
            e,
            faults,
        )
    });
    let einzug = req_date(map, "", "einzugsdatum", e, faults).and_then(|d| {
        if parse_date(&d).is_some_and(|d| is_future(d, faults)) {
            Err(e.push(
                "/einzugsdatum",
                EINZUG_ZUKUNFT,
                "the Anmeldung follows the move; Einzugsdatum lies in the future",
            ))
        } else {
            Ok(d)
        }
    });
    let wgb = match map.get("wohnungsgeberbestaetigung") {
        None if faults.on(Fault::WohnungsgeberOptional) => Err(Invalid),
        None | Some(Value::Null) => Err(e.push(
            "/wohnungsgeberbestaetigung",
            WOHNUNGSGEBER_FEHLT,
            "the Wohnungsgeberbestätigung (§ 19 BMG) is missing",
        )),
        Some(v) => wohnungsgeberbestaetigung(v, "/wohnungsgeberbestaetigung", e, faults),
    };
    let confirmed = wgb.as_ref().ok();
    if let (Some(Ok(b)), Ok(w)) = (confirmed.map(|b| &b.wohnung), &wohnung)
        && !same_flat(b, w, faults)
    {
        e.push(
            "/wohnungsgeberbestaetigung/wohnung",
            WOHNUNGSGEBER_ADRESSE,
            "the Wohnungsgeber confirmed a different flat",
        );
    }
    if let (Some(Ok(b)), Ok(d)) = (confirmed.map(|b| &b.datum), &einzug)
        && !faults.on(Fault::WohnungsgeberDatumUnchecked)
        && b != d
    {
        e.push(
            "/wohnungsgeberbestaetigung/datum",
            WOHNUNGSGEBER_DATUM,
            "the confirmed date differs from the Einzugsdatum",
        );
    }
    if let (Some(Ok(m)), Ok(p)) = (confirmed.map(|b| &b.meldepflichtige), &person) {
        let first_only = faults.on(Fault::WohnungsgeberFirstMeldepflichtigerOnly);
        let listed = m
            .iter()
            .take(if first_only { 1 } else { m.len() })
            .any(|(f, vs)| {
                norm(f) == norm(&p.familienname)
                    && vs
                        .iter()
                        .any(|v| p.vornamen.iter().any(|pv| norm(pv) == norm(v)))
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
pub fn abmeldung(v: &Value, faults: &Faults) -> Result<Abmeldung, Errors> {
    let mut errs = Errors::default();
    let e = &mut errs;
    let Ok(map) = object(v, "", &["personId", "auszugsdatum"], &[], e) else {
        return Err(errs);
    };
    let id = req_string(map, "", "personId", 64, e, faults);
    let d = req_date(map, "", "auszugsdatum", e, faults);
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
    faults: &Faults,
) -> Checked<Option<Option<String>>> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => text(v, &ptr("", key), max, errs, faults).map(|s| Some(Some(s))),
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
    let (allowed, read_only): (Vec<&str>, &[&str]) = if faults.on(Fault::ReadOnlyMembersIgnored) {
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
        let r = nullable(map, key, max, e, faults);
        if faults.on(Fault::MergeNullIgnored) {
            r.map(|o| o.filter(Option::is_some))
        } else {
            r
        }
    };
    let familienname = present(map, "familienname", e)
        .and_then(|v| v.map(|v| name(v, "/familienname", e, faults)).transpose());
    let geburtsname = nullable(map, "geburtsname", NAME_MAX, e);
    let vornamen = present(map, "vornamen", e)
        .and_then(|v| v.map(|v| vornamen(v, "/vornamen", e, faults)).transpose());
    let rufname = nullable(map, "rufname", NAME_MAX, e);
    let doktorgrad = nullable(map, "doktorgrad", 50, e);
    let geburtsdatum = present(map, "geburtsdatum", e).and_then(|v| {
        v.map(|v| geburtsdatum(v, "/geburtsdatum", e, faults, true))
            .transpose()
    });
    let geschlecht = present(map, "geschlecht", e).and_then(|v| {
        v.map(|v| one_of(v, "/geschlecht", GESCHLECHTER, GESCHLECHT, e, faults))
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

fn suchanschrift(
    v: &Value,
    at: &str,
    errs: &mut Errors,
    faults: &Faults,
) -> Checked<Suchanschrift> {
    let map = object(v, at, &["strasse", "hausnummer", "plz", "ort"], &[], errs)?;
    let strasse = opt_string(map, at, "strasse", NAME_MAX, errs, faults);
    let hausnummer = opt_string(map, at, "hausnummer", 20, errs, faults);
    let plz = optional(map, at, "plz", errs, faults)
        .and_then(|o| o.map(|v| plz(v, &ptr(at, "plz"), errs, faults)).transpose());
    let ort = opt_string(map, at, "ort", NAME_MAX, errs, faults);
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
    let allowed = if faults.on(Fault::SearchByIdAllowed) {
        &allowed[..]
    } else {
        &allowed[1..]
    };
    let map = object(v, at, allowed, &[], errs)?;
    let person_id = opt_string(map, at, "personId", 64, errs, faults);
    let familienname = req_string(map, at, "familienname", NAME_MAX, errs, faults);
    let frueher = opt_string(map, at, "fruehererName", NAME_MAX, errs, faults);
    let vornamen = req_vornamen(map, at, errs, faults);
    let geburtsdatum = opt_date(map, at, "geburtsdatum", errs, faults);
    let geschlecht = optional(map, at, "geschlecht", errs, faults).and_then(|o| {
        o.map(|v| {
            one_of(
                v,
                &ptr(at, "geschlecht"),
                GESCHLECHTER,
                GESCHLECHT,
                errs,
                faults,
            )
        })
        .transpose()
    });
    let anschrift = optional(map, at, "anschrift", errs, faults).and_then(|o| {
        o.map(|v| suchanschrift(v, &ptr(at, "anschrift"), errs, faults))
            .transpose()
    });
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
        let beschreibung = opt_free_string(m, "/zweck", "beschreibung", 1000, e, faults);
        let gewerblich = gewerblich?;
        let beschreibung = beschreibung?;
        // With the fault `zweck-blank-accepted` a whitespace-only description counts.
        let raw_given = m
            .get("beschreibung")
            .and_then(Value::as_str)
            .is_some_and(|b| !b.is_empty());
        let described = beschreibung.as_deref().is_some_and(|b| !b.is_empty())
            || (faults.on(Fault::ZweckBlankAccepted) && raw_given);
        if gewerblich && !described && !faults.on(Fault::ZweckUnchecked) {
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
