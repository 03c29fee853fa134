//! RFC 9457 problem details. Handlers return a [`Problem`]; the response
//! pipeline ([`super::pipeline`]) renders it with the request path as
//! `instance`, so handlers need not know their own URL.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

/// Base of every problem `type` URI.
pub const TYPE_BASE: &str = "https://konform.invalid/problems/";

/// One offending field of a 422 response.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FieldError {
    pub pointer: String,
    pub rule: &'static str,
    pub detail: String,
}

/// A problem to be sent as `application/problem+json`.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    /// Last segment of the `type` URI, e.g. `validation`.
    pub kind: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

/// Marker in the response extensions: the pipeline renders the body.
#[derive(Debug, Clone)]
pub(crate) struct PendingProblem(pub Problem);

impl Problem {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Problem {
            status,
            kind,
            title,
            detail: detail.into(),
            errors: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            detail,
        )
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "Conflict", detail)
    }

    /// A 422 listing every offending field; sorted so answers are reproducible.
    pub fn validation(mut errors: Vec<FieldError>) -> Self {
        errors.sort();
        errors.dedup();
        let n = errors.len();
        let mut p = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Validation failed",
            format!(
                "{n} field{} violate{} the interface rules; see errors.",
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" }
            ),
        );
        p.errors = errors;
        p
    }

    /// A generic problem for a status that no handler described.
    pub fn for_status(status: StatusCode) -> Self {
        let title = status.canonical_reason().unwrap_or("Error");
        Self::new(status, "http-status", "HTTP error", title)
    }

    /// The problem+json body.
    pub fn render(&self, instance: &str) -> Vec<u8> {
        let mut doc = json!({
            "type": format!("{TYPE_BASE}{}", self.kind),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
            "instance": instance,
        });
        if !self.errors.is_empty()
            && let Some(map) = doc.as_object_mut()
        {
            map.insert("errors".to_string(), json!(self.errors));
        }
        serde_json::to_vec(&doc).unwrap_or_default()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut resp = self.status.into_response();
        for (name, value) in &self.headers {
            resp.headers_mut().append(name.clone(), value.clone());
        }
        resp.extensions_mut().insert(PendingProblem(self));
        resp
    }
}

/// Fallback for a path no route matches (every interface).
pub async fn not_found() -> Problem {
    Problem::not_found("There is no resource at this path.")
}

/// Fallback for a method a route does not support (every interface).
pub async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        "This resource does not support the request method.",
    )
}
