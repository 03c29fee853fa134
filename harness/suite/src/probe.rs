//! Contract-derived probes: from one request the author knows to be valid,
//! derive one case per constraint that the interface's OpenAPI declares for
//! the operation's request body.
//!
//! For every member the valid body carries, the JSON Schema of the request
//! (followed through `$ref`s into `schemas/`) is walked together with the
//! body. Each constraint yields the value at its boundary, which must be
//! accepted (the author's success expectation), and the value just outside,
//! which must be rejected with a problem+json naming the member's pointer and
//! the contract's rule id. Rule ids come from the contract itself: a schema
//! node's `x-rules` (`{"pattern": "FIN_FORMAT"}`) and the OpenAPI's
//! `x-rule-keywords` (`maxLength: LENGTH`, plus the pseudo keywords `blank`
//! and `null` when the contract says what an empty or `null` required member
//! breaks). Derivation is pure and deterministic: the same probe and the same
//! contract give the same cases with the same ids, and the contract files it
//! read are part of the suite digest.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use konform_model::suite::{
    AuthChoice, Case, ErrorListExpect, Expect, ExpectedError, Probe, ProblemCheck, StatusExpect,
    Step,
};
use serde_json::{Map, Value, json};

use crate::generator::{Generator, SplitMix64};
use crate::schemas::SchemaSet;

/// A numeric keyword, the valid neighbour of its bound (variant, offset)
/// if there is one, and the invalid value (variant, offset).
type NumericBound = (
    &'static str,
    Option<(&'static str, f64)>,
    (&'static str, f64),
);

/// The longest string or array a probe builds (a limit beyond it is not probed).
const MAX_PROBE_LEN: u64 = 100_000;
const MAX_PROBE_ITEMS: u64 = 1_000;
/// `$ref` chains longer than this are treated as cycles.
const MAX_REF_DEPTH: usize = 32;
/// Name of the member that no closed schema declares.
pub const UNKNOWN_MEMBER: &str = "konformUnbekannt";

/// One case derived from a probe, with what it varies.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedCase {
    pub case: Case,
    /// The derived id without the probe's prefix (`halter.name.maxLength.at`).
    pub slug: String,
    /// JSON Pointer of the varied member in the request body (`""`: the body).
    pub pointer: String,
    /// The JSON Schema keyword (or `blank`, `null`) the case probes.
    pub keyword: String,
    /// True for a value at the boundary (must be accepted).
    pub accepted: bool,
    /// The contract's rule of the constraint: a rejection must name it; a
    /// value at the boundary is attributed to its requirement too.
    pub rule: Option<String>,
}

/// Everything one probe derives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Derivation {
    /// The derived cases that are not excluded, in a stable order.
    pub cases: Vec<DerivedCase>,
    /// Derived cases the author excluded: `(slug, reason)`.
    pub excluded: Vec<(String, String)>,
    /// Exclusions that matched nothing (indexes into `probe.exclude`).
    pub unused_exclusions: Vec<usize>,
    /// Constraints found but not probed, with why (`/fin pattern: ...`).
    pub not_derivable: Vec<String>,
    /// Requirements-less rules: derived slugs whose rule `verifies` does not map.
    pub unmapped: Vec<(String, Option<String>)>,
    /// Files under `schemas/` the derivation read (part of the suite digest).
    pub contract_files: BTreeSet<String>,
    /// Method and path template of the operation.
    pub method: String,
    pub path: String,
}

/// Why a probe derives nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    #[error("the suite names no OpenAPI document (`interface.openapi`)")]
    NoOpenApi,
    #[error("operation `{0}` is not in the interface's OpenAPI document")]
    UnknownOperation(String),
    #[error("operation `{0}` declares no application/json request body")]
    NoRequestBody(String),
    #[error("the probe's step has no `request.json` body to vary")]
    NoValidBody,
    #[error("`$ref` `{0}` does not resolve in schemas/")]
    UnresolvedRef(String),
}

/// An OpenAPI operation found by its `operationId`.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    pub method: String,
    pub path: String,
    pub node: &'a Value,
}

/// Finds an operation by id in an OpenAPI document.
pub fn find_operation<'a>(openapi: &'a Value, id: &str) -> Option<Operation<'a>> {
    operations(openapi).find(|op| op.node.get("operationId").and_then(Value::as_str) == Some(id))
}

/// Every operation of an OpenAPI document, in document order.
pub fn operations(openapi: &Value) -> impl Iterator<Item = Operation<'_>> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    openapi
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|paths| paths.iter())
        .flat_map(|(path, item)| {
            METHODS.iter().filter_map(move |m| {
                item.get(*m).map(|node| Operation {
                    method: m.to_uppercase(),
                    path: path.clone(),
                    node,
                })
            })
        })
}

