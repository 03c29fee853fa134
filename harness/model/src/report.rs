//! The canonical report: what was run, against what, and the verdict with its
//! evidence. Described by `schemas/konform/report.schema.json`; every field
//! here is part of the archived format, so changes bump [`REPORT_FORMAT`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::suite::Level;
use crate::target::Identity;

/// Identifier of the report format written by this version of the model.
/// Format 2 added per-assertion attribution, typed error kinds, step roles
/// and the run seed; every field it added is optional, so format 1 reports
/// still read (and verify) with these types.
pub const REPORT_FORMAT: &str = "konform-report/2";

/// Every report format this version reads.
pub const READABLE_REPORT_FORMATS: &[&str] = &["konform-report/1", REPORT_FORMAT];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Always [`REPORT_FORMAT`].
    pub format: String,
    pub harness: HarnessInfo,
    pub suite: SuiteInfo,
    pub interface: InterfaceInfo,
    pub target: TargetInfo,
    pub run: RunInfo,
    pub cases: Vec<CaseResult>,
    pub requirements: Vec<RequirementResult>,
    pub classes: Vec<ClassResult>,
    pub summary: Summary,
    pub verdict: OverallVerdict,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct HarnessInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SuiteInfo {
    pub id: String,
    pub version: String,
    pub title: String,
    /// `sha256:<hex>` over the canonical listing of the suite folder.
    pub digest: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct InterfaceInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TargetInfo {
    pub identity: Identity,
    pub base_url: String,
    /// `none`, `bearer` or `oauth2_client_credentials`; never the secret.
    pub auth: String,
    pub claimed_classes: Vec<String>,
    /// Where the claim came from: `target_file`, `service_description`,
    /// `reference` (the embedded reference claims every class), or
    /// `unavailable (…); all classes assumed` when it could not be read.
    pub claim_source: String,
    /// TLS certificate checks were switched off for this run.
    pub tls_insecure: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunInfo {
    /// RFC 3339 UTC.
    pub started_at: String,
    /// RFC 3339 UTC.
    pub finished_at: String,
    pub duration_ms: u64,
    pub jobs: usize,
    /// `false` when the run was interrupted; the verdict is then `incomplete`.
    pub complete: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete_reason: Option<String>,
    /// Classes selected with `--class`; empty means all claimed ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub class_filter: Vec<String>,
    /// `K/N` when this run is shard K of N (`konform run --shard K/N`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// The seed every `unique` value of the run was derived from (16 hex
    /// digits); `konform run --seed` with it reproduces them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// Times every case was run (`konform run --repeat N`); absent means once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<u32>,
    /// The id of the redaction key personal data in the evidence was
    /// encrypted under, when the certifier kept it (`konform run
    /// --redaction-key`); absent when the key was forgotten after the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redaction_key: Option<String>,
    /// The known deviations (expected failures) the target file listed for
    /// this suite, each with what this run found. They change how failures
    /// are presented, never a verdict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_deviations: Vec<DeviationResult>,
    /// The politeness limits that applied to the run and what they did
    /// (requests sent, refused by the budget, pauses for `Retry-After`).
    /// Absent in reports written before konform recorded them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub politeness: Option<RunPoliteness>,
}

/// `run.politeness`: the limits a run kept towards the target and what they did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunPoliteness {
    /// Requests in flight at the same time to the target's host, at most.
    pub max_in_flight_per_host: u32,
    /// Requests started per second to one host, evenly spaced; absent: no rate limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_second: Option<f64>,
    /// Requests the run could send in all; absent: no budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_budget: Option<u64>,
    /// Requests sent.
    pub requests_sent: u64,
    /// Exchanges not sent because the request budget was spent.
    pub requests_refused: u64,
    /// Times a `Retry-After` of a 429 or 503 paused every request to its host.
    pub retry_after_pauses: u64,
    /// Total time hosts were paused for `Retry-After`, in milliseconds.
    pub retry_after_pause_ms: u64,
}

impl RunPoliteness {
    /// One line: `at most 2 requests in flight per host, 5 per second, budget 1000: 1000 sent, 12 refused, 1 Retry-After pause (1000 ms)`.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "at most {} request{} in flight per host",
            self.max_in_flight_per_host,
            if self.max_in_flight_per_host == 1 {
                ""
            } else {
                "s"
            }
        );
        if let Some(rate) = self.requests_per_second {
            text.push_str(&format!(", {rate} per second"));
        }
        if let Some(budget) = self.request_budget {
            text.push_str(&format!(", budget {budget}"));
        }
        text.push_str(&format!(": {} sent", self.requests_sent));
        if self.requests_refused > 0 {
            text.push_str(&format!(
                ", {} refused by the budget",
                self.requests_refused
            ));
        }
        if self.retry_after_pauses > 0 {
            text.push_str(&format!(
                ", {} Retry-After pause{} ({} ms)",
                self.retry_after_pauses,
                if self.retry_after_pauses == 1 {
                    ""
                } else {
                    "s"
                },
                self.retry_after_pause_ms
            ));
        }
        text
    }
}

