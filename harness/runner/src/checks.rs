//! Evaluates a step's `expect` block against a received response and records
//! every assertion as an [`AssertionOutcome`] (what was checked, expected,
//! received). Evaluation order: status, headers, problem, schema, body. When
//! the status is wrong nothing else is checked: the rest would only repeat the
//! same failure in other words.

use http::HeaderMap;
use konform_model::report::AssertionOutcome;
use konform_model::suite::{BodyCheck, Capture, Expect, HeaderCheck, ProblemCheck};
use serde_json::{Value, json};

use crate::compiled::Compiled;

/// The outcome of checking one response.
#[derive(Debug, Default)]
pub struct CheckResult {
    pub outcomes: Vec<AssertionOutcome>,
    /// JSON was needed but the body is not JSON; an `error` unless an
    /// assertion already failed.
    pub json_error: Option<String>,
    /// A template in an expectation could not be rendered (a suite or fixture problem).
    pub template_error: Option<String>,
}

impl CheckResult {
    pub fn first_failure(&self) -> Option<&AssertionOutcome> {
        self.outcomes.iter().find(|o| !o.passed)
    }
}

/// The response as the checks see it.
pub struct ResponseView<'a> {
    pub status: u16,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl ResponseView<'_> {
    /// The body parsed as JSON.
    pub fn json(&self) -> Result<Value, String> {
        if self.body.is_empty() {
            return Err("response body is empty".into());
        }
        serde_json::from_slice(self.body)
            .map_err(|e| format!("response body is not valid JSON: {e}"))
    }
}

pub fn check(
    expect: &Expect,
    response: &ResponseView<'_>,
    compiled: &Compiled,
    render: &mut dyn FnMut(&Value) -> Result<Value, String>,
) -> CheckResult {
    let mut result = CheckResult::default();
    if let Some(status) = &expect.status {
        let passed = status.accepts(response.status);
        result.outcomes.push(AssertionOutcome {
            check: "status".into(),
            passed,
            expected: serde_json::to_value(status).ok(),
            received: Some(json!(response.status)),
            message: if passed {
                None
            } else {
                problem_summary(response)
            },
        });
        if !passed {
            return result;
        }
    }
    for header in &expect.headers {
        match check_header(header, response.headers, compiled, &mut *render) {
            Ok(outcome) => result.outcomes.push(outcome),
            Err(e) => {
                result.template_error = Some(e);
                return result;
            }
        }
    }
    let needs_json = expect.problem.is_some() || expect.schema.is_some() || !expect.body.is_empty();
    if !needs_json {
        return result;
    }
    let json = match response.json() {
        Ok(json) => json,
        Err(e) => {
            if expect.problem.is_some() {
                // A problem check on a non-JSON body still says what is wrong with the media type.
                result.outcomes.push(problem_media_type(response.headers));
            }
            result.json_error = Some(e);
            return result;
        }
    };
    if let Some(problem) = &expect.problem {
        result
            .outcomes
            .extend(check_problem(problem, response, &json));
    }
    if let Some(reference) = &expect.schema {
        result
            .outcomes
            .push(check_schema(reference, &json, compiled));
    }
    for body in &expect.body {
        match check_body(body, &json, compiled, &mut *render) {
            Ok(outcome) => result.outcomes.push(outcome),
            Err(e) => {
                result.template_error = Some(e);
                return result;
            }
        }
    }
    result
}

