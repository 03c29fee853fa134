//! What a person sees in the terminal: one line per finished case while the
//! run goes on, then each failing case with the requirement it breaks and
//! what was expected versus received, the counts, the per-class verdicts and
//! where the report was written.
//!
//! Much of it is target-controlled (received values, problem titles and
//! details, reasons, URLs, header values): every value is passed through
//! [`konform_report::text::for_terminal`] before it is printed or painted,
//! so a target can neither send escape sequences to the terminal nor start
//! a new line in a CI log.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use konform_model::report::{
    ClassVerdict, DeviationStatus, OverallVerdict, Report, RequirementResult, StepRole, Verdict,
};
use konform_report::deviations::excusing;
use konform_report::text::for_terminal as safe;
use konform_runner::{EventSink, RunEvent};

/// ANSI styling, only when writing to a terminal and `NO_COLOR` is unset.
#[derive(Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    pub fn detect() -> Self {
        Self {
            color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    pub fn plain() -> Self {
        Self { color: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn verdict(&self, v: Verdict) -> String {
        let label = format!("{:>5}", v.as_str().to_ascii_uppercase());
        match v {
            Verdict::Pass => self.paint("32", &label),
            Verdict::Fail => self.paint("1;31", &label),
            Verdict::Error => self.paint("1;35", &label),
            Verdict::Skip => self.paint("33", &label),
        }
    }
}

/// Prints one line per finished case.
pub struct Progress {
    suite: String,
    quiet: bool,
    style: Style,
    out: Mutex<Box<dyn Write + Send>>,
}

impl Progress {
    pub fn new(suite: String, quiet: bool, style: Style, out: Box<dyn Write + Send>) -> Self {
        Self {
            suite,
            quiet,
            style,
            out: Mutex::new(out),
        }
    }
}

impl EventSink for Progress {
    fn on_event(&self, event: &RunEvent<'_>) {
        let RunEvent::CaseFinished { result, .. } = event else {
            return;
        };
        if self.quiet && matches!(result.verdict, Verdict::Pass | Verdict::Skip) {
            return;
        }
        let Ok(mut out) = self.out.lock() else {
            return;
        };
        let time = if result.verdict == Verdict::Skip {
            " ".repeat(9)
        } else {
            format!("[{:>5}ms]", result.duration_ms)
        };
        let _ = writeln!(
            out,
            "    {} {time} {}::{}",
            self.style.verdict(result.verdict),
            safe(&self.suite),
            safe(&result.id)
        );
    }
}

fn step_label(index: usize, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("step {} `{}`", index + 1, safe(name)),
        None => format!("step {}", index + 1),
    }
}

fn requirement<'r>(report: &'r Report, id: &str) -> Option<&'r RequirementResult> {
    report.requirements.iter().find(|r| r.id == id)
}

/// The end-of-run summary for one report.
pub fn summary(report: &Report, report_path: Option<&str>, style: Style) -> String {
    let mut s = summary_body(report, style);
    if let Some(path) = report_path {
        s.push_str(&format!("  report:  {}\n", safe(path)));
    }
    s
}

fn summary_body(report: &Report, style: Style) -> String {
    let mut s = String::new();
    let suite = safe(&format!("{}@{}", report.suite.id, report.suite.version)).into_owned();
    let (expected, problems): (Vec<_>, Vec<_>) = report
        .cases
        .iter()
        .filter(|c| matches!(c.verdict, Verdict::Fail | Verdict::Error))
        .partition(|c| excusing(report, c).is_some());
    if !problems.is_empty() {
        s.push_str(&format!("\n{}\n", style.paint("1", "Failures and errors:")));
    }
    for case in problems {
        case_detail(&mut s, report, &suite, case, style);
    }
    if !expected.is_empty() {
        s.push_str(&format!(
            "\n{}\n",
            style.paint(
                "1",
                "Known deviations (expected failures; they still count against conformance):"
            )
        ));
    }
    for case in &expected {
        s.push_str(&format!(
            "\n  {} {suite}::{} — {}\n",
            style.paint("33", "XFAIL"),
            safe(&case.id),
            safe(&case.title)
        ));
        if let Some(d) = excusing(report, case) {
            s.push_str(&format!(
                "        known deviation ({}): {}{}\n",
                safe(&d.label()),
                safe(&d.justification),
                d.expires
                    .as_deref()
                    .map(|e| format!(" [until {}]", safe(e)))
                    .unwrap_or_default()
            ));
        }
        for id in konform_report::judge::blamed(case) {
            s.push_str(&format!("        breaks {}\n", safe(&id)));
        }
    }
    let notes: Vec<String> = report
        .run
        .known_deviations
        .iter()
        .filter_map(|d| {
            let label = safe(&d.label()).into_owned();
            match d.status {
                DeviationStatus::StillFailing => None,
                DeviationStatus::NowPassing => Some(format!(
                    "known deviation {label} now passes: remove it from the target file"
                )),
                DeviationStatus::Expired => Some(format!(
                    "known deviation {label} expired on {}: it excuses nothing any more",
                    safe(d.expires.as_deref().unwrap_or("?"))
                )),
                DeviationStatus::Unknown => Some(format!(
                    "known deviation {label} was not decided by this run (skipped, an error or not selected)"
                )),
            }
        })
        .collect();
    if !notes.is_empty() {
        s.push('\n');
    }
    for note in notes {
        s.push_str(&format!("  {} {note}\n", style.paint("1;33", "note:")));
    }
    summary_counts(&mut s, report, &suite, expected.len(), style);
    s
}

