//! Sealed and signed reports, end to end through the real `konform` binary:
//! keygen → sign → verify round trips, wrong and unknown keys, tampering
//! caught by the seal, a forged verdict re-signed with another key caught by
//! `--rejudge`, and a property test that flips single bytes and edits single
//! values of a signed report (verification must fail every time).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use konform_model::report::{CaseResult, Report, Verdict};
use konform_seal::{KeyRing, keys, seal};
use proptest::prelude::*;
use serde_json::Value;

fn konform(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_konform"));
    for a in args {
        cmd.arg(a);
    }
    cmd.env("NO_COLOR", "1").output().expect("spawn konform")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// A meldewesen report from a real run against the embedded reference,
/// made once per test binary; each test copies it.
fn fresh_report(dir: &Path) -> PathBuf {
    let made = &fresh_run().0;
    let copy = dir.join("report.json");
    std::fs::copy(made, &copy).expect("copy report");
    copy
}

/// One honest run of meldewesen@1.0.0 against the embedded reference, with
/// the redaction key the certifier keeps: (report, key file).
fn fresh_run() -> &'static (PathBuf, PathBuf) {
    static RUN: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    RUN.get_or_init(|| {
        let out = tempfile::tempdir().expect("tempdir").keep();
        let key = out.join("redaction.key");
        let o = konform(&[
            &"run",
            &"meldewesen@1.0.0",
            &"--quiet",
            &"--out",
            &out,
            &"--redaction-key",
            &key,
        ]);
        assert_eq!(o.status.code(), Some(0), "run failed: {}", stdout(&o));
        (out.join("meldewesen@1.0.0.json"), key)
    })
}

fn keygen(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let o = konform(&[&"keygen", &"--out", &dir, &"--name", &name]);
    assert_eq!(o.status.code(), Some(0), "keygen: {}", stdout(&o));
    (
        dir.join(format!("{name}.key.pem")),
        dir.join(format!("{name}.pub.pem")),
    )
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_vec_pretty(value).expect("ser")).expect("write");
}

