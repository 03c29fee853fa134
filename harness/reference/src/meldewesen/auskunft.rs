//! Einfache Melderegisterauskunft (§ 44 BMG) with Auskunftssperre (§ 51 BMG):
//! matching the search data and choosing the answer. No match, several
//! matches and a blocked match all yield the very same bytes.

use std::collections::BTreeMap;

use super::model::{Auskunft, KEINE_AUSKUNFT, Person};
use super::validation::{Suchanschrift, Suchdaten};
use crate::common::validate::norm;

fn same(a: &str, b: &str) -> bool {
    norm(a) == norm(b)
}

fn anschrift_matches(s: &Suchanschrift, p: &Person) -> bool {
    p.wohnungen.iter().any(|w| {
        let a = &w.anschrift;
        s.strasse.as_deref().is_none_or(|x| same(x, &a.strasse))
            && s.hausnummer
                .as_deref()
                .is_none_or(|x| same(x, &a.hausnummer))
            && s.plz.as_deref().is_none_or(|x| x == a.plz)
            && s.ort.as_deref().is_none_or(|x| same(x, &a.ort))
    })
}

/// Whether `p` fits every given search datum.
pub fn matches(s: &Suchdaten, p: &Person) -> bool {
    let geburtsname = p.geburtsname.as_deref();
    (same(&s.familienname, &p.familienname)
        || geburtsname.is_some_and(|g| same(&s.familienname, g)))
        && s.frueherer_name
            .as_deref()
            .is_none_or(|f| geburtsname.is_some_and(|g| same(f, g)))
        && s.vornamen
            .iter()
            .all(|v| p.vornamen.iter().any(|pv| same(v, pv)))
        && s.geburtsdatum
            .as_deref()
            .is_none_or(|d| d == p.geburtsdatum)
        && s.geschlecht.as_deref().is_none_or(|g| g == p.geschlecht)
        && s.anschrift.as_ref().is_none_or(|a| anschrift_matches(a, p))
}

/// The answer body: an Auskunft only for exactly one unblocked match.
pub fn answer(persons: &BTreeMap<String, Person>, s: &Suchdaten) -> Vec<u8> {
    let mut hits = persons.values().filter(|p| matches(s, p));
    match (hits.next(), hits.next()) {
        (Some(p), None) if !p.auskunftssperre => serde_json::to_vec(&Auskunft::of(p))
            .unwrap_or_else(|_| KEINE_AUSKUNFT.as_bytes().to_vec()),
        _ => KEINE_AUSKUNFT.as_bytes().to_vec(),
    }
}