/// One failing or erroring case: what it breaks, the failed checks, the
/// exchange that decided it.
fn case_detail(
    s: &mut String,
    report: &Report,
    suite: &str,
    case: &konform_model::report::CaseResult,
    style: Style,
) {
    {
        s.push_str(&format!(
            "\n  {} {suite}::{} — {}\n",
            style.verdict(case.verdict),
            safe(&case.id),
            safe(&case.title)
        ));
        for id in konform_report::judge::blamed(case) {
            if let Some(r) = requirement(report, &id) {
                s.push_str(&format!(
                    "        breaks {} ({}): {} [{}]\n",
                    safe(&r.id),
                    r.level.as_str(),
                    safe(&r.text),
                    safe(&r.source)
                ));
            }
            for f in konform_report::judge::failed_checks(case, &id) {
                s.push_str(&format!(
                    "          {}: {}\n",
                    step_label(f.step, f.step_name.as_deref()),
                    safe(&f.describe())
                ));
            }
        }
        if case.verdict == Verdict::Error {
            let kind = case.error_kind.map(|k| k.as_str()).unwrap_or("error");
            s.push_str(&format!(
                "        {kind}: {}\n",
                safe(case.reason.as_deref().unwrap_or("no reason recorded"))
            ));
            if !case.unverified_requirements.is_empty() {
                s.push_str(&format!(
                    "        unverified: {}\n",
                    safe(&case.unverified_requirements.join(", "))
                ));
            }
        }
        let deciding = case
            .steps
            .iter()
            .rev()
            .find(|st| st.role != Some(StepRole::Cleanup));
        if let Some(step) = deciding {
            let status = step
                .response
                .as_ref()
                .map(|r| r.status.to_string())
                .unwrap_or_else(|| "no response".into());
            s.push_str(&format!(
                "        exchange: {} {} → {status}\n",
                safe(&step.request.method),
                safe(&step.request.url)
            ));
        }
    }
}

/// The counts, the class verdicts and the overall verdict.
fn summary_counts(s: &mut String, report: &Report, suite: &str, expected: usize, style: Style) {
    let sum = &report.summary;
    let expected = if expected > 0 {
        format!(" ({expected} of them known deviations)")
    } else {
        String::new()
    };
    s.push_str(&format!(
        "\n{suite}: {} cases: {} passed, {} failed{expected}, {} errors, {} skipped [{:.2}s]\n",
        sum.cases,
        sum.pass,
        sum.fail,
        sum.error,
        sum.skip,
        report.run.duration_ms as f64 / 1000.0
    ));
    for class in &report.classes {
        let verdict = match class.verdict {
            ClassVerdict::Conformant => style.paint("32", "conformant"),
            ClassVerdict::NotConformant => style.paint(
                "1;31",
                &format!(
                    "NOT conformant (failed: {})",
                    safe(&class.failed.join(", "))
                ),
            ),
            ClassVerdict::Inconclusive => style.paint(
                "35",
                &format!(
                    "inconclusive (unverified: {})",
                    safe(&class.unverified.join(", "))
                ),
            ),
            ClassVerdict::NotClaimed => "not claimed".to_string(),
            ClassVerdict::NotSelected => "not selected".to_string(),
        };
        let warnings = if class.warnings.is_empty() {
            String::new()
        } else {
            format!("; SHOULD warnings: {}", safe(&class.warnings.join(", ")))
        };
        s.push_str(&format!(
            "  class {:<16} {verdict}{warnings}\n",
            safe(&class.id)
        ));
    }
    let overall = match report.verdict {
        OverallVerdict::Conformant => style.paint("1;32", "CONFORMANT"),
        OverallVerdict::NotConformant => style.paint("1;31", "NOT CONFORMANT"),
        OverallVerdict::Incomplete => style.paint("1;35", "INCOMPLETE"),
    };
    s.push_str(&format!("  verdict: {overall}\n"));
}

