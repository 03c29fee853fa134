//! Reports fit for publication: the attacks on `konform matrix`,
//! `konform report verify` and `konform report render`, end to end through
//! the real binary with real runs, real keys and real signatures.
//!
//! - A certifier signs a "not conformant" report of a faulty target; an
//!   unsigned forgery dated 2099 and one signed by an unknown key claim
//!   "conformant" for the same target; the certifier also signs runs of the
//!   same target limited by `--class` and `--shard` that are newer. The cell
//!   stays "not conformant", decided by the certifier's whole report; the
//!   others are listed, marked, and never decide. A verified partial run on
//!   its own makes a cell `partial`, never a verdict.
//! - Files that are not JSON, cannot be read, or repeat a member are listed
//!   as invalid instead of dropping out.
//! - A signed report with a second `"verdict"` placed before the signed one
//!   fails `verify` (and the matrix) with a clear message.
//! - Numbers in non-canonical form (`1.0`, `1e3`, `-0`) are read by their
//!   RFC 8785 canonical value, by `verify` and the matrix alike.
//! - A signature whose header names "Bundesamt", made with the key published
//!   as `certifier`, is shown as `certifier` everywhere.
//! - `report render` renders signed reports with their signature status.
//! - A signature header whose `kid` carries escape sequences, a bidi
//!   override and a line break before `::error` is printed by `verify` only
//!   as visible escapes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use konform_reference::{FULL_TOKEN, LIMITED_TOKEN, ServeOptions};
use serde_json::Value;

const FAULT: &str = "auskunft-leaks-geburtsdatum";
const SUITE: &str = "meldewesen@1.1.0";

fn konform(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_konform"));
    for a in args {
        cmd.arg(a);
    }
    cmd.env("NO_COLOR", "1")
        .env("TRUST_TOKEN", FULL_TOKEN)
        .env("TRUST_LIMITED", LIMITED_TOKEN)
        .output()
        .expect("spawn konform")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(o), stderr(o));
}

fn keygen(dir: &Path, name: &str) -> PathBuf {
    ok(&konform(&[&"keygen", &"--out", &dir, &"--name", &name]));
    dir.join(format!("{name}.key.pem"))
}

fn sign(report: &Path, key: &Path, signer: Option<&str>) {
    let o = match signer {
        Some(s) => konform(&[&"report", &"sign", &report, &"--key", &key, &"--signer", &s]),
        None => konform(&[&"report", &"sign", &report, &"--key", &key]),
    };
    ok(&o);
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
}

fn write_json(path: &Path, value: &Value) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, serde_json::to_vec_pretty(value).expect("ser")).expect("write");
}

/// The report without its seal and signatures.
fn bare(value: &Value) -> Value {
    let mut v = value.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("seal");
        m.remove("signatures");
    }
    v
}

