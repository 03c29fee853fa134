//! Validation of the Elterngeld 1.0 request bodies (Berechnung,
//! Bezugsplanung, Antrag) with the rule ids of the interface. Every field
//! check runs so that a 422 lists all offending fields at once; the plan,
//! retroactivity and income rules run only when the fields they use are valid.

use super::faults::Fault;
use serde_json::{Map, Value};
use time::Date;

use super::fristen;
use super::iban;
use super::plan::{self, Monat, Plan};
use super::rechner::{Art, Grundlagen};
use crate::Faults;
use crate::common::dates::{is_future, parse_date};
use crate::common::validate::{Checked, Errors, Invalid, ptr, rules};

pub const WERTEBEREICH: &str = "WERTEBEREICH";
pub const ART: &str = "ART";
pub const LEBENSMONAT_DOPPELT: &str = "LEBENSMONAT_DOPPELT";
pub const IBAN_FORMAT: &str = "IBAN_FORMAT";
pub const IBAN_PRUEFZIFFER: &str = "IBAN_PRUEFZIFFER";
pub const RUECKWIRKUNG: &str = "RUECKWIRKUNG";
pub const EINGANG_ZUKUNFT: &str = "EINGANG_ZUKUNFT";
pub const EINGANG_VOR_GEBURT: &str = "EINGANG_VOR_GEBURT";
pub const EINKOMMENSGRENZE: &str = "EINKOMMENSGRENZE";

/// Largest accepted amount: 10,000,000.00 EUR in cents.
pub const BETRAG_MAX: u64 = 1_000_000_000;
/// § 1 Abs. 8 BEEG: 175,000 EUR in cents.
pub const EINKOMMENSGRENZE_CENT: u64 = 17_500_000;
const NAME_MAX: usize = 200;

/// Validation context: the faults that bend field validation.
pub struct Ctx<'a> {
    pub faults: &'a Faults,
    pub errs: Errors,
}

impl Ctx<'_> {
    fn push(&mut self, at: &str, rule: &'static str, detail: impl Into<String>) -> Invalid {
        self.errs.push(at, rule, detail)
    }
}

fn object<'v>(
    v: &'v Value,
    at: &str,
    allowed: &[&str],
    cx: &mut Ctx,
) -> Checked<&'v Map<String, Value>> {
    let Some(map) = v.as_object() else {
        return Err(cx.push(at, rules::TYPE, "must be an object"));
    };
    if !cx.faults.on(Fault::UnknownFieldsIgnored) {
        for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
            cx.push(
                &ptr(at, key),
                rules::UNKNOWN_FIELD,
                "unknown member; unknown members are rejected",
            );
        }
    }
    Ok(map)
}

fn required<'v>(
    map: &'v Map<String, Value>,
    at: &str,
    key: &str,
    cx: &mut Ctx,
) -> Checked<&'v Value> {
    match map.get(key) {
        None | Some(Value::Null) => Err(cx.push(&ptr(at, key), rules::REQUIRED, "required")),
        Some(v) => Ok(v),
    }
}

/// An optional member: absent is `None`; `null` is a value of the wrong type
/// (TYPE), unless the `null-optional-member-ignored` fault treats it as absent.
fn optional<'v>(map: &'v Map<String, Value>, key: &str, cx: &Ctx) -> Option<&'v Value> {
    map.get(key)
        .filter(|v| !(v.is_null() && cx.faults.on(Fault::NullOptionalMemberIgnored)))
}

/// An integer in `lo..=hi`; a non-integer is TYPE, out of range WERTEBEREICH.
fn integer(v: &Value, at: &str, lo: i64, hi: i64, cx: &mut Ctx) -> Checked<i64> {
    let n = match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_u64().map(|_| i64::MAX)),
        Value::String(s)
            if cx.faults.on(Fault::StringAmountsAccepted)
                && !s.is_empty()
                && s.bytes().all(|c| c.is_ascii_digit()) =>
        {
            s.parse().ok()
        }
        _ => None,
    };
    let Some(n) = n else {
        return Err(cx.push(at, rules::TYPE, "must be an integer"));
    };
    if n < lo || n > hi {
        return Err(cx.push(at, WERTEBEREICH, format!("must be from {lo} to {hi}")));
    }
    Ok(n)
}

