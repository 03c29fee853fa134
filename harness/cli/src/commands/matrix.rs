//! `konform matrix DIR [-o matrix.html] [--json matrix.json] [--keys DIR]
//! [--suite DIR]...`: the public compatibility matrix — targets × suite
//! versions × classes — built from a folder of reports.
//!
//! Every `*.json` file under the folder is checked with
//! `konform_report::validity::assess`, the same function `konform report
//! verify` uses, and becomes one row: `verified`, `unsigned`, `untrusted`
//! (a key or suite version not known here), `invalid` (why is listed) or
//! `not_a_report`. A cell's colour is decided only by the newest report
//! that is verified **and** covers the whole target; a verified run limited
//! by `--class` or `--shard`, or interrupted, makes a cell `partial` at best,
//! and a cell without any verified report stays uncoloured. Every other
//! report is listed in its cell, marked, with what it claims shown as a
//! claim. Files that do not read as reports (unreadable, not JSON, repeated
//! members, an unknown format) are listed below the table. Reports are read
//! one at a time and only their summary row is kept, so memory stays
//! bounded however many reports the folder holds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use konform_model::report::OverallVerdict;
use konform_report::render::{class_label, overall_label};
use konform_report::validity::{self, Standing, Trust};
use konform_seal::KeyRing;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{CliError, trust};

/// One file in the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub file: String,
    /// What the validity check made of the file.
    pub status: Standing,
    /// `operator — vendor product version`, as the report states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// `suite@version`, as the report states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suite: Option<String>,
    /// The overall verdict the report records (trustworthy only when
    /// `status` is `verified`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
    pub classes: BTreeMap<String, String>,
    /// `run.finished_at`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Names of the trusted keys whose signatures verified.
    pub signers: Vec<String>,
    /// Why the run does not cover the whole target (empty: it does).
    pub partial: Vec<String>,
    /// This report decides its cell's colour.
    pub decides: bool,
    /// Why the report is not verified (the failed checks).
    pub problems: Vec<String>,
    #[serde(skip)]
    finished: Option<OffsetDateTime>,
    /// The recorded verdict, typed (what `verdict` shows as a label).
    #[serde(skip)]
    overall: Option<OverallVerdict>,
}

/// What a cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shows {
    Conformant,
    NotConformant,
    Incomplete,
    /// Only partial runs verified: no verdict over the whole target.
    Partial,
    /// No verified report: nothing decides, the cell is not coloured.
    Unverified,
}

impl Shows {
    fn css(self) -> &'static str {
        match self {
            Shows::Conformant => "conformant",
            Shows::NotConformant => "not-conformant",
            Shows::Incomplete => "incomplete",
            Shows::Partial => "partial",
            Shows::Unverified => "unverified",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Shows::Conformant => "Conformant",
            Shows::NotConformant => "Not conformant",
            Shows::Incomplete => "Incomplete",
            Shows::Partial => "Partial runs only",
            Shows::Unverified => "No verified report",
        }
    }
}

/// One target × suite version.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub target: String,
    pub suite: String,
    pub shows: Shows,
    /// The file of the report that decides the cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Matrix {
    pub cells: Vec<Cell>,
    /// Every file, reports grouped by target and suite, newest first; files
    /// that do not read as reports last.
    pub rows: Vec<Row>,
}

impl Matrix {
    pub fn count(&self, status: Standing) -> usize {
        self.rows.iter().filter(|r| r.status == status).count()
    }
}

/// Every `*.json` file under `dir`; an entry that cannot be listed is kept
/// with its error, to be shown as invalid.
fn report_files(dir: &Path, into: &mut Vec<(PathBuf, Option<String>)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            into.push((
                dir.to_path_buf(),
                Some(format!("cannot read the folder: {e}")),
            ));
            return;
        }
    };
    for entry in entries {
        // The entry's own type: a symbolic link is not followed into a
        // folder (a link to a parent would recurse forever); a link to a
        // file is read like a file, and a dangling one is listed as invalid.
        let (path, is_dir) = match entry {
            Ok(entry) => (entry.path(), entry.file_type().is_ok_and(|t| t.is_dir())),
            Err(e) => {
                into.push((
                    dir.to_path_buf(),
                    Some(format!("cannot list the folder: {e}")),
                ));
                continue;
            }
        };
        if is_dir {
            report_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "json") {
            into.push((path, None));
        }
    }
}

