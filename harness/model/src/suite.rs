//! The suite format as data: what a standards author writes in `suite.yaml` and
//! in the case files under `cases/`. These types are the deserialised form; the
//! YAML is checked against `schemas/konform/suite.schema.json` and
//! `schemas/konform/cases.schema.json` before it gets here (see `konform-suite`).

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `suite.yaml`: identity, requirement catalogue, classes and defaults.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SuiteManifest {
    /// Suite name, equal to the folder name under `suites/` (`meldewesen`).
    pub suite: String,
    /// SemVer version of the suite, equal to its folder name (`1.0.0`).
    pub version: semver::Version,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub interface: InterfaceRef,
    #[serde(default)]
    pub defaults: Defaults,
    /// Suite-wide fixtures (`{{ fixtures.NAME }}`); a target may override them.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub fixtures: IndexMap<String, Value>,
    /// JSON member names whose values are personal data (`familienname`,
    /// `geburtsdatum`, ...), in addition to those the interface contract marks
    /// `"x-personal-data": true` (`konform_suite::personal`). Their values are
    /// replaced by redaction tokens in all evidence before anything is written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub personal_data: Vec<String>,
    pub requirements: Vec<Requirement>,
    pub classes: Vec<ConformanceClass>,
    /// Requirements that the engine's own checks are attributed to.
    #[serde(default, skip_serializing_if = "Attribution::is_empty")]
    pub attribution: Attribution,
    /// Value generators for `{{ unique.KIND.NAME }}`: kind → pattern (a small
    /// regular-expression subset, see `konform_suite::generator`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub generators: IndexMap<String, String>,
    /// Case files relative to the suite folder, in order. Default: every
    /// `*.yaml` under `cases/`, sorted by path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cases: Option<Vec<String>>,
    /// What the suite knowingly leaves uncovered (`konform suite coverage`).
    #[serde(default, skip_serializing_if = "Coverage::is_empty")]
    pub coverage: Coverage,
}

/// Coverage gaps the author accepts, each with the reason.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_covered: Vec<CoverageWaiver>,
}

impl Coverage {
    pub fn is_empty(&self) -> bool {
        self.not_covered.is_empty()
    }
}

/// One accepted gap: an operation (all of it, or one documented `status`),
/// or a rule id of the contract's `x-rules`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CoverageWaiver {
    /// OpenAPI `operationId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// A documented response status of `operation` (`"500"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub reason: String,
}

/// Requirements that checks of a kind are attributed to, whatever their case
/// says (see `schemas/konform/VERDICTS.md`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Attribution {
    /// The requirement every "response well-formed" check verifies: UTF-8
    /// JSON with a JSON media type, no unrequested `Content-Encoding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub well_formed: Option<String>,
    /// The requirement the problem+json shape checks verify (media type;
    /// `type`, `title`, `status` members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Attribution {
    pub fn is_empty(&self) -> bool {
        self.well_formed.is_none() && self.problem.is_none()
    }
}

/// The interface version a suite certifies.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InterfaceRef {
    /// Interface name (`meldewesen`).
    pub name: String,
    /// Interface version (`1.0`).
    pub version: String,
    /// The interface's OpenAPI document, relative to `schemas/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openapi: Option<String>,
}

/// Limits that apply to every case unless the target narrows them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    #[serde(default = "Defaults::default_step_timeout_ms")]
    pub step_timeout_ms: u64,
    #[serde(default = "Defaults::default_case_timeout_ms")]
    pub case_timeout_ms: u64,
    /// Largest response body read, in bytes; a larger body is an `error`.
    #[serde(default = "Defaults::default_body_limit")]
    pub body_limit_bytes: u64,
    /// A step that names no `expect.schema` is checked against the schema
    /// its operation documents for the status it expects
    /// (`konform_suite::contract_schema`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub schema_from_contract: bool,
    /// Requests in flight per host, rate and request budget: the defaults
    /// and the ceiling a target file or `konform run` must stay within.
    #[serde(
        default,
        skip_serializing_if = "crate::politeness::SuitePoliteness::is_empty"
    )]
    pub politeness: crate::politeness::SuitePoliteness,
}

