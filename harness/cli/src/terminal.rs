//! What a person sees in the terminal: while the run goes on, a one-line
//! progress bar with the counts on an interactive terminal (failures printed
//! above it) or one plain line per finished case elsewhere (CI, pipes: no
//! `\r`, no escape sequences); then each failing case with the text of the
//! requirement it breaks, the request, and expected versus received (a line
//! diff of pretty-printed JSON for structured values), at most
//! [`MAX_DETAILED`] of them; then the counts, the per-class verdicts and
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
    CaseResult, ClassVerdict, DeviationStatus, OverallVerdict, Report, RequirementResult, StepRole,
    Verdict,
};
use konform_report::deviations::excusing;
use konform_report::text::for_terminal as safe;
use konform_runner::{EventSink, RunEvent};

/// When to colour the output (`--color`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set (or forced by `CLICOLOR_FORCE`).
    #[default]
    Auto,
    Always,
    Never,
}

/// ANSI styling: never for a pipe or a file, nor with `NO_COLOR`.
#[derive(Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    pub fn detect(choice: ColorChoice) -> Self {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => auto_color(
                |name| std::env::var_os(name),
                std::io::stdout().is_terminal(),
            ),
        };
        Self { color }
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

/// `--color auto`: `NO_COLOR` (set and not empty) turns colour off,
/// `CLICOLOR_FORCE` (set, not empty, not `0`) on; otherwise colour when the
/// output is a terminal that is not `TERM=dumb`.
fn auto_color(var: impl Fn(&str) -> Option<std::ffi::OsString>, terminal: bool) -> bool {
    if var("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if var("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    terminal && var("TERM").is_none_or(|t| t != "dumb")
}

/// Whether the run may draw a progress bar: stdout is an interactive
/// terminal (not a pipe, a file or CI's log) that can move the cursor.
pub fn interactive() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// How much the run prints while it goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verbosity {
    /// Only failures and errors (`--quiet`).
    Quiet,
    /// One line per case (on a terminal: the bar, and failures above it).
    Normal,
    /// Every step of every case with its request and status, and the whole
    /// detail of a failure (`--verbose`).
    Verbose,
}

/// Counts of the cases done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub done: usize,
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub skip: usize,
}

/// Width of the bar itself, in cells.
const BAR_CELLS: usize = 24;

/// The one-line status an interactive run redraws in place (without the
/// leading `\r` and the line clear), at most `columns` characters:
/// `[=========>              ]  120/452  118 passed, 1 failed, 1 error  meldewesen@1.1.0`.
pub fn render_bar(suite: &str, c: &Counts, columns: usize, style: Style) -> String {
    let filled = (c.done.min(c.total) * BAR_CELLS)
        .checked_div(c.total)
        .unwrap_or(BAR_CELLS);
    let mut bar = "=".repeat(filled);
    if filled < BAR_CELLS {
        bar.push('>');
        bar.push_str(&" ".repeat(BAR_CELLS - filled - 1));
    }
    let width = c.total.to_string().len();
    let counts = format!(
        "{:>width$}/{}  {} passed, {} failed, {} {}",
        c.done,
        c.total,
        c.pass,
        c.fail,
        c.error,
        if c.error == 1 { "error" } else { "errors" }
    );
    let plain = format!("[{bar}] {counts}  ");
    // The suite name fills what is left of the line, cut so that the line
    // never wraps (a wrapped line cannot be redrawn with `\r`).
    let room = columns.saturating_sub(plain.chars().count() + 1);
    let name: String = safe(suite).chars().take(room).collect();
    let failed = c.fail + c.error > 0;
    let painted_bar = style.paint(if failed { "31" } else { "32" }, &bar);
    format!("[{painted_bar}] {counts}  {name}")
}

/// Columns of the terminal: `COLUMNS` when set, else 80.
fn columns() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .filter(|c: &usize| *c >= 20)
        .unwrap_or(80)
}

