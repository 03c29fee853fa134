//! Known deviations (expected failures in the target file), end to end: the
//! real `konform` binary against `konform reference serve` with a fault
//! switched on. A failing case listed as a deviation is shown as an expected
//! failure and the run stays NOT CONFORMANT (exit 1, every verdict as without
//! the list); a deviation that passes is pointed out, so is an expired one;
//! an id the suite does not know is a usage error (exit 2). The report
//! records the list, matches its schema, verifies after signing and keeps
//! the list through `report merge`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::report_schema::assert_valid_report;
use support::served::{serve, write_target};

const SUITE: &str = "meldewesen@1.1.0";
const FAULT: &str = "auskunft-leaks-geburtsdatum";

fn konform(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_konform"));
    command
        .args(args)
        .env("KEPT_STATE_TOKEN", konform_reference::FULL_TOKEN)
        .env("KEPT_STATE_LIMITED", konform_reference::LIMITED_TOKEN)
        .env("NO_COLOR", "1");
    command
}

/// `konform run SUITE --class auskunft --target TARGET --out OUT [extra]`.
fn run(target: &Path, out: &Path, extra: &[&str]) -> (Output, Value) {
    let output = konform(&["run", SUITE, "--class", "auskunft", "--target"])
        .arg(target)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run konform");
    let path = out.join(format!("{SUITE}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "no report at {} ({e}); stdout: {}\nstderr: {}",
            path.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output, serde_json::from_str(&text).expect("report is JSON"))
}

/// The target file of `served`, with `deviations` (YAML list items) appended.
fn target_with(dir: &Path, base_url: &str, name: &str, deviations: &str) -> PathBuf {
    let plain = write_target(dir, base_url);
    let mut text = std::fs::read_to_string(&plain).expect("target");
    text.push_str("known_deviations:\n");
    text.push_str(deviations);
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write target");
    path
}

fn ids_with(report: &Value, verdict: &str) -> Vec<String> {
    report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["verdict"] == verdict)
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect()
}

