//! Target files: YAML checked against the target schema and deserialised,
//! exactly as `konform run --target` reads them after the size check.
#![no_main]

use konform_model::target::TargetFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(schema) = konform_suite::schemas::konform_schema("target.schema.json") {
        let _ = konform_suite::parse_document::<TargetFile>("target.yaml", text, schema);
    }
});
