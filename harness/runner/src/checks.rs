//! Evaluates a step's `expect` block against a received response and records
//! every assertion as an [`AssertionOutcome`] (what was checked, expected,
//! received). Evaluation order: status, headers, problem, schema, body. When
//! the status is wrong nothing else is checked: the rest would only repeat the
//! same failure in other words.

use http::HeaderMap;
use konform_model::report::{AssertionOutcome, ErrorKind};
use konform_model::suite::{
    BodyCheck, Capture, ErrorListExpect, Expect, ExpectedError, HeaderCheck, ProblemCheck,
};
use serde_json::{Value, json};

pub use konform_suite::attribution::Attributor;
pub use konform_suite::template::RenderError;

use crate::compiled::Compiled;

/// Nesting deeper than this is a harness limit (`error`), not a verdict on
/// the target: serde_json refuses it, and so would most JSON readers.
pub const MAX_JSON_DEPTH: usize = 128;

/// The outcome of checking one response.
#[derive(Debug, Default)]
pub struct CheckResult {
    pub outcomes: Vec<AssertionOutcome>,
    /// Checks that were not evaluated because what they depend on failed.
    pub not_evaluated: Vec<String>,
    /// The check could not be carried out: a template that does not render
    /// (`fixture`), a body beyond what konform parses (`harness_limit`).
    pub error: Option<(ErrorKind, String)>,
    /// Values captured for later steps (only when every capture succeeded).
    pub captured: Vec<(String, Value)>,
    /// The index in `outcomes` of the schema check (it reads the whole body).
    pub schema_check: Option<usize>,
}

impl CheckResult {
    pub fn first_failure(&self) -> Option<&AssertionOutcome> {
        self.outcomes.iter().find(|o| !o.passed)
    }
}

/// Why a response body cannot be read as JSON.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("response body is empty")]
    Empty,
    #[error("response body is not well-formed UTF-8 JSON: {0}")]
    NotJson(#[source] serde_json::Error),
}

/// Why a check could not be carried out (recorded as a `fixture` error).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("regular expression `{pattern}` does not compile: {source}")]
    Regex {
        pattern: String,
        #[source]
        source: regex::Error,
    },
    #[error("regular expression `{0}` was not compiled")]
    RegexNotCompiled(String),
    #[error("JSONPath `{path}` does not parse: {source}")]
    JsonPath {
        path: String,
        #[source]
        source: serde_json_path::ParseError,
    },
    #[error("JSONPath `{0}` was not compiled")]
    JsonPathNotCompiled(String),
    #[error("body check has neither `pointer` nor `path`")]
    NoLocation,
}

/// Renders a template value for a check (the runner's or re-judge's templates).
pub type Render<'r> = dyn FnMut(&Value) -> Result<Value, RenderError> + 'r;

/// The response as the checks see it.
pub struct ResponseView<'a> {
    pub status: u16,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl ResponseView<'_> {
    /// The body parsed as JSON.
    pub fn json(&self) -> Result<Value, BodyError> {
        if self.body.is_empty() {
            return Err(BodyError::Empty);
        }
        serde_json::from_slice(self.body).map_err(BodyError::NotJson)
    }

    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }

    /// The media type without parameters, lower case.
    fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }
}

/// `application/json` or any `+json` structured syntax suffix (RFC 6839).
pub fn is_json_media_type(media_type: &str) -> bool {
    media_type == "application/json"
        || (media_type.starts_with("application/") && media_type.ends_with("+json"))
}

