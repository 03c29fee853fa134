// Shared by several test binaries; each uses only some of it.
#![allow(dead_code)]

//! Every report a test reads is checked against `schemas/konform/report.schema.json`.

use serde_json::Value;

/// Panics with every violation when `report` does not match the report schema.
pub fn assert_valid_report(report: &Value) {
    let schema: Value = serde_json::from_str(include_str!(
        "../../../../schemas/konform/report.schema.json"
    ))
    .expect("report schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("report schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report violates its schema: {errors:#?}\n{}",
        serde_json::to_string_pretty(report).unwrap_or_default()
    );
}
