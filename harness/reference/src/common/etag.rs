//! Strong entity tags over a resource's JSON representation, and the
//! `If-Match` test (RFC 9110 § 13.1.1: strong comparison, `*` matches any
//! existing resource).

use axum::http::HeaderMap;
use axum::http::header::IF_MATCH;
use sha2::{Digest, Sha256};

/// A strong ETag such as `"3f2a…"` for the given representation.
pub fn etag_for(representation: &[u8]) -> String {
    let digest = Sha256::digest(representation);
    format!("\"{}\"", hex::encode(&digest[..12]))
}

/// `None` when the request has no `If-Match`; otherwise whether it matches `current`.
pub fn if_match(headers: &HeaderMap, current: &str) -> Option<bool> {
    let values: Vec<&str> = headers
        .get_all(IF_MATCH)
        .iter()
        .map(|v| v.to_str().unwrap_or(""))
        .collect();
    if values.is_empty() {
        return None;
    }
    let matched = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || (!tag.starts_with("W/") && tag == current));
    Some(matched)
}
