//! Contract-derived probes, end to end through the loader: the fixture
//! `tests/fixtures/probes` declares one probe of `createPerson`; the derived
//! cases must follow the OpenAPI and schema files exactly, so that changing
//! a declared constraint changes the cases (and the suite digest) with it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::path::{Path, PathBuf};

use konform_model::suite::{Case, ErrorListExpect, StatusExpect};
use konform_suite::{LoadedSuite, load_path};
use serde_json::{Value, json};

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probes")
}

fn load(root: &Path) -> LoadedSuite {
    load_path(&root.join("suites/demo/1.0.0"))
        .unwrap_or_else(|d| panic!("fixture does not load:\n{}", d.render_short()))
}

/// A copy of the fixture in a temporary folder, with `edit` applied to the
/// text of `schemas/demo/1.0/<file>`.
fn copy_with(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture_root(), dir.path());
    let path = dir.path().join("schemas/demo/1.0").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit must change {file}");
    std::fs::write(&path, edited).unwrap();
    dir
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

fn case<'a>(suite: &'a LoadedSuite, slug: &str) -> &'a Case {
    let id = format!("person.probe.{slug}");
    suite
        .cases
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no derived case {id}"))
}

fn body(case: &Case) -> &Value {
    case.steps.last().unwrap().request.json.as_ref().unwrap()
}

/// An expected error: `(rule, pointer)`.
type ExpectedError = (Option<String>, Option<String>);

/// `(status, errors)` a derived case expects.
fn expectation(case: &Case) -> (u16, Vec<ExpectedError>) {
    let expect = &case.steps.last().unwrap().expect;
    let status = match expect.status.as_ref().unwrap() {
        StatusExpect::One(s) => *s,
        other => panic!("unexpected status form {other:?}"),
    };
    let errors = match expect.problem.as_ref().and_then(|p| p.errors.as_ref()) {
        Some(ErrorListExpect::Contains(e)) => e
            .iter()
            .map(|e| (e.rule.clone(), e.pointer.clone()))
            .collect(),
        Some(other) => panic!("unexpected error list {other:?}"),
        None => vec![],
    };
    (status, errors)
}

#[test]
fn every_declared_constraint_becomes_a_case_with_a_stable_id() {
    let suite = load(&fixture_root());
    let derived: Vec<&str> = suite
        .cases
        .iter()
        .filter_map(|c| c.id.strip_prefix("person.probe."))
        .collect();
    assert_eq!(
        derived,
        [
            "name.required",
            "address.required",
            "konformUnbekannt.additionalProperties",
            "name.type",
            "name.null",
            "name.blank.empty",
            "name.blank.spaces",
            "name.maxLength.at",
            "name.maxLength.above",
            "name.minLength.at",
            "geschlecht.enum",
            "geschlecht.enum.case",
            "kinder.type",
            "kinder.type.fraction",
            "kinder.maximum.at",
            "kinder.maximum.above",
            "kinder.minimum.at",
            "kinder.minimum.below",
            "address.type",
            "address.null",
            "address.plz.required",
            "address.konformUnbekannt.additionalProperties",
            "address.plz.type",
            "address.plz.null",
            "address.plz.blank.empty",
            "address.plz.blank.spaces",
            "address.plz.pattern.length",
            "address.plz.pattern.char",
            "convention.unauthenticated",
        ],
        "body.type is excluded; the rest follows the schema in document order"
    );
    // Loading again derives exactly the same cases.
    assert_eq!(load(&fixture_root()).cases, suite.cases);
    let probe = &suite.probes[0];
    let derivation = probe.result.as_ref().unwrap();
    assert_eq!(
        derivation.excluded,
        [("body.type".to_string(), "tested elsewhere".to_string())]
    );
    // A convention whose status the operation does not document is not derived, and says why.
    assert_eq!(
        derivation.not_derivable,
        ["convention `malformed_json`: the operation does not document 400"]
    );
}

#[test]
fn conventions_are_checked_on_the_probed_operation() {
    let suite = load(&fixture_root());
    let case = case(&suite, "convention.unauthenticated");
    let step = case.steps.last().unwrap();
    assert_eq!(step.request.auth, konform_model::suite::AuthChoice::None);
    assert_eq!(step.request.method, "POST");
    assert_eq!(step.request.path, "/persons");
    assert_eq!(expectation(case), (401, vec![]));
    assert!(
        step.expect.problem.is_some(),
        "the 401 is a problem document"
    );
    assert_eq!(case.verifies, ["DM-001"]);
}

