//! Querschnitt plumbing of Elterngeld 1.0 on top of `crate::common`: auth,
//! body reading and 422 problems, each with the faults that bend them, and
//! the outermost fault layer for problem+json and X-Request-ID.

use super::faults::Fault;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt;
use serde_json::Value;

use super::AppState;
use crate::common::auth::{Principal, authorize};
use crate::common::body::{BODY_LIMIT, JSON, discard, read_json};
use crate::common::pipeline::X_REQUEST_ID;
use crate::common::problem::Problem;
use crate::common::validate::Errors;

/// Bearer auth for an operation that needs `scope`.
pub fn auth(st: &AppState, headers: &HeaderMap, scope: &str) -> Result<Principal, Problem> {
    let f = &st.faults;
    if f.on(Fault::MissingTokenAccepted) && !headers.contains_key(AUTHORIZATION) {
        return Ok(Principal(crate::FULL_TOKEN.to_string()));
    }
    if f.on(Fault::BodyCheckedBeforeAuth)
        && let Some(ct) = headers.get(CONTENT_TYPE)
        && !media_type_is_json(ct)
    {
        return Err(unsupported_media_type());
    }
    match authorize(&st.auth, headers, scope) {
        Err(p) if p.status == StatusCode::FORBIDDEN && f.on(Fault::ScopeNotChecked) => {
            let token = headers
                .get(AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            Ok(Principal(token.to_string()))
        }
        other => other,
    }
}

/// Reads a JSON body: 415, 413, 400 as the interface prescribes.
pub async fn body(st: &AppState, headers: &HeaderMap, body: Body) -> Result<Value, Problem> {
    let f = &st.faults;
    if f.on(Fault::JsonCharsetRejected)
        && headers
            .get(CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().contains(&b';'))
    {
        return Err(unsupported_media_type());
    }
    if f.on(Fault::SizeBeforeContentType)
        && headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n > BODY_LIMIT)
    {
        // The fault is the order of the checks, not a reset connection.
        discard(body).await;
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Request body too large",
            format!("The request body exceeds {BODY_LIMIT} bytes."),
        ));
    }
    if !f.on(Fault::ContentTypeIgnored)
        && !headers.get(CONTENT_TYPE).is_some_and(media_type_is_json)
    {
        discard(body).await;
        return read_json(headers, Body::empty(), &[JSON]).await;
    }
    if !(f.on(Fault::ContentTypeIgnored)
        || f.on(Fault::BodyLimitIgnored)
        || f.on(Fault::MalformedJson422))
    {
        return read_json(headers, body, &[JSON]).await;
    }
    if f.on(Fault::ContentTypeIgnored) || f.on(Fault::BodyLimitIgnored) {
        // Read everything (up to 16 MiB) whatever the media type or size.
        let mut fixed = headers.clone();
        if f.on(Fault::ContentTypeIgnored) {
            fixed.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
        }
        if f.on(Fault::BodyLimitIgnored) {
            let essence = fixed
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .map(|v| v.trim().to_ascii_lowercase());
            if essence.as_deref() != Some(JSON) {
                return read_json(&fixed, Body::empty(), &[JSON]).await;
            }
            let mut buf = Vec::new();
            let mut stream = body.into_data_stream();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk
                    .map_err(|e| Problem::bad_request(format!("Cannot read the body: {e}")))?;
                if buf.len() + chunk.len() > 16 * BODY_LIMIT {
                    break;
                }
                buf.extend_from_slice(&chunk);
            }
            return serde_json::from_slice(&buf)
                .map_err(|e| Problem::bad_request(format!("The request body is not JSON: {e}")));
        }
        return read_json(&fixed, body, &[JSON]).await;
    }
    // malformed-json-422: a syntax error becomes a 422.
    match read_json(headers, body, &[JSON]).await {
        Err(p) if p.kind == "malformed-json" => {
            let mut errs = Errors::default();
            errs.push(
                "",
                crate::common::validate::rules::TYPE,
                "the body is not JSON",
            );
            Err(errs.into_problem())
        }
        other => other,
    }
}

fn media_type_is_json(v: &HeaderValue) -> bool {
    v.to_str()
        .ok()
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(JSON))
}

fn unsupported_media_type() -> Problem {
    Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported-media-type",
        "Unsupported media type",
        format!("The request body must be {JSON}."),
    )
}

/// The 422 for collected errors (only the first under `first-error-only`).
pub fn invalid(st: &AppState, errs: Errors) -> Problem {
    let mut p = errs.into_problem();
    if st.faults.on(Fault::FirstErrorOnly) {
        p.errors.truncate(1);
    }
    p
}

/// Outermost layer: faults of the problem media type and of X-Request-ID.
pub async fn outer_faults(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let had_id = req.headers().contains_key(&X_REQUEST_ID);
    let sent_id = req.headers().get(&X_REQUEST_ID).cloned();
    let mut resp = next.run(req).await;
    let f = &st.faults;
    if f.on(Fault::JsonLatin1) {
        resp = crate::common::encoding::json_as_latin1(resp).await;
    }
    if f.on(Fault::ErrorsWithoutProblemJson)
        && (resp.status().is_client_error() || resp.status().is_server_error())
    {
        resp.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    }
    if f.on(Fault::RequestIdNotEchoed)
        && had_id
        && let Ok(v) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
    {
        resp.headers_mut().insert(X_REQUEST_ID, v);
    }
    if f.on(Fault::RequestIdLengthUnchecked)
        && let Some(v) = sent_id
    {
        // Echoes whatever the client sent, also when it is not a valid id.
        resp.headers_mut().insert(X_REQUEST_ID, v);
    }
    if f.on(Fault::RequestIdNotGenerated) && !had_id {
        resp.headers_mut().remove(X_REQUEST_ID);
    }
    resp
}