/// The deepest nesting of arrays and objects in `body`, counted without
/// parsing (strings are skipped), stopping early past `limit`.
fn nesting_exceeds(body: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Descriptions of the checks a failure left unevaluated: everything after
/// the status, or (`body_only`) everything that needs the body.
fn unevaluated_checks(
    expect: &Expect,
    captures: &indexmap::IndexMap<String, Capture>,
    body_only: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    if !body_only {
        out.extend(expect.headers.iter().map(|h| format!("header {}", h.name)));
    }
    if expect.problem.is_some() {
        out.push("problem".into());
    }
    if let Some(s) = &expect.schema {
        out.push(format!("schema {}", s.reference()));
    }
    for b in &expect.body {
        let at = b.pointer.as_deref().or(b.path.as_deref()).unwrap_or("");
        out.push(format!("body {at}"));
    }
    for (name, c) in captures {
        if !body_only || c.pointer.is_some() {
            out.push(format!("capture {name}"));
        }
    }
    out
}

/// The name of the status check in evidence.
pub const STATUS_CHECK: &str = "status";

/// Checks one response against a step's `expect` and `capture`, in the
/// order status, headers, well-formedness, problem, schema, body, captures.
pub fn check(
    expect: &Expect,
    captures: &indexmap::IndexMap<String, Capture>,
    response: &ResponseView<'_>,
    compiled: &Compiled,
    attr: &Attributor<'_>,
    render: &mut Render<'_>,
) -> CheckResult {
    let mut result = CheckResult::default();
    if let Some(status) = &expect.status {
        let passed = status.accepts(response.status);
        result.outcomes.push(AssertionOutcome {
            check: STATUS_CHECK.into(),
            passed,
            expected: serde_json::to_value(status.codes()).ok(),
            received: Some(json!(response.status)),
            message: if passed {
                None
            } else {
                problem_summary(response)
            },
            requirements: attr.resolve(status.verifies()),
        });
        if !passed {
            // The rest would only repeat the same failure in other words.
            result.not_evaluated = unevaluated_checks(expect, captures, false);
            return result;
        }
    }
    for header in &expect.headers {
        match check_header(header, response.headers, compiled, &mut *render) {
            Ok(mut outcome) => {
                outcome.requirements = attr.resolve(header.verifies.as_deref());
                result.outcomes.push(outcome);
            }
            Err(e) => {
                result.error = Some((ErrorKind::Fixture, e.to_string()));
                return result;
            }
        }
    }
    let needs_json = expect.problem.is_some()
        || expect.schema.is_some()
        || !expect.body.is_empty()
        || captures.values().any(|c| c.pointer.is_some());
    let json = match well_formed(response, needs_json, attr, &mut result) {
        WellFormed::Json(json) => Some(json),
        WellFormed::NotNeeded => None,
        WellFormed::Broken => {
            result.not_evaluated = unevaluated_checks(expect, captures, true);
            return result;
        }
    };
    // A problem, schema or body check needs JSON, so without a parsed body
    // (`WellFormed::NotNeeded`) there is none of them to carry out.
    if let Some(json) = &json {
        if let Some(problem) = &expect.problem {
            let outcomes = check_problem(problem, response, json, attr, &mut result.not_evaluated);
            result.outcomes.extend(outcomes);
        }
        if let Some(schema) = &expect.schema {
            let mut outcome = check_schema(schema.reference(), json, compiled);
            outcome.requirements = attr.resolve(schema.verifies());
            result.schema_check = Some(result.outcomes.len());
            result.outcomes.push(outcome);
        }
        for body in &expect.body {
            match check_body(body, json, compiled, &mut *render) {
                Ok(mut outcome) => {
                    outcome.requirements = attr.resolve(body.verifies.as_deref());
                    result.outcomes.push(outcome);
                }
                Err(e) => {
                    result.error = Some((ErrorKind::Fixture, e.to_string()));
                    return result;
                }
            }
        }
    }
    match capture(captures, response, json.as_ref()) {
        Ok(values) => result.captured = values,
        Err((name, message)) => result.outcomes.push(AssertionOutcome {
            check: format!("capture {name}"),
            passed: false,
            expected: Some(json!("a value")),
            received: None,
            message: Some(message),
            requirements: attr.resolve(captures[name.as_str()].verifies.as_deref()),
        }),
    }
    result
}

enum WellFormed {
    /// The body is JSON, parsed.
    Json(Value),
    /// Nothing about the body is checked.
    NotNeeded,
    /// A check failed or could not be carried out; the result says which.
    Broken,
}

/// The well-formed-response check: no `Content-Encoding` konform did not ask
/// for; where the step needs JSON or the response declares it, a JSON media
/// type and a body of well-formed UTF-8 JSON. Recorded as one assertion.
fn well_formed(
    response: &ResponseView<'_>,
    needs_json: bool,
    attr: &Attributor<'_>,
    result: &mut CheckResult,
) -> WellFormed {
    let encoding = response
        .header("content-encoding")
        .filter(|e| !e.trim().eq_ignore_ascii_case("identity"));
    let media_type = response.media_type();
    let declares_json = media_type.as_deref().is_some_and(is_json_media_type);
    let checks_body = needs_json || (declares_json && !response.body.is_empty());
    if encoding.is_none() && !checks_body {
        return WellFormed::NotNeeded;
    }
    let mut outcome = AssertionOutcome {
        check: "response well-formed".into(),
        passed: true,
        expected: Some(json!(if checks_body {
            "UTF-8 JSON with a JSON media type, no Content-Encoding"
        } else {
            "no Content-Encoding"
        })),
        received: None,
        message: None,
        requirements: attr.well_formed(),
    };
    let mut parsed = None;
    if let Some(encoding) = encoding {
        outcome.passed = false;
        outcome.received = Some(json!(format!("Content-Encoding: {encoding}")));
        outcome.message = Some(format!(
            "the body is encoded with `{encoding}`, which konform did not accept (it sends no Accept-Encoding)"
        ));
    } else if needs_json && !declares_json {
        // Not JSON at all where the step needs JSON: the step's own rule is
        // broken (an Error object, a resource), not the well-formedness of
        // JSON the response never claimed to be.
        outcome.requirements = attr.resolve(None);
        outcome.passed = false;
        outcome.received = Some(json!(media_type.clone()));
        outcome.message = Some(format!(
            "the response is not JSON: media type {}",
            media_type.as_deref().unwrap_or("missing")
        ));
    } else if nesting_exceeds(response.body, MAX_JSON_DEPTH) {
        result.error = Some((
            ErrorKind::HarnessLimit,
            format!(
                "the response body nests deeper than {MAX_JSON_DEPTH} levels, which konform does not parse"
            ),
        ));
        return WellFormed::Broken;
    } else {
        match response.json() {
            Ok(json) => parsed = Some(json),
            Err(e) => {
                outcome.passed = false;
                outcome.received = Some(json!(media_type.clone()));
                outcome.message = Some(e.to_string());
            }
        }
    }
    result.outcomes.push(outcome);
    // Parsed only when every part of the check passed.
    match parsed {
        Some(json) => WellFormed::Json(json),
        None => WellFormed::Broken,
    }
}

/// The values a step captures from a response, in order; the first capture
/// whose source is missing is `(name, why)`.
pub fn capture(
    captures: &indexmap::IndexMap<String, Capture>,
    response: &ResponseView<'_>,
    json: Option<&Value>,
) -> Result<Vec<(String, Value)>, (String, String)> {
    let mut values = Vec::with_capacity(captures.len());
    for (name, source) in captures {
        let value = if let Some(header) = &source.header {
            match response.header(header) {
                Some(v) => Value::String(v),
                None => return Err((name.clone(), format!("header {header} is missing"))),
            }
        } else if let Some(pointer) = &source.pointer {
            match json.and_then(|j| j.pointer(pointer)) {
                Some(v) => v.clone(),
                None => {
                    return Err((
                        name.clone(),
                        format!("no value at {pointer} in the response body"),
                    ));
                }
            }
        } else {
            continue;
        };
        values.push((name.clone(), value));
    }
    Ok(values)
}

/// For a wrong status: the problem document's title and detail, if any.
fn problem_summary(response: &ResponseView<'_>) -> Option<String> {
    let Ok(Value::Object(map)) = response.json() else {
        return None;
    };
    let title = map.get("title").and_then(Value::as_str);
    let detail = map.get("detail").and_then(Value::as_str);
    match (title, detail) {
        (Some(t), Some(d)) => Some(format!("{t}: {d}")),
        (Some(t), None) => Some(t.to_string()),
        (None, Some(d)) => Some(d.to_string()),
        (None, None) => None,
    }
}

fn header_values(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect()
}

pub(crate) fn check_header(
    check: &HeaderCheck,
    headers: &HeaderMap,
    compiled: &Compiled,
    render: &mut Render<'_>,
) -> Result<AssertionOutcome, CheckError> {
    let values = header_values(headers, &check.name);
    let received = match values.as_slice() {
        [] => Value::Null,
        [one] => json!(one),
        many => json!(many),
    };
    let name = &check.name;
    let outcome = if let Some(expected) = &check.equals {
        let expected = render_string(&mut *render, expected)?;
        AssertionOutcome {
            check: format!("header {name} equals"),
            passed: values.contains(&expected),
            expected: Some(json!(expected)),
            received: Some(received),
            message: None,
            requirements: vec![],
        }
    } else if let Some(pattern) = &check.matches {
        let re = regex_for(pattern, compiled, &mut *render)?;
        let passed = values.iter().any(|v| re.is_match(v));
        AssertionOutcome {
            check: format!("header {name} matches"),
            passed,
            expected: Some(json!(pattern)),
            received: Some(received),
            message: None,
            requirements: vec![],
        }
    } else {
        let want = check.present.unwrap_or(true);
        AssertionOutcome {
            check: format!("header {name} {}", if want { "present" } else { "absent" }),
            passed: values.is_empty() != want,
            expected: Some(json!(if want { "present" } else { "absent" })),
            received: Some(received),
            message: None,
            requirements: vec![],
        }
    };
    Ok(outcome)
}

/// The compiled pattern, or — for a pattern with templates — the rendered one.
fn regex_for<'c>(
    pattern: &str,
    compiled: &'c Compiled,
    render: &mut Render<'_>,
) -> Result<std::borrow::Cow<'c, regex::Regex>, CheckError> {
    if pattern.contains("{{") {
        let rendered = render_string(render, pattern)?;
        let re = regex::Regex::new(&rendered).map_err(|source| CheckError::Regex {
            pattern: rendered.clone(),
            source,
        })?;
        return Ok(std::borrow::Cow::Owned(re));
    }
    compiled
        .regex(pattern)
        .map(std::borrow::Cow::Borrowed)
        .ok_or_else(|| CheckError::RegexNotCompiled(pattern.to_string()))
}

