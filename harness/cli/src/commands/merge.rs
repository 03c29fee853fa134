//! `konform report merge SHARD.json... -o MERGED.json`: one report from the
//! shard reports of a run, refusing mixed suites, digests or targets. With
//! `--exit-code` it exits with the merged verdict, as `konform run` does, so
//! that the CI job (or Kubernetes Job) that merges the shards carries the
//! run's verdict.

use std::path::{Path, PathBuf};

use konform_model::report::Report;

use super::CliError;

fn read_report(path: &Path) -> Result<Report, CliError> {
    let bytes = konform_seal::strict::read_file(path)
        .map_err(|e| CliError::Input(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| CliError::Input(format!("{} is not a konform report: {e}", path.display())))
}

pub fn run(inputs: &[PathBuf], out: &Path, verdict_exit_code: bool) -> Result<i32, CliError> {
    let reports = inputs
        .iter()
        .map(|p| read_report(p))
        .collect::<Result<Vec<_>, _>>()?;
    let merged = konform_report::merge(&reports).map_err(|e| CliError::Input(e.to_string()))?;
    konform_report::write_json(&merged, out).map_err(|e| CliError::Environment(e.to_string()))?;
    println!(
        "merged {} shard reports of {} into {}: {} cases, verdict {:?}",
        reports.len(),
        // The suite is named by the shard files.
        konform_report::text::for_terminal(&format!(
            "{}@{}",
            merged.suite.id, merged.suite.version
        )),
        konform_report::text::for_terminal(&out.display().to_string()),
        merged.cases.len(),
        merged.verdict
    );
    Ok(if verdict_exit_code {
        merged.verdict.exit_code()
    } else {
        0
    })
}
