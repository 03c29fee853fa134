//! Re-judging a report from its own evidence, without contacting the target.
//!
//! For every case the recorded steps are replayed through the runner's own
//! checks (`konform_runner::checks::check`, with a `Compiled` built from the
//! suite): the recorded response status, headers and body text stand in for
//! the live response. Captures are re-derived from the recorded responses as
//! the runner takes them; `unique` values are re-derived from the recorded
//! requests by matching each request template (path, query, headers, JSON or
//! raw body) against what was sent. Fixtures come from the suite (a target
//! file's fixture overrides are not in the report).
//!
//! A case is *not re-judgeable* — and keeps its recorded verdict, which is
//! said — when its evidence cannot decide it: no response was recorded (a
//! transport error), a body needed by a check was truncated, a value cannot
//! be re-derived, the case timed out, or the case stopped before sending a
//! request. A recorded `pass` is never accepted that way: a passing case must
//! have complete evidence. The case verdicts are then judged again with
//! `konform_report::judge` and compared with the recorded requirement, class
//! and overall verdicts and the summary.

use std::collections::HashMap;

use http::{HeaderMap, HeaderName, HeaderValue};
use konform_model::report::{CaseResult, ErrorKind, Report, StepEvidence, StepRole, Verdict};
use konform_model::suite::{Case, Step};
use konform_runner::Compiled;
use konform_runner::checks::{self, ResponseView};
use konform_suite::LoadedSuite;
use konform_suite::template::{self, Namespace, Segment, Var};
use serde_json::Value;

/// What re-judging found.
#[derive(Debug, Default)]
pub struct Rejudged {
    /// Cases whose verdict was re-derived from the evidence.
    pub rejudged: usize,
    /// `(case id, why)` for cases the evidence cannot decide.
    pub not_rejudgeable: Vec<(String, String)>,
    /// Every disagreement, one line each (case, requirement, class, overall, summary).
    pub mismatches: Vec<String>,
}

/// Re-judges `report` against `suite`. Err only when the suite does not compile.
pub fn rejudge(report: &Report, suite: &LoadedSuite) -> Result<Rejudged, String> {
    let compiled = Compiled::new(&suite.cases, suite.schemas.iter())
        .map_err(|e| format!("{}: {e}", suite.id()))?;
    let mut out = Rejudged::default();
    let mut cases = Vec::with_capacity(report.cases.len());
    for recorded in &report.cases {
        let Some(case) = suite.cases.iter().find(|c| c.id == recorded.id) else {
            out.mismatches
                .push(format!("case {}: not in suite {}", recorded.id, suite.id()));
            cases.push(recorded.clone());
            continue;
        };
        let verdict = match judge_case(case, recorded, report, suite, &compiled) {
            Judged::Verdict(v, why) => {
                out.rejudged += 1;
                if v != recorded.verdict {
                    out.mismatches.push(format!(
                        "case {}: recorded {}, but the evidence says {v}{}",
                        case.id,
                        recorded.verdict,
                        why.map(|w| format!(" ({w})")).unwrap_or_default()
                    ));
                }
                v
            }
            Judged::Undecidable(why) if recorded.verdict == Verdict::Pass => {
                out.mismatches.push(format!(
                    "case {}: recorded pass, but the evidence cannot show it ({why})",
                    case.id
                ));
                Verdict::Error
            }
            Judged::Undecidable(why) => {
                out.not_rejudgeable.push((case.id.clone(), why));
                recorded.verdict
            }
            // Redaction is deliberate: the recorded verdict stands, and the
            // case is listed as not re-judgeable (what is left is still checked).
            Judged::Redacted(why) => {
                out.not_rejudgeable
                    .push((case.id.clone(), format!("{why} (redacted)")));
                recorded.verdict
            }
        };
        let mut result = recorded.clone();
        result.verdict = verdict;
        cases.push(result);
    }
    for case in &suite.cases {
        if !report.cases.iter().any(|c| c.id == case.id) {
            out.mismatches.push(format!(
                "case {}: in the suite but missing from the report",
                case.id
            ));
        }
    }
    let judged = konform_report::judge(
        &suite.manifest,
        &cases,
        &report.target.claimed_classes,
        &report.run.class_filter,
        report.run.complete,
    );
    for r in &judged.requirements {
        match report.requirements.iter().find(|x| x.id == r.id) {
            Some(x) if x.verdict == r.verdict => {}
            Some(x) => out.mismatches.push(format!(
                "requirement {}: recorded {:?}, re-judged {:?}",
                r.id, x.verdict, r.verdict
            )),
            None => out
                .mismatches
                .push(format!("requirement {}: missing from the report", r.id)),
        }
    }
    for c in &judged.classes {
        match report.classes.iter().find(|x| x.id == c.id) {
            Some(x) if x.verdict == c.verdict => {}
            Some(x) => out.mismatches.push(format!(
                "class {}: recorded {:?}, re-judged {:?}",
                c.id, x.verdict, c.verdict
            )),
            None => out
                .mismatches
                .push(format!("class {}: missing from the report", c.id)),
        }
    }
    if judged.summary != report.summary {
        out.mismatches.push(format!(
            "summary: recorded {:?}, re-judged {:?}",
            report.summary, judged.summary
        ));
    }
    if judged.verdict != report.verdict {
        out.mismatches.push(format!(
            "overall verdict: recorded {:?}, re-judged {:?}",
            report.verdict, judged.verdict
        ));
    }
    Ok(out)
}

