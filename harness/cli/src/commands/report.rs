//! `konform report render`: turn a written JSON report into HTML, JUnit XML
//! and/or Markdown; also the format handling that `konform run --format`
//! shares (parse the list, write each rendering next to the JSON report).

use std::io::Write;
use std::path::{Path, PathBuf};

use konform_model::report::{READABLE_REPORT_FORMATS, REPORT_FORMAT, Report};
use konform_report::render::Format;

use super::CliError;
use crate::cli::RenderArgs;

/// `konform report render`.
pub fn render(args: RenderArgs) -> Result<i32, CliError> {
    let report = read_report(&args.report)?;
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
    for (format, path) in outputs {
        let Some(path) = path else { continue };
        let text = format
            .render(&report)
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

/// Reads and checks a canonical JSON report; every problem is an input error.
pub fn read_report(path: &Path) -> Result<Report, CliError> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("cannot read report {shown}: {e}")))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| CliError::Input(format!("report {shown} is not valid JSON: {e}")))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(format) if READABLE_REPORT_FORMATS.contains(&format) => {}
        Some(other) => {
            return Err(CliError::Input(format!(
                "report {shown} has format {other:?}; this konform reads {}",
                READABLE_REPORT_FORMATS.join(", ")
            )));
        }
        None => {
            return Err(CliError::Input(format!(
                "{shown} is not a konform report (no \"format\": {REPORT_FORMAT:?} field)"
            )));
        }
    }
    serde_json::from_value(value)
        .map_err(|e| CliError::Input(format!("report {shown} is not a valid konform report: {e}")))
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
