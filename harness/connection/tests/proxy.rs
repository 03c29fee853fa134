//! Proxy handling. Without `proxy` in the target file, `HTTP_PROXY`-style
//! variables are ignored: checked in a child process (this test binary run
//! again with only the child test selected) whose environment points every
//! proxy variable at a dead port, so the parent's environment is never
//! mutated. With `proxy` set, requests go through it: a tiny forward proxy on
//! loopback answers for a host that does not exist.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod common;

use axum::Router;
use axum::http::Uri;
use axum::routing::get;
use indexmap::IndexMap;
use konform_connection::{Credential, TargetConnection, connect_with};
use konform_model::target::TlsConfig;

use common::{dead_port, init_crypto, serve};

const CHILD_URL_VAR: &str = "KONFORM_TARGET_PROXY_CHILD_URL";
const CHILD_OK: &str = "KONFORM-CHILD-WENT-DIRECT";

fn conn(base: &str, proxy: Option<&str>) -> TargetConnection {
    connect_with(
        base,
        Credential::None,
        IndexMap::new(),
        &TlsConfig::default(),
        proxy,
        std::path::Path::new("."),
    )
    .expect("connect")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_environment_variables_are_ignored() {
    if std::env::var_os(CHILD_URL_VAR).is_some() {
        return; // we are the child; only `child_goes_direct` matters there
    }
    init_crypto();
    let addr = serve(Router::new().route("/api/ping", get(|| async { "pong" }))).await;
    let dead = format!("http://127.0.0.1:{}", dead_port());
    let exe = std::env::current_exe().expect("current exe");
    let mut cmd = tokio::process::Command::new(exe);
    cmd.args([
        "--exact",
        "child_goes_direct",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD_URL_VAR, format!("http://{addr}/api/ping"))
    .env_remove("NO_PROXY")
    .env_remove("no_proxy")
    .env_remove("REQUEST_METHOD");
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env(var, &dead);
    }
    let out = cmd.output().await.expect("run child test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains(CHILD_OK),
        "child test did not run:\n{stdout}\n{stderr}"
    );
}

/// Runs for real only in the child started above.
#[tokio::test]
async fn child_goes_direct() {
    let Ok(url) = std::env::var(CHILD_URL_VAR) else {
        return;
    };
    init_crypto();
    // Control: a default reqwest client honours the proxy variables and so
    // fails against the dead proxy — the environment is really set.
    let control = reqwest::Client::builder().build().expect("control client");
    assert!(
        control.get(&url).send().await.is_err(),
        "the control client should have used the dead proxy"
    );
    let c = conn(&url, None);
    let body = c
        .client()
        .get(c.url_for("").expect("url"))
        .send()
        .await
        .expect("direct request")
        .text()
        .await
        .expect("body");
    assert_eq!(body, "pong");
    println!("{CHILD_OK}");
}

#[tokio::test]
async fn configured_proxy_is_used() {
    init_crypto();
    // A forward proxy sees the absolute-form request URI.
    let proxy =
        serve(Router::new().fallback(|uri: Uri| async move { format!("via proxy: {uri}") })).await;
    let c = conn(
        "http://target.invalid/api",
        Some(&format!("http://{proxy}")),
    );
    let body = c
        .client()
        .get(c.url_for("/personen?x=1").expect("url"))
        .send()
        .await
        .expect("through proxy")
        .text()
        .await
        .expect("body");
    assert_eq!(body, "via proxy: http://target.invalid/api/personen?x=1");

    let dead = conn(
        "http://127.0.0.1:9/api",
        Some(&format!("http://127.0.0.1:{}", dead_port())),
    );
    assert!(
        dead.client()
            .get(dead.url_for("/x").expect("url"))
            .send()
            .await
            .is_err()
    );
}
