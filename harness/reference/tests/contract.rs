//! The reference server's real responses validate against the contract's JSON
//! Schemas (`schemas/meldewesen/1.0/schemas.json` and the shared Querschnitt
//! schemas), and the closed shapes really reject a leaked field.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::path::PathBuf;

use jsonschema::{Registry, Validator};
use konform_reference::{FULL_TOKEN, ServeOptions, serve};
use reqwest::Client;
use serde_json::{Value, json};

const BASE: &str = "https://konform.invalid/schemas/";
const FILES: &[&str] = &[
    "meldewesen/1.0/schemas.json",
    "querschnitt/1.0/problem.schema.json",
    "querschnitt/1.0/service-description.schema.json",
];

fn load(rel: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas")
        .join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("schema is JSON")
}

struct Contract {
    registry: Registry<'static>,
}

impl Contract {
    fn new() -> Self {
        let mut builder = Registry::new();
        for rel in FILES {
            let doc = load(rel);
            assert_eq!(doc["$id"], format!("{BASE}{rel}"), "$id of {rel}");
            builder = builder.add(format!("{BASE}{rel}"), doc).expect("resource");
        }
        Contract {
            registry: builder.prepare().expect("registry"),
        }
    }

    fn validator(&self, def: &str) -> Validator {
        let schema = json!({ "$ref": format!("{BASE}meldewesen/1.0/schemas.json#/$defs/{def}") });
        jsonschema::options()
            .with_registry(&self.registry)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{def}: {e}"))
    }

    fn check(&self, def: &str, value: &Value) {
        let v = self.validator(def);
        let errors: Vec<String> = v
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{def} violated: {errors:?}\n{value:#}");
    }
}

fn anmeldung() -> Value {
    json!({
        "person": { "familienname": "Neuzuzug", "vornamen": ["Mia"], "geburtsdatum": "1992-05-17", "geschlecht": "divers" },
        "wohnung": { "strasse": "Am Testhang", "hausnummer": "12a", "plz": "39104", "ort": "Magdeburg", "ags": "15003000" },
        "wohnungsstatus": "haupt",
        "einzugsdatum": "2024-03-01",
        "wohnungsgeberbestaetigung": {
            "wohnungsgeber": { "name": "Wohnbau Beispiel eG", "anschrift": { "strasse": "Verwalterweg", "hausnummer": "1", "plz": "39104", "ort": "Magdeburg" } },
            "ereignis": "einzug", "datum": "2024-03-01",
            "wohnung": { "strasse": "Am Testhang", "hausnummer": "12a", "plz": "39104", "ort": "Magdeburg" },
            "meldepflichtige": [ { "familienname": "Neuzuzug", "vornamen": ["Mia"] } ]
        }
    })
}

#[tokio::test]
async fn responses_follow_the_schemas() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let contract = Contract::new();
    let s = serve("meldewesen", "1.0", ServeOptions::default())
        .await
        .expect("server");
    let c = Client::new();
    let url = |p: &str| format!("{}{p}", s.base_url);
    let get = |p: &str| c.get(url(p)).bearer_auth(FULL_TOKEN).send();
    let post = |p: &str, b: Value| c.post(url(p)).bearer_auth(FULL_TOKEN).json(&b).send();

    contract.check("Anmeldung", &anmeldung());
    contract.check(
        "ServiceDescription",
        &c.get(url("/")).send().await.unwrap().json().await.unwrap(),
    );
    let r = post("/anmeldungen", anmeldung()).await.unwrap();
    assert_eq!(r.status(), 201);
    let b: Value = r.json().await.unwrap();
    contract.check("Meldebestaetigung", &b);
    let id = b["personId"].as_str().unwrap().to_string();
    for p in ["mw-0001", "mw-0005", &id] {
        contract.check(
            "Person",
            &get(&format!("/personen/{p}"))
                .await
                .unwrap()
                .json()
                .await
                .unwrap(),
        );
    }
    contract.check(
        "PersonList",
        &get("/personen?limit=3")
            .await
            .unwrap()
            .json()
            .await
            .unwrap(),
    );
    for p in ["mw-0001", "mw-0006"] {
        let m: Value = get(&format!("/personen/{p}/meldebescheinigung"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        contract.check("Meldebescheinigung", &m);
    }
    let zweck = json!({ "gewerblich": true, "beschreibung": "Forderungsmanagement" });
    for (such, def) in [
        (
            json!({"familienname": "Mustermann", "vornamen": ["Erika"]}),
            "Auskunft",
        ),
        (
            json!({"familienname": "Vorfahr", "vornamen": ["Hermann"]}),
            "Auskunft",
        ),
        (
            json!({"familienname": "Zwilling", "vornamen": ["Paul"]}),
            "KeineAuskunft",
        ),
    ] {
        let body = json!({ "suchdaten": such, "zweck": zweck });
        contract.check("AuskunftAnfrage", &body);
        let a: Value = post("/auskuenfte", body)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        contract.check(def, &a);
        contract.check("AuskunftAntwort", &a);
    }
    let r = post(
        "/abmeldungen",
        json!({"personId": id, "auszugsdatum": "2024-06-30"}),
    )
    .await
    .unwrap();
    contract.check("Abmeldebestaetigung", &r.json().await.unwrap());

    let mut bad = anmeldung();
    bad["wohnung"]["plz"] = json!("1");
    for problem in [
        post("/anmeldungen", bad)
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap(),
        c.get(url("/personen/mw-0001"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap(),
        get("/personen/nope").await.unwrap().json().await.unwrap(),
    ] {
        contract.check("Problem", &problem);
    }
    s.shutdown().await;
}

#[test]
fn closed_shapes_reject_leaked_fields() {
    let contract = Contract::new();
    let ok = json!({"ergebnis": "treffer", "familienname": "M", "vornamen": ["E"], "anschriften": [], "verstorben": false});
    assert!(contract.validator("Auskunft").is_valid(&ok));
    for (key, value) in [
        ("geburtsdatum", json!("1964-08-12")),
        ("id", json!("mw-0001")),
        ("auskunftssperre", json!(false)),
    ] {
        let mut leaked = ok.clone();
        leaked[key] = value;
        assert!(
            !contract.validator("Auskunft").is_valid(&leaked),
            "{key} must be rejected"
        );
    }
    let mut unknown = anmeldung();
    unknown["extra"] = json!(1);
    assert!(!contract.validator("Anmeldung").is_valid(&unknown));
    let mut bad_plz = anmeldung();
    bad_plz["wohnung"]["plz"] = json!("123456");
    assert!(!contract.validator("Anmeldung").is_valid(&bad_plz));
}