/// A known deviation of the target file and what the run found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DeviationResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    pub justification: String,
    /// `YYYY-MM-DD`, the last day the deviation is expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub status: DeviationStatus,
}

impl DeviationResult {
    /// The deviation as the target file listed it.
    pub fn deviation(&self) -> crate::target::KnownDeviation {
        crate::target::KnownDeviation {
            case: self.case.clone(),
            requirement: self.requirement.clone(),
            justification: self.justification.clone(),
            expires: self.expires.clone(),
        }
    }

    /// `case X` or `requirement X`.
    pub fn label(&self) -> String {
        self.deviation().label()
    }
}

/// What a run found for a known deviation.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum DeviationStatus {
    /// The case or requirement failed, as expected.
    StillFailing,
    /// The case or requirement passed: the deviation should be removed.
    NowPassing,
    /// The run started after the deviation's `expires` date (and it did not pass).
    Expired,
    /// The run did not decide it (skipped, an error, not selected, untested).
    Unknown,
}

impl DeviationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviationStatus::StillFailing => "still_failing",
            DeviationStatus::NowPassing => "now_passing",
            DeviationStatus::Expired => "expired",
            DeviationStatus::Unknown => "unknown",
        }
    }
}

/// The shard (1-based) of `n` that owns case `id`: a stable hash of the id,
/// so adding a case never moves the others.
pub fn shard_of(id: &str, n: u32) -> u32 {
    // FNV-1a, 64 bit: tiny, stable across platforms and versions.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash % u64::from(n.max(1))) as u32 + 1
}

/// Verdict of one case.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every assertion held.
    Pass,
    /// The target broke a requirement.
    Fail,
    /// The test could not be carried out (timeout, refused connection, bad fixture, ...).
    Error,
    /// Not run: class not claimed or precondition unmet.
    Skip,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
            Verdict::Skip => "skip",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a test could not be carried out (the kind of an `error` verdict).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No complete response within the step or case time limit.
    Timeout,
    /// The connection was refused, reset or failed otherwise.
    Transport,
    /// The TLS handshake failed.
    Tls,
    /// The body was cut short of its announced length.
    Truncated,
    /// The body exceeded the harness's body limit.
    TooLarge,
    /// A step that only prepares state did not succeed.
    Precondition,
    /// The response is beyond what the harness handles (e.g. nesting depth).
    HarnessLimit,
    /// A template, fixture or request of the suite could not be rendered.
    Fixture,
    /// No credential could be obtained.
    Auth,
    /// The verdict differed between repetitions (`--repeat`).
    Flaky,
    /// The run was interrupted before the case finished.
    Interrupted,
    /// A fault of konform itself (a panic inside the case).
    Internal,
    /// The target answered 503 or 429 (unavailable, rate limited) where the
    /// step expected another status, even after one wait its Retry-After
    /// allowed within the step timeout: nothing could be tested.
    Unavailable,
    /// The run's request budget was spent before the step's request could
    /// be sent (`politeness.request_budget`).
    Budget,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Timeout => "timeout",
            ErrorKind::Transport => "transport",
            ErrorKind::Tls => "tls",
            ErrorKind::Truncated => "truncated",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::Precondition => "precondition",
            ErrorKind::HarnessLimit => "harness_limit",
            ErrorKind::Fixture => "fixture",
            ErrorKind::Auth => "auth",
            ErrorKind::Flaky => "flaky",
            ErrorKind::Interrupted => "interrupted",
            ErrorKind::Internal => "internal",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Budget => "budget",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CaseResult {
    pub id: String,
    pub title: String,
    pub class: String,
    /// Every requirement the case verifies (its own list and the
    /// attributions of its checks).
    pub requirements: Vec<String>,
    pub verdict: Verdict,
    /// Why: the first failing assertion, the error, or the skip reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For an `error`: why the test could not be carried out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<ErrorKind>,
    /// Requirements with a failed check attributed to them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_requirements: Vec<String>,
    /// Requirements whose checks were not all carried out (the case stopped
    /// early or ended in an error), and that no check failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unverified_requirements: Vec<String>,
    pub duration_ms: u64,
    /// What the case's crawl covered, within which limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crawl: Option<crate::crawl::CrawlCoverage>,
    /// Every step that was carried out, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepEvidence>,
}

/// One exchange and what was checked on it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StepEvidence {
    pub index: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `precondition` or `cleanup` (a `finally` step); absent for a step that verifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<StepRole>,
    pub request: RequestEvidence,
    /// Absent when no response arrived (the step then has an `error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseEvidence>,
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertions: Vec<AssertionOutcome>,
    /// Checks of the step that were not evaluated because what they depend
    /// on failed (a wrong status, a body that is not well-formed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_evaluated: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<ErrorKind>,
}

