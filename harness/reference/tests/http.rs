//! Real HTTP over loopback against the Meldewesen 1.0 reference server:
//! happy paths, validation, auth, idempotency, concurrency, privacy rules of
//! the Auskunft, pagination and the Querschnitt error handling.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use konform_reference::{FULL_TOKEN, LIMITED_TOKEN, RunningReference, ServeOptions, serve};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};

async fn start() -> (RunningReference, Client) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = serve("meldewesen", "1.0", ServeOptions::default())
        .await
        .expect("server starts");
    (server, Client::new())
}

fn req(
    c: &Client,
    s: &RunningReference,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> reqwest::RequestBuilder {
    let b = c.request(method, format!("{}{path}", s.base_url));
    match token {
        Some(t) => b.bearer_auth(t),
        None => b,
    }
}

async fn body_json(r: Response) -> Value {
    r.json().await.expect("JSON body")
}

fn anmeldung() -> Value {
    json!({
        "person": {
            "familienname": "Neuzuzug", "vornamen": ["Mia", "Luise"], "rufname": "Mia",
            "doktorgrad": "Dr.", "geburtsdatum": "1992-05-17", "geschlecht": "weiblich"
        },
        "wohnung": { "strasse": "Am Testhang", "hausnummer": "12a", "zusatz": "2. OG links", "plz": "39104", "ort": "Magdeburg", "ags": "15003000" },
        "wohnungsstatus": "alleinige",
        "einzugsdatum": "2024-03-01",
        "wohnungsgeberbestaetigung": {
            "wohnungsgeber": { "name": "Wohnbau Beispiel eG", "anschrift": { "strasse": "Verwalterweg", "hausnummer": "1", "plz": "39104", "ort": "Magdeburg" } },
            "ereignis": "einzug",
            "datum": "2024-03-01",
            "wohnung": { "strasse": "Am Testhang", "hausnummer": "12a", "plz": "39104", "ort": "Magdeburg" },
            "meldepflichtige": [ { "familienname": "Neuzuzug", "vornamen": ["Mia", "Luise"] } ]
        }
    })
}

fn rules(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .expect("errors list")
        .iter()
        .map(|e| {
            (
                e["pointer"].as_str().unwrap_or("?").to_string(),
                e["rule"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect()
}

fn assert_problem(r: &Response, status: StatusCode) {
    assert_eq!(r.status(), status);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

async fn create(c: &Client, s: &RunningReference, body: &Value) -> (String, String) {
    let r = req(c, s, Method::POST, "/anmeldungen", Some(FULL_TOKEN))
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let id = body_json(r).await["personId"].as_str().unwrap().to_string();
    (id, etag)
}

#[tokio::test]
async fn service_description_needs_no_token() {
    let (s, c) = start().await;
    let r = req(&c, &s, Method::GET, "/", None).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v = body_json(r).await;
    assert_eq!(v["interface"], "meldewesen");
    assert_eq!(v["version"], "1.0");
    assert_eq!(
        v["classes"],
        json!(["querschnitt", "anmeldung", "bescheinigung", "auskunft"])
    );
    s.shutdown().await;
}

#[tokio::test]
async fn anmeldung_returns_meldebestaetigung_and_creates_person() {
    let (s, c) = start().await;
    let r = req(&c, &s, Method::POST, "/anmeldungen", Some(FULL_TOKEN))
        .json(&anmeldung())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let b = body_json(r).await;
    let id = b["personId"].as_str().unwrap();
    assert_eq!(location, format!("/personen/{id}"));
    assert_eq!(b["familienname"], "Neuzuzug");
    assert_eq!(b["vornamen"], json!(["Mia", "Luise"]));
    assert_eq!(b["rufname"], "Mia");
    assert_eq!(b["doktorgrad"], "Dr.");
    assert_eq!(b["einzugsdatum"], "2024-03-01");
    assert_eq!(b["wohnungsstatus"], "alleinige");
    assert_eq!(b["anschrift"]["ags"], "15003000");
    assert!(b["anmeldedatum"].as_str().unwrap().len() == 10);

    let r = req(&c, &s, Method::GET, &location, Some(LIMITED_TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"].to_str().unwrap(), etag);
    let p = body_json(r).await;
    assert_eq!(p["status"], "gemeldet");
    assert_eq!(p["auskunftssperre"], false);

    let r = req(
        &c,
        &s,
        Method::GET,
        &format!("{location}/meldebescheinigung"),
        Some(LIMITED_TOKEN),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let m = body_json(r).await;
    let mut keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "doktorgrad",
            "familienname",
            "geburtsdatum",
            "vornamen",
            "wohnungen"
        ]
    );
    assert_eq!(m["wohnungen"][0]["status"], "alleinige");
    s.shutdown().await;
}

#[tokio::test]
async fn meldebescheinigung_marks_haupt_and_nebenwohnung() {
    let (s, c) = start().await;
    let r = req(
        &c,
        &s,
        Method::GET,
        "/personen/mw-0006/meldebescheinigung",
        Some(FULL_TOKEN),
    )
    .send()
    .await
    .unwrap();
    let m = body_json(r).await;
    assert_eq!(m["wohnungen"][0]["status"], "haupt");
    assert_eq!(m["wohnungen"][1]["status"], "neben");
    assert!(m.get("doktorgrad").is_none());
    let r = req(
        &c,
        &s,
        Method::GET,
        "/personen/mw-0005/meldebescheinigung",
        Some(FULL_TOKEN),
    )
    .send()
    .await
    .unwrap();
    assert_problem(&r, StatusCode::CONFLICT);
}

#[tokio::test]
async fn validation_reports_every_rule_at_once() {
    let (s, c) = start().await;
    let mut body = anmeldung();
    body["wohnung"]["plz"] = json!("3910");
    body["wohnung"]["ags"] = json!("1500300X");
    body["person"]["geburtsdatum"] = json!("2999-01-01");
    body["person"]["lieblingsfarbe"] = json!("blau");
    body["person"]["geschlecht"] = json!("unbekannt");
    body["wohnungsstatus"] = json!("zweit");
    body["einzugsdatum"] = json!("2024-02-30");
    body.as_object_mut()
        .unwrap()
        .remove("wohnungsgeberbestaetigung");
    let r = req(&c, &s, Method::POST, "/anmeldungen", Some(FULL_TOKEN))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY);
    let p = body_json(r).await;
    assert_eq!(p["status"], 422);
    assert_eq!(p["instance"], "/anmeldungen");
    let got = rules(&p);
    for (ptr, rule) in [
        ("/wohnung/plz", "PLZ_FORMAT"),
        ("/wohnung/ags", "AGS_FORMAT"),
        ("/person/geburtsdatum", "GEBURTSDATUM_ZUKUNFT"),
        ("/person/lieblingsfarbe", "UNKNOWN_FIELD"),
        ("/person/geschlecht", "GESCHLECHT"),
        ("/wohnungsstatus", "WOHNUNGSSTATUS"),
        ("/einzugsdatum", "DATE_FORMAT"),
        ("/wohnungsgeberbestaetigung", "WOHNUNGSGEBER_FEHLT"),
    ] {
        assert!(
            got.contains(&(ptr.to_string(), rule.to_string())),
            "missing {ptr} {rule} in {got:?}"
        );
    }
    assert_eq!(got.len(), 8, "{got:?}");
}

#[tokio::test]
async fn wohnungsgeberbestaetigung_must_fit_the_anmeldung() {
    let (s, c) = start().await;
    let mut body = anmeldung();
    body["wohnungsgeberbestaetigung"]["wohnung"]["hausnummer"] = json!("14");
    body["wohnungsgeberbestaetigung"]["datum"] = json!("2024-02-01");
    body["wohnungsgeberbestaetigung"]["meldepflichtige"] =
        json!([{ "familienname": "Andere", "vornamen": ["Mia"] }]);
    body["wohnungsgeberbestaetigung"]["ereignis"] = json!("auszug");
    let r = req(&c, &s, Method::POST, "/anmeldungen", Some(FULL_TOKEN))
        .json(&body)
        .send()
        .await
        .unwrap();
    let got = rules(&body_json(r).await);
    let want: Vec<(String, String)> = [
        ("/wohnungsgeberbestaetigung/datum", "WOHNUNGSGEBER_DATUM"),
        (
            "/wohnungsgeberbestaetigung/ereignis",
            "WOHNUNGSGEBER_EREIGNIS",
        ),
        (
            "/wohnungsgeberbestaetigung/meldepflichtige",
            "WOHNUNGSGEBER_PERSON",
        ),
        (
            "/wohnungsgeberbestaetigung/wohnung",
            "WOHNUNGSGEBER_ADRESSE",
        ),
    ]
    .iter()
    .map(|(p, r)| (p.to_string(), r.to_string()))
    .collect();
    assert_eq!(got, want);
    // A future Einzugsdatum is its own rule; the date comparison is then skipped.
    let mut body = anmeldung();
    body["einzugsdatum"] = json!("2999-01-01");
    let r = req(&c, &s, Method::POST, "/anmeldungen", Some(FULL_TOKEN))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        rules(&body_json(r).await),
        [("/einzugsdatum".to_string(), "EINZUG_ZUKUNFT".to_string())]
    );
}

#[tokio::test]
async fn auth_gives_401_with_challenge_and_403_without_scope() {
    let (s, c) = start().await;
    let r = req(&c, &s, Method::GET, "/personen/mw-0001", None)
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::UNAUTHORIZED);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let r = req(&c, &s, Method::GET, "/personen/mw-0001", Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::UNAUTHORIZED);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    let r = req(&c, &s, Method::POST, "/anmeldungen", Some(LIMITED_TOKEN))
        .json(&anmeldung())
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::FORBIDDEN);
    let r = req(&c, &s, Method::POST, "/auskuenfte", Some(LIMITED_TOKEN))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::FORBIDDEN);
    let r = req(
        &c,
        &s,
        Method::GET,
        "/personen/mw-0001",
        Some(LIMITED_TOKEN),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

async fn count_persons(c: &Client, s: &RunningReference) -> usize {
    let r = req(c, s, Method::GET, "/personen?limit=100", Some(FULL_TOKEN))
        .send()
        .await
        .unwrap();
    body_json(r).await["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn idempotent_replay_creates_nothing_new() {
    let (s, c) = start().await;
    let send = |body: Value| {
        req(&c, &s, Method::POST, "/anmeldungen", Some(FULL_TOKEN))
            .header("Idempotency-Key", "key-1")
            .json(&body)
            .send()
    };
    let first = send(anmeldung()).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first_loc = first.headers()["location"].clone();
    let first_body = first.bytes().await.unwrap();
    let n = count_persons(&c, &s).await;
    assert_eq!(n, 8);

    let again = send(anmeldung()).await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["location"], first_loc);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.bytes().await.unwrap(), first_body);
    assert_eq!(count_persons(&c, &s).await, n);

    let mut other = anmeldung();
    other["person"]["familienname"] = json!("Anders");
    let r = send(other).await.unwrap();
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        rules(&body_json(r).await),
        [(String::new(), "IDEMPOTENCY_KEY_REUSED".to_string())]
    );
    assert_eq!(count_persons(&c, &s).await, n);
}

#[tokio::test]
async fn patch_needs_current_if_match() {
    let (s, c) = start().await;
    let (id, etag) = create(&c, &s, &anmeldung()).await;
    let path = format!("/personen/{id}");
    let patch = |if_match: Option<&str>, body: Value| {
        let mut b = req(&c, &s, Method::PATCH, &path, Some(FULL_TOKEN))
            .header("content-type", "application/merge-patch+json")
            .body(body.to_string());
        if let Some(m) = if_match {
            b = b.header("if-match", m);
        }
        b.send()
    };
    let r = patch(None, json!({"doktorgrad": null})).await.unwrap();
    assert_problem(&r, StatusCode::PRECONDITION_REQUIRED);
    let r = patch(Some("\"stale\""), json!({"doktorgrad": null}))
        .await
        .unwrap();
    assert_problem(&r, StatusCode::PRECONDITION_FAILED);
    let r = patch(
        Some(&etag),
        json!({"doktorgrad": null, "id": "x", "farbe": 1}),
    )
    .await
    .unwrap();
    assert_eq!(
        rules(&body_json(r).await),
        [
            ("/farbe".to_string(), "UNKNOWN_FIELD".to_string()),
            ("/id".to_string(), "READ_ONLY".to_string())
        ]
    );
    let r = patch(
        Some(&etag),
        json!({"doktorgrad": null, "familienname": "Korrigiert"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let new_etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert_ne!(new_etag, etag);
    let p = body_json(r).await;
    assert_eq!(p["familienname"], "Korrigiert");
    assert!(p.get("doktorgrad").is_none());
    let r = patch(Some(&etag), json!({"familienname": "Nochmal"}))
        .await
        .unwrap();
    assert_problem(&r, StatusCode::PRECONDITION_FAILED);
    let r = patch(Some(&new_etag), json!({"rufname": "Gustav"}))
        .await
        .unwrap();
    assert_eq!(
        rules(&body_json(r).await),
        [("/rufname".to_string(), "RUFNAME".to_string())]
    );
}

async fn auskunft(c: &Client, s: &RunningReference, suchdaten: Value) -> Response {
    req(c, s, Method::POST, "/auskuenfte", Some(FULL_TOKEN))
        .json(&json!({ "suchdaten": suchdaten, "zweck": { "gewerblich": false } }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn auskunft_gives_only_the_minimal_data() {
    let (s, c) = start().await;
    let r = auskunft(
        &c,
        &s,
        json!({"familienname": "Mustermann", "vornamen": ["Erika"], "geburtsdatum": "1964-08-12"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert_eq!(
        text,
        r#"{"ergebnis":"treffer","familienname":"Mustermann","vornamen":["Erika","Maria"],"doktorgrad":"Dr.","anschriften":[{"strasse":"Heidestraße","hausnummer":"17","plz":"51147","ort":"Köln","ags":"05315000"}],"verstorben":false}"#
    );
    let r = auskunft(
        &c,
        &s,
        json!({"familienname": "Vorfahr", "vornamen": ["Hermann"], "geburtsdatum": "1931-11-02"}),
    )
    .await;
    let v = body_json(r).await;
    assert_eq!(v["verstorben"], true);
    assert_eq!(v["anschriften"][0]["ort"], "Dresden");
    let r = auskunft(
        &c,
        &s,
        json!({"familienname": "Zwilling", "vornamen": ["Paul"], "anschrift": {"plz": "80331"}}),
    )
    .await;
    assert_eq!(body_json(r).await["anschriften"][0]["ort"], "München");
    let r = auskunft(
        &c,
        &s,
        json!({"familienname": "Gabler", "vornamen": ["Erika"]}),
    )
    .await;
    assert_eq!(body_json(r).await["ergebnis"], "treffer");
}

#[tokio::test]
async fn no_match_ambiguous_and_sperre_are_indistinguishable() {
    let (s, c) = start().await;
    let mut answers = Vec::new();
    for such in [
        json!({"familienname": "Niemand", "vornamen": ["Nemo"], "geburtsdatum": "2000-01-01"}),
        json!({"familienname": "Zwilling", "vornamen": ["Paul"], "geburtsdatum": "1985-06-30"}),
        json!({"familienname": "Verborgen", "vornamen": ["Lena"], "geburtsdatum": "1990-02-14"}),
    ] {
        let r = auskunft(&c, &s, such).await;
        let status = r.status();
        let mut headers: Vec<(String, Vec<u8>)> = r
            .headers()
            .iter()
            .filter(|(n, _)| *n != "x-request-id" && *n != "date")
            .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
            .collect();
        headers.sort();
        let body = r.bytes().await.unwrap();
        answers.push((status, headers, body));
    }
    assert_eq!(answers[0].0, StatusCode::OK);
    assert_eq!(
        answers[0].2,
        r#"{"ergebnis":"keine_auskunft","hinweis":"Zu den angegebenen Daten kann keine Auskunft erteilt werden."}"#
    );
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0], answers[2]);
}

#[tokio::test]
async fn commercial_auskunft_needs_a_purpose() {
    let (s, c) = start().await;
    let r = req(&c, &s, Method::POST, "/auskuenfte", Some(FULL_TOKEN))
        .json(&json!({ "suchdaten": {"familienname": "Mustermann", "vornamen": ["Erika"]}, "zweck": { "gewerblich": true } }))
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        rules(&body_json(r).await),
        [("/zweck/beschreibung".to_string(), "ZWECK_FEHLT".to_string())]
    );
}

#[tokio::test]
async fn pagination_follows_next_links_in_stable_order() {
    let (s, c) = start().await;
    let mut url = format!("{}/personen?limit=2", s.base_url);
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let r = c.get(&url).bearer_auth(FULL_TOKEN).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let v = body_json(r).await;
        let items = v["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        ids.extend(items.iter().map(|p| p["id"].as_str().unwrap().to_string()));
        pages += 1;
        match v["links"]["next"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(
        ids,
        [
            "mw-0001", "mw-0002", "mw-0003", "mw-0004", "mw-0005", "mw-0006", "mw-0007"
        ]
    );
    let r = req(&c, &s, Method::GET, "/personen?limit=0", Some(FULL_TOKEN))
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::BAD_REQUEST);
    let r = req(&c, &s, Method::GET, "/personen?cursor=zz", Some(FULL_TOKEN))
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn abmeldung_ends_registration() {
    let (s, c) = start().await;
    let (id, _) = create(&c, &s, &anmeldung()).await;
    let abmelden = |body: Value| {
        req(&c, &s, Method::POST, "/abmeldungen", Some(FULL_TOKEN))
            .json(&body)
            .send()
    };
    let r = abmelden(json!({"personId": id, "auszugsdatum": "2020-01-01"}))
        .await
        .unwrap();
    assert_eq!(
        rules(&body_json(r).await),
        [("/auszugsdatum".to_string(), "AUSZUG_VOR_EINZUG".to_string())]
    );
    let r = abmelden(json!({"personId": id, "auszugsdatum": "2024-06-30"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let b = body_json(r).await;
    assert_eq!(b["wohnungen"][0]["anschrift"]["ort"], "Magdeburg");
    let r = abmelden(json!({"personId": id, "auszugsdatum": "2024-06-30"}))
        .await
        .unwrap();
    assert_problem(&r, StatusCode::CONFLICT);
    let r = req(
        &c,
        &s,
        Method::GET,
        &format!("/personen/{id}/meldebescheinigung"),
        Some(FULL_TOKEN),
    )
    .send()
    .await
    .unwrap();
    assert_problem(&r, StatusCode::CONFLICT);
    let r = abmelden(json!({"personId": "mw-9999", "auszugsdatum": "2024-06-30"}))
        .await
        .unwrap();
    assert_eq!(
        rules(&body_json(r).await),
        [("/personId".to_string(), "PERSON_UNBEKANNT".to_string())]
    );
}

#[tokio::test]
async fn body_errors_are_problems() {
    let (s, c) = start().await;
    let post = || req(&c, &s, Method::POST, "/anmeldungen", Some(FULL_TOKEN));
    let r = post()
        .header("content-type", "application/json")
        .body("{\"person\":")
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::BAD_REQUEST);
    let r = post()
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let big = format!("{{\"x\":\"{}\"}}", "a".repeat((1 << 20) + 10));
    let r = post()
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::PAYLOAD_TOO_LARGE);
    let r = post()
        .header("content-type", "application/json")
        .body("[1]")
        .send()
        .await
        .unwrap();
    assert_eq!(
        rules(&body_json(r).await),
        [(String::new(), "TYPE".to_string())]
    );
    let r = req(&c, &s, Method::GET, "/personen/mw-9999", Some(FULL_TOKEN))
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::NOT_FOUND);
    let p = body_json(r).await;
    assert_eq!(p["instance"], "/personen/mw-9999");
    assert!(p["type"].as_str().unwrap().starts_with("https://"));
    let r = req(
        &c,
        &s,
        Method::DELETE,
        "/personen/mw-0001",
        Some(FULL_TOKEN),
    )
    .send()
    .await
    .unwrap();
    assert_problem(&r, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn request_id_is_echoed_or_generated() {
    let (s, c) = start().await;
    let r = req(&c, &s, Method::GET, "/", None)
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123");
    let r = req(&c, &s, Method::GET, "/nirgends", None)
        .send()
        .await
        .unwrap();
    assert_problem(&r, StatusCode::NOT_FOUND);
    assert!(r.headers()["x-request-id"].len() >= 16);
}

#[tokio::test]
async fn unknown_interface_and_fault_are_rejected() {
    let err = serve("kfz", "1.0", ServeOptions::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("meldewesen@1.0"), "{err}");
    let opts = ServeOptions {
        faults: vec!["NO_SUCH_FAULT".into()],
        ..ServeOptions::default()
    };
    let err = serve("meldewesen", "1.0", opts).await.unwrap_err();
    assert!(err.to_string().contains("NO_SUCH_FAULT"), "{err}");
    assert!(konform_reference::interfaces().contains(&("meldewesen", "1.0")));
}