impl Defaults {
    pub const fn default_step_timeout_ms() -> u64 {
        10_000
    }
    pub const fn default_case_timeout_ms() -> u64 {
        60_000
    }
    pub const fn default_body_limit() -> u64 {
        10 * 1024 * 1024
    }
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            step_timeout_ms: Self::default_step_timeout_ms(),
            case_timeout_ms: Self::default_case_timeout_ms(),
            body_limit_bytes: Self::default_body_limit(),
            schema_from_contract: false,
            politeness: Default::default(),
        }
    }
}

/// RFC 2119 level of a requirement.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    #[serde(rename = "MUST")]
    Must,
    #[serde(rename = "SHOULD")]
    Should,
    #[serde(rename = "MAY")]
    May,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::May => "MAY",
        }
    }
}

/// One normative statement with a stable id.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Stable id, e.g. `MW-ANM-003`.
    pub id: String,
    pub level: Level,
    pub text: String,
    /// Law paragraph or spec section, e.g. `§ 44 Abs. 1 BMG`.
    pub source: String,
    /// The conformance class the requirement belongs to; the loader adds it
    /// to that class's `requirements` (so a requirement is named once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Why no case verifies this SHOULD or MAY requirement (lint warns about
    /// one without a case and without this reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_tested: Option<String>,
    /// Set by the loader when an erratum of the released suite withdraws the
    /// requirement: why. Not part of the suite format (errata live in
    /// `ERRATA.yaml` beside the version folders, so a released folder and its
    /// digest never change).
    #[serde(skip)]
    pub withdrawn: Option<String>,
}

/// A named group of requirements that an implementation can claim.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConformanceClass {
    pub id: String,
    pub title: String,
    /// Requirement ids; those that name this class as their `class` are
    /// added by the loader.
    #[serde(default)]
    pub requirements: Vec<String>,
}

/// A case file: a list of cases and of probes the cases are derived from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    #[serde(default)]
    pub cases: Vec<Case>,
    /// Contract-derived probes: each expands, at load time, into one case per
    /// constraint the interface's OpenAPI declares for the operation's request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<Probe>,
}

/// A request the author knows to be valid, from which konform derives one
/// case per declared constraint of the operation's request body: the value
/// at the boundary (expected: the step's success) and the value just outside
/// (expected: a rejection naming the member's pointer and the contract's rule).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// Prefix of the derived case ids (`<id>.<member path>.<constraint>`).
    pub id: String,
    /// Prefix of the derived case titles (default: the operation id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub class: String,
    /// The OpenAPI `operationId` whose request the probes vary.
    pub operation: String,
    /// Requirements by member (a JSON Pointer into the body, `/kennzeichen`:
    /// every constraint of that member and below it), else by probed keyword
    /// and variant (`maxLength.at`) or keyword (`blank`), else by the contract's rule id (`LENGTH: [KFZ-ZUL-016]`),
    /// else `"*"`: every rule not named and constraints without one.
    pub verifies: IndexMap<String, Vec<String>>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub fixtures: IndexMap<String, Value>,
    /// Steps that prepare state (run as preconditions before the probe).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub setup: Vec<Step>,
    /// The valid request and what its success looks like (`expect.status`).
    pub step: Step,
    /// Members the contract requires to agree (`[/wohnung, /wohnungsgeberbestaetigung/wohnung]`):
    /// a boundary value given to a member under the first pointer is given to
    /// the same member under the others too, so that it is accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked: Vec<Vec<String>>,
    /// The shared conventions to check on this operation too, each with the
    /// requirements it verifies; a case is derived for each whose status the
    /// operation documents: `unauthenticated` (no credentials → 401),
    /// `unsupported_media_type` (`text/plain` → 415), `malformed_json` (→ 400),
    /// `too_large` (`body_limit` + 1 bytes → 413).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub conventions: IndexMap<String, Vec<String>>,
    /// The largest request body the interface accepts, in bytes (for `too_large`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_limit: Option<u64>,
    /// Status of a rejection (default: 422 when the operation documents it, else 400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finally: Vec<Step>,
    /// Derived probes the author leaves out, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<ProbeExclusion>,
}

