//! Connecting to a target: resolving the credentials a target file names
//! (bearer tokens, OAuth 2.0 client credentials) from the environment,
//! building the HTTP client (system roots plus an extra CA, mTLS, explicit
//! proxy only, no redirects, no retries, no decompression) and producing the
//! `Authorization` header for each request. Secrets stay in memory and are
//! handed to redaction via [`TargetConnection::secret_values`].

mod client;
mod connection;
mod credential;
mod error;
mod oauth2;
mod redact;
mod tls;
pub mod urls;

pub use client::USER_AGENT;
pub use connection::{TargetConnection, connect, connect_with};
pub use credential::{Credential, OAuth2ClientCredentials};
pub use error::{AuthError, TargetError};
pub use urls::{redact_url, warnings};
