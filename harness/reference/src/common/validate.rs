//! Field validation that collects every offending field at once, each as a
//! JSON Pointer and a rule id. The helpers return `Err(Invalid)` after
//! recording an error, so callers can keep going and report everything.

use serde_json::{Map, Value};

use super::dates::{format_date, parse_date};
use super::problem::{FieldError, Problem};

/// Generic rule ids shared by every interface.
pub mod rules {
    pub const REQUIRED: &str = "REQUIRED";
    pub const TYPE: &str = "TYPE";
    pub const UNKNOWN_FIELD: &str = "UNKNOWN_FIELD";
    pub const READ_ONLY: &str = "READ_ONLY";
    pub const LENGTH: &str = "LENGTH";
    pub const DATE_FORMAT: &str = "DATE_FORMAT";
}

/// Marker: the field was invalid and an error has been recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

pub type Checked<T> = Result<T, Invalid>;

/// The errors found so far.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn push(
        &mut self,
        pointer: &str,
        rule: &'static str,
        detail: impl Into<String>,
    ) -> Invalid {
        self.0.push(FieldError {
            pointer: pointer.to_string(),
            rule,
            detail: detail.into(),
        });
        Invalid
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_problem(self) -> Problem {
        Problem::validation(self.0)
    }
}

/// `parent/key` with RFC 6901 escaping of the key.
pub fn ptr(parent: &str, key: &str) -> String {
    format!("{parent}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// `v` must be an object; members outside `allowed` are UNKNOWN_FIELD
/// (or READ_ONLY when listed in `read_only`).
pub fn object<'a>(
    v: &'a Value,
    at: &str,
    allowed: &[&str],
    read_only: &[&str],
    errs: &mut Errors,
) -> Checked<&'a Map<String, Value>> {
    let Some(map) = v.as_object() else {
        return Err(errs.push(at, rules::TYPE, "must be an object"));
    };
    for key in map.keys() {
        if read_only.contains(&key.as_str()) {
            errs.push(
                &ptr(at, key),
                rules::READ_ONLY,
                "this member cannot be changed",
            );
        } else if !allowed.contains(&key.as_str()) {
            errs.push(
                &ptr(at, key),
                rules::UNKNOWN_FIELD,
                "unknown member; unknown members are rejected",
            );
        }
    }
    Ok(map)
}

/// A member that must be present and not null.
pub fn required<'a>(
    map: &'a Map<String, Value>,
    at: &str,
    key: &str,
    errs: &mut Errors,
) -> Checked<&'a Value> {
    match map.get(key) {
        None | Some(Value::Null) => Err(errs.push(&ptr(at, key), rules::REQUIRED, "required")),
        Some(v) => Ok(v),
    }
}

/// A member that may be absent (absent and null both mean "not given").
pub fn optional<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).filter(|v| !v.is_null())
}

/// A non-blank string of at most `max` characters, trimmed.
pub fn string(v: &Value, at: &str, max: usize, errs: &mut Errors) -> Checked<String> {
    let Some(s) = v.as_str() else {
        return Err(errs.push(at, rules::TYPE, "must be a string"));
    };
    let s = s.trim();
    if s.is_empty() {
        return Err(errs.push(at, rules::REQUIRED, "must not be blank"));
    }
    if s.chars().count() > max {
        return Err(errs.push(at, rules::LENGTH, format!("at most {max} characters")));
    }
    Ok(s.to_string())
}

/// A strict `YYYY-MM-DD` date, returned in canonical form.
pub fn date(v: &Value, at: &str, errs: &mut Errors) -> Checked<String> {
    let Some(s) = v.as_str() else {
        return Err(errs.push(at, rules::TYPE, "must be a string YYYY-MM-DD"));
    };
    match parse_date(s) {
        Some(d) => Ok(format_date(d)),
        None => Err(errs.push(at, rules::DATE_FORMAT, "must be a valid date YYYY-MM-DD")),
    }
}

/// A string of exactly `n` ASCII digits; otherwise `rule`.
pub fn digits(
    v: &Value,
    at: &str,
    n: usize,
    rule: &'static str,
    errs: &mut Errors,
) -> Checked<String> {
    let Some(s) = v.as_str() else {
        return Err(errs.push(at, rules::TYPE, "must be a string"));
    };
    if s.len() == n && s.bytes().all(|c| c.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err(errs.push(at, rule, format!("must be exactly {n} digits")))
    }
}

/// One of `allowed`; otherwise `rule`.
pub fn one_of(
    v: &Value,
    at: &str,
    allowed: &[&str],
    rule: &'static str,
    errs: &mut Errors,
) -> Checked<String> {
    let Some(s) = v.as_str() else {
        return Err(errs.push(at, rules::TYPE, "must be a string"));
    };
    if allowed.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(errs.push(at, rule, format!("must be one of {}", allowed.join(", "))))
    }
}

/// A non-empty array of at most `max` items, each checked by `item`.
pub fn array<T>(
    v: &Value,
    at: &str,
    max: usize,
    errs: &mut Errors,
    mut item: impl FnMut(&Value, &str, &mut Errors) -> Checked<T>,
) -> Checked<Vec<T>> {
    let Some(items) = v.as_array() else {
        return Err(errs.push(at, rules::TYPE, "must be an array"));
    };
    if items.is_empty() {
        return Err(errs.push(at, rules::REQUIRED, "must not be empty"));
    }
    if items.len() > max {
        return Err(errs.push(at, rules::LENGTH, format!("at most {max} items")));
    }
    let mut out = Vec::with_capacity(items.len());
    let mut bad = false;
    for (i, v) in items.iter().enumerate() {
        match item(v, &format!("{at}/{i}"), errs) {
            Ok(t) => out.push(t),
            Err(Invalid) => bad = true,
        }
    }
    if bad { Err(Invalid) } else { Ok(out) }
}

/// Case- and whitespace-insensitive form used for comparisons.
pub fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
