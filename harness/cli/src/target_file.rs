//! Reading a target file: YAML checked against `schemas/konform/target.schema.json`
//! with file:line:col diagnostics, like suite files. The file is refused
//! before it is read when it is larger than
//! [`konform_suite::yaml::MAX_YAML_BYTES`], and its aliases are bounded like
//! those of suite files.
//!
//! The file's `known_deviations` (expected failures) are handed on beside
//! the rest of the [`TargetFile`], which says how to reach the target.

use std::path::Path;

use konform_model::target::{KnownDeviation, TargetFile};

use crate::commands::CliError;

/// A target file as read: how to reach the target, and its known deviations.
pub struct LoadedTarget {
    pub file: TargetFile,
    pub known_deviations: Vec<KnownDeviation>,
}

pub fn load_target_file(path: &Path) -> Result<LoadedTarget, CliError> {
    let bytes = konform_suite::files::read_bounded(path, konform_suite::yaml::MAX_YAML_BYTES)
        .map_err(|e| match e {
            konform_suite::files::FilesError::TooLarge { .. } => {
                CliError::Input(format!("target file: {e}"))
            }
            other => CliError::Input(format!("target file: {other}")),
        })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError::Input(format!(
            "cannot read target file {}: not valid UTF-8",
            path.display()
        ))
    })?;
    let schema = konform_suite::schemas::konform_schema("target.schema.json")
        .ok_or_else(|| CliError::Input("the target file schema is missing".into()))?;
    let (mut file, _) =
        konform_suite::parse_document::<TargetFile>(&path.display().to_string(), &text, schema)
            .map_err(|d| {
                eprint!("{}", d.render(false));
                CliError::Input(format!("{}: invalid target file", path.display()))
            })?;
    for d in &file.known_deviations {
        if let Some(expires) = &d.expires {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            if time::Date::parse(expires, &format).is_err() {
                return Err(CliError::Input(format!(
                    "{}: known deviation {}: `expires: {expires}` is not a date (YYYY-MM-DD)",
                    path.display(),
                    d.label()
                )));
            }
        }
    }
    let known_deviations = std::mem::take(&mut file.known_deviations);
    Ok(LoadedTarget {
        file,
        known_deviations,
    })
}

/// Refuses a known deviation that names no case and no requirement of the
/// suites run (a typo would otherwise excuse nothing, silently).
pub fn check_known_deviations(
    path: &Path,
    deviations: &[KnownDeviation],
    suites: &[konform_suite::LoadedSuite],
) -> Result<(), CliError> {
    let names = suites.iter().map(|s| s.id()).collect::<Vec<_>>().join(", ");
    for d in deviations {
        let known = suites.iter().any(|s| matches_suite(d, s));
        if !known {
            return Err(CliError::Input(format!(
                "{}: known deviation {} is not in {names}; check the id (`konform list {}`)",
                path.display(),
                konform_report::text::for_terminal(&d.label()),
                if d.case.is_some() {
                    "cases SUITE"
                } else {
                    "requirements SUITE"
                }
            )));
        }
    }
    Ok(())
}

/// Whether `d` names a case or requirement of `suite`.
pub fn matches_suite(d: &KnownDeviation, suite: &konform_suite::LoadedSuite) -> bool {
    match (&d.case, &d.requirement) {
        (Some(id), _) => suite.cases.iter().any(|c| c.id == *id),
        (None, Some(id)) => suite.manifest.requirements.iter().any(|r| r.id == *id),
        (None, None) => false,
    }
}
