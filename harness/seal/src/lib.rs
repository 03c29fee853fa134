//! Reports anyone can check offline: the RFC 8785 canonical form
//! ([`canonical`]), the SHA-256 seal and the sealed-file layout ([`seal`]),
//! Ed25519 keys ([`keys`]), JWS signatures ([`jws`]) and strict JSON reading
//! that refuses repeated member names ([`strict`]).
//!
//! Layout of a sealed report file (details in [`seal`]): the report's own
//! members plus `"seal"` and `"signatures"` at the top level. The model crate
//! does not know these members; everything here works on `serde_json::Value`,
//! and a reader removes them ([`seal::report_members`]) before deserialising
//! a `konform_model::report::Report`.
//!
//! [`sign_file`] seals and adds one signature; [`verify_file`] checks the seal
//! and every signature against a [`KeyRing`].

pub mod canonical;
pub mod jws;
pub mod keys;
pub mod seal;
pub mod strict;

use ed25519_dalek::SigningKey;
use serde_json::Value;

pub use canonical::{CanonicalError, canonicalize};
pub use jws::{Protected, SignatureError};
pub use keys::{KeyError, KeyRing, key_id};
pub use seal::{SealError, compute_seal};
pub use strict::StrictError;

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(
        "the report changed after it was sealed ({recorded} recorded, {actual} now) and it \
         carries signatures that would no longer verify; remove `seal` and `signatures` to \
         sign the changed report afresh"
    )]
    Changed { recorded: String, actual: String },
}

/// What signing did.
#[derive(Debug, Clone)]
pub struct Signed {
    pub seal: String,
    pub key_id: String,
    /// Signatures in the file now, this one included.
    pub signatures: usize,
}

/// Seals `file` (a report, sealed or not) and appends a signature by `key`.
pub fn sign_file(
    file: &mut Value,
    key: &SigningKey,
    signer: &str,
    signed_at: &str,
) -> Result<Signed, SignError> {
    let payload = seal::canonical_report(file)?;
    let actual = seal::digest_of(&payload);
    let has_signatures = file
        .get(seal::SIGNATURES_MEMBER)
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if let Some(recorded) = seal::recorded_seal(file)
        && recorded != actual
        && has_signatures
    {
        return Err(SignError::Changed {
            recorded: recorded.to_string(),
            actual,
        });
    }
    let entry = jws::sign(&payload, key, signer, signed_at);
    let Value::Object(map) = file else {
        return Err(SealError::NotAnObject.into());
    };
    map.insert(seal::SEAL_MEMBER.into(), seal::seal_member(&actual));
    let signatures = map
        .entry(seal::SIGNATURES_MEMBER)
        .or_insert_with(|| Value::Array(vec![]));
    if !signatures.is_array() {
        *signatures = Value::Array(vec![]);
    }
    let count = match signatures {
        Value::Array(items) => {
            items.push(entry);
            items.len()
        }
        _ => 0,
    };
    Ok(Signed {
        seal: actual,
        key_id: key_id(&key.verifying_key()),
        signatures: count,
    })
}

/// The seal check of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealCheck {
    Matches(String),
    Missing { actual: String },
    Mismatch { recorded: String, actual: String },
}

/// One signature's check: its header (when it could be read) and the outcome.
#[derive(Debug, Clone)]
pub struct SignatureCheck {
    pub index: usize,
    /// The protected header as the signature states it. Its `signer` is a
    /// claim of whoever signed and is never shown as the signer's name.
    pub header: Option<Protected>,
    /// The name of the trusted key the header's `kid` designates (see
    /// [`KeyRing::name`]), when the ring has that key: the only name a
    /// signature may be shown under.
    pub key_name: Option<String>,
    pub result: Result<(), SignatureError>,
}

/// The seal and signature checks of one file.
#[derive(Debug, Clone)]
pub struct Verification {
    pub seal: SealCheck,
    pub signatures: Vec<SignatureCheck>,
    /// `signatures` is present but not an array.
    pub malformed_signatures: bool,
}

impl Verification {
    /// Seal matches, there is at least one signature, and every signature verifies.
    pub fn passed(&self) -> bool {
        matches!(self.seal, SealCheck::Matches(_))
            && !self.malformed_signatures
            && !self.signatures.is_empty()
            && self.signatures.iter().all(|s| s.result.is_ok())
    }
}

/// Checks the seal and every signature of `file` against `keys`.
pub fn verify_file(file: &Value, keys: &KeyRing) -> Result<Verification, SealError> {
    let payload = seal::canonical_report(file)?;
    let actual = seal::digest_of(&payload);
    // The whole `seal` member must be exactly what sealing writes, so no
    // byte of the file escapes the checks.
    let seal = match (file.get(seal::SEAL_MEMBER), seal::recorded_seal(file)) {
        (None, _) => SealCheck::Missing { actual },
        (Some(member), Some(recorded))
            if recorded == actual && *member == seal::seal_member(&actual) =>
        {
            SealCheck::Matches(actual)
        }
        (Some(member), recorded) => SealCheck::Mismatch {
            recorded: recorded.map_or_else(|| member.to_string(), String::from),
            actual,
        },
    };
    let (entries, malformed_signatures) = match file.get(seal::SIGNATURES_MEMBER) {
        None => (&[][..], false),
        Some(Value::Array(items)) => (items.as_slice(), false),
        Some(_) => (&[][..], true),
    };
    let signatures = entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let header = jws::protected(entry).ok();
            SignatureCheck {
                index,
                key_name: header
                    .as_ref()
                    .and_then(|h| keys.name(&h.kid))
                    .map(String::from),
                header,
                result: jws::verify(entry, &payload, keys).map(|_| ()),
            }
        })
        .collect();
    Ok(Verification {
        seal,
        signatures,
        malformed_signatures,
    })
}
