//! Einfache Melderegisterauskunft (§ 44 BMG) with Auskunftssperre (§ 51 BMG):
//! matching the search data and choosing the answer. No match, several
//! matches and a blocked match all yield the very same bytes.

use std::collections::BTreeMap;

use serde_json::Value;

use super::faults::{Fault, with_member};
use super::model::{Auskunft, KEINE_AUSKUNFT, Person};
use super::validation::{Suchanschrift, Suchdaten};
use crate::Faults;
use crate::common::validate::norm;

/// How search data are compared with the register.
struct Compare<'a> {
    faults: &'a Faults,
}

impl Compare<'_> {
    fn same(&self, a: &str, b: &str) -> bool {
        if self.faults.on(Fault::SearchCaseSensitive) {
            a == b
        } else if self.faults.on(Fault::SearchAsciiCaseOnly) {
            // Lower-cases A-Z only: "KÖLN" becomes "kÖln".
            a.trim().eq_ignore_ascii_case(b.trim())
        } else {
            norm(a) == norm(b)
        }
    }

    /// The person's current flats (with the fault `auskunft-former-addresses`,
    /// the flats given up when there are no current ones).
    fn flats<'p>(&self, p: &'p Person) -> &'p [super::model::Wohnung] {
        if p.wohnungen.is_empty() && self.faults.on(Fault::AuskunftFormerAddresses) {
            &p.aufgegeben
        } else {
            &p.wohnungen
        }
    }

    fn anschrift_matches(&self, s: &Suchanschrift, p: &Person) -> bool {
        if self.faults.on(Fault::AddressIgnored) {
            return true;
        }
        if self.faults.on(Fault::SearchAddressAnyFlat) {
            let flats = self.flats(p);
            let any =
                |f: &dyn Fn(&super::model::Adresse) -> bool| flats.iter().any(|w| f(&w.anschrift));
            return s
                .strasse
                .as_deref()
                .is_none_or(|x| any(&|a| self.same(x, &a.strasse)))
                && s.hausnummer
                    .as_deref()
                    .is_none_or(|x| any(&|a| self.same(x, &a.hausnummer)))
                && s.plz.as_deref().is_none_or(|x| any(&|a| x == a.plz))
                && s.ort
                    .as_deref()
                    .is_none_or(|x| any(&|a| self.same(x, &a.ort)));
        }
        self.flats(p).iter().any(|w| {
            let a = &w.anschrift;
            s.strasse
                .as_deref()
                .is_none_or(|x| self.same(x, &a.strasse))
                && s.hausnummer
                    .as_deref()
                    .is_none_or(|x| self.same(x, &a.hausnummer))
                && s.plz.as_deref().is_none_or(|x| x == a.plz)
                && s.ort.as_deref().is_none_or(|x| self.same(x, &a.ort))
        })
    }

    /// Whether `p` fits every given search datum.
    fn matches(&self, s: &Suchdaten, p: &Person) -> bool {
        if let Some(id) = &s.person_id {
            return *id == p.id;
        }
        let geburtsname = if self.faults.on(Fault::FruehererNameIgnored) {
            None
        } else {
            p.geburtsname.as_deref()
        };
        let familienname = if self.faults.on(Fault::AuskunftIndexStale) {
            &p.familienname_bei_anmeldung
        } else {
            &p.familienname
        };
        let vornamen_fit = |v: &String| p.vornamen.iter().any(|pv| self.same(v, pv));
        let vornamen_ok = if self.faults.on(Fault::SearchAnyVorname) {
            s.vornamen.iter().any(vornamen_fit)
        } else {
            s.vornamen.iter().all(vornamen_fit)
        };
        (self.same(&s.familienname, familienname)
            || geburtsname.is_some_and(|g| self.same(&s.familienname, g)))
            && s.frueherer_name
                .as_deref()
                .is_none_or(|f| geburtsname.is_some_and(|g| self.same(f, g)))
            && vornamen_ok
            && s.geburtsdatum
                .as_deref()
                .is_none_or(|d| d == p.geburtsdatum)
            && s.geschlecht.as_deref().is_none_or(|g| g == p.geschlecht)
            && s.anschrift
                .as_ref()
                .is_none_or(|a| self.anschrift_matches(a, p))
    }
}

/// What the Auskunft handler sends.
pub enum Answer {
    /// 200 with this JSON body.
    Body(Vec<u8>),
    /// 404 (only with the fault `no-match-404`).
    NoMatch,
}

fn treffer(p: &Person, faults: &Faults) -> Vec<u8> {
    let mut a = Auskunft::of(p);
    if p.wohnungen.is_empty() && faults.on(Fault::AuskunftFormerAddresses) {
        a.anschriften = p.aufgegeben.iter().map(|w| &w.anschrift).collect();
    }
    if faults.on(Fault::AuskunftOnlyHauptwohnung) {
        a.anschriften.truncate(1);
    }
    if faults.on(Fault::AuskunftWithoutDoktorgrad) {
        a.doktorgrad = None;
    }
    let mut bytes = serde_json::to_vec(&a).unwrap_or_else(|_| KEINE_AUSKUNFT.as_bytes().to_vec());
    if faults.on(Fault::AuskunftLeaksGeburtsdatum) {
        bytes = with_member(bytes, "geburtsdatum", Value::String(p.geburtsdatum.clone()));
    }
    if faults.on(Fault::AuskunftLeaksSterbedatum)
        && let Some(d) = &p.sterbedatum
    {
        bytes = with_member(bytes, "sterbedatum", Value::String(d.clone()));
    }
    bytes
}

/// The answer: an Auskunft only for exactly one unblocked match.
pub fn answer(persons: &BTreeMap<String, Person>, s: &Suchdaten, faults: &Faults) -> Answer {
    let cmp = Compare { faults };
    let mut hits = persons.values().filter(|p| cmp.matches(s, p));
    let keine = || KEINE_AUSKUNFT.as_bytes().to_vec();
    match (hits.next(), hits.next()) {
        (Some(p), None) if !p.auskunftssperre => Answer::Body(treffer(p, faults)),
        (Some(_), None) if faults.on(Fault::SperreDistinguishable) => Answer::Body(with_member(
            keine(),
            "grund",
            Value::String("auskunftssperre".into()),
        )),
        (Some(p), Some(_)) if faults.on(Fault::AmbiguousMatchAnswers) && !p.auskunftssperre => {
            Answer::Body(treffer(p, faults))
        }
        (None, _) if faults.on(Fault::NoMatch404) => Answer::NoMatch,
        _ => Answer::Body(keine()),
    }
}
