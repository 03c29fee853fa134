//! The outermost middleware of every reference server: assigns the request id
//! (echoed `X-Request-ID`, generated when absent or invalid), renders pending
//! problems as `application/problem+json`, and turns any other error response
//! (e.g. an extractor rejection) into a problem too, so every 4xx/5xx body
//! follows RFC 9457.

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use super::problem::{PendingProblem, Problem};

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A client's request id is used when it is 1–200 visible ASCII characters.
fn valid_request_id(v: &HeaderValue) -> bool {
    let b = v.as_bytes();
    !b.is_empty() && b.len() <= 200 && b.iter().all(|c| (0x21..=0x7e).contains(c))
}

pub async fn finish(req: Request, next: Next) -> Response {
    let request_id = req
        .headers()
        .get(&X_REQUEST_ID)
        .filter(|v| valid_request_id(v))
        .cloned()
        .or_else(|| HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).ok());
    let path = req.uri().path().to_owned();

    let mut resp = next.run(req).await;
    let pending = resp.extensions_mut().remove::<PendingProblem>();
    let problem = match pending {
        Some(PendingProblem(p)) => Some(p),
        None if resp.status().is_client_error() || resp.status().is_server_error() => {
            let is_problem = resp
                .headers()
                .get(CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
            (!is_problem).then(|| Problem::for_status(resp.status()))
        }
        None => None,
    };
    if let Some(p) = problem {
        *resp.body_mut() = Body::from(p.render(&path));
        resp.headers_mut().remove(CONTENT_LENGTH);
        resp.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    }
    if let Some(id) = request_id {
        resp.headers_mut().insert(X_REQUEST_ID, id);
    }
    resp
}
