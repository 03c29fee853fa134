//! The canonical report: what was run, against what, and the verdict with its
//! evidence. Described by `schemas/konform/report.schema.json`; every field
//! here is part of the archived format, so changes bump [`REPORT_FORMAT`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::suite::Level;
use crate::target::Identity;

/// Identifier of the report format written by this version of the model.
pub const REPORT_FORMAT: &str = "konform-report/1";

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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CaseResult {
    pub id: String,
    pub title: String,
    pub class: String,
    pub requirements: Vec<String>,
    pub verdict: Verdict,
    /// Why: the first failing assertion, the error, or the skip reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub duration_ms: u64,
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
    pub request: RequestEvidence,
    /// Absent when no response arrived (the step then has an `error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseEvidence>,
    pub duration_ms: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertions: Vec<AssertionOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
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
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RequirementResult {
    pub id: String,
    pub level: Level,
    pub text: String,
    pub source: String,
    pub verdict: RequirementVerdict,
    /// Ids of the cases that verify it.
    pub cases: Vec<String>,
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