/// The values a step captures from a response, in order; the first capture
/// whose source is missing is an error message (a `fail` for the case).
pub fn capture(
    captures: &indexmap::IndexMap<String, Capture>,
    response: &ResponseView<'_>,
) -> Result<Vec<(String, Value)>, String> {
    let mut json = None;
    let mut values = Vec::with_capacity(captures.len());
    for (name, source) in captures {
        let value = if let Some(header) = &source.header {
            match response.headers.get(header.as_str()) {
                Some(v) => Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()),
                None => return Err(format!("capture `{name}`: header {header} is missing")),
            }
        } else if let Some(pointer) = &source.pointer {
            if json.is_none() {
                json = Some(
                    response
                        .json()
                        .map_err(|e| format!("capture `{name}`: {e}"))?,
                );
            }
            match json.as_ref().and_then(|j| j.pointer(pointer)) {
                Some(v) => v.clone(),
                None => {
                    return Err(format!(
                        "capture `{name}`: no value at {pointer} in the response body"
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

fn check_header(
    check: &HeaderCheck,
    headers: &HeaderMap,
    compiled: &Compiled,
    render: &mut dyn FnMut(&Value) -> Result<Value, String>,
) -> Result<AssertionOutcome, String> {
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
        }
    } else {
        let want = check.present.unwrap_or(true);
        AssertionOutcome {
            check: format!("header {name} {}", if want { "present" } else { "absent" }),
            passed: values.is_empty() != want,
            expected: Some(json!(if want { "present" } else { "absent" })),
            received: Some(received),
            message: None,
        }
    };
    Ok(outcome)
}

/// The compiled pattern, or — for a pattern with templates — the rendered one.
fn regex_for<'c>(
    pattern: &str,
    compiled: &'c Compiled,
    render: &mut dyn FnMut(&Value) -> Result<Value, String>,
) -> Result<std::borrow::Cow<'c, regex::Regex>, String> {
    if pattern.contains("{{") {
        let rendered = render_string(render, pattern)?;
        let re = regex::Regex::new(&rendered)
            .map_err(|e| format!("regular expression `{rendered}` does not compile: {e}"))?;
        return Ok(std::borrow::Cow::Owned(re));
    }
    compiled
        .regex(pattern)
        .map(std::borrow::Cow::Borrowed)
        .ok_or_else(|| format!("regular expression `{pattern}` was not compiled"))
}

fn render_string(
    render: &mut dyn FnMut(&Value) -> Result<Value, String>,
    template: &str,
) -> Result<String, String> {
    Ok(match render(&Value::String(template.to_string()))? {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

fn problem_media_type(headers: &HeaderMap) -> AssertionOutcome {
    let content_type = header_values(headers, "content-type").into_iter().next();
    let media_type = content_type.as_deref().map(|ct| {
        ct.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    AssertionOutcome {
        check: "problem content-type".into(),
        passed: media_type.as_deref() == Some("application/problem+json"),
        expected: Some(json!("application/problem+json")),
        received: Some(content_type.map(Value::String).unwrap_or(Value::Null)),
        message: None,
    }
}

fn check_problem(
    check: &ProblemCheck,
    response: &ResponseView<'_>,
    json: &Value,
) -> Vec<AssertionOutcome> {
    let mut out = vec![problem_media_type(response.headers)];
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
    });
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
            });
        }
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
            }
        }
        None => AssertionOutcome {
            check: format!("schema {reference}"),
            passed: false,
            expected: Some(json!(reference)),
            received: None,
            message: Some("schema was not compiled".into()),
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

fn check_body(
    check: &BodyCheck,
    json: &Value,
    compiled: &Compiled,
    render: &mut dyn FnMut(&Value) -> Result<Value, String>,
) -> Result<AssertionOutcome, String> {
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
            let parsed = serde_json_path::JsonPath::parse(&rendered)
                .map_err(|e| format!("JSONPath `{rendered}` does not parse: {e}"))?;
            (rendered, parsed.query(json).all())
        } else {
            let compiled_path = compiled
                .json_path(path)
                .ok_or_else(|| format!("JSONPath `{path}` was not compiled"))?;
            (path.clone(), compiled_path.query(json).all())
        }
    } else {
        return Err("body check has neither `pointer` nor `path`".into());
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
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value() {
        assert!(json_equal(&json!(1), &json!(1.0)));
        assert!(json_equal(&json!({"a": [1, 2]}), &json!({"a": [1.0, 2]})));
        assert!(!json_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!json_equal(&json!("1"), &json!(1)));
    }
}