fn render_string(render: &mut Render<'_>, template: &str) -> Result<String, RenderError> {
    Ok(match render(&Value::String(template.to_string()))? {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

fn problem_media_type(response: &ResponseView<'_>) -> AssertionOutcome {
    let content_type = response.header("content-type");
    AssertionOutcome {
        check: "problem content-type".into(),
        passed: response.media_type().as_deref() == Some("application/problem+json"),
        expected: Some(json!("application/problem+json")),
        received: Some(content_type.map(Value::String).unwrap_or(Value::Null)),
        message: None,
        requirements: vec![],
    }
}

/// The problem checks: media type and members (the shape), then the
/// error list. A body without the problem members is no problem document,
/// so its error list is not evaluated (listed in `not_evaluated`): whether
/// the target reported the rule cannot be told.
fn check_problem(
    check: &ProblemCheck,
    response: &ResponseView<'_>,
    json: &Value,
    attr: &Attributor<'_>,
    not_evaluated: &mut Vec<String>,
) -> Vec<AssertionOutcome> {
    let shape = attr.problem_shape(check);
    let lists = attr.resolve(check.verifies.as_deref());
    let mut media = problem_media_type(response);
    media.requirements = shape.clone();
    let mut out = vec![media];
    let members_ok = json.get("type").is_some_and(Value::is_string)
        && json.get("title").is_some_and(Value::is_string)
        && json.get("status").and_then(Value::as_u64) == Some(u64::from(response.status));
    out.push(AssertionOutcome {
        check: "problem members type, title, status".into(),
        passed: members_ok,
        expected: Some(json!({"type": "string", "title": "string", "status": response.status})),
        received: Some(json!({
            "type": json.get("type"),
            "title": json.get("title"),
            "status": json.get("status"),
        })),
        message: None,
        requirements: shape,
    });
    let has_error_checks =
        !check.rules.is_empty() || !check.pointers.is_empty() || check.errors.is_some();
    if !members_ok {
        if has_error_checks {
            not_evaluated.push("problem errors[]".into());
        }
        return out;
    }
    let errors: Vec<&Value> = json
        .get("errors")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let listed = |member: &str| -> Vec<String> {
        errors
            .iter()
            .filter_map(|e| e.get(member).and_then(Value::as_str).map(str::to_string))
            .collect()
    };
    for (member, wanted) in [("rule", &check.rules), ("pointer", &check.pointers)] {
        if wanted.is_empty() {
            continue;
        }
        let present = listed(member);
        for want in wanted {
            out.push(AssertionOutcome {
                check: format!("problem errors[*].{member} contains"),
                passed: present.contains(want),
                expected: Some(json!(want)),
                received: Some(json!(present)),
                message: None,
                requirements: lists.clone(),
            });
        }
    }
    if let Some(expected) = &check.errors {
        out.extend(check_error_list(expected, &errors, &lists));
    }
    out
}

fn error_matches(expected: &ExpectedError, actual: &Value) -> bool {
    let member = |m: &str| actual.get(m).and_then(Value::as_str);
    expected
        .rule
        .as_deref()
        .is_none_or(|r| member("rule") == Some(r))
        && expected
            .pointer
            .as_deref()
            .is_none_or(|p| member("pointer") == Some(p))
}

/// Assigns every expected entry its own actual error (a maximum bipartite
/// matching; lists are short). Returns, per entry, the index of its error.
fn match_errors(expected: &[ExpectedError], actual: &[&Value]) -> Vec<Option<usize>> {
    fn augment(
        e: usize,
        expected: &[ExpectedError],
        actual: &[&Value],
        owner: &mut [Option<usize>],
        seen: &mut [bool],
    ) -> bool {
        for (a, value) in actual.iter().enumerate() {
            if seen[a] || !error_matches(&expected[e], value) {
                continue;
            }
            seen[a] = true;
            if owner[a].is_none_or(|other| augment(other, expected, actual, owner, seen)) {
                owner[a] = Some(e);
                return true;
            }
        }
        false
    }
    let mut owner: Vec<Option<usize>> = vec![None; actual.len()];
    for e in 0..expected.len() {
        let mut seen = vec![false; actual.len()];
        augment(e, expected, actual, &mut owner, &mut seen);
    }
    let mut assigned = vec![None; expected.len()];
    for (a, e) in owner.iter().enumerate() {
        if let Some(e) = e {
            assigned[*e] = Some(a);
        }
    }
    assigned
}

fn describe_expected_error(e: &ExpectedError) -> Value {
    let mut map = serde_json::Map::new();
    if let Some(r) = &e.rule {
        map.insert("rule".into(), json!(r));
    }
    if let Some(p) = &e.pointer {
        map.insert("pointer".into(), json!(p));
    }
    Value::Object(map)
}

/// `errors.contains` / `errors.exactly`: one assertion per expected entry,
/// plus, for `exactly`, one that no other error is listed.
fn check_error_list(
    expected: &ErrorListExpect,
    actual: &[&Value],
    requirements: &[String],
) -> Vec<AssertionOutcome> {
    let entries = expected.entries();
    let assigned = match_errors(entries, actual);
    let received = json!(actual);
    let mut out: Vec<AssertionOutcome> = entries
        .iter()
        .zip(&assigned)
        .map(|(entry, matched)| AssertionOutcome {
            check: "problem errors[] has".into(),
            passed: matched.is_some(),
            expected: Some(describe_expected_error(entry)),
            received: Some(received.clone()),
            message: None,
            requirements: requirements.to_vec(),
        })
        .collect();
    if let ErrorListExpect::Exactly(_) = expected {
        let extra: Vec<&Value> = actual
            .iter()
            .enumerate()
            .filter(|(a, _)| !assigned.contains(&Some(*a)))
            .map(|(_, v)| *v)
            .collect();
        out.push(AssertionOutcome {
            check: "problem errors[] has no others".into(),
            passed: extra.is_empty(),
            expected: Some(json!(entries.len())),
            received: Some(received),
            message: (!extra.is_empty()).then(|| format!("unexpected errors: {}", json!(extra))),
            requirements: requirements.to_vec(),
        });
    }
    out
}

fn check_schema(reference: &str, json: &Value, compiled: &Compiled) -> AssertionOutcome {
    match compiled.schemas.validate(reference, json) {
        Some(violations) => {
            let passed = violations.is_empty();
            let message = (!passed).then(|| {
                violations
                    .iter()
                    .take(5)
                    .map(|v| {
                        let at = if v.instance_path.is_empty() {
                            "(root)"
                        } else {
                            &v.instance_path
                        };
                        format!("at {at}: {}", v.message)
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            });
            AssertionOutcome {
                check: format!("schema {reference}"),
                passed,
                expected: Some(json!(reference)),
                received: (!passed).then(|| {
                    json!(
                        violations
                            .iter()
                            .map(|v| &v.instance_path)
                            .collect::<Vec<_>>()
                    )
                }),
                message,
                requirements: vec![],
            }
        }
        None => AssertionOutcome {
            check: format!("schema {reference}"),
            passed: false,
            expected: Some(json!(reference)),
            received: None,
            message: Some("schema was not compiled".into()),
            requirements: vec![],
        },
    }
}

/// Numbers compare by value (`1` equals `1.0`); everything else structurally.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

pub(crate) fn check_body(
    check: &BodyCheck,
    json: &Value,
    compiled: &Compiled,
    render: &mut Render<'_>,
) -> Result<AssertionOutcome, CheckError> {
    let (location, nodes): (String, Vec<&Value>) = if let Some(pointer) = &check.pointer {
        (
            if pointer.is_empty() {
                "(root)".into()
            } else {
                pointer.clone()
            },
            json.pointer(pointer).into_iter().collect(),
        )
    } else if let Some(path) = &check.path {
        if path.contains("{{") {
            let rendered = render_string(&mut *render, path)?;
            let parsed = serde_json_path::JsonPath::parse(&rendered).map_err(|source| {
                CheckError::JsonPath {
                    path: rendered.clone(),
                    source,
                }
            })?;
            (rendered, parsed.query(json).all())
        } else {
            let compiled_path = compiled
                .json_path(path)
                .ok_or_else(|| CheckError::JsonPathNotCompiled(path.clone()))?;
            (path.clone(), compiled_path.query(json).all())
        }
    } else {
        return Err(CheckError::NoLocation);
    };
    let is_path = check.path.is_some();
    let received = || match nodes.as_slice() {
        [] => Value::Null,
        [one] if !is_path => (*one).clone(),
        many => Value::Array(many.iter().map(|v| (*v).clone()).collect()),
    };
    let outcome = |what: &str, passed: bool, expected: Value| AssertionOutcome {
        check: format!("body {location} {what}"),
        passed,
        expected: Some(expected),
        received: Some(received()),
        message: None,
        requirements: vec![],
    };
    Ok(if let Some(expected) = &check.equals {
        let expected = render(expected)?;
        let passed = !nodes.is_empty() && nodes.iter().all(|n| json_equal(n, &expected));
        outcome("equals", passed, expected)
    } else if let Some(expected) = &check.not_equals {
        let expected = render(expected)?;
        let passed = !nodes.is_empty() && nodes.iter().all(|n| !json_equal(n, &expected));
        outcome("not equals", passed, expected)
    } else if let Some(pattern) = &check.matches {
        let re = regex_for(pattern, compiled, &mut *render)?;
        let passed = !nodes.is_empty()
            && nodes
                .iter()
                .all(|n| n.as_str().is_some_and(|s| re.is_match(s)));
        outcome("matches", passed, json!(pattern))
    } else if let Some(count) = check.count {
        let actual = if is_path {
            nodes.len() as u64
        } else {
            match nodes.first() {
                Some(Value::Array(a)) => a.len() as u64,
                Some(Value::Object(o)) => o.len() as u64,
                _ => u64::MAX,
            }
        };
        let mut o = outcome("count", actual == count, json!(count));
        o.received = Some(if actual == u64::MAX {
            received()
        } else {
            json!(actual)
        });
        o
    } else if check.absent == Some(true) || check.exists == Some(false) {
        outcome("absent", nodes.is_empty(), json!("absent"))
    } else {
        outcome("exists", !nodes.is_empty(), json!("exists"))
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod unit_tests {
    use super::*;

    fn expected(entries: &[(Option<&str>, Option<&str>)]) -> Vec<ExpectedError> {
        entries
            .iter()
            .map(|(rule, pointer)| ExpectedError {
                rule: rule.map(str::to_string),
                pointer: pointer.map(str::to_string),
            })
            .collect()
    }

    fn list_passes(expect: ErrorListExpect, errors: Value) -> bool {
        let actual: Vec<&Value> = errors.as_array().unwrap().iter().collect();
        check_error_list(&expect, &actual, &["R".to_string()])
            .iter()
            .all(|o| o.passed)
    }

    #[test]
    fn error_lists_match_rule_and_pointer_in_one_error() {
        let fin_at_fin = expected(&[(Some("FIN_FORMAT"), Some("/fin"))]);
        // The rule reported at another pointer does not count.
        assert!(!list_passes(
            ErrorListExpect::Contains(fin_at_fin.clone()),
            json!([{"rule": "FIN_FORMAT", "pointer": "/evb"}, {"rule": "REQUIRED", "pointer": "/fin"}])
        ));
        assert!(list_passes(
            ErrorListExpect::Contains(fin_at_fin.clone()),
            json!([{"rule": "REQUIRED", "pointer": "/x"}, {"rule": "FIN_FORMAT", "pointer": "/fin"}])
        ));
        // `exactly` refuses a spurious extra error, `contains` does not.
        let extra = json!([{"rule": "FIN_FORMAT", "pointer": "/fin"}, {"rule": "LENGTH", "pointer": "/name"}]);
        assert!(list_passes(
            ErrorListExpect::Contains(fin_at_fin.clone()),
            extra.clone()
        ));
        assert!(!list_passes(
            ErrorListExpect::Exactly(fin_at_fin.clone()),
            extra
        ));
        // A second violation that is never reported fails.
        let two = expected(&[
            (Some("FIN_FORMAT"), Some("/fin")),
            (Some("EVB_FORMAT"), Some("/evb")),
        ]);
        assert!(!list_passes(
            ErrorListExpect::Exactly(two.clone()),
            json!([{"rule": "FIN_FORMAT", "pointer": "/fin"}])
        ));
        // Order does not matter.
        assert!(list_passes(
            ErrorListExpect::Exactly(two),
            json!([{"rule": "EVB_FORMAT", "pointer": "/evb"}, {"rule": "FIN_FORMAT", "pointer": "/fin"}])
        ));
        // One error cannot satisfy two entries (a duplicate is needed twice).
        let twice = expected(&[(Some("LENGTH"), None), (Some("LENGTH"), None)]);
        assert!(!list_passes(
            ErrorListExpect::Contains(twice.clone()),
            json!([{"rule": "LENGTH", "pointer": "/a"}])
        ));
        assert!(list_passes(
            ErrorListExpect::Exactly(twice),
            json!([{"rule": "LENGTH", "pointer": "/a"}, {"rule": "LENGTH", "pointer": "/b"}])
        ));
        // The matching is maximal: a greedy first pick must not starve a later entry.
        let loose_then_tight = expected(&[(Some("LENGTH"), None), (Some("LENGTH"), Some("/a"))]);
        assert!(list_passes(
            ErrorListExpect::Exactly(loose_then_tight),
            json!([{"rule": "LENGTH", "pointer": "/a"}, {"rule": "LENGTH", "pointer": "/b"}])
        ));
    }

    #[test]
    fn nesting_depth_is_measured_outside_strings() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(nesting_exceeds(deep.as_bytes(), MAX_JSON_DEPTH));
        let shallow_with_brackets_in_strings = format!("[\"{}\"]", "[".repeat(500));
        assert!(!nesting_exceeds(
            shallow_with_brackets_in_strings.as_bytes(),
            MAX_JSON_DEPTH
        ));
        assert!(!nesting_exceeds(br#"{"a": "\"[[[[", "b": [[1]]}"#, 3));
        assert!(nesting_exceeds(br#"{"a": [[1]]}"#, 2));
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(json_equal(&json!(1), &json!(1.0)));
        assert!(json_equal(&json!({"a": [1, 2]}), &json!({"a": [1.0, 2]})));
        assert!(!json_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!json_equal(&json!("1"), &json!(1)));
    }
}
