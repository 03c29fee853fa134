//! Every kind of authoring mistake has a fixture suite under
//! `tests/fixtures/<mistake>/suites/demo/<version>/` (with `schemas/` beside
//! it). Each is loaded by path, so the path-based schema lookup is used; the
//! diagnostics must carry the right code at the right line:col, and their
//! rendering is snapshotted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::path::{Path, PathBuf};

use konform_suite::diagnostics::{Diagnostics, Severity, codes};
use konform_suite::load_path;

fn suite_dir(fixture: &str) -> PathBuf {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture)
        .join("suites/demo");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(&demo)
        .unwrap_or_else(|e| panic!("{}: {e}", demo.display()))
        .map(|e| e.unwrap().path())
        .collect();
    versions.sort();
    assert_eq!(versions.len(), 1, "one version folder in {fixture}");
    versions.remove(0)
}

/// Loads a fixture that must fail and returns its diagnostics.
fn errors_of(fixture: &str) -> Diagnostics {
    match load_path(&suite_dir(fixture)) {
        Ok(s) => panic!("{fixture} loaded without errors: {}", s.warnings),
        Err(d) => d,
    }
}

/// `(code, file, line, column)` of every diagnostic, in order.
fn summary(d: &Diagnostics) -> Vec<(&'static str, String, usize, usize)> {
    d.iter()
        .map(|d| {
            let pos = d.pos.expect("every fixture diagnostic has a position");
            (
                d.code,
                d.file.clone().unwrap_or_default(),
                pos.line,
                pos.column,
            )
        })
        .collect()
}

fn snapshot_text(d: &Diagnostics) -> String {
    format!("{}\n---- short ----\n{}", d.render(false), d.render_short())
}