/// Derives the cases of one probe.
pub fn derive(
    probe: &Probe,
    openapi_path: Option<&str>,
    schemas: &SchemaSet,
    suite_fixtures: &IndexMap<String, Value>,
) -> Result<Derivation, ProbeError> {
    let openapi_path = openapi_path.ok_or(ProbeError::NoOpenApi)?;
    let openapi = schemas.get(openapi_path).ok_or(ProbeError::NoOpenApi)?;
    let op = find_operation(openapi, &probe.operation)
        .ok_or_else(|| ProbeError::UnknownOperation(probe.operation.clone()))?;
    let body_schema = op
        .node
        .pointer("/requestBody/content/application~1json/schema")
        .ok_or_else(|| ProbeError::NoRequestBody(probe.operation.clone()))?;
    let valid = probe
        .step
        .request
        .json
        .as_ref()
        .ok_or(ProbeError::NoValidBody)?;
    // A member given as a whole fixture (`"{{ fixtures.anschrift }}"`) is
    // probed member by member: the fixture's value takes its place.
    let valid = &inline_fixtures(valid, &|name| {
        probe
            .fixtures
            .get(name)
            .or_else(|| suite_fixtures.get(name))
    });
    let keyword_rules: IndexMap<String, String> = openapi
        .get("x-rule-keywords")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let reject_status = probe.reject_status.unwrap_or_else(|| {
        if op.node.pointer("/responses/422").is_some() {
            422
        } else {
            400
        }
    });

    let mut walker = Walker {
        schemas,
        keyword_rules: &keyword_rules,
        found: Vec::new(),
        not_derivable: Vec::new(),
        files: BTreeSet::from([openapi_path.to_string()]),
    };
    walker.walk(body_schema, openapi_path, valid, &[], true, 0)?;

    let mut out = Derivation {
        contract_files: walker.files,
        not_derivable: walker.not_derivable,
        method: op.method.clone(),
        path: op.path.clone(),
        ..Derivation::default()
    };
    let mut used = vec![false; probe.exclude.len()];
    let mut seen: Vec<(Vec<String>, Option<Value>)> = Vec::new();
    for found in walker.found {
        // Two constraints probed with the same value (`minLength` 1 and
        // `blank`, both ""): the first one stands for both.
        let key = (found.segments.clone(), found.value.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let slug = found.slug();
        if let Some(i) = probe
            .exclude
            .iter()
            .position(|e| exclusion_matches(&e.probe, &slug))
        {
            used[i] = true;
            out.excluded.push((slug, probe.exclude[i].reason.clone()));
            continue;
        }
        let verifies = requirements_of(
            probe,
            &pointer_of(&found.segments),
            found.keyword,
            found.variant,
            found.rule.as_deref(),
        );
        let Some(verifies) = verifies else {
            out.unmapped.push((slug, found.rule.clone()));
            continue;
        };
        let mut body = replace(valid, &found.segments, found.value.clone());
        if found.accepted {
            for (segments, value) in linked_targets(&probe.linked, &found.segments, valid) {
                body = replace(&body, &segments, value.or_else(|| found.value.clone()));
            }
        }
        out.cases.push(DerivedCase {
            case: build_case(probe, &found, &slug, body, verifies, reject_status),
            slug,
            pointer: pointer_of(&found.segments),
            keyword: found.keyword.to_string(),
            accepted: found.accepted,
            rule: found.rule,
        });
    }
    for (name, verifies) in &probe.conventions {
        let Some(convention) = Convention::named(name) else {
            out.not_derivable
                .push(format!("convention `{name}`: not one konform knows"));
            continue;
        };
        let status = convention.status();
        if op.node.pointer(&format!("/responses/{status}")).is_none() {
            out.not_derivable.push(format!(
                "convention `{name}`: the operation does not document {status}"
            ));
            continue;
        }
        let Some(case) = convention.case(probe, verifies, valid) else {
            out.not_derivable.push(format!(
                "convention `{name}`: the probe gives no body_limit"
            ));
            continue;
        };
        let slug = format!("convention.{name}");
        if let Some(i) = probe
            .exclude
            .iter()
            .position(|e| exclusion_matches(&e.probe, &slug))
        {
            used[i] = true;
            out.excluded.push((slug, probe.exclude[i].reason.clone()));
            continue;
        }
        out.cases.push(DerivedCase {
            case,
            slug,
            pointer: String::new(),
            keyword: name.clone(),
            accepted: false,
            rule: None,
        });
    }
    out.unused_exclusions = used
        .iter()
        .enumerate()
        .filter(|(_, u)| !**u)
        .map(|(i, _)| i)
        .collect();
    Ok(out)
}

/// The keywords a derived case can probe; `verifies` may be keyed by them.
pub const KEYWORDS: &[&str] = &[
    "required",
    "null",
    "blank",
    "type",
    "enum",
    "pattern",
    "format",
    "maxLength",
    "minLength",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxItems",
    "minItems",
    "additionalProperties",
];

/// The requirements a derived case verifies: those of the longest member
/// pointer in `verifies` that contains the member (`/kennzeichen`), else
/// those of its keyword and variant (`maxLength.at`), else of its keyword
/// (`blank`), else of its rule, else those of `"*"`.
fn requirements_of(
    probe: &Probe,
    pointer: &str,
    keyword: &str,
    variant: &str,
    rule: Option<&str>,
) -> Option<Vec<String>> {
    probe
        .verifies
        .iter()
        .filter(|(key, _)| {
            key.starts_with('/')
                && (pointer == key.as_str() || pointer.starts_with(&format!("{key}/")))
        })
        .max_by_key(|(key, _)| key.len())
        .map(|(_, reqs)| reqs)
        .or_else(|| probe.verifies.get(&format!("{keyword}.{variant}")))
        .or_else(|| probe.verifies.get(keyword))
        .or_else(|| rule.and_then(|r| probe.verifies.get(r)))
        .or_else(|| probe.verifies.get("*"))
        .cloned()
}

/// Where else a boundary value at `segments` goes: for each linked group
/// whose member is a prefix of `segments`, the same suffix below every other
/// pointer of the group (that exists in the valid body).
fn linked_targets(
    linked: &[Vec<String>],
    segments: &[String],
    valid: &Value,
) -> Vec<(Vec<String>, Option<Value>)> {
    let here = pointer_of(segments);
    let mut out = Vec::new();
    for group in linked {
        let Some(prefix) = group
            .iter()
            .find(|p| here == **p || here.starts_with(&format!("{p}/")))
        else {
            continue;
        };
        let suffix = &here[prefix.len()..];
        for other in group.iter().filter(|p| *p != prefix) {
            let target = format!("{other}{suffix}");
            if valid.pointer(&target).is_some() {
                let segs = target
                    .split('/')
                    .skip(1)
                    .map(|t| t.replace("~1", "/").replace("~0", "~"))
                    .collect();
                out.push((segs, None));
            }
        }
    }
    out
}

/// `probe` matches the slug, where `*` stands for any run of characters.
fn exclusion_matches(pattern: &str, slug: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = slug.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The case of one derived probe: the setup as preconditions, the varied
/// request with the success or the rejection expected, the probe's cleanup.
fn build_case(
    probe: &Probe,
    found: &Found,
    slug: &str,
    body: Value,
    verifies: Vec<String>,
    reject_status: u16,
) -> Case {
    let mut step: Step = probe.step.clone();
    step.name = Some(if found.accepted { "boundary" } else { "probe" }.to_string());
    step.precondition = false;
    step.verifies = Some(verifies.clone());
    step.request.json = Some(body);
    if found.accepted {
        // The author's checks of exact values do not hold for varied values;
        // what must hold is the success status (and the documented shape).
        step.expect = Expect {
            status: step.expect.status.clone(),
            schema: step.expect.schema.clone(),
            ..Expect::default()
        };
    } else {
        step.expect = Expect {
            status: Some(StatusExpect::One(reject_status)),
            problem: Some(ProblemCheck {
                errors: Some(ErrorListExpect::Contains(vec![ExpectedError {
                    rule: found.rule.clone().filter(|_| found.assert_rule),
                    pointer: Some(pointer_of(&found.segments)),
                }])),
                ..ProblemCheck::default()
            }),
            ..Expect::default()
        };
        step.capture.clear();
    }
    let mut steps: Vec<Step> = probe
        .setup
        .iter()
        .cloned()
        .map(|mut s| {
            s.precondition = true;
            s
        })
        .collect();
    steps.push(step);
    let title = probe.title.as_deref().unwrap_or(&probe.operation);
    Case {
        id: format!("{}.{slug}", probe.id),
        title: format!("{title}: {}", found.describe()),
        class: probe.class.clone(),
        verifies,
        fixtures: probe.fixtures.clone(),
        steps,
        crawl: None,
        finally: probe.finally.clone(),
    }
}

/// A shared convention checked on the probe's operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Convention {
    Unauthenticated,
    UnsupportedMediaType,
    MalformedJson,
    TooLarge,
}

impl Convention {
    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "unauthenticated" => Self::Unauthenticated,
            "unsupported_media_type" => Self::UnsupportedMediaType,
            "malformed_json" => Self::MalformedJson,
            "too_large" => Self::TooLarge,
            _ => return None,
        })
    }

    fn status(self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::UnsupportedMediaType => 415,
            Self::MalformedJson => 400,
            Self::TooLarge => 413,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Unauthenticated => "without credentials it is refused with 401",
            Self::UnsupportedMediaType => "the valid body sent as text/plain is refused with 415",
            Self::MalformedJson => "a body that is not JSON is refused with 400",
            Self::TooLarge => "a body one byte over the limit is refused with 413",
        }
    }

    /// The case: the probe's setup, then the valid request with one
    /// convention broken; `None` when the probe lacks what it needs.
    fn case(self, probe: &Probe, verifies: &[String], valid: &Value) -> Option<Case> {
        let mut step = probe.step.clone();
        step.name = Some("convention".to_string());
        step.precondition = false;
        step.verifies = Some(verifies.to_vec());
        step.capture.clear();
        step.request.json = Some(valid.clone());
        match self {
            Self::Unauthenticated => step.request.auth = AuthChoice::None,
            Self::UnsupportedMediaType => {
                step.request
                    .headers
                    .insert("Content-Type".to_string(), "text/plain".to_string());
            }
            Self::MalformedJson => {
                step.request.json = None;
                step.request.body = Some("{\"konform\": ".to_string());
                step.request
                    .headers
                    .insert("Content-Type".to_string(), "application/json".to_string());
            }
            Self::TooLarge => {
                step.request.json = None;
                step.request.body_size = Some(probe.body_limit? + 1);
            }
        }
        step.expect = Expect {
            status: Some(StatusExpect::One(self.status())),
            problem: Some(ProblemCheck::default()),
            ..Expect::default()
        };
        let mut steps: Vec<Step> = probe
            .setup
            .iter()
            .cloned()
            .map(|mut s| {
                s.precondition = true;
                s
            })
            .collect();
        steps.push(step);
        let title = probe.title.as_deref().unwrap_or(&probe.operation);
        Some(Case {
            id: format!("{}.convention.{}", probe.id, self.name()),
            title: format!("{title}: {}", self.describe()),
            class: probe.class.clone(),
            verifies: verifies.to_vec(),
            fixtures: probe.fixtures.clone(),
            steps,
            crawl: None,
            finally: probe.finally.clone(),
        })
    }

    fn name(self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::MalformedJson => "malformed_json",
            Self::TooLarge => "too_large",
        }
    }
}