/// One derived probe left out: `probe` is the derived case id without the
/// probe's own prefix (`halter.name.maxLength.at`); `*` stands for any run
/// of characters (`suchdaten.*.at`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProbeExclusion {
    pub probe: String,
    pub reason: String,
}

/// One test: the requirements it verifies, its fixtures and its ordered steps.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Unique within the suite, kebab-case with dots (`auskunft.sperre-no-oracle`).
    pub id: String,
    pub title: String,
    /// The conformance class this case belongs to.
    pub class: String,
    /// Requirement ids this case verifies; the attribution of every check
    /// that names none itself and whose step names none.
    pub verifies: Vec<String>,
    /// Case fixtures; they shadow suite fixtures of the same name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub fixtures: IndexMap<String, Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// A walk through a hypermedia API, run after `steps` (`crate::crawl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crawl: Option<crate::crawl::Crawl>,
    /// Cleanup steps: run after `steps` whatever their outcome; they change no verdict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finally: Vec<Step>,
}

/// One HTTP exchange followed by assertions and captures.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Short label shown in evidence (`create`, `replay`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The step only prepares state: a failed check makes the case an
    /// `error` (precondition not met) and blames no requirement.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub precondition: bool,
    /// Attribution of this step's checks (default: the case's `verifies`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifies: Option<Vec<String>>,
    /// Why the step sends a request, or expects a status, that the
    /// interface's OpenAPI does not document (an unknown path, a method
    /// the path does not have): lint then accepts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undocumented: Option<String>,
    pub request: Request,
    #[serde(default)]
    pub expect: Expect,
    /// Values taken from the response for later steps (`{{ captures.NAME }}`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub capture: IndexMap<String, Capture>,
}

/// Which credential a request carries.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AuthChoice {
    /// The target's main credential.
    #[default]
    Default,
    /// No credential at all (the step may still set `Authorization` itself).
    None,
    /// A named credential profile of the target (`auth_profiles`); a case that
    /// needs a profile the target does not define is skipped.
    #[serde(untagged)]
    Profile(String),
}

impl AuthChoice {
    pub fn is_default(&self) -> bool {
        *self == AuthChoice::Default
    }
}

/// The request half of a step. Strings may hold `{{ ... }}` templates.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub method: String,
    /// Path relative to the target's base URL, e.g. `/personen/{{ captures.id }}`.
    pub path: String,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub query: IndexMap<String, Value>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub headers: IndexMap<String, String>,
    #[serde(default, skip_serializing_if = "AuthChoice::is_default")]
    pub auth: AuthChoice,
    /// JSON body template; sent as `application/json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    /// Raw body, sent as is (for malformed-input cases); `Content-Type` comes from `headers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// A generated body of this many bytes (for body-size limit cases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_size: Option<u64>,
}

/// Acceptable status codes: one code or a list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum StatusCodes {
    One(u16),
    AnyOf(Vec<u16>),
}

/// Expected status: `201`, `[200, 204]`, or `{ is: 201, verifies: [...] }`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum StatusExpect {
    One(u16),
    AnyOf(Vec<u16>),
    Attributed(AttributedStatus),
}

/// The long form of an expected status, with its own attribution.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AttributedStatus {
    pub is: StatusCodes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifies: Option<Vec<String>>,
}

impl StatusExpect {
    /// The acceptable codes, whatever the form.
    pub fn codes(&self) -> StatusCodes {
        match self {
            StatusExpect::One(s) => StatusCodes::One(*s),
            StatusExpect::AnyOf(list) => StatusCodes::AnyOf(list.clone()),
            StatusExpect::Attributed(a) => a.is.clone(),
        }
    }

    pub fn accepts(&self, status: u16) -> bool {
        match self.codes() {
            StatusCodes::One(s) => s == status,
            StatusCodes::AnyOf(list) => list.contains(&status),
        }
    }

