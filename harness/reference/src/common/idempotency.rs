//! The idempotency store: a POST repeated with the same `Idempotency-Key` and
//! the same body (equal as JSON values) gets the stored response again and
//! creates nothing; the same key with another body is rejected. Keys are
//! scoped by principal and operation. Only successful responses are stored.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::auth::Principal;
use super::problem::Problem;

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// A complete successful response, kept for replays.
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Vec<u8>,
}

impl StoredResponse {
    /// A JSON response.
    pub fn json(status: StatusCode, body: Vec<u8>) -> Self {
        StoredResponse {
            status,
            headers: vec![(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        }
    }

    pub fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }

    pub fn to_response(&self, replayed: bool) -> Response {
        let mut resp = (self.status, Body::from(self.body.clone())).into_response();
        for (n, v) in &self.headers {
            resp.headers_mut().insert(n.clone(), v.clone());
        }
        if replayed {
            resp.headers_mut()
                .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
        }
        resp
    }
}

/// What the store knows about a key.
pub enum Lookup {
    Fresh,
    Replay(StoredResponse),
    Reused,
}

type Slot = (String, &'static str, String);

#[derive(Debug, Default)]
pub struct IdempotencyStore {
    entries: HashMap<Slot, (Value, StoredResponse)>,
}

impl IdempotencyStore {
    pub fn lookup(&self, who: &Principal, op: &'static str, key: &str, body: &Value) -> Lookup {
        match self.entries.get(&(who.0.clone(), op, key.to_string())) {
            None => Lookup::Fresh,
            Some((stored_body, resp)) if stored_body == body => Lookup::Replay(resp.clone()),
            Some(_) => Lookup::Reused,
        }
    }

    pub fn store(
        &mut self,
        who: &Principal,
        op: &'static str,
        key: &str,
        body: Value,
        resp: StoredResponse,
    ) {
        self.entries
            .insert((who.0.clone(), op, key.to_string()), (body, resp));
    }
}

/// The request's `Idempotency-Key`: 1–255 visible ASCII characters, else 400.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(v) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let b = v.as_bytes();
    if b.is_empty()
        || b.len() > 255
        || !b.iter().all(|c| (0x21..=0x7e).contains(c))
        || v.to_str().map(str::trim).unwrap_or("").is_empty()
    {
        return Err(Problem::bad_request(
            "Idempotency-Key must be 1 to 255 visible ASCII characters.",
        ));
    }
    Ok(v.to_str().ok().map(str::to_string))
}
