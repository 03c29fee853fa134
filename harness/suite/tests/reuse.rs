//! Reuse in the suite format (`konform_suite::expand`): named step sequences,
//! table-driven cases, shared fragments and requirements that name their
//! class. The fixture `reuse` is written with them, `reuse-written-out` is the
//! same suite written out by hand: both must load to the same cases and
//! classes. Mistakes in reuse are diagnostics at the author's line:col, and a
//! shared fragment is part of the including suite's digest.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::path::{Path, PathBuf};

use konform_suite::diagnostics::codes;
use konform_suite::load_path;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn suite_dir(name: &str) -> PathBuf {
    fixture(name).join("suites/demo/1.0.0")
}

#[test]
fn a_suite_written_with_reuse_loads_to_the_suite_written_out() {
    let reused = load_path(&suite_dir("reuse")).unwrap_or_else(|d| panic!("{}", d.render(false)));
    let written = load_path(&suite_dir("reuse-written-out"))
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert!(
        reused.warnings.is_empty(),
        "{}",
        reused.warnings.render(false)
    );
    assert_eq!(
        serde_json::to_value(&reused.cases).unwrap(),
        serde_json::to_value(&written.cases).unwrap(),
        "the expanded cases differ from the cases written out"
    );
    let ids: Vec<&str> = reused.cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "querschnitt.missing-token-401",
            "querschnitt.not-json-415",
            "persons.create",
            "persons.read-back.one",
            "persons.read-back.two"
        ]
    );
    // A requirement that names its class joins it; the class's own list comes first.
    let classes: Vec<(&str, Vec<&str>)> = reused
        .manifest
        .classes
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.requirements.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        classes,
        [
            ("core", vec!["DM-QS-001", "DM-QS-002"]),
            ("persons", vec!["DM-002", "DM-001"]),
        ]
    );
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

#[test]
fn a_shared_fragment_is_part_of_the_including_suites_digest() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("reuse"), tmp.path());
    let dir = tmp.path().join("suites/demo/1.0.0");
    let before = load_path(&dir).unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert!(
        before.files.contains("_shared/conventions.yaml"),
        "the included fragment is listed with the suite's files"
    );
    let fragment = tmp.path().join("suites/_shared/conventions.yaml");
    let text = std::fs::read_to_string(&fragment).unwrap();
    std::fs::write(&fragment, text.replace("gets 415", "gets 415 (changed)")).unwrap();
    let after = load_path(&dir).unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert_ne!(
        before.digest, after.digest,
        "a changed fragment changes the digest"
    );
    assert_eq!(
        after.cases[1].title,
        "A body that is not JSON gets 415 (changed)"
    );
}

#[test]
fn reuse_mistakes_point_at_what_the_author_wrote() {
    let diags = match load_path(&suite_dir("reuse-errors")) {
        Ok(s) => panic!("loaded: {}", s.warnings.render(false)),
        Err(d) => d,
    };
    let got: Vec<(&str, String, usize, usize)> = diags
        .iter()
        .map(|d| {
            let p = d.pos.expect("a position");
            (d.code, d.file.clone().unwrap_or_default(), p.line, p.column)
        })
        .collect();
    let c = "cases/persons.yaml".to_string();
    let s = "suite.yaml".to_string();
    assert_eq!(
        got,
        [
            (codes::UNCLASSIFIED_REQUIREMENT, s.clone(), 11, 11),
            (codes::UNKNOWN_CLASS, s.clone(), 11, 110),
            (codes::UNKNOWN_FRAGMENT, c.clone(), 2, 15),
            (codes::MISSING_PARAMETER, c.clone(), 15, 9),
            (codes::UNKNOWN_PARAMETER, c.clone(), 16, 57),
            (codes::UNKNOWN_SEQUENCE, c.clone(), 17, 16),
            (codes::UNDOCUMENTED_OPERATION, c.clone(), 18, 42),
            (codes::UNDOCUMENTED_STATUS, c.clone(), 21, 27),
            (codes::INVALID_TABLE, c.clone(), 25, 11),
        ],
        "{}",
        diags.render_short()
    );
    insta::assert_snapshot!("reuse-errors", diags.render(false));
}

