//! One HTTP exchange with the target: send a rendered request, read the
//! response under a time limit and a body-size limit, and classify every way
//! this can go wrong as an [`ExchangeError`] (which becomes an `error` verdict,
//! never a `fail`). Redirects are data (the client never follows them) and
//! nothing is retried, with one exception the case runner makes: a 503 or
//! 429 that the step did not expect, whose `Retry-After` asks for a wait that
//! fits in the step timeout, is waited for once ([`unavailable`],
//! [`retry_after`]); a target still unavailable is an `error`, never a fail.
//!
//! Every exchange passes the run's politeness gate ([`crate::politeness`])
//! before it is sent: [`perform`] is the one way a step kind sends a request.
//! A 429 or 503 with `Retry-After` pauses every request to its host (at most
//! for the step timeout), and a request the budget no longer allows is not
//! sent ([`ExchangeError::Budget`]).

use std::time::{Duration, Instant, SystemTime};

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

use crate::politeness::Politeness;

/// A request ready to go on the wire.
#[derive(Debug, Clone)]
pub struct OutgoingRequest {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<Bytes>,
}

/// What came back.
#[derive(Debug, Clone)]
pub struct ReceivedResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Why an exchange could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("TLS failed: {0}")]
    Tls(String),
    #[error("no complete response within {0} ms")]
    Timeout(u64),
    #[error("response body exceeds the limit of {limit} bytes")]
    BodyTooLarge { limit: u64 },
    #[error("response body incomplete after {received} bytes: {reason}")]
    BodyIncomplete { received: u64, reason: String },
    #[error("request failed: {0}")]
    Other(String),
    #[error("request budget of {budget} exhausted; the request was not sent")]
    Budget { budget: u64 },
}

impl ExchangeError {
    /// The kind of `error` verdict this becomes.
    pub fn kind(&self) -> konform_model::report::ErrorKind {
        use konform_model::report::ErrorKind;
        match self {
            ExchangeError::Connect(_) | ExchangeError::Other(_) => ErrorKind::Transport,
            ExchangeError::Tls(_) => ErrorKind::Tls,
            ExchangeError::Timeout(_) => ErrorKind::Timeout,
            ExchangeError::BodyTooLarge { .. } => ErrorKind::TooLarge,
            ExchangeError::BodyIncomplete { .. } => ErrorKind::Truncated,
            ExchangeError::Budget { .. } => ErrorKind::Budget,
        }
    }
}

/// Limits for one exchange.
#[derive(Debug, Clone, Copy)]
pub struct ExchangeLimits {
    pub timeout: Duration,
    pub body_limit: u64,
}

