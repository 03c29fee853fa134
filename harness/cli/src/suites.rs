//! Finding and loading suites for the commands: bundled names
//! (`meldewesen`, `meldewesen@1.0.0`) or folders, with diagnostics turned
//! into exit code 2.

use konform_suite::{Diagnostics, LoadedSuite, SchemaSet};

use crate::commands::CliError;

/// Every bundled suite at its newest version, as `name@version` specs.
pub fn bundled_newest_first() -> Vec<String> {
    konform_suite::bundled::newest()
        .into_iter()
        .map(|(name, version)| format!("{name}@{version}"))
        .collect()
}

/// Loads one suite, or explains why not.
pub fn load_one_for_lint(spec: &str) -> Result<LoadedSuite, Diagnostics> {
    konform_suite::load_spec(spec)
}

/// Loads one suite; diagnostics are printed and become an input error.
pub fn load_one(spec: &str) -> Result<LoadedSuite, CliError> {
    konform_suite::load_spec(spec).map_err(|d| {
        eprint!("{}", d.render(false));
        CliError::Input(format!(
            "{spec}: the suite does not load ({} problems)",
            d.len()
        ))
    })
}

/// The named suites, or every bundled suite at its newest version.
pub fn load_suites(specs: &[String]) -> Result<Vec<LoadedSuite>, CliError> {
    let specs = if specs.is_empty() {
        bundled_newest_first()
    } else {
        specs.to_vec()
    };
    if specs.is_empty() {
        return Err(CliError::Input("no suites to run".into()));
    }
    specs.iter().map(|s| load_one(s)).collect()
}

/// The schema set a suite was loaded with (its `$ref`s resolve there).
pub fn schemas_for(suite: &LoadedSuite) -> SchemaSet {
    suite.schemas.clone()
}
