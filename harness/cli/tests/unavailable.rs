//! A target that answers 503 or 429 is unavailable, not non-conformant: the
//! real `konform` binary runs the probe suite against a loopback axum server
//! that answers every request with 503/429, and every case is an `error` of
//! kind `unavailable` (exit 3, never a fail). A `Retry-After` that fits in the
//! step timeout is waited for once, and a target that then answers is tested
//! as usual; one beyond the step timeout is not waited for.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use support::report_schema::assert_valid_report;

/// How the server answers the n-th request (0-based) for a path.
#[derive(Clone, Copy)]
enum Mode {
    /// 503 with `Retry-After: 120` (beyond the probe suite's 1.5 s step timeout).
    LongRetryAfter,
    /// 429 without `Retry-After`.
    RateLimited,
    /// 503 with `Retry-After: 0`, every time.
    AlwaysBusy,
    /// 503 with `Retry-After: 0` the first time, a valid item afterwards.
    BusyOnce,
}

#[derive(Clone)]
struct Server {
    mode: Mode,
    seen: Arc<Mutex<HashMap<String, u32>>>,
}

async fn answer(State(server): State<Server>, uri: Uri) -> Response {
    let n = {
        let mut seen = server.seen.lock().expect("lock");
        let n = seen.entry(uri.path().to_string()).or_default();
        *n += 1;
        *n - 1
    };
    let busy = |status: StatusCode, retry_after: Option<&'static str>| {
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            r#"{"title":"busy"}"#,
        )
            .into_response();
        if let Some(value) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static(value));
        }
        response
    };
    match (server.mode, n) {
        (Mode::LongRetryAfter, _) => busy(StatusCode::SERVICE_UNAVAILABLE, Some("120")),
        (Mode::RateLimited, _) => busy(StatusCode::TOO_MANY_REQUESTS, None),
        (Mode::AlwaysBusy, _) | (Mode::BusyOnce, 0) => {
            busy(StatusCode::SERVICE_UNAVAILABLE, Some("0"))
        }
        (Mode::BusyOnce, _) => (
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"id":"a1","plz":"01067"}"#,
        )
            .into_response(),
    }
}

struct Run {
    code: i32,
    report: Value,
    requests: HashMap<String, u32>,
    report_path: PathBuf,
    _dir: tempfile::TempDir,
}

async fn run(mode: Mode) -> Run {
    let server = Server {
        mode,
        seen: Arc::default(),
    };
    let seen = server.seen.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = Router::new().fallback(answer).with_state(server);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("target.yaml");
    std::fs::write(
        &target,
        format!(
            "identity: {{operator: T, vendor: V, product: Busy, version: \"1\"}}\n\
             base_url: http://127.0.0.1:{port}\nclasses: [core]\n"
        ),
    )
    .expect("write target");
    let out = dir.path().join("out");
    let (output, out) = tokio::task::spawn_blocking(move || {
        let output = Command::new(env!("CARGO_BIN_EXE_konform"))
            .arg("run")
            .arg(probe_suite())
            .arg("--target")
            .arg(&target)
            .arg("--out")
            .arg(&out)
            .env("NO_COLOR", "1")
            .output()
            .expect("spawn konform");
        (output, out)
    })
    .await
    .expect("join");
    task.abort();
    let report_path = out.join("probe@1.0.0.json");
    let text = std::fs::read_to_string(&report_path).unwrap_or_else(|e| {
        panic!(
            "no report ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let requests = seen.lock().expect("lock").clone();
    Run {
        code: output.status.code().unwrap_or(-1),
        report: serde_json::from_str(&text).expect("report is JSON"),
        requests,
        report_path,
        _dir: dir,
    }
}

fn probe_suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probe/suites/probe/1.0.0")
}

fn cases(report: &Value) -> &Vec<Value> {
    report["cases"].as_array().expect("cases")
}

fn case<'a>(report: &'a Value, id: &str) -> &'a Value {
    cases(report)
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

/// Every case that sent a request ended in `error` of kind `unavailable`
/// with `reason_part` in its reason; nothing failed; the run is incomplete.
fn assert_unavailable(run: &Run, reason_part: &str) {
    assert_valid_report(&run.report);
    for c in cases(&run.report) {
        assert_eq!(c["verdict"], "error", "{c:#}");
        assert_eq!(c["error_kind"], "unavailable", "{c:#}");
        let reason = c["reason"].as_str().expect("reason");
        assert!(reason.contains(reason_part), "{reason}");
    }
    assert_eq!(run.report["verdict"], "incomplete");
    assert_eq!(run.code, 3);
    // Re-judging from the evidence (a 503 or 429 response) agrees.
    let verify = Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(["report", "verify", "--rejudge", "--suite"])
        .arg(probe_suite())
        .arg(&run.report_path)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn konform");
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(
        text.contains("same case, requirement, class and overall verdicts"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_whose_retry_after_exceeds_the_step_timeout_is_unavailable_at_once() {
    let run = run(Mode::LongRetryAfter).await;
    assert_unavailable(
        &run,
        "answered 503 (Retry-After: 120, not within the step timeout of 1500 ms)",
    );
    assert!(run.requests.values().all(|n| *n == 1), "{:?}", run.requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_without_retry_after_is_unavailable() {
    let run = run(Mode::RateLimited).await;
    assert_unavailable(&run, "answered 429 (no Retry-After)");
    assert!(run.requests.values().all(|n| *n == 1), "{:?}", run.requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_still_busy_after_one_wait_is_unavailable() {
    let run = run(Mode::AlwaysBusy).await;
    assert_unavailable(
        &run,
        "answered 503 (also after waiting 0 ms for the Retry-After of a first 503)",
    );
    assert!(run.requests.values().all(|n| *n == 2), "{:?}", run.requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_that_answers_after_its_retry_after_is_tested_as_usual() {
    let run = run(Mode::BusyOnce).await;
    assert_valid_report(&run.report);
    assert_eq!(case(&run.report, "probe.ok")["verdict"], "pass");
    // The same valid item for every path: the schema case passes too, the
    // redirect case now fails on the contract (no 302), not on availability.
    assert_eq!(
        case(&run.report, "probe.schema-violation")["verdict"],
        "pass"
    );
    assert_eq!(
        case(&run.report, "probe.redirect-is-data")["verdict"],
        "fail"
    );
    assert!(
        cases(&run.report)
            .iter()
            .all(|c| c["error_kind"] != "unavailable"),
        "{:#}",
        run.report["cases"]
    );
    assert_eq!(run.requests.get("/ok"), Some(&2), "{:?}", run.requests);
}
