//! Reading a JSON request body: 415 for a wrong media type, 413 above 1 MiB,
//! 400 for malformed JSON. Oversized bodies are drained (up to a bound) before
//! answering so that the client can read the 413 instead of seeing a reset.

use axum::body::Body;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use futures::StreamExt;
use serde_json::Value;

use super::problem::Problem;

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 1 << 20;
/// Oversized bodies are read and discarded up to this size before the 413.
const DRAIN_LIMIT: usize = 16 << 20;

pub const JSON: &str = "application/json";
pub const MERGE_PATCH_JSON: &str = "application/merge-patch+json";

fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "Request body too large",
        format!("The request body exceeds {BODY_LIMIT} bytes."),
    )
}

/// Whether the Content-Type names one of `accepted` (a UTF-8 charset is allowed).
fn media_type_ok(headers: &HeaderMap, accepted: &[&str]) -> bool {
    let Some(ct) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut parts = ct.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    if !accepted.contains(&essence.as_str()) {
        return false;
    }
    parts.all(|param| match param.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    })
}

/// Reads and drops what the client sends (up to [`DRAIN_LIMIT`]) before an
/// early answer, so the client reads the answer instead of a connection reset
/// while it is still sending.
pub async fn discard(body: Body) {
    let mut stream = body.into_data_stream();
    let mut total = 0usize;
    while let Some(Ok(chunk)) = stream.next().await {
        total = total.saturating_add(chunk.len());
        if total > DRAIN_LIMIT {
            break;
        }
    }
}

/// Reads and parses the body.
pub async fn read_json(
    headers: &HeaderMap,
    body: Body,
    accepted: &[&str],
) -> Result<Value, Problem> {
    if !media_type_ok(headers, accepted) {
        discard(body).await;
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            format!("The request body must be {}.", accepted.join(" or ")),
        ));
    }
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_LIMIT as u64) {
        return Err(too_large());
    }
    let mut stream = body.into_data_stream();
    let mut buf: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| Problem::bad_request(format!("Cannot read the body: {e}")))?;
        total = total.saturating_add(chunk.len());
        if total > DRAIN_LIMIT {
            break;
        }
        if total <= BODY_LIMIT {
            buf.extend_from_slice(&chunk);
        }
    }
    if total > BODY_LIMIT {
        return Err(too_large());
    }
    serde_json::from_slice(&buf).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed-json",
            "Malformed JSON",
            format!("The request body is not valid UTF-8 JSON: {e}"),
        )
    })
}