    /// The requirements the status check is attributed to, if it says so itself.
    pub fn verifies(&self) -> Option<&[String]> {
        match self {
            StatusExpect::Attributed(a) => a.verifies.as_deref(),
            _ => None,
        }
    }
}

impl std::fmt::Display for StatusExpect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.codes() {
            StatusCodes::One(s) => write!(f, "{s}"),
            StatusCodes::AnyOf(list) => {
                let parts: Vec<String> = list.iter().map(u16::to_string).collect();
                write!(f, "one of {}", parts.join(", "))
            }
        }
    }
}

/// Expected schema: a `$ref` into `schemas/`, or `{ ref: ..., verifies: [...] }`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum SchemaExpect {
    Ref(String),
    Attributed(AttributedSchema),
}

/// The long form of an expected schema, with its own attribution.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AttributedSchema {
    #[serde(rename = "ref")]
    pub reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifies: Option<Vec<String>>,
}

impl SchemaExpect {
    /// The `$ref` into `schemas/`, e.g. `meldewesen/1.0/schemas.json#/$defs/Person`.
    pub fn reference(&self) -> &str {
        match self {
            SchemaExpect::Ref(r) => r,
            SchemaExpect::Attributed(a) => &a.reference,
        }
    }

    pub fn verifies(&self) -> Option<&[String]> {
        match self {
            SchemaExpect::Ref(_) => None,
            SchemaExpect::Attributed(a) => a.verifies.as_deref(),
        }
    }
}

/// The assertions of a step, evaluated in this order: status, headers,
/// problem, schema, body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusExpect>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderCheck>,
    /// `$ref` into `schemas/`, e.g. `meldewesen/1.0/schemas.json#/$defs/Person`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<SchemaExpect>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body: Vec<BodyCheck>,
    /// The response is an RFC 9457 problem document of this shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<ProblemCheck>,
}

/// A check on one response header (name matched case-insensitively).
/// Exactly one of the predicates is set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HeaderCheck {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    /// Regular expression (Rust `regex` syntax), unanchored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifies: Option<Vec<String>>,
}

/// A check on the JSON response body at a JSON Pointer (RFC 6901) or a
/// JSONPath (RFC 9535). Exactly one of `pointer`/`path` and one predicate is set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BodyCheck {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Equal to this JSON value (templates allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Value>,
    /// Not equal to this JSON value (templates allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_equals: Option<Value>,
    /// The value is a string matching this regular expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absent: Option<bool>,
    /// Number of nodes the JSONPath selects, or length of the array/object at the pointer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifies: Option<Vec<String>>,
}

/// The response is `application/problem+json` with `type`, `title` and
/// `status` (equal to the HTTP status), and optionally names rules/fields in
/// its `errors` list (`[{ "pointer": "/plz", "rule": "PLZ_FORMAT" }]`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProblemCheck {
    /// Every rule id listed here appears in `errors[*].rule`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Every JSON Pointer listed here appears in `errors[*].pointer`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pointers: Vec<String>,
    /// Expected errors, each a rule and/or pointer matched in one error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<ErrorListExpect>,
    /// Attribution of the error-list checks (the shape checks go to the
    /// suite's `attribution.problem` when it names one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifies: Option<Vec<String>>,
}

/// Expected entries of a problem document's `errors` list, order-insensitive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ErrorListExpect {
    /// Each entry is matched by its own error; other errors may follow.
    Contains(Vec<ExpectedError>),
    /// Each entry is matched by its own error, and no other error is listed.
    Exactly(Vec<ExpectedError>),
}

impl ErrorListExpect {
    pub fn entries(&self) -> &[ExpectedError] {
        match self {
            ErrorListExpect::Contains(e) | ErrorListExpect::Exactly(e) => e,
        }
    }
}

/// One expected error: its rule, its pointer, or both (in the same error).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExpectedError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

/// Where a captured value comes from. Exactly one of the two is set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Capture {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifies: Option<Vec<String>>,
}