/// Reports a run as it goes on. On an interactive terminal a one-line bar
/// with the counts is redrawn in place and failures are printed above it;
/// elsewhere (CI, pipes) one plain line per finished case, never a `\r`.
pub struct Progress {
    suite: String,
    verbosity: Verbosity,
    style: Style,
    /// Draw the bar (the output is an interactive terminal).
    bar: bool,
    /// For the detail of a failure under `--verbose`.
    requirements: Vec<RequirementText>,
    state: Mutex<ProgressState>,
}

struct ProgressState {
    out: Box<dyn Write + Send>,
    counts: Counts,
    /// The bar is on screen and must be cleared before a line is printed.
    drawn: bool,
}

impl Progress {
    pub fn new(
        suite: String,
        verbosity: Verbosity,
        style: Style,
        bar: bool,
        requirements: Vec<RequirementText>,
        out: Box<dyn Write + Send>,
    ) -> Self {
        Self {
            suite,
            verbosity,
            style,
            bar,
            requirements,
            state: Mutex::new(ProgressState {
                out,
                counts: Counts::default(),
                drawn: false,
            }),
        }
    }

    /// The line of a finished case, and under `--verbose` its steps and,
    /// for a failure, the whole detail.
    fn case_lines(&self, result: &CaseResult) -> String {
        let time = if result.verdict == Verdict::Skip {
            " ".repeat(9)
        } else {
            format!("[{:>5}ms]", result.duration_ms)
        };
        let mut s = format!(
            "    {} {time} {}::{}\n",
            self.style.verdict(result.verdict),
            safe(&self.suite),
            safe(&result.id)
        );
        if self.verbosity == Verbosity::Verbose {
            for step in &result.steps {
                let status = step
                    .response
                    .as_ref()
                    .map(|r| r.status.to_string())
                    .unwrap_or_else(|| "no response".into());
                let role = match step.role {
                    Some(StepRole::Precondition) => " (precondition)",
                    Some(StepRole::Cleanup) => " (cleanup)",
                    None => "",
                };
                let failed = step.assertions.iter().filter(|a| !a.passed).count();
                let n = step.assertions.len();
                let plural = if n == 1 { "check" } else { "checks" };
                let checks = if failed > 0 {
                    self.style
                        .paint("31", &format!("{failed} of {n} {plural} failed"))
                } else {
                    format!("{n} {plural}")
                };
                s.push_str(&format!(
                    "          {}{role}: {} {} → {status} [{}ms] {checks}\n",
                    step_label(step.index, step.name.as_deref()),
                    safe(&step.request.method),
                    safe(path_of(&step.request.url)),
                    step.duration_ms
                ));
                if let Some(error) = &step.error {
                    s.push_str(&format!("            error: {}\n", safe(&shorten(error))));
                }
            }
            if matches!(result.verdict, Verdict::Fail | Verdict::Error) {
                case_detail(&mut s, &self.requirements, &self.suite, result, self.style);
            }
        }
        s
    }
}

impl EventSink for Progress {
    fn on_event(&self, event: &RunEvent<'_>) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let state = &mut *state;
        let mut text = String::new();
        match event {
            RunEvent::Started { total } => state.counts.total = *total,
            RunEvent::CaseFinished {
                result,
                finished,
                total,
            } => {
                let c = &mut state.counts;
                c.done = *finished;
                c.total = *total;
                match result.verdict {
                    Verdict::Pass => c.pass += 1,
                    Verdict::Fail => c.fail += 1,
                    Verdict::Error => c.error += 1,
                    Verdict::Skip => c.skip += 1,
                }
                let problem = matches!(result.verdict, Verdict::Fail | Verdict::Error);
                let shown = match self.verbosity {
                    Verbosity::Quiet => problem,
                    // The bar counts the passes; the lines above it are
                    // what needs a look.
                    Verbosity::Normal => problem || !self.bar,
                    Verbosity::Verbose => true,
                };
                if shown {
                    text = self.case_lines(result);
                }
            }
            RunEvent::Finished { .. } => {
                if state.drawn {
                    let _ = write!(state.out, "\r\x1b[2K");
                    let _ = state.out.flush();
                    state.drawn = false;
                }
                return;
            }
        }
        if self.bar {
            let line = render_bar(&self.suite, &state.counts, columns(), self.style);
            let _ = write!(state.out, "\r\x1b[2K{text}{line}");
            state.drawn = true;
        } else {
            let _ = write!(state.out, "{text}");
        }
        let _ = state.out.flush();
    }
}

