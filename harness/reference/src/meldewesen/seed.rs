//! The fictitious seed persons of the reference register, exactly as listed in
//! `schemas/meldewesen/1.0/SEED.md` (the suite's default fixtures use them).

use super::model::{Adresse, Person, STATUS_GEMELDET, STATUS_VERSTORBEN, Wohnung};

const SEED_TIME: &str = "2024-01-02T03:04:05Z";

fn adresse(strasse: &str, nr: &str, plz: &str, ort: &str, ags: &str) -> Adresse {
    Adresse {
        strasse: strasse.into(),
        hausnummer: nr.into(),
        zusatz: None,
        plz: plz.into(),
        ort: ort.into(),
        ags: Some(ags.into()),
    }
}

fn wohnung(anschrift: Adresse, status: &str, einzug: &str, anmeldung: &str) -> Wohnung {
    Wohnung {
        anschrift,
        status: status.into(),
        einzugsdatum: einzug.into(),
        anmeldedatum: Some(anmeldung.into()),
    }
}

fn person(
    id: &str,
    familienname: &str,
    vornamen: &[&str],
    geburtsdatum: &str,
    geschlecht: &str,
    wohnungen: Vec<Wohnung>,
) -> Person {
    Person {
        id: id.into(),
        familienname: familienname.into(),
        geburtsname: None,
        vornamen: vornamen.iter().map(|v| v.to_string()).collect(),
        rufname: None,
        doktorgrad: None,
        geburtsdatum: geburtsdatum.into(),
        geschlecht: geschlecht.into(),
        status: STATUS_GEMELDET.into(),
        sterbedatum: None,
        auszugsdatum: None,
        auskunftssperre: false,
        wohnungen,
        geaendert_am: SEED_TIME.into(),
        familienname_bei_anmeldung: familienname.into(),
        aufgegeben: Vec::new(),
    }
}

pub fn persons() -> Vec<Person> {
    let mut erika = person(
        "mw-0001",
        "Mustermann",
        &["Erika", "Maria"],
        "1964-08-12",
        "weiblich",
        vec![wohnung(
            adresse("Heidestraße", "17", "51147", "Köln", "05315000"),
            "alleinige",
            "2015-04-01",
            "2015-04-07",
        )],
    );
    erika.rufname = Some("Erika".into());
    erika.doktorgrad = Some("Dr.".into());
    erika.geburtsname = Some("Gabler".into());

    let mut lena = person(
        "mw-0002",
        "Verborgen",
        &["Lena"],
        "1990-02-14",
        "weiblich",
        vec![wohnung(
            adresse("Musterweg", "3", "10115", "Berlin", "11000000"),
            "alleinige",
            "2019-09-01",
            "2019-09-03",
        )],
    );
    lena.auskunftssperre = true;

    let paul_m = person(
        "mw-0003",
        "Zwilling",
        &["Paul"],
        "1985-06-30",
        "maennlich",
        vec![wohnung(
            adresse("Beispielallee", "5", "80331", "München", "09162000"),
            "alleinige",
            "2012-01-15",
            "2012-01-20",
        )],
    );
    let paul_h = person(
        "mw-0004",
        "Zwilling",
        &["Paul"],
        "1985-06-30",
        "maennlich",
        vec![wohnung(
            adresse("Probeplatz", "9", "20095", "Hamburg", "02000000"),
            "alleinige",
            "2018-05-01",
            "2018-05-02",
        )],
    );

    let mut hermann = person(
        "mw-0005",
        "Vorfahr",
        &["Hermann", "Otto"],
        "1931-11-02",
        "maennlich",
        vec![wohnung(
            adresse("Alte Gasse", "1", "01067", "Dresden", "14612000"),
            "alleinige",
            "1960-10-01",
            "1960-10-03",
        )],
    );
    hermann.rufname = Some("Hermann".into());
    hermann.status = STATUS_VERSTORBEN.into();
    hermann.sterbedatum = Some("2023-01-15".into());

    let mut sophie = person(
        "mw-0006",
        "Beispiel",
        &["Sophie", "Marie"],
        "1998-03-21",
        "weiblich",
        vec![
            wohnung(
                adresse("Lindenstraße", "4", "04109", "Leipzig", "14713000"),
                "haupt",
                "2020-10-01",
                "2020-10-05",
            ),
            wohnung(
                adresse("Seeufer", "2", "24103", "Kiel", "01002000"),
                "neben",
                "2022-04-01",
                "2022-04-04",
            ),
        ],
    );
    sophie.rufname = Some("Marie".into());

    let karl = person(
        "mw-0007",
        "Platzhalter",
        &["Karl"],
        "1975-12-01",
        "maennlich",
        vec![wohnung(
            adresse("Marktplatz", "8", "99084", "Erfurt", "16051000"),
            "alleinige",
            "2010-07-01",
            "2010-07-02",
        )],
    );

    vec![erika, lena, paul_m, paul_h, hermann, sophie, karl]
}
