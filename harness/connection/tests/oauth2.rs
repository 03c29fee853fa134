//! OAuth 2.0 client credentials against a real token endpoint on loopback:
//! client_secret_basic is checked, tokens are numbered, the resource accepts
//! only issued tokens. Covers caching, refresh, concurrency and failures.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use konform_connection::{AuthError, TargetConnection, connect};
use konform_model::suite::AuthChoice;

use common::{dead_port, env_of, init_crypto, serve, target};

const CLIENT_ID: &str = "konform-client";
const CLIENT_SECRET: &str = "s3cr:et&more";

#[derive(Default)]
struct Issuer {
    token_requests: AtomicUsize,
    issued: Mutex<HashSet<String>>,
    scopes: Mutex<Vec<String>>,
}

fn decode_component(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// `(client_id, client_secret)` from a client_secret_basic header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((decode_component(id), decode_component(secret)))
}

async fn token(
    State(state): State<Arc<Issuer>>,
    Path(mode): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let n = state.token_requests.fetch_add(1, Ordering::SeqCst) + 1;
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    if !form.contains(&("grant_type".into(), "client_credentials".into())) {
        return (
            StatusCode::BAD_REQUEST,
            r#"{"error":"unsupported_grant_type"}"#,
        )
            .into_response();
    }
    if let Some((_, scope)) = form.iter().find(|(k, _)| k == "scope") {
        state.scopes.lock().unwrap().push(scope.clone());
    }
    match basic_credentials(&headers) {
        Some((id, secret)) if id == CLIENT_ID && secret == CLIENT_SECRET => {}
        Some((_, secret)) => {
            // Echo the wrong secret: the client must redact it.
            let body = format!(
                r#"{{"error":"invalid_client","error_description":"secret {secret} is wrong"}}"#
            );
            return (StatusCode::UNAUTHORIZED, body).into_response();
        }
        None => return (StatusCode::UNAUTHORIZED, r#"{"error":"invalid_client"}"#).into_response(),
    }
    let token = format!("tok-{n}");
    state.issued.lock().unwrap().insert(token.clone());
    let json = |v: serde_json::Value| {
        ([(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
    };
    match mode.as_str() {
        "slow" => {
            tokio::time::sleep(Duration::from_millis(200)).await;
            json(
                serde_json::json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}),
            )
        }
        "long" => json(
            serde_json::json!({"access_token": token, "token_type": "bearer", "expires_in": 3600}),
        ),
        "short" => json(
            serde_json::json!({"access_token": token, "token_type": "Bearer", "expires_in": 1}),
        ),
        "mac" => json(
            serde_json::json!({"access_token": token, "token_type": "mac", "expires_in": 3600}),
        ),
        "garbage" => (StatusCode::OK, "<html>not json</html>").into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn resource(State(state): State<Arc<Issuer>>, headers: HeaderMap) -> StatusCode {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match token {
        Some(t) if state.issued.lock().unwrap().contains(t) => StatusCode::OK,
        _ => StatusCode::UNAUTHORIZED,
    }
}

async fn start() -> (String, Arc<Issuer>) {
    let state = Arc::new(Issuer::default());
    let app = Router::new()
        .route("/oauth/{mode}", post(token))
        .route("/api/v1/personen", get(resource))
        .with_state(state.clone());
    let addr = serve(app).await;
    (format!("http://{addr}"), state)
}

fn oauth_connection(origin: &str, token_url: &str, secret: &str) -> TargetConnection {
    let t = target(
        &format!("{origin}/api/v1"),
        serde_json::json!({
            "auth": {
                "kind": "oauth2_client_credentials",
                "token_url": token_url,
                "client_id_env": "KONFORM_CLIENT_ID",
                "client_secret_env": "KONFORM_CLIENT_SECRET",
                "scope": "melderegister:lesen",
            }
        }),
    );
    let env = env_of(&[
        ("KONFORM_CLIENT_ID", CLIENT_ID),
        ("KONFORM_CLIENT_SECRET", secret),
    ]);
    connect(&t, &env, std::path::Path::new(".")).expect("connect")
}

async fn get_personen(conn: &TargetConnection) -> StatusCode {
    let auth = conn
        .authorization(&AuthChoice::Default)
        .await
        .expect("authorization")
        .expect("a header value");
    conn.client()
        .get(conn.url_for("/personen").expect("url"))
        .header(header::AUTHORIZATION, auth)
        .send()
        .await
        .expect("send")
        .status()
}

#[tokio::test]
async fn token_is_fetched_once_and_reused() {
    init_crypto();
    let (origin, state) = start().await;
    let conn = oauth_connection(&origin, &format!("{origin}/oauth/long"), CLIENT_SECRET);
    assert_eq!(conn.auth_kind(), "oauth2_client_credentials");
    for _ in 0..5 {
        assert_eq!(get_personen(&conn).await, StatusCode::OK);
    }
    assert_eq!(state.token_requests.load(Ordering::SeqCst), 1);
    assert_eq!(
        *state.scopes.lock().unwrap(),
        vec!["melderegister:lesen".to_string()]
    );
    assert_eq!(
        conn.authorization(&AuthChoice::Default).await,
        Ok(Some("Bearer tok-1".into()))
    );
    let secrets = conn.secret_values();
    for s in [CLIENT_ID, CLIENT_SECRET, "tok-1"] {
        assert!(
            secrets.contains(&s.to_string()),
            "{s} missing in {secrets:?}"
        );
    }
    let debug = format!("{conn:?}");
    assert!(!debug.contains(CLIENT_SECRET), "{debug}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_fetch() {
    init_crypto();
    let (origin, state) = start().await;
    let conn = Arc::new(oauth_connection(
        &origin,
        &format!("{origin}/oauth/slow"),
        CLIENT_SECRET,
    ));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let conn = conn.clone();
            tokio::spawn(async move { conn.authorization(&AuthChoice::Default).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.expect("join"), Ok(Some("Bearer tok-1".into())));
    }
    assert_eq!(state.token_requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn short_lived_token_is_refreshed() {
    init_crypto();
    let (origin, state) = start().await;
    let conn = oauth_connection(&origin, &format!("{origin}/oauth/short"), CLIENT_SECRET);
    let first = conn
        .authorization(&AuthChoice::Default)
        .await
        .expect("first");
    let again = conn
        .authorization(&AuthChoice::Default)
        .await
        .expect("again");
    assert_eq!(first, again, "a fresh token is reused");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let later = conn
        .authorization(&AuthChoice::Default)
        .await
        .expect("later");
    assert_eq!(later, Some("Bearer tok-2".into()));
    assert_eq!(get_personen(&conn).await, StatusCode::OK);
    assert_eq!(state.token_requests.load(Ordering::SeqCst), 2);
    let secrets = conn.secret_values();
    assert!(secrets.contains(&"tok-1".into()) && secrets.contains(&"tok-2".into()));
}

async fn token_error(conn: &TargetConnection) -> (Option<u16>, String) {
    match conn.authorization(&AuthChoice::Default).await {
        Err(AuthError::TokenEndpoint { status, detail, .. }) => (status, detail),
        other => panic!("expected a token endpoint error, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_secret_gives_status_and_redacted_excerpt() {
    init_crypto();
    let (origin, _state) = start().await;
    let wrong = "wr0ng-s3cret";
    let conn = oauth_connection(&origin, &format!("{origin}/oauth/long"), wrong);
    let (status, detail) = token_error(&conn).await;
    assert_eq!(status, Some(401));
    assert!(
        detail.contains("401") && detail.contains("invalid_client"),
        "{detail}"
    );
    assert!(!detail.contains(wrong), "secret leaked: {detail}");
    assert!(detail.contains("[REDACTED]"), "{detail}");
    let full = conn
        .authorization(&AuthChoice::Default)
        .await
        .expect_err("still wrong")
        .to_string();
    assert!(full.contains("/oauth/long"), "{full}");
}

#[tokio::test]
async fn unreachable_token_endpoint_is_a_clear_error() {
    init_crypto();
    let (origin, _state) = start().await;
    let port = dead_port();
    let conn = oauth_connection(
        &origin,
        &format!("http://127.0.0.1:{port}/token"),
        CLIENT_SECRET,
    );
    let (status, detail) = token_error(&conn).await;
    assert_eq!(status, None);
    assert!(detail.to_lowercase().contains("connect"), "{detail}");
}

#[tokio::test]
async fn invalid_json_is_a_clear_error() {
    init_crypto();
    let (origin, _state) = start().await;
    let conn = oauth_connection(&origin, &format!("{origin}/oauth/garbage"), CLIENT_SECRET);
    let (status, detail) = token_error(&conn).await;
    assert_eq!(status, Some(200));
    assert!(
        detail.contains("not valid JSON") && detail.contains("<html>"),
        "{detail}"
    );
}

#[tokio::test]
async fn non_bearer_token_type_is_rejected() {
    init_crypto();
    let (origin, state) = start().await;
    let conn = oauth_connection(&origin, &format!("{origin}/oauth/mac"), CLIENT_SECRET);
    let (status, detail) = token_error(&conn).await;
    assert_eq!(status, Some(200));
    assert!(detail.contains("`mac`"), "{detail}");
    assert!(!detail.contains("tok-1"), "{detail}");
    // The rejected token was still obtained, so it must be redactable.
    assert!(conn.secret_values().contains(&"tok-1".to_string()));
    // A failure is not cached: the next call asks again.
    let _ = token_error(&conn).await;
    assert_eq!(state.token_requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn oauth_profile_next_to_bearer_default() {
    init_crypto();
    let (origin, state) = start().await;
    let t = target(
        &format!("{origin}/api/v1"),
        serde_json::json!({
            "auth": {"kind": "bearer", "token_env": "KONFORM_T"},
            "auth_profiles": {"service": {
                "kind": "oauth2_client_credentials",
                "token_url": format!("{origin}/oauth/long"),
                "client_id_env": "KONFORM_CLIENT_ID",
                "client_secret_env": "KONFORM_CLIENT_SECRET",
            }},
        }),
    );
    let env = env_of(&[
        ("KONFORM_T", "static"),
        ("KONFORM_CLIENT_ID", CLIENT_ID),
        ("KONFORM_CLIENT_SECRET", CLIENT_SECRET),
    ]);
    let conn = connect(&t, &env, std::path::Path::new(".")).expect("connect");
    assert_eq!(conn.auth_kind(), "bearer");
    assert_eq!(
        conn.authorization(&AuthChoice::Profile("service".into()))
            .await,
        Ok(Some("Bearer tok-1".into()))
    );
    assert!(
        state.scopes.lock().unwrap().is_empty(),
        "no scope configured, none sent"
    );
}

#[test]
fn invalid_token_url_is_rejected_at_connect() {
    init_crypto();
    let t = target(
        "http://127.0.0.1:1/api",
        serde_json::json!({"auth": {
            "kind": "oauth2_client_credentials",
            "token_url": "not a url",
            "client_id_env": "I",
            "client_secret_env": "S",
        }}),
    );
    let env = env_of(&[("I", "id"), ("S", "secret")]);
    let err = connect(&t, &env, std::path::Path::new(".")).expect_err("bad token url");
    assert!(
        matches!(err, konform_connection::TargetError::InvalidTokenUrl { .. }),
        "{err:?}"
    );
}