#[test]
fn keygen_sign_verify_round_trip_with_two_signers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys_dir = dir.path().join("keys");
    let (alice_key, alice_pub) = keygen(&keys_dir, "alice");
    let (bob_key, _) = keygen(&keys_dir, "bob");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&alice_key)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "private key must be 0600");
    }
    // keygen never overwrites a key.
    let again = konform(&[&"keygen", &"--out", &keys_dir, &"--name", &"alice"]);
    assert_eq!(again.status.code(), Some(2));

    let report = fresh_report(dir.path());
    let o = konform(&[&"report", &"sign", &report, &"--key", &alice_key]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = konform(&[&"report", &"verify", &report, &"--key", &alice_pub]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("ok   schema"), "{out}");
    assert!(out.contains("ok   seal: sha256:"), "{out}");
    assert!(out.contains("ok   signature 1: alice (key "), "{out}");

    // A second signer; both verify against the key folder.
    let o = konform(&[
        &"report",
        &"sign",
        &report,
        &"--key",
        &bob_key,
        &"--signer",
        &"Bob B.",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let sealed = read_json(&report);
    assert_eq!(sealed["signatures"].as_array().map(Vec::len), Some(2));
    let o = konform(&[
        &"report",
        &"verify",
        &report,
        &"--keys",
        &keys_dir,
        &"--suite",
        &repo_path("suites/meldewesen/1.0.0"),
        &"--rejudge",
        &"--redaction-key",
        &fresh_run().1,
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("personal data revealed with the redaction key"),
        "{out}"
    );
    // Shown under the trusted key's name, not the name the header claims.
    assert!(out.contains("ok   signature 2: bob (key "), "{out}");
    assert!(!out.contains("Bob B."), "{out}");
    assert!(
        out.contains("ok   suite: meldewesen@1.0.0 digest sha256:"),
        "{out}"
    );
    assert!(out.contains("cases re-judged from the evidence"), "{out}");

    // The sealed file still reads as a model report once the envelope is dropped.
    let members = seal::report_members(&sealed).expect("object");
    let _: Report = serde_json::from_value(Value::Object(members)).expect("model report");
}

#[test]
fn wrong_or_unknown_keys_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (alice_key, alice_pub) = keygen(dir.path(), "alice");
    let (bob_key, bob_pub) = keygen(dir.path(), "bob");
    let report = fresh_report(dir.path());
    let o = konform(&[&"report", &"sign", &report, &"--key", &alice_key]);
    assert_eq!(o.status.code(), Some(0));

    let o = konform(&[&"report", &"verify", &report, &"--key", &bob_pub]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("FAIL signature 1: key ") && out.contains("unknown key"),
        "{out}"
    );

    // Bob signs but claims Alice's key id: the signature does not verify.
    let mut file = read_json(&report);
    let payload = seal::canonical_report(&file).expect("canonical");
    let alice_kid = keys::key_id(&keys::read_public(&alice_pub).expect("pub"));
    let bob = keys::read_private(&bob_key).expect("bob");
    let forged = konform_seal::jws::sign(&payload, &bob, "alice", "2030-01-01T00:00:00Z");
    let header = konform_seal::jws::protected(&forged).expect("header");
    let text = serde_json::json!({
        "alg": "EdDSA", "kid": alice_kid, "signer": "alice", "signed_at": header.signed_at,
    })
    .to_string();
    use base64::Engine as _;
    let protected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    file["signatures"] =
        serde_json::json!([{ "protected": protected, "signature": forged["signature"] }]);
    write_json(&report, &file);
    let o = konform(&[&"report", &"verify", &report, &"--key", &alice_pub]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("does not match the report"), "{out}");
}

#[test]
fn edits_break_the_seal_and_bad_input_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (key, public) = keygen(dir.path(), "alice");
    let report = fresh_report(dir.path());

    // Unsigned: the seal is missing and there is no signature.
    let o = konform(&[&"report", &"verify", &report, &"--key", &public]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("FAIL seal: missing") && out.contains("FAIL signatures: none"),
        "{out}"
    );

    assert_eq!(
        konform(&[&"report", &"sign", &report, &"--key", &key])
            .status
            .code(),
        Some(0)
    );
    let mut file = read_json(&report);
    file["cases"][0]["duration_ms"] = Value::from(999_999u64);
    write_json(&report, &file);
    let o = konform(&[&"report", &"verify", &report, &"--key", &public]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("FAIL seal: recorded sha256:"), "{out}");
    assert!(out.contains("FAIL signature 1"), "{out}");
    // Signing refuses to paper over a change under existing signatures.
    let o = konform(&[&"report", &"sign", &report, &"--key", &key]);
    assert_eq!(o.status.code(), Some(2));

    // The report names another suite than the one given.
    let o = konform(&[
        &"report",
        &"verify",
        &report,
        &"--key",
        &public,
        &"--suite",
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probe/suites/probe/1.0.0"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("FAIL suite: the report names meldewesen@1.0.0"),
        "{}",
        stdout(&o)
    );

    let missing = dir.path().join("nope.json");
    assert_eq!(
        konform(&[&"report", &"verify", &missing, &"--key", &public])
            .status
            .code(),
        Some(2)
    );
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, b"{not json").expect("write");
    assert_eq!(
        konform(&[&"report", &"verify", &garbage, &"--key", &public])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        konform(&[&"report", &"verify", &report, &"--key", &garbage])
            .status
            .code(),
        Some(2),
        "an unreadable key is bad input"
    );
}

fn probe_suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probe/suites/probe/1.0.0")
}

