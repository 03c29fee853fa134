//! `konform matrix DIR [-o matrix.html] [--json matrix.json] [--keys DIR]`:
//! the public compatibility matrix — targets × suite versions × classes —
//! built from a folder of reports. Every report is verified (seal and
//! signatures) and marked `signed`, `unsigned` or `invalid`. Reports are read
//! one at a time and only their summary row is kept, so memory stays bounded
//! however many reports the folder holds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use konform_model::report::{READABLE_REPORT_FORMATS, Report};
use konform_report::render::{class_label, overall_label};
use konform_seal::KeyRing;
use serde::Serialize;

use super::CliError;

/// One report in the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub file: String,
    pub target: String,
    pub suite: String,
    pub verdict: String,
    pub classes: BTreeMap<String, String>,
    pub date: String,
    /// `signed`, `unsigned` or `invalid`.
    pub status: String,
    pub signers: Vec<String>,
    /// Why a report is invalid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Matrix {
    pub rows: Vec<Row>,
}

fn report_files(dir: &Path, into: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            report_files(&path, into)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            into.push(path);
        }
    }
    Ok(())
}

fn row_for(path: &Path, dir: &Path, keys: &KeyRing) -> Option<Row> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let format = value.get("format").and_then(|f| f.as_str());
    if !format.is_some_and(|f| READABLE_REPORT_FORMATS.contains(&f)) {
        return None; // not a report (e.g. a mutants summary)
    }
    let file = path.strip_prefix(dir).unwrap_or(path).display().to_string();
    let mut report_value = value.clone();
    if let Some(map) = report_value.as_object_mut() {
        for member in konform_seal::seal::ENVELOPE_MEMBERS {
            map.remove(*member);
        }
    }
    let report: Report = match serde_json::from_value(report_value) {
        Ok(r) => r,
        Err(e) => {
            return Some(Row {
                file,
                target: "?".into(),
                suite: "?".into(),
                verdict: "?".into(),
                classes: BTreeMap::new(),
                date: String::new(),
                status: "invalid".into(),
                signers: vec![],
                problem: Some(format!("not a valid report: {e}")),
            });
        }
    };
    let has_signatures = value
        .get("signatures")
        .and_then(|s| s.as_array())
        .is_some_and(|a| !a.is_empty());
    let seal_ok =
        |v: &konform_seal::Verification| matches!(v.seal, konform_seal::SealCheck::Matches(_));
    let (status, signers, problem) = if !has_signatures && value.get("seal").is_none() {
        ("unsigned", vec![], None)
    } else {
        match konform_seal::verify_file(&value, keys) {
            Ok(v) if v.passed() => (
                "signed",
                v.signatures
                    .iter()
                    .filter_map(|s| s.header.as_ref())
                    .map(|h| h.signer.clone().unwrap_or_else(|| h.kid.clone()))
                    .collect(),
                None,
            ),
            Ok(v) if !seal_ok(&v) => (
                "invalid",
                vec![],
                Some("the seal does not match the content".to_string()),
            ),
            Ok(_) if !has_signatures => ("unsigned", vec![], None),
            Ok(_) => (
                "invalid",
                vec![],
                Some("a signature does not verify with a known key".to_string()),
            ),
            Err(e) => ("invalid", vec![], Some(e.to_string())),
        }
    };
    let id = &report.target.identity;
    Some(Row {
        file,
        target: format!(
            "{} — {} {} {}",
            id.operator, id.vendor, id.product, id.version
        ),
        suite: format!("{}@{}", report.suite.id, report.suite.version),
        verdict: overall_label(report.verdict).to_string(),
        classes: report
            .classes
            .iter()
            .map(|c| (c.id.clone(), class_label(c.verdict).to_string()))
            .collect(),
        date: report.run.finished_at.clone(),
        status: status.to_string(),
        signers,
        problem,
    })
}

