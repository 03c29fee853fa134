//! Errors of this crate: `TargetError` for everything that goes wrong while
//! setting up a connection (missing environment variables, bad URLs, unreadable
//! or invalid PEM files), `AuthError` for what goes wrong while producing an
//! `Authorization` header for one request. Messages name variables and files,
//! never secret values.

use std::path::PathBuf;

/// Setting up a [`crate::TargetConnection`] failed.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// A secret environment variable named in the target file is unset or empty.
    #[error("environment variable `{var}` (needed by {used_by}) is not set or empty")]
    MissingEnv { var: String, used_by: String },
    /// A `*_env` field holds something that is no environment variable name
    /// (likely the secret itself); the value is deliberately not part of
    /// the message.
    #[error(
        "{used_by}: {field} must name an environment variable (letters, digits and `_`, \
         at most 64 characters); the value written there is not shown in case it is a secret"
    )]
    NotAnEnvName {
        field: &'static str,
        used_by: String,
    },
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    #[error("invalid token URL `{url}` (used by {used_by}): {reason}")]
    InvalidTokenUrl {
        url: String,
        used_by: String,
        reason: String,
    },
    #[error("invalid proxy `{proxy}`: {reason}")]
    InvalidProxy { proxy: String, reason: String },
    #[error("cannot join request path `{path}` to the base URL: {reason}")]
    InvalidPath { path: String, reason: String },
    #[error("cannot read {what} file {}: {source}", path.display())]
    ReadFile {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid {what} file {}: {reason}", path.display())]
    InvalidPem {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error("tls: `client_cert` and `client_key` must be given together")]
    IncompleteClientIdentity,
    #[error("tls configuration: {0}")]
    Tls(String),
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// Producing the `Authorization` header for one request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The step asks for an auth profile the target does not define. The
    /// runner turns this into a `skip` verdict.
    #[error("the target defines no auth profile `{0}`")]
    UnknownProfile(String),
    /// The OAuth 2.0 token endpoint could not be reached, answered with a
    /// non-2xx status, or sent something that is not a usable bearer token.
    /// `detail` holds at most a short excerpt of the body, with secrets and
    /// tokens redacted.
    #[error("token endpoint {token_url}: {detail}")]
    TokenEndpoint {
        token_url: String,
        /// HTTP status, when the endpoint answered at all.
        status: Option<u16>,
        detail: String,
    },
}
