//! Signatures: JWS (RFC 7515) in the JSON Serialization with detached
//! content (Appendix F), algorithm `EdDSA` with Ed25519 (RFC 8037).
//!
//! The payload is the canonical report (see [`crate::seal`]); it is not
//! stored in the signature. Signing input, as RFC 7515 §5.1:
//! `BASE64URL(protected) || '.' || BASE64URL(payload)`. The protected header
//! carries `alg`, `kid`, `signer` (a name) and `signed_at` (RFC 3339 UTC).
//! The header is read strictly ([`crate::strict`]). Its `signer` is only
//! what the signer chose to write; readers show the name of the trusted key
//! instead ([`crate::KeyRing::name`]).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer as _, SigningKey};
use serde_json::{Value, json};

use crate::keys::{KeyRing, key_id};

/// The protected header of one signature, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protected {
    pub alg: String,
    pub kid: String,
    pub signer: Option<String>,
    pub signed_at: Option<String>,
}

/// Why one signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("malformed signature entry: {0}")]
    Malformed(String),
    #[error("unsupported algorithm `{0}` (only EdDSA)")]
    Algorithm(String),
    #[error("unknown key {0}: no trusted public key has this key id")]
    UnknownKey(String),
    #[error("signature by key {0} does not match the report")]
    Invalid(String),
}

fn signing_input(protected_b64: &str, payload: &[u8]) -> Vec<u8> {
    let mut input = Vec::with_capacity(protected_b64.len() + 1 + payload.len() * 4 / 3 + 4);
    input.extend_from_slice(protected_b64.as_bytes());
    input.push(b'.');
    input.extend_from_slice(URL_SAFE_NO_PAD.encode(payload).as_bytes());
    input
}

/// A signature entry (`{"protected": ..., "signature": ...}`) over `payload`.
pub fn sign(payload: &[u8], key: &SigningKey, signer: &str, signed_at: &str) -> Value {
    let header = json!({
        "alg": "EdDSA",
        "kid": key_id(&key.verifying_key()),
        "signer": signer,
        "signed_at": signed_at,
    });
    let protected = URL_SAFE_NO_PAD.encode(header.to_string());
    let signature = key.sign(&signing_input(&protected, payload));
    json!({
        "protected": protected,
        "signature": URL_SAFE_NO_PAD.encode(signature.to_bytes()),
    })
}

/// Decodes the protected header of a signature entry.
pub fn protected(entry: &Value) -> Result<Protected, SignatureError> {
    let b64 = entry
        .get("protected")
        .and_then(Value::as_str)
        .ok_or_else(|| SignatureError::Malformed("no `protected` member".into()))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(b64)
        .map_err(|e| SignatureError::Malformed(format!("protected header: {e}")))?;
    let header: Value = crate::strict::parse(&bytes)
        .map_err(|e| SignatureError::Malformed(format!("protected header: {e}")))?;
    let text = |name: &str| header.get(name).and_then(Value::as_str).map(String::from);
    Ok(Protected {
        alg: text("alg").ok_or_else(|| SignatureError::Malformed("no `alg`".into()))?,
        kid: text("kid").ok_or_else(|| SignatureError::Malformed("no `kid`".into()))?,
        signer: text("signer"),
        signed_at: text("signed_at"),
    })
}

/// Verifies one signature entry over `payload` with a key from `keys`.
pub fn verify(entry: &Value, payload: &[u8], keys: &KeyRing) -> Result<Protected, SignatureError> {
    let header = protected(entry)?;
    if header.alg != "EdDSA" {
        return Err(SignatureError::Algorithm(header.alg));
    }
    let key = keys
        .get(&header.kid)
        .ok_or_else(|| SignatureError::UnknownKey(header.kid.clone()))?;
    let sig_b64 = entry
        .get("signature")
        .and_then(Value::as_str)
        .ok_or_else(|| SignatureError::Malformed("no `signature` member".into()))?;
    let sig_bytes = URL_SAFE_NO_PAD
        .decode(sig_b64)
        .map_err(|e| SignatureError::Malformed(format!("signature: {e}")))?;
    let signature = Signature::from_slice(&sig_bytes)
        .map_err(|e| SignatureError::Malformed(format!("signature: {e}")))?;
    let protected_b64 = entry
        .get("protected")
        .and_then(Value::as_str)
        .unwrap_or_default();
    key.verify_strict(&signing_input(protected_b64, payload), &signature)
        .map_err(|_| SignatureError::Invalid(header.kid.clone()))?;
    Ok(header)
}