/// An amount in integer cents, 0 to [`BETRAG_MAX`].
fn betrag(v: &Value, at: &str, cx: &mut Ctx) -> Checked<u64> {
    integer(v, at, 0, BETRAG_MAX as i64, cx).map(|n| n as u64)
}

fn boolean(v: &Value, at: &str, cx: &mut Ctx) -> Checked<bool> {
    v.as_bool()
        .ok_or_else(|| cx.push(at, rules::TYPE, "must be true or false"))
}

fn opt_bool(map: &Map<String, Value>, at: &str, key: &str, cx: &mut Ctx) -> Checked<bool> {
    match optional(map, key, cx) {
        None => Ok(false),
        Some(v) => boolean(v, &ptr(at, key), cx),
    }
}

/// A name: non-blank, at most [`NAME_MAX`] characters (Unicode code points).
fn string(v: &Value, at: &str, cx: &mut Ctx) -> Checked<String> {
    let Some(s) = v.as_str() else {
        return Err(cx.push(at, rules::TYPE, "must be a string"));
    };
    let s = if cx.faults.on(Fault::BlankStringsAccepted) && !s.is_empty() {
        s
    } else {
        s.trim()
    };
    if s.is_empty() {
        return Err(cx.push(at, rules::REQUIRED, "must not be blank"));
    }
    let length = if cx.faults.on(Fault::LengthCountedInBytes) {
        s.len()
    } else {
        s.chars().count()
    };
    if length > NAME_MAX {
        return Err(cx.push(at, rules::LENGTH, format!("at most {NAME_MAX} characters")));
    }
    if cx.faults.on(Fault::NamesStoredAsLatin1) {
        // Stored in an ISO 8859-1 column: what it cannot hold becomes '?'.
        return Ok(s
            .chars()
            .map(|c| if u32::from(c) > 0xff { '?' } else { c })
            .collect());
    }
    Ok(s.to_string())
}

/// A string member that is not blank (x-rules REQUIRED: a blank string is missing).
fn text<'v>(v: &'v Value, at: &str, cx: &mut Ctx) -> Checked<&'v str> {
    match v.as_str() {
        None => Err(cx.push(at, rules::TYPE, "must be a string")),
        Some(s) if s.trim().is_empty() => Err(cx.push(at, rules::REQUIRED, "must not be blank")),
        Some(s) => Ok(s),
    }
}

/// A strict `YYYY-MM-DD` calendar date; blank is REQUIRED.
fn date(v: &Value, at: &str, cx: &mut Ctx) -> Checked<Date> {
    let Some(s) = v.as_str() else {
        return Err(cx.push(at, rules::TYPE, "must be a string YYYY-MM-DD"));
    };
    if s.trim().is_empty() {
        return Err(cx.push(at, rules::REQUIRED, "must not be blank"));
    }
    parse_date(s)
        .or_else(|| lenient_date(s, cx.faults))
        .ok_or_else(|| cx.push(at, rules::DATE_FORMAT, "must be a valid date YYYY-MM-DD"))
}

/// What the date faults accept beyond a strict calendar date: a day past the
/// end of its month rolls over (`date-rollover`: 2025-02-29 is 2025-03-01),
/// and German dates `DD.MM.YYYY` (`german-date-accepted`).
fn lenient_date(s: &str, faults: &Faults) -> Option<Date> {
    if faults.on(Fault::GermanDateAccepted)
        && let [d, m, y] = s.split('.').collect::<Vec<_>>()[..]
        && d.len() == 2
        && m.len() == 2
        && y.len() == 4
    {
        return parse_date(&format!("{y}-{m}-{d}"));
    }
    if faults.on(Fault::DateRollover) && s.len() == 10 {
        let day: u8 = s.get(8..10)?.parse().ok()?;
        let first = parse_date(&format!("{}-01", s.get(..7)?))?;
        if (29..=31).contains(&day) {
            return first.checked_add(time::Duration::days(i64::from(day) - 1));
        }
    }
    None
}

