//! Runs one case: its steps in order, each rendered from fixtures, captures
//! and unique values, sent, checked and captured from; then its `finally`
//! steps. Decides the case verdict and which requirements it failed:
//! a failed check blames only the requirements attributed to it (`fail`);
//! anything that stops the test from being carried out (a transport problem,
//! a precondition not met, an undefined fixture) is an `error` of a typed
//! kind; a missing auth profile is a `skip`. The case stops after the first
//! step with a failed check; every check of that step is still evaluated.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{
    ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderName, HeaderValue, USER_AGENT,
};
use http::{HeaderMap, Method};
use indexmap::IndexMap;
use konform_connection::{AuthError, TargetConnection};
use konform_model::report::{
    BodyEvidence, CaseResult, ErrorKind, Header, RequestEvidence, ResponseEvidence, StepEvidence,
    StepRole, Verdict,
};
use konform_model::suite::{Attribution, Case, Step};
use konform_suite::template::{self, Namespace, RenderError, Var};
use serde_json::Value;

use crate::checks::ResponseView;
use crate::compiled::Compiled;
use crate::exchange::{self, ExchangeLimits, OutgoingRequest};
use crate::judge_step::{self, StepStop};
use crate::politeness::CaseClock;
use crate::unique::UniqueSource;
use konform_suite::attribution::step_requirements;

/// Limits that apply to every case of a run.
#[derive(Debug, Clone, Copy)]
pub struct CaseLimits {
    pub step_timeout: Duration,
    pub case_timeout: Duration,
    pub body_limit: u64,
    /// Bodies longer than this are cut in the evidence (not in the checks).
    pub evidence_limit: usize,
}

/// What every case of a run shares.
pub struct CaseContext {
    pub conn: Arc<TargetConnection>,
    pub compiled: Arc<Compiled>,
    /// Suite fixtures with the target's overrides applied.
    pub fixtures: IndexMap<String, Value>,
    pub limits: CaseLimits,
    /// What the suite marks as personal data (redacted in evidence).
    pub personal_data: crate::redact::PersonalData,
    /// The run's redaction key (only its id is written).
    pub redaction_key: crate::redact::RedactionKey,
    /// The suite's attribution of the engine's own checks.
    pub attribution: Attribution,
    /// Where `unique` values come from (the run's seed, the suite's generators).
    pub unique: UniqueSource,
    /// Memory for response bodies in flight, shared by all cases of the run.
    pub body_budget: exchange::BodyBudget,
    /// The run's politeness gate, which every exchange passes
    /// ([`exchange::perform`]): requests in flight per host, rate,
    /// `Retry-After` pauses and the request budget.
    pub politeness: Arc<crate::politeness::Politeness>,
}

/// Outcome of a step that ends the case early.
enum Stop {
    Fail(String),
    Error(ErrorKind, String),
    Skip(String),
}

struct CaseState<'a> {
    case: &'a Case,
    ctx: &'a CaseContext,
    repetition: u32,
    captures: HashMap<String, Value>,
    unique: HashMap<String, Value>,
}