/// Runs the probe suite against the misbehaving server: a real report with
/// passes, fails and errors.
async fn failing_report(dir: &Path) -> PathBuf {
    let server = support::misbehaving::start().await;
    let target = dir.join("target.yaml");
    std::fs::write(
        &target,
        format!(
            "identity:\n  operator: Testland\n  vendor: Probe GmbH\n  product: Misbehaving\n  version: \"0.0.1\"\nbase_url: {}\nclasses: [core]\n",
            server.base_url()
        ),
    )
    .expect("target");
    let out = dir.join("out");
    let suite = probe_suite();
    let o = tokio::task::spawn_blocking(move || {
        konform(&[
            &"run",
            &suite,
            &"--target",
            &target,
            &"--out",
            &out,
            &"--quiet",
        ])
    })
    .await
    .expect("join");
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    dir.join("out/probe@1.0.0.json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejudge_agrees_with_a_real_failing_run_and_catches_a_forged_verdict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = failing_report(dir.path()).await;
    let keys_dir = dir.path().join("keys");
    let (alice_key, _) = keygen(&keys_dir, "alice");
    let (mallory_key, _) = keygen(&keys_dir, "mallory");
    let suite = probe_suite();

    // The honest report re-judges to the same verdicts.
    assert_eq!(
        konform(&[&"report", &"sign", &report, &"--key", &alice_key])
            .status
            .code(),
        Some(0)
    );
    let o = konform(&[
        &"report",
        &"verify",
        &report,
        &"--keys",
        &keys_dir,
        &"--suite",
        &suite,
        &"--rejudge",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("not re-judgeable"),
        "a timed-out step has no response: {out}"
    );

    // Mallory turns every failing case into a pass, judges the rest
    // consistently, drops the envelope and signs with her own key.
    let file = read_json(&report);
    let members = seal::report_members(&file).expect("object");
    let mut forged: Report = serde_json::from_value(Value::Object(members)).expect("report");
    for c in &mut forged.cases {
        if c.verdict != Verdict::Skip {
            c.verdict = Verdict::Pass;
            c.reason = None;
            c.error_kind = None;
            c.failed_requirements.clear();
            c.unverified_requirements.clear();
        }
    }
    let loaded = konform_suite::load_path(&suite).expect("probe suite");
    support::forge::judge_again(&mut forged, &loaded.manifest);
    assert_eq!(
        forged.verdict.exit_code(),
        0,
        "the forgery claims conformance"
    );
    write_json(&report, &serde_json::to_value(&forged).expect("value"));
    assert_eq!(
        konform(&[&"report", &"sign", &report, &"--key", &mallory_key])
            .status
            .code(),
        Some(0)
    );

    // Seal and signature are fine (Mallory's key is known) ...
    let o = konform(&[
        &"report", &"verify", &report, &"--keys", &keys_dir, &"--suite", &suite,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // ... but the evidence contradicts the verdicts.
    let o = konform(&[
        &"report",
        &"verify",
        &report,
        &"--keys",
        &keys_dir,
        &"--suite",
        &suite,
        &"--rejudge",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(
            "FAIL rejudge: case probe.wrong-status: recorded pass, but the evidence says fail"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "FAIL rejudge: case probe.slow: recorded pass, but the evidence cannot show it"
        ),
        "{out}"
    );
    assert!(
        out.contains("FAIL rejudge: overall verdict: recorded Conformant, re-judged NotConformant"),
        "{out}"
    );
}

#[test]
fn rejudge_catches_edited_evidence_and_a_lone_edited_verdict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (key, public) = keygen(dir.path(), "mallory");
    let report = fresh_report(dir.path());
    let mut file = read_json(&report);
    // Evidence says 500 where the case recorded pass; the case verdict stays.
    let case = file["cases"]
        .as_array_mut()
        .and_then(|c| {
            c.iter_mut()
                .find(|c| c["verdict"] == "pass" && c["steps"].is_array())
        })
        .expect("a passing case with steps");
    let id = case["id"].as_str().unwrap_or_default().to_string();
    case["steps"][0]["response"]["status"] = Value::from(500);
    // And a lone edit of a requirement verdict.
    file["requirements"][0]["verdict"] = Value::from("fail");
    write_json(&report, &file);
    assert_eq!(
        konform(&[&"report", &"sign", &report, &"--key", &key])
            .status
            .code(),
        Some(0)
    );
    let o = konform(&[
        &"report",
        &"verify",
        &report,
        &"--key",
        &public,
        &"--suite",
        &repo_path("suites/meldewesen/1.0.0"),
        &"--rejudge",
    ]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "FAIL rejudge: case {id}: recorded pass, but the evidence says fail"
        )),
        "{out}"
    );
    assert!(out.contains("FAIL rejudge: requirement "), "{out}");
}

/// A signed report and the key ring that verifies it (for the property test).
fn signed_value() -> &'static (Value, Vec<u8>, KeyRing) {
    static SIGNED: OnceLock<(Value, Vec<u8>, KeyRing)> = OnceLock::new();
    SIGNED.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut file = read_json(&fresh_report(dir.path()));
        // Keep the property test quick: a few cases are enough evidence.
        if let Some(cases) = file["cases"].as_array_mut() {
            cases.truncate(4);
        }
        let key = keys::generate().expect("key");
        konform_seal::sign_file(&mut file, &key, "prop", "2030-01-01T00:00:00Z").expect("sign");
        let mut ring = KeyRing::new();
        ring.add(key.verifying_key());
        let bytes = serde_json::to_vec_pretty(&file).expect("ser");
        (file, bytes, ring)
    })
}