#[test]
fn a_step_that_says_why_it_leaves_the_contract_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("reuse"), tmp.path());
    let cases = tmp.path().join("suites/demo/1.0.0/cases/persons.yaml");
    let text = std::fs::read_to_string(&cases).unwrap();
    let extra = "  - id: persons.unknown-path\n    title: An unknown path gets 404\n    class: persons\n    verifies: [DM-001]\n    steps:\n      - request: { method: GET, path: /nowhere }\n        expect: { status: 404 }\n";
    std::fs::write(&cases, format!("{text}{extra}")).unwrap();
    let suite = load_path(cases.parent().unwrap().parent().unwrap()).unwrap();
    let warned: Vec<&str> = suite.warnings.iter().map(|d| d.code).collect();
    assert_eq!(warned, [codes::UNDOCUMENTED_OPERATION]);
    let said = extra.replace(
        "      - request: { method: GET",
        "      - undocumented: a path the interface does not define\n        request: { method: GET",
    );
    std::fs::write(&cases, format!("{text}{said}")).unwrap();
    let suite = load_path(cases.parent().unwrap().parent().unwrap()).unwrap();
    assert!(
        suite.warnings.is_empty(),
        "{}",
        suite.warnings.render(false)
    );
}

/// The tmp copy of the `reuse` fixture, with `edit(path, text) -> text` applied to some files.
fn edited_copy(edits: &[(&str, &dyn Fn(String) -> String)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("reuse"), tmp.path());
    for (path, edit) in edits {
        let path = tmp.path().join(path);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, edit(text)).unwrap();
    }
    tmp
}

const SUITE_YAML: &str = "suites/demo/1.0.0/suite.yaml";

#[test]
fn expect_schema_defaults_from_the_contract_when_the_suite_says_so() {
    let openapi = |t: String| {
        t.replace(
            "        \"200\": { description: the person }",
            "        \"200\":\n          description: the person\n          content:\n            application/json:\n              schema: { $ref: \"schemas.json#/$defs/NewPerson\" }",
        )
    };
    let off = edited_copy(&[("schemas/demo/1.0/openapi.yaml", &openapi)]);
    let suite = load_path(&off.path().join("suites/demo/1.0.0")).unwrap();
    assert!(
        suite
            .cases
            .iter()
            .all(|c| c.steps.iter().all(|s| s.expect.schema.is_none())),
        "without the suite's consent nothing is defaulted"
    );
    let on = edited_copy(&[
        ("schemas/demo/1.0/openapi.yaml", &openapi),
        (SUITE_YAML, &|t: String| {
            t.replace(
                "generators:",
                "defaults: { schema_from_contract: true }\ngenerators:",
            )
        }),
    ]);
    let suite = load_path(&on.path().join("suites/demo/1.0.0")).unwrap();
    let read = suite
        .cases
        .iter()
        .find(|c| c.id == "persons.read-back.one")
        .unwrap();
    assert_eq!(
        read.steps[1].expect.schema.as_ref().map(|s| s.reference()),
        Some("demo/1.0/schemas.json#/$defs/NewPerson"),
        "the read step expects 200, which the contract documents with a schema"
    );
    assert!(
        read.steps[0].expect.schema.is_none(),
        "a precondition step is left as written"
    );
}

#[test]
fn untested_requirements_need_a_reason_and_counted_case_ids_are_warned_about() {
    let should = "  - { id: DM-003, level: SHOULD, text: Names are trimmed., source: Demo § 5, class: persons }\n";
    let codes_of = |tmp: &tempfile::TempDir| -> Vec<&'static str> {
        let suite = load_path(&tmp.path().join("suites/demo/1.0.0")).unwrap();
        suite.warnings.iter().map(|d| d.code).collect()
    };
    let add =
        |line: &'static str| move |t: String| t.replace("classes:", &format!("{line}classes:"));
    assert_eq!(
        codes_of(&edited_copy(&[(SUITE_YAML, &add(should))])),
        [codes::UNCOVERED_REQUIREMENT]
    );
    let reasoned = "  - { id: DM-003, level: SHOULD, text: Names are trimmed., source: Demo § 5, class: persons, not_tested: needs a register that shows stored names }\n";
    assert!(codes_of(&edited_copy(&[(SUITE_YAML, &add(reasoned))])).is_empty());
    let stale = |t: String| t.replace("source: Demo § 4 }", "source: Demo § 4, not_tested: x }");
    assert_eq!(
        codes_of(&edited_copy(&[(SUITE_YAML, &stale)])),
        [codes::STALE_NOT_TESTED]
    );
    let counted = |t: String| t.replace("id: persons.create\n", "id: persons.3\n");
    assert_eq!(
        codes_of(&edited_copy(&[(
            "suites/demo/1.0.0/cases/persons.yaml",
            &counted
        )])),
        [codes::UNSTABLE_ID]
    );
}
