//! Whether a report file may be believed: the one validity function,
//! [`assess`], that `konform report verify`, `konform report render` and
//! `konform matrix` all use, so a file is never trusted by one of them and
//! refused by another.
//!
//! A file is read **strictly** (`konform_seal::strict`: a member name that
//! appears twice anywhere is refused), and the report is then read from its
//! RFC 8785 canonical form — the very bytes the seal and the signatures
//! cover. A number written as `1.0`, `1e2` or `-0` is thus read as the
//! canonical `1`, `100` or `0`, by every command alike, and nothing that
//! was not signed can reach the model. On that form [`assess`] checks, in
//! this order: the report schema, the seal, every signature against the
//! [`KeyRing`] of trusted keys (a signature is shown under the trusted key's
//! name, never under the name its header claims), and the suite digest
//! against the suite versions the caller knows ([`KnownSuites`]).
//!
//! The outcome is a [`Standing`]: `verified` only when every check passed;
//! `unsigned` when the report carries no signature; `untrusted` when what
//! fails is only that a key or a suite version is not known here; `invalid`
//! when something contradicts the file (schema, seal, a signature that does
//! not match, a suite digest that is not the one of its suite version, a
//! repeated member, unreadable bytes); `not_a_report` for JSON that does not
//! claim to be a konform report. Separately, [`Assessment::partial`] says
//! why a run cannot speak for the whole target (`--class`, `--shard`, an
//! interrupted run).

use std::fmt;
use std::path::Path;

use konform_model::report::{READABLE_REPORT_FORMATS, REPORT_FORMAT, Report};
use konform_seal::{KeyRing, SealCheck, SignatureError, seal};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// konform's report schema, as this harness knows it.
const REPORT_SCHEMA: &str = include_str!("../../../schemas/konform/report.schema.json");

/// What [`Trust::new`] cannot do.
#[derive(Debug, thiserror::Error)]
pub enum ValidityError {
    #[error("the built-in report schema does not compile: {0}")]
    Schema(String),
}

/// One suite version konform knows: bundled, or loaded from a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownSuite {
    pub id: String,
    pub version: String,
    pub digest: String,
    /// Where it comes from, for messages (`bundled`, a folder).
    pub origin: String,
}

/// The suite versions whose digests a report may name.
#[derive(Debug, Clone, Default)]
pub struct KnownSuites {
    suites: Vec<KnownSuite>,
}

impl KnownSuites {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, suite: KnownSuite) {
        if !self.suites.contains(&suite) {
            self.suites.push(suite);
        }
    }

    pub fn len(&self) -> usize {
        self.suites.len()
    }

    pub fn is_empty(&self) -> bool {
        self.suites.is_empty()
    }

    fn check(&self, id: &str, version: &str, digest: &str) -> Check {
        let name = format!("{id}@{version}");
        if let Some(known) = self
            .suites
            .iter()
            .find(|s| s.id == id && s.version == version && s.digest == digest)
        {
            return Check::pass(
                CheckKind::Suite,
                format!("suite: {name} digest {digest} matches ({})", known.origin),
            );
        }
        if let Some(known) = self
            .suites
            .iter()
            .find(|s| s.id == id && s.version == version)
        {
            return Check::fail(
                CheckKind::Suite,
                Standing::Invalid,
                format!(
                    "suite: the report names digest {digest}, but {name} ({}) has {}",
                    known.origin, known.digest
                ),
            );
        }
        if let Some(known) = self.suites.iter().find(|s| s.digest == digest) {
            return Check::fail(
                CheckKind::Suite,
                Standing::Invalid,
                format!(
                    "suite: the report names {name}, but its digest {digest} is the one of \
                     {}@{} ({})",
                    known.id, known.version, known.origin
                ),
            );
        }
        let known: Vec<String> = self
            .suites
            .iter()
            .map(|s| format!("{}@{}", s.id, s.version))
            .collect();
        Check::fail(
            CheckKind::Suite,
            Standing::Untrusted,
            format!(
                "suite: the report names {name} with digest {digest}, a suite version not known \
                 here (known: {}); give its folder with --suite",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ),
        )
    }
}

/// What a reader trusts: public keys, suite versions, and konform's report
/// schema (compiled once, so a folder of reports is checked quickly).
pub struct Trust {
    keys: KeyRing,
    suites: KnownSuites,
    schema: jsonschema::Validator,
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trust")
            .field("keys", &self.keys.len())
            .field("suites", &self.suites.len())
            .finish()
    }
}