/// The income limit of § 1 Abs. 8 BEEG for a child born on `geburt`, in cents.
fn einkommensgrenze(geburt: Date, alleinerziehend: bool, faults: &Faults) -> u64 {
    let d = |s: &str| parse_date(s).unwrap_or(Date::MIN);
    let neu = if faults.on(Fault::EinkommensgrenzeCutoffLate) {
        geburt > d("2025-04-01")
    } else {
        geburt >= d("2025-04-01")
    };
    if neu || faults.on(Fault::EinkommensgrenzeFlat) {
        return EINKOMMENSGRENZE_CENT;
    }
    let allein = alleinerziehend && !faults.on(Fault::EinkommensgrenzeAlleinerziehendIgnored);
    match (geburt >= d("2024-04-01"), allein) {
        (true, false) => 20_000_000,
        (true, true) => 15_000_000,
        (false, false) => 30_000_000,
        (false, true) => 25_000_000,
    }
}

fn anzahl_kinder(map: &Map<String, Value>, at: &str, cx: &mut Ctx) -> Checked<u64> {
    match optional(map, "anzahlKinder", cx) {
        None => Ok(1),
        Some(v) => integer(v, &ptr(at, "anzahlKinder"), 1, 8, cx).map(|n| n as u64),
    }
}

fn monat(v: &Value, at: &str, cx: &mut Ctx) -> Checked<Monat> {
    let map = object(v, at, &["lebensmonat", "art", "einkommen"], cx)?;
    let lm = required(map, at, "lebensmonat", cx)
        .and_then(|v| integer(v, &ptr(at, "lebensmonat"), 1, 32, cx));
    let art = required(map, at, "art", cx).and_then(|v| {
        let p = ptr(at, "art");
        let s = text(v, &p, cx)?;
        Art::parse(s).ok_or_else(|| cx.push(&p, ART, "must be basis, plus or bonus"))
    });
    let einkommen = match optional(map, "einkommen", cx) {
        None => Ok(0),
        Some(Value::Number(n))
            if cx.faults.on(Fault::NegativeIncomeAccepted) && n.as_i64().is_some_and(|n| n < 0) =>
        {
            Ok(0)
        }
        Some(v) => betrag(v, &ptr(at, "einkommen"), cx),
    };
    Ok(Monat {
        lebensmonat: lm? as u64,
        art: art?,
        einkommen: einkommen?,
    })
}

/// The rule for an empty array that needs an item: REQUIRED (LENGTH under
/// the `empty-arrays-length` fault).
fn empty_rule(cx: &Ctx) -> &'static str {
    if cx.faults.on(Fault::EmptyArraysLength) {
        rules::LENGTH
    } else {
        rules::REQUIRED
    }
}

/// A list of 0 (or `min`) to 32 months without a Lebensmonat twice.
fn monate(v: &Value, at: &str, min: usize, cx: &mut Ctx) -> Checked<Vec<Monat>> {
    let Some(items) = v.as_array() else {
        return Err(cx.push(at, rules::TYPE, "must be an array"));
    };
    if items.len() < min {
        return Err(cx.push(at, empty_rule(cx), "must not be empty"));
    }
    if items.len() > 32 {
        return Err(cx.push(at, rules::LENGTH, "at most 32 items"));
    }
    let mut out = Vec::new();
    let mut first: Vec<(u64, usize)> = Vec::new();
    let mut bad = false;
    for (i, item) in items.iter().enumerate() {
        let p = format!("{at}/{i}");
        match monat(item, &p, cx) {
            Ok(m) => {
                if let Some((_, j)) = first.iter().find(|(lm, _)| *lm == m.lebensmonat) {
                    let at_month = if cx.faults.on(Fault::LebensmonatDoppeltAtFirst) {
                        format!("{at}/{j}")
                    } else {
                        p
                    };
                    cx.push(
                        &at_month,
                        LEBENSMONAT_DOPPELT,
                        "this Lebensmonat is planned twice",
                    );
                    bad = true;
                } else {
                    first.push((m.lebensmonat, i));
                    out.push(m);
                }
            }
            Err(Invalid) => bad = true,
        }
    }
    // Under `plan-rules-despite-field-errors` the months that are valid go on
    // to the plan rules although others are not.
    if bad && !cx.faults.on(Fault::PlanRulesDespiteFieldErrors) {
        Err(Invalid)
    } else {
        Ok(out)
    }
}

