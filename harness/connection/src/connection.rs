//! `TargetConnection`: everything needed to talk to one target — the HTTP
//! client (TLS, mTLS, proxy), the base URL, the resolved default credential
//! and the named auth profiles — plus the list of secrets to redact.

use std::path::Path;
use std::sync::Arc;

use indexmap::IndexMap;
use konform_model::suite::AuthChoice;
use konform_model::target::{TargetFile, TlsConfig};
use url::Url;

use crate::client::build_client;
use crate::credential::Credential;
use crate::error::{AuthError, TargetError};
use crate::oauth2::{IssuedTokens, access_token};

/// A ready connection to one target. Cheap to share behind an `Arc`; all
/// methods take `&self`.
pub struct TargetConnection {
    client: reqwest::Client,
    base_url: Url,
    default: Credential,
    profiles: IndexMap<String, Credential>,
    issued: Arc<IssuedTokens>,
    tls_insecure: bool,
    /// The proxy's password, if its URL carries one (redacted like any secret).
    proxy_secrets: Vec<String>,
}

impl std::fmt::Debug for TargetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TargetConnection")
            .field("base_url", &self.base_url.as_str())
            .field("default", &self.default)
            .field("profiles", &self.profiles)
            .field("tls_insecure", &self.tls_insecure)
            .finish_non_exhaustive()
    }
}

/// Connects to the target described by `target`: reads the secrets through
/// `env`, resolves certificate paths against `base_dir` (the folder of the
/// target file) and builds the HTTP client.
pub fn connect(
    target: &TargetFile,
    env: &dyn Fn(&str) -> Option<String>,
    base_dir: &Path,
) -> Result<TargetConnection, TargetError> {
    let default = Credential::resolve(&target.auth, env, "auth")?;
    let mut profiles = IndexMap::new();
    for (name, config) in &target.auth_profiles {
        let used_by = format!("auth profile `{name}`");
        profiles.insert(name.clone(), Credential::resolve(config, env, &used_by)?);
    }
    connect_with(
        &target.base_url,
        default,
        profiles,
        &target.tls,
        target.proxy.as_deref(),
        base_dir,
    )
}

/// Connects with already resolved credentials (e.g. to the embedded
/// reference implementation, which needs no environment variables).
pub fn connect_with(
    base_url: &str,
    default: Credential,
    profiles: IndexMap<String, Credential>,
    tls: &TlsConfig,
    proxy: Option<&str>,
    base_dir: &Path,
) -> Result<TargetConnection, TargetError> {
    let base_url = parse_base_url(base_url)?;
    let client = build_client(tls, proxy, base_dir)?;
    Ok(TargetConnection {
        client,
        base_url,
        default,
        profiles,
        issued: Arc::new(IssuedTokens::default()),
        tls_insecure: tls.insecure,
        proxy_secrets: proxy.map(crate::urls::url_secrets).unwrap_or_default(),
    })
}

fn parse_base_url(raw: &str) -> Result<Url, TargetError> {
    let invalid = |reason: &str| TargetError::InvalidBaseUrl {
        url: crate::urls::redact_url(raw),
        reason: reason.to_string(),
    };
    let url = Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not carry a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "must not carry credentials; use `auth` with environment variables",
        ));
    }
    Ok(url)
}

impl TargetConnection {
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Joins `path` (which may carry a query string) to the base URL, keeping
    /// the base path: `https://x/api/v1` + `/personen?x=1` →
    /// `https://x/api/v1/personen?x=1`. A missing leading `/` is added; an
    /// empty path is the base URL itself.
    pub fn url_for(&self, path: &str) -> Result<Url, TargetError> {
        let base = self.base_url.as_str();
        let base = base.strip_suffix('/').unwrap_or(base);
        let joined = if path.is_empty() {
            return Ok(self.base_url.clone());
        } else if path.starts_with('/') || path.starts_with('?') {
            format!("{base}{path}")
        } else {
            format!("{base}/{path}")
        };
        let url = Url::parse(&joined).map_err(|e| TargetError::InvalidPath {
            path: path.to_string(),
            reason: e.to_string(),
        })?;
        // Plain concatenation cannot change scheme, host or port, but check.
        if url.origin() != self.base_url.origin() {
            return Err(TargetError::InvalidPath {
                path: path.to_string(),
                reason: "the result leaves the target's origin".into(),
            });
        }
        Ok(url)
    }

    /// The `Authorization` header value (`Bearer …`) for `choice`, or `None`
    /// when the request carries no credential. OAuth 2.0 tokens are fetched
    /// with this connection's client and cached.
    pub async fn authorization(&self, choice: &AuthChoice) -> Result<Option<String>, AuthError> {
        let credential = match choice {
            AuthChoice::None => return Ok(None),
            AuthChoice::Default => &self.default,
            AuthChoice::Profile(name) => self
                .profiles
                .get(name)
                .ok_or_else(|| AuthError::UnknownProfile(name.clone()))?,
        };
        match credential {
            Credential::None => Ok(None),
            Credential::Bearer(token) => Ok(Some(format!("Bearer {token}"))),
            Credential::OAuth2ClientCredentials(c) => {
                let token = access_token(c, &self.client, &self.issued).await?;
                Ok(Some(format!("Bearer {token}")))
            }
        }
    }

    /// Every secret this connection knows: the environment values of all
    /// credentials and every token obtained so far. Feed these to redaction.
    pub fn secret_values(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let configured = std::iter::once(&self.default)
            .chain(self.profiles.values())
            .flat_map(Credential::configured_secrets);
        let proxy = self.proxy_secrets.iter().cloned();
        for s in configured.chain(self.issued.all()).chain(proxy) {
            if !s.is_empty() && !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    /// Kind of the default credential: `"none"`, `"bearer"` or
    /// `"oauth2_client_credentials"`.
    pub fn auth_kind(&self) -> &'static str {
        self.default.kind()
    }

    /// Whether server certificates are NOT verified (`tls.insecure: true`).
    pub fn tls_insecure(&self) -> bool {
        self.tls_insecure
    }

    /// Names of the auth profiles this target defines.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }
}