fn row_for(path: &Path, listing_error: Option<String>, dir: &Path, trust: &Trust) -> Row {
    let file = path.strip_prefix(dir).unwrap_or(path).display().to_string();
    let mut row = Row {
        file,
        status: Standing::Invalid,
        target: None,
        suite: None,
        verdict: None,
        classes: BTreeMap::new(),
        date: None,
        signers: Vec::new(),
        partial: Vec::new(),
        decides: false,
        problems: Vec::new(),
        finished: None,
        overall: None,
    };
    if let Some(e) = listing_error {
        row.problems.push(e);
        return row;
    }
    let assessment = validity::assess_file(path, trust);
    row.status = assessment.standing;
    row.problems = assessment
        .problems()
        .into_iter()
        .map(String::from)
        .collect();
    row.signers = assessment.signers.clone();
    row.partial = assessment.partial.clone();
    row.decides = assessment.decides();
    if let Some(report) = &assessment.report {
        let id = &report.target.identity;
        row.target = Some(format!(
            "{} — {} {} {}",
            id.operator, id.vendor, id.product, id.version
        ));
        row.suite = Some(format!("{}@{}", report.suite.id, report.suite.version));
        row.verdict = Some(overall_label(report.verdict).to_string());
        row.overall = Some(report.verdict);
        row.classes = report
            .classes
            .iter()
            .map(|c| (c.id.clone(), class_label(c.verdict).to_string()))
            .collect();
        row.date = Some(report.run.finished_at.clone());
        row.finished = OffsetDateTime::parse(&report.run.finished_at, &Rfc3339).ok();
    }
    row
}

/// Builds the matrix from every report under `dir`.
pub fn build(dir: &Path, trust: &Trust) -> Result<Matrix, CliError> {
    if !dir.is_dir() {
        return Err(CliError::Input(format!(
            "cannot read {}: not a folder",
            dir.display()
        )));
    }
    let mut files = Vec::new();
    report_files(dir, &mut files);
    files.sort();
    let mut rows: Vec<Row> = files
        .into_iter()
        .map(|(f, e)| row_for(&f, e, dir, trust))
        .collect();
    // Reports by target and suite, newest first (an unreadable date counts
    // as oldest); files that are not reports last.
    rows.sort_by(|a, b| {
        (a.target.is_none(), &a.target, &a.suite, b.finished, &a.file).cmp(&(
            b.target.is_none(),
            &b.target,
            &b.suite,
            a.finished,
            &b.file,
        ))
    });
    let mut cells: Vec<Cell> = Vec::new();
    let mut decided = vec![false; rows.len()];
    for (i, row) in rows.iter().enumerate() {
        let (Some(target), Some(suite)) = (&row.target, &row.suite) else {
            continue;
        };
        let cell = match cells.last_mut() {
            Some(c) if c.target == *target && c.suite == *suite => c,
            _ => {
                cells.push(Cell {
                    target: target.clone(),
                    suite: suite.clone(),
                    shows: Shows::Unverified,
                    decided_by: None,
                });
                let last = cells.len() - 1;
                &mut cells[last]
            }
        };
        if cell.decided_by.is_some() {
            continue;
        }
        if row.decides {
            cell.shows = match row.overall {
                Some(OverallVerdict::Conformant) => Shows::Conformant,
                Some(OverallVerdict::NotConformant) => Shows::NotConformant,
                Some(OverallVerdict::Incomplete) | None => Shows::Incomplete,
            };
            cell.decided_by = Some(row.file.clone());
            decided[i] = true;
        } else if row.status == Standing::Verified {
            cell.shows = Shows::Partial;
        }
    }
    // Only the newest whole verified report decides; older ones are listed.
    for (row, decides) in rows.iter_mut().zip(decided) {
        row.decides = decides;
    }
    Ok(Matrix { cells, rows })
}

