//! Redaction of evidence before it leaves the runner. Credential headers are
//! replaced wholesale (keeping the scheme, e.g. `Bearer`) by a keyed hash
//! `[secret:…]`; so is every known secret (environment secrets and tokens
//! obtained during the run) wherever it appears and in whatever encoding
//! (`text.rs`). Personal data is what the interface contract marks
//! `x-personal-data` and what the suite lists under `personal_data:`: in JSON
//! every value under such a member is replaced by its structure (`json.rs`:
//! escapes, numbers, short values and cut bodies included), and every value
//! found that way or known from the fixtures is replaced wherever else it
//! appears (URL, header, reason, assertion). A personal value becomes
//! `[personal:…]`, its encryption under the run's redaction key (`key.rs`):
//! equal values stay equal, and whoever holds the key can reveal them to
//! re-judge the verdicts. Nothing downstream (events, terminal, report) sees
//! an unredacted exchange.

mod json;
mod key;
mod text;

use std::collections::HashSet;

use konform_model::report::{AssertionOutcome, BodyEvidence, CaseResult, Header};
use serde_json::Value;

pub use key::{KeyFileError, Leaf, RedactionKey, holds_token, is_token, token_spans};

/// Header names whose values are always credentials.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
];

/// Values shorter than this are not replaced in free text: they would shred
/// the evidence without protecting anything. (Under a personal member, and
/// as a whole asserted value, every value is redacted, however short.)
const MIN_LEN: usize = 3;

/// What counts as personal data in a run: the member names the contract
/// and the suite mark, and the values known up front — every fixture value
/// that sits under such a member or whose fixture name contains one
/// (`person_familienname`), so a value is redacted even where it appears
/// outside its member (in a reason, or as a bare JSON string in a
/// malformed-input case).
#[derive(Debug, Clone, Default)]
pub struct PersonalData {
    pub fields: HashSet<String>,
    pub known_values: Vec<Leaf>,
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

/// Leaves under personal members (or everywhere, when `inside`).
fn collect(v: &Value, fields: &HashSet<String>, inside: bool, into: &mut Vec<Leaf>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect(i, fields, inside, into)),
        Value::Object(map) => {
            for (k, v) in map {
                collect(v, fields, inside || fields.contains(k), into);
            }
        }
        other => into.extend(leaf_of(other).filter(|_| inside)),
    }
}

fn leaf_of(v: &Value) -> Option<Leaf> {
    match v {
        Value::String(s) => Some(Leaf::Str(s.clone())),
        Value::Number(n) => Some(Leaf::Literal(n.to_string())),
        Value::Bool(b) => Some(Leaf::Literal(b.to_string())),
        _ => None,
    }
}

pub struct Redactor<'a> {
    secrets: Vec<String>,
    personal: &'a PersonalData,
    key: &'a RedactionKey,
}

/// What one case's redaction replaces.
struct CaseRedaction {
    text: text::Replacer,
    /// Every personal leaf known in the case, however short: a whole
    /// asserted value equal to one is redacted.
    exact: HashSet<Leaf>,
}

impl<'a> Redactor<'a> {
    pub fn new(secrets: Vec<String>, personal: &'a PersonalData, key: &'a RedactionKey) -> Self {
        Self {
            secrets: secrets.into_iter().filter(|s| s.len() >= MIN_LEN).collect(),
            personal,
            key,
        }
    }

