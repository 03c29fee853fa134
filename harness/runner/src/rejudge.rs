//! Re-judging a report from its own evidence, without contacting the target.
//!
//! For every case the recorded steps are replayed through the runner's own
//! step judgement ([`crate::judge_step`], with a `Compiled` built from the
//! suite): the recorded response status, headers and body text stand in for
//! the live response. Captures are re-derived from the recorded responses as
//! the runner takes them; `unique` values are re-derived from the recorded
//! requests by matching each request template (path, query, headers, JSON or
//! raw body) against what was sent. Fixtures come from the suite (a target
//! file's fixture overrides are not in the report).
//!
//! Redacted values: with the run's redaction key (`--redaction-key`, the
//! certifier keeps it) every personal value is revealed first and every
//! assertion is re-judged. Without it, an assertion whose values hold a
//! redaction token (or a schema check over a body that holds one) cannot be
//! re-judged: such assertions are counted, and a recorded `pass` that rests
//! on one is not accepted — a forger could have flipped exactly that verdict.
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
use konform_model::report::{
    BodyEvidence, CaseResult, ErrorKind, Report, StepEvidence, StepRole, Verdict,
};
use konform_model::suite::{Case, Step};
use konform_suite::LoadedSuite;
use konform_suite::template::{self, Namespace, Segment, Var};
use serde_json::Value;

use crate::Compiled;
use crate::checks::ResponseView;
use crate::judge_step::{self, StepStop};
use crate::redact::{RedactionKey, holds_token};

/// What re-judging found.
#[derive(Debug, Default)]
pub struct Rejudged {
    /// Cases whose verdict was re-derived from the evidence.
    pub rejudged: usize,
    /// `(case id, why)` for cases the evidence cannot decide.
    pub not_rejudgeable: Vec<(String, String)>,
    /// Assertions that could not be re-judged because redacted values
    /// decide them (none when the redaction key was given).
    pub redacted_assertions: usize,
    /// Whether the redaction key revealed the personal values.
    pub revealed: bool,
    /// Every disagreement, one line each (case, requirement, class, overall, summary).
    pub mismatches: Vec<String>,
}

/// Why re-judging could not start.
#[derive(Debug, thiserror::Error)]
pub enum RejudgeError {
    #[error("{suite}: {message}")]
    SuiteDoesNotCompile { suite: String, message: String },
    #[error(
        "the redaction key {given} did not redact this report ({})",
        recorded.as_deref().map_or("the report names no kept key".to_string(), |r| format!("it names {r}"))
    )]
    WrongKey {
        given: String,
        recorded: Option<String>,
    },
}

