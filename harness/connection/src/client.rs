//! The reqwest client used for every request to a target. It is deliberately
//! literal, so that evidence shows what the target really sent: redirects are
//! not followed, nothing is retried, bodies are not decompressed, no proxy is
//! used unless the target file names one (so `HTTP_PROXY` and friends are
//! ignored), and there is no global timeout (the runner sets one per request).

use std::path::Path;

use konform_model::target::TlsConfig;

use crate::error::TargetError;
use crate::redact::error_chain;

/// `User-Agent` of every request: `konform/<version>`.
pub const USER_AGENT: &str = concat!("konform/", env!("CARGO_PKG_VERSION"));

pub(crate) fn build_client(
    tls: &TlsConfig,
    proxy: Option<&str>,
    base_dir: &Path,
) -> Result<reqwest::Client, TargetError> {
    let tls_config = crate::tls::client_config(tls, base_dir)?;
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config)
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .user_agent(USER_AGENT)
        // No automatic decompression: the gzip/brotli/deflate/zstd features
        // of reqwest are not enabled in this workspace, so bodies arrive as
        // sent and no `Accept-Encoding` is added.
        .referer(false)
        .no_proxy();
    if let Some(p) = proxy {
        // The proxy URL may carry a password: never shown, not even in the
        // messages of the URL parser or of reqwest.
        let invalid = |reason: String| TargetError::InvalidProxy {
            proxy: crate::urls::redact_url(p),
            reason: crate::urls::scrub_password(&reason, p),
        };
        let parsed = url::Url::parse(p).map_err(|e| invalid(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid("scheme must be http or https".into()));
        }
        builder = builder.proxy(reqwest::Proxy::all(p).map_err(|e| invalid(error_chain(&e)))?);
    }
    builder
        .build()
        .map_err(|e| TargetError::Client(error_chain(&e)))
}
