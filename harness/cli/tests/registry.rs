//! The committed example registry (`reports/registry/`) is published as it
//! is, so it must hold no personal data in clear: in every recorded body,
//! every value under a member the contract or the suite marks as personal is
//! a redaction token, and no personal fixture value appears anywhere in the
//! file. (Regenerate with `reports/registry/regenerate.sh`.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::path::{Path, PathBuf};

use konform_model::report::Report;
use konform_runner::redact::{PersonalData, is_token};
use serde_json::Value;

fn registry_reports() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../reports/registry");
    let mut files = Vec::new();
    for sub in ["reference", "faulty"] {
        for entry in std::fs::read_dir(root.join(sub)).expect("registry folder") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every leaf under a personal member that is not a token: (pointer, value).
fn clear_values(v: &Value, fields: &PersonalData, inside: bool, at: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let inside = inside || fields.fields.contains(k);
                clear_values(child, fields, inside, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                clear_values(child, fields, inside, &format!("{at}/{i}"), out);
            }
        }
        Value::Null => {}
        Value::String(s) if is_token(s) => {}
        other if inside => out.push(format!("{at} = {other}")),
        _ => {}
    }
}

#[test]
fn the_committed_registry_holds_no_personal_data_in_clear() {
    let files = registry_reports();
    assert!(files.len() >= 6, "the registry holds reports: {files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read report");
        let mut value: Value = serde_json::from_str(&text).expect("JSON");
        for member in ["seal", "signatures"] {
            value.as_object_mut().expect("object").remove(member);
        }
        let report: Report = serde_json::from_value(value).expect("a konform report");
        let suite =
            konform::suites::load_one(&format!("{}@{}", report.suite.id, report.suite.version))
                .expect("bundled suite");
        let personal = PersonalData::new(
            &suite.personal_members,
            suite
                .manifest
                .fixtures
                .iter()
                .chain(suite.cases.iter().flat_map(|c| c.fixtures.iter())),
        );
        assert!(
            !personal.fields.is_empty(),
            "{}: the contract marks personal data",
            path.display()
        );
        let mut clear = Vec::new();
        for case in &report.cases {
            for step in &case.steps {
                let bodies = [
                    step.request.body.as_ref(),
                    step.response.as_ref().and_then(|r| r.body.as_ref()),
                ];
                for body in bodies.into_iter().flatten().filter(|b| !b.truncated) {
                    if let Ok(json) = serde_json::from_str::<Value>(&body.text) {
                        let at = format!("{} step {}", case.id, step.index + 1);
                        clear_values(&json, &personal, false, &at, &mut clear);
                    }
                }
            }
        }
        assert!(
            clear.is_empty(),
            "{}: personal data in clear:\n{}",
            path.display(),
            clear.join("\n")
        );
        // A fixture value standing as a whole JSON string anywhere (a
        // reason, an assertion, a member the contract does not mark).
        // (Shorter values are redacted only under their members: "17" is
        // also a Content-Length.)
        for known in personal
            .known_values
            .iter()
            .filter(|k| k.text().chars().count() >= 3)
        {
            let quoted = serde_json::to_string(known.text()).expect("JSON string");
            assert!(
                !text.contains(&quoted),
                "{}: the personal fixture value {quoted} is in clear",
                path.display()
            );
        }
    }
}
