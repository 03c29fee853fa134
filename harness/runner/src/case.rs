//! Runs one case: its steps in order, each rendered from fixtures, captures
//! and unique values, sent, checked and captured from. Decides the case
//! verdict: the first failed assertion is a `fail`; anything that stops the
//! test from being carried out (a transport problem, a body that is not JSON,
//! an undefined fixture) is an `error`; a missing auth profile is a `skip`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use indexmap::IndexMap;
use konform_model::report::{
    BodyEvidence, CaseResult, Header, RequestEvidence, ResponseEvidence, StepEvidence, Verdict,
};
use konform_model::suite::{Capture, Case, Step};
use konform_suite::template::{self, Namespace, Var};
use konform_target::{AuthError, TargetConnection};
use serde_json::Value;

use crate::checks::{self, ResponseView};
use crate::compiled::Compiled;
use crate::exchange::{self, ExchangeLimits, OutgoingRequest};

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
    /// The run's redaction salt (never written anywhere).
    pub salt: [u8; 16],
}

/// Outcome of a step that ends the case early.
enum Stop {
    Fail(String),
    Error(String),
    Skip(String),
}

struct CaseState<'a> {
    case: &'a Case,
    ctx: &'a CaseContext,
    captures: HashMap<String, Value>,
    unique: HashMap<String, Value>,
}

impl CaseState<'_> {
    /// The value of `unique.NAME`, generated on first use and then kept.
    fn ensure_unique(&mut self, name: &str) {
        self.unique
            .entry(name.to_string())
            .or_insert_with(|| Value::String(uuid::Uuid::new_v4().to_string()));
    }

    /// Renders a JSON value. Unique values are generated first so the
    /// lookup itself can stay immutable.
    fn render(&mut self, value: &Value) -> Result<Value, String> {
        self.prepare_unique(value);
        let lookup = |v: &Var| self.peek(v);
        template::render_value(value, &lookup).map_err(|e| e.to_string())
    }

    fn render_str(&mut self, s: &str) -> Result<String, String> {
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

/// Runs `case` and returns its result (evidence not yet redacted).
pub async fn run_case(case: &Case, ctx: &CaseContext) -> CaseResult {
    let started = Instant::now();
    let mut state = CaseState {
        case,
        ctx,
        captures: HashMap::new(),
        unique: HashMap::new(),
    };
    let mut steps = Vec::new();
    let outcome = tokio::time::timeout(ctx.limits.case_timeout, run_steps(&mut state, &mut steps))
        .await
        .unwrap_or_else(|_| {
            Some(Stop::Error(format!(
                "case did not finish within {} ms",
                ctx.limits.case_timeout.as_millis()
            )))
        });
    let (verdict, reason) = match outcome {
        None => (Verdict::Pass, None),
        Some(Stop::Fail(r)) => (Verdict::Fail, Some(r)),
        Some(Stop::Error(r)) => (Verdict::Error, Some(r)),
        Some(Stop::Skip(r)) => (Verdict::Skip, Some(r)),
    };
    CaseResult {
        id: case.id.clone(),
        title: case.title.clone(),
        class: case.class.clone(),
        requirements: case.verifies.clone(),
        verdict,
        reason,
        duration_ms: started.elapsed().as_millis() as u64,
        steps,
    }
}

fn step_label(index: usize, step: &Step) -> String {
    match &step.name {
        Some(name) => format!("step {} `{name}`", index + 1),
        None => format!("step {}", index + 1),
    }
}

async fn run_steps(state: &mut CaseState<'_>, evidence: &mut Vec<StepEvidence>) -> Option<Stop> {
    for (index, step) in state.case.steps.iter().enumerate() {
        let label = step_label(index, step);
        if let Some(stop) = run_step(state, index, step, &label, evidence).await {
            return Some(stop);
        }
    }
    None
}

async fn run_step(
    state: &mut CaseState<'_>,
    index: usize,
    step: &Step,
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
    let (result, elapsed) = exchange::perform(ctx.conn.client(), &request, limits).await;
    let mut step_evidence = StepEvidence {
        index,
        name: step.name.clone(),
        request: request_evidence(&request, ctx.limits.evidence_limit),
        response: None,
        duration_ms: elapsed.as_millis() as u64,
        assertions: vec![],
        error: None,
    };
    let response = match result {
        Ok(r) => r,
        Err(e) => {
            let reason = e.to_string();
            step_evidence.error = Some(reason.clone());
            evidence.push(step_evidence);
            return Some(Stop::Error(format!("{label}: {reason}")));
        }
    };
    step_evidence.response = Some(ResponseEvidence {
        status: response.status,
        headers: headers_evidence(&response.headers),
        body: body_evidence(&response.body, ctx.limits.evidence_limit),
    });
    let view = ResponseView {
        status: response.status,
        headers: &response.headers,
        body: &response.body,
    };
    let checked = checks::check(&step.expect, &view, &ctx.compiled, &mut |v: &Value| {
        state.render(v)
    });
    step_evidence.assertions = checked.outcomes.clone();
    let stop = if let Some(failed) = checked.first_failure() {
        Some(Stop::Fail(describe_failure(failed)))
    } else if let Some(e) = checked
        .template_error
        .as_ref()
        .or(checked.json_error.as_ref())
    {
        step_evidence.error = Some(e.clone());
        Some(Stop::Error(e.clone()))
    } else {
        capture(state, &step.capture, &view).map(Stop::Fail)
    };
    evidence.push(step_evidence);
    stop.map(|s| prefix(s, label))
}

fn prefix(stop: Stop, label: &str) -> Stop {
    match stop {
        Stop::Fail(r) => Stop::Fail(format!("{label}: {r}")),
        Stop::Error(r) => Stop::Error(format!("{label}: {r}")),
        Stop::Skip(r) => Stop::Skip(r),
    }
}

/// One line for a failed assertion: `status: expected 201, received 422
/// (Validation failed: …)` or, for a schema, `schema X: at /plz: … is not …`.
pub fn describe_failure(o: &konform_model::report::AssertionOutcome) -> String {
    if o.check.starts_with("schema ")
        && let Some(m) = &o.message
    {
        return format!("{}: {m}", o.check);
    }
    let show = |v: &Option<Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "nothing".into(),
    };
    let mut text = format!(
        "{}: expected {}, received {}",
        o.check,
        show(&o.expected),
        show(&o.received)
    );
    if let Some(m) = &o.message {
        text.push_str(&format!(" ({m})"));
    }
    text
}

