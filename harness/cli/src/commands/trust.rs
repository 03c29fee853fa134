//! What the report commands trust, gathered from the command line for
//! `konform_report::validity`: public keys (`--key FILE`, `--keys DIR`,
//! each named by its file name) and suite versions (every bundled suite,
//! and suites given with `--suite`).

use std::path::PathBuf;

use konform_report::validity::{KnownSuite, KnownSuites, Trust};
use konform_seal::KeyRing;
use konform_suite::LoadedSuite;

use super::CliError;

/// The trusted keys of `--keys DIR` and `--key FILE`.
pub fn key_ring(files: &[PathBuf], dir: Option<&PathBuf>) -> Result<KeyRing, CliError> {
    let mut ring = match dir {
        Some(dir) => KeyRing::from_dir(dir).map_err(|e| CliError::Input(e.to_string()))?,
        None => KeyRing::new(),
    };
    for path in files {
        ring.add_file(path)
            .map_err(|e| CliError::Input(e.to_string()))?;
    }
    Ok(ring)
}

/// A loaded suite as a known suite version.
pub fn known(suite: &LoadedSuite) -> KnownSuite {
    KnownSuite {
        id: suite.manifest.suite.to_string(),
        version: suite.manifest.version.to_string(),
        digest: suite.digest.clone(),
        origin: if suite.origin.starts_with("bundled:") {
            "bundled".to_string()
        } else {
            suite.origin.clone()
        },
    }
}

/// Every bundled suite version, plus `extra` (already loaded).
pub fn bundled_and(extra: &[&LoadedSuite]) -> Result<KnownSuites, CliError> {
    let mut suites = KnownSuites::new();
    for (name, version) in konform_suite::bundled::list() {
        let loaded = crate::suites::load_one(&format!("{name}@{version}"))?;
        suites.add(known(&loaded));
    }
    for suite in extra {
        suites.add(known(suite));
    }
    Ok(suites)
}

/// Compiles the validity check's context.
pub fn trust(keys: KeyRing, suites: KnownSuites) -> Result<Trust, CliError> {
    Trust::new(keys, suites).map_err(|e| CliError::Environment(e.to_string()))
}
