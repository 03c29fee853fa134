//! `konform report render`: turn a written JSON report into HTML, JUnit XML
//! and/or Markdown; also the format handling that `konform run --format`
//! shares (parse the list, write each rendering next to the JSON report).
//! `konform report annotations` prints a report's findings as GitHub Actions
//! workflow commands, for the composite action in `.github/actions/konform`.
//!
//! The file is read through `konform_report::validity::assess`, like
//! `report verify` and `matrix` read it: strictly, from its canonical form.
//! A signed report renders with the status of its seal and signatures
//! (against the keys given with `--keys`/`--key`); a report without seal and
//! signatures renders exactly as `konform run` wrote it.

use std::io::Write;
use std::path::{Path, PathBuf};

use konform_model::report::Report;
use konform_report::render::{Format, SignatureStatus};
use konform_report::validity;

use super::{CliError, trust};
use crate::cli::RenderArgs;

/// `konform report render`.
pub fn render(args: RenderArgs) -> Result<i32, CliError> {
    let outputs = [
        (Format::Html, args.html),
        (Format::Junit, args.junit),
        (Format::Markdown, args.md),
    ];
    if outputs.iter().all(|(_, p)| p.is_none()) {
        return Err(CliError::Input(
            "say what to render: --html FILE, --junit FILE and/or --md FILE (`-` = stdout)".into(),
        ));
    }
    let (report, signature) = read_report(
        &args.report,
        &args.keys,
        args.key_dir.as_ref(),
        args.suite.as_deref(),
    )?;
    for (format, path) in outputs {
        let Some(path) = path else { continue };
        let text = format
            .render_with(&report, signature.as_ref())
            .map_err(|e| CliError::Environment(e.to_string()))?;
        if path.as_os_str() == "-" {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| CliError::Environment(format!("cannot write to stdout: {e}")))?;
        } else {
            konform_report::write_atomic(&path, text.as_bytes())
                .map_err(|e| CliError::Environment(e.to_string()))?;
        }
    }
    Ok(0)
}

/// `konform report annotations`: the report's findings as GitHub Actions
/// workflow commands on stdout ([`konform_report::annotations`] escapes every
/// value). The file is read like `report render` reads it.
pub fn annotations(path: &Path) -> Result<i32, CliError> {
    let (report, _) = read_report(path, &[], None, None)?;
    let text = konform_report::annotations::workflow_commands(&report);
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| CliError::Environment(format!("cannot write to stdout: {e}")))?;
    Ok(0)
}

/// Reads a report file through the validity check; every reason it does not
/// read as a konform report is an input error. Returns the report and, for a
/// signed file, the status of its seal and signatures.
fn read_report(
    path: &Path,
    key_files: &[PathBuf],
    key_dir: Option<&PathBuf>,
    suite: Option<&str>,
) -> Result<(Report, Option<SignatureStatus>), CliError> {
    let shown = path.display();
    let bytes = konform_seal::strict::read_file(path)
        .map_err(|e| CliError::Input(format!("cannot read report {shown}: {e}")))?;
    let ring = trust::key_ring(key_files, key_dir)?;
    // Suite digests only matter for the status of a sealed or signed file;
    // a plain `konform run` report renders without loading every bundled suite.
    let known = if enveloped(&bytes) {
        let extra = match suite {
            Some(spec) => Some(crate::suites::load_one(spec)?),
            None => None,
        };
        trust::bundled_and(&extra.iter().collect::<Vec<_>>())?
    } else {
        konform_report::KnownSuites::new()
    };
    let assessment = validity::assess(&bytes, &trust::trust(ring, known)?);
    if let Some(why) = assessment.unreadable() {
        return Err(CliError::Input(format!("{shown}: {why}")));
    }
    let status = assessment.signature_status();
    match assessment.report {
        Some(report) => Ok((report, status)),
        None => Err(CliError::Input(format!(
            "{shown}: {}",
            assessment
                .model_error()
                .unwrap_or("this is not a valid konform report")
        ))),
    }
}

/// Whether the file carries a seal or signatures (unreadable: no; the
/// validity check then says why).
fn enveloped(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| {
            v.as_object().map(|members| {
                konform_seal::seal::ENVELOPE_MEMBERS
                    .iter()
                    .any(|m| members.contains_key(*m))
            })
        })
        .unwrap_or(false)
}

/// Parses `--format` values (already split at commas). JSON is always
/// included and comes first.
pub fn parse_formats(names: &[String]) -> Result<Vec<Format>, CliError> {
    let mut formats = vec![Format::Json];
    for name in names {
        if name.trim().is_empty() {
            continue;
        }
        let format = Format::parse(name).ok_or_else(|| {
            CliError::Input(format!(
                "unknown report format {name:?}; use json, html, junit or md"
            ))
        })?;
        if !formats.contains(&format) {
            formats.push(format);
        }
    }
    Ok(formats)
}

/// Writes every format but JSON next to `json_path` (`x.json` → `x.html`,
/// `x.junit.xml`, `x.md`), atomically; returns the paths written.
pub fn write_renderings(
    report: &Report,
    json_path: &Path,
    formats: &[Format],
) -> Result<Vec<PathBuf>, CliError> {
    let stem = json_path.with_extension("");
    let mut written = Vec::new();
    for format in formats.iter().filter(|f| **f != Format::Json) {
        let mut name = stem.clone().into_os_string();
        name.push(format.extension());
        let path = PathBuf::from(name);
        let text = format
            .render(report)
            .map_err(|e| CliError::Environment(e.to_string()))?;
        konform_report::write_atomic(&path, text.as_bytes())
            .map_err(|e| CliError::Environment(e.to_string()))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_always_start_with_json_and_reject_unknown_names() {
        let f = parse_formats(&["html".into(), "md".into(), "json".into()]).expect("valid");
        assert_eq!(f, vec![Format::Json, Format::Html, Format::Markdown]);
        let err = parse_formats(&["pdf".into()]).expect_err("pdf is unknown");
        assert_eq!(err.exit_code(), 2);
    }
}
