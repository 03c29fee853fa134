//! GitHub Actions annotations for a report: one workflow command per line
//! (`::error title=…::…`) that a CI step prints to its log, so that the run's
//! page shows every broken requirement next to the job.
//!
//! A failed MUST requirement becomes an `::error`, a failed SHOULD a
//! `::warning` (it does not decide conformance), a failed MAY a `::notice`
//! (informative). A MUST that could not be verified (verdict `error`) is a
//! `::warning`, and so is a run that did not complete; a shard, which alone
//! is always incomplete, gets a `::notice` that the merge decides instead.
//! Requirements that
//! passed, were skipped (not claimed, another shard), untested or withdrawn
//! are not annotated. The title names the requirement, its level and the
//! suite; the message holds the requirement's text and source and the first
//! failed checks (case, step, check, what was expected and received).
//!
//! Workflow commands are parsed by the runner from each line of the log, so
//! every value is escaped twice: first with [`crate::text::for_terminal`]
//! (no line break, control or bidi character of a target's answer or of a
//! report file survives raw, so a value can never start a line of its own,
//! `::stop-commands::` included), then by GitHub's own rules ([`data`]:
//! `%` → `%25`, CR → `%0D`, LF → `%0A`; [`property`] also `:` → `%3A` and
//! `,` → `%2C`). The only line breaks in a message are konform's own,
//! written as `%0A`.

use std::fmt::Write as _;

use konform_model::report::{
    FailedCheck, OverallVerdict, Report, RequirementResult, RequirementVerdict,
};
use konform_model::suite::Level;

use crate::render::suite_key;
use crate::text::for_terminal;

/// Failed checks quoted per requirement; the rest are counted.
const MAX_CHECKS: usize = 3;
/// Each piece of text (requirement text, source, case id …) is cut to this many characters.
const MAX_VALUE: usize = 200;
/// A failed check's description (check, expected, received, message) is cut to this many.
const MAX_CHECK: usize = 400;

/// The kind of annotation, i.e. the workflow command's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Notice,
}

impl Severity {
    /// The workflow command: `error`, `warning`, `notice`.
    pub fn command(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
        }
    }
}

/// One annotation before it is written as a workflow command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub severity: Severity,
    /// The requirement it is about (`None` for the run as a whole).
    pub requirement: Option<String>,
    pub title: String,
    /// Lines of the message (joined with `%0A`).
    pub lines: Vec<String>,
}

impl Annotation {
    /// The workflow command, one line without its line break.
    pub fn command(&self) -> String {
        let message = self
            .lines
            .iter()
            .map(|l| data(l))
            .collect::<Vec<_>>()
            .join("%0A");
        format!(
            "::{} title={}::{}",
            self.severity.command(),
            property(&self.title),
            message
        )
    }
}

/// The annotations for `report`, in the order of its requirements, the
/// run's own warning last.
pub fn annotations(report: &Report) -> Vec<Annotation> {
    let suite = suite_key(report);
    let mut out: Vec<Annotation> = report
        .requirements
        .iter()
        .filter_map(|r| requirement(&suite, r))
        .collect();
    if report.verdict == OverallVerdict::Incomplete || !report.run.complete {
        out.push(match (&report.run.shard, report.run.complete) {
            // Expected of every shard: the other shards verify the rest.
            (Some(shard), true) => Annotation {
                severity: Severity::Notice,
                requirement: None,
                title: format!("{} shard {}", one_line(&suite), one_line(shard)),
                lines: vec![
                    "a shard verifies only its own cases: the report merged from every shard \
                     (`konform report merge`) decides the verdict"
                        .into(),
                ],
            },
            _ => Annotation {
                severity: Severity::Warning,
                requirement: None,
                title: format!("{} incomplete", one_line(&suite)),
                lines: vec![one_line(
                    report
                        .run
                        .incomplete_reason
                        .as_deref()
                        .unwrap_or("not every requirement could be verified"),
                )],
            },
        });
    }
    out
}

/// Every annotation of `report` as workflow commands, one per line.
pub fn workflow_commands(report: &Report) -> String {
    let mut text = String::new();
    for a in annotations(report) {
        let _ = writeln!(text, "{}", a.command());
    }
    text
}

fn requirement(suite: &str, r: &RequirementResult) -> Option<Annotation> {
    let (severity, what) = match (r.verdict, r.level) {
        (RequirementVerdict::Fail, Level::Must) => (Severity::Error, "failed"),
        (RequirementVerdict::Fail, Level::Should) => (Severity::Warning, "failed"),
        (RequirementVerdict::Fail, Level::May) => (Severity::Notice, "failed"),
        (RequirementVerdict::Error, Level::Must) => (Severity::Warning, "could not be verified"),
        _ => return None,
    };
    let id = one_line(&r.id);
    let mut lines = vec![format!(
        "{id} ({}): {} [{}]",
        r.level.as_str(),
        one_line(&r.text),
        one_line(&r.source)
    )];
    for f in r.failures.iter().take(MAX_CHECKS) {
        lines.push(failed_check(f));
    }
    if r.failures.len() > MAX_CHECKS {
        lines.push(format!(
            "… and {} more failed checks (see the report)",
            r.failures.len() - MAX_CHECKS
        ));
    }
    if r.verdict == RequirementVerdict::Error {
        lines.push(format!(
            "cases: {} (an error, not a breach: see the report for why)",
            one_line(&r.cases.join(", "))
        ));
    }
    Some(Annotation {
        severity,
        requirement: Some(r.id.clone()),
        title: format!("{id} ({}) {what}: {}", r.level.as_str(), one_line(suite)),
        lines,
    })
}

/// `case C, step N (name): check: expected …, received … (message)`, worded
/// as the other renderers word a failed check.
fn failed_check(f: &FailedCheck) -> String {
    let mut line = format!("case {}, step {}", one_line(&f.case), f.step + 1);
    if let Some(name) = &f.step_name {
        let _ = write!(line, " ({})", one_line(name));
    }
    let _ = write!(
        line,
        ": {}",
        crate::render::shorten(&for_terminal(&f.describe()), MAX_CHECK)
    );
    line
}

/// `text` as one line, safe to show (see the module documentation), cut to
/// [`MAX_VALUE`] characters.
fn one_line(text: &str) -> String {
    crate::render::shorten(&for_terminal(text), MAX_VALUE)
}

/// The message of a workflow command, escaped by GitHub's rules.
pub fn data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// A property value of a workflow command (`title=…`), escaped by GitHub's
/// rules: as [`data`], and `:` and `,`, which end a value.
pub fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_github_rules() {
        assert_eq!(data("100% a\r\nb"), "100%25 a%0D%0Ab");
        assert_eq!(property("a:b,c%d\n"), "a%3Ab%2Cc%25d%0A");
        // `%` first: an escape already present in the text stays literal.
        assert_eq!(data("%0A"), "%250A");
    }

    #[test]
    fn target_text_cannot_start_a_command() {
        let hostile = "x\n::error title=forged::pwned\r\n::stop-commands::t\u{202e}";
        let shown = one_line(hostile);
        assert!(!shown.contains('\n') && !shown.contains('\r'));
        assert!(!shown.contains('\u{202e}'));
        let a = Annotation {
            severity: Severity::Error,
            requirement: None,
            title: shown.clone(),
            lines: vec![shown.clone(), shown],
        };
        let command = a.command();
        assert_eq!(command.lines().count(), 1);
        assert!(command.starts_with("::error title=x\\n%3A%3Aerror title=forged%3A%3Apwned"));
        // Only our own line break, escaped.
        assert_eq!(command.matches("%0A").count(), 1);
    }
}