/// Runs `SUITE` against `base_url` (the same identity every time) with
/// `extra` arguments; returns the report file.
async fn run_against(base_url: &str, dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let target = dir.join("target.yaml");
    std::fs::write(
        &target,
        format!(
            "identity:\n  operator: Freistaat Testland\n  vendor: Beispiel GmbH\n  product: Melderegister\n  version: \"7.1\"\n\
             base_url: {base_url}\nauth: {{ kind: bearer, token_env: TRUST_TOKEN }}\n\
             auth_profiles:\n  limited: {{ kind: bearer, token_env: TRUST_LIMITED }}\n"
        ),
    )
    .expect("target file");
    let out = dir.join("runs").join(name);
    let mut args: Vec<String> = vec![
        "run".into(),
        SUITE.into(),
        "--quiet".into(),
        "--target".into(),
        target.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let o = tokio::task::spawn_blocking(move || {
        let refs: Vec<&dyn AsRef<std::ffi::OsStr>> = args
            .iter()
            .map(|a| a as &dyn AsRef<std::ffi::OsStr>)
            .collect();
        konform(&refs)
    })
    .await
    .expect("join");
    assert!(
        matches!(o.status.code(), Some(0 | 1 | 3)),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    out.join(format!("{SUITE}.json"))
}

fn matrix(dir: &Path, keys: &Path, out: &Path) -> Value {
    let html = out.join("matrix.html");
    let json = out.join("matrix.json");
    ok(&konform(&[
        &"matrix", &dir, &"-o", &html, &"--json", &json, &"--keys", &keys,
    ]));
    read_json(&json)
}

fn row<'a>(matrix: &'a Value, file: &str) -> &'a Value {
    matrix["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["file"] == file)
        .unwrap_or_else(|| panic!("no row for {file}: {matrix:#}"))
}

fn only_cell(matrix: &Value) -> &Value {
    let cells = matrix["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 1, "{matrix:#}");
    &cells[0]
}

/// Makes the report at `from` claim "conformant" everywhere, dated 2099.
fn forged(from: &Value) -> Value {
    let mut v = bare(from);
    v["verdict"] = Value::from("conformant");
    for class in v["classes"].as_array_mut().expect("classes") {
        if class["verdict"] == "not_conformant" {
            class["verdict"] = Value::from("conformant");
            class.as_object_mut().expect("class").remove("failed");
        }
    }
    v["run"]["started_at"] = Value::from("2099-01-01T00:00:00Z");
    v["run"]["finished_at"] = Value::from("2099-01-01T00:10:00Z");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgeries_and_partial_runs_never_decide_a_cell() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let trusted = d.join("trusted-keys");
    let certifier = keygen(&trusted, "certifier");
    let mallory = keygen(&d.join("mallory-keys"), "mallory");

    let faulty = konform_reference::serve(
        "meldewesen",
        "1.0",
        ServeOptions {
            faults: vec![FAULT.into()],
            ..ServeOptions::default()
        },
    )
    .await
    .expect("faulty reference");
    let certified = run_against(&faulty.base_url, d, "certified", &[]).await;
    let class_only = run_against(&faulty.base_url, d, "class", &["--class", "anmeldung"]).await;
    let shard = run_against(&faulty.base_url, d, "shard", &["--shard", "1/2"]).await;
    let certified_value = read_json(&certified);
    assert_eq!(certified_value["verdict"], "not_conformant");
    assert_eq!(
        read_json(&class_only)["verdict"],
        "conformant",
        "a run limited to a class the fault does not touch claims conformant"
    );

    let registry = d.join("registry");
    let place = |from: &Path, name: &str| {
        let to = registry.join(name);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(from, &to).expect("copy");
        to
    };
    let certified = place(&certified, "certifier/not-conformant.json");
    sign(&certified, &certifier, None);
    let class_only = place(&class_only, "certifier/class-only.json");
    sign(&class_only, &certifier, None);
    let shard = place(&shard, "certifier/shard.json");
    sign(&shard, &certifier, None);
    // The forgeries: unsigned, and signed by a key nobody trusts.
    write_json(
        &registry.join("forged/unsigned-2099.json"),
        &forged(&certified_value),
    );
    let by_mallory = registry.join("forged/mallory-2099.json");
    write_json(&by_mallory, &forged(&certified_value));
    sign(&by_mallory, &mallory, Some("certifier"));
    // Files that are not reports must not drop out silently.
    std::fs::write(registry.join("notes.json"), "<html>not json</html>").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("nowhere.json"), registry.join("gone.json"))
        .expect("symlink");
    // A link back to the folder itself is not followed (no endless walk).
    #[cfg(unix)]
    std::os::unix::fs::symlink(&registry, registry.join("certifier/loop")).expect("symlink");

    let m = matrix(&registry, &trusted, d);
    // Every file once: 3 by the certifier, 2 forged, 2 that are not reports.
    assert_eq!(
        m["rows"].as_array().expect("rows").len(),
        if cfg!(unix) { 7 } else { 6 },
        "{m:#}"
    );
    let cell = only_cell(&m);
    assert_eq!(cell["shows"], "not_conformant", "{m:#}");
    assert_eq!(cell["decided_by"], "certifier/not-conformant.json");
    let decides = row(&m, "certifier/not-conformant.json");
    assert_eq!(decides["status"], "verified");
    assert_eq!(decides["decides"], true);
    assert_eq!(decides["signers"], serde_json::json!(["certifier"]));

    let unsigned = row(&m, "forged/unsigned-2099.json");
    assert_eq!(unsigned["status"], "unsigned");
    assert_eq!(unsigned["decides"], false);
    assert!(
        unsigned["problems"].to_string().contains("not signed"),
        "{unsigned:#}"
    );
    let untrusted = row(&m, "forged/mallory-2099.json");
    assert_eq!(untrusted["status"], "untrusted");
    assert_eq!(untrusted["decides"], false);
    assert_eq!(untrusted["signers"], serde_json::json!([]));
    assert!(
        untrusted["problems"].to_string().contains("unknown key"),
        "{untrusted:#}"
    );
    for partial in ["certifier/class-only.json", "certifier/shard.json"] {
        let r = row(&m, partial);
        assert_eq!(r["status"], "verified", "{r:#}");
        assert_eq!(r["decides"], false, "{r:#}");
        assert!(
            !r["partial"].as_array().expect("partial").is_empty(),
            "{r:#}"
        );
    }
    assert!(
        row(&m, "certifier/class-only.json")["partial"]
            .to_string()
            .contains("--class")
    );
    assert!(
        row(&m, "certifier/shard.json")["partial"]
            .to_string()
            .contains("shard 1/2")
    );
    let notes = row(&m, "notes.json");
    assert_eq!(notes["status"], "invalid");
    assert!(notes["problems"].to_string().contains("not valid JSON"));
    #[cfg(unix)]
    {
        let gone = row(&m, "gone.json");
        assert_eq!(gone["status"], "invalid");
        assert!(gone["problems"].to_string().contains("cannot read"));
    }

    // The page as a person sees it: the cell is red, the forgeries are
    // claims, and the invalid files are listed.
    let page = support::chromium::render_in_chromium(&d.join("matrix.html"));
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    let dom = &page.dom;
    assert!(
        dom.contains("<td class=\"not-conformant\"><div class=\"shows\">Not conformant</div>"),
        "{dom}"
    );
    assert!(!dom.contains("<td class=\"conformant\""), "{dom}");
    assert!(dom.contains("claims Conformant"), "{dom}");
    for shown in [
        ">untrusted<",
        ">unsigned<",
        ">verified<",
        ">partial<",
        ">invalid<",
    ] {
        assert!(dom.contains(shown), "{shown} not rendered: {dom}");
    }
    assert!(dom.contains("notes.json") && dom.contains("gone.json"));

    // Only partial runs verified: the cell is partial, never conformant.
    let partial_only = d.join("partial-only");
    std::fs::create_dir_all(&partial_only).expect("mkdir");
    std::fs::copy(&class_only, partial_only.join("class-only.json")).expect("copy");
    let out = d.join("partial-out");
    std::fs::create_dir_all(&out).expect("mkdir");
    let m = matrix(&partial_only, &trusted, &out);
    assert_eq!(only_cell(&m)["shows"], "partial", "{m:#}");
    assert!(only_cell(&m).get("decided_by").is_none());
    faulty.shutdown().await;
}

/// A signed meldewesen report of the embedded reference.
fn signed_report(dir: &Path, key: &Path, signer: Option<&str>) -> PathBuf {
    let out = dir.join("out");
    ok(&konform(&[
        &"run",
        &"meldewesen@1.0.0",
        &"--quiet",
        &"--out",
        &out,
    ]));
    let report = out.join("meldewesen@1.0.0.json");
    sign(&report, key, signer);
    report
}

/// Redacts what changes from run to run.
fn redacted<R>(f: impl FnOnce() -> R) -> R {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[digest]");
    settings.add_filter(r"key [0-9a-f]{16}", "key [kid]");
    settings.add_filter(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[time]");
    settings.add_filter(r"/tmp/[^ :]+/", "[dir]/");
    settings.add_filter(r"line \d+, column \d+", "line [l], column [c]");
    settings.bind(f)
}

#[test]
fn a_repeated_verdict_before_the_signed_one_fails_verification() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("keys");
    let key = keygen(&keys, "certifier");
    let report = signed_report(dir.path(), &key, None);
    let o = konform(&[&"report", &"verify", &report, &"--keys", &keys]);
    ok(&o);

    // A reader that keeps the first member sees "not_conformant"; serde_json
    // keeps the last, the signed one, and the seal still matches.
    let text = std::fs::read_to_string(&report).expect("read");
    let signed_verdict = read_json(&report)["verdict"].clone();
    assert_eq!(signed_verdict, "conformant");
    let doubled = text.replacen('{', "{\n  \"verdict\": \"not_conformant\",", 1);
    std::fs::write(&report, &doubled).expect("write");
    let lenient: Value = serde_json::from_str(&doubled).expect("serde_json reads it");
    assert!(
        konform_seal::verify_file(&lenient, &{
            let mut ring = konform_seal::KeyRing::new();
            ring.add_file(&keys.join("certifier.pub.pem")).expect("key");
            ring
        })
        .expect("verify")
        .passed(),
        "last-wins reading would accept the file"
    );

    let o = konform(&[&"report", &"verify", &report, &"--keys", &keys]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(
        out.contains("FAIL json: member \"verdict\" appears twice in the object at ``"),
        "{out}"
    );
    redacted(|| insta::assert_snapshot!("verify_repeated_member", out));

    // The matrix refuses it the same way, and signing refuses to bless it.
    let folder = dir.path().join("folder");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::copy(&report, folder.join("doubled.json")).expect("copy");
    let m = matrix(&folder, &keys, dir.path());
    let r = row(&m, "doubled.json");
    assert_eq!(r["status"], "invalid", "{m:#}");
    assert!(r["problems"].to_string().contains("appears twice"), "{r:#}");
    let o = konform(&[&"report", &"sign", &report, &"--key", &key]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("appears twice"), "{}", stderr(&o));
}

#[test]
fn non_canonical_numbers_are_read_by_their_canonical_value_everywhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("keys");
    let key = keygen(&keys, "certifier");
    let report = signed_report(dir.path(), &key, None);
    let value = read_json(&report);
    let duration = value["run"]["duration_ms"].as_u64().expect("duration");
    let jobs = value["run"]["jobs"].as_u64().expect("jobs");
    let fails = value["summary"]["fail"].as_u64().expect("fail count");
    assert_eq!(fails, 0);
    // Same numbers, other spellings: `1.0`, `1e2` and `-0` forms.
    let text = std::fs::read_to_string(&report).expect("read");
    let respelled = text
        .replacen(
            &format!("\"duration_ms\": {duration},"),
            &format!("\"duration_ms\": {duration}.0,"),
            1,
        )
        .replacen(
            &format!("\"jobs\": {jobs},"),
            &format!("\"jobs\": {jobs}e0,"),
            1,
        )
        .replacen("\"fail\": 0,", "\"fail\": -0,", 1);
    assert_ne!(respelled, text);
    assert!(respelled.contains(".0,") && respelled.contains("e0,") && respelled.contains("-0,"));
    std::fs::write(&report, respelled).expect("write");

    let o = konform(&[&"report", &"verify", &report, &"--keys", &keys]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("ok   seal: sha256:"), "{out}");

    let folder = dir.path().join("folder");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::copy(&report, folder.join("respelled.json")).expect("copy");
    let m = matrix(&folder, &keys, dir.path());
    let r = row(&m, "respelled.json");
    assert_eq!(r["status"], "verified", "verify and matrix agree: {m:#}");
    assert_eq!(only_cell(&m)["shows"], "conformant");

    // And render reads the same report.
    let o = konform(&[
        &"report", &"render", &report, &"--md", &"-", &"--keys", &keys,
    ]);
    ok(&o);
    assert!(
        stdout(&o).contains(&format!("({duration} ms)")),
        "{}",
        stdout(&o)
    );
}

#[test]
fn the_signer_shown_is_the_trusted_key_not_the_header() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("keys");
    let key = keygen(&keys, "certifier");
    let report = signed_report(dir.path(), &key, Some("Bundesamt"));
    assert_eq!(
        konform_seal::jws::protected(&read_json(&report)["signatures"][0])
            .expect("header")
            .signer
            .as_deref(),
        Some("Bundesamt"),
        "the header claims another name"
    );

    let o = konform(&[&"report", &"verify", &report, &"--keys", &keys]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("ok   signature 1: certifier (key "), "{out}");
    assert!(!out.contains("Bundesamt"), "{out}");
    redacted(|| insta::assert_snapshot!("verify_signer_from_key", out));

    let folder = dir.path().join("folder");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::copy(&report, folder.join("report.json")).expect("copy");
    let m = matrix(&folder, &keys, dir.path());
    assert_eq!(
        row(&m, "report.json")["signers"],
        serde_json::json!(["certifier"])
    );
    let html = std::fs::read_to_string(dir.path().join("matrix.html")).expect("html");
    assert!(html.contains("signed by certifier"), "{html}");
    assert!(!html.contains("Bundesamt"), "{html}");
}

#[test]
fn a_hostile_kid_is_printed_as_visible_escapes() {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("keys");
    let key = keygen(&keys, "certifier");
    let report = signed_report(dir.path(), &key, None);
    let mut value = read_json(&report);
    let entry = &mut value["signatures"][0];
    let protected = entry["protected"].as_str().expect("protected");
    let mut header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(protected).expect("base64url"))
            .expect("header");
    header["kid"] =
        "k\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[2J\u{202e}\n::error file=x::pwned\u{9b}".into();
    entry["protected"] = URL_SAFE_NO_PAD.encode(header.to_string()).into();
    write_json(&report, &value);

    let o = konform(&[&"report", &"verify", &report, &"--keys", &keys]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert_eq!(o.status.code(), Some(1), "{out}{err}");
    assert!(
        out.contains("FAIL signature 1: key k\\e]52;c;SGVsbG8=\\u{7}\\e[2J\\u{202e}\\n::error"),
        "{out}"
    );
    for text in [&out, &err] {
        assert!(
            !text.chars().any(|c| (c.is_control() && c != '\n')
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
            "raw control or bidi character: {text:?}"
        );
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("::")),
            "{text}"
        );
    }
}

