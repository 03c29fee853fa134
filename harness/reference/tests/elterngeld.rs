//! Real HTTP over loopback against the Elterngeld 1.0 reference server: the
//! calculation API at its edges, the plan check, an Antrag with read-back,
//! and a few faults that must change the answers.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use konform_reference::{FULL_TOKEN, LIMITED_TOKEN, RunningReference, ServeOptions, serve};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn start(faults: &[&str]) -> (RunningReference, Client) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let opts = ServeOptions {
        faults: faults.iter().map(|f| f.to_string()).collect(),
        ..ServeOptions::default()
    };
    let server = serve("elterngeld", "1.0", opts)
        .await
        .expect("server starts");
    (server, Client::new())
}

async fn post(
    c: &Client,
    s: &RunningReference,
    path: &str,
    token: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let r = c
        .post(format!("{}{path}", s.base_url))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = r.status();
    (status, r.json().await.expect("JSON body"))
}

/// The Basis amount of Lebensmonat 1 for an income before the birth (cents).
async fn basis(c: &Client, s: &RunningReference, einkommen: u64) -> (u64, u64) {
    let body = json!({ "einkommenVorGeburt": einkommen, "monate": [{ "lebensmonat": 1, "art": "basis" }] });
    let (status, v) = post(c, s, "/berechnungen", FULL_TOKEN, &body).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    (
        v["monate"][0]["betrag"].as_u64().expect("betrag"),
        v["ersatzrate"].as_u64().expect("ersatzrate"),
    )
}

fn rules(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["rule"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn calculation_edges() {
    let (s, c) = start(&[]).await;
    // (income, amount, rate): worked out from § 2 BEEG as the interface defines it.
    let vectors = [
        (0, 30_000, 1000),
        (99_998, 66_999, 670),
        (100_000, 67_000, 670),
        (100_150, 67_101, 670),
        (120_000, 80_400, 670),
        (122_100, 80_586, 660),
        (124_000, 80_600, 650),
        (276_923, 180_000, 650),
        (500_000, 180_000, 650),
    ];
    for (e, amount, rate) in vectors {
        assert_eq!(basis(&c, &s, e).await, (amount, rate), "income {e}");
    }
    let body = json!({
        "einkommenVorGeburt": 150_000, "geschwisterbonus": true, "anzahlKinder": 2,
        "monate": [{ "lebensmonat": 2, "art": "plus" }, { "lebensmonat": 1, "art": "basis" }]
    });
    let (status, v) = post(&c, &s, "/berechnungen", FULL_TOKEN, &body).await;
    assert_eq!(status, StatusCode::OK);
    // 97500 + 9750 + 30000 = 137250; Plus = 68625.
    assert_eq!(v["monate"][0]["betrag"], 137_250);
    assert_eq!(v["monate"][1]["betrag"], 68_625);
    assert_eq!(v["summe"], 205_875);
    s.shutdown().await;
}

#[tokio::test]
async fn plan_rules_and_auth() {
    let (s, c) = start(&[]).await;
    let plan = json!({ "elternteile": [
        { "monate": [{ "lebensmonat": 1, "art": "basis" }, { "lebensmonat": 2, "art": "basis" }] },
        { "monate": [{ "lebensmonat": 1, "art": "basis" }, { "lebensmonat": 2, "art": "basis" }] }
    ]});
    let (status, v) = post(&c, &s, "/bezugsplanungen", FULL_TOKEN, &plan).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rules(&v), vec!["BASIS_PARALLEL"]);
    let (status, _) = post(&c, &s, "/bezugsplanungen", LIMITED_TOKEN, &plan).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    s.shutdown().await;
}

fn antrag(iban: &str) -> Value {
    json!({
        "eingangsdatum": "2025-03-10",
        "kind": { "geburtsdatum": "2025-01-15" },
        "antragsteller": { "familienname": "Testfall", "vornamen": ["Mia"] },
        "einkommenVorGeburt": 150_000,
        "zuVersteuerndesEinkommen": 6_000_000,
        "bezugsplanung": { "elternteile": [
            { "monate": [{ "lebensmonat": 1, "art": "basis" }, { "lebensmonat": 2, "art": "basis" }] }
        ]},
        "bankverbindung": { "kontoinhaber": "Mia Testfall", "iban": iban }
    })
}

#[tokio::test]
async fn antrag_is_stored_and_masks_the_iban() {
    let (s, c) = start(&[]).await;
    let r = c
        .post(format!("{}/antraege", s.base_url))
        .bearer_auth(FULL_TOKEN)
        .json(&antrag("DE89370400440532013000"))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::CREATED);
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let created: Value = r.json().await.expect("json");
    assert_eq!(created["berechnung"]["summe"], 195_000);
    assert_eq!(created["bankverbindung"]["ibanEndziffern"], "3000");
    assert!(created["bankverbindung"].get("iban").is_none());
    let read: Value = c
        .get(format!("{}{location}", s.base_url))
        .bearer_auth(LIMITED_TOKEN)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(read, created);
    let (status, v) = post(
        &c,
        &s,
        "/antraege",
        FULL_TOKEN,
        &antrag("DE89370400440532013001"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(rules(&v), vec!["IBAN_PRUEFZIFFER"]);
    s.shutdown().await;
}

#[tokio::test]
async fn faults_change_the_answers() {
    let (s, c) = start(&["rounding-truncates", "no-minimum-amount"]).await;
    assert_eq!(basis(&c, &s, 99_998).await.0, 66_998);
    assert_eq!(basis(&c, &s, 0).await.0, 0);
    s.shutdown().await;
    let (s, c) = start(&["iban-checksum-ignored"]).await;
    let (status, _) = post(
        &c,
        &s,
        "/antraege",
        FULL_TOKEN,
        &antrag("DE89370400440532013001"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    s.shutdown().await;
    let err = serve(
        "elterngeld",
        "1.0",
        ServeOptions {
            faults: vec!["no-such-fault".into()],
            ..ServeOptions::default()
        },
    )
    .await;
    assert!(err.is_err());
}