/// What a step is for, when it verifies nothing itself.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum StepRole {
    /// Prepares state; its failure makes the case an `error`.
    Precondition,
    /// A `finally` step; its outcome changes no verdict.
    Cleanup,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RequestEvidence {
    pub method: String,
    pub url: String,
    pub headers: Vec<Header>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodyEvidence>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ResponseEvidence {
    pub status: u16,
    pub headers: Vec<Header>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodyEvidence>,
}

/// A message body as recorded: text (lossy UTF-8), cut at the evidence limit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BodyEvidence {
    /// Size of the whole body in bytes.
    pub size: u64,
    /// `true` when `text` holds only the first part of the body.
    pub truncated: bool,
    pub text: String,
    /// A keyed digest of the body as received, before redaction
    /// (`hmac-sha256:<hex>` over the RFC 8785 form of its JSON, under the
    /// run's redaction key): with the key, re-judging finds a recorded body
    /// that was edited afterwards. Only for complete JSON bodies holding
    /// personal data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// One checked assertion.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AssertionOutcome {
    /// What was checked, e.g. `status`, `header ETag present`, `body /id exists`.
    pub check: String,
    pub passed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The requirements this check verifies; empty for a precondition or
    /// cleanup step's checks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
}

/// One line for a check: `status: expected 201, received 422 (title)` or,
/// for a schema, `schema X: at /plz: … is not …`.
pub fn describe_check(
    check: &str,
    expected: Option<&Value>,
    received: Option<&Value>,
    message: Option<&str>,
) -> String {
    if check.starts_with("schema ")
        && let Some(m) = message
    {
        return format!("{check}: {m}");
    }
    let show = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "nothing".into(),
    };
    let mut text = format!(
        "{check}: expected {}, received {}",
        show(expected),
        show(received)
    );
    if let Some(m) = message {
        text.push_str(&format!(" ({m})"));
    }
    text
}

impl AssertionOutcome {
    /// One line saying what was checked, expected and received.
    pub fn describe(&self) -> String {
        describe_check(
            &self.check,
            self.expected.as_ref(),
            self.received.as_ref(),
            self.message.as_deref(),
        )
    }
}

impl FailedCheck {
    /// One line saying what was checked, expected and received.
    pub fn describe(&self) -> String {
        describe_check(
            &self.check,
            self.expected.as_ref(),
            self.received.as_ref(),
            self.message.as_deref(),
        )
    }
}

/// A failed check, as listed under the requirement it broke.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FailedCheck {
    pub case: String,
    /// Index of the step in the case (0-based, as in the evidence).
    pub step: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_name: Option<String>,
    pub check: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Aggregated verdict of a requirement over the cases that verify it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum RequirementVerdict {
    Pass,
    Fail,
    Error,
    /// Every case verifying it was skipped.
    Skip,
    /// No case verifies it (only possible for SHOULD/MAY; lint rejects an uncovered MUST).
    Untested,
    /// Withdrawn by an erratum of the released suite (`ERRATA.yaml` beside
    /// the version folders): it contradicts the law or its contract, so it
    /// decides nothing and its cases are skipped.
    Withdrawn,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RequirementResult {
    pub id: String,
    pub level: Level,
    pub text: String,
    pub source: String,
    pub verdict: RequirementVerdict,
    /// Ids of the cases that verify it.
    pub cases: Vec<String>,
    /// For a failed requirement: every failed check attributed to it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<FailedCheck>,
}

/// Verdict for one conformance class.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ClassVerdict {
    /// Every MUST requirement of the class passed.
    Conformant,
    /// At least one MUST requirement of the class failed.
    NotConformant,
    /// No MUST failed, but at least one could not be verified (error or skip).
    Inconclusive,
    /// The target does not claim this class.
    NotClaimed,
    /// Claimed, but left out of this run by `--class`.
    NotSelected,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ClassResult {
    pub id: String,
    pub title: String,
    pub claimed: bool,
    /// The requirement ids that make up the class.
    pub requirements: Vec<String>,
    pub verdict: ClassVerdict,
    /// MUST requirements that failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<String>,
    /// SHOULD requirements that failed (warnings; they do not decide conformance).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// MUST requirements that could not be verified.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unverified: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub cases: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    pub skip: usize,
}

/// The verdict of the whole run over the claimed classes.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OverallVerdict {
    /// Every claimed class is conformant.
    Conformant,
    /// A claimed class is not conformant.
    NotConformant,
    /// No claimed class failed, but not everything could be verified, or the run was interrupted.
    Incomplete,
}

impl OverallVerdict {
    /// Process exit code for this verdict (0 conformant, 1 not conformant, 3 incomplete).
    pub fn exit_code(self) -> i32 {
        match self {
            OverallVerdict::Conformant => 0,
            OverallVerdict::NotConformant => 1,
            OverallVerdict::Incomplete => 3,
        }
    }
}
