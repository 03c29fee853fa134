//! Re-judging verdicts that redacted values decide, end to end: a reference
//! whose Meldebestätigung leaks the Geschlecht (personal data, encrypted in
//! the evidence) is run with the certifier's redaction key; the failing case
//! is then flipped to pass, judged consistently and re-signed with a trusted
//! key — once with the evidence as recorded, once with the leaked member
//! deleted from the recorded body. `verify --rejudge` refuses both without
//! the key (a pass that redacted values decide is not accepted) and shows
//! both as forgeries with it; the honest report verifies with the key.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use konform_model::report::{Report, Verdict};
use serde_json::Value;
use support::served::{serve, write_target};

const FAULT: &str = "meldebestaetigung-leaks-geschlecht";
const SUITE: &str = "meldewesen@1.0.0";

fn konform(args: &[&dyn AsRef<std::ffi::OsStr>]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("KEPT_STATE_TOKEN", konform_reference::FULL_TOKEN)
        .env("KEPT_STATE_LIMITED", konform_reference::LIMITED_TOKEN)
        .output()
        .expect("run konform");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code().unwrap_or(-1), text)
}

/// The case that catches the leak, and the report with it flipped to pass
/// and every verdict judged again to match (what a careful forger does).
fn forge(report: &Path, edit_body: bool, to: &Path) -> String {
    let mut value: Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    for member in ["seal", "signatures"] {
        value.as_object_mut().unwrap().remove(member);
    }
    let mut parsed: Report = serde_json::from_value(value).unwrap();
    let case = parsed
        .cases
        .iter_mut()
        .find(|c| {
            c.verdict == Verdict::Fail && c.failed_requirements.iter().any(|r| r == "MW-ANM-003")
        })
        .expect("the leak is caught");
    let id = case.id.clone();
    let leaked = case
        .steps
        .iter_mut()
        .filter_map(|s| s.response.as_mut().and_then(|r| r.body.as_mut()))
        .find(|b| b.text.contains("\"geschlecht\""))
        .expect("the recorded body holds the leaked member");
    assert!(
        !leaked.text.contains("maennlich") && !leaked.text.contains("weiblich"),
        "the Geschlecht is redacted: {}",
        leaked.text
    );
    if edit_body {
        let mut body: Value = serde_json::from_str(&leaked.text).unwrap();
        body.as_object_mut().unwrap().remove("geschlecht");
        leaked.text = body.to_string();
    }
    case.verdict = Verdict::Pass;
    case.reason = None;
    case.failed_requirements.clear();
    for step in &mut case.steps {
        step.assertions.iter_mut().for_each(|a| a.passed = true);
    }
    let suite = konform::suites::load_one(SUITE).unwrap();
    support::forge::judge_again(&mut parsed, &suite.manifest);
    std::fs::write(to, serde_json::to_vec_pretty(&parsed).unwrap()).unwrap();
    id
}

fn verify(report: &Path, keys: &Path, redaction_key: Option<&Path>) -> (i32, String) {
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
        &"report",
        &"verify",
        &report,
        &"--keys",
        &keys,
        &"--suite",
        &SUITE,
        &"--rejudge",
    ];
    if let Some(k) = &redaction_key {
        args.push(&"--redaction-key");
        args.push(k);
    }
    konform(&args)
}

#[test]
fn forged_passes_over_redacted_values_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve("meldewesen@1.0", &[FAULT]);
    let target = write_target(dir.path(), &served.base_url);
    let out = dir.path().join("out");
    let key = dir.path().join("redaction.key");
    let (code, text) = konform(&[
        &"run",
        &SUITE,
        &"--quiet",
        &"--target",
        &target,
        &"--out",
        &out,
        &"--redaction-key",
        &key,
    ]);
    assert_eq!(code, 1, "the leak makes the run not conformant: {text}");
    let report = out.join(format!("{SUITE}.json"));
    let keys = dir.path().join("keys");
    let (code, text) = konform(&[&"keygen", &"--out", &keys, &"--name", &"pruefstelle"]);
    assert_eq!(code, 0, "{text}");
    let signing_key = keys.join("pruefstelle.key.pem");
    let sign = |path: &PathBuf| {
        let (code, text) = konform(&[&"report", &"sign", path, &"--key", &signing_key]);
        assert_eq!(code, 0, "{text}");
    };

    // The honest report: verified with the key, every assertion re-judged;
    // without it, the passes that redacted values decide are not accepted.
    sign(&report);
    let (code, text) = verify(&report, &keys, Some(&key));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("every assertion re-judged"), "{text}");
    let (code, text) = verify(&report, &keys, None);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("assertions could not be re-judged"), "{text}");

    // The verdict flipped, the evidence as recorded.
    let flipped = dir.path().join("flipped.json");
    let id = forge(&report, false, &flipped);
    sign(&flipped);
    let (code, text) = verify(&flipped, &keys, None);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!(
            "FAIL rejudge: case {id}: recorded pass, but redacted values decide it"
        )),
        "{text}"
    );
    let (code, text) = verify(&flipped, &keys, Some(&key));
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!(
            "FAIL rejudge: case {id}: recorded pass, but the evidence says fail"
        )),
        "{text}"
    );

    // The leaked member deleted from the recorded body as well.
    let edited = dir.path().join("edited.json");
    forge(&report, true, &edited);
    sign(&edited);
    let (code, text) = verify(&edited, &keys, Some(&key));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("was edited after the run"), "{text}");

    // Another key reveals nothing and says so.
    let other = dir.path().join("other.key");
    konform_runner::redact::RedactionKey::load_or_create(&other).unwrap();
    let (code, text) = verify(&report, &keys, Some(&other));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("did not redact this report"), "{text}");
}