/// A constraint found in the walk and the value that probes it.
#[derive(Debug, Clone)]
struct Found {
    segments: Vec<String>,
    keyword: &'static str,
    /// Distinguishes several probes of one keyword (`at`, `above`, `case`).
    variant: &'static str,
    accepted: bool,
    rule: Option<String>,
    /// The new value at `segments`; `None` removes the member.
    value: Option<Value>,
    /// Whether a rejection must name `rule` (else the pointer alone).
    assert_rule: bool,
}

impl Found {
    fn slug(&self) -> String {
        let mut parts: Vec<&str> = if self.segments.is_empty() {
            vec!["body"]
        } else {
            self.segments.iter().map(String::as_str).collect()
        };
        parts.push(self.keyword);
        if !self.variant.is_empty() {
            parts.push(self.variant);
        }
        parts.join(".")
    }

    fn describe(&self) -> String {
        let at = pointer_of(&self.segments);
        let at = if at.is_empty() { "the body" } else { &at };
        let what = match &self.value {
            None => "left out".to_string(),
            Some(v) => format!("= {}", short(v)),
        };
        let outcome = if self.accepted {
            "accepted"
        } else {
            "rejected"
        };
        format!(
            "{at} {what} ({} {}) is {outcome}",
            self.keyword, self.variant
        )
        .replace(" )", ")")
    }
}