/// Text of a report file (target names, signers, reasons) for the page:
/// HTML specials escaped, control and bidi characters as visible escapes.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in konform_report::text::for_terminal(text).chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn status_label(status: Standing) -> &'static str {
    match status {
        Standing::Verified => "verified",
        Standing::Unsigned => "unsigned",
        Standing::Untrusted => "untrusted",
        Standing::Invalid => "invalid",
        Standing::NotAReport => "not a report",
    }
}

fn report_entry(s: &mut String, r: &Row) {
    s.push_str(&format!(
        "<div class=\"report{}\">",
        if r.decides { " decides" } else { "" }
    ));
    let verdict = r.verdict.as_deref().unwrap_or("?");
    if r.status == Standing::Verified {
        s.push_str(&format!("<strong>{}</strong> ", esc(verdict)));
    } else {
        // Not believed: what the report says is shown as its claim only.
        s.push_str(&format!(
            "<span class=\"claim\">claims {}</span> ",
            esc(verdict)
        ));
    }
    s.push_str(&format!(
        "<span class=\"status {}\">{}</span>",
        esc(r.status.as_str()),
        esc(status_label(r.status))
    ));
    if !r.partial.is_empty() {
        s.push_str(" <span class=\"status partial\">partial</span>");
    }
    if r.decides {
        s.push_str(" <span class=\"status decides\">decides</span>");
    }
    s.push_str("<ul>");
    for (class, verdict) in &r.classes {
        s.push_str(&format!("<li>{}: {}</li>", esc(class), esc(verdict)));
    }
    s.push_str("</ul><small>");
    s.push_str(&esc(r.date.as_deref().unwrap_or("")));
    if !r.signers.is_empty() {
        s.push_str(&format!(" · signed by {}", esc(&r.signers.join(", "))));
    }
    for why in &r.partial {
        s.push_str(&format!("<br>partial: {}", esc(why)));
    }
    for p in &r.problems {
        s.push_str(&format!("<br>{}", esc(p)));
    }
    s.push_str(&format!("<br>{}</small></div>", esc(&r.file)));
}

/// The matrix page's only style; the CSP allows it by its hash.
const CSS: &str = "\
         body{font-family:system-ui,sans-serif;margin:2rem;color:#1d1d1f}\
         table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.5rem;vertical-align:top}\
         th{background:#f3f3f3;text-align:left}.conformant{background:#e3f6e3}\
         .not-conformant{background:#fbe2e2}.incomplete{background:#fff4d6}\
         .partial{background:#eef1f5}.unverified{background:#fff}\
         .shows{font-weight:bold;margin-bottom:.25rem}\
         .report{margin-top:.5rem}.report.decides{border-left:3px solid #1d1d1f;padding-left:.4rem}\
         .claim{color:#555;font-style:italic}\
         .status{font-size:.8rem;font-weight:bold;background:none}.invalid{color:#b00020}\
         .unsigned,.untrusted,.not_a_report{color:#8a6d00}.verified{color:#1b6e20}\
         span.partial,span.decides{color:#3b4a5e}\
         ul{margin:.25rem 0;padding-left:1rem}small{color:#555}";

