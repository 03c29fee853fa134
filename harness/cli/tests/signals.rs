//! Signals end a run early without losing its report: the real `konform`
//! binary runs against a loopback target that accepts connections and never
//! answers (with a 120 s step timeout), and SIGTERM or SIGHUP, sent while it
//! waits for the service description, ends the run promptly (so does SIGINT,
//! which used to wait for the step timeout) with exit 3 and
//! a report marked `complete: false` in which no case passed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]
#![cfg(unix)]

mod support;

use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::fixture_copy::probe_copy;

/// How long a signalled run may take to end before the test calls it hung
/// (the target's step timeout is 120 s, so waiting for it would exceed this).
const PROMPTLY: Duration = Duration::from_secs(30);

/// Waits until the listener has a connection: konform is now waiting for
/// the service description.
fn wait_for_connection(listener: &TcpListener, child: &mut Child) -> std::net::TcpStream {
    listener.set_nonblocking(true).expect("nonblocking");
    let deadline = Instant::now() + PROMPTLY;
    loop {
        match listener.accept() {
            Ok((stream, _)) => return stream,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("accept: {e}"),
        }
        if let Some(status) = child.try_wait().expect("try_wait") {
            panic!("konform ended before it connected: {status}");
        }
        assert!(Instant::now() < deadline, "konform never connected");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_promptly(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + PROMPTLY;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("konform did not end within {PROMPTLY:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run_and_signal(signal: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = probe_copy(&dir.path().join("fixture"));
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let target = dir.path().join("target.yaml");
    // No `classes`: konform asks the service description (GET /) first.
    std::fs::write(
        &target,
        format!(
            "identity: {{operator: T, vendor: V, product: Silent, version: \"1\"}}\n\
             base_url: http://127.0.0.1:{port}\n\
             limits: {{step_timeout_ms: 120000, case_timeout_ms: 240000}}\n"
        ),
    )
    .expect("write target");
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(["run", suite.to_str().unwrap(), "--target"])
        .arg(&target)
        .arg("--out")
        .arg(&out)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn konform");
    let _held = wait_for_connection(&listener, &mut child);
    let kill = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let status = wait_promptly(&mut child);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    assert_eq!(status.code(), Some(3), "{signal}: stderr: {stderr}");
    assert!(stderr.contains(&format!("(SIG{signal})")), "{stderr}");

    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("probe@1.0.0.json")).expect("the report is written"),
    )
    .expect("report is JSON");
    assert_eq!(report["run"]["complete"], false, "{signal}");
    assert_eq!(report["verdict"], "incomplete", "{signal}");
    let cases = report["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    assert!(
        cases.iter().all(|c| c["verdict"] == "skip"),
        "{signal}: every case is recorded as not run"
    );
}

#[test]
fn sigterm_while_waiting_for_the_target_leaves_an_incomplete_report() {
    run_and_signal("TERM");
}

#[test]
fn sighup_while_waiting_for_the_target_leaves_an_incomplete_report() {
    run_and_signal("HUP");
}

/// Ctrl-C did not wait for the step timeout either.
#[test]
fn sigint_while_waiting_for_the_target_ends_promptly() {
    run_and_signal("INT");
}
