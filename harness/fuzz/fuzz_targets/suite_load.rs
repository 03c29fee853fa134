//! Suite loading: the input is split at the first NUL byte into a manifest
//! (`suite.yaml`) and one case file (`cases/fuzz.yaml`); loading and linting
//! must end in a suite or diagnostics, never a panic, hang or blow-up.
#![no_main]

use std::sync::OnceLock;

use konform_suite::files::SuiteFiles;
use konform_suite::schemas::SchemaSet;
use libfuzzer_sys::fuzz_target;

fn schemas() -> Option<&'static SchemaSet> {
    static SCHEMAS: OnceLock<Option<SchemaSet>> = OnceLock::new();
    SCHEMAS.get_or_init(|| SchemaSet::bundled().ok()).as_ref()
}

fuzz_target!(|data: &[u8]| {
    let (manifest, cases) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let mut files = SuiteFiles::new("fuzz");
    files.insert("suite.yaml", manifest);
    if !cases.is_empty() {
        files.insert("cases/fuzz.yaml", cases);
    }
    if let Some(schemas) = schemas() {
        let _ = konform_suite::load::load(files, schemas);
    }
});
