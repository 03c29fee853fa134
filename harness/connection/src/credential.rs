//! Resolved credentials: the target file only names environment variables;
//! here they are read (through an injected lookup, so tests never touch the
//! process environment) into a `Credential` that lives in memory only. The
//! `Debug` output never shows a secret.

use std::fmt;
use std::sync::Arc;

use konform_model::target::AuthConfig;
use url::Url;

use crate::error::TargetError;
use crate::oauth2::TokenCache;

/// A credential with its secrets resolved.
#[derive(Clone, Default)]
pub enum Credential {
    /// Requests carry no `Authorization` header.
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(String),
    /// OAuth 2.0 client credentials grant (RFC 6749 § 4.4); tokens are fetched
    /// on demand and cached until shortly before they expire.
    OAuth2ClientCredentials(OAuth2ClientCredentials),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::None => f.write_str("None"),
            Credential::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Credential::OAuth2ClientCredentials(c) => c.fmt(f),
        }
    }
}

/// Settings and token cache of an OAuth 2.0 client credentials grant.
/// Clones share one cache (and so one token fetch).
#[derive(Clone)]
pub struct OAuth2ClientCredentials {
    pub(crate) token_url: Url,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) scope: Option<String>,
    pub(crate) cache: Arc<TokenCache>,
}

impl OAuth2ClientCredentials {
    /// A client for the token endpoint `token_url` (absolute http(s) URL).
    pub fn new(
        token_url: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        scope: Option<String>,
    ) -> Result<Self, TargetError> {
        Self::with_context(
            token_url,
            client_id,
            client_secret,
            scope,
            "oauth2 credential",
        )
    }

    fn with_context(
        token_url: &str,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        scope: Option<String>,
        used_by: &str,
    ) -> Result<Self, TargetError> {
        let invalid = |reason: String| TargetError::InvalidTokenUrl {
            url: crate::urls::redact_url(token_url),
            used_by: used_by.to_string(),
            reason,
        };
        let url = Url::parse(token_url).map_err(|e| invalid(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("scheme must be http or https".into()));
        }
        Ok(Self {
            token_url: url,
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scope: scope.filter(|s| !s.is_empty()),
            cache: Arc::new(TokenCache::default()),
        })
    }

    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }
}

impl fmt::Debug for OAuth2ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2ClientCredentials")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &"<redacted>")
            .field("client_secret", &"<redacted>")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// Longest environment variable name accepted in a target file.
pub const MAX_ENV_NAME: usize = 64;

/// Whether `name` can be the name of an environment variable as a target
/// file should write it: ASCII letters, digits and `_`, not starting with a
/// digit, at most [`MAX_ENV_NAME`] characters, and not looking like a
/// generated secret (20 characters or more mixing lower- and upper-case
/// letters and digits, as API tokens do; variable names are words).
pub fn looks_like_env_name(name: &str) -> bool {
    let b = name.as_bytes();
    let charset = !b.is_empty()
        && b.len() <= MAX_ENV_NAME
        && !b[0].is_ascii_digit()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    let random_looking = b.len() >= 20
        && b.iter().any(u8::is_ascii_lowercase)
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_digit);
    charset && !random_looking
}

impl Credential {
    /// Resolves `config` by reading the environment variables it names via
    /// `env`. `used_by` names the credential in error messages, e.g.
    /// "auth" or "auth profile `limited`". A variable that is unset or blank
    /// is an error naming the variable.
    pub fn resolve(
        config: &AuthConfig,
        env: &dyn Fn(&str) -> Option<String>,
        used_by: &str,
    ) -> Result<Credential, TargetError> {
        let read = |field: &'static str, var: &str| -> Result<String, TargetError> {
            if !looks_like_env_name(var) {
                // Probably the secret itself, written where its variable's
                // name belongs: never repeat it.
                return Err(TargetError::NotAnEnvName {
                    field,
                    used_by: used_by.to_string(),
                });
            }
            match env(var) {
                Some(v) if !v.trim().is_empty() => Ok(v),
                _ => Err(TargetError::MissingEnv {
                    var: var.to_string(),
                    used_by: used_by.to_string(),
                }),
            }
        };
        match config {
            AuthConfig::None => Ok(Credential::None),
            AuthConfig::Bearer { token_env } => {
                Ok(Credential::Bearer(read("token_env", token_env)?))
            }
            AuthConfig::Oauth2ClientCredentials {
                token_url,
                client_id_env,
                client_secret_env,
                scope,
            } => {
                let id = read("client_id_env", client_id_env)?;
                let secret = read("client_secret_env", client_secret_env)?;
                Ok(Credential::OAuth2ClientCredentials(
                    OAuth2ClientCredentials::with_context(
                        token_url,
                        id,
                        secret,
                        scope.clone(),
                        used_by,
                    )?,
                ))
            }
        }
    }

    /// `"none"`, `"bearer"` or `"oauth2_client_credentials"` (as in the target file).
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::None => "none",
            Credential::Bearer(_) => "bearer",
            Credential::OAuth2ClientCredentials(_) => "oauth2_client_credentials",
        }
    }

    /// The secrets this credential was configured with (not the tokens it
    /// obtained; those are tracked by the connection).
    pub fn configured_secrets(&self) -> Vec<String> {
        match self {
            Credential::None => vec![],
            Credential::Bearer(t) => vec![t.clone()],
            Credential::OAuth2ClientCredentials(c) => {
                // The pair too: a Basic credential is its base64 form.
                vec![
                    c.client_id.clone(),
                    c.client_secret.clone(),
                    format!("{}:{}", c.client_id, c.client_secret),
                ]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_and_secrets_are_told_apart() {
        for name in [
            "KONFORM_TOKEN",
            "token",
            "_X1",
            "MELDEWESEN_CLIENT_SECRET_2",
        ] {
            assert!(looks_like_env_name(name), "{name}");
        }
        for secret in [
            "",
            "1TOKEN",
            "my secret",
            "eyJhbGciOi.eyJzdWIi.c2ln",
            "ghp_R3alS3cretT0kenValue0123456789",
            &"A".repeat(MAX_ENV_NAME + 1),
        ] {
            assert!(!looks_like_env_name(secret), "{secret}");
        }
    }

    #[test]
    fn a_secret_in_token_env_is_not_repeated() {
        let secret = "ghp_R3alS3cretT0kenValue0123456789";
        let config = AuthConfig::Bearer {
            token_env: secret.into(),
        };
        let err = Credential::resolve(&config, &|_| Some("x".into()), "auth").unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("token_env must name an environment variable"));
        assert!(!shown.contains(secret), "{shown}");
    }
}
