//! `konform suite mutants` and `konform reference faults`, end to end with the
//! real binary: the bundled Meldewesen suite must catch every fault of its
//! reference (kill score 1.0, exit 0), every MUST of the suite must be broken
//! by at least one fault, and a thin suite must leave faults surviving (exit 1,
//! survivors named).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use konform_model::suite::Level;
use serde_json::Value;

fn konform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn konform")
}

fn thin_suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mutants/suites/meldewesen-mini/1.0.0")
}

fn read_json(path: &Path, output: &Output) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{} missing ({e}); stdout: {}; stderr: {}",
            path.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    serde_json::from_str(&text).expect("the mutants result is JSON")
}

/// The acceptance test of attribution: with a single fault switched on,
/// exactly the requirements the fault declares fail, for every fault of
/// every reference against the newest bundled suite of its interface.
#[test]
fn every_fault_of_every_reference_fails_exactly_its_requirements() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, interface) in [
        ("meldewesen", "1.0"),
        ("elterngeld", "1.0"),
        ("kfz-zulassung", "1.0"),
        ("oparl", "1.1"),
    ] {
        let out = dir.path().join(format!("{name}.mutants.json"));
        let output = konform(&[
            "suite",
            "mutants",
            name,
            "--exact",
            "--out",
            out.to_str().expect("utf-8 path"),
        ]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}: stdout: {stdout}\nstderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("surviving faults: none"), "{stdout}");

        let result = read_json(&out, &output);
        assert_eq!(result["clean"]["verdict"], "conformant", "{name}");
        assert_eq!(result["kill_score"].as_f64(), Some(1.0), "{result:#}");
        let faults = result["faults"].as_array().expect("faults array");
        assert_eq!(
            faults.len(),
            konform_reference::faults(name, interface).len(),
            "{name}: every fault of the reference is run"
        );
        assert_eq!(result["exact"], result["total"], "{name}");
        for f in faults {
            let mut failed: Vec<&str> = f["failed_requirements"]
                .as_array()
                .expect("failed_requirements")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let mut declared: Vec<&str> = f["requirements"]
                .as_array()
                .expect("requirements")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            failed.sort_unstable();
            declared.sort_unstable();
            assert_eq!(failed, declared, "{name}: {f:#}");
            assert_eq!(f["caught_by_requirement"], true, "{f:#}");
        }

        // Every MUST of the suite is broken by at least one fault.
        let suite = konform_suite::load_spec(name).expect("bundled suite loads");
        let musts: BTreeSet<&str> = suite
            .manifest
            .requirements
            .iter()
            .filter(|r| r.level == Level::Must)
            .map(|r| r.id.as_str())
            .collect();
        let broken: BTreeSet<&str> = faults
            .iter()
            .flat_map(|f| f["requirements"].as_array().expect("requirements").iter())
            .filter_map(Value::as_str)
            .collect();
        let unbroken: Vec<_> = musts.difference(&broken).collect();
        assert!(
            unbroken.is_empty(),
            "{name}: MUSTs without a fault: {unbroken:?}"
        );
    }
}

/// `konform suite mutants` on the thin fixture suite with `extra`
/// arguments; its output and JSON result.
fn mutants_of_thin_suite(extra: &[&str]) -> (Output, Value) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("mini.mutants.json");
    let suite = thin_suite();
    let mut args = vec!["suite", "mutants", suite.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    args.extend(["--out", out.to_str().expect("utf-8 path")]);
    let output = konform(&args);
    let result = read_json(&out, &output);
    (output, result)
}