fn check(fixture: &str, expected: &[(&'static str, &str, usize, usize)]) {
    let diags = errors_of(fixture);
    let got = summary(&diags);
    let want: Vec<_> = expected
        .iter()
        .map(|(c, f, l, col)| (*c, f.to_string(), *l, *col))
        .collect();
    assert_eq!(got, want, "{fixture}:\n{}", diags.render_short());
    let text = snapshot_text(&diags);
    assert!(
        !text.contains(env!("CARGO_MANIFEST_DIR")),
        "absolute path in output"
    );
    insta::assert_snapshot!(fixture, text);
}

const C: &str = "cases/persons.yaml";
const S: &str = "suite.yaml";

#[test]
fn yaml_syntax() {
    check("yaml-syntax", &[(codes::YAML_SYNTAX, C, 6, 13)]);
}

#[test]
fn yaml_duplicate_key() {
    check(
        "yaml-duplicate-key",
        &[(codes::YAML_DUPLICATE_KEY, S, 4, 1)],
    );
}

#[test]
fn yaml_multiple_documents() {
    check(
        "yaml-multiple-documents",
        &[(codes::YAML_MULTIPLE_DOCUMENTS, C, 41, 1)],
    );
}

#[test]
fn unknown_key_points_at_the_key() {
    check("unknown-key", &[(codes::SCHEMA, C, 18, 9)]);
    let d = errors_of("unknown-key");
    assert!(d.items[0].message.contains("unknown key `expects`"));
}

#[test]
fn exactly_one_predicate_and_capture_source() {
    check(
        "exactly-one",
        &[(codes::SCHEMA, C, 21, 15), (codes::SCHEMA, C, 32, 13)],
    );
}

#[test]
fn version_not_semver() {
    check(
        "version-not-semver",
        &[(codes::VERSION_NOT_SEMVER, S, 2, 10)],
    );
}

#[test]
fn folder_mismatch() {
    check(
        "folder-mismatch",
        &[
            (codes::FOLDER_MISMATCH, S, 1, 8),
            (codes::FOLDER_MISMATCH, S, 2, 10),
        ],
    );
}

/// A suite name names the report file: `../../escaped` would put it outside
/// `--out`. Refused by the schema, at the name.
#[test]
fn unsafe_name() {
    check("unsafe-name", &[(codes::UNSAFE_NAME, S, 1, 8)]);
}

#[test]
fn no_cases() {
    check("no-cases", &[(codes::NO_CASES, S, 1, 1)]);
}

#[test]
fn missing_case_file() {
    check("missing-case-file", &[(codes::MISSING_CASE_FILE, S, 25, 5)]);
}

#[test]
fn duplicate_requirement() {
    check(
        "duplicate-requirement",
        &[(codes::DUPLICATE_REQUIREMENT, S, 19, 9)],
    );
}

#[test]
fn duplicate_class() {
    check("duplicate-class", &[(codes::DUPLICATE_CLASS, S, 23, 9)]);
}

#[test]
fn duplicate_case_across_files() {
    // cases/more.yaml sorts before cases/persons.yaml, so the second
    // definition is the one in persons.yaml.
    check("duplicate-case", &[(codes::DUPLICATE_CASE, C, 2, 9)]);
}

#[test]
fn unknown_requirement_in_class_and_case() {
    check(
        "unknown-requirement",
        &[
            (codes::UNKNOWN_REQUIREMENT, S, 22, 36),
            (codes::UNKNOWN_REQUIREMENT, C, 5, 32),
        ],
    );
}

#[test]
fn unknown_class() {
    check("unknown-class", &[(codes::UNKNOWN_CLASS, C, 4, 12)]);
}

#[test]
fn uncovered_must_is_an_error() {
    check(
        "uncovered-must",
        &[(codes::UNCOVERED_REQUIREMENT, S, 11, 9)],
    );
}

#[test]
fn unresolved_schema_refs() {
    check(
        "unresolved-schema-ref",
        &[
            (codes::UNRESOLVED_SCHEMA_REF, C, 23, 19),
            (codes::UNRESOLVED_SCHEMA_REF, C, 38, 19),
        ],
    );
}

#[test]
fn missing_openapi() {
    check("missing-openapi", &[(codes::MISSING_OPENAPI, S, 7, 12)]);
}

#[test]
fn undefined_variables() {
    // captures.id used before the step that captures it; an unknown fixture.
    check(
        "undefined-variable",
        &[
            (codes::UNDEFINED_VARIABLE, C, 12, 27),
            (codes::UNDEFINED_VARIABLE, C, 17, 54),
        ],
    );
}

#[test]
fn template_syntax_points_inside_the_string() {
    check(
        "template-syntax",
        &[
            (codes::TEMPLATE_SYNTAX, C, 14, 35),
            (codes::TEMPLATE_SYNTAX, C, 35, 27),
        ],
    );
}

#[test]
fn invalid_regex() {
    check("invalid-regex", &[(codes::INVALID_REGEX, C, 22, 24)]);
}

#[test]
fn invalid_jsonpath() {
    check("invalid-jsonpath", &[(codes::INVALID_JSONPATH, C, 27, 21)]);
}

#[test]
fn invalid_pointers() {
    check(
        "invalid-pointer",
        &[
            (codes::INVALID_POINTER, C, 25, 24),
            (codes::INVALID_POINTER, C, 31, 22),
        ],
    );
}

#[test]
fn without_a_schemas_folder_the_bundled_set_is_used() {
    // The bundled schemas do not hold the demo interface, so its references fail.
    check(
        "no-schemas-folder",
        &[
            (codes::MISSING_OPENAPI, S, 7, 12),
            (codes::UNRESOLVED_SCHEMA_REF, C, 23, 19),
        ],
    );
}

/// The interface contract (the OpenAPI and the schema files it references)
/// must say whether a personal-looking member is personal data: `vornamen`
/// and `kontakt/email` say nothing, `geschlecht` has a mark that is no
/// boolean. `geburtsname` is listed under `personal_data`, `behoerde/name`
/// is marked `false`. Every error points at `interface.openapi`.
#[test]
fn unmarked_personal_data() {
    check(
        "unmarked-personal-data",
        &[
            (codes::UNMARKED_PERSONAL_DATA, S, 7, 12),
            (codes::UNMARKED_PERSONAL_DATA, S, 7, 12),
            (codes::UNMARKED_PERSONAL_DATA, S, 7, 12),
        ],
    );
    let d = errors_of("unmarked-personal-data");
    let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "the interface contract demo/1.0/schemas.json#/$defs/NewPerson/properties/vornamen \
             looks like personal data but is not marked: mark it `x-personal-data: true` \
             (redacted in reports) or `x-personal-data: false`",
            "the interface contract demo/1.0/schemas.json#/$defs/NewPerson/properties/geschlecht \
             has `x-personal-data: \"ja\"`; the mark is `true` or `false`",
            "the interface contract \
             demo/1.0/schemas.json#/$defs/NewPerson/properties/kontakt/properties/email \
             looks like personal data but is not marked: mark it `x-personal-data: true` \
             (redacted in reports) or `x-personal-data: false`",
        ]
    );
}