enum Judged {
    /// The verdict the evidence supports, and why when not `pass`.
    Verdict(Verdict, Option<String>),
    /// The evidence cannot decide the case.
    Undecidable(String),
    /// Redaction (personal data, secrets) removed what decides the case.
    Redacted(String),
}

/// Redaction tokens written by the runner (`[personal:…]`, `[secret:…]`).
fn holds_redaction(text: &str) -> bool {
    text.contains("[personal:") || text.contains("[secret:")
}

fn judge_case(
    case: &Case,
    recorded: &CaseResult,
    report: &Report,
    suite: &LoadedSuite,
    compiled: &Compiled,
) -> Judged {
    let claimed = report.target.claimed_classes.contains(&case.class);
    let filter = &report.run.class_filter;
    if !claimed || (!filter.is_empty() && !filter.contains(&case.class)) {
        return Judged::Verdict(
            Verdict::Skip,
            Some("class not claimed or not selected".into()),
        );
    }
    if recorded.verdict == Verdict::Skip && recorded.steps.is_empty() {
        return Judged::Undecidable("skipped before any request was sent".into());
    }
    let timed_out = match recorded.error_kind {
        Some(kind) => kind == ErrorKind::Timeout,
        // Format 1 reports carry no error kind.
        None => recorded
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("did not finish within")),
    };
    if timed_out {
        return Judged::Undecidable("the case timed out".into());
    }
    if recorded.error_kind == Some(ErrorKind::Flaky) {
        return Judged::Undecidable("the verdict differed between repetitions".into());
    }
    let mut state = Replay {
        case,
        suite,
        captures: HashMap::new(),
        unique: HashMap::new(),
        underivable: None,
    };
    // Cleanup (`finally`) steps decide nothing.
    let recorded_steps: Vec<&StepEvidence> = recorded
        .steps
        .iter()
        .filter(|s| s.role != Some(StepRole::Cleanup))
        .collect();
    if recorded_steps.len() > case.steps.len() {
        return Judged::Verdict(
            Verdict::Error,
            Some(format!(
                "evidence holds {} steps, the case has {}",
                recorded_steps.len(),
                case.steps.len()
            )),
        );
    }
    for (index, evidence) in recorded_steps.iter().copied().enumerate() {
        let step = &case.steps[index];
        if evidence.index != index {
            return Judged::Verdict(Verdict::Error, Some("steps out of order".into()));
        }
        match state.step(step, evidence, compiled) {
            StepOutcome::Continue => {}
            StepOutcome::Stop(v, why) => return Judged::Verdict(v, Some(why)),
            StepOutcome::Undecidable(why) => {
                return Judged::Undecidable(format!("step {}: {why}", index + 1));
            }
            StepOutcome::Redacted(why) => {
                return Judged::Redacted(format!("step {}: {why}", index + 1));
            }
        }
    }
    if recorded_steps.len() < case.steps.len() {
        return Judged::Undecidable(format!(
            "stopped before step {} sent a request",
            recorded_steps.len() + 1
        ));
    }
    Judged::Verdict(Verdict::Pass, None)
}

