//! The harness's failure paths, end to end: the real `konform` binary runs
//! the probe suite against a purpose-built misbehaving server (and against a
//! dead port) over loopback, and the written report must hold the right
//! verdict and reason for each way of misbehaving.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::report_schema::assert_valid_report;

fn probe_suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probe/suites/probe/1.0.0")
}

fn write_target(dir: &Path, base_url: &str, classes: Option<&str>) -> PathBuf {
    let classes = classes
        .map(|c| format!("classes: [{c}]\n"))
        .unwrap_or_default();
    let text = format!(
        "identity:\n  operator: Testland\n  vendor: Probe GmbH\n  product: Misbehaving\n  version: \"0.0.1\"\nbase_url: {base_url}\n{classes}"
    );
    let path = dir.join("target.yaml");
    std::fs::write(&path, text).expect("write target file");
    path
}

struct RunResult {
    code: i32,
    stdout: String,
    report: Value,
}

async fn run_konform(target: PathBuf, out: PathBuf) -> RunResult {
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_konform"))
            .arg("run")
            .arg(probe_suite())
            .arg("--target")
            .arg(&target)
            .arg("--out")
            .arg(&out)
            .env("NO_COLOR", "1")
            .output()
            .map(|o| (o, out))
    })
    .await
    .expect("join")
    .expect("spawn konform");
    let (output, out) = output;
    let report_path = out.join("probe@1.0.0.json");
    let text = std::fs::read_to_string(&report_path).unwrap_or_else(|e| {
        panic!(
            "report {} missing ({e}); stderr: {}",
            report_path.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    RunResult {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        report: serde_json::from_str(&text).expect("report is JSON"),
    }
}

fn case<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("case {id} missing from report"))
}

fn verdict_and_reason(report: &Value, id: &str) -> (String, String) {
    let c = case(report, id);
    (
        c["verdict"].as_str().unwrap_or_default().to_string(),
        c["reason"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_misbehaviour_gets_the_right_verdict() {
    let server = support::misbehaving::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = write_target(dir.path(), &server.base_url(), Some("core"));
    let run = run_konform(target, dir.path().join("out")).await;
    let report = &run.report;
    assert_valid_report(report);

    let expect = |id: &str, verdict: &str, reason_part: &str| {
        let (v, reason) = verdict_and_reason(report, id);
        assert_eq!(v, verdict, "{id}: reason was {reason:?}");
        assert!(
            reason.contains(reason_part),
            "{id}: reason {reason:?} should mention {reason_part:?}"
        );
    };
    assert_eq!(verdict_and_reason(report, "probe.ok").0, "pass");
    assert_eq!(
        verdict_and_reason(report, "probe.redirect-is-data").0,
        "pass"
    );
    expect(
        "probe.wrong-status",
        "fail",
        "status: expected 200, received 500",
    );
    expect("probe.wrong-status", "fail", "database gone");
    expect("probe.schema-violation", "fail", "at /plz");
    expect("probe.slow", "error", "no complete response within 1500 ms");
    expect("probe.truncated", "error", "response body incomplete");
    // A complete response that is not JSON breaks the interface: a fail.
    expect("probe.invalid-json", "fail", "not well-formed UTF-8 JSON");
    expect(
        "probe.oversized",
        "error",
        "exceeds the limit of 65536 bytes",
    );

    assert_eq!(report["verdict"], "not_conformant");
    assert_eq!(run.code, 1, "stdout: {}", run.stdout);
    // The terminal names the requirement a failing case breaks.
    assert!(
        run.stdout.contains("breaks PR-001 (MUST)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("class core"), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_target_still_gets_a_report() {
    // Bind and drop: nothing listens on this port any more.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let target = write_target(dir.path(), &format!("http://127.0.0.1:{port}"), None);
    let run = run_konform(target, dir.path().join("out")).await;
    assert_valid_report(&run.report);
    assert_eq!(run.code, 3, "a run that could not be carried out exits 3");
    assert_eq!(run.report["verdict"], "incomplete");
    let claim = run.report["target"]["claim_source"]
        .as_str()
        .unwrap_or_default();
    assert!(claim.starts_with("unavailable"), "claim source: {claim}");
    for c in run.report["cases"].as_array().expect("cases") {
        assert_eq!(c["verdict"], "error", "case {}", c["id"]);
        let reason = c["reason"].as_str().unwrap_or_default();
        assert!(reason.contains("connection failed"), "reason: {reason}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_snapshot() {
    let server = support::misbehaving::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = write_target(dir.path(), &server.base_url(), Some("core"));
    let run = run_konform(target, dir.path().join("out")).await;
    let port = server.addr.port().to_string();
    insta::assert_json_snapshot!("probe-report", run.report, {
        ".harness.version" => "[version]",
        ".suite.digest" => "[digest]",
        ".target.base_url" => "[base_url]",
        ".run.started_at" => "[time]",
        ".run.finished_at" => "[time]",
        ".run.duration_ms" => "[ms]",
        ".run.seed" => "[seed]",
        ".cases[].duration_ms" => "[ms]",
        ".cases[].steps[].duration_ms" => "[ms]",
        ".cases[].steps[].request.url" => insta::dynamic_redaction(move |value, _| {
            value.as_str().map(|s| s.replace(&port, "PORT")).unwrap_or_default()
        }),
        ".cases[].steps[].request.headers" => "[request headers]",
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_still_writes_a_report_marked_incomplete() {
    // Every request hangs, so every case is in flight when the interrupt comes.
    let server = support::misbehaving::start_silent().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = write_target(dir.path(), &server.base_url(), Some("core"));
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_konform"))
        .arg("run")
        .arg(probe_suite())
        .arg("--target")
        .arg(&target)
        .arg("--out")
        .arg(&out)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn konform");
    // Each step would time out after 1.5 s; interrupt well before.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let killed = Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .expect("send SIGINT");
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert_eq!(status.code(), Some(3), "an interrupted run exits 3");
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("probe@1.0.0.json")).expect("report written"),
    )
    .expect("report is JSON");
    assert_valid_report(&report);
    assert_eq!(report["run"]["complete"], false);
    assert_eq!(report["verdict"], "incomplete");
    let (verdict, reason) = verdict_and_reason(&report, "probe.slow");
    assert_eq!(verdict, "skip");
    assert!(reason.contains("interrupted"), "reason: {reason}");
}