fn step_label(index: usize, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("step {} `{}`", index + 1, safe(name)),
        None => format!("step {}", index + 1),
    }
}

/// What a failure's detail says about a requirement: level, text, source.
#[derive(Clone, Debug)]
pub struct RequirementText {
    pub id: String,
    pub level: &'static str,
    pub text: String,
    pub source: String,
}

/// The requirement texts of a report.
fn texts_of_report(report: &Report) -> Vec<RequirementText> {
    report
        .requirements
        .iter()
        .map(|r: &RequirementResult| RequirementText {
            id: r.id.clone(),
            level: r.level.as_str(),
            text: r.text.clone(),
            source: r.source.clone(),
        })
        .collect()
}

/// The requirement texts of a suite (for `--verbose`, before the report exists).
pub fn texts_of_suite(suite: &konform_suite::LoadedSuite) -> Vec<RequirementText> {
    suite
        .manifest
        .requirements
        .iter()
        .map(|r| RequirementText {
            id: r.id.clone(),
            level: r.level.as_str(),
            text: r.text.clone(),
            source: r.source.clone(),
        })
        .collect()
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
    let texts = texts_of_report(report);
    for case in problems.iter().take(MAX_DETAILED) {
        case_detail(&mut s, &texts, &suite, case, style);
    }
    if problems.len() > MAX_DETAILED {
        s.push_str(&format!(
            "\n  … and {} more failures and errors, see the report\n",
            problems.len() - MAX_DETAILED
        ));
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
    for case in expected.iter().take(MAX_DETAILED) {
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
    if expected.len() > MAX_DETAILED {
        s.push_str(&format!(
            "\n  … and {} more expected failures, see the report\n",
            expected.len() - MAX_DETAILED
        ));
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

/// One failing or erroring case: the text of each requirement it breaks,
/// each failed check with its request and expected versus received, and
/// for an error why the test could not be carried out.
fn case_detail(
    s: &mut String,
    requirements: &[RequirementText],
    suite: &str,
    case: &CaseResult,
    style: Style,
) {
    s.push_str(&format!(
        "\n  {} {suite}::{} — {}\n",
        style.verdict(case.verdict),
        safe(&case.id),
        safe(&case.title)
    ));
    let exchange = |index: usize| {
        case.steps.iter().find(|st| st.index == index).map(|step| {
            let status = step
                .response
                .as_ref()
                .map(|r| r.status.to_string())
                .unwrap_or_else(|| "no response".into());
            format!(
                "{} {} → {status}",
                safe(&step.request.method),
                safe(path_of(&step.request.url))
            )
        })
    };
    for id in konform_report::judge::blamed(case) {
        match requirements.iter().find(|r| r.id == id) {
            Some(r) => s.push_str(&format!(
                "        breaks {} ({}): {} [{}]\n",
                safe(&r.id),
                r.level,
                safe(&r.text),
                safe(&r.source)
            )),
            None => s.push_str(&format!("        breaks {}\n", safe(&id))),
        }
        let mut last_step = None;
        for f in konform_report::judge::failed_checks(case, &id) {
            // The request once per step, then each of its failed checks.
            if last_step != Some(f.step) {
                s.push_str(&format!(
                    "          {}: {}\n",
                    step_label(f.step, f.step_name.as_deref()),
                    exchange(f.step).unwrap_or_default()
                ));
                last_step = Some(f.step);
            }
            if is_structured(f.expected.as_ref()) || is_structured(f.received.as_ref()) {
                // A JSON value: the check, then a line diff.
                let message = f
                    .message
                    .as_deref()
                    .map(|m| format!(" ({})", safe(&shorten(m))))
                    .unwrap_or_default();
                s.push_str(&format!(
                    "            {}{message}\n",
                    style.paint("1", &safe(&f.check))
                ));
                expected_received(
                    s,
                    f.expected.as_ref(),
                    f.received.as_ref(),
                    "              ",
                    style,
                );
            } else {
                // `status: expected 201, received 422 (title)`, or a
                // schema check with what the validator said.
                s.push_str(&format!("            {}\n", safe(&shorten(&f.describe()))));
            }
        }
    }
    if case.verdict == Verdict::Error {
        let kind = case.error_kind.map(|k| k.as_str()).unwrap_or("error");
        s.push_str(&format!(
            "        {kind}: {}\n",
            safe(&shorten(
                case.reason.as_deref().unwrap_or("no reason recorded")
            ))
        ));
        if !case.unverified_requirements.is_empty() {
            s.push_str(&format!(
                "        unverified: {}\n",
                safe(&case.unverified_requirements.join(", "))
            ));
        }
        let deciding = case
            .steps
            .iter()
            .rev()
            .find(|st| st.role != Some(StepRole::Cleanup));
        if let Some(step) = deciding {
            s.push_str(&format!(
                "        {}: {}\n",
                step_label(step.index, step.name.as_deref()),
                exchange(step.index).unwrap_or_default()
            ));
        }
    }
}

/// At most this many failing cases are detailed in the summary; the rest
/// are counted (the report has them all).
pub const MAX_DETAILED: usize = 20;

/// At most this many lines of one expected-versus-received diff.
const MAX_DIFF_LINES: usize = 30;

/// The path (and query) of a recorded request URL: `POST /meldungen`
/// reads better than the whole URL, whose origin the run's header names.
fn path_of(url: &str) -> &str {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    match url[after_scheme..].find('/') {
        Some(i) => &url[after_scheme + i..],
        None => "/",
    }
}

/// An object or an array: shown as a diff of its pretty-printed JSON.
fn is_structured(value: Option<&serde_json::Value>) -> bool {
    matches!(
        value,
        Some(serde_json::Value::Object(_) | serde_json::Value::Array(_))
    )
}

/// Expected versus received, indented by `indent`: a line diff of the
/// pretty-printed JSON (`-` expected, `+` received). Every line is target
/// text made safe with [`safe`] before it is painted.
fn expected_received(
    s: &mut String,
    expected: Option<&serde_json::Value>,
    received: Option<&serde_json::Value>,
    indent: &str,
    style: Style,
) {
    let pretty = |v: Option<&serde_json::Value>| match v {
        Some(v) => serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()) + "\n",
        None => String::new(),
    };
    let (e, r) = (pretty(expected), pretty(received));
    s.push_str(&format!(
        "{indent}{} {}\n",
        style.paint("31", "- expected"),
        style.paint("32", "+ received")
    ));
    for line in json_diff(&e, &r, MAX_DIFF_LINES) {
        let painted = match line.chars().next() {
            Some('-') => style.paint("31", &safe(&line)),
            Some('+') => style.paint("32", &safe(&line)),
            _ => safe(&line).into_owned(),
        };
        s.push_str(&format!("{indent}{painted}\n"));
    }
}

/// Cuts a one-line value at 300 characters.
fn shorten(text: &str) -> String {
    const MAX: usize = 300;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}… ({} characters)", text.chars().count())
    }
}

/// The changed lines of `expected` → `received` with two lines of context
/// around each change, marked `-`, `+` or ` `; at most `max` lines, then
/// how many more there were.
pub fn json_diff(expected: &str, received: &str, max: usize) -> Vec<String> {
    let diff = similar::TextDiff::from_lines(expected, received);
    let mut lines = Vec::new();
    for (i, group) in diff.grouped_ops(2).iter().enumerate() {
        if i > 0 {
            lines.push("  …".to_string());
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                let text = change.value().trim_end_matches(['\n', '\r']);
                lines.push(format!("{sign} {text}"));
            }
        }
    }
    if lines.len() > max {
        let more = lines.len() - max;
        lines.truncate(max);
        lines.push(format!("  … {more} more lines, see the report"));
    }
    lines
}

