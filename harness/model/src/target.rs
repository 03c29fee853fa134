//! The target file: which implementation is under test, where it is, how to
//! authenticate and which classes it claims. Secrets are never stored here,
//! only the names of the environment variables that hold them.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A target file (`target.yaml`), without its `known_deviations`
/// ([`KnownDeviation`], read beside it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub identity: Identity,
    /// Base URL every request path is joined to, e.g. `https://meldewesen.example/api/v1`.
    pub base_url: String,
    #[serde(default)]
    pub auth: AuthConfig,
    /// Extra named credentials that steps can ask for (`auth: limited`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub auth_profiles: IndexMap<String, AuthConfig>,
    /// Claimed conformance classes. Absent: read from the service description `GET {base}/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    /// Overrides of suite fixtures by name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub fixtures: IndexMap<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jobs: Option<usize>,
    #[serde(default)]
    pub limits: Limits,
    /// Requests in flight per host, rate and request budget, within the
    /// suite's ceiling (`defaults.politeness.ceiling`).
    #[serde(
        default,
        skip_serializing_if = "crate::politeness::Politeness::is_empty"
    )]
    pub politeness: crate::politeness::Politeness,
    #[serde(default)]
    pub tls: TlsConfig,
    /// Proxy URL. No proxy is used unless one is given here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// Expected failures: reported apart, never conformant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_deviations: Vec<KnownDeviation>,
}

/// One entry of the target file's `known_deviations`: a case or a
/// requirement (exactly one of the two) that the target is known to fail,
/// why, and until when. Reported apart from the surprises, never counted as
/// conformant. Read beside [`TargetFile`] (which says how to reach the
/// target), since it says what to expect of it, not how to connect.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct KnownDeviation {
    /// Id of a case of the suite, e.g. `anmeldung.happy-path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// Id of a requirement of the suite, e.g. `MW-ANM-003`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    /// Why the target deviates and when it will not any more.
    pub justification: String,
    /// Last day (`YYYY-MM-DD`) the deviation is expected; a run that starts
    /// later points it out as expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl KnownDeviation {
    /// `case X` or `requirement X`, for messages.
    pub fn label(&self) -> String {
        match (&self.case, &self.requirement) {
            (Some(c), _) => format!("case {c}"),
            (None, Some(r)) => format!("requirement {r}"),
            (None, None) => "nothing".to_string(),
        }
    }
}

/// Who runs what: recorded in the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Operator or Land, e.g. "Freistaat Sachsen".
    pub operator: String,
    pub vendor: String,
    pub product: String,
    pub version: String,
}

/// Per-target narrowing of the suite defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_timeout_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_timeout_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_limit_bytes: Option<u64>,
}

/// How requests authenticate.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthConfig {
    #[default]
    None,
    /// `Authorization: Bearer <value of token_env>`.
    Bearer { token_env: String },
    /// OAuth 2.0 client credentials grant (RFC 6749 § 4.4).
    Oauth2ClientCredentials {
        token_url: String,
        client_id_env: String,
        client_secret_env: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
    },
}

impl AuthConfig {
    /// Names of the environment variables that hold secrets for this config.
    pub fn secret_env_vars(&self) -> Vec<&str> {
        match self {
            AuthConfig::None => vec![],
            AuthConfig::Bearer { token_env } => vec![token_env],
            AuthConfig::Oauth2ClientCredentials {
                client_id_env,
                client_secret_env,
                ..
            } => vec![client_id_env, client_secret_env],
        }
    }
}

/// TLS settings for the target connection.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// Extra CA certificate (PEM) trusted besides the system roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// Client certificate chain (PEM) for mTLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert: Option<String>,
    /// Client private key (PEM, PKCS#8) for mTLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<String>,
    /// Accept any server certificate. Recorded in the report.
    #[serde(default)]
    pub insecure: bool,
}