    fn prepare(&self, result: &CaseResult) -> CaseRedaction {
        let mut leaves: Vec<Leaf> = self.personal.known_values.clone();
        if !self.personal.fields.is_empty() {
            for step in &result.steps {
                let bodies = [
                    step.request.body.as_ref(),
                    step.response.as_ref().and_then(|r| r.body.as_ref()),
                ];
                for body in bodies.into_iter().flatten() {
                    if json::looks_like_json(&body.text) {
                        leaves.extend(json::personal_leaves(&body.text, &self.personal.fields));
                    }
                }
            }
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        for s in &self.secrets {
            let token = self.key.secret_token(s);
            pairs.extend(
                text::secret_forms(s)
                    .into_iter()
                    .map(|f| (f, token.clone())),
            );
        }
        let exact: HashSet<Leaf> = leaves.into_iter().collect();
        for leaf in &exact {
            // A number is recognisable only as a whole value, not in text.
            if matches!(leaf, Leaf::Str(s) if s.chars().count() >= MIN_LEN) {
                let token = self.key.personal_token(leaf);
                pairs.extend(
                    text::personal_forms(leaf.text())
                        .into_iter()
                        .map(|f| (f, token.clone())),
                );
            }
        }
        pairs.retain(|(f, _)| f.chars().count() >= MIN_LEN);
        // Secrets first: a secret that equals a personal value stays a secret.
        let mut seen = HashSet::new();
        pairs.retain(|(f, _)| seen.insert(f.clone()));
        CaseRedaction {
            text: text::Replacer::new(pairs),
            exact,
        }
    }

    fn body(&self, r: &CaseRedaction, body: &mut Option<BodyEvidence>) {
        if let Some(b) = body {
            // Known values first, on the text as received (a target cannot
            // shield a secret inside something that looks like a token);
            // then the structure, which leaves the tokens already written.
            let replaced = r.text.apply(&b.text);
            let redacted = if json::looks_like_json(&replaced) && !self.personal.fields.is_empty() {
                json::walk(&replaced, &self.personal.fields, &mut |leaf| {
                    Some(self.key.personal_token(&leaf))
                })
            } else {
                replaced.clone()
            };
            // A digest only where revealing gives back the JSON received
            // (text forms such as percent-encoding, and secrets, do not).
            if redacted != b.text
                && !b.truncated
                && let Ok(received) = serde_json::from_str::<Value>(&b.text)
                && serde_json::from_str::<Value>(&self.key.reveal(&redacted, true).0).ok()
                    == Some(received.clone())
            {
                b.digest = self.key.body_digest(&received);
            }
            b.text = redacted;
        }
    }

    fn headers(&self, r: &CaseRedaction, headers: &mut [Header]) {
        for h in headers {
            if CREDENTIAL_HEADERS.contains(&h.name.to_ascii_lowercase().as_str()) {
                let token = self.key.secret_token(&h.value);
                h.value = match h.value.split_once(' ') {
                    // Keep the scheme ("Bearer"): it is evidence, not a secret.
                    Some((scheme, _)) if h.name.eq_ignore_ascii_case("authorization") => {
                        format!("{scheme} {token}")
                    }
                    _ => token,
                };
            } else {
                h.value = r.text.apply(&h.value);
            }
        }
    }

    /// A JSON value of an assertion: personal members by structure, a
    /// whole value equal to a known personal value, known values in text.
    fn value(&self, r: &CaseRedaction, v: &mut Value, inside: bool, status: bool) {
        match v {
            Value::Array(items) => items
                .iter_mut()
                .for_each(|i| self.value(r, i, inside, status)),
            Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    let inside = inside || self.personal.fields.contains(k);
                    self.value(r, child, inside, status);
                }
            }
            Value::Null => {}
            Value::String(s) if is_token(s) => {}
            other => {
                let Some(leaf) = leaf_of(other) else { return };
                // A status code is never personal, even if an amount equals it.
                let known =
                    r.exact.contains(&leaf) && !(status && matches!(leaf, Leaf::Literal(_)));
                if inside || known {
                    *other = Value::String(self.key.personal_token(&leaf));
                } else if let Value::String(s) = other {
                    *s = r.text.apply(s);
                }
            }
        }
    }

    fn assertion(&self, r: &CaseRedaction, a: &mut AssertionOutcome) {
        a.check = r.text.apply(&a.check);
        if let Some(m) = &a.message {
            a.message = Some(r.text.apply(m));
        }
        let status = a.check == crate::checks::STATUS_CHECK;
        for v in [&mut a.expected, &mut a.received].into_iter().flatten() {
            self.value(r, v, false, status);
        }
    }

    /// Redacts a case result in place.
    pub fn case(&self, result: &mut CaseResult) {
        let r = self.prepare(result);
        if let Some(reason) = &result.reason {
            result.reason = Some(r.text.apply(reason));
        }
        for step in &mut result.steps {
            step.request.url = r.text.apply(&step.request.url);
            self.headers(&r, &mut step.request.headers);
            self.body(&r, &mut step.request.body);
            if let Some(resp) = &mut step.response {
                self.headers(&r, &mut resp.headers);
                self.body(&r, &mut resp.body);
            }
            if let Some(e) = &step.error {
                step.error = Some(r.text.apply(e));
            }
            for a in &mut step.assertions {
                self.assertion(&r, a);
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
            crawl: None,
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
                        digest: None,
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
    fn secrets_and_personal_data_become_equal_tokens() {
        let personal = PersonalData::new(&["familienname".to_string()], []);
        let key = RedactionKey::from_bytes([7; 32]);
        let r = Redactor::new(vec!["s3cr3t-token".into(), "ab".into()], &personal, &key);
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
        let token = key.personal_token(&Leaf::Str("Mustermann".into()));
        assert_eq!(
            text.matches(&token).count(),
            3,
            "equal values, equal tokens: {text}"
        );
        let step = &result.steps[0];
        assert!(step.request.headers[0].value.starts_with("Bearer [secret:"));
        let body = &step.request.body.as_ref().unwrap().text;
        assert!(serde_json::from_str::<Value>(body).is_ok());
        let (revealed, closed) = key.reveal(body, true);
        assert_eq!(closed, 0);
        assert!(
            revealed.contains(r#""familienname":"Mustermann""#),
            "{revealed}"
        );
    }

    #[test]
    fn what_text_matching_missed_is_redacted() {
        let personal = PersonalData::new(
            &[
                "familienname".to_string(),
                "geschlecht".into(),
                "einkommen".into(),
            ],
            [],
        );
        let key = RedactionKey::from_bytes([1; 32]);
        let r = Redactor::new(vec!["client:p4ss".into()], &personal, &key);
        // Escapes, a number, a one-letter value, a body cut inside a value,
        // and a secret echoed as a Basic credential and URL-encoded.
        let mut result = result_with(
            r#"{"familienname":"Wei\u00df","geschlecht":"w","einkommen":41000,"x":"Basic Y2xpZW50OnA0c3M= client%3Ap4ss","kind":{"familienname":"Zimmerm"#,
            "no reason",
        );
        result.steps[0].assertions.push(AssertionOutcome {
            check: "body /geschlecht equals".into(),
            passed: false,
            expected: Some(Value::String("m".into())),
            received: Some(Value::String("w".into())),
            message: None,
            requirements: vec![],
        });
        result.steps[0].assertions.push(AssertionOutcome {
            check: crate::checks::STATUS_CHECK.into(),
            passed: true,
            expected: Some(serde_json::json!([201])),
            received: Some(serde_json::json!(201)),
            message: None,
            requirements: vec![],
        });
        r.case(&mut result);
        let text = serde_json::to_string(&result).unwrap();
        for leak in [
            "Wei",
            "u00df",
            "41000",
            "Zimmerm",
            "Y2xpZW50OnA0c3M",
            "p4ss",
            r#""w""#,
        ] {
            assert!(!text.contains(leak), "{leak} leaked: {text}");
        }
        assert!(text.contains(r#""received":201"#), "a status stays: {text}");
        assert!(
            text.contains(r#""expected":"m""#),
            "an unknown value stays: {text}"
        );
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
        assert_eq!(
            p.known_values,
            vec![Leaf::Str("Mustermann".into()), Leaf::Str("Gabler".into())]
        );
    }

    #[test]
    fn another_key_gives_another_token() {
        let a = RedactionKey::from_bytes([1; 32]).secret_token("x");
        let b = RedactionKey::from_bytes([2; 32]).secret_token("x");
        assert_ne!(a, b);
    }
}
