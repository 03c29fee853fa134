//! Runs that repeat on a register that keeps state, end to end: one
//! long-running `konform reference serve --control` process per interface,
//! and the real `konform` binary run against it as against any target. Every
//! bundled suite must give the same conformant verdicts three times in a row,
//! and a run with a fault switched on must not spoil the next run without it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support::served::{serve, write_target};

/// Runs `suite` against the target; returns the exit code and the report.
fn run(suite: &str, target: &Path, out: &Path) -> (i32, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(["run", suite, "--quiet", "--target"])
        .arg(target)
        .arg("--out")
        .arg(out)
        .env("KEPT_STATE_TOKEN", konform_reference::FULL_TOKEN)
        .env("KEPT_STATE_LIMITED", konform_reference::LIMITED_TOKEN)
        .env("NO_COLOR", "1")
        .output()
        .expect("run konform");
    let report = std::fs::read_dir(out)
        .expect("report folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .unwrap_or_else(|| {
            panic!(
                "no report; stdout: {}",
                String::from_utf8_lossy(&output.stdout)
            )
        });
    let report = serde_json::from_str(&std::fs::read_to_string(report).expect("read report"))
        .expect("report is JSON");
    (output.status.code().unwrap_or(-1), report)
}

fn verdicts(report: &Value) -> BTreeMap<String, String> {
    report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["verdict"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn failed_requirements(report: &Value) -> Vec<String> {
    report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|r| r["verdict"] == "fail")
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

/// Switches the faults of a running reference through its control route
/// (plain HTTP/1.1 over loopback).
fn switch_faults(base_url: &str, faults: &[&str]) {
    use std::io::{Read, Write};
    let host = base_url.trim_start_matches("http://");
    let body = serde_json::to_string(faults).expect("JSON");
    let mut stream = std::net::TcpStream::connect(host).expect("connect to the reference");
    write!(
        stream,
        "PUT /_konform/faults HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(&body), "faults now on: {answer}");
}

/// The newest bundled suite of every interface, with a fault its suite catches.
const SUITES: [(&str, &str, &str); 3] = [
    (
        "meldewesen",
        "meldewesen@1.0",
        "auskunft-leaks-geburtsdatum",
    ),
    (
        "elterngeld",
        "elterngeld@1.0",
        "idempotency-key-reuse-accepted",
    ),
    (
        "kfz-zulassung",
        "kfz-zulassung@1.0",
        "double-reservation-allowed",
    ),
];

#[test]
fn three_runs_against_one_register_give_the_same_conformant_verdicts() {
    for (suite, interface, _) in SUITES {
        let served = serve(interface, &[]);
        let dir = tempfile::tempdir().expect("tempdir");
        let target = write_target(dir.path(), &served.base_url);
        let mut first: Option<BTreeMap<String, String>> = None;
        for round in 1..=3 {
            let out = dir.path().join(format!("run{round}"));
            let (code, report) = run(suite, &target, &out);
            assert_eq!(
                (code, report["verdict"].as_str()),
                (0, Some("conformant")),
                "{suite}, run {round} on kept state: failed {:?}",
                failed_requirements(&report)
            );
            let now = verdicts(&report);
            match &first {
                None => first = Some(now),
                Some(first) => assert_eq!(first, &now, "{suite}: run {round} differs"),
            }
        }
    }
}

#[test]
fn a_run_with_a_fault_does_not_spoil_the_next_run_without_it() {
    for (suite, interface, fault) in SUITES {
        let served = serve(interface, &[fault]);
        let dir = tempfile::tempdir().expect("tempdir");
        let target = write_target(dir.path(), &served.base_url);

        let (code, report) = run(suite, &target, &dir.path().join("faulty"));
        assert_eq!(code, 1, "{suite} with {fault} is not conformant");
        let declared: Vec<String> =
            konform_reference::faults(interface.split('@').next().unwrap_or_default(), "1.0")
                .iter()
                .find(|f| f.name == fault)
                .map(|f| f.requirements().iter().map(|r| r.to_string()).collect())
                .expect("the fault is in the catalogue");
        assert_eq!(
            failed_requirements(&report),
            declared,
            "{suite} with {fault}"
        );

        switch_faults(&served.base_url, &[]);
        let (code, report) = run(suite, &target, &dir.path().join("clean"));
        assert_eq!(
            (code, report["verdict"].as_str()),
            (0, Some("conformant")),
            "{suite} after {fault} was switched off: failed {:?}",
            failed_requirements(&report)
        );
    }
}