enum StepOutcome {
    Continue,
    Stop(Verdict, String),
    Undecidable(String),
    Redacted(String),
}

struct Replay<'a> {
    case: &'a Case,
    suite: &'a LoadedSuite,
    captures: HashMap<String, Value>,
    unique: HashMap<String, Value>,
    underivable: Option<String>,
}

impl Replay<'_> {
    fn lookup(&self, var: &Var) -> Option<Value> {
        match var.ns {
            Namespace::Fixtures => self
                .case
                .fixtures
                .get(&var.name)
                .or_else(|| self.suite.manifest.fixtures.get(&var.name))
                .cloned(),
            Namespace::Captures => self.captures.get(&var.name).cloned(),
            Namespace::Unique => self.unique.get(&var.name).cloned(),
        }
    }

    fn step(&mut self, step: &Step, evidence: &StepEvidence, compiled: &Compiled) -> StepOutcome {
        self.derive_unique(step, evidence);
        let Some(response) = &evidence.response else {
            return StepOutcome::Undecidable("no response was recorded".into());
        };
        let mut headers = HeaderMap::new();
        for h in &response.headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(h.name.as_bytes()),
                HeaderValue::from_str(&h.value),
            ) {
                headers.append(n, v);
            }
        }
        let body_text = response
            .body
            .as_ref()
            .map(|b| b.text.as_str())
            .unwrap_or("");
        if konform_runner::exchange::unexpectedly_unavailable(
            step.expect.status.as_ref(),
            response.status,
        ) {
            return StepOutcome::Stop(
                Verdict::Error,
                format!("the target is unavailable: it answered {}", response.status),
            );
        }
        let truncated = response.body.as_ref().is_some_and(|b| b.truncated);
        let needs_body = step.expect.problem.is_some()
            || step.expect.schema.is_some()
            || !step.expect.body.is_empty()
            || step.capture.values().any(|c| c.pointer.is_some());
        let status_ok = step
            .expect
            .status
            .as_ref()
            .is_none_or(|s| s.accepts(response.status));
        if truncated && needs_body && status_ok {
            return StepOutcome::Undecidable("the recorded response body is truncated".into());
        }
        let view = ResponseView {
            status: response.status,
            headers: &headers,
            body: body_text.as_bytes(),
        };
        self.underivable = None;
        let attribution = &self.suite.manifest.attribution;
        let attr = checks::Attributor::for_step(self.case, step, attribution);
        let checked = {
            let this = &mut *self;
            checks::check(
                &step.expect,
                &step.capture,
                &view,
                compiled,
                &attr,
                &mut |v: &Value| {
                    let lookup = |var: &Var| this.lookup(var);
                    template::render_value(v, &lookup).map_err(|e| {
                        if let template::RenderError::Undefined(u) = &e
                            && u.var.ns == Namespace::Unique
                        {
                            this.underivable = Some(format!("{} cannot be re-derived", u.var));
                        }
                        e.to_string()
                    })
                },
            )
        };
        if let Some(why) = self.underivable.take() {
            let request = serde_json::to_string(&evidence.request).unwrap_or_default();
            if holds_redaction(&request) {
                return StepOutcome::Redacted(format!("{why}: the request was redacted"));
            }
            return StepOutcome::Undecidable(why);
        }
        if let Some(failed) = checked.first_failure() {
            let text = serde_json::to_string(failed).unwrap_or_default();
            if holds_redaction(&text) {
                return StepOutcome::Redacted(format!("redacted values decide `{}`", failed.check));
            }
            // As the runner: a failed check that blames a requirement is a
            // `fail`; one that blames none (a precondition) is an `error`.
            let blamed = checked
                .outcomes
                .iter()
                .find(|o| !o.passed && !o.requirements.is_empty());
            return match blamed {
                Some(b) => StepOutcome::Stop(Verdict::Fail, b.describe()),
                None => StepOutcome::Stop(
                    Verdict::Error,
                    format!("precondition not met: {}", failed.describe()),
                ),
            };
        }
        if let Some((_, e)) = checked.error {
            return StepOutcome::Stop(Verdict::Error, e);
        }
        self.captures.extend(checked.captured);
        StepOutcome::Continue
    }

    /// Finds this step's `unique` values in the recorded request.
    fn derive_unique(&mut self, step: &Step, evidence: &StepEvidence) {
        let req = &step.request;
        let sent = &evidence.request;
        let url = url::Url::parse(&sent.url).ok();
        let mut pairs: Vec<(String, String, bool)> = Vec::new();
        if let Some(url) = &url {
            let path = percent_encoding::percent_decode_str(url.path())
                .decode_utf8_lossy()
                .into_owned();
            if req.path.starts_with("http://") || req.path.starts_with("https://") {
                pairs.push((req.path.clone(), url.to_string(), true));
            } else {
                pairs.push((req.path.clone(), path, false));
            }
            for (k, v) in &req.query {
                if let (Value::String(t), Some((_, actual))) =
                    (v, url.query_pairs().find(|(n, _)| n == k))
                {
                    pairs.push((t.clone(), actual.into_owned(), true));
                }
            }
        }
        for (name, t) in &req.headers {
            if let Some(h) = sent
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
            {
                pairs.push((t.clone(), h.value.clone(), true));
            }
        }
        let body = sent
            .body
            .as_ref()
            .filter(|b| !b.truncated)
            .map(|b| b.text.as_str());
        if let (Some(t), Some(text)) = (&req.json, body)
            && let Ok(actual) = serde_json::from_str::<Value>(text)
        {
            collect_json(t, &actual, &mut pairs);
        }
        if let (Some(t), Some(text)) = (&req.body, body) {
            pairs.push((t.clone(), text.to_string(), true));
        }
        for (t, actual, anchored) in pairs {
            self.match_template(&t, &actual, anchored);
        }
    }

    fn match_template(&mut self, t: &str, actual: &str, anchored_start: bool) {
        let Ok(parsed) = template::parse(t) else {
            return;
        };
        let wanted: Vec<String> = parsed
            .vars()
            .filter(|(v, _)| v.ns == Namespace::Unique && !self.unique.contains_key(&v.name))
            .map(|(v, _)| v.name.clone())
            .collect();
        if wanted.is_empty() {
            return;
        }
        let mut pattern = String::from(if anchored_start { "(?s)^" } else { "(?s)" });
        let mut groups = Vec::new();
        for seg in &parsed.segments {
            match seg {
                Segment::Literal(l) => pattern.push_str(&regex::escape(l)),
                Segment::Var(v, _) => match self.lookup(v) {
                    Some(Value::String(s)) => pattern.push_str(&regex::escape(&s)),
                    Some(other) => pattern.push_str(&regex::escape(&other.to_string())),
                    None if v.ns == Namespace::Unique && !groups.contains(&v.name) => {
                        groups.push(v.name.clone());
                        pattern.push_str("(.+?)");
                    }
                    None => pattern.push_str(".*?"),
                },
            }
        }
        pattern.push('$');
        let Ok(re) = regex::Regex::new(&pattern) else {
            return;
        };
        if let Some(caps) = re.captures(actual) {
            for (i, name) in groups.iter().enumerate() {
                if let Some(m) = caps.get(i + 1) {
                    self.unique
                        .insert(name.clone(), Value::String(m.as_str().to_string()));
                }
            }
        }
    }
}

/// Pairs every template string in `t` with the string at the same place in `actual`.
fn collect_json(t: &Value, actual: &Value, out: &mut Vec<(String, String, bool)>) {
    match (t, actual) {
        (Value::String(s), Value::String(a)) if s.contains("{{") => {
            out.push((s.clone(), a.clone(), true));
        }
        (Value::Array(ts), Value::Array(as_)) => {
            for (t, a) in ts.iter().zip(as_) {
                collect_json(t, a, out);
            }
        }
        (Value::Object(tm), Value::Object(am)) => {
            for (k, t) in tm {
                if let Some(a) = am.get(k) {
                    collect_json(t, a, out);
                }
            }
        }
        _ => {}
    }
}