#[cfg(test)]
mod tests {
    use super::{Style, summary};
    use konform_model::report::Report;

    /// OSC 52, a screen clear, a bidi override and a line break before a
    /// GitHub Actions command: none of it is an SGR colour code.
    const EVIL: &str = "\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[2J\u{202e}\n::error file=x::pwned";

    /// A failing and an erroring case whose every text field is [`EVIL`].
    fn report() -> Report {
        let evil = EVIL;
        let case = |id: &str, verdict: &str, reason: &str| {
            serde_json::json!({
                "id": format!("{id}{evil}"), "title": evil, "class": "a",
                "requirements": ["R-1"], "verdict": verdict, "duration_ms": 3,
                "reason": reason, "failed_requirements": ["R-1"],
                "steps": [{
                    "index": 0, "name": evil,
                    "request": {"method": evil, "url": format!("http://127.0.0.1:1/{evil}"),
                                "headers": []},
                    "response": {"status": 500, "headers": [{"name": evil, "value": evil}],
                                 "body": {"size": 1, "truncated": false, "text": evil}},
                    "duration_ms": 3,
                    "assertions": [{"check": format!("status {evil}"), "passed": false,
                                    "requirements": ["R-1"],
                                    "expected": 200, "received": evil, "message": evil}]
                }]
            })
        };
        serde_json::from_value(serde_json::json!({
            "format": "konform-report/1",
            "harness": {"name": "konform", "version": "0.1.0"},
            "suite": {"id": evil, "version": "1.0.0", "title": evil, "digest": "sha256:00"},
            "interface": {"name": "evil", "version": "1.0"},
            "target": {"identity": {"operator": evil, "vendor": evil, "product": evil, "version": evil},
                       "base_url": "http://127.0.0.1:1/", "auth": "none",
                       "claimed_classes": ["a"], "claim_source": "target_file", "tls_insecure": false},
            "run": {"started_at": "2026-01-01T00:00:00Z", "finished_at": "2026-01-01T00:00:01Z",
                    "duration_ms": 1000, "jobs": 1, "complete": true},
            "cases": [case("c.fail", "fail", evil), case("c.error", "error", evil)],
            "requirements": [
                {"id": "R-1", "level": "MUST", "text": evil, "source": evil, "verdict": "fail",
                 "cases": ["c.fail"]}
            ],
            "classes": [
                {"id": "a", "title": evil, "claimed": true, "requirements": ["R-1"],
                 "verdict": "not_conformant", "failed": ["R-1"]}
            ],
            "summary": {"cases": 2, "pass": 0, "fail": 1, "error": 1, "skip": 0},
            "verdict": "not_conformant"
        }))
        .expect("hand-built report matches the model")
    }

    #[test]
    fn hostile_text_is_escaped_and_our_colours_are_not() {
        let text = summary(&report(), Some(EVIL), Style { color: true });
        // Our own colour codes are intact …
        assert!(text.contains("\u{1b}[1;31m FAIL\u{1b}[0m"), "{text:?}");
        assert!(
            text.contains("\u{1b}[1;31mNOT CONFORMANT\u{1b}[0m"),
            "{text:?}"
        );
        // … and every other ESC was the target's, now visible.
        let mut rest = text.clone();
        for code in ["\u{1b}[0m", "\u{1b}[1m", "\u{1b}[1;31m", "\u{1b}[1;35m"] {
            rest = rest.replace(code, "");
        }
        assert!(!rest.contains('\u{1b}'), "{rest:?}");
        assert!(
            !rest.contains('\u{202e}') && !rest.contains('\u{7}'),
            "{rest:?}"
        );
        assert!(rest.contains("\\e]52;c;SGVsbG8=\\u{7}\\e[2J\\u{202e}\\n::error"));
        for line in rest.lines() {
            assert!(!line.trim_start().starts_with("::"), "{line:?}");
        }
    }
}
