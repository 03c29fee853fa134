//! Report files as `report verify`, `report render` and `matrix` read them:
//! the validity assessment (strict JSON, canonical form, schema, seal,
//! signatures, suite digest), then, for anything that parses as a report,
//! the Markdown and HTML renderings.
#![no_main]

use std::sync::OnceLock;

use konform_report::{KnownSuites, Trust};
use konform_seal::KeyRing;
use libfuzzer_sys::fuzz_target;

fn trust() -> Option<&'static Trust> {
    static TRUST: OnceLock<Option<Trust>> = OnceLock::new();
    TRUST
        .get_or_init(|| Trust::new(KeyRing::new(), KnownSuites::new()).ok())
        .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Some(trust) = trust() else { return };
    let _ = konform_report::assess(data, trust);
    if let Ok(report) = serde_json::from_slice::<konform_report::Report>(data) {
        let _ = konform_report::render::markdown(&report);
        let _ = konform_report::render::html(&report);
        let _ = konform_report::render::junit(&report);
    }
});
