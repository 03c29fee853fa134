//! The listing of the bundled suites (`konform list suites`), computed when
//! konform is built: loading three suites with their derived probes takes
//! about 100 ms, and a listing is asked for far more often than the bundled
//! suites change. The index is rebuilt whenever a file under `suites/` or
//! `schemas/` changes. A suite that does not load at build time is left out
//! of the index, and `list suites` loads it at run time and shows why.

use std::fmt::Write;

fn main() {
    println!("cargo:rerun-if-changed=../../suites");
    println!("cargo:rerun-if-changed=../../schemas");
    let mut index = String::from("[");
    for (name, version) in konform_suite::bundled::newest() {
        let spec = format!("{name}@{version}");
        let Ok(suite) = konform_suite::load_spec(&spec) else {
            continue;
        };
        let entry = serde_json::json!({
            "id": suite.id(),
            "title": suite.manifest.title,
            "cases": suite.cases.len(),
            "requirements": suite.manifest.requirements.len(),
            "digest": suite.digest,
        });
        if index.len() > 1 {
            index.push(',');
        }
        let _ = write!(index, "{entry}");
    }
    index.push(']');
    let out = std::env::var_os("OUT_DIR").map(std::path::PathBuf::from);
    if let Some(out) = out
        && let Err(e) = std::fs::write(out.join("suite_index.json"), index)
    {
        println!("cargo:warning=cannot write the suite index: {e}");
    }
}
