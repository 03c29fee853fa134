//! Errata of released suites, end to end with the real binary against the
//! embedded Meldewesen reference: an erratum in `ERRATA.yaml` beside the
//! version folders withdraws a requirement (verdict `withdrawn`, its case
//! skipped with the erratum's reason, the class still conformant) without
//! changing the suite's digest; one that names an id the version does not
//! have is a lint error at its file:line:col; one for another version does
//! nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn konform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn konform")
}

/// A copy of the thin fixture suite as `<tmp>/suites/meldewesen-mini/1.0.0`,
/// with `errata` (if any) as the family's `ERRATA.yaml`.
fn family(tmp: &Path, errata: Option<&str>) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mutants/suites/meldewesen-mini/1.0.0");
    let dir = tmp.join("suites/meldewesen-mini/1.0.0");
    std::fs::create_dir_all(dir.join("cases")).expect("create suite folder");
    for file in ["suite.yaml", "cases/querschnitt.yaml"] {
        std::fs::copy(source.join(file), dir.join(file)).expect("copy fixture");
    }
    if let Some(text) = errata {
        std::fs::write(tmp.join("suites/meldewesen-mini/ERRATA.yaml"), text).expect("write errata");
    }
    dir
}

/// Runs the suite in `dir` against the embedded reference; the report.
fn run(dir: &Path, out: &Path) -> Value {
    let output = konform(&[
        "run",
        dir.to_str().expect("utf-8 path"),
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(out.join("meldewesen-mini@1.0.0.json")).expect("report");
    serde_json::from_str(&text).expect("report is JSON")
}

fn requirement<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in the report"))
}

fn case<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in the report"))
}

const WITHDRAW_MINI_002: &str = r#"errata:
  - version: 1.0.0
    date: "2026-12-01"
    requirements: [MINI-002]
    reason: The contract answers unknown paths with 405 for some methods.
    source: Meldewesen 1.0 OpenAPI, components/responses/NotFound
    fixed_in: 1.1.0
"#;

#[test]
fn an_erratum_withdraws_a_requirement_without_changing_the_digest() {
    let plain = tempfile::tempdir().expect("temp dir");
    let before = run(&family(plain.path(), None), &plain.path().join("out"));
    assert_eq!(requirement(&before, "MINI-002")["verdict"], "pass");

    let tmp = tempfile::tempdir().expect("temp dir");
    let report = run(
        &family(tmp.path(), Some(WITHDRAW_MINI_002)),
        &tmp.path().join("out"),
    );
    assert_eq!(requirement(&report, "MINI-002")["verdict"], "withdrawn");
    assert_eq!(requirement(&report, "MINI-001")["verdict"], "pass");
    let withdrawn = case(&report, "mini.unknown-path-404");
    assert_eq!(withdrawn["verdict"], "skip");
    let reason = withdrawn["reason"].as_str().expect("skip reason");
    assert!(
        reason.starts_with("withdrawn by the erratum of 2026-12-01: The contract answers")
            && reason.contains("(Meldewesen 1.0 OpenAPI, components/responses/NotFound)")
            && reason.ends_with("tested correctly in 1.1.0"),
        "{reason}"
    );
    assert_eq!(report["classes"][0]["verdict"], "conformant");
    assert_eq!(report["verdict"], "conformant");
    // The errata file is outside the released folder and its digest.
    assert_eq!(report["suite"]["digest"], before["suite"]["digest"]);
}

#[test]
fn an_erratum_for_another_version_changes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let errata = WITHDRAW_MINI_002.replace("version: 1.0.0", "version: 1.0.1");
    let report = run(&family(tmp.path(), Some(&errata)), &tmp.path().join("out"));
    assert_eq!(requirement(&report, "MINI-002")["verdict"], "pass");
    assert_eq!(case(&report, "mini.unknown-path-404")["verdict"], "pass");
}

#[test]
fn an_erratum_naming_an_unknown_id_is_a_lint_error_at_its_position() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let errata = WITHDRAW_MINI_002.replace("[MINI-002]", "[MINI-002, MINI-404]");
    let dir = family(tmp.path(), Some(&errata));
    let output = konform(&["suite", "lint", dir.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("konform::unknown-erratum-target"), "{text}");
    assert!(
        text.contains("requirement `MINI-404`, which suite version 1.0.0 does not have"),
        "{text}"
    );
    assert!(text.contains("meldewesen-mini/ERRATA.yaml:4:30"), "{text}");
}

#[test]
fn an_erratum_that_breaks_its_schema_is_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let errata = WITHDRAW_MINI_002.replace(
        "    source: Meldewesen 1.0 OpenAPI, components/responses/NotFound\n",
        "",
    );
    let dir = family(tmp.path(), Some(&errata));
    let output = konform(&["suite", "lint", dir.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("ERRATA.yaml"), "{text}");
    assert!(text.contains("source"), "{text}");
}