#[test]
fn boundaries_are_accepted_and_one_past_them_is_rejected_with_the_contracts_rule() {
    let suite = load(&fixture_root());

    let at = case(&suite, "name.maxLength.at");
    assert_eq!(
        body(at)["name"],
        json!("ä".repeat(20)),
        "20 characters, 40 bytes"
    );
    assert_eq!(expectation(at), (201, vec![]));
    assert_eq!(at.verifies, ["DM-002"]);

    let above = case(&suite, "name.maxLength.above");
    assert_eq!(body(above)["name"], json!("ä".repeat(21)));
    assert_eq!(
        expectation(above),
        (422, vec![(Some("LENGTH".into()), Some("/name".into()))])
    );

    let missing = case(&suite, "name.required");
    assert!(body(missing).get("name").is_none());
    assert_eq!(
        expectation(missing),
        (422, vec![(Some("REQUIRED".into()), Some("/name".into()))])
    );

    // The fixture given whole (`{{ fixtures.address }}`) is probed member by member,
    // with the rule the schema node names and the requirement `verifies` maps it to.
    let plz = case(&suite, "address.plz.pattern.length");
    assert_eq!(body(plz)["address"], json!({ "plz": "3910" }));
    assert_eq!(
        expectation(plz),
        (
            422,
            vec![(Some("PLZ_FORMAT".into()), Some("/address/plz".into()))]
        )
    );
    assert_eq!(plz.verifies, ["DM-003"]);

    let closed = case(&suite, "address.konformUnbekannt.additionalProperties");
    assert_eq!(body(closed)["address"]["konformUnbekannt"], json!("x"));
    assert_eq!(
        expectation(closed),
        (
            422,
            vec![(
                Some("UNKNOWN_FIELD".into()),
                Some("/address/konformUnbekannt".into())
            )]
        )
    );

    assert_eq!(body(case(&suite, "kinder.maximum.at"))["kinder"], json!(9));
    assert_eq!(
        body(case(&suite, "kinder.maximum.above"))["kinder"],
        json!(10)
    );
    assert_eq!(
        body(case(&suite, "kinder.type.fraction"))["kinder"],
        json!(1.5)
    );
    assert_eq!(
        body(case(&suite, "geschlecht.enum.case"))["geschlecht"],
        json!("W")
    );
    // Every other member keeps the valid request's value.
    assert_eq!(body(above)["geschlecht"], json!("w"));
}

#[test]
fn changing_a_declared_constraint_changes_the_derived_cases_and_the_digest() {
    let original = load(&fixture_root());

    let shorter = copy_with("schemas.json", |t| {
        t.replace("\"maxLength\": 20", "\"maxLength\": 12")
    });
    let changed = load(shorter.path());
    assert_eq!(
        body(case(&changed, "name.maxLength.at"))["name"],
        json!("ä".repeat(12))
    );
    assert_eq!(
        body(case(&changed, "name.maxLength.above"))["name"],
        json!("ä".repeat(13))
    );
    assert_ne!(
        changed.digest, original.digest,
        "the contract is part of the digest"
    );

    // Another rule id for the pattern: the cases expect it and fall to `"*"` (DM-002),
    // so DM-003 is left without a case, which the linter refuses.
    let renamed = copy_with("schemas.json", |t| t.replace("PLZ_FORMAT", "POSTLEITZAHL"));
    let err = load_path(&renamed.path().join("suites/demo/1.0.0")).unwrap_err();
    assert!(
        err.render_short()
            .contains("MUST requirement `DM-003` is verified by no case"),
        "{}",
        err.render_short()
    );

    // A constraint removed from the contract removes its cases.
    let open = copy_with("schemas.json", |t| {
        t.replace(
            "\"type\": \"integer\", \"minimum\": 0, \"maximum\": 9",
            "\"type\": \"integer\"",
        )
    });
    let fewer = load(open.path());
    assert!(fewer.cases.iter().all(|c| !c.id.contains("kinder.maximum")));
    assert_eq!(original.cases.len() - fewer.cases.len(), 4);
}

#[test]
fn the_operation_is_found_in_the_openapi_document_the_suite_names() {
    let moved = copy_with("openapi.yaml", |t| {
        t.replace("operationId: createPerson", "operationId: addPerson")
    });
    let err = load_path(&moved.path().join("suites/demo/1.0.0")).unwrap_err();
    assert!(
        err.render_short()
            .contains("operation `createPerson` is not in the interface's OpenAPI document"),
        "{}",
        err.render_short()
    );
}
