//! The OAuth 2.0 client credentials grant (RFC 6749 § 4.4): one POST to the
//! token endpoint with `grant_type=client_credentials` (and `scope`), the
//! client authenticated with HTTP Basic (`client_secret_basic`, § 2.3.1).
//! Tokens are cached until shortly before `expires_in` runs out; the cache is
//! guarded by a tokio mutex held across the fetch, so concurrent callers
//! share one token request. Errors carry the status and a short excerpt of
//! the body with secrets and tokens redacted.

use std::sync::Mutex as StdMutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{ACCEPT, AUTHORIZATION};
use serde_json::Value;

use crate::credential::OAuth2ClientCredentials;
use crate::error::AuthError;
use crate::redact::{error_chain, excerpt};

/// Lifetime assumed when the token response has no `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(60);
/// A token is refreshed this long before it expires, at most (and at most a
/// tenth of its lifetime, so short-lived tokens are still reused).
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(30);
/// The token request has its own timeout: the runner's per-request timeouts
/// apply to the target's requests, not to this side channel.
const TOKEN_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// At most this much of a token response is read.
const MAX_TOKEN_RESPONSE: usize = 64 * 1024;

/// Token cache of one OAuth 2.0 credential.
#[derive(Default)]
pub(crate) struct TokenCache {
    slot: tokio::sync::Mutex<Option<CachedToken>>,
}

struct CachedToken {
    value: String,
    refresh_at: Instant,
}

/// Every token obtained so far (also expired and rejected ones), for redaction.
#[derive(Default)]
pub(crate) struct IssuedTokens(StdMutex<Vec<String>>);

impl IssuedTokens {
    pub(crate) fn record(&self, token: &str) {
        let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if !token.is_empty() && !list.iter().any(|t| t == token) {
            list.push(token.to_string());
        }
    }

    pub(crate) fn all(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A valid access token for `cred`: the cached one, or a freshly fetched one.
pub(crate) async fn access_token(
    cred: &OAuth2ClientCredentials,
    client: &reqwest::Client,
    issued: &IssuedTokens,
) -> Result<String, AuthError> {
    let mut slot = cred.cache.slot.lock().await;
    if let Some(cached) = slot.as_ref().filter(|c| Instant::now() < c.refresh_at) {
        return Ok(cached.value.clone());
    }
    *slot = None;
    let started = Instant::now();
    let token = fetch(cred, client, issued).await?;
    let lifetime = token.expires_in.unwrap_or(DEFAULT_LIFETIME);
    let margin = (lifetime / 10).min(MAX_REFRESH_MARGIN);
    *slot = Some(CachedToken {
        value: token.access_token.clone(),
        refresh_at: started + lifetime.saturating_sub(margin),
    });
    Ok(token.access_token)
}

struct Token {
    access_token: String,
    expires_in: Option<Duration>,
}

async fn fetch(
    cred: &OAuth2ClientCredentials,
    client: &reqwest::Client,
    issued: &IssuedTokens,
) -> Result<Token, AuthError> {
    let shown_url = cred.token_url.as_str();
    let fail = |status: Option<u16>, detail: String| AuthError::TokenEndpoint {
        token_url: crate::urls::redact_url(shown_url),
        status,
        detail: crate::urls::scrub_password(&detail, shown_url),
    };
    // RFC 6749 § 2.3.1: id and secret are form-encoded before Basic encoding.
    let basic = format!(
        "{}:{}",
        form_encode(&cred.client_id),
        form_encode(&cred.client_secret)
    );
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(scope) = &cred.scope {
        form.push(("scope", scope));
    }
    let response = client
        .post(cred.token_url.clone())
        .header(AUTHORIZATION, format!("Basic {}", STANDARD.encode(basic)))
        .header(ACCEPT, "application/json")
        .form(&form)
        .timeout(TOKEN_REQUEST_TIMEOUT)
        .send()
        .await
        .map_err(|e| fail(None, format!("request failed: {}", error_chain(&e))))?;
    let status = response.status();
    let code = Some(status.as_u16());
    let body = read_capped(response, MAX_TOKEN_RESPONSE)
        .await
        .map_err(|e| {
            fail(
                code,
                format!("reading the response failed: {}", error_chain(&e)),
            )
        })?;

    // Record a token before anything else can put it into a message.
    let parsed = serde_json::from_slice::<Value>(&body).ok();
    if let Some(token) = parsed
        .as_ref()
        .and_then(|v| v.get("access_token"))
        .and_then(Value::as_str)
    {
        issued.record(token);
    }
    let secrets = {
        let mut s = vec![cred.client_id.clone(), cred.client_secret.clone()];
        s.extend(issued.all());
        s
    };
    let shown = || excerpt(&body, &secrets);

    if !status.is_success() {
        return Err(fail(code, format!("HTTP {status}: {}", shown())));
    }
    let Some(json) = parsed else {
        return Err(fail(
            code,
            format!("HTTP {status}, but the body is not valid JSON: {}", shown()),
        ));
    };
    let access_token = match json.get("access_token").and_then(Value::as_str) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            return Err(fail(
                code,
                format!("the response has no string `access_token`: {}", shown()),
            ));
        }
    };
    match json.get("token_type").and_then(Value::as_str) {
        Some(t) if t.eq_ignore_ascii_case("bearer") => {}
        Some(other) => {
            return Err(fail(
                code,
                format!(
                    "token_type is `{}`, only `Bearer` is supported",
                    excerpt(other.as_bytes(), &secrets)
                ),
            ));
        }
        None => {
            return Err(fail(
                code,
                "the response has no string `token_type`".to_string(),
            ));
        }
    }
    Ok(Token {
        access_token,
        expires_in: json.get("expires_in").and_then(parse_expires_in),
    })
}

/// `expires_in` in seconds; some servers send it as a string. Anything
/// unusable counts as absent.
fn parse_expires_in(v: &Value) -> Option<Duration> {
    let secs = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if secs.is_finite() && secs >= 0.0 {
        Some(Duration::from_secs_f64(secs.min(u32::MAX as f64)))
    } else {
        None
    }
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= limit {
            break;
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expires_in_accepts_numbers_and_numeric_strings() {
        assert_eq!(
            parse_expires_in(&json!(3600)),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(
            parse_expires_in(&json!("120")),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_expires_in(&json!(-5)), None);
        assert_eq!(parse_expires_in(&json!(null)), None);
        assert_eq!(parse_expires_in(&json!("soon")), None);
    }

    #[test]
    fn form_encoding_escapes_reserved_characters() {
        assert_eq!(form_encode("a:b c&d"), "a%3Ab+c%26d");
    }
}
