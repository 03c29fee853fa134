//! Redaction of evidence before it leaves the runner. Credential headers are
//! replaced wholesale (keeping the scheme, e.g. `Bearer`); every known secret
//! (environment secrets and tokens obtained during the run) and every value
//! of a member the suite marks as personal data (`personal_data:` in
//! `suite.yaml`) is replaced wherever it appears — URL, header, body, reason,
//! assertion — by a salted hash such as `[personal:3f9a0c1b2d4e]`. Equal
//! values get equal hashes within a run, so evidence stays comparable, while
//! the salt is never written, so the values cannot be recovered by guessing.
//! Nothing downstream (events, terminal, report) sees an unredacted exchange.

use std::collections::HashSet;

use konform_model::report::{BodyEvidence, CaseResult, Header};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Header names whose values are always credentials.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
];

/// Values shorter than this are not replaced: they would shred the evidence
/// without protecting anything.
const MIN_LEN: usize = 3;

/// A random salt for one run.
pub fn new_salt() -> [u8; 16] {
    *uuid::Uuid::new_v4().as_bytes()
}

/// What counts as personal data in a run: the member names the suite marks,
/// and the values known up front — every fixture value that sits under such
/// a member or whose fixture name contains one (`person_familienname`), so a
/// value is redacted even where it appears outside its member (in a reason,
/// or as a bare JSON string in a malformed-input case).
#[derive(Debug, Clone, Default)]
pub struct PersonalData {
    pub fields: HashSet<String>,
    pub known_values: Vec<String>,
}

impl PersonalData {
    pub fn new<'f>(
        fields: impl IntoIterator<Item = &'f String>,
        fixtures: impl IntoIterator<Item = (&'f String, &'f Value)>,
    ) -> Self {
        let fields: HashSet<String> = fields.into_iter().cloned().collect();
        let mut known_values = Vec::new();
        for (name, value) in fixtures {
            let lower = name.to_ascii_lowercase();
            let named = fields
                .iter()
                .any(|f| lower.contains(&f.to_ascii_lowercase()));
            collect(value, &fields, named, &mut known_values);
        }
        Self {
            fields,
            known_values,
        }
    }
}

/// Strings under personal members (or everywhere, when `inside`).
fn collect(v: &Value, fields: &HashSet<String>, inside: bool, into: &mut Vec<String>) {
    match v {
        Value::String(s) if inside && s.chars().count() >= MIN_LEN => into.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| collect(i, fields, inside, into)),
        Value::Object(map) => {
            for (k, v) in map {
                collect(v, fields, inside || fields.contains(k), into);
            }
        }
        _ => {}
    }
}

pub struct Redactor<'a> {
    secrets: Vec<String>,
    personal: &'a PersonalData,
    salt: [u8; 16],
}

impl<'a> Redactor<'a> {
    pub fn new(secrets: Vec<String>, personal: &'a PersonalData, salt: [u8; 16]) -> Self {
        Self {
            secrets: secrets.into_iter().filter(|s| s.len() >= MIN_LEN).collect(),
            personal,
            salt,
        }
    }