/// POST /berechnungen.
pub struct Berechnung {
    pub grundlagen: Grundlagen,
    pub monate: Vec<Monat>,
}

pub fn berechnung(v: &Value, cx: &mut Ctx) -> Checked<Berechnung> {
    let map = object(
        v,
        "",
        &[
            "einkommenVorGeburt",
            "geschwisterbonus",
            "anzahlKinder",
            "monate",
        ],
        cx,
    )?;
    let e = required(map, "", "einkommenVorGeburt", cx)
        .and_then(|v| betrag(v, "/einkommenVorGeburt", cx));
    let gb = opt_bool(map, "", "geschwisterbonus", cx);
    let k = anzahl_kinder(map, "", cx);
    let m = required(map, "", "monate", cx).and_then(|v| monate(v, "/monate", 1, cx));
    Ok(Berechnung {
        grundlagen: Grundlagen {
            einkommen_vor_geburt: e?,
            geschwisterbonus: gb?,
            anzahl_kinder: k?,
        },
        monate: m?,
    })
}

/// A Bezugsplanung object at `at` (fields only; the plan rules come after).
pub fn bezugsplanung(v: &Value, at: &str, cx: &mut Ctx) -> Checked<Plan> {
    let map = object(
        v,
        at,
        &["alleinerziehend", "parallelBasisAusnahme", "elternteile"],
        cx,
    )?;
    let allein = opt_bool(map, at, "alleinerziehend", cx);
    let ausnahme = opt_bool(map, at, "parallelBasisAusnahme", cx);
    let eltern = required(map, at, "elternteile", cx).and_then(|v| {
        let p = ptr(at, "elternteile");
        let Some(items) = v.as_array() else {
            return Err(cx.push(&p, rules::TYPE, "must be an array"));
        };
        if items.is_empty() {
            return Err(cx.push(&p, empty_rule(cx), "one or two Elternteile"));
        }
        if items.len() > 2 {
            return Err(cx.push(&p, rules::LENGTH, "one or two Elternteile"));
        }
        let mut out = Vec::new();
        let mut bad = false;
        for (i, item) in items.iter().enumerate() {
            let pi = format!("{p}/{i}");
            let parsed = object(item, &pi, &["monate"], cx).and_then(|m| {
                required(m, &pi, "monate", cx).and_then(|v| monate(v, &ptr(&pi, "monate"), 0, cx))
            });
            match parsed {
                Ok(m) => out.push(m),
                Err(Invalid) => bad = true,
            }
        }
        if bad { Err(Invalid) } else { Ok(out) }
    });
    Ok(Plan {
        alleinerziehend: allein?,
        parallel_basis_ausnahme: ausnahme?,
        elternteile: eltern?,
    })
}

/// POST /antraege, validated.
pub struct Antrag {
    pub eingangsdatum: Date,
    pub geburtsdatum: Date,
    pub familienname: String,
    pub vornamen: Vec<String>,
    pub zu_versteuerndes_einkommen: u64,
    pub grundlagen: Grundlagen,
    pub plan: Plan,
    pub kontoinhaber: String,
    pub iban: String,
}