/// Requirement, class and overall verdicts: what the deviations must not change.
fn verdicts(report: &Value) -> Value {
    let pick = |list: &Value| -> Vec<(Value, Value)> {
        list.as_array()
            .expect("list")
            .iter()
            .map(|x| (x["id"].clone(), x["verdict"].clone()))
            .collect()
    };
    serde_json::json!({
        "requirements": pick(&report["requirements"]),
        "classes": pick(&report["classes"]),
        "summary": report["summary"],
        "verdict": report["verdict"],
    })
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn deviations_are_presented_apart_and_never_count_as_conformant() {
    let served = serve("meldewesen@1.0", &[FAULT]);
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = konform_reference::faults("meldewesen", "1.0")
        .into_iter()
        .find(|f| f.name == FAULT)
        .expect("the fault is in the catalogue")
        .requirement
        .to_string();

    // Without deviations: which case fails, which passes.
    let plain = write_target(dir.path(), &served.base_url);
    let (output, baseline) = run(&plain, &dir.path().join("plain"), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(!stdout(&output).contains("known deviation"));
    let failing = ids_with(&baseline, "fail");
    let passing = ids_with(&baseline, "pass");
    let (failing, passing) = (&failing[0], &passing[0]);

    let target = target_with(
        dir.path(),
        &served.base_url,
        "deviations.yaml",
        &format!(
            "  - case: {failing}\n    justification: \"Fix scheduled for release 4.2 (ticket ABC-123)\"\n    expires: 2099-12-31\n\
             \x20 - case: {passing}\n    justification: fixed long ago\n\
             \x20 - requirement: {broken}\n    justification: was due last year\n    expires: 2020-01-01\n"
        ),
    );
    let out = dir.path().join("deviations");
    // The certifier keeps the redaction key, so that every verdict re-judges.
    let redaction_key = dir.path().join("redaction.key");
    let (output, report) = run(
        &target,
        &out,
        &[
            "--format",
            "json,junit,md,html",
            "--redaction-key",
            redaction_key.to_str().expect("UTF-8 path"),
        ],
    );
    let text = stdout(&output);
    // Still not conformant, and judged exactly as without the list.
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_eq!(report["verdict"], "not_conformant");
    assert_eq!(verdicts(&report), verdicts(&baseline));
    assert_valid_report(&report);
    // Recorded with what the run found.
    let recorded: Vec<(Value, Value)> = report["run"]["known_deviations"]
        .as_array()
        .expect("run.known_deviations")
        .iter()
        .map(|d| {
            (
                d.get("case").or(d.get("requirement")).cloned().unwrap(),
                d["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        recorded,
        [
            (Value::from(failing.as_str()), Value::from("still_failing")),
            (Value::from(passing.as_str()), Value::from("now_passing")),
            (Value::from(broken.as_str()), Value::from("expired")),
        ]
    );
    // The terminal: the failing case is an expected failure, with its
    // justification; the passing and the expired ones are pointed out.
    assert!(
        text.contains(&format!("XFAIL {SUITE}::{failing}")),
        "{text}"
    );
    assert!(
        text.contains("known deviation (case ")
            && text.contains("Fix scheduled for release 4.2 (ticket ABC-123) [until 2099-12-31]"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "known deviation case {passing} now passes: remove it from the target file"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "known deviation requirement {broken} expired on 2020-01-01"
        )),
        "{text}"
    );
    assert!(text.contains("verdict: NOT CONFORMANT"), "{text}");
    // The expected failure is not among the surprises.
    let surprises = text
        .split("Known deviations (expected failures")
        .next()
        .unwrap_or_default();
    assert!(!surprises.contains(&format!("::{failing} ")), "{surprises}");
    // JUnit keeps it a failure and says it was expected.
    let junit = std::fs::read_to_string(out.join(format!("{SUITE}.junit.xml"))).expect("junit");
    let testcase = junit
        .split("<testcase ")
        .find(|t| t.starts_with(&format!("name=\"{failing}\"")))
        .expect("the failing case in JUnit");
    assert!(
        testcase.contains("<failure") && testcase.contains("known deviation (case "),
        "{testcase}"
    );
    let md = std::fs::read_to_string(out.join(format!("{SUITE}.md"))).expect("md");
    assert!(md.contains("### Known deviations (3)"), "{md}");
    assert!(md.contains("now passes: remove it"), "{md}");
    let html = std::fs::read_to_string(out.join(format!("{SUITE}.html"))).expect("html");
    assert!(html.contains("<h2>Known deviations</h2>"));

    // Signed, the list is part of the sealed content and verifies.
    let report_path = out.join(format!("{SUITE}.json"));
    let keys = dir.path().join("keys");
    let status = konform(&["keygen", "--name", "certifier", "--out"])
        .arg(&keys)
        .status()
        .expect("keygen");
    assert!(status.success());
    let status = konform(&["report", "sign"])
        .arg(&report_path)
        .arg("--key")
        .arg(keys.join("certifier.key.pem"))
        .status()
        .expect("sign");
    assert!(status.success());
    let verify = konform(&["report", "verify"])
        .arg(&report_path)
        .arg("--keys")
        .arg(&keys)
        .args(["--suite", SUITE, "--rejudge", "--redaction-key"])
        .arg(&redaction_key)
        .output()
        .expect("verify");
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}{}",
        stdout(&verify),
        String::from_utf8_lossy(&verify.stderr)
    );
    // An edited status breaks the seal.
    let mut edited: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).expect("read")).expect("json");
    edited["run"]["known_deviations"][1]["status"] = "still_failing".into();
    let edited_path = dir.path().join("edited.json");
    std::fs::write(&edited_path, edited.to_string()).expect("write");
    let verify = konform(&["report", "verify"])
        .arg(&edited_path)
        .arg("--keys")
        .arg(&keys)
        .output()
        .expect("verify");
    assert_eq!(verify.status.code(), Some(1), "{}", stdout(&verify));
    assert!(stdout(&verify).contains("the report was changed"));

    // Shards record the list too, and the merged report judges it afresh.
    let mut shards = vec![];
    for k in 1..=2 {
        let out = dir.path().join(format!("shard{k}"));
        let (output, _) = run(&target, &out, &["--shard", &format!("{k}/2")]);
        assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
        shards.push(out.join(format!("{SUITE}.json")));
    }
    let merged_path = dir.path().join("merged.json");
    let status = konform(&["report", "merge"])
        .args(&shards)
        .arg("-o")
        .arg(&merged_path)
        .status()
        .expect("merge");
    assert!(status.success());
    let merged: Value =
        serde_json::from_str(&std::fs::read_to_string(&merged_path).expect("read")).expect("json");
    assert_valid_report(&merged);
    let statuses = |r: &Value| -> Vec<Value> {
        r["run"]["known_deviations"]
            .as_array()
            .expect("list")
            .iter()
            .map(|d| d["status"].clone())
            .collect()
    };
    assert_eq!(statuses(&merged), statuses(&report));
    assert_eq!(merged["verdict"], "not_conformant");
}

#[test]
fn an_id_the_suite_does_not_know_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (line, named) in [
        (
            "case: anmeldung.no-such-case",
            "case anmeldung.no-such-case",
        ),
        ("requirement: MW-NOPE-999", "requirement MW-NOPE-999"),
    ] {
        // Nothing listens there: the id is refused before any request.
        let target = target_with(
            dir.path(),
            "http://127.0.0.1:9/",
            "unknown.yaml",
            &format!("  - {line}\n    justification: typo\n"),
        );
        let output = konform(&["run", SUITE, "--target"])
            .arg(&target)
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .expect("run konform");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("known deviation {named} is not in {SUITE}")),
            "{stderr}"
        );
    }
    // Both a case and a requirement, or a date that is none: refused too.
    for (entry, says) in [
        (
            "  - case: a\n    requirement: MW-QS-001\n    justification: both\n",
            "invalid target file",
        ),
        (
            "  - requirement: MW-QS-001\n    justification: x\n    expires: 2027-02-30\n",
            "is not a date",
        ),
    ] {
        let target = target_with(dir.path(), "http://127.0.0.1:9/", "bad.yaml", entry);
        let output = konform(&["run", SUITE, "--target"])
            .arg(&target)
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .expect("run konform");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }
}
