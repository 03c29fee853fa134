//! Real HTTP over loopback against the Kfz-Zulassung 1.0 reference server:
//! the life cycle (reserve → register → Umschreibung → Außerbetriebsetzung),
//! PIN and expiry, conflicts, format rules, and that faults switch behaviour.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use konform_reference::{FULL_TOKEN, LIMITED_TOKEN, RunningReference, ServeOptions, serve};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

async fn start_with(faults: &[&str]) -> (RunningReference, Client) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let opts = ServeOptions {
        faults: faults.iter().map(|f| f.to_string()).collect(),
        ..ServeOptions::default()
    };
    let server = serve("kfz-zulassung", "1.0", opts)
        .await
        .expect("server starts");
    (server, Client::new())
}

async fn call(
    c: &Client,
    s: &RunningReference,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    if_match: Option<&str>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut b = c.request(method, format!("{}{path}", s.base_url));
    if let Some(t) = token {
        b = b.bearer_auth(t);
    }
    if let Some(body) = body {
        b = b.json(&body);
    }
    if let Some(tag) = if_match {
        b = b.header("If-Match", tag);
    }
    let r = b.send().await.expect("request sent");
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    let v = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, headers, v)
}

fn zulassung(fin: &str, evb: &str) -> Value {
    json!({
        "fin": fin,
        "evb": evb,
        "halter": { "name": "Testfall", "anschrift": { "strasse": "Weg", "hausnummer": "1", "plz": "48231", "ort": "Warendorf" } },
        "sepaMandat": { "kontoinhaber": "Testfall", "iban": "DE89370400440532013000" }
    })
}

