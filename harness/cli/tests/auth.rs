//! Authentication end to end: the real binary runs the Meldewesen suite
//! against the embedded reference started so that it demands tokens — with a
//! bearer token from the environment, and with OAuth 2.0 client credentials
//! from a small token endpoint — and the failure paths (a missing variable, a
//! token endpoint that is down). Secrets must never reach the report.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use konform_reference::{FULL_TOKEN, LIMITED_TOKEN, ServeOptions};

const IDENTITY: &str = "identity:\n  operator: Freistaat Testland\n  vendor: Test\n  product: Reference behind auth\n  version: \"1\"\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write file");
    path
}

async fn konform(args: Vec<String>, env: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_konform"));
        cmd.args(&args).env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("run konform")
    })
    .await
    .expect("join")
}

fn run_args(target: &Path, out: &Path) -> Vec<String> {
    vec![
        "run".into(),
        "meldewesen".into(),
        "--target".into(),
        target.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--quiet".into(),
    ]
}

fn report_text(out: &Path) -> String {
    std::fs::read_to_string(out.join("meldewesen@1.1.0.json")).expect("report written")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bearer_token_from_the_environment() {
    let reference = konform_reference::serve("meldewesen", "1.0", ServeOptions::default())
        .await
        .expect("reference");
    let dir = tempfile::tempdir().expect("tempdir");
    let target = write(
        dir.path(),
        "t.yaml",
        &format!(
            "{IDENTITY}base_url: {}\nauth: {{ kind: bearer, token_env: KT_TOKEN }}\nauth_profiles:\n  limited: {{ kind: bearer, token_env: KT_LIMITED }}\n",
            reference.base_url
        ),
    );
    let out = dir.path().join("out");
    let output = konform(
        run_args(&target, &out),
        vec![
            ("KT_TOKEN", FULL_TOKEN.to_string()),
            ("KT_LIMITED", LIMITED_TOKEN.to_string()),
        ],
    )
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let report = report_text(&out);
    assert!(report.contains("\"auth\": \"bearer\""));
    assert!(
        report.contains("Bearer [secret:"),
        "the Authorization header is kept, redacted"
    );
    assert!(
        !report.contains(FULL_TOKEN),
        "the token leaked into the report"
    );
    assert!(
        !report.contains(LIMITED_TOKEN),
        "the limited token leaked into the report"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_token_variable_is_an_input_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = write(
        dir.path(),
        "t.yaml",
        &format!(
            "{IDENTITY}base_url: http://127.0.0.1:9\nauth: {{ kind: bearer, token_env: KT_NOT_SET_ANYWHERE }}\n"
        ),
    );
    let output = konform(run_args(&target, &dir.path().join("out")), vec![]).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("KT_NOT_SET_ANYWHERE"), "stderr: {stderr}");
}

/// A token endpoint that issues the reference's full token for one client.
async fn token_endpoint() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    async fn issue(headers: HeaderMap) -> (StatusCode, String) {
        use base64::Engine;
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("konform-client:s3cr3t-client-secret")
        );
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&expected) {
            return (
                StatusCode::UNAUTHORIZED,
                r#"{"error":"invalid_client"}"#.into(),
            );
        }
        (
            StatusCode::OK,
            format!(r#"{{"access_token":"{FULL_TOKEN}","token_type":"Bearer","expires_in":300}}"#),
        )
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = Router::new().route("/token", post(issue));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}

fn oauth_target(dir: &Path, base_url: &str, token_url: &str) -> PathBuf {
    write(
        dir,
        "t.yaml",
        &format!(
            "{IDENTITY}base_url: {base_url}\nauth:\n  kind: oauth2_client_credentials\n  token_url: {token_url}\n  client_id_env: KT_CLIENT_ID\n  client_secret_env: KT_CLIENT_SECRET\nauth_profiles:\n  limited: {{ kind: bearer, token_env: KT_LIMITED }}\n"
        ),
    )
}

fn oauth_env() -> Vec<(&'static str, String)> {
    vec![
        ("KT_CLIENT_ID", "konform-client".into()),
        ("KT_CLIENT_SECRET", "s3cr3t-client-secret".into()),
        ("KT_LIMITED", LIMITED_TOKEN.into()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth2_client_credentials_from_a_token_endpoint() {
    let reference = konform_reference::serve("meldewesen", "1.0", ServeOptions::default())
        .await
        .expect("reference");
    let (token_addr, _task) = token_endpoint().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = oauth_target(
        dir.path(),
        &reference.base_url,
        &format!("http://{token_addr}/token"),
    );
    let out = dir.path().join("out");
    let output = konform(run_args(&target, &out), oauth_env()).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let report = report_text(&out);
    assert!(report.contains("\"auth\": \"oauth2_client_credentials\""));
    for secret in ["s3cr3t-client-secret", FULL_TOKEN, LIMITED_TOKEN] {
        assert!(!report.contains(secret), "{secret} leaked into the report");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_endpoint_that_is_down_gives_errors_not_failures() {
    let reference = konform_reference::serve("meldewesen", "1.0", ServeOptions::default())
        .await
        .expect("reference");
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let target = oauth_target(
        dir.path(),
        &reference.base_url,
        &format!("http://{dead}/token"),
    );
    let out = dir.path().join("out");
    let output = konform(run_args(&target, &out), oauth_env()).await;
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let report: serde_json::Value = serde_json::from_str(&report_text(&out)).expect("JSON");
    let cases = report["cases"].as_array().expect("cases");
    let errors: Vec<&serde_json::Value> =
        cases.iter().filter(|c| c["verdict"] == "error").collect();
    assert!(!errors.is_empty());
    assert!(
        cases.iter().all(|c| c["verdict"] != "fail"),
        "an unreachable token endpoint is not the target's failure"
    );
    let reason = errors[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("authentication"), "reason: {reason}");
}
