//! A fault every reference offers: JSON sent in ISO-8859-1 instead of UTF-8,
//! as servers do whose platform default charset is Latin-1. A body with
//! umlauts then holds bytes that are not UTF-8, which breaks the
//! interface's well-formed-response requirement (RFC 8259 § 8.1) and nothing
//! else. Every catalogue names it `json-latin1` (`Fault::JsonLatin1`).

use axum::body::{Body, to_bytes};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::Response;

/// Re-encodes a JSON body that holds non-ASCII characters as ISO-8859-1
/// (characters beyond it become `?`) and says so in its Content-Type.
pub async fn json_as_latin1(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let media_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_string())
        .unwrap_or_default();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if !media_type.ends_with("json") || bytes.is_ascii() {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let latin1: Vec<u8> = String::from_utf8_lossy(&bytes)
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("{media_type}; charset=iso-8859-1")) {
        parts.headers.insert(CONTENT_TYPE, v);
    }
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(latin1))
}
