//! `konform suite coverage`, end to end with the real binary: a gap (a
//! documented status no case expects, a rule no case asserts) exits 1 and
//! names it; a waiver with a reason closes it; a stale waiver is a gap too;
//! and every bundled suite (its current version) has no gap.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn konform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn konform")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A copy of the suite crate's probe fixture (suite and schemas) to edit.
fn fixture_copy() -> (tempfile::TempDir, PathBuf) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../suite/tests/fixtures/probes");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&from, dir.path());
    let suite = dir.path().join("suites/demo/1.0.0");
    (dir, suite)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn append_to_manifest(suite: &Path, text: &str) {
    let path = suite.join("suite.yaml");
    let mut manifest = std::fs::read_to_string(&path).unwrap();
    manifest.push_str(text);
    std::fs::write(&path, manifest).unwrap();
}

#[test]
fn gaps_fail_waivers_with_a_reason_close_them_and_stale_waivers_fail() {
    let (_dir, suite) = fixture_copy();
    let path = suite.to_str().unwrap();

    let out = konform(&["suite", "coverage", path]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    insta::assert_snapshot!("coverage_of_the_probe_fixture", text);

    append_to_manifest(
        &suite,
        "coverage:\n  not_covered:\n    - { operation: getPerson, reason: reading is not part of this demo }\n",
    );
    let out = konform(&["suite", "coverage", path]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("no gaps"), "{text}");
    assert!(
        text.contains("(waived: reading is not part of this demo)"),
        "{text}"
    );

    append_to_manifest(&suite, "    - { rule: LENGTH, reason: no longer true }\n");
    let out = konform(&["suite", "coverage", path]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("coverage.not_covered names rule LENGTH, which is covered"),
        "{text}"
    );
}

#[test]
fn coverage_as_json_lists_statuses_probes_and_rules() {
    let (_dir, suite) = fixture_copy();
    let out = konform(&["suite", "coverage", suite.to_str().unwrap(), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let create = &json["operations"][0];
    assert_eq!(create["operation"], "createPerson");
    assert_eq!(create["probes"], serde_json::json!(["person.probe"]));
    let statuses: Vec<(&str, usize)> = create["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap(),
                r["cases"].as_array().unwrap().len(),
            )
        })
        .collect();
    // 201: the hand-written case and 4 boundaries; 401: the convention; 422: 24 rejections.
    assert_eq!(statuses, [("201", 5), ("401", 1), ("422", 24)]);
    let plz = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "PLZ_FORMAT")
        .unwrap();
    assert_eq!(plz["cases"].as_array().unwrap().len(), 2);
}

#[test]
fn every_bundled_suite_leaves_no_gap() {
    let out = konform(&["list", "suites"]);
    let list = stdout(&out);
    let suites: Vec<&str> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(suites.len(), 4, "{list}");
    for suite in suites {
        let out = konform(&["suite", "coverage", suite]);
        assert_eq!(out.status.code(), Some(0), "{suite}:\n{}", stdout(&out));
    }
}