/// A value shown in a title: long strings and arrays are summarised.
fn short(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() > 24 => {
            format!("{} characters", s.chars().count())
        }
        Value::Array(a) if a.len() > 3 => format!("{} items", a.len()),
        other => {
            let s = other.to_string();
            if s.chars().count() > 40 {
                format!("{}…", s.chars().take(40).collect::<String>())
            } else {
                s
            }
        }
    }
}

/// The JSON Pointer of a path of member names and indexes.
pub fn pointer_of(segments: &[String]) -> String {
    segments
        .iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// A copy of `body` with the value at `segments` replaced (or removed).
fn replace(body: &Value, segments: &[String], value: Option<Value>) -> Value {
    let Some((first, rest)) = segments.split_first() else {
        return value.unwrap_or(Value::Null);
    };
    let mut out = body.clone();
    match &mut out {
        Value::Object(map) => {
            if rest.is_empty() {
                match value {
                    Some(v) => {
                        map.insert(first.clone(), v);
                    }
                    None => {
                        map.shift_remove(first);
                    }
                }
            } else if let Some(child) = map.get(first) {
                let new = replace(child, rest, value);
                map.insert(first.clone(), new);
            }
        }
        Value::Array(items) => {
            if let Ok(i) = first.parse::<usize>()
                && i < items.len()
            {
                if rest.is_empty() {
                    match value {
                        Some(v) => items[i] = v,
                        None => {
                            items.remove(i);
                        }
                    }
                } else {
                    items[i] = replace(&items[i], rest, value);
                }
            }
        }
        _ => {}
    }
    out
}

/// `value` with every string that is exactly `{{ fixtures.NAME }}` replaced
/// by the fixture's value.
fn inline_fixtures<'v>(value: &Value, fixture: &dyn Fn(&str) -> Option<&'v Value>) -> Value {
    match value {
        Value::String(s) => s
            .trim()
            .strip_prefix("{{")
            .and_then(|r| r.strip_suffix("}}"))
            .and_then(|inner| inner.trim().strip_prefix("fixtures."))
            .and_then(|name| fixture(name.trim()))
            .map_or_else(|| value.clone(), |v| inline_fixtures(v, fixture)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| inline_fixtures(v, fixture)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), inline_fixtures(v, fixture)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A string is a template when it holds `{{`: its value is known only at run time.
fn concrete_str(v: &Value) -> Option<&str> {
    v.as_str().filter(|s| !s.contains("{{"))
}

struct Walker<'a> {
    schemas: &'a SchemaSet,
    keyword_rules: &'a IndexMap<String, String>,
    found: Vec<Found>,
    not_derivable: Vec<String>,
    files: BTreeSet<String>,
}

/// A schema node after following `$ref`s, with the `x-rules` met on the way
/// (the outermost wins) and the file it lives in.
struct Resolved<'a> {
    node: &'a Value,
    file: String,
    rules: Map<String, Value>,
}