#[test]
fn render_accepts_signed_reports_and_shows_their_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("keys");
    let key = keygen(&keys, "certifier");
    let report = signed_report(dir.path(), &key, Some("Bundesamt"));
    let html = dir.path().join("report.html");

    let o = konform(&[
        &"report", &"render", &report, &"--md", &"-", &"--html", &html, &"--keys", &keys,
    ]);
    ok(&o);
    let md = stdout(&o);
    assert!(
        md.contains("**Signature** verified: sealed and signed by certifier"),
        "{md}"
    );
    assert!(!md.contains("Bundesamt"), "{md}");
    let page = support::chromium::render_in_chromium(&html);
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    assert!(
        page.dom
            .contains("Signature verified: sealed and signed by certifier"),
        "{}",
        page.dom
    );
    assert!(page.dom.contains("id=\"signature-checks\""));

    // Without the key the signature cannot be trusted, and the page says so.
    let o = konform(&[&"report", &"render", &report, &"--md", &"-"]);
    ok(&o);
    assert!(
        stdout(&o).contains("**Signature** NOT verified (untrusted)"),
        "{}",
        stdout(&o)
    );
    // Edited after signing: rendered, and marked invalid.
    let mut edited = read_json(&report);
    edited["target"]["identity"]["product"] = Value::from("Edited");
    write_json(&report, &edited);
    let o = konform(&[
        &"report", &"render", &report, &"--junit", &"-", &"--keys", &keys,
    ]);
    ok(&o);
    assert!(
        stdout(&o).contains("name=\"signature\" value=\"NOT verified (invalid): seal: recorded"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_report_of_an_unknown_or_altered_suite_never_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = dir.path().join("keys");
    let key = keygen(&keys, "certifier");
    let report = signed_report(dir.path(), &key, None);
    let folder = dir.path().join("folder");
    std::fs::create_dir_all(&folder).expect("mkdir");
    // Signed by the certifier, but the digest is not the bundled suite's.
    let mut altered = bare(&read_json(&report));
    altered["suite"]["digest"] = Value::from(format!("sha256:{}", "0".repeat(64)));
    let altered_path = folder.join("altered.json");
    write_json(&altered_path, &altered);
    sign(&altered_path, &key, None);
    // A suite version konform does not know (its digest is no known one
    // either: a known digest under another version is a contradiction).
    let mut unknown = bare(&read_json(&report));
    unknown["suite"]["version"] = Value::from("9.9.9");
    unknown["suite"]["digest"] = Value::from(format!("sha256:{}", "1".repeat(64)));
    let unknown_path = folder.join("unknown.json");
    write_json(&unknown_path, &unknown);
    sign(&unknown_path, &key, None);

    // A known suite's digest under another version: a contradiction.
    let mut renamed = bare(&read_json(&report));
    renamed["suite"]["version"] = Value::from("9.9.9");
    let renamed_path = folder.join("renamed.json");
    write_json(&renamed_path, &renamed);
    sign(&renamed_path, &key, None);

    let o = konform(&[&"report", &"verify", &altered_path, &"--keys", &keys]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("FAIL suite: the report names digest sha256:0000"),
        "{}",
        stdout(&o)
    );
    let m = matrix(&folder, &keys, dir.path());
    assert_eq!(row(&m, "altered.json")["status"], "invalid", "{m:#}");
    assert_eq!(row(&m, "unknown.json")["status"], "untrusted", "{m:#}");
    assert_eq!(row(&m, "renamed.json")["status"], "invalid", "{m:#}");
    assert!(
        row(&m, "renamed.json")["problems"]
            .to_string()
            .contains("is the one of meldewesen@1.0.0"),
        "{m:#}"
    );
    assert!(
        row(&m, "unknown.json")["problems"]
            .to_string()
            .contains("not known here")
    );
    for cell in m["cells"].as_array().expect("cells") {
        assert_eq!(cell["shows"], "unverified", "{m:#}");
    }
}