/// The counts, the class verdicts and the overall verdict.
fn summary_counts(s: &mut String, report: &Report, suite: &str, expected: usize, style: Style) {
    let sum = &report.summary;
    let expected = match expected {
        0 => String::new(),
        1 => " (1 of them a known deviation)".to_string(),
        n => format!(" ({n} of them known deviations)"),
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
    // The limits are shown when they held the run back or cost it requests.
    if let Some(p) = &report.run.politeness
        && (p.requests_per_second.is_some()
            || p.request_budget.is_some()
            || p.retry_after_pauses > 0
            || (p.max_in_flight_per_host as usize) < report.run.jobs)
    {
        let line = format!("  politeness: {}", p.describe());
        s.push_str(&if p.requests_refused > 0 {
            style.paint("33", &line)
        } else {
            line
        });
        s.push('\n');
    }
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
    use super::{Counts, Progress, Style, Verbosity, auto_color, json_diff, render_bar, summary};
    use konform_runner::{EventSink, RunEvent};
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[test]
    fn the_bar_shows_the_counts_and_never_wraps() {
        let counts = Counts {
            done: 120,
            total: 452,
            pass: 118,
            fail: 1,
            error: 1,
            skip: 0,
        };
        let line = render_bar("meldewesen@1.1.0", &counts, 100, Style::plain());
        assert_eq!(
            line,
            "[======>                 ] 120/452  118 passed, 1 failed, 1 error  meldewesen@1.1.0"
        );
        let done = Counts {
            done: 452,
            pass: 452,
            fail: 0,
            error: 0,
            ..counts
        };
        assert!(
            render_bar("s", &done, 100, Style::plain())
                .starts_with("[========================] 452/452  452 passed, 0 failed, 0 errors")
        );
        // A long name is cut so the line fits (a wrapped line cannot be redrawn).
        let long = "x".repeat(200);
        let line = render_bar(&long, &counts, 80, Style::plain());
        assert!(line.chars().count() < 80, "{line}");
        assert!(!line.contains(['\r', '\n']));
        // Target-chosen names cannot move the cursor.
        let line = render_bar("evil\u{1b}[2J\r", &counts, 200, Style::plain());
        assert!(!line.contains(['\u{1b}', '\r']), "{line:?}");
    }

    #[test]
    fn colour_follows_the_terminal_and_the_environment() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        assert!(auto_color(env(&[]), true));
        assert!(!auto_color(env(&[]), false));
        assert!(!auto_color(env(&[("NO_COLOR", "1")]), true));
        // An empty NO_COLOR does not count (no-color.org).
        assert!(auto_color(env(&[("NO_COLOR", "")]), true));
        assert!(!auto_color(env(&[("TERM", "dumb")]), true));
        assert!(auto_color(env(&[("CLICOLOR_FORCE", "1")]), false));
        assert!(!auto_color(env(&[("CLICOLOR_FORCE", "0")]), false));
        assert!(!auto_color(
            env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
            true
        ));
    }

    #[test]
    fn a_json_diff_marks_what_changed_with_context() {
        let e = serde_json::to_string_pretty(&serde_json::json!(
            {"a": 1, "b": [1, 2, 3, 4, 5, 6, 7], "c": "x"}
        ))
        .unwrap();
        let r = serde_json::to_string_pretty(&serde_json::json!(
            {"a": 1, "b": [1, 2, 3, 4, 5, 6, 7], "c": "y"}
        ))
        .unwrap();
        let lines = json_diff(&e, &r, 30);
        // Two lines of context on each side of the change.
        assert_eq!(
            lines,
            [
                "      7",
                "    ],",
                "-   \"c\": \"x\"",
                "+   \"c\": \"y\"",
                "  }"
            ]
        );
        let long: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        let lines = json_diff(&long.join("\n"), "", 10);
        assert_eq!(lines.len(), 11);
        assert_eq!(lines[10], "  … 90 more lines, see the report");
    }

    /// A writer the test can read back.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn feed(progress: &Progress) {
        let case = |id: &str, verdict: &str| -> konform_model::report::CaseResult {
            serde_json::from_value(serde_json::json!({
                "id": id, "title": id, "class": "a", "requirements": ["R-1"],
                "verdict": verdict, "duration_ms": 3,
                "failed_requirements": if verdict == "fail" { vec!["R-1"] } else { vec![] },
                "steps": [{
                    "index": 0, "name": "get",
                    "request": {"method": "GET", "url": "http://127.0.0.1:1/x?y=1", "headers": []},
                    "response": {"status": 500, "headers": []},
                    "duration_ms": 3,
                    "assertions": [{"check": "status", "passed": verdict == "pass",
                                    "requirements": ["R-1"], "expected": 200, "received": 500}]
                }]
            }))
            .unwrap()
        };
        progress.on_event(&RunEvent::Started { total: 2 });
        for (i, c) in [case("c.pass", "pass"), case("c.fail", "fail")]
            .iter()
            .enumerate()
        {
            progress.on_event(&RunEvent::CaseFinished {
                result: c,
                finished: i + 1,
                total: 2,
            });
        }
    }

    fn text(buffer: &Buffer) -> String {
        String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn plain_progress_prints_lines_and_verbose_the_steps() {
        let out = Buffer::default();
        let p = Progress::new(
            "s@1".into(),
            Verbosity::Normal,
            Style::plain(),
            false,
            vec![],
            Box::new(out.clone()),
        );
        feed(&p);
        assert_eq!(
            text(&out),
            "     PASS [    3ms] s@1::c.pass\n     FAIL [    3ms] s@1::c.fail\n"
        );
        let out = Buffer::default();
        let p = Progress::new(
            "s@1".into(),
            Verbosity::Quiet,
            Style::plain(),
            false,
            vec![],
            Box::new(out.clone()),
        );
        feed(&p);
        assert_eq!(text(&out), "     FAIL [    3ms] s@1::c.fail\n");
        let out = Buffer::default();
        let p = Progress::new(
            "s@1".into(),
            Verbosity::Verbose,
            Style::plain(),
            false,
            vec![],
            Box::new(out.clone()),
        );
        feed(&p);
        let t = text(&out);
        assert!(
            t.contains("          step 1 `get`: GET /x?y=1 → 500 [3ms] 1 check\n"),
            "{t}"
        );
        // A failure's whole detail follows at once.
        assert!(
            t.contains("   FAIL s@1::c.fail — c.fail\n        breaks R-1\n          step 1 `get`: GET /x?y=1 → 500\n            status: expected 200, received 500\n"),
            "{t}"
        );
        assert!(!t.contains(['\r', '\u{1b}']), "{t:?}");
    }

    #[test]
    fn the_bar_is_redrawn_in_place_with_failures_above_it() {
        let out = Buffer::default();
        let p = Progress::new(
            "s@1".into(),
            Verbosity::Normal,
            Style::plain(),
            true,
            vec![],
            Box::new(out.clone()),
        );
        feed(&p);
        let finished = konform_runner::RunOutcome {
            results: vec![],
            complete: true,
            incomplete_reason: None,
            started: std::time::SystemTime::UNIX_EPOCH,
            finished: std::time::SystemTime::UNIX_EPOCH,
        };
        p.on_event(&RunEvent::Finished { outcome: &finished });
        let t = text(&out);
        // Passes only count; the failure is printed above the bar, which is
        // cleared when the run is over.
        assert!(!t.contains("c.pass"), "{t:?}");
        assert!(
            t.contains("\r\u{1b}[2K     FAIL [    3ms] s@1::c.fail\n[="),
            "{t:?}"
        );
        assert!(
            t.contains("2/2  1 passed, 1 failed, 0 errors  s@1"),
            "{t:?}"
        );
        assert!(t.ends_with("\r\u{1b}[2K"), "{t:?}");
    }
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