impl CaseState<'_> {
    /// The value of `unique.NAME`, derived on first use and then kept.
    fn ensure_unique(&mut self, name: &str) {
        if !self.unique.contains_key(name)
            && let Some(v) = self.ctx.unique.value(&self.case.id, self.repetition, name)
        {
            self.unique.insert(name.to_string(), v);
        }
    }

    /// Renders a JSON value. Unique values are generated first so the
    /// lookup itself can stay immutable.
    fn render(&mut self, value: &Value) -> Result<Value, RenderError> {
        self.prepare_unique(value);
        let lookup = |v: &Var| self.peek(v);
        template::render_value(value, &lookup)
    }

    fn render_str(&mut self, s: &str) -> Result<String, RenderError> {
        match self.render(&Value::String(s.to_string()))? {
            Value::String(s) => Ok(s),
            other => Ok(other.to_string()),
        }
    }

    fn peek(&self, var: &Var) -> Option<Value> {
        match var.ns {
            Namespace::Fixtures => self
                .case
                .fixtures
                .get(&var.name)
                .or_else(|| self.ctx.fixtures.get(&var.name))
                .cloned(),
            Namespace::Captures => self.captures.get(&var.name).cloned(),
            Namespace::Unique => self.unique.get(&var.name).cloned(),
        }
    }

    fn prepare_unique(&mut self, value: &Value) {
        match value {
            Value::String(s) if s.contains("{{") => {
                if let Ok(t) = template::parse(s) {
                    let vars: Vec<Var> = t.vars().map(|(v, _)| v.clone()).collect();
                    for v in vars.iter().filter(|v| v.ns == Namespace::Unique) {
                        self.ensure_unique(&v.name);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| self.prepare_unique(i)),
            Value::Object(map) => map.values().for_each(|v| self.prepare_unique(v)),
            _ => {}
        }
    }
}

/// Runs `case` once (repetition 0) and returns its result (evidence not yet redacted).
pub async fn run_case(case: &Case, ctx: &CaseContext) -> CaseResult {
    run_case_repetition(case, ctx, 0).await
}

/// Runs `case` as repetition `repetition` (its `unique` values differ per repetition).
pub async fn run_case_repetition(case: &Case, ctx: &CaseContext, repetition: u32) -> CaseResult {
    let started = Instant::now();
    let mut state = CaseState {
        case,
        ctx,
        repetition,
        captures: HashMap::new(),
        unique: HashMap::new(),
    };
    let mut steps = Vec::new();
    // The case's time limit does not run while it waits at the politeness gate.
    let clock = CaseClock::new(ctx.limits.case_timeout);
    let outcome = clock
        .scope(async {
            tokio::select! {
                outcome = run_steps(&mut state, &mut steps) => Ok(outcome),
                () = clock.expired() => Err(()),
            }
        })
        .await
        .unwrap_or_else(|()| {
            // Where the time ran out is unknown: charge it to the first step,
            // so every requirement not yet decided is unverified.
            Some((
                0,
                Stop::Error(
                    ErrorKind::Timeout,
                    format!(
                        "case did not finish within {} ms",
                        ctx.limits.case_timeout.as_millis()
                    ),
                ),
            ))
        });
    // The crawl runs after the steps, outside the case timeout: it is
    // bounded by its request budget and each request by the step timeout.
    let mut crawl_coverage = None;
    let outcome = match (&case.crawl, outcome) {
        (Some(crawl), None) => {
            let index = case.steps.len();
            let mut fixtures = ctx.fixtures.clone();
            fixtures.extend(case.fixtures.iter().map(|(k, v)| (k.clone(), v.clone())));
            let vars = crate::crawl::Vars {
                fixtures,
                captures: state.captures.clone(),
            };
            let walked = crate::crawl::run(crawl, ctx, index, vars).await;
            steps.extend(walked.evidence);
            crawl_coverage = Some(walked.coverage);
            match (walked.failure, walked.error) {
                (Some(why), _) => Some((index, Stop::Fail(format!("crawl: {why}")))),
                (None, Some((kind, why))) => Some((index, Stop::Error(kind, why))),
                (None, None) => None,
            }
        }
        (_, outcome) => outcome,
    };
    let stopped_at = outcome.as_ref().map(|(i, _)| *i);
    if !case.finally.is_empty() {
        // Cleanup gets its own time limit: the case's may already be spent.
        let clock = CaseClock::new(ctx.limits.case_timeout);
        clock
            .scope(async {
                tokio::select! {
                    () = run_cleanup(&mut state, &mut steps) => {}
                    () = clock.expired() => {}
                }
            })
            .await;
    }
    let attributed = attribution_of(case, &ctx.attribution, &steps, stopped_at);
    let (verdict, reason, error_kind) = match outcome.map(|(_, s)| s) {
        None => (Verdict::Pass, None, None),
        Some(Stop::Fail(r)) => (Verdict::Fail, Some(r), None),
        Some(Stop::Error(kind, r)) => (Verdict::Error, Some(r), Some(kind)),
        Some(Stop::Skip(r)) => (Verdict::Skip, Some(r), None),
    };
    let (failed, unverified) = if verdict == Verdict::Skip {
        (vec![], vec![])
    } else {
        (attributed.failed, attributed.unverified)
    };
    CaseResult {
        id: case.id.clone(),
        title: case.title.clone(),
        class: case.class.clone(),
        requirements: attributed.all,
        verdict,
        reason,
        error_kind,
        failed_requirements: failed,
        unverified_requirements: unverified,
        duration_ms: started.elapsed().as_millis() as u64,
        crawl: crawl_coverage,
        steps,
    }
}

fn step_label(index: usize, step: &Step) -> String {
    match &step.name {
        Some(name) => format!("step {} `{name}`", index + 1),
        None => format!("step {}", index + 1),
    }
}

/// Runs the steps in order; `Some((index, stop))` when step `index` ended the case.
async fn run_steps(
    state: &mut CaseState<'_>,
    evidence: &mut Vec<StepEvidence>,
) -> Option<(usize, Stop)> {
    for (index, step) in state.case.steps.iter().enumerate() {
        let label = step_label(index, step);
        let role = step.precondition.then_some(StepRole::Precondition);
        if let Some(stop) = run_step(state, index, step, role, &label, evidence).await {
            return Some((index, stop));
        }
    }
    None
}

/// Runs the `finally` steps; their outcomes are evidence only. A step whose
/// template needs a capture that was never taken is not sent.
async fn run_cleanup(state: &mut CaseState<'_>, evidence: &mut Vec<StepEvidence>) {
    let offset = state.case.steps.len();
    for (i, step) in state.case.finally.iter().enumerate() {
        let label = format!("finally {}", step_label(i, step));
        let _ = run_step(
            state,
            offset + i,
            step,
            Some(StepRole::Cleanup),
            &label,
            evidence,
        )
        .await;
    }
}

/// Requirements of a case: all it verifies, those it failed, those left unverified.
struct Attributed {
    all: Vec<String>,
    failed: Vec<String>,
    unverified: Vec<String>,
}

/// Decides, from the evidence, which requirements the case failed, which it
/// verified, and which it left unverified. A requirement passes in this case
/// when a check attributed to it passed, none failed, and none was left out
/// (in a step after `stopped_at`, or unevaluated in that step).
fn attribution_of(
    case: &Case,
    suite: &Attribution,
    steps: &[StepEvidence],
    stopped_at: Option<usize>,
) -> Attributed {
    let mut all: BTreeSet<String> = case.verifies.iter().cloned().collect();
    let mut pending = BTreeSet::new();
    for (i, step) in case.steps.iter().enumerate() {
        let reqs = step_requirements(case, step, suite);
        if let Some(stop) = stopped_at {
            let incomplete = steps
                .iter()
                .find(|e| e.index == i)
                .is_none_or(|e| !e.not_evaluated.is_empty() || e.error.is_some());
            if i > stop || (i == stop && incomplete) {
                pending.extend(reqs.iter().cloned());
            }
        }
        all.extend(reqs);
    }
    let (mut failed, mut passed) = (BTreeSet::new(), BTreeSet::new());
    for step in steps.iter().filter(|s| s.role != Some(StepRole::Cleanup)) {
        for o in &step.assertions {
            all.extend(o.requirements.iter().cloned());
            if o.passed {
                passed.extend(o.requirements.iter().cloned());
            } else {
                failed.extend(o.requirements.iter().cloned());
            }
        }
    }
    let unverified = all
        .iter()
        .filter(|r| !failed.contains(*r) && (!passed.contains(*r) || pending.contains(*r)))
        .cloned()
        .collect();
    // Keep the case's own order first, then the attributed extras.
    let mut ordered: Vec<String> = case.verifies.clone();
    ordered.extend(all.into_iter().filter(|r| !case.verifies.contains(r)));
    Attributed {
        all: ordered,
        failed: failed.into_iter().collect(),
        unverified,
    }
}

async fn run_step(
    state: &mut CaseState<'_>,
    index: usize,
    step: &Step,
    role: Option<StepRole>,
    label: &str,
    evidence: &mut Vec<StepEvidence>,
) -> Option<Stop> {
    let ctx = state.ctx;
    let request = match build_request(state, step).await {
        Ok(r) => r,
        Err(stop) => return Some(prefix(stop, label)),
    };
    let limits = ExchangeLimits {
        timeout: ctx.limits.step_timeout,
        body_limit: ctx.limits.body_limit,
    };
    let (mut result, mut elapsed) = exchange::perform(ctx, &request, limits).await;
    // One wait for a target that says when it can serve again, if the wait
    // fits in the step timeout. The gate has paused every other request to
    // the host for as long (`exchange::perform`).
    let mut waited = None;
    if let Ok(first) = &result
        && exchange::unexpectedly_unavailable(step.expect.status.as_ref(), first.status)
        && let Some(wait) = exchange::retry_after(&first.headers, std::time::SystemTime::now())
        && elapsed + wait < limits.timeout
    {
        tokio::time::sleep(wait).await;
        let rest = ExchangeLimits {
            timeout: limits.timeout - elapsed - wait,
            ..limits
        };
        let (again, took) = exchange::perform(ctx, &request, rest).await;
        waited = Some((first.status, wait));
        elapsed += wait + took;
        result = again;
    }
    let mut step_evidence = StepEvidence {
        index,
        name: step.name.clone(),
        role,
        request: request_evidence(&request, ctx.limits.evidence_limit),
        response: None,
        duration_ms: elapsed.as_millis() as u64,
        assertions: vec![],
        not_evaluated: vec![],
        error: None,
        error_kind: None,
    };
    let response = match result {
        Ok(r) => r,
        Err(e) => {
            let reason = e.to_string();
            step_evidence.error = Some(reason.clone());
            step_evidence.error_kind = Some(e.kind());
            evidence.push(step_evidence);
            return Some(Stop::Error(e.kind(), format!("{label}: {reason}")));
        }
    };
    step_evidence.response = Some(ResponseEvidence {
        status: response.status,
        headers: headers_evidence(&response.headers),
        body: body_evidence(&response.body, ctx.limits.evidence_limit),
    });
    if exchange::unexpectedly_unavailable(step.expect.status.as_ref(), response.status) {
        let retry = match (waited, response.headers.get(http::header::RETRY_AFTER)) {
            (Some((first, wait)), _) => format!(
                " (also after waiting {} ms for the Retry-After of a first {first})",
                wait.as_millis()
            ),
            (None, Some(value)) => format!(
                " (Retry-After: {}, not within the step timeout of {} ms)",
                String::from_utf8_lossy(value.as_bytes()),
                limits.timeout.as_millis()
            ),
            (None, None) => " (no Retry-After)".to_string(),
        };
        let reason = format!(
            "the target is unavailable: it answered {}{retry}; nothing could be tested",
            response.status
        );
        step_evidence.error = Some(reason.clone());
        step_evidence.error_kind = Some(ErrorKind::Unavailable);
        evidence.push(step_evidence);
        return Some(Stop::Error(
            ErrorKind::Unavailable,
            format!("{label}: {reason}"),
        ));
    }
    let view = ResponseView {
        status: response.status,
        headers: &response.headers,
        body: &response.body,
    };
    let judged = judge_step::judge(
        state.case,
        step,
        role,
        &view,
        &ctx.compiled,
        &ctx.attribution,
        &mut |v: &Value| state.render(v),
    );
    step_evidence.assertions = judged.assertions;
    step_evidence.not_evaluated = judged.not_evaluated;
    state.captures.extend(judged.captured);
    let stop = match judged.stop {
        None => None,
        Some(StepStop::Fail(reason)) => Some(Stop::Fail(reason)),
        Some(StepStop::Error(kind, reason)) => {
            if judged.check_error.is_some() {
                step_evidence.error = Some(reason.clone());
            }
            step_evidence.error_kind = Some(kind);
            Some(Stop::Error(kind, reason))
        }
    };
    evidence.push(step_evidence);
    stop.map(|s| prefix(s, label))
}

fn prefix(stop: Stop, label: &str) -> Stop {
    match stop {
        Stop::Fail(r) => Stop::Fail(format!("{label}: {r}")),
        Stop::Error(k, r) => Stop::Error(k, format!("{label}: {r}")),
        Stop::Skip(r) => Stop::Skip(r),
    }
}

/// A suite-side problem building the request (`error` of kind `fixture`).
fn fixture(error: impl std::fmt::Display) -> Stop {
    Stop::Error(ErrorKind::Fixture, error.to_string())
}

async fn build_request(state: &mut CaseState<'_>, step: &Step) -> Result<OutgoingRequest, Stop> {
    let ctx = state.ctx;
    let req = &step.request;
    let method = Method::from_bytes(req.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| fixture(format!("invalid HTTP method `{}`", req.method)))?;
    let path = state.render_str(&req.path).map_err(fixture)?;
    let mut url = if path.starts_with("http://") || path.starts_with("https://") {
        // An absolute link the target handed out (`links.next`): followed
        // only within the target's own origin, so credentials never leave it.
        let url = url::Url::parse(&path)
            .map_err(|e| Stop::Fail(format!("invalid link `{path}`: {e}")))?;
        let base = ctx.conn.base_url();
        if url.origin() != base.origin() {
            return Err(Stop::Fail(format!(
                "link `{path}` leaves the target's origin {}",
                base.origin().ascii_serialization()
            )));
        }
        url
    } else {
        ctx.conn
            .url_for(&path)
            .map_err(|e| fixture(e.to_string()))?
    };
    if !req.query.is_empty() {
        let mut rendered = Vec::new();
        for (k, v) in &req.query {
            let value = match state.render(v).map_err(fixture)? {
                Value::String(s) => s,
                other => other.to_string(),
            };
            rendered.push((k.clone(), value));
        }
        url.query_pairs_mut().extend_pairs(rendered);
    }
    let mut headers = HeaderMap::new();
    for (name, value) in &req.headers {
        let value = state.render_str(value).map_err(fixture)?;
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| fixture(format!("invalid header name `{name}`")))?;
        let value = HeaderValue::from_str(&value)
            .map_err(|_| fixture(format!("invalid value for header `{name}`")))?;
        headers.append(name, value);
    }
    // The client's defaults, made explicit so the evidence shows every
    // header that is sent. No Accept-Encoding: bodies are never decoded.
    if !headers.contains_key(ACCEPT) {
        headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
    }
    if !headers.contains_key(USER_AGENT) {
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(konform_connection::USER_AGENT),
        );
    }
    if !headers.contains_key(AUTHORIZATION) {
        match ctx.conn.authorization(&req.auth).await {
            Ok(Some(value)) => {
                let value = HeaderValue::from_str(&value).map_err(|_| {
                    Stop::Error(
                        ErrorKind::Auth,
                        "credential is not a valid header value".into(),
                    )
                })?;
                headers.insert(AUTHORIZATION, value);
            }
            Ok(None) => {}
            Err(AuthError::UnknownProfile(name)) => {
                return Err(Stop::Skip(format!(
                    "precondition unmet: the target defines no auth profile `{name}`"
                )));
            }
            Err(e) => return Err(Stop::Error(ErrorKind::Auth, format!("authentication: {e}"))),
        }
    }
    let body = if let Some(json) = &req.json {
        let rendered = state.render(json).map_err(fixture)?;
        if !headers.contains_key(CONTENT_TYPE) {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        Some(Bytes::from(
            serde_json::to_vec(&rendered).unwrap_or_default(),
        ))
    } else if let Some(raw) = &req.body {
        Some(Bytes::from(state.render_str(raw).map_err(fixture)?))
    } else if let Some(size) = req.body_size {
        if !headers.contains_key(CONTENT_TYPE) {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        Some(padding_body(size))
    } else {
        None
    };
    Ok(OutgoingRequest {
        method,
        url,
        headers,
        body,
    })
}

/// A syntactically valid JSON document of exactly `size` bytes (at least 16).
fn padding_body(size: u64) -> Bytes {
    let size = size.max(16) as usize;
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(b"{\"padding\":\"");
    body.resize(size - 2, b'x');
    body.extend_from_slice(b"\"}");
    Bytes::from(body)
}

pub(crate) fn headers_evidence(headers: &HeaderMap) -> Vec<Header> {
    headers
        .iter()
        .map(|(n, v)| Header {
            name: n.as_str().to_string(),
            value: String::from_utf8_lossy(v.as_bytes()).into_owned(),
        })
        .collect()
}

pub(crate) fn body_evidence(body: &[u8], limit: usize) -> Option<BodyEvidence> {
    if body.is_empty() {
        return None;
    }
    let cut = body.len().min(limit);
    Some(BodyEvidence {
        size: body.len() as u64,
        truncated: cut < body.len(),
        text: String::from_utf8_lossy(&body[..cut]).into_owned(),
        digest: None,
    })
}

/// The request as sent, with the headers the HTTP layer adds from the URL
/// and the body (`host`, `content-length`).
pub(crate) fn request_evidence(request: &OutgoingRequest, limit: usize) -> RequestEvidence {
    let mut headers = headers_evidence(&request.headers);
    if !request.headers.contains_key(HOST)
        && let Some(host) = request.url.host_str()
    {
        let value = match request.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        headers.insert(
            0,
            Header {
                name: HOST.as_str().into(),
                value,
            },
        );
    }
    if let Some(body) = &request.body
        && !request.headers.contains_key(CONTENT_LENGTH)
    {
        headers.push(Header {
            name: CONTENT_LENGTH.as_str().into(),
            value: body.len().to_string(),
        });
    }
    RequestEvidence {
        method: request.method.as_str().to_string(),
        url: request.url.to_string(),
        headers,
        body: request
            .body
            .as_deref()
            .and_then(|b| body_evidence(b, limit)),
    }
}
