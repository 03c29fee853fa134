//! Bearer authentication, profiles, URL joining, redirects, decompression
//! and the User-Agent, against a real axum server on loopback.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod common;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use konform_connection::{AuthError, TargetError, USER_AGENT, connect};
use konform_model::suite::AuthChoice;

use common::{env_of, init_crypto, serve, target};

async fn personen(headers: HeaderMap) -> StatusCode {
    match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some("Bearer t0k3n-main") => StatusCode::OK,
        Some("Bearer t0k3n-limited") => StatusCode::FORBIDDEN,
        _ => StatusCode::UNAUTHORIZED,
    }
}

fn app() -> Router {
    Router::new()
        .route("/api/v1/personen", get(personen))
        .route(
            "/api/v1/echo",
            get(|headers: HeaderMap| async move {
                let get = |h: header::HeaderName| {
                    headers
                        .get(h)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-")
                        .to_string()
                };
                format!(
                    "ua={} ae={}",
                    get(header::USER_AGENT),
                    get(header::ACCEPT_ENCODING)
                )
            }),
        )
        .route(
            "/api/v1/redirect",
            get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/api/v1/personen")]) }),
        )
        .route(
            "/api/v1/gzip",
            get(|| async {
                (
                    [(header::CONTENT_ENCODING, "gzip")],
                    vec![0x1f_u8, 0x8b, 0x08, 0x00],
                )
                    .into_response()
            }),
        )
}

fn bearer_target(base: &str) -> konform_model::target::TargetFile {
    target(
        base,
        serde_json::json!({
            "auth": {"kind": "bearer", "token_env": "KONFORM_TEST_TOKEN"},
            "auth_profiles": {"limited": {"kind": "bearer", "token_env": "KONFORM_TEST_LIMITED"}},
        }),
    )
}

#[tokio::test]
async fn bearer_token_from_env_is_accepted_and_others_rejected() {
    init_crypto();
    let addr = serve(app()).await;
    let base = format!("http://{addr}/api/v1");
    let env = env_of(&[
        ("KONFORM_TEST_TOKEN", "t0k3n-main"),
        ("KONFORM_TEST_LIMITED", "t0k3n-limited"),
    ]);
    let conn = connect(&bearer_target(&base), &env, std::path::Path::new(".")).expect("connect");
    assert_eq!(conn.auth_kind(), "bearer");
    assert!(!conn.tls_insecure());

    let url = conn.url_for("/personen").expect("url");
    assert_eq!(url.as_str(), format!("{base}/personen"));

    let send = |choice: AuthChoice| {
        let conn = &conn;
        let url = url.clone();
        async move {
            let mut req = conn.client().get(url);
            if let Some(value) = conn.authorization(&choice).await.expect("auth") {
                req = req.header(header::AUTHORIZATION, value);
            }
            req.send().await.expect("send").status()
        }
    };
    assert_eq!(send(AuthChoice::Default).await, StatusCode::OK);
    assert_eq!(send(AuthChoice::None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        send(AuthChoice::Profile("limited".into())).await,
        StatusCode::FORBIDDEN
    );

    let err = conn
        .authorization(&AuthChoice::Profile("admin".into()))
        .await
        .expect_err("unknown profile");
    assert_eq!(err, AuthError::UnknownProfile("admin".into()));

    let secrets = conn.secret_values();
    assert!(secrets.contains(&"t0k3n-main".to_string()));
    assert!(secrets.contains(&"t0k3n-limited".to_string()));
    let debug = format!("{conn:?}");
    assert!(!debug.contains("t0k3n"), "{debug}");
}

#[test]
fn missing_or_empty_variable_is_an_error_naming_it() {
    init_crypto();
    let t = bearer_target("http://127.0.0.1:9/api");
    let only_main = env_of(&[("KONFORM_TEST_TOKEN", "t0k3n-main")]);
    let err = connect(&t, &only_main, std::path::Path::new(".")).expect_err("missing");
    match &err {
        TargetError::MissingEnv { var, used_by } => {
            assert_eq!(var, "KONFORM_TEST_LIMITED");
            assert!(used_by.contains("limited"), "{used_by}");
        }
        other => panic!("unexpected error {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("KONFORM_TEST_LIMITED"), "{msg}");
    assert!(!msg.contains("t0k3n-main"), "{msg}");

    let empty = env_of(&[("KONFORM_TEST_TOKEN", "  "), ("KONFORM_TEST_LIMITED", "x")]);
    let err = connect(&t, &empty, std::path::Path::new(".")).expect_err("empty");
    assert!(
        matches!(&err, TargetError::MissingEnv { var, .. } if var == "KONFORM_TEST_TOKEN"),
        "{err:?}"
    );
}

#[tokio::test]
async fn redirects_are_not_followed_and_bodies_not_decompressed() {
    init_crypto();
    let addr = serve(app()).await;
    let conn = connect(
        &target(&format!("http://{addr}/api/v1"), serde_json::json!({})),
        &env_of(&[]),
        std::path::Path::new("."),
    )
    .expect("connect");
    assert_eq!(conn.auth_kind(), "none");
    assert_eq!(conn.authorization(&AuthChoice::Default).await, Ok(None));

    let resp = conn
        .client()
        .get(conn.url_for("/redirect").expect("url"))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert_eq!(
        resp.headers().get(header::LOCATION).map(|v| v.as_bytes()),
        Some(&b"/api/v1/personen"[..])
    );

    let resp = conn
        .client()
        .get(conn.url_for("gzip").expect("url"))
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    assert_eq!(
        resp.bytes().await.expect("body").as_ref(),
        &[0x1f, 0x8b, 0x08, 0x00]
    );

    let echo = conn
        .client()
        .get(conn.url_for("/echo").expect("url"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert_eq!(echo, format!("ua={USER_AGENT} ae=-"));
    assert!(USER_AGENT.starts_with("konform/"));
}