impl Trust {
    pub fn new(keys: KeyRing, suites: KnownSuites) -> Result<Self, ValidityError> {
        let schema: Value = serde_json::from_str(REPORT_SCHEMA)
            .map_err(|e| ValidityError::Schema(e.to_string()))?;
        let schema =
            jsonschema::validator_for(&schema).map_err(|e| ValidityError::Schema(e.to_string()))?;
        Ok(Self {
            keys,
            suites,
            schema,
        })
    }

    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    pub fn suites(&self) -> &KnownSuites {
        &self.suites
    }
}

/// What keeps the report file `file` (its seal and signatures aside) from
/// matching konform's report schema (empty: it matches). `konform report
/// sign` refuses to sign anything else.
pub fn report_schema_errors(file: &Value) -> Result<Vec<String>, ValidityError> {
    static SCHEMA: std::sync::OnceLock<Result<jsonschema::Validator, String>> =
        std::sync::OnceLock::new();
    let schema = SCHEMA.get_or_init(|| {
        let schema: Value = serde_json::from_str(REPORT_SCHEMA).map_err(|e| e.to_string())?;
        jsonschema::validator_for(&schema).map_err(|e| e.to_string())
    });
    let schema = schema
        .as_ref()
        .map_err(|e| ValidityError::Schema(e.clone()))?;
    let value = match seal::canonical_report(file)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => return Ok(vec![format!("the report has no canonical form: {e}")]),
    };
    Ok(schema
        .iter_errors(&value)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect())
}

/// How far a report file may be believed (worst first in [`Ord`] terms:
/// `Invalid` < `NotAReport` < `Unsigned` < `Untrusted` < `Verified`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Something contradicts the file, or it cannot be read as a report.
    Invalid,
    /// JSON, but it does not claim to be a konform report (no `format`
    /// member naming `konform-report/…`): e.g. a mutants summary.
    NotAReport,
    /// A report with no signature (sealed or not).
    Unsigned,
    /// Nothing contradicts the file, but a signature is by a key that is not
    /// trusted here, or the suite version is not known here.
    Untrusted,
    /// Schema, seal, every signature (by trusted keys) and the suite digest check out.
    Verified,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Invalid => "invalid",
            Standing::NotAReport => "not_a_report",
            Standing::Unsigned => "unsigned",
            Standing::Untrusted => "untrusted",
            Standing::Verified => "verified",
        }
    }
}

impl fmt::Display for Standing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a check looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Reading the bytes as a report at all: the file, JSON syntax, `format`.
    /// A failure here is unreadable input rather than a failed verification.
    Read,
    /// Strict JSON: no member name repeated.
    Json,
    Schema,
    /// Reading the canonical form into konform's report model.
    Model,
    Seal,
    /// Whether there are signatures at all.
    Signatures,
    /// One signature.
    Signature,
    Suite,
}

/// One check, printed by `report verify` as one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub kind: CheckKind,
    pub passed: bool,
    /// What a failure makes of the file (`None` when passed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Standing>,
    pub text: String,
}

impl Check {
    fn pass(kind: CheckKind, text: impl Into<String>) -> Self {
        Self {
            kind,
            passed: true,
            failure: None,
            text: text.into(),
        }
    }

    fn fail(kind: CheckKind, failure: Standing, text: impl Into<String>) -> Self {
        Self {
            kind,
            passed: false,
            failure: Some(failure),
            text: text.into(),
        }
    }
}

/// Everything [`assess`] found out about one file.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub standing: Standing,
    /// Every check made, in order; reading stops at the first `Read` or
    /// `Json` failure.
    pub checks: Vec<Check>,
    /// The report as signed (read from the canonical bytes), when the file
    /// reads as a konform report at all, whatever its standing.
    pub report: Option<Report>,
    /// Names of the trusted keys whose signatures verified.
    pub signers: Vec<String>,
    /// Why the run cannot speak for the whole target (empty: it can).
    pub partial: Vec<String>,
    /// The file carries a `seal` or `signatures` member.
    pub enveloped: bool,
}

impl Assessment {
    fn stop(check: Check) -> Self {
        Self {
            standing: check.failure.unwrap_or(Standing::Invalid),
            checks: vec![check],
            report: None,
            signers: Vec::new(),
            partial: Vec::new(),
            enveloped: false,
        }
    }

