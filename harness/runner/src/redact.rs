//! Redaction of evidence before it leaves the runner: credential headers are
//! replaced wholesale, and every known secret value (environment secrets and
//! tokens obtained during the run) is replaced wherever it appears — URL,
//! header or body. Nothing downstream (events, terminal, report) ever sees an
//! unredacted exchange.

use konform_model::report::{BodyEvidence, CaseResult, Header};

/// Replacement text for a redacted value.
pub const REDACTED: &str = "[REDACTED]";

/// Header names whose values are always credentials.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
];

pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// `secrets` shorter than 4 characters are ignored: replacing them would
    /// shred the evidence without protecting anything.
    pub fn new(secrets: Vec<String>) -> Self {
        let mut secrets: Vec<String> = secrets.into_iter().filter(|s| s.len() >= 4).collect();
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets }
    }

    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    fn headers(&self, headers: &mut [Header]) {
        for h in headers {
            if CREDENTIAL_HEADERS.contains(&h.name.to_ascii_lowercase().as_str()) {
                h.value = match h.value.split_once(' ') {
                    // Keep the scheme ("Bearer"): it is evidence, not a secret.
                    Some((scheme, _)) if h.name.eq_ignore_ascii_case("authorization") => {
                        format!("{scheme} {REDACTED}")
                    }
                    _ => REDACTED.to_string(),
                };
            } else {
                h.value = self.text(&h.value);
            }
        }
    }

    fn body(&self, body: &mut Option<BodyEvidence>) {
        if let Some(b) = body {
            b.text = self.text(&b.text);
        }
    }

    /// Redacts a case result in place.
    pub fn case(&self, result: &mut CaseResult) {
        if let Some(reason) = &result.reason {
            result.reason = Some(self.text(reason));
        }
        for step in &mut result.steps {
            step.request.url = self.text(&step.request.url);
            self.headers(&mut step.request.headers);
            self.body(&mut step.request.body);
            if let Some(resp) = &mut step.response {
                self.headers(&mut resp.headers);
                self.body(&mut resp.body);
            }
            if let Some(e) = &step.error {
                step.error = Some(self.text(e));
            }
            for a in &mut step.assertions {
                for v in [&mut a.expected, &mut a.received].into_iter().flatten() {
                    let text = serde_json::to_string(v).unwrap_or_default();
                    let redacted = self.text(&text);
                    if redacted != text {
                        *v = serde_json::Value::String(redacted);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_everywhere_in_text() {
        let r = Redactor::new(vec!["s3cr3t-token".into(), "ab".into()]);
        assert_eq!(
            r.text("x s3cr3t-token y s3cr3t-token"),
            "x [REDACTED] y [REDACTED]"
        );
        // Too short to be redacted meaningfully.
        assert_eq!(r.text("ab"), "ab");
    }

    #[test]
    fn credential_headers_keep_only_the_scheme() {
        let r = Redactor::new(vec![]);
        let mut h = vec![
            Header {
                name: "Authorization".into(),
                value: "Bearer abc.def".into(),
            },
            Header {
                name: "cookie".into(),
                value: "sid=1".into(),
            },
        ];
        r.headers(&mut h);
        assert_eq!(h[0].value, "Bearer [REDACTED]");
        assert_eq!(h[1].value, "[REDACTED]");
    }
}
