//! Redaction of target-controlled evidence: any bytes as a response body
//! (and as a reason) go through the redactor. It must not panic, must leave
//! no secret in clear, and — where it recorded a digest — revealing with the
//! key must give back the JSON that was received (the redactor checks that
//! before it writes a digest; this keeps the two from drifting apart).
#![no_main]

use std::sync::OnceLock;

use konform_model::report::{
    BodyEvidence, CaseResult, RequestEvidence, ResponseEvidence, StepEvidence, Verdict,
};
use konform_runner::redact::{PersonalData, RedactionKey, Redactor};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const SECRET: &str = "s3cr3t-fuzz";

fn personal() -> &'static PersonalData {
    static P: OnceLock<PersonalData> = OnceLock::new();
    P.get_or_init(|| {
        let fields: Vec<String> = ["familienname", "iban", "einkommen", "geschlecht", "kind"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        PersonalData::new(&fields, [])
    })
}

fn case(text: &str) -> CaseResult {
    let body = BodyEvidence {
        size: text.len() as u64,
        truncated: false,
        text: text.to_string(),
        digest: None,
    };
    CaseResult {
        id: "c".into(),
        title: "t".into(),
        class: "k".into(),
        requirements: vec![],
        verdict: Verdict::Fail,
        reason: Some(text.to_string()),
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
                url: format!("http://h/x?token={SECRET}"),
                headers: vec![],
                body: Some(body.clone()),
            },
            response: Some(ResponseEvidence {
                status: 200,
                headers: vec![],
                body: Some(body),
            }),
            duration_ms: 0,
            assertions: vec![],
            error: None,
        }],
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let key = RedactionKey::from_bytes([9; 32]);
    let mut result = case(&text);
    Redactor::new(vec![SECRET.into()], personal(), &key).case(&mut result);
    let written = serde_json::to_string(&result).expect("serialises");
    assert!(!written.contains(SECRET), "a secret in clear: {written}");
    let body = result.steps[0].response.as_ref().and_then(|r| r.body.as_ref()).expect("body");
    if body.digest.is_some() {
        let original: Value = serde_json::from_str(&text).expect("a digest only for JSON");
        let (revealed, _) = key.reveal(&body.text, true);
        let revealed: Value = serde_json::from_str(&revealed).expect("revealed JSON parses");
        assert_eq!(revealed, original, "revealing gives back what was received");
    }
});