/// A suite's personal members: those its contract marks `true` and those it
/// lists itself; `behoerde/name`, marked `false`, is not one.
#[test]
fn personal_members_come_from_the_contract_and_the_suite() {
    let suite =
        load_path(&suite_dir("personal-data")).unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert!(suite.warnings.is_empty(), "{}", suite.warnings);
    assert_eq!(
        suite
            .personal_members
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        [
            "email",
            "familienname",
            "geburtsname",
            "geschlecht",
            "vornamen"
        ]
    );
}

#[test]
fn valid_suite_loads() {
    let suite = load_path(&suite_dir("valid")).unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert_eq!(suite.id(), "demo@1.0.0");
    assert_eq!(suite.cases.len(), 1);
    assert_eq!(suite.cases[0].steps.len(), 2);
    assert!(suite.warnings.is_empty(), "{}", suite.warnings);
    assert!(suite.digest.starts_with("sha256:") && suite.digest.len() == 7 + 64);
    assert_eq!(suite.files.len(), 2);
    assert!(suite.origin.ends_with("valid/suites/demo/1.0.0"));
}

#[test]
fn warnings_do_not_fail_the_load() {
    let suite = load_path(&suite_dir("warnings")).unwrap_or_else(|d| panic!("{}", d.render(false)));
    let got = summary(&suite.warnings);
    assert_eq!(
        got,
        vec![
            (codes::UNCOVERED_REQUIREMENT, S.to_string(), 15, 9),
            (codes::UNCLASSIFIED_REQUIREMENT, S.to_string(), 19, 9),
            (codes::UNCOVERED_REQUIREMENT, S.to_string(), 19, 9),
        ]
    );
    assert!(
        suite
            .warnings
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
    insta::assert_snapshot!("warnings", snapshot_text(&suite.warnings));
}

#[test]
fn attribution_and_generators() {
    // An unknown requirement in attribution, a generator pattern that does
    // not parse, a case whose only check is attributed elsewhere, unknown
    // requirements on a step and on a status, an undeclared generator.
    check(
        "attribution",
        &[
            (codes::UNKNOWN_REQUIREMENT, S, 9, 16),
            (codes::INVALID_GENERATOR, S, 11, 19),
            (codes::UNATTRIBUTED_REQUIREMENT, C, 5, 16),
            (codes::UNKNOWN_REQUIREMENT, C, 8, 20),
            (codes::UNKNOWN_GENERATOR, C, 12, 34),
            (codes::UNKNOWN_REQUIREMENT, C, 14, 41),
        ],
    );
}

#[test]
fn attribution_warnings_do_not_fail_the_load() {
    // DM-002 is listed but only a precondition and a cleanup step touch it;
    // DM-003 is the suite's problem requirement, which the second case's
    // status would inherit (and blame) when it is listed.
    let suite = load_path(&suite_dir("attribution-warnings"))
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert_eq!(
        summary(&suite.warnings),
        vec![
            (codes::UNATTRIBUTED_REQUIREMENT, C.to_string(), 5, 24),
            (codes::SUITE_ATTRIBUTED_IN_CASE, C.to_string(), 26, 24),
        ]
    );
    insta::assert_snapshot!("attribution-warnings", snapshot_text(&suite.warnings));
}

#[test]
fn load_spec_accepts_a_path() {
    let dir = suite_dir("valid");
    let suite = konform_suite::load_spec(dir.to_str().unwrap()).unwrap();
    assert_eq!(suite.id(), "demo@1.0.0");
    let err = konform_suite::load_spec("no-such-suite@9").unwrap_err();
    assert_eq!(err.items[0].code, codes::UNKNOWN_SUITE);
}

#[test]
fn probe_errors() {
    check(
        "probe-errors",
        &[
            (codes::PROBE, C, 12, 16),
            (codes::PROBE_UNMAPPED_RULE, C, 20, 7),
            (codes::PROBE_UNMAPPED_RULE, C, 20, 7),
            (codes::PROBE_UNMAPPED_RULE, C, 20, 7),
            (codes::PROBE_UNMAPPED_RULE, C, 20, 7),
            (codes::PROBE_UNMAPPED_RULE, C, 20, 7),
            (codes::UNKNOWN_REQUIREMENT, C, 20, 26),
            (codes::PROBE, C, 21, 21),
            (codes::PROBE_UNUSED_EXCLUSION, C, 26, 16),
        ],
    );
}