    /// The texts of the failed checks.
    pub fn problems(&self) -> Vec<&str> {
        self.checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.text.as_str())
            .collect()
    }

    /// The reason the file could not be read as a report at all, if so.
    pub fn unreadable(&self) -> Option<&str> {
        self.checks
            .iter()
            .find(|c| !c.passed && c.kind == CheckKind::Read)
            .map(|c| c.text.as_str())
    }

    /// Why the file, a JSON report, does not read into konform's report model.
    pub fn model_error(&self) -> Option<&str> {
        self.checks
            .iter()
            .find(|c| !c.passed && matches!(c.kind, CheckKind::Model | CheckKind::Json))
            .map(|c| c.text.as_str())
    }

    /// Whether this report may decide what a compatibility matrix shows:
    /// verified, and a run of the whole target.
    pub fn decides(&self) -> bool {
        self.standing == Standing::Verified && self.partial.is_empty()
    }

    /// The seal and signature status, for a renderer; `None` for a file that
    /// carries no envelope (a plain `konform run` report).
    pub fn signature_status(&self) -> Option<crate::render::SignatureStatus> {
        if !self.enveloped {
            return None;
        }
        let summary = if self.standing == Standing::Verified {
            format!("verified: sealed and signed by {}", self.signers.join(", "))
        } else {
            format!(
                "NOT verified ({}): {}",
                self.standing,
                self.problems().join("; ")
            )
        };
        Some(crate::render::SignatureStatus {
            verified: self.standing == Standing::Verified,
            summary,
            checks: self
                .checks
                .iter()
                .map(|c| format!("{} {}", if c.passed { "ok  " } else { "FAIL" }, c.text))
                .collect(),
        })
    }
}

/// [`assess`] on the bytes of a file; a file that cannot be read is invalid.
pub fn assess_file(path: &Path, trust: &Trust) -> Assessment {
    match konform_seal::strict::read_file(path) {
        Ok(bytes) => assess(&bytes, trust),
        Err(e) => Assessment::stop(Check::fail(
            CheckKind::Read,
            Standing::Invalid,
            format!("cannot read report: {e}"),
        )),
    }
}