#[test]
fn thin_suite_leaves_faults_surviving() {
    let (output, result) = mutants_of_thin_suite(&["--jobs", "2"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "stdout: {stdout}");
    assert!(stdout.contains("surviving faults: "), "{stdout}");
    // Nothing in the thin suite looks at the Auskunft or at ETags.
    for name in ["sperre-distinguishable", "stale-etag-accepted"] {
        assert!(stdout.contains(name), "{name} not reported: {stdout}");
    }

    let surviving: Vec<&str> = result["surviving"]
        .as_array()
        .expect("surviving array")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        surviving.contains(&"sperre-distinguishable"),
        "{surviving:?}"
    );
    assert!(surviving.contains(&"auskunft-leaks-geburtsdatum"));
    // The two faults its cases do look at are caught.
    let caught: Vec<&str> = result["faults"]
        .as_array()
        .expect("faults array")
        .iter()
        .filter(|f| f["caught"] == true)
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(
        caught.contains(&"service-description-wrong-version"),
        "{caught:?}"
    );
    assert!(caught.contains(&"unknown-path-200"), "{caught:?}");
    let score = result["kill_score"].as_f64().expect("kill score");
    assert!(score > 0.0 && score < 0.5, "{score}");
}

#[test]
fn unknown_suite_is_bad_input() {
    let output = konform(&["suite", "mutants", "gibt-es-nicht"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn reference_faults_lists_faults_with_requirements() {
    let output = konform(&["reference", "faults", "meldewesen@1.0"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("auskunft-leaks-geburtsdatum "))
        .unwrap_or_else(|| panic!("fault not listed: {stdout}"));
    assert!(line.contains("MW-AUS-002"), "{line}");
    assert!(line.contains("Geburtsdatum"), "{line}");
    let listed = stdout.lines().filter(|l| l.contains("  MW-")).count();
    assert_eq!(
        listed,
        konform_reference::faults("meldewesen", "1.0").len(),
        "{stdout}"
    );

    let unknown = konform(&["reference", "faults", "gibt-es-nicht@1.0"]);
    assert_eq!(unknown.status.code(), Some(2));
}

/// A released suite is measured against the faults of its time: every
/// 1.0.0 suite catches every fault that was in the catalogue when it was
/// released (kill score 1.0, exit 0), the faults added for 1.1.0 are named
/// as not counted, and a fault that breaks only a requirement an erratum
/// withdrew is not counted either.
#[test]
fn released_suites_catch_every_fault_of_their_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["meldewesen", "elterngeld", "kfz-zulassung"] {
        let out = dir.path().join(format!("{name}.mutants.json"));
        let spec = format!("{name}@1.0.0");
        let output = konform(&[
            "suite",
            "mutants",
            &spec,
            "--out",
            out.to_str().expect("utf-8 path"),
        ]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{spec}: {stdout}");
        let result = read_json(&out, &output);
        assert_eq!(result["clean"]["verdict"], "conformant", "{spec}");
        assert_eq!(result["kill_score"].as_f64(), Some(1.0), "{result:#}");

        let catalogue = konform_reference::faults(name, "1.0");
        let names = |key: &str| -> BTreeSet<String> {
            result[key]
                .as_array()
                .unwrap_or_else(|| panic!("{key} array"))
                .iter()
                .map(|v| v.as_str().expect("fault name").to_string())
                .collect()
        };
        let later = names("later_faults");
        let expected_later: BTreeSet<String> = catalogue
            .iter()
            .filter(|f| f.since != "1.0.0")
            .map(|f| f.name.to_string())
            .collect();
        assert!(!later.is_empty(), "{spec}: the catalogue grew with 1.1.0");
        assert_eq!(later, expected_later, "{spec}");
        let withdrawn = names("withdrawn_faults");
        let expected_withdrawn: BTreeSet<String> = if name == "elterngeld" {
            ["einkommensgrenze-ignored".to_string()].into()
        } else {
            BTreeSet::new()
        };
        assert_eq!(withdrawn, expected_withdrawn, "{spec}");
        assert_eq!(
            result["total"].as_u64(),
            Some((catalogue.len() - later.len() - withdrawn.len()) as u64),
            "{spec}"
        );
    }
}

/// `--all-faults` measures a released suite against the whole catalogue.
#[test]
fn all_faults_counts_the_later_ones_too() {
    let (output, result) = mutants_of_thin_suite(&["--all-faults"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        result["total"].as_u64(),
        Some(konform_reference::faults("meldewesen", "1.0").len() as u64)
    );
    assert_eq!(result["later_faults"], serde_json::json!([]));
}