/// 503 Service Unavailable and 429 Too Many Requests: the target cannot
/// serve the request now, which says nothing about its conformance.
pub fn unavailable(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// `status` says the target is unavailable and the step did not expect it
/// (a case may test rate limiting on purpose): the step is an `error` of
/// kind `unavailable`, never judged. Shared by the runner and re-judging.
pub fn unexpectedly_unavailable(
    expected: Option<&konform_model::suite::StatusExpect>,
    status: u16,
) -> bool {
    unavailable(status) && !expected.is_some_and(|e| e.accepts(status))
}

/// The wait a `Retry-After` header asks for, as delta-seconds or an
/// HTTP-date (RFC 9110 § 10.2.3); a date in the past is no wait. `None`
/// when the header is missing or unreadable.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().ok().map(Duration::from_secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Memory for response bodies being read, shared by every exchange of a
/// run, so that peak memory does not grow with `--jobs`: before reading a
/// body, an exchange reserves what it may need (its Content-Length, else the
/// whole body limit) and gives it back when the body is read. Reserving the
/// worst case up front means two readers can never each hold half of what
/// both need; an exchange that waits for room waits within its step timeout.
#[derive(Debug, Clone)]
pub struct BodyBudget {
    permits: Arc<Semaphore>,
    /// Size of the budget in KiB (one permit per KiB).
    kib: u32,
}

impl BodyBudget {
    /// What a run may hold in response bodies at once, unless one body limit
    /// is larger (then one body at a time): 64 MiB.
    pub const DEFAULT_BYTES: u64 = 64 * 1024 * 1024;

    /// A budget of `bytes`, at least `body_limit` (one body always fits).
    pub fn new(bytes: u64, body_limit: u64) -> Self {
        let kib = u32::try_from(bytes.max(body_limit).div_ceil(1024))
            .unwrap_or(Semaphore::MAX_PERMITS as u32)
            .clamp(1, Semaphore::MAX_PERMITS as u32);
        Self {
            permits: Arc::new(Semaphore::new(kib as usize)),
            kib,
        }
    }

    /// Reserves room for a body of up to `bytes`.
    async fn reserve(&self, bytes: u64) -> Option<OwnedSemaphorePermit> {
        let kib = u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(self.kib)
            .clamp(1, self.kib);
        self.permits.clone().acquire_many_owned(kib).await.ok()
    }
}

/// Sends `request` for a case of the run in `ctx` and reads the whole
/// response, within `limits`: through the run's politeness gate
/// (`ctx.politeness`), holding room in the run's body budget while the body
/// is read. The duration is that of the exchange, without the wait at the gate.
pub async fn perform(
    ctx: &crate::CaseContext,
    request: &OutgoingRequest,
    limits: ExchangeLimits,
) -> (Result<ReceivedResponse, ExchangeError>, Duration) {
    perform_with(
        ctx.conn.client(),
        &ctx.politeness,
        &ctx.body_budget,
        ctx.limits.step_timeout,
        request,
        limits,
    )
    .await
}

/// [`perform`] with its parts named: `gate` admits the request, a
/// `Retry-After` pauses the host for at most `max_pause`.
pub(crate) async fn perform_with(
    client: &reqwest::Client,
    gate: &Politeness,
    budget: &BodyBudget,
    max_pause: Duration,
    request: &OutgoingRequest,
    limits: ExchangeLimits,
) -> (Result<ReceivedResponse, ExchangeError>, Duration) {
    let admitted = match gate.admit(&request.url).await {
        Ok(admitted) => admitted,
        Err(refused) => {
            return (
                Err(ExchangeError::Budget {
                    budget: refused.budget,
                }),
                Duration::ZERO,
            );
        }
    };
    let started = Instant::now();
    let result = tokio::time::timeout(
        limits.timeout,
        send_and_read(client, request, limits, budget),
    )
    .await
    .unwrap_or_else(|_| Err(ExchangeError::Timeout(limits.timeout.as_millis() as u64)));
    if let Ok(response) = &result
        && unavailable(response.status)
        && let Some(wait) = retry_after(&response.headers, SystemTime::now())
    {
        gate.pause(&request.url, wait.min(max_pause));
    }
    drop(admitted);
    (result, started.elapsed())
}

async fn send_and_read(
    client: &reqwest::Client,
    request: &OutgoingRequest,
    limits: ExchangeLimits,
    budget: &BodyBudget,
) -> Result<ReceivedResponse, ExchangeError> {
    let mut builder = client
        .request(request.method.clone(), request.url.clone())
        .headers(request.headers.clone());
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    let mut response = builder.send().await.map_err(classify)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    if let Some(len) = response.content_length()
        && len > limits.body_limit
    {
        return Err(ExchangeError::BodyTooLarge {
            limit: limits.body_limit,
        });
    }
    let expected = response
        .content_length()
        .unwrap_or(limits.body_limit)
        .min(limits.body_limit);
    let _room = budget.reserve(expected).await;
    // Never more than the limit, not even in spare capacity: a body is
    // refused before it would exceed it, and the buffer grows (doubling) up
    // to the limit only.
    let limit = usize::try_from(limits.body_limit).unwrap_or(usize::MAX);
    let mut body: Vec<u8> =
        Vec::with_capacity(usize::try_from(expected).unwrap_or(0).min(64 * 1024));
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let needed = body.len().saturating_add(chunk.len());
                if needed > limit {
                    return Err(ExchangeError::BodyTooLarge {
                        limit: limits.body_limit,
                    });
                }
                if needed > body.capacity() {
                    let grown = body.capacity().saturating_mul(2).max(needed).min(limit);
                    body.reserve_exact(grown - body.len());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                return Err(ExchangeError::BodyIncomplete {
                    received: body.len() as u64,
                    reason: error_chain(&e),
                });
            }
        }
    }
    Ok(ReceivedResponse {
        status,
        headers,
        body: Bytes::from(body),
    })
}

fn classify(e: reqwest::Error) -> ExchangeError {
    if e.is_timeout() {
        ExchangeError::Timeout(0)
    } else if is_tls(&e) {
        ExchangeError::Tls(error_chain(&e))
    } else if e.is_connect() {
        ExchangeError::Connect(error_chain(&e))
    } else {
        ExchangeError::Other(error_chain(&e))
    }
}

/// A rustls error somewhere in the chain (directly, or inside an I/O error).
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(e);
    while let Some(err) = current {
        if err.is::<rustls::Error>() {
            return true;
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>())
        {
            return true;
        }
        current = err.source();
    }
    false
}

/// The error and its sources, joined: reqwest's top-level message alone
/// ("error sending request") hides the useful part.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::RETRY_AFTER, value.parse().unwrap());
        h
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = httpdate::parse_http_date("Wed, 02 Dec 2026 03:00:00 GMT").unwrap();
        assert_eq!(
            retry_after(&headers("2"), now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(retry_after(&headers(" 0 "), now), Some(Duration::ZERO));
        assert_eq!(
            retry_after(&headers("Wed, 02 Dec 2026 03:00:05 GMT"), now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            retry_after(&headers("Wed, 02 Dec 2026 02:59:00 GMT"), now),
            Some(Duration::ZERO)
        );
        for bad in ["-1", "soon", "1.5", ""] {
            assert_eq!(retry_after(&headers(bad), now), None, "{bad:?}");
        }
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn only_503_and_429_are_unavailable() {
        assert!(unavailable(503) && unavailable(429));
        assert!(!unavailable(500) && !unavailable(502) && !unavailable(200));
    }
}