impl<'a> Walker<'a> {
    fn resolve(&mut self, mut node: &'a Value, base: &str) -> Result<Resolved<'a>, ProbeError> {
        let mut file = base.to_string();
        let mut rules = Map::new();
        for _ in 0..MAX_REF_DEPTH {
            if let Some(r) = node.get("x-rules").and_then(Value::as_object) {
                for (k, v) in r {
                    rules.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                return Ok(Resolved { node, file, rules });
            };
            let (target_file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
            let target_file = if target_file.is_empty() {
                file.clone()
            } else {
                join(&file, target_file)
            };
            let full = format!("{target_file}#{fragment}");
            node = self
                .schemas
                .resolve_ref(&full)
                .ok_or_else(|| ProbeError::UnresolvedRef(reference.to_string()))?;
            self.files.insert(target_file.clone());
            file = target_file;
        }
        Err(ProbeError::UnresolvedRef("(a cycle of $refs)".to_string()))
    }

    /// The rule a member's own property schema names for `keyword`
    /// (`"wohnungsgeberbestaetigung": {"x-rules": {"required": "WOHNUNGSGEBER_FEHLT"}, ...}`).
    fn member_rule(&self, object: &Value, member: &str, keyword: &str) -> Option<String> {
        object
            .pointer(&format!(
                "/properties/{}",
                member.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(|p| p.get("x-rules"))
            .and_then(|r| r.get(keyword))
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// The contract's rule for `keyword` at a node: its own `x-rules`, else
    /// the interface-wide `x-rule-keywords`.
    fn rule(&self, r: &Resolved<'_>, keyword: &str) -> Option<String> {
        r.rules
            .get(keyword)
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| self.keyword_rules.get(keyword).cloned())
    }

    fn push(
        &mut self,
        segments: &[String],
        keyword: &'static str,
        variant: &'static str,
        accepted: bool,
        rule: Option<String>,
        value: Option<Value>,
    ) {
        self.found.push(Found {
            segments: segments.to_vec(),
            keyword,
            variant,
            accepted,
            rule,
            value,
            assert_rule: true,
        });
    }

    fn walk(
        &mut self,
        schema: &'a Value,
        base: &str,
        instance: &Value,
        segments: &[String],
        required: bool,
        depth: usize,
    ) -> Result<(), ProbeError> {
        if depth > MAX_REF_DEPTH {
            return Ok(());
        }
        let r = self.resolve(schema, base)?;
        let node = r.node;
        let here = pointer_of(segments);

        // type
        if let Some(t) = node.get("type").and_then(Value::as_str) {
            let wrong = match t {
                "string" => json!(12345),
                "integer" | "number" => json!("1"),
                "boolean" => json!("true"),
                "array" => json!({}),
                "object" => json!([]),
                _ => Value::Null,
            };
            if !wrong.is_null() {
                let rule = self.rule(&r, "type");
                self.push(segments, "type", "", false, rule.clone(), Some(wrong));
                if t == "integer" {
                    // A number with a fraction is not an integer.
                    self.push(segments, "type", "fraction", false, rule, Some(json!(1.5)));
                }
            }
        }
        // null and blank for required members, where the contract names their rule
        let is_item = segments.last().is_some_and(|s| s.parse::<usize>().is_ok());
        if required && !segments.is_empty() {
            // `null` is a value of a member; an array item has no "absent".
            let null_rule = r
                .rules
                .get("null")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| self.keyword_rules.get("null").cloned());
            if let (Some(rule), false) = (null_rule, is_item) {
                self.push(segments, "null", "", false, Some(rule), Some(Value::Null));
            }
            if instance.is_string()
                && let Some(rule) = self.keyword_rules.get("blank").cloned()
            {
                // A blank member with a format rule of its own breaks both rules;
                // a contract may let either be reported, so only the pointer is
                // asserted (the case is still attributed to the blank rule).
                let has_format_rule = ["pattern", "format", "enum"]
                    .iter()
                    .any(|k| r.rules.contains_key(*k));
                for (variant, value) in [("empty", ""), ("spaces", "   ")] {
                    self.push(
                        segments,
                        "blank",
                        variant,
                        false,
                        Some(rule.clone()),
                        Some(json!(value)),
                    );
                    if has_format_rule && let Some(found) = self.found.last_mut() {
                        found.assert_rule = false;
                    }
                }
            }
        }
        // enum
        if let Some(values) = node.get("enum").and_then(Value::as_array) {
            let rule = self.rule(&r, "enum");
            let outside = json!("konform-kein-wert");
            if !values.contains(&outside) {
                self.push(segments, "enum", "", false, rule.clone(), Some(outside));
            }
            if let Some(s) = concrete_str(instance) {
                let upper = Value::String(s.to_uppercase());
                if !values.contains(&upper) {
                    self.push(segments, "enum", "case", false, rule, Some(upper));
                }
            }
        }

        // A nullable member (`anyOf: [X, {type: null}]`) is probed as X.
        for key in ["anyOf", "oneOf"] {
            if let Some(alts) = node.get(key).and_then(Value::as_array) {
                let non_null: Vec<&Value> = alts
                    .iter()
                    .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                    .collect();
                if let ([only], false) = (non_null.as_slice(), instance.is_null()) {
                    let file = r.file.clone();
                    self.walk(only, &file, instance, segments, required, depth + 1)?;
                }
            }
        }
        // Every schema of an `allOf` constrains the same value.
        if let Some(all) = node.get("allOf").and_then(Value::as_array) {
            let file = r.file.clone();
            for sub in all {
                self.walk(sub, &file, instance, segments, required, depth + 1)?;
            }
        }
        match instance {
            Value::String(_) => self.strings(&r, instance, segments, &here),
            Value::Number(_) => self.numbers(&r, instance, segments),
            Value::Array(items) => {
                self.arrays(&r, items, segments);
                if let (Some(item_schema), Some(first)) = (node.get("items"), items.first()) {
                    let mut seg = segments.to_vec();
                    seg.push("0".to_string());
                    let file = r.file.clone();
                    self.walk(item_schema, &file, first, &seg, true, depth + 1)?;
                }
            }
            Value::Object(members) => {
                let req: Vec<&str> = node
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                for name in &req {
                    if members.contains_key(*name) {
                        let mut seg = segments.to_vec();
                        seg.push((*name).to_string());
                        // A member's absence is named by the member's own property
                        // schema, else by the contract-wide keyword rule.
                        let rule = self
                            .member_rule(node, name, "required")
                            .or_else(|| self.keyword_rules.get("required").cloned());
                        self.push(&seg, "required", "", false, rule, None);
                    }
                }
                if node.get("additionalProperties") == Some(&Value::Bool(false))
                    && !members.contains_key(UNKNOWN_MEMBER)
                {
                    let mut seg = segments.to_vec();
                    seg.push(UNKNOWN_MEMBER.to_string());
                    let rule = self.rule(&r, "additionalProperties");
                    self.push(
                        &seg,
                        "additionalProperties",
                        "",
                        false,
                        rule,
                        Some(json!("x")),
                    );
                }
                if let Some(props) = node.get("properties").and_then(Value::as_object) {
                    let file = r.file.clone();
                    for (name, value) in members {
                        if let Some(prop) = props.get(name) {
                            let mut seg = segments.to_vec();
                            seg.push(name.clone());
                            let is_req = req.contains(&name.as_str());
                            self.walk(prop, &file, value, &seg, is_req, depth + 1)?;
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn strings(&mut self, r: &Resolved<'_>, instance: &Value, segments: &[String], here: &str) {
        let node = r.node;
        let pattern = node.get("pattern").and_then(Value::as_str);
        let regex = pattern.and_then(|p| regex::Regex::new(p).ok());
        let min = node.get("minLength").and_then(Value::as_u64);
        let max = node.get("maxLength").and_then(Value::as_u64);
        let fits = |s: &str| {
            let n = s.chars().count() as u64;
            regex.as_ref().is_none_or(|re| re.is_match(s))
                && min.is_none_or(|m| n >= m)
                && max.is_none_or(|m| n <= m)
        };
        let base = concrete_str(instance)
            .map(str::to_string)
            .or_else(|| pattern.and_then(example_of).filter(|s| fits(s)));

        // Lengths: filled with a character that the pattern allows, umlauts first
        // (two bytes each in UTF-8, so a limit counted in bytes is caught).
        let filled = |len: u64| -> Option<String> {
            ['ä', 'a', '1', 'A'].iter().find_map(|c| {
                let s: String = std::iter::repeat_n(*c, len as usize).collect();
                regex.as_ref().is_none_or(|re| re.is_match(&s)).then_some(s)
            })
        };
        if let Some(max) = max {
            if max > MAX_PROBE_LEN {
                self.not_derivable
                    .push(format!("{here} maxLength {max}: too long to send"));
            } else {
                match (filled(max), filled(max + 1)) {
                    (Some(at), Some(above)) => {
                        self.push(
                            segments,
                            "maxLength",
                            "at",
                            true,
                            self.rule(r, "maxLength"),
                            Some(json!(at)),
                        );
                        let rule = self.rule(r, "maxLength");
                        self.push(
                            segments,
                            "maxLength",
                            "above",
                            false,
                            rule,
                            Some(json!(above)),
                        );
                    }
                    _ => self.not_derivable.push(format!(
                        "{here} maxLength {max}: no value of that length matches the pattern"
                    )),
                }
            }
        }
        if let Some(min) = min.filter(|m| *m > 0 && *m <= MAX_PROBE_LEN) {
            if let Some(at) = filled(min) {
                self.push(
                    segments,
                    "minLength",
                    "at",
                    true,
                    self.rule(r, "minLength"),
                    Some(json!(at)),
                );
            }
            let below: String = std::iter::repeat_n('a', (min - 1) as usize).collect();
            let rule = self.rule(r, "minLength");
            self.push(
                segments,
                "minLength",
                "below",
                false,
                rule,
                Some(json!(below)),
            );
        }
        if let (Some(p), Some(re)) = (pattern, &regex) {
            match &base {
                Some(b) => {
                    let rule = self.rule(r, "pattern");
                    let length_ok = |s: &str| {
                        let n = s.chars().count() as u64;
                        min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
                    };
                    let mut chars: Vec<char> = b.chars().collect();
                    let shorter: String = chars[..chars.len().saturating_sub(1)].iter().collect();
                    let longer = format!("{b}{}", chars.last().copied().unwrap_or('1'));
                    let length_variant = [shorter, longer]
                        .into_iter()
                        .find(|s| !s.is_empty() && !re.is_match(s) && length_ok(s));
                    if let Some(v) = length_variant {
                        self.push(segments, "pattern", "length", false, rule.clone(), Some(json!(v)));
                    }
                    let lower = b.to_lowercase();
                    let char_variant = if lower != *b && !re.is_match(&lower) {
                        Some(("case", lower))
                    } else if let Some(first) = chars.first_mut() {
                        *first = '#';
                        let s: String = chars.iter().collect();
                        (!re.is_match(&s) && length_ok(&s)).then_some(("char", s))
                    } else {
                        None
                    };
                    if let Some((variant, v)) = char_variant {
                        self.push(segments, "pattern", variant, false, rule, Some(json!(v)));
                    }
                }
                None => self.not_derivable.push(format!(
                    "{here} pattern {p}: the valid value is a template and the pattern is beyond the example generator"
                )),
            }
        }
        if node.get("format").and_then(Value::as_str) == Some("date") {
            let rule = self.rule(r, "format");
            let (y, m, d) = concrete_str(instance)
                .and_then(split_date)
                .unwrap_or(("2000", "01", "31"));
            self.push(
                segments,
                "format",
                "shape",
                false,
                rule.clone(),
                Some(json!(format!("{d}.{m}.{y}"))),
            );
            // 29 February of a year that is not a leap year: right shape, no such day.
            self.push(
                segments,
                "format",
                "calendar",
                false,
                rule,
                Some(json!("2023-02-29")),
            );
        }
    }

    fn numbers(&mut self, r: &Resolved<'_>, instance: &Value, segments: &[String]) {
        let node = r.node;
        let integer = node.get("type").and_then(Value::as_str) == Some("integer")
            || instance.is_i64()
            || instance.is_u64();
        let num = |x: f64| -> Value { if integer { json!(x as i64) } else { json!(x) } };
        // keyword, the valid neighbour (variant, offset; exclusive bounds
        // have one only for integers), the invalid value (variant, offset)
        let bounds: [NumericBound; 4] = [
            ("maximum", Some(("at", 0.0)), ("above", 1.0)),
            (
                "exclusiveMaximum",
                integer.then_some(("below", -1.0)),
                ("at", 0.0),
            ),
            ("minimum", Some(("at", 0.0)), ("below", -1.0)),
            (
                "exclusiveMinimum",
                integer.then_some(("above", 1.0)),
                ("at", 0.0),
            ),
        ];
        for (keyword, valid, (variant, offset)) in bounds {
            let Some(bound) = node.get(keyword).and_then(Value::as_f64) else {
                continue;
            };
            let rule = self.rule(r, keyword);
            if let Some((valid_variant, valid_offset)) = valid {
                let value = num(bound + valid_offset);
                self.push(
                    segments,
                    keyword,
                    valid_variant,
                    true,
                    rule.clone(),
                    Some(value),
                );
            }
            self.push(
                segments,
                keyword,
                variant,
                false,
                rule,
                Some(num(bound + offset)),
            );
        }
    }

    fn arrays(&mut self, r: &Resolved<'_>, items: &[Value], segments: &[String]) {
        let node = r.node;
        let here = pointer_of(segments);
        let Some(first) = items.first() else {
            return;
        };
        let repeated =
            |n: u64| Value::Array(std::iter::repeat_n(first.clone(), n as usize).collect());
        if let Some(max) = node.get("maxItems").and_then(Value::as_u64) {
            if max > MAX_PROBE_ITEMS {
                self.not_derivable
                    .push(format!("{here} maxItems {max}: too many to send"));
            } else {
                self.push(
                    segments,
                    "maxItems",
                    "at",
                    true,
                    self.rule(r, "maxItems"),
                    Some(repeated(max)),
                );
                let rule = self.rule(r, "maxItems");
                self.push(
                    segments,
                    "maxItems",
                    "above",
                    false,
                    rule,
                    Some(repeated(max + 1)),
                );
            }
        }
        if let Some(min) = node
            .get("minItems")
            .and_then(Value::as_u64)
            .filter(|m| *m > 0)
        {
            if (items.len() as u64) >= min {
                let at: Vec<Value> = items[..min as usize].to_vec();
                self.push(
                    segments,
                    "minItems",
                    "at",
                    true,
                    self.rule(r, "minItems"),
                    Some(Value::Array(at)),
                );
            }
            let below: Vec<Value> = items[..(min - 1).min(items.len() as u64) as usize].to_vec();
            let rule = self.rule(r, "minItems");
            self.push(
                segments,
                "minItems",
                "below",
                false,
                rule,
                Some(Value::Array(below)),
            );
        }
    }
}

/// `YYYY-MM-DD` into its parts.
fn split_date(s: &str) -> Option<(&str, &str, &str)> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    (y.len() == 4 && m.len() == 2 && d.len() == 2 && parts.next().is_none()).then_some((y, m, d))
}

/// A fixed example value of an anchored pattern, when the value generator
/// understands it.
fn example_of(pattern: &str) -> Option<String> {
    let inner = pattern.strip_prefix('^').unwrap_or(pattern);
    let inner = inner.strip_suffix('$').unwrap_or(inner);
    let generator = Generator::parse(inner).ok()?;
    let mut random = SplitMix64::new(0x6b6f_6e66_6f72_6d00);
    Some(generator.generate(&mut || random.next_u64()))
}

/// Resolves `relative` against the folder of the schema file `base`.
pub(crate) fn join(base: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for seg in relative.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}