/// Builds the matrix from every report under `dir`.
pub fn build(dir: &Path, keys: &KeyRing) -> Result<Matrix, CliError> {
    let mut files = Vec::new();
    report_files(dir, &mut files)
        .map_err(|e| CliError::Input(format!("cannot read {}: {e}", dir.display())))?;
    files.sort();
    let mut rows: Vec<Row> = files.iter().filter_map(|f| row_for(f, dir, keys)).collect();
    rows.sort_by(|a, b| (&a.target, &a.suite, &b.date).cmp(&(&b.target, &b.suite, &a.date)));
    Ok(Matrix { rows })
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A self-contained page: one row per target, one column per suite version.
pub fn html(matrix: &Matrix) -> String {
    let mut suites: Vec<&str> = matrix.rows.iter().map(|r| r.suite.as_str()).collect();
    suites.sort();
    suites.dedup();
    let mut targets: Vec<&str> = matrix.rows.iter().map(|r| r.target.as_str()).collect();
    targets.sort();
    targets.dedup();
    let mut s = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>konform compatibility matrix</title><style>\
         body{font-family:system-ui,sans-serif;margin:2rem;color:#1d1d1f}\
         table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.5rem;vertical-align:top}\
         th{background:#f3f3f3;text-align:left}.conformant{background:#e3f6e3}\
         .not-conformant{background:#fbe2e2}.incomplete{background:#fff4d6}\
         .status{font-size:.8rem;font-weight:bold}.invalid{color:#b00020}.unsigned{color:#8a6d00}\
         .signed{color:#1b6e20}ul{margin:.25rem 0;padding-left:1rem}small{color:#555}\
         </style></head><body><h1>Compatibility matrix</h1>\
         <p>Targets × suite versions. Each cell lists the reports, newest first: overall verdict, class \
         verdicts, date, signer, and whether seal and signatures verify; its colour is the newest verdict.</p><table><thead><tr><th>Target</th>",
    );
    for suite in &suites {
        s.push_str(&format!("<th>{}</th>", esc(suite)));
    }
    s.push_str("</tr></thead><tbody>");
    for target in &targets {
        s.push_str(&format!("<tr><th>{}</th>", esc(target)));
        for suite in &suites {
            // Rows are sorted newest first within (target, suite); the
            // newest decides the cell's colour, older reports follow.
            let reports: Vec<&Row> = matrix
                .rows
                .iter()
                .filter(|r| r.target == *target && r.suite == *suite)
                .collect();
            let Some(newest) = reports.first() else {
                s.push_str("<td>—</td>");
                continue;
            };
            s.push_str(&format!(
                "<td class=\"{}\">",
                esc(&newest.verdict.to_lowercase().replace(' ', "-"))
            ));
            for r in reports {
                s.push_str(&format!(
                    "<div><strong>{}</strong> <span class=\"status {}\">{}</span><ul>",
                    esc(&r.verdict),
                    esc(&r.status),
                    esc(&r.status)
                ));
                for (class, verdict) in &r.classes {
                    s.push_str(&format!("<li>{}: {}</li>", esc(class), esc(verdict)));
                }
                s.push_str("</ul><small>");
                s.push_str(&esc(&r.date));
                if !r.signers.is_empty() {
                    s.push_str(&format!(" · signed by {}", esc(&r.signers.join(", "))));
                }
                if let Some(p) = &r.problem {
                    s.push_str(&format!(" · {}", esc(p)));
                }
                s.push_str(&format!("<br>{}</small></div>", esc(&r.file)));
            }
            s.push_str("</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></body></html>\n");
    s
}

pub fn run(
    dir: &Path,
    out: &Path,
    json: Option<&Path>,
    keys_dir: Option<&Path>,
) -> Result<i32, CliError> {
    let keys = match keys_dir {
        Some(d) => KeyRing::from_dir(d).map_err(|e| CliError::Input(e.to_string()))?,
        None => KeyRing::new(),
    };
    let matrix = build(dir, &keys)?;
    konform_report::write_atomic(out, html(&matrix).as_bytes())
        .map_err(|e| CliError::Environment(e.to_string()))?;
    if let Some(json) = json {
        let bytes =
            serde_json::to_vec_pretty(&matrix).map_err(|e| CliError::Environment(e.to_string()))?;
        konform_report::write_atomic(json, &bytes)
            .map_err(|e| CliError::Environment(e.to_string()))?;
    }
    let count = |status: &str| matrix.rows.iter().filter(|r| r.status == status).count();
    println!(
        "matrix of {} reports ({} signed, {} unsigned, {} invalid) written to {}",
        matrix.rows.len(),
        count("signed"),
        count("unsigned"),
        count("invalid"),
        out.display()
    );
    Ok(0)
}
