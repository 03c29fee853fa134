//! OAuth 2.0 bearer token check (RFC 6750): 401 with `WWW-Authenticate: Bearer`
//! for a missing or unknown token, 403 with `error="insufficient_scope"` for a
//! token without the operation's scope.

use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};

use super::problem::Problem;
use crate::AuthMode;

/// Who made the request: the token, or `open` when authentication is off.
/// Idempotency keys are scoped by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal(pub String);

const REALM: &str = "konform";

fn unauthorized(detail: &str, www: String) -> Problem {
    let value = HeaderValue::from_str(&www)
        .unwrap_or_else(|_| HeaderValue::from_static("Bearer realm=\"konform\""));
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "Authentication required",
        detail,
    )
    .with_header(WWW_AUTHENTICATE, value)
}

/// The bearer token of the request, if the header is well formed.
fn bearer(headers: &HeaderMap) -> Result<Option<&str>, ()> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| ())?;
    let (scheme, token) = text.split_once(' ').ok_or(())?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(());
    }
    Ok(Some(token))
}

/// Checks that the request may use an operation that needs `scope`.
pub fn authorize(mode: &AuthMode, headers: &HeaderMap, scope: &str) -> Result<Principal, Problem> {
    let tokens = match mode {
        AuthMode::Open => return Ok(Principal("open".to_string())),
        AuthMode::Tokens(tokens) => tokens,
    };
    let token = match bearer(headers) {
        Ok(Some(t)) => t,
        Ok(None) => {
            return Err(unauthorized(
                "This operation needs a bearer token.",
                format!("Bearer realm=\"{REALM}\""),
            ));
        }
        Err(()) => {
            return Err(unauthorized(
                "The Authorization header is not a bearer token.",
                format!("Bearer realm=\"{REALM}\", error=\"invalid_request\""),
            ));
        }
    };
    let Some(scopes) = tokens.get(token) else {
        return Err(unauthorized(
            "The bearer token is not valid.",
            format!("Bearer realm=\"{REALM}\", error=\"invalid_token\""),
        ));
    };
    if !scopes.iter().any(|s| s == scope) {
        let www =
            format!("Bearer realm=\"{REALM}\", error=\"insufficient_scope\", scope=\"{scope}\"");
        let value = HeaderValue::from_str(&www)
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer error=\"insufficient_scope\""));
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Insufficient scope",
            format!("This operation needs the scope {scope}."),
        )
        .with_header(WWW_AUTHENTICATE, value));
    }
    Ok(Principal(token.to_string()))
}
