//! Reading a target file: YAML checked against `schemas/konform/target.schema.json`
//! with file:line:col diagnostics, like suite files.

use std::path::Path;

use konform_model::target::TargetFile;

use crate::commands::CliError;

pub fn load_target_file(path: &Path) -> Result<TargetFile, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("cannot read target file {}: {e}", path.display())))?;
    let schema = konform_suite::schemas::konform_schema("target.schema.json")
        .ok_or_else(|| CliError::Input("the target file schema is missing".into()))?;
    konform_suite::parse_document::<TargetFile>(&path.display().to_string(), &text, schema)
        .map(|(file, _)| file)
        .map_err(|d| {
            eprint!("{}", d.render(false));
            CliError::Input(format!("{}: invalid target file", path.display()))
        })
}