/// The validity function: how far the report file `bytes` may be believed.
pub fn assess(bytes: &[u8], trust: &Trust) -> Assessment {
    let file = match konform_seal::strict::parse(bytes) {
        Ok(v) => v,
        Err(e @ konform_seal::StrictError::Duplicate { .. }) => {
            return Assessment::stop(Check::fail(
                CheckKind::Json,
                Standing::Invalid,
                format!("json: {e}"),
            ));
        }
        Err(konform_seal::StrictError::Syntax(e)) => {
            return Assessment::stop(Check::fail(
                CheckKind::Read,
                Standing::Invalid,
                format!("the report is not valid JSON: {e}"),
            ));
        }
    };
    let Value::Object(members) = &file else {
        return Assessment::stop(Check::fail(
            CheckKind::Read,
            Standing::NotAReport,
            "this is not a konform report (not a JSON object)",
        ));
    };
    match members.get("format").and_then(Value::as_str) {
        Some(format) if READABLE_REPORT_FORMATS.contains(&format) => {}
        Some(other) if other.starts_with("konform-report/") => {
            return Assessment::stop(Check::fail(
                CheckKind::Read,
                Standing::Invalid,
                format!(
                    "the report has format {other:?}; this konform reads {}",
                    READABLE_REPORT_FORMATS.join(", ")
                ),
            ));
        }
        _ => {
            return Assessment::stop(Check::fail(
                CheckKind::Read,
                Standing::NotAReport,
                format!("this is not a konform report (no \"format\": {REPORT_FORMAT:?} member)"),
            ));
        }
    }
    let enveloped = seal::ENVELOPE_MEMBERS
        .iter()
        .any(|m| members.contains_key(*m));

    // The report as signed: its canonical bytes, read back.
    let canonical = match seal::canonical_report(&file)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => {
            return Assessment::stop(Check::fail(
                CheckKind::Read,
                Standing::Invalid,
                format!("the report has no canonical form: {e}"),
            ));
        }
    };
    let mut checks = Vec::new();
    checks.push(schema_check(&trust.schema, &canonical));
    // The model decides what is read; a report the schema lets through but
    // the model cannot read is refused as well.
    let report = match Report::deserialize(&canonical) {
        Ok(r) => Some(r),
        Err(e) => {
            checks.push(Check::fail(
                CheckKind::Model,
                Standing::Invalid,
                format!("report: this is not a valid konform report: {e}"),
            ));
            None
        }
    };

    let mut signers = Vec::new();
    match konform_seal::verify_file(&file, &trust.keys) {
        Err(e) => checks.push(Check::fail(
            CheckKind::Seal,
            Standing::Invalid,
            format!("seal: {e}"),
        )),
        Ok(v) => {
            let unsigned = !v.malformed_signatures && v.signatures.is_empty();
            checks.push(match &v.seal {
                SealCheck::Matches(d) => {
                    Check::pass(CheckKind::Seal, format!("seal: {d} matches the report"))
                }
                SealCheck::Missing { actual } => Check::fail(
                    CheckKind::Seal,
                    if unsigned {
                        Standing::Unsigned
                    } else {
                        Standing::Invalid
                    },
                    format!("seal: missing (the report's digest is {actual})"),
                ),
                SealCheck::Mismatch { recorded, actual } if recorded == actual => Check::fail(
                    CheckKind::Seal,
                    Standing::Invalid,
                    format!("seal: the `seal` member was altered (digest {actual})"),
                ),
                SealCheck::Mismatch { recorded, actual } => Check::fail(
                    CheckKind::Seal,
                    Standing::Invalid,
                    format!(
                        "seal: recorded {recorded}, but the report's digest is {actual}: the \
                         report was changed"
                    ),
                ),
            });
            if v.malformed_signatures {
                checks.push(Check::fail(
                    CheckKind::Signatures,
                    Standing::Invalid,
                    "signatures: `signatures` is not an array",
                ));
            } else if unsigned {
                checks.push(Check::fail(
                    CheckKind::Signatures,
                    Standing::Unsigned,
                    "signatures: none, the report is not signed",
                ));
            }
            for s in &v.signatures {
                let n = s.index + 1;
                let when = s
                    .header
                    .as_ref()
                    .and_then(|h| h.signed_at.as_deref())
                    .map(|t| format!(", signed at {t}"))
                    .unwrap_or_default();
                checks.push(match (&s.result, &s.key_name, &s.header) {
                    (Ok(()), Some(name), Some(h)) => {
                        signers.push(name.clone());
                        Check::pass(
                            CheckKind::Signature,
                            format!("signature {n}: {name} (key {}{when}) verifies", h.kid),
                        )
                    }
                    // The header's own `signer` is a claim nobody vouches
                    // for; it is not repeated.
                    (Err(e @ SignatureError::UnknownKey(_)), _, Some(h)) => Check::fail(
                        CheckKind::Signature,
                        Standing::Untrusted,
                        format!("signature {n}: key {}{when}: {e}", h.kid),
                    ),
                    (Err(e), Some(name), Some(h)) => Check::fail(
                        CheckKind::Signature,
                        Standing::Invalid,
                        format!("signature {n}: {name} (key {}{when}): {e}", h.kid),
                    ),
                    (Err(e), _, _) => Check::fail(
                        CheckKind::Signature,
                        Standing::Invalid,
                        format!("signature {n}: {e}"),
                    ),
                    (Ok(()), _, _) => Check::fail(
                        CheckKind::Signature,
                        Standing::Invalid,
                        format!("signature {n}: verified by a key the ring cannot name"),
                    ),
                });
            }
        }
    }

    match &report {
        Some(r) => checks.push(
            trust
                .suites
                .check(&r.suite.id, &r.suite.version, &r.suite.digest),
        ),
        None => checks.push(Check::fail(
            CheckKind::Suite,
            Standing::Invalid,
            "suite: the report does not read, so its suite cannot be checked",
        )),
    }

    let standing = checks
        .iter()
        .filter_map(|c| c.failure)
        .min()
        .unwrap_or(Standing::Verified);
    let partial = report.as_ref().map(partial_reasons).unwrap_or_default();
    Assessment {
        standing,
        checks,
        report,
        signers,
        partial,
        enveloped,
    }
}

/// Why a run cannot speak for the whole target.
fn partial_reasons(report: &Report) -> Vec<String> {
    let mut why = Vec::new();
    if !report.run.class_filter.is_empty() {
        why.push(format!(
            "limited to class {} (--class)",
            report.run.class_filter.join(", ")
        ));
    }
    if let Some(shard) = &report.run.shard {
        why.push(format!("shard {shard} of the cases (--shard)"));
    }
    if !report.run.complete {
        why.push(format!(
            "the run did not complete ({})",
            report
                .run
                .incomplete_reason
                .as_deref()
                .unwrap_or("interrupted")
        ));
    }
    why
}

fn schema_check(schema: &jsonschema::Validator, members: &Value) -> Check {
    let errors: Vec<String> = schema
        .iter_errors(members)
        .take(3)
        .map(|e| format!("{} at `{}`", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Check::pass(
            CheckKind::Schema,
            "schema: the report matches konform/report.schema.json",
        )
    } else {
        Check::fail(
            CheckKind::Schema,
            Standing::Invalid,
            format!(
                "schema: the report does not match konform/report.schema.json: {}",
                errors.join("; ")
            ),
        )
    }
}
