//! The fictitious seed register of the Kfz-Zulassung 1.0 reference
//! (documented in `schemas/kfz-zulassung/1.0/SEED.md`).

use super::model::{
    Anschrift, Halter, Kennzeichen, STATUS_AUSSER_BETRIEB, STATUS_ZUGELASSEN, SepaMandat, Zulassung,
};

/// The Unterscheidungszeichen this (fictitious) Zulassungsbehörde issues;
/// the first one is used for plates the authority picks in a Zulassung.
pub const UNTERSCHEIDUNGSZEICHEN: &[&str] = &["WAF", "LÖ", "B", "SÜW"];

const SEED_TIME: &str = "2024-01-02T03:04:05Z";

fn halter(name: &str, strasse: &str, nr: &str, plz: &str, ort: &str) -> Halter {
    Halter {
        name: name.into(),
        anschrift: Anschrift {
            strasse: strasse.into(),
            hausnummer: nr.into(),
            plz: plz.into(),
            ort: ort.into(),
        },
    }
}

pub fn zulassungen() -> Vec<Zulassung> {
    vec![
        Zulassung {
            id: "zul-0001".into(),
            status: STATUS_ZUGELASSEN,
            fin: "WVWZZZ1JZ3W386752".into(),
            kennzeichen: Kennzeichen {
                uz: "WAF".into(),
                en: "KF 1".into(),
            },
            halter: halter(
                "Erika Mustermann",
                "Heidestraße",
                "17",
                "48231",
                "Warendorf",
            ),
            evb: "KS00001".into(),
            sepa: SepaMandat {
                kontoinhaber: "Erika Mustermann".into(),
                iban: "DE89370400440532013000".into(),
            },
            zugelassen_am: "2023-05-02".into(),
            ausser_betrieb_am: None,
            geaendert_am: SEED_TIME.into(),
        },
        Zulassung {
            id: "zul-0002".into(),
            status: STATUS_AUSSER_BETRIEB,
            fin: "WF0AXXWPMAAB12345".into(),
            kennzeichen: Kennzeichen {
                uz: "LÖ".into(),
                en: "KS 2".into(),
            },
            halter: halter("Max Beispiel", "Marktplatz", "3", "79539", "Lörrach"),
            evb: "KS00002".into(),
            sepa: SepaMandat {
                kontoinhaber: "Max Beispiel".into(),
                iban: "DE02120300000000202051".into(),
            },
            zugelassen_am: "2019-03-11".into(),
            ausser_betrieb_am: Some("2023-11-30".into()),
            geaendert_am: SEED_TIME.into(),
        },
    ]
}
