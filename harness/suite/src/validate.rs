//! JSON Schema validation of a parsed YAML file, with every error turned
//! into a diagnostic at the offending value (or key, for unknown keys).
//!
//! Schemas may steer the diagnostic with two annotations on the failing
//! subschema: `x-konform-code` (a stable code such as `version-not-semver`,
//! used instead of `konform::schema`), `x-konform-message` (the message,
//! `{value}` replaced by the offending JSON value) and `description` (help).

use std::sync::Arc;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Source, codes};
use crate::yaml::{SpanIndex, escape_token};

/// Validates `value` against `schema` (JSON Schema 2020-12, offline).
pub fn validate(
    source: &Arc<Source>,
    value: &Value,
    index: &SpanIndex,
    schema: &Value,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let validator = match jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(schema)
    {
        Ok(v) => v,
        Err(e) => {
            diags.push(Diagnostic::error(
                codes::SCHEMA,
                format!("the JSON Schema for {} is invalid: {e}", source.name),
            ));
            return diags;
        }
    };
    let mut seen = std::collections::HashSet::new();
    for err in validator.iter_errors(value) {
        let ptr = err.instance_path().as_str().to_string();
        let node = keyword_node(schema, err.absolute_keyword_location().map(|u| u.as_str()));
        let code = node
            .and_then(|n| n.get("x-konform-code"))
            .and_then(Value::as_str)
            .and_then(known_code)
            .unwrap_or(codes::SCHEMA);
        let custom = node
            .and_then(|n| n.get("x-konform-message"))
            .and_then(Value::as_str)
            .map(|m| {
                let shown = value
                    .pointer(&ptr)
                    .map(Value::to_string)
                    .unwrap_or_default();
                m.replace("{value}", &shown)
            });
        let description = node
            .and_then(|n| n.get("description"))
            .and_then(Value::as_str);
        let mut found = describe(err.kind(), &ptr, value, node, err.to_string());
        if let Some(m) = custom {
            found = vec![(ptr.clone(), false, m)];
        }
        for (target_ptr, on_key, message) in found {
            if !seen.insert((target_ptr.clone(), message.clone())) {
                continue;
            }
            let pos = if on_key {
                index
                    .key(&target_ptr)
                    .unwrap_or_else(|| index.nearest(&target_ptr))
            } else {
                index.nearest(&target_ptr)
            };
            let mut d = Diagnostic::error(code, message).at(source, pos).with_label(
                match kind_label(err.kind()) {
                    Some(l) => l,
                    None if on_key => "unknown key",
                    None => "here",
                },
            );
            if let Some(h) = description {
                d = d.with_help(h.to_string());
            }
            diags.push(d);
        }
    }
    diags.sort();
    diags
}

fn kind_label(kind: &ValidationErrorKind) -> Option<&'static str> {
    match kind {
        ValidationErrorKind::Required { .. } => Some("incomplete"),
        _ => None,
    }
}

fn known_code(name: &str) -> Option<&'static str> {
    match name {
        "version-not-semver" => Some(codes::VERSION_NOT_SEMVER),
        "unsafe-name" => Some(codes::UNSAFE_NAME),
        _ => None,
    }
}

/// The schema object holding the failing keyword, when it lives in `schema`.
fn keyword_node<'s>(schema: &'s Value, location: Option<&str>) -> Option<&'s Value> {
    let location = location?;
    let (base, fragment) = location.split_once('#')?;
    let id = schema.get("$id").and_then(Value::as_str).unwrap_or("");
    if !id.is_empty() && base != id {
        return None;
    }
    let parent = &fragment[..fragment.rfind('/')?];
    schema.pointer(parent)
}

/// Pointer, whether to point at its key (unknown or incomplete entries) rather
/// than its value, and message for each problem.
fn describe(
    kind: &ValidationErrorKind,
    ptr: &str,
    instance: &Value,
    node: Option<&Value>,
    fallback: String,
) -> Vec<(String, bool, String)> {
    let here = |m: String| vec![(ptr.to_string(), false, m)];
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let allowed = node
                .and_then(|n| n.get("properties"))
                .and_then(Value::as_object)
                .map(|p| {
                    p.keys()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                });
            unexpected
                .iter()
                .map(|k| {
                    let mut m = format!("unknown key `{k}`");
                    if let Some(a) = &allowed {
                        m.push_str(&format!(" (expected one of {a})"));
                    }
                    (format!("{ptr}/{}", escape_token(k)), true, m)
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| property.to_string());
            vec![(
                ptr.to_string(),
                true,
                format!("missing required key `{name}`"),
            )]
        }
        ValidationErrorKind::Type { kind } => {
            let found = instance.pointer(ptr).map(type_name).unwrap_or("nothing");
            let expected = match kind {
                jsonschema::error::TypeKind::Single(t) => t.to_string(),
                jsonschema::error::TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            here(format!("expected {expected}, found {found}"))
        }
        ValidationErrorKind::Enum { options } => {
            let opts = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| o.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| options.to_string());
            here(format!("must be one of {opts}"))
        }
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. } => {
            let keys = node.and_then(exactly_one_keys);
            match (
                keys,
                matches!(kind, ValidationErrorKind::OneOfNotValid { .. }),
            ) {
                (Some(keys), true) => {
                    here(format!("exactly one of {keys} must be set, found none"))
                }
                (Some(keys), false) => {
                    here(format!("exactly one of {keys} must be set, found several"))
                }
                (None, true) => here("value does not match any of the allowed forms".into()),
                (None, false) => here("value matches more than one of the allowed forms".into()),
            }
        }
        ValidationErrorKind::AnyOf { .. } => {
            here("value does not match any of the allowed forms".into())
        }
        ValidationErrorKind::Pattern { pattern } => {
            let shown = instance
                .pointer(ptr)
                .map(|v| v.to_string())
                .unwrap_or_default();
            here(format!("{shown} does not match the pattern `{pattern}`"))
        }
        _ => here(fallback),
    }
}

/// For `oneOf: [{required: [a]}, {required: [b]}, ...]`: "`a`, `b`".
fn exactly_one_keys(node: &Value) -> Option<String> {
    let alts = node.get("oneOf")?.as_array()?;
    let keys: Option<Vec<String>> = alts
        .iter()
        .map(|a| {
            let req = a.get("required")?.as_array()?;
            match req.as_slice() {
                [Value::String(k)] => Some(format!("`{k}`")),
                _ => None,
            }
        })
        .collect();
    keys.map(|k| k.join(", "))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