fn verifies(file: &Value, ring: &KeyRing) -> bool {
    konform_seal::verify_file(file, ring).is_ok_and(|v| v.passed())
}

/// Every scalar leaf of a JSON value, as a JSON pointer.
fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| {
            leaves(
                v,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| leaves(v, format!("{at}/{i}"), out)),
        _ => out.push(at),
    }
}

fn edited(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(format!("{s}x")),
        Value::Number(n) => Value::from(n.as_f64().unwrap_or(0.0) + 1.0),
        Value::Bool(b) => Value::Bool(!b),
        Value::Null => Value::from(0),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_single_byte_flip_is_caught(pos in any::<prop::sample::Index>(), mask in 1u8..=255) {
        let (original, bytes, ring) = signed_value();
        prop_assert!(verifies(original, ring));
        let mut bytes = bytes.clone();
        let i = pos.index(bytes.len());
        bytes[i] ^= mask;
        if let Ok(changed) = serde_json::from_slice::<Value>(&bytes) {
            // A flip that leaves the same JSON value (e.g. one whitespace
            // for another) changes nothing to catch; every other must fail.
            if changed != *original {
                prop_assert!(!verifies(&changed, ring), "byte {} ^ {:#04x} went unnoticed", i, mask);
            }
        }
    }

    #[test]
    fn any_single_value_edit_is_caught(pick in any::<prop::sample::Index>()) {
        let (original, _, ring) = signed_value();
        let mut paths = Vec::new();
        leaves(original, String::new(), &mut paths);
        let path = &paths[pick.index(paths.len())];
        let mut changed = original.clone();
        if let Some(slot) = changed.pointer_mut(path) {
            *slot = edited(slot);
        }
        prop_assert!(changed != *original);
        prop_assert!(!verifies(&changed, ring), "edit at {} went unnoticed", path);
    }
}

#[test]
fn case_results_keep_their_shape() {
    // The property test edits leaves of real case results; make sure there are some.
    let (file, _, _) = signed_value();
    let cases: Vec<CaseResult> = serde_json::from_value(file["cases"].clone()).expect("cases");
    assert!(!cases.is_empty() && cases.iter().any(|c| !c.steps.is_empty()));
}

/// A signature vouches for a report: `{}`, or a report with a required
/// member removed, is refused (exit 2) and the file is left as it was.
#[test]
fn only_reports_are_signed() {
    let dir = tempfile::tempdir().unwrap();
    let (key, _) = keygen(dir.path(), "pruefstelle");
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "{}").unwrap();
    let out = konform(&[&"report", &"sign", &empty, &"--key", &key]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a konform report"));
    assert_eq!(std::fs::read_to_string(&empty).unwrap(), "{}");

    let report = fresh_report(dir.path());
    let mut value = read_json(&report);
    value.as_object_mut().unwrap().remove("verdict");
    write_json(&report, &value);
    let before = std::fs::read(&report).unwrap();
    let out = konform(&[&"report", &"sign", &report, &"--key", &key]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&report).unwrap(), before, "nothing signed");
}