/// A self-contained page: one row per target, one column per suite version.
pub fn html(matrix: &Matrix) -> String {
    let mut suites: Vec<&str> = matrix.cells.iter().map(|c| c.suite.as_str()).collect();
    suites.sort();
    suites.dedup();
    let mut targets: Vec<&str> = matrix.cells.iter().map(|c| c.target.as_str()).collect();
    targets.sort();
    targets.dedup();
    let mut s = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '{}'\">\
         <title>konform compatibility matrix</title><style>{CSS}</style></head>\
         <body><h1>Compatibility matrix</h1>\
         <p>Targets × suite versions. A cell's colour is the verdict of its newest report that \
         verifies — strict JSON, schema, seal, signatures by trusted keys, a known suite digest — \
         and covers the whole target. A verified run limited by class or shard, or interrupted, is \
         partial and colours no verdict; a cell without a verified report stays white. Every report \
         is listed, newest first, marked verified, unsigned, untrusted or invalid (with the reason); \
         what an unverified report says is shown as its claim.</p>\
         <table><thead><tr><th>Target</th>",
        konform_report::render::hash_source(CSS)
    );
    for suite in &suites {
        s.push_str(&format!("<th>{}</th>", esc(suite)));
    }
    s.push_str("</tr></thead><tbody>");
    for target in &targets {
        s.push_str(&format!("<tr><th>{}</th>", esc(target)));
        for suite in &suites {
            let Some(cell) = matrix
                .cells
                .iter()
                .find(|c| c.target == *target && c.suite == *suite)
            else {
                s.push_str("<td>—</td>");
                continue;
            };
            s.push_str(&format!(
                "<td class=\"{}\"><div class=\"shows\">{}</div>",
                cell.shows.css(),
                esc(cell.shows.label())
            ));
            for r in matrix.rows.iter().filter(|r| {
                r.target.as_deref() == Some(*target) && r.suite.as_deref() == Some(*suite)
            }) {
                report_entry(&mut s, r);
            }
            s.push_str("</td>");
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    let others: Vec<&Row> = matrix.rows.iter().filter(|r| r.target.is_none()).collect();
    if !others.is_empty() {
        s.push_str("<h2>Files that are not valid reports</h2><ul id=\"other-files\">");
        for r in others {
            s.push_str(&format!(
                "<li><code>{}</code> <span class=\"status {}\">{}</span> {}</li>",
                esc(&r.file),
                esc(r.status.as_str()),
                esc(status_label(r.status)),
                esc(&r.problems.join("; "))
            ));
        }
        s.push_str("</ul>");
    }
    s.push_str("</body></html>\n");
    s
}

pub fn run(
    dir: &Path,
    out: &Path,
    json: Option<&Path>,
    keys_dir: Option<&Path>,
    suite_specs: &[String],
) -> Result<i32, CliError> {
    let keys = match keys_dir {
        Some(d) => KeyRing::from_dir(d).map_err(|e| CliError::Input(e.to_string()))?,
        None => KeyRing::new(),
    };
    if keys.is_empty() {
        eprintln!("note: no trusted keys (--keys DIR): no report can be verified");
    }
    let extra = suite_specs
        .iter()
        .map(|s| crate::suites::load_one(s))
        .collect::<Result<Vec<_>, _>>()?;
    let known = trust::bundled_and(&extra.iter().collect::<Vec<_>>())?;
    let trust = trust::trust(keys, known)?;
    let matrix = build(dir, &trust)?;
    konform_report::write_atomic(out, html(&matrix).as_bytes())
        .map_err(|e| CliError::Environment(e.to_string()))?;
    if let Some(json) = json {
        let bytes =
            serde_json::to_vec_pretty(&matrix).map_err(|e| CliError::Environment(e.to_string()))?;
        konform_report::write_atomic(json, &bytes)
            .map_err(|e| CliError::Environment(e.to_string()))?;
    }
    let partial = matrix
        .rows
        .iter()
        .filter(|r| r.status == Standing::Verified && !r.partial.is_empty())
        .count();
    println!(
        "matrix of {} files ({} verified, {partial} of them partial; {} unsigned, {} untrusted, \
         {} invalid, {} not reports); {} of {} cells decided; written to {}",
        matrix.rows.len(),
        matrix.count(Standing::Verified),
        matrix.count(Standing::Unsigned),
        matrix.count(Standing::Untrusted),
        matrix.count(Standing::Invalid),
        matrix.count(Standing::NotAReport),
        matrix
            .cells
            .iter()
            .filter(|c| c.decided_by.is_some())
            .count(),
        matrix.cells.len(),
        out.display()
    );
    Ok(0)
}
