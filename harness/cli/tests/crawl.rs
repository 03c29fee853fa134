//! The crawl (`crawl:` in a case, schemas/konform/CRAWL.md), end to end with
//! the real binary against the embedded OParl 1.1 reference over HTTPS: the
//! fixture suite walks the whole server and finds it conformant, the report
//! states the coverage, and faults of the reference land on the crawl check
//! that is about them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod support;

fn konform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn konform")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crawl/suites/oparl-crawl/1.1.0")
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
    serde_json::from_str(&text).expect("JSON")
}

#[test]
fn a_crawl_walks_the_whole_reference_and_states_its_coverage() {
    let dir = tempfile::tempdir().expect("temp dir");
    let suite = fixture();
    let output = konform(&[
        "run",
        suite.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    let report = read_json(&dir.path().join("oparl-crawl@1.1.0.json"), &output);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert_eq!(report["verdict"], "conformant");
    let case = &report["cases"][0];
    assert_eq!(case["verdict"], "pass");
    let crawl = &case["crawl"];
    // Every list walked to its end, thousands of objects, three per type at their id.
    assert_eq!(crawl["lists"], 9, "{crawl}"); // the Body list and four lists per Body
    assert_eq!(crawl["lists"], crawl["lists_complete"], "{crawl}");
    assert!(crawl["objects"].as_u64().unwrap() > 2000, "{crawl}");
    assert!(crawl.get("cut_by").is_none(), "{crawl}");
    assert_eq!(crawl["types"]["Paper"]["fetched_at_id"], 3, "{crawl}");
    // One summary step whose assertions are the counted checks, each attributed.
    let steps = case["steps"].as_array().unwrap();
    let summary = steps.last().unwrap();
    assert!(
        summary["name"].as_str().unwrap().starts_with("crawl: "),
        "{summary}"
    );
    let assertions = summary["assertions"].as_array().unwrap();
    assert!(assertions.iter().all(|a| a["passed"] == true));
    for r in [
        "C-SHAPE", "C-NEXT", "C-DUP", "C-ORDER", "C-INLIST", "C-ATID", "C-SAME", "C-CORS",
    ] {
        assert!(
            assertions
                .iter()
                .any(|a| a["requirements"].as_array().unwrap().iter().any(|x| x == r)),
            "no counted check verifies {r}"
        );
    }
    // Passing exchanges are not kept: the entry's and the summary only.
    assert!(steps.len() <= 2, "{} steps kept", steps.len());
}

#[test]
fn faults_of_the_reference_land_on_the_crawl_check_about_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("mutants.json");
    let suite = fixture();
    let output = konform(&[
        "suite",
        "mutants",
        suite.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let result = read_json(&out, &output);
    let failed = |fault: &str| -> Vec<String> {
        let f = result["faults"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == fault)
            .unwrap_or_else(|| panic!("no fault {fault}"));
        f["failed_requirements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(failed("person-without-modified"), ["C-MODIFIED"]);
    assert_eq!(failed("page-without-next"), ["C-NEXT"]);
    assert_eq!(failed("duplicate-across-pages"), ["C-DUP"]);
    assert_eq!(failed("object-missing-from-list"), ["C-INLIST"]);
    assert_eq!(failed("stale-object-at-id"), ["C-SAME"]);
    assert_eq!(failed("no-cors-header"), ["C-CORS"]);
    assert_eq!(failed("list-without-pagination"), ["C-PAGE"]);
    assert_eq!(failed("empty-string-members"), ["C-SHOULD"]);
    assert_eq!(failed("file-without-access-url"), ["C-SHAPE"]);
}

/// oparl@1.0.0 against the OParl 1.0 reference: every fault of the 1.0
/// catalogue is caught, each failing exactly the requirements it declares
/// that the suite has (a fault may also break a rule only 1.1 makes).
#[test]
fn oparl_1_0_catches_every_fault_of_the_1_0_reference_exactly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("mutants.json");
    let output = konform(&[
        "suite",
        "mutants",
        "oparl@1.0.0",
        "--exact",
        "--out",
        out.to_str().unwrap(),
    ]);
    let result = read_json(&out, &output);
    assert_eq!(output.status.code(), Some(0), "{result:#}");
    assert_eq!(result["clean"]["verdict"], "conformant");
    assert_eq!(result["kill_score"].as_f64(), Some(1.0));
    assert_eq!(result["exact"], result["total"]);
    assert_eq!(
        result["total"].as_u64(),
        Some(konform_reference::faults("oparl", "1.0").len() as u64)
    );
}

/// A server of one OParl version certified against the other version's
/// suite fails the version requirements and, against 1.1, the rules 1.1
/// added, and nothing else: the walk goes on through objects of the other
/// version instead of stopping at the System.
#[test]
fn a_server_of_the_other_oparl_version_fails_only_the_version_rules() {
    for (server, suite, expected) in [
        (
            "oparl@1.0",
            "oparl@1.1.0",
            vec![
                "OPARL-11-004",
                "OPARL-11-005",
                "OPARL-VER-001",
                "OPARL-VER-002",
            ],
        ),
        (
            "oparl@1.1",
            "oparl@1.0.0",
            vec!["OPARL-VER-001", "OPARL-VER-002"],
        ),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let ca = dir.path().join("ca.pem");
        let served = support::served::serve_with(server, &[], &["--ca-out", ca.to_str().unwrap()]);
        let target = dir.path().join("target.yaml");
        std::fs::write(
            &target,
            format!(
                "identity: {{ operator: Testland, vendor: konform, product: {server}, version: \"1\" }}\n\
                 base_url: {}\n\
                 tls: {{ ca_file: {} }}\n\
                 classes: [oparl]\n\
                 fixtures: {{ deleted_paper: /paper/50, deleted_paper_list: /body/1/papers, deleted_file: /file/262 }}\n",
                served.base_url,
                ca.display()
            ),
        )
        .unwrap();
        let out = dir.path().join("out");
        let output = konform(&[
            "run",
            suite,
            "--target",
            target.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let report = read_json(&out.join(format!("{suite}.json")), &output);
        let not_passed: Vec<(String, String)> = report["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["verdict"] != "pass")
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_string(),
                    r["verdict"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let mut failed: Vec<&str> = not_passed
            .iter()
            .filter(|(_, v)| v == "fail")
            .map(|(id, _)| id.as_str())
            .collect();
        failed.sort_unstable();
        assert_eq!(failed, expected, "{server} against {suite}: {not_passed:?}");
        assert_eq!(not_passed.len(), expected.len(), "{not_passed:?}");
    }
}

/// A requirement id a crawl names anywhere (here one of its own checks)
/// must be in the suite's catalogue: a typo is a lint error at the crawl.
#[test]
fn lint_finds_an_unknown_requirement_a_crawl_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let suite = dir.path().join("oparl-crawl/1.1.0");
    std::fs::create_dir_all(suite.join("cases")).unwrap();
    std::fs::copy(fixture().join("suite.yaml"), suite.join("suite.yaml")).unwrap();
    let cases = std::fs::read_to_string(fixture().join("cases/crawl.yaml"))
        .unwrap()
        .replace("in_list: [C-INLIST]", "in_list: [C-INLIST-TYPO]");
    std::fs::write(suite.join("cases/crawl.yaml"), cases).unwrap();
    let output = konform(&["suite", "lint", suite.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(
        format!("{stdout}{stderr}").contains("unknown requirement id `C-INLIST-TYPO`"),
        "{stdout}{stderr}"
    );
}
