//! Reading a target file: YAML checked against `schemas/konform/target.schema.json`
//! with file:line:col diagnostics, like suite files. The file is refused
//! before it is read when it is larger than
//! [`konform_suite::yaml::MAX_YAML_BYTES`], and its aliases are bounded like
//! those of suite files.

use std::path::Path;

use konform_model::target::TargetFile;

use crate::commands::CliError;

pub fn load_target_file(path: &Path) -> Result<TargetFile, CliError> {
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
    konform_suite::parse_document::<TargetFile>(&path.display().to_string(), &text, schema)
        .map(|(file, _)| file)
        .map_err(|d| {
            eprint!("{}", d.render(false));
            CliError::Input(format!("{}: invalid target file", path.display()))
        })
}
