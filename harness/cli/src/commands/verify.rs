//! `konform report verify`: checks a report file offline and prints one line
//! per check — schema, seal, each signature, the suite digest (with
//! `--suite`) and, with `--rejudge`, the verdicts re-derived from the recorded
//! evidence ([`rejudge`]). Exit 0 when every check passes, 1 when one fails,
//! 2 when an input cannot be read.

pub mod rejudge;

use std::path::PathBuf;

use konform_model::report::Report;
use konform_seal::{KeyRing, SealCheck, keys, seal};
use serde_json::Value;

use super::CliError;
use super::keys::read_report;
use crate::cli::ReportCommand;

/// konform's report schema, as the harness that wrote the report knew it.
const REPORT_SCHEMA: &str = include_str!("../../../../schemas/konform/report.schema.json");

/// The result of one check, printed as one line.
struct Line {
    passed: bool,
    text: String,
}

fn line(passed: bool, text: impl Into<String>) -> Line {
    Line {
        passed,
        text: text.into(),
    }
}

pub fn run(command: ReportCommand) -> Result<i32, CliError> {
    let ReportCommand::Verify {
        report,
        keys: key_files,
        key_dir,
        suite,
        rejudge: rejudge_wanted,
    } = command
    else {
        return Err(CliError::Input("not a verify command".into()));
    };
    let file = read_report(&report)?;
    let ring = key_ring(&key_files, key_dir.as_ref())?;
    let suite = match &suite {
        Some(spec) => Some(crate::suites::load_one(spec)?),
        None => None,
    };
    let mut lines = Vec::new();
    let members = seal::report_members(&file)
        .map_err(|e| CliError::Input(format!("{}: {e}", report.display())))?;
    let members = Value::Object(members);
    lines.push(schema_check(&members));
    let parsed: Option<Report> = serde_json::from_value(members).ok();
    let verification = konform_seal::verify_file(&file, &ring)
        .map_err(|e| CliError::Input(format!("{}: {e}", report.display())))?;
    lines.push(match &verification.seal {
        SealCheck::Matches(d) => line(true, format!("seal: {d} matches the report")),
        SealCheck::Missing { actual } => line(
            false,
            format!("seal: missing (the report's digest is {actual})"),
        ),
        SealCheck::Mismatch { recorded, actual } if recorded == actual => line(
            false,
            format!("seal: the `seal` member was altered (digest {actual})"),
        ),
        SealCheck::Mismatch { recorded, actual } => line(
            false,
            format!(
                "seal: recorded {recorded}, but the report's digest is {actual}: the report was changed"
            ),
        ),
    });
    if verification.malformed_signatures {
        lines.push(line(false, "signatures: `signatures` is not an array"));
    } else if verification.signatures.is_empty() {
        lines.push(line(false, "signatures: none, the report is not signed"));
    }
    for check in &verification.signatures {
        let who = match &check.header {
            Some(h) => format!(
                "{} (key {}{})",
                h.signer.as_deref().unwrap_or("unnamed signer"),
                h.kid,
                h.signed_at
                    .as_deref()
                    .map(|t| format!(", {t}"))
                    .unwrap_or_default()
            ),
            None => "unreadable".to_string(),
        };
        lines.push(match &check.result {
            Ok(()) => line(
                true,
                format!("signature {}: {who} verifies", check.index + 1),
            ),
            Err(e) => line(false, format!("signature {}: {who}: {e}", check.index + 1)),
        });
    }
    if let Some(suite) = &suite {
        let recorded = file
            .get("suite")
            .and_then(|s| s.get("digest"))
            .and_then(Value::as_str)
            .unwrap_or("(none)");
        lines.push(if recorded == suite.digest {
            line(
                true,
                format!("suite: {} digest {} matches", suite.id(), suite.digest),
            )
        } else {
            line(
                false,
                format!(
                    "suite: the report names digest {recorded}, but {} ({}) has {}",
                    suite.id(),
                    suite.origin,
                    suite.digest
                ),
            )
        });
        if rejudge_wanted {
            lines.extend(match &parsed {
                Some(report) => rejudge_lines(report, suite)?,
                None => vec![line(
                    false,
                    "rejudge: the report does not read as a konform report",
                )],
            });
        }
    }
    let mut code = 0;
    for l in &lines {
        println!("{} {}", if l.passed { "ok  " } else { "FAIL" }, l.text);
        if !l.passed {
            code = 1;
        }
    }
    println!(
        "{}: {}",
        report.display(),
        if code == 0 {
            "verified"
        } else {
            "NOT verified"
        }
    );
    Ok(code)
}

fn key_ring(files: &[PathBuf], dir: Option<&PathBuf>) -> Result<KeyRing, CliError> {
    let mut ring = match dir {
        Some(dir) => KeyRing::from_dir(dir).map_err(|e| CliError::Input(e.to_string()))?,
        None => KeyRing::new(),
    };
    for path in files {
        ring.add(keys::read_public(path).map_err(|e| CliError::Input(e.to_string()))?);
    }
    Ok(ring)
}

fn schema_check(members: &Value) -> Line {
    let schema: Value = match serde_json::from_str(REPORT_SCHEMA) {
        Ok(s) => s,
        Err(e) => {
            return line(
                false,
                format!("schema: built-in report schema unreadable: {e}"),
            );
        }
    };
    let validator = match jsonschema::validator_for(&schema) {
        Ok(v) => v,
        Err(e) => {
            return line(
                false,
                format!("schema: built-in report schema invalid: {e}"),
            );
        }
    };
    let errors: Vec<String> = validator
        .iter_errors(members)
        .take(3)
        .map(|e| format!("{} at `{}`", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        line(
            true,
            "schema: the report matches konform/report.schema.json",
        )
    } else {
        line(
            false,
            format!(
                "schema: the report does not match konform/report.schema.json: {}",
                errors.join("; ")
            ),
        )
    }
}

fn rejudge_lines(
    report: &Report,
    suite: &konform_suite::LoadedSuite,
) -> Result<Vec<Line>, CliError> {
    let outcome = rejudge::rejudge(report, suite).map_err(CliError::Input)?;
    let mut lines = Vec::new();
    for m in &outcome.mismatches {
        lines.push(line(false, format!("rejudge: {m}")));
    }
    for (case, why) in &outcome.not_rejudgeable {
        lines.push(line(
            true,
            format!("rejudge: case {case} not re-judgeable ({why}); its recorded verdict is kept"),
        ));
    }
    if outcome.mismatches.is_empty() {
        lines.push(line(
            true,
            format!(
                "rejudge: {} cases re-judged from the evidence, {} not re-judgeable; same case, requirement, class and overall verdicts",
                outcome.rejudged,
                outcome.not_rejudgeable.len()
            ),
        ));
    }
    Ok(lines)
}