    /// `[kind:hash]` for a value.
    fn token(&self, kind: &str, value: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.salt);
        h.update(value.as_bytes());
        let digest = hex::encode(h.finalize());
        format!("[{kind}:{}]", &digest[..12])
    }

    /// Collects the string values of personal-data members in a JSON text.
    fn personal_values(&self, text: &str, into: &mut Vec<String>) {
        if self.personal.fields.is_empty() {
            return;
        }
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            collect(&v, &self.personal.fields, false, into);
        }
    }

    /// Every (value, replacement) pair for one case, longest value first so
    /// a value that contains another is replaced whole.
    fn replacements(&self, result: &CaseResult) -> Vec<(String, String)> {
        let mut personal = self.personal.known_values.clone();
        for step in &result.steps {
            let bodies = [
                step.request.body.as_ref(),
                step.response.as_ref().and_then(|r| r.body.as_ref()),
            ];
            for body in bodies.into_iter().flatten() {
                self.personal_values(&body.text, &mut personal);
            }
        }
        let mut pairs: Vec<(String, String)> = self
            .secrets
            .iter()
            .map(|s| (s.clone(), self.token("secret", s)))
            .chain(personal.into_iter().map(|p| {
                let t = self.token("personal", &p);
                (p, t)
            }))
            .collect();
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        pairs.dedup_by(|a, b| a.0 == b.0);
        pairs
    }

    fn text(pairs: &[(String, String)], text: &str) -> String {
        let mut out = text.to_string();
        for (value, token) in pairs {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), token);
            }
        }
        out
    }

    fn headers(&self, pairs: &[(String, String)], headers: &mut [Header]) {
        for h in headers {
            if CREDENTIAL_HEADERS.contains(&h.name.to_ascii_lowercase().as_str()) {
                let token = self.token("secret", &h.value);
                h.value = match h.value.split_once(' ') {
                    // Keep the scheme ("Bearer"): it is evidence, not a secret.
                    Some((scheme, _)) if h.name.eq_ignore_ascii_case("authorization") => {
                        format!("{scheme} {token}")
                    }
                    _ => token,
                };
            } else {
                h.value = Self::text(pairs, &h.value);
            }
        }
    }

    /// Redacts a case result in place.
    pub fn case(&self, result: &mut CaseResult) {
        let pairs = self.replacements(result);
        let body = |b: &mut Option<BodyEvidence>| {
            if let Some(b) = b {
                b.text = Self::text(&pairs, &b.text);
            }
        };
        if let Some(reason) = &result.reason {
            result.reason = Some(Self::text(&pairs, reason));
        }
        for step in &mut result.steps {
            step.request.url = Self::text(&pairs, &step.request.url);
            self.headers(&pairs, &mut step.request.headers);
            body(&mut step.request.body);
            if let Some(resp) = &mut step.response {
                self.headers(&pairs, &mut resp.headers);
                body(&mut resp.body);
            }
            if let Some(e) = &step.error {
                step.error = Some(Self::text(&pairs, e));
            }
            for a in &mut step.assertions {
                a.check = Self::text(&pairs, &a.check);
                if let Some(m) = &a.message {
                    a.message = Some(Self::text(&pairs, m));
                }
                for v in [&mut a.expected, &mut a.received].into_iter().flatten() {
                    let text = serde_json::to_string(v).unwrap_or_default();
                    let redacted = Self::text(&pairs, &text);
                    if redacted != text {
                        *v = serde_json::from_str(&redacted).unwrap_or(Value::String(redacted));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use konform_model::report::{RequestEvidence, StepEvidence, Verdict};

    fn result_with(body: &str, reason: &str) -> CaseResult {
        CaseResult {
            id: "c".into(),
            title: "t".into(),
            class: "k".into(),
            requirements: vec![],
            verdict: Verdict::Fail,
            reason: Some(reason.into()),
            error_kind: None,
            failed_requirements: vec![],
            unverified_requirements: vec![],
            duration_ms: 0,
            steps: vec![StepEvidence {
                index: 0,
                name: None,
                role: None,
                not_evaluated: vec![],
                error_kind: None,
                request: RequestEvidence {
                    method: "POST".into(),
                    url: "http://h/x?token=s3cr3t-token".into(),
                    headers: vec![
                        Header {
                            name: "Authorization".into(),
                            value: "Bearer abc.def".into(),
                        },
                        Header {
                            name: "cookie".into(),
                            value: "sid=1".into(),
                        },
                    ],
                    body: Some(BodyEvidence {
                        size: 1,
                        truncated: false,
                        text: body.into(),
                    }),
                },
                response: None,
                duration_ms: 0,
                assertions: vec![],
                error: None,
            }],
        }
    }

    #[test]
    fn secrets_and_personal_data_become_equal_hashes() {
        let personal = PersonalData::new(&["familienname".to_string()], []);
        let r = Redactor::new(vec!["s3cr3t-token".into(), "ab".into()], &personal, [7; 16]);
        let mut result = result_with(
            r#"{"familienname":"Mustermann","ort":"Köln","kinder":[{"familienname":"Mustermann"}]}"#,
            "expected Mustermann, token s3cr3t-token",
        );
        r.case(&mut result);
        let text = serde_json::to_string(&result).unwrap();
        assert!(!text.contains("Mustermann"), "{text}");
        assert!(!text.contains("s3cr3t-token"), "{text}");
        assert!(!text.contains("abc.def"), "{text}");
        assert!(text.contains("Köln"), "only marked members are personal");
        let token = r.token("personal", "Mustermann");
        assert_eq!(
            text.matches(&token).count(),
            3,
            "equal values, equal hashes: {text}"
        );
        let step = &result.steps[0];
        assert!(step.request.headers[0].value.starts_with("Bearer [secret:"));
        assert!(serde_json::from_str::<Value>(&step.request.body.as_ref().unwrap().text).is_ok());
    }

    #[test]
    fn fixture_values_are_known_personal_data() {
        let fixtures: Vec<(String, Value)> = vec![
            (
                "person_familienname".into(),
                Value::String("Mustermann".into()),
            ),
            (
                "suchdaten".into(),
                serde_json::json!({"familienname": "Gabler", "plz": "51147"}),
            ),
            ("limit".into(), Value::String("100".into())),
        ];
        let p = PersonalData::new(
            &["familienname".to_string()],
            fixtures.iter().map(|(k, v)| (k, v)),
        );
        assert_eq!(p.known_values, vec!["Mustermann", "Gabler"]);
    }

    #[test]
    fn another_salt_gives_another_hash() {
        let none = PersonalData::default();
        let a = Redactor::new(vec![], &none, [1; 16]).token("secret", "x");
        let b = Redactor::new(vec![], &none, [2; 16]).token("secret", "x");
        assert_ne!(a, b);
    }
}
