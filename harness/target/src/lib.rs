//! TEMPORARY integration shim, replaced by the real crate at merge.
use konform_model::suite::AuthChoice;
#[derive(Debug, thiserror::Error)]
pub enum TargetError { #[error("x")] X }
#[derive(Debug, thiserror::Error)]
pub enum AuthError { #[error("unknown profile {0}")] UnknownProfile(String), #[error("token endpoint")] TokenEndpoint { message: String } }
pub struct TargetConnection { client: reqwest::Client, base: url::Url }
impl TargetConnection {
    pub fn client(&self) -> &reqwest::Client { &self.client }
    pub fn base_url(&self) -> &url::Url { &self.base }
    pub fn url_for(&self, _path: &str) -> Result<url::Url, TargetError> { Ok(self.base.clone()) }
    pub async fn authorization(&self, _c: &AuthChoice) -> Result<Option<String>, AuthError> { Ok(None) }
    pub fn secret_values(&self) -> Vec<String> { vec![] }
    pub fn auth_kind(&self) -> &'static str { "none" }
    pub fn tls_insecure(&self) -> bool { false }
}