/// Re-judges `report` against `suite`, revealing redacted personal values
/// with `key` when given.
pub fn rejudge(
    report: &Report,
    suite: &LoadedSuite,
    key: Option<&RedactionKey>,
) -> Result<Rejudged, RejudgeError> {
    if let Some(key) = key
        && report.run.redaction_key.as_deref() != Some(key.id().as_str())
    {
        return Err(RejudgeError::WrongKey {
            given: key.id(),
            recorded: report.run.redaction_key.clone(),
        });
    }
    let compiled = Compiled::new(&suite.cases, suite.schemas.iter()).map_err(|e| {
        RejudgeError::SuiteDoesNotCompile {
            suite: suite.id(),
            message: e.to_string(),
        }
    })?;
    let mut out = Rejudged {
        revealed: key.is_some(),
        ..Rejudged::default()
    };
    let mut cases = Vec::with_capacity(report.cases.len());
    for recorded in &report.cases {
        let Some(case) = suite.cases.iter().find(|c| c.id == recorded.id) else {
            out.mismatches
                .push(format!("case {}: not in suite {}", recorded.id, suite.id()));
            cases.push(recorded.clone());
            continue;
        };
        let revealed;
        let evidence = match key {
            Some(key) => {
                revealed = reveal_case(recorded, key);
                &revealed
            }
            None => recorded,
        };
        let edited = key.and_then(|key| edited_body(evidence, key));
        let judged = match edited {
            Some(step) => Judged::Verdict(
                Verdict::Error,
                Some(format!(
                    "the recorded body of step {step} was edited after the run: \
                     it does not match its digest"
                )),
            ),
            None => judge_case(case, evidence, report, suite, &compiled),
        };
        let verdict = match judged {
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
            Judged::Undecidable(why) | Judged::Walk(why) => {
                out.not_rejudgeable.push((case.id.clone(), why));
                recorded.verdict
            }
            Judged::Redacted { why, assertions } => {
                out.redacted_assertions += assertions;
                if recorded.verdict == Verdict::Pass {
                    // Not accepted; the recorded verdict is kept for judging
                    // requirements and classes, so that one line says why.
                    out.mismatches.push(format!(
                        "case {}: recorded pass, but redacted values decide it ({why}); \
                         re-judge with the certifier's --redaction-key",
                        case.id
                    ));
                } else {
                    out.not_rejudgeable.push((case.id.clone(), why));
                }
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
    compare_judgement(report, suite, &cases, &mut out.mismatches);
    Ok(out)
}

/// Judges the re-derived case verdicts again and lists every disagreement
/// with the recorded requirement, class and overall verdicts and summary.
fn compare_judgement(
    report: &Report,
    suite: &LoadedSuite,
    cases: &[CaseResult],
    mismatches: &mut Vec<String>,
) {
    let judged = konform_report::judge(
        &suite.manifest,
        cases,
        &report.target.claimed_classes,
        &report.run.class_filter,
        report.run.complete,
    );
    for r in &judged.requirements {
        match report.requirements.iter().find(|x| x.id == r.id) {
            Some(x) if x.verdict == r.verdict => {}
            Some(x) => mismatches.push(format!(
                "requirement {}: recorded {:?}, re-judged {:?}",
                r.id, x.verdict, r.verdict
            )),
            None => mismatches.push(format!("requirement {}: missing from the report", r.id)),
        }
    }
    for c in &judged.classes {
        match report.classes.iter().find(|x| x.id == c.id) {
            Some(x) if x.verdict == c.verdict => {}
            Some(x) => mismatches.push(format!(
                "class {}: recorded {:?}, re-judged {:?}",
                c.id, x.verdict, c.verdict
            )),
            None => mismatches.push(format!("class {}: missing from the report", c.id)),
        }
    }
    if judged.summary != report.summary {
        mismatches.push(format!(
            "summary: recorded {:?}, re-judged {:?}",
            report.summary, judged.summary
        ));
    }
    if judged.verdict != report.verdict {
        mismatches.push(format!(
            "overall verdict: recorded {:?}, re-judged {:?}",
            report.verdict, judged.verdict
        ));
    }
    let listed: Vec<_> = report
        .run
        .known_deviations
        .iter()
        .map(|d| d.deviation())
        .collect();
    let found = konform_report::deviations::assess(
        &listed,
        cases,
        &judged.requirements,
        konform_report::deviations::run_date(report),
    );
    for (recorded, found) in report.run.known_deviations.iter().zip(&found) {
        if recorded.status != found.status {
            mismatches.push(format!(
                "known deviation {}: recorded {}, re-judged {}",
                recorded.label(),
                recorded.status.as_str(),
                found.status.as_str()
            ));
        }
    }
}

/// The case's evidence with every personal value `key` encrypted revealed.
fn reveal_case(recorded: &CaseResult, key: &RedactionKey) -> CaseResult {
    let mut case = recorded.clone();
    let text = |t: &mut String| *t = key.reveal(t, false).0;
    let body = |b: &mut Option<BodyEvidence>| {
        if let Some(b) = b {
            b.text = key.reveal(&b.text, true).0;
        }
    };
    for step in &mut case.steps {
        text(&mut step.request.url);
        for h in &mut step.request.headers {
            text(&mut h.value);
        }
        body(&mut step.request.body);
        if let Some(resp) = &mut step.response {
            for h in &mut resp.headers {
                text(&mut h.value);
            }
            body(&mut resp.body);
        }
    }
    case
}

/// The first step (1-based) whose revealed body does not match the keyed
/// digest the runner recorded before redacting it.
fn edited_body(case: &CaseResult, key: &RedactionKey) -> Option<usize> {
    case.steps.iter().find_map(|step| {
        let bodies = [
            step.request.body.as_ref(),
            step.response.as_ref().and_then(|r| r.body.as_ref()),
        ];
        bodies.into_iter().flatten().find_map(|b| {
            let recorded = b.digest.as_ref()?;
            let actual = serde_json::from_str::<Value>(&b.text)
                .ok()
                .and_then(|v| key.body_digest(&v));
            (actual.as_ref() != Some(recorded)).then_some(step.index + 1)
        })
    })
}

enum Judged {
    /// The verdict the evidence supports, and why when not `pass`.
    Verdict(Verdict, Option<String>),
    /// The evidence cannot decide the case.
    Undecidable(String),
    /// Redacted values (personal data without the key, secrets) decide the
    /// case; `assertions` could not be re-judged.
    Redacted { why: String, assertions: usize },
    /// A crawl decides the case: its verdict rests on every response of the
    /// walk, of which the report keeps the findings and the counts only, so
    /// the recorded verdict stands on the report's seal and signatures.
    Walk(String),
}

fn judge_case(
    case: &Case,
    recorded: &CaseResult,
    report: &Report,
    suite: &LoadedSuite,
    compiled: &Compiled,
) -> Judged {
    if case.crawl.is_some() && recorded.crawl.is_some() {
        return Judged::Walk(
            "a crawl keeps only its findings and counts; its verdict stands on the seal".into(),
        );
    }
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
        redacted_assertions: 0,
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
                return Judged::Redacted {
                    why: format!("step {}: {why}", index + 1),
                    assertions: state.redacted_assertions.max(1),
                };
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
    redacted_assertions: usize,
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
        if crate::exchange::unexpectedly_unavailable(step.expect.status.as_ref(), response.status) {
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
        let judged = {
            let this = &mut *self;
            judge_step::judge(
                this.case,
                step,
                evidence.role,
                &view,
                compiled,
                &this.suite.manifest.attribution,
                &mut |v: &Value| {
                    let lookup = |var: &Var| this.lookup(var);
                    template::render_value(v, &lookup).inspect_err(|e| {
                        if let template::RenderError::Undefined(u) = e
                            && u.var.ns == Namespace::Unique
                        {
                            this.underivable = Some(format!("{} cannot be re-derived", u.var));
                        }
                    })
                },
            )
        };
        if let Some(why) = self.underivable.take() {
            let request = serde_json::to_string(&evidence.request).unwrap_or_default();
            if holds_token(&request) {
                self.redacted_assertions += judged.assertions.len().max(1);
                return StepOutcome::Redacted(format!("{why}: the request was redacted"));
            }
            return StepOutcome::Undecidable(why);
        }
        // Assertions whose values hold a redaction token, and a schema
        // check over a body that holds one, cannot be re-judged.
        let body_redacted = holds_token(body_text);
        let redacted: Vec<bool> = judged
            .assertions
            .iter()
            .enumerate()
            .map(|(i, a)| {
                (judged.schema_check == Some(i) && body_redacted)
                    || [&a.expected, &a.received]
                        .into_iter()
                        .flatten()
                        .any(|v| holds_token(&serde_json::to_string(v).unwrap_or_default()))
            })
            .collect();
        let redacted_count = redacted.iter().filter(|r| **r).count();
        let certain_fail = judged
            .assertions
            .iter()
            .zip(&redacted)
            .find(|(a, r)| !**r && !a.passed && !a.requirements.is_empty());
        if let Some((failed, _)) = certain_fail {
            return StepOutcome::Stop(Verdict::Fail, failed.describe());
        }
        if redacted_count > 0 {
            self.redacted_assertions += redacted_count;
            let first = judged
                .assertions
                .iter()
                .zip(&redacted)
                .find(|(_, r)| **r)
                .map(|(a, _)| a.check.clone())
                .unwrap_or_default();
            return StepOutcome::Redacted(format!(
                "{redacted_count} assertion(s) over redacted values, e.g. `{first}`"
            ));
        }
        match judged.stop {
            Some(StepStop::Fail(why)) => StepOutcome::Stop(Verdict::Fail, why),
            Some(StepStop::Error(_, why)) => StepOutcome::Stop(Verdict::Error, why),
            None => {
                self.captures.extend(judged.captured);
                StepOutcome::Continue
            }
        }
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
