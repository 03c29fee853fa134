//! The seal and the file layout of a sealed report.
//!
//! A sealed report file is the report object (`konform_model::report::Report`
//! serialised as usual) with two more top-level members, the *envelope*:
//!
//! ```json
//! { "format": "konform-report/1", ..., "verdict": "conformant",
//!   "seal": { "algorithm": "sha256", "canonicalization": "RFC8785",
//!             "digest": "sha256:<hex>" },
//!   "signatures": [ { "protected": "<base64url>", "signature": "<base64url>" } ] }
//! ```
//!
//! The model crate is not changed: sealing works on `serde_json::Value`, and
//! readers of the report drop the envelope members before deserialising.
//! `digest` is SHA-256 over the RFC 8785 canonical form of the report
//! *without* `seal` and `signatures`; those same canonical bytes are the
//! detached JWS payload every signature covers (see [`crate::jws`]), so the
//! file is also a JWS JSON Serialization (RFC 7515 §7.2.1, detached content).

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::canonical::{CanonicalError, canonicalize, canonicalize_without};

/// Top-level members that belong to the envelope, not to the report.
pub const SEAL_MEMBER: &str = "seal";
pub const SIGNATURES_MEMBER: &str = "signatures";
pub const ENVELOPE_MEMBERS: &[&str] = &[SEAL_MEMBER, SIGNATURES_MEMBER];

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("a report must be a JSON object")]
    NotAnObject,
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
}

/// The report members of a (possibly sealed) report file.
pub fn report_members(file: &Value) -> Result<Map<String, Value>, SealError> {
    let Value::Object(map) = file else {
        return Err(SealError::NotAnObject);
    };
    Ok(map
        .iter()
        .filter(|(k, _)| !ENVELOPE_MEMBERS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect())
}

/// The canonical bytes of the report inside `file` (envelope left out).
pub fn canonical_report(file: &Value) -> Result<Vec<u8>, SealError> {
    let Value::Object(map) = file else {
        return Err(SealError::NotAnObject);
    };
    if !ENVELOPE_MEMBERS.iter().any(|m| map.contains_key(*m)) {
        return Ok(canonicalize(file)?);
    }
    Ok(canonicalize_without(file, ENVELOPE_MEMBERS)?)
}

/// `sha256:<hex>` of canonical bytes.
pub fn digest_of(canonical: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(canonical)))
}

/// The seal of the report inside `file`.
pub fn compute_seal(file: &Value) -> Result<String, SealError> {
    Ok(digest_of(&canonical_report(file)?))
}

/// The `seal` member for a digest.
pub fn seal_member(digest: &str) -> Value {
    json!({ "algorithm": "sha256", "canonicalization": "RFC8785", "digest": digest })
}

/// The digest recorded in the file's `seal` member, if any.
pub fn recorded_seal(file: &Value) -> Option<&str> {
    file.get(SEAL_MEMBER)?.get("digest")?.as_str()
}

/// Sets (or replaces) the file's seal; returns the digest.
pub fn apply_seal(file: &mut Value) -> Result<String, SealError> {
    let digest = compute_seal(file)?;
    let Value::Object(map) = file else {
        return Err(SealError::NotAnObject);
    };
    map.insert(SEAL_MEMBER.into(), seal_member(&digest));
    Ok(digest)
}