pub fn antrag(v: &Value, cx: &mut Ctx) -> Checked<Antrag> {
    let map = object(
        v,
        "",
        &[
            "eingangsdatum",
            "kind",
            "antragsteller",
            "einkommenVorGeburt",
            "zuVersteuerndesEinkommen",
            "geschwisterbonus",
            "bezugsplanung",
            "bankverbindung",
        ],
        cx,
    )?;
    let eingang =
        required(map, "", "eingangsdatum", cx).and_then(|v| date(v, "/eingangsdatum", cx));
    let kind = required(map, "", "kind", cx).and_then(|v| {
        let k = object(v, "/kind", &["geburtsdatum", "anzahlKinder"], cx)?;
        let g = required(k, "/kind", "geburtsdatum", cx)
            .and_then(|v| date(v, "/kind/geburtsdatum", cx));
        let n = anzahl_kinder(k, "/kind", cx);
        Ok((g?, n?))
    });
    let person = required(map, "", "antragsteller", cx).and_then(|v| {
        let p = object(v, "/antragsteller", &["familienname", "vornamen"], cx)?;
        let f = required(p, "/antragsteller", "familienname", cx)
            .and_then(|v| string(v, "/antragsteller/familienname", cx));
        let vn = required(p, "/antragsteller", "vornamen", cx).and_then(|v| {
            let at = "/antragsteller/vornamen";
            let Some(items) = v.as_array() else {
                return Err(cx.push(at, rules::TYPE, "must be an array"));
            };
            if items.is_empty() {
                return Err(cx.push(at, empty_rule(cx), "at least one Vorname"));
            }
            if items.len() > 20 {
                return Err(cx.push(at, rules::LENGTH, "1 to 20 Vornamen"));
            }
            let parsed: Vec<Checked<String>> = items
                .iter()
                .enumerate()
                .map(|(i, s)| string(s, &format!("{at}/{i}"), cx))
                .collect();
            parsed.into_iter().collect()
        });
        Ok((f?, vn?))
    });
    let e = required(map, "", "einkommenVorGeburt", cx)
        .and_then(|v| betrag(v, "/einkommenVorGeburt", cx));
    let zve = required(map, "", "zuVersteuerndesEinkommen", cx)
        .and_then(|v| betrag(v, "/zuVersteuerndesEinkommen", cx));
    let gb = opt_bool(map, "", "geschwisterbonus", cx);
    let plan =
        required(map, "", "bezugsplanung", cx).and_then(|v| bezugsplanung(v, "/bezugsplanung", cx));
    let bank = required(map, "", "bankverbindung", cx).and_then(|v| {
        let b = object(v, "/bankverbindung", &["kontoinhaber", "iban"], cx)?;
        let inhaber = required(b, "/bankverbindung", "kontoinhaber", cx)
            .and_then(|v| string(v, "/bankverbindung/kontoinhaber", cx));
        let iban = required(b, "/bankverbindung", "iban", cx).and_then(|v| {
            let at = "/bankverbindung/iban";
            let Some(s) = v.as_str() else {
                return Err(cx.push(at, rules::TYPE, "must be a string"));
            };
            if s.trim().is_empty() {
                return Err(cx.push(at, rules::REQUIRED, "must not be blank"));
            }
            let s = if cx.faults.on(Fault::IbanLowercaseNormalised) {
                s.to_ascii_uppercase()
            } else {
                s.to_string()
            };
            if !iban::format_ok(&s) || (cx.faults.on(Fault::IbanDeOnly) && !s.starts_with("DE")) {
                return Err(cx.push(at, IBAN_FORMAT, "not an IBAN in electronic format"));
            }
            if !iban::checksum_ok(&s) && !cx.faults.on(Fault::IbanChecksumIgnored) {
                return Err(cx.push(at, IBAN_PRUEFZIFFER, "the IBAN check digits are wrong"));
            }
            Ok(s)
        });
        Ok((inhaber?, iban?))
    });
    // The limit depends on the birth date (and, for births before
    // 2025-04-01, on alleinerziehend); it is checked once the date is valid.
    let alleinerziehend = match &plan {
        Ok(p) => p.alleinerziehend,
        Err(Invalid) => map
            .get("bezugsplanung")
            .and_then(|b| b.get("alleinerziehend"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
    };
    if let (Ok(zve), Ok((geburt, _)), true) =
        (&zve, &kind, !cx.faults.on(Fault::EinkommensgrenzeIgnored))
    {
        let grenze = einkommensgrenze(*geburt, alleinerziehend, cx.faults);
        if *zve > grenze {
            cx.push(
                "/zuVersteuerndesEinkommen",
                EINKOMMENSGRENZE,
                format!(
                    "no entitlement above {} EUR taxable income for this birth (§ 1 Abs. 8 BEEG)",
                    grenze / 100
                ),
            );
        }
    }
    if let Ok(d) = &eingang
        && is_future(*d)
        && !cx.faults.on(Fault::EingangFutureAccepted)
    {
        cx.push(
            "/eingangsdatum",
            EINGANG_ZUKUNFT,
            "the Eingangsdatum lies in the future",
        );
    }
    if let (Ok(d), Ok((geburt, _))) = (&eingang, &kind) {
        let vor_geburt = if cx.faults.on(Fault::EingangAmGeburtstagRefused) {
            d <= geburt
        } else {
            d < geburt
        };
        if vor_geburt {
            cx.push(
                "/eingangsdatum",
                EINGANG_VOR_GEBURT,
                "the Eingangsdatum lies before the birth of the child",
            );
        } else if let Ok(p) = &plan
            && !cx.faults.on(Fault::RueckwirkungNotChecked)
        {
            let zurueck = if cx.faults.on(Fault::RueckwirkungFourMonths) {
                4
            } else {
                3
            };
            let fruehester = fristen::fruehester(*geburt, *d, zurueck, cx.faults);
            // Only the applicant's months (the other parent files their own
            // Antrag), unless `rueckwirkung-all-parents`.
            let eltern = if cx.faults.on(Fault::RueckwirkungAllParents) {
                p.elternteile.len()
            } else {
                1
            };
            let mut gemeldet = false;
            for (i, monate) in p.elternteile.iter().take(eltern).enumerate() {
                for (j, m) in monate.iter().enumerate() {
                    if m.lebensmonat < fruehester
                        && !(gemeldet && cx.faults.on(Fault::RueckwirkungFirstOnly))
                    {
                        gemeldet = true;
                        cx.push(
                            &format!("/bezugsplanung/elternteile/{i}/monate/{j}"),
                            RUECKWIRKUNG,
                            format!(
                                "paid retroactively only from Lebensmonat {fruehester} (§ 7 Abs. 1 BEEG)"
                            ),
                        );
                    }
                }
            }
        }
    }
    // The plan rules run whenever the plan's own fields are valid, next to the
    // other errors (only on an otherwise valid Antrag under `antrag-plan-rules-last`).
    if let Ok(p) = &plan
        && !cx.faults.on(Fault::AntragPlanNotChecked)
        && (!cx.faults.on(Fault::AntragPlanRulesLast) || cx.errs.is_empty())
    {
        plan::check(p, "/bezugsplanung", cx.faults, &mut cx.errs);
    }
    let (geburtsdatum, anzahl_kinder) = kind?;
    let (familienname, vornamen) = person?;
    let (kontoinhaber, iban) = bank?;
    if !cx.errs.is_empty() {
        return Err(Invalid);
    }
    Ok(Antrag {
        eingangsdatum: eingang?,
        geburtsdatum,
        familienname,
        vornamen,
        zu_versteuerndes_einkommen: zve?,
        grundlagen: Grundlagen {
            einkommen_vor_geburt: e?,
            geschwisterbonus: gb?,
            anzahl_kinder,
        },
        plan: plan?,
        kontoinhaber,
        iban,
    })
}