async fn build_request(state: &mut CaseState<'_>, step: &Step) -> Result<OutgoingRequest, Stop> {
    let ctx = state.ctx;
    let req = &step.request;
    let method = Method::from_bytes(req.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| Stop::Error(format!("invalid HTTP method `{}`", req.method)))?;
    let path = state.render_str(&req.path).map_err(Stop::Error)?;
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
            .map_err(|e| Stop::Error(e.to_string()))?
    };
    if !req.query.is_empty() {
        let mut rendered = Vec::new();
        for (k, v) in &req.query {
            let value = match state.render(v).map_err(Stop::Error)? {
                Value::String(s) => s,
                other => other.to_string(),
            };
            rendered.push((k.clone(), value));
        }
        url.query_pairs_mut().extend_pairs(rendered);
    }
    let mut headers = HeaderMap::new();
    for (name, value) in &req.headers {
        let value = state.render_str(value).map_err(Stop::Error)?;
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Stop::Error(format!("invalid header name `{name}`")))?;
        let value = HeaderValue::from_str(&value)
            .map_err(|_| Stop::Error(format!("invalid value for header `{name}`")))?;
        headers.append(name, value);
    }
    if !headers.contains_key(AUTHORIZATION) {
        match ctx.conn.authorization(&req.auth).await {
            Ok(Some(value)) => {
                let value = HeaderValue::from_str(&value)
                    .map_err(|_| Stop::Error("credential is not a valid header value".into()))?;
                headers.insert(AUTHORIZATION, value);
            }
            Ok(None) => {}
            Err(AuthError::UnknownProfile(name)) => {
                return Err(Stop::Skip(format!(
                    "precondition unmet: the target defines no auth profile `{name}`"
                )));
            }
            Err(e) => return Err(Stop::Error(format!("authentication: {e}"))),
        }
    }
    let body = if let Some(json) = &req.json {
        let rendered = state.render(json).map_err(Stop::Error)?;
        if !headers.contains_key(CONTENT_TYPE) {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        Some(Bytes::from(
            serde_json::to_vec(&rendered).unwrap_or_default(),
        ))
    } else if let Some(raw) = &req.body {
        Some(Bytes::from(state.render_str(raw).map_err(Stop::Error)?))
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

/// Stores the step's captures; a missing value is a `fail` (the target left
/// out something the interface requires).
fn capture(
    state: &mut CaseState<'_>,
    captures: &IndexMap<String, Capture>,
    response: &ResponseView<'_>,
) -> Option<String> {
    match checks::capture(captures, response) {
        Ok(values) => {
            state.captures.extend(values);
            None
        }
        Err(message) => Some(message),
    }
}

fn headers_evidence(headers: &HeaderMap) -> Vec<Header> {
    headers
        .iter()
        .map(|(n, v)| Header {
            name: n.as_str().to_string(),
            value: String::from_utf8_lossy(v.as_bytes()).into_owned(),
        })
        .collect()
}

fn body_evidence(body: &[u8], limit: usize) -> Option<BodyEvidence> {
    if body.is_empty() {
        return None;
    }
    let cut = body.len().min(limit);
    Some(BodyEvidence {
        size: body.len() as u64,
        truncated: cut < body.len(),
        text: String::from_utf8_lossy(&body[..cut]).into_owned(),
    })
}

fn request_evidence(request: &OutgoingRequest, limit: usize) -> RequestEvidence {
    RequestEvidence {
        method: request.method.as_str().to_string(),
        url: request.url.to_string(),
        headers: headers_evidence(&request.headers),
        body: request
            .body
            .as_deref()
            .and_then(|b| body_evidence(b, limit)),
    }
}
