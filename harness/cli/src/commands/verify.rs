//! `konform report verify`: checks a report file offline with
//! `konform_report::validity::assess` — the same function `konform matrix`
//! and `konform report render` use — and prints one line per check: strict
//! JSON, schema, seal, each signature (under the trusted key's name), the
//! suite digest (against `--suite`, or else every bundled suite version) and,
//! with `--rejudge`, the verdicts re-derived from the recorded evidence
//! (`konform_runner::rejudge`, revealing personal data with the certifier's
//! `--redaction-key`). Exit 0 when every check passes, 1 when one fails, 2
//! when an input cannot be read (not a file, not JSON, not a konform report).

use konform_model::report::Report;
use konform_report::text::for_terminal as safe;
use konform_report::validity::{self, Standing};

use super::CliError;
use super::trust;
use crate::cli::ReportCommand;

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
        redaction_key,
    } = command
    else {
        return Err(CliError::Input("not a verify command".into()));
    };
    let ring = trust::key_ring(&key_files, key_dir.as_ref())?;
    let redaction_key = match &redaction_key {
        Some(path) => Some(
            konform_runner::redact::RedactionKey::load(path)
                .map_err(|e| CliError::Input(e.to_string()))?,
        ),
        None => None,
    };
    // `--suite` names the suite the report must have run; without it, any
    // bundled suite version will do.
    let suite = match &suite {
        Some(spec) => Some(crate::suites::load_one(spec)?),
        None => None,
    };
    let known = match &suite {
        Some(s) => {
            let mut known = konform_report::KnownSuites::new();
            known.add(trust::known(s));
            known
        }
        None => trust::bundled_and(&[])?,
    };
    let context = trust::trust(ring, known)?;
    let assessment = validity::assess_file(&report, &context);
    if let Some(why) = assessment.unreadable() {
        return Err(CliError::Input(format!("{}: {why}", report.display())));
    }
    let mut lines: Vec<Line> = assessment
        .checks
        .iter()
        .map(|c| line(c.passed, c.text.clone()))
        .collect();
    if let (Some(suite), true) = (&suite, rejudge_wanted) {
        lines.extend(match &assessment.report {
            Some(report) => rejudge_lines(report, suite, redaction_key.as_ref())?,
            None => vec![line(
                false,
                "rejudge: the report does not read as a konform report",
            )],
        });
    }
    let mut code = 0;
    for l in &lines {
        // Signer names (a JWS `kid`), suite ids and reasons come from the
        // file being verified: printed as one line each, escapes visible.
        println!(
            "{} {}",
            if l.passed { "ok  " } else { "FAIL" },
            safe(&l.text)
        );
        if !l.passed {
            code = 1;
        }
    }
    for why in &assessment.partial {
        println!(
            "note partial run: {}; it does not show the conformance of the whole target",
            safe(why)
        );
    }
    println!(
        "{}: {}",
        safe(&report.display().to_string()),
        match (code, assessment.standing) {
            (0, _) => "verified".to_string(),
            (_, Standing::Verified) => "NOT verified (re-judging disagrees)".to_string(),
            (_, standing) => format!("NOT verified ({standing})"),
        }
    );
    Ok(code)
}

fn rejudge_lines(
    report: &Report,
    suite: &konform_suite::LoadedSuite,
    key: Option<&konform_runner::redact::RedactionKey>,
) -> Result<Vec<Line>, CliError> {
    let outcome = match konform_runner::rejudge::rejudge(report, suite, key) {
        Ok(outcome) => outcome,
        Err(e @ konform_runner::rejudge::RejudgeError::WrongKey { .. }) => {
            return Ok(vec![line(false, format!("rejudge: {e}"))]);
        }
        Err(e) => return Err(CliError::Input(e.to_string())),
    };
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
    lines.push(line(
        true,
        if outcome.revealed && outcome.redacted_assertions == 0 {
            "rejudge: personal data revealed with the redaction key; every assertion re-judged"
                .to_string()
        } else if outcome.revealed {
            format!(
                "rejudge: personal data revealed with the redaction key; {} assertions could not \
                 be re-judged: secrets decide them",
                outcome.redacted_assertions
            )
        } else {
            format!(
                "rejudge: {} assertions could not be re-judged: redacted values decide them{}",
                outcome.redacted_assertions,
                if outcome.redacted_assertions > 0 {
                    " (the certifier's --redaction-key reveals them)"
                } else {
                    ""
                }
            )
        },
    ));
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