fn rules(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errs| {
            errs.iter()
                .map(|e| {
                    (
                        e["pointer"].as_str().unwrap_or("").to_string(),
                        e["rule"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn life_cycle_from_reservation_to_ausserbetriebsetzung() {
    let (s, c) = start_with(&[]).await;
    let full = Some(FULL_TOKEN);
    let (st, h, res) = call(
        &c,
        &s,
        Method::POST,
        "/reservierungen",
        full,
        Some(json!({"unterscheidungszeichen": "LÖ"})),
        None,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    assert!(h.get("location").is_some());
    let pin = res["pin"].as_str().expect("pin").to_string();
    assert_eq!(pin.len(), 8);
    assert_eq!(res["kennzeichen"]["unterscheidungszeichen"], "LÖ");

    let mut body = zulassung("WKZTEST9000000001", "KT90001");
    body["kennzeichen"] = res["kennzeichen"].clone();
    body["reservierungsPin"] = json!(pin);
    let (st, h, z) = call(&c, &s, Method::POST, "/zulassungen", full, Some(body), None).await;
    assert_eq!(st, StatusCode::CREATED, "{z}");
    assert_eq!(z["kennzeichen"], res["kennzeichen"]);
    let id = z["id"].as_str().expect("id").to_string();
    let etag = h["etag"].to_str().expect("etag").to_string();
    assert!(etag.starts_with('"'));

    let path = format!("/reservierungen/{}", res["id"].as_str().unwrap_or(""));
    let (_, _, r) = call(&c, &s, Method::GET, &path, Some(LIMITED_TOKEN), None, None).await;
    assert_eq!(r["status"], "eingeloest");
    assert!(r.get("pin").is_none(), "a read must not reveal the PIN");

    let um = json!({"halter": {"name": "Neu", "anschrift": {"strasse": "Gasse", "hausnummer": "2", "plz": "79539", "ort": "Lörrach"}}, "evb": "KT90002", "sepaMandat": {"kontoinhaber": "Neu", "iban": "DE02120300000000202051"}});
    let upath = format!("/zulassungen/{id}/umschreibung");
    let (st, _, _) = call(&c, &s, Method::POST, &upath, full, Some(um.clone()), None).await;
    assert_eq!(st, StatusCode::PRECONDITION_REQUIRED);
    let (st, _, z2) = call(
        &c,
        &s,
        Method::POST,
        &upath,
        full,
        Some(um.clone()),
        Some(&etag),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{z2}");
    assert_eq!(z2["halter"]["name"], "Neu");
    let (st, _, _) = call(&c, &s, Method::POST, &upath, full, Some(um), Some(&etag)).await;
    assert_eq!(st, StatusCode::PRECONDITION_FAILED);

    let apath = format!("/zulassungen/{id}/ausserbetriebsetzung");
    let (st, _, z3) = call(&c, &s, Method::POST, &apath, full, None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(z3["status"], "ausser_betrieb");
    let (st, h, p) = call(&c, &s, Method::POST, &apath, full, None, None).await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(h["content-type"], "application/problem+json");
    assert_eq!(p["status"], 409);

    // The plate is free again, and so is the FIN (Wiederzulassung).
    let (st, _, _) = call(
        &c,
        &s,
        Method::POST,
        "/reservierungen",
        full,
        Some(res["kennzeichen"].clone()),
        None,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _, _) = call(
        &c,
        &s,
        Method::POST,
        "/zulassungen",
        full,
        Some(zulassung("WKZTEST9000000001", "KT90003")),
        None,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    s.shutdown().await;
}

#[tokio::test]
async fn expired_reservation_frees_the_plate_and_voids_the_pin() {
    let (s, c) = start_with(&[]).await;
    let full = Some(FULL_TOKEN);
    let (_, _, res) = call(
        &c,
        &s,
        Method::POST,
        "/reservierungen",
        full,
        Some(json!({"unterscheidungszeichen": "WAF", "erkennungsnummer": "K 1234"})),
        None,
    )
    .await;
    let (st, _, _) = call(
        &c,
        &s,
        Method::POST,
        "/reservierungen",
        full,
        Some(res["kennzeichen"].clone()),
        None,
    )
    .await;
    assert_eq!(
        st,
        StatusCode::CONFLICT,
        "a reserved plate cannot be reserved twice"
    );
    let hook = format!(
        "/testhilfen/reservierungen/{}/ablaufen",
        res["id"].as_str().unwrap_or("")
    );
    let (st, _, _) = call(&c, &s, Method::POST, &hook, Some(LIMITED_TOKEN), None, None).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "the hook needs kfz:testhilfen");
    let (st, _, r) = call(&c, &s, Method::POST, &hook, full, None, None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(r["status"], "abgelaufen");
    let mut body = zulassung("WKZTEST9000000002", "KT90004");
    body["kennzeichen"] = res["kennzeichen"].clone();
    body["reservierungsPin"] = res["pin"].clone();
    let (st, _, _) = call(&c, &s, Method::POST, "/zulassungen", full, Some(body), None).await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _, _) = call(
        &c,
        &s,
        Method::POST,
        "/reservierungen",
        full,
        Some(res["kennzeichen"].clone()),
        None,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    s.shutdown().await;
}

#[tokio::test]
async fn format_rules_report_every_field() {
    let (s, c) = start_with(&[]).await;
    let mut body = zulassung("WKZTEST000000O001", "KT0000I");
    body["sepaMandat"]["iban"] = json!("DE89370400440532013001");
    body["kennzeichen"] = json!({"unterscheidungszeichen": "WAF", "erkennungsnummer": "KT 1234"});
    body["extra"] = json!(true);
    let (st, _, p) = call(
        &c,
        &s,
        Method::POST,
        "/zulassungen",
        Some(FULL_TOKEN),
        Some(body),
        None,
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let got = rules(&p);
    for want in [
        ("/fin", "FIN_FORMAT"),
        ("/evb", "EVB_FORMAT"),
        ("/sepaMandat/iban", "IBAN_PRUEFZIFFER"),
        ("/kennzeichen/erkennungsnummer", "KENNZEICHEN_LAENGE"),
        ("/reservierungsPin", "REQUIRED"),
        ("/extra", "UNKNOWN_FIELD"),
    ] {
        assert!(
            got.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} missing in {got:?}"
        );
    }
    s.shutdown().await;
}

#[tokio::test]
async fn faults_change_exactly_their_rule() {
    let (s, c) = start_with(&[
        "fin-accepts-letter-o",
        "double-ausserbetriebsetzung-allowed",
    ])
    .await;
    let full = Some(FULL_TOKEN);
    let (st, _, z) = call(
        &c,
        &s,
        Method::POST,
        "/zulassungen",
        full,
        Some(zulassung("WKZTEST000000O002", "KT90005")),
        None,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "the fault lets an O through: {z}");
    let (st, _, _) = call(
        &c,
        &s,
        Method::POST,
        "/zulassungen",
        full,
        Some(zulassung("WKZTEST000000I002", "KT90006")),
        None,
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "I is still refused");
    let apath = format!(
        "/zulassungen/{}/ausserbetriebsetzung",
        z["id"].as_str().unwrap_or("")
    );
    for _ in 0..2 {
        let (st, _, _) = call(&c, &s, Method::POST, &apath, full, None, None).await;
        assert_eq!(st, StatusCode::OK);
    }
    s.shutdown().await;

    let err = serve(
        "kfz-zulassung",
        "1.0",
        ServeOptions {
            faults: vec!["no-such-fault".into()],
            ..ServeOptions::default()
        },
    )
    .await
    .expect_err("unknown fault is rejected");
    assert!(err.to_string().contains("no-such-fault"));
}

#[test]
fn every_fault_names_a_kfz_requirement() {
    let faults = konform_reference::faults("kfz-zulassung", "1.0");
    assert!(faults.len() >= 40);
    let mut names: Vec<_> = faults.iter().map(|f| f.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), faults.len(), "fault names are unique");
    assert!(faults.iter().all(|f| f.requirement.starts_with("KFZ-")));
}
