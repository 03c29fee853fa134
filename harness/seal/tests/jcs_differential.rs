//! Differential property test: our RFC 8785 canonicaliser against an
//! independent implementation, `serde_json_canonicalizer` (numbers through
//! `ryu-js`, the ECMAScript `Number.prototype.toString` port). Both are fed
//! the same arbitrary `serde_json::Value` — nested objects with unicode
//! member names (controls, quotes, backslashes, characters at and above
//! U+E000 where UTF-16 order departs from code point order, astral
//! characters), strings with every escape, integers of every size and
//! doubles of every magnitude including -0 — and must write the same bytes.
//!
//! A seal is only worth something if a verifier with another JCS
//! implementation computes the same bytes; the RFC's own vectors
//! (`rfc8785.rs`) cover a few dozen values, this covers the corners between
//! them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use konform_seal::canonical::canonicalize;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Characters where canonicalisers go wrong, mixed with arbitrary ones.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        2 => any::<char>(),
        1 => prop::char::range('\0', '\u{7f}'),
        2 => prop::sample::select(vec![
            '\0', '\u{1}', '\u{8}', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1f}', ' ', '"',
            '\\', '/', '\u{7f}', '\u{80}', '\u{ff}', '\u{2028}', '\u{2029}', '\u{20ac}',
            '\u{d7ff}', '\u{e000}', '\u{fb33}', '\u{fffd}', '\u{ffff}', '\u{10000}',
            '\u{1f600}', '\u{10ffff}', 'a', 'A', '1',
        ]),
    ]
}

fn tricky_string() -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..8).prop_map(|cs| cs.into_iter().collect())
}

/// Finite doubles: any bit pattern, decimal-looking values across the whole
/// exponent range (where the ES layout switches between plain and
/// exponential form at 1e21 and 1e-7), integral values and -0.
fn double() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        (-999_999_999i64..=999_999_999, -330i32..=310)
            .prop_map(|(m, e)| format!("{m}e{e}").parse::<f64>().unwrap()),
        (1i64..=99, -9i32..=24).prop_map(|(m, e)| format!("{m}e{e}").parse::<f64>().unwrap()),
        any::<i64>().prop_map(|i| i as f64),
        Just(-0.0),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
        Just(f64::MAX),
        Just(9007199254740992.0),
        // Exactly halfway between 1424953923781206.2 and …206.3 (RFC 8785 Appendix B).
        Just("1424953923781206.25").prop_map(|s| s.parse::<f64>().unwrap()),
    ]
    .prop_filter("JSON has no NaN or infinities", |f| f.is_finite())
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-(1i64 << 54)..=(1i64 << 54)).prop_map(Value::from),
        double().prop_map(|f| Value::Number(Number::from_f64(f).unwrap())),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        3 => number(),
        3 => tricky_string().prop_map(Value::String),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((tricky_string(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn agree(value: &Value) -> Result<(), TestCaseError> {
    let ours = canonicalize(value).expect("finite values have a canonical form");
    let theirs = serde_json_canonicalizer::to_vec(value).expect("reference canonical form");
    prop_assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs),
        "canonical forms differ for {:?}",
        value
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn canonical_form_agrees_with_serde_json_canonicalizer(v in value()) {
        agree(&v)?;
    }

    #[test]
    fn every_double_agrees(f in double()) {
        agree(&Value::Number(Number::from_f64(f).unwrap()))?;
    }

    #[test]
    fn every_integer_agrees(i in any::<i64>(), u in any::<u64>()) {
        agree(&Value::from(i))?;
        agree(&Value::from(u))?;
    }
}
