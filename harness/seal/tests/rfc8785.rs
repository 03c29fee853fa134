//! The test vectors of RFC 8785: the sample object of §3.2.2, the UTF-16 key
//! sorting example of §3.2.3 and the number serialisation table of Appendix B.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use konform_seal::canonical::{canonical_string, es_number};
use serde_json::Value;

#[test]
fn sample_object_of_section_3_2_2() {
    let input = r#"{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }"#;
    let mut value: Value = serde_json::from_str(input).expect("json");
    // Put in the correctly rounded double explicitly, so the test does not
    // depend on serde_json's `float_roundtrip` feature being on.
    let exact: f64 = "333333333.33333329".parse().expect("f64");
    value["numbers"][0] = serde_json::Number::from_f64(exact).expect("finite").into();
    let expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"\u{20ac}$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
    assert_eq!(canonical_string(&value).expect("canonical"), expected);
}

#[test]
fn utf16_key_sorting_of_section_3_2_3() {
    let input = r#"{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }"#;
    let value: Value = serde_json::from_str(input).expect("json");
    let canonical = canonical_string(&value).expect("canonical");
    let back: serde_json::Map<String, Value> = serde_json::from_str(&canonical).expect("reparse");
    let order: Vec<&str> = back.values().filter_map(Value::as_str).collect();
    assert_eq!(
        order,
        [
            "Carriage Return",
            "One",
            "Control",
            "Latin Small Letter O With Diaeresis",
            "Euro Sign",
            "Emoji: Grinning Face",
            "Hebrew Letter Dalet With Dagesh",
        ]
    );
    // U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16 although
    // it is after it in code points: the byte order would be wrong here.
    assert!(canonical.find('\u{1F600}') < canonical.find('\u{FB33}'));
}

#[test]
fn number_table_of_appendix_b() {
    let table: &[(u64, &str)] = &[
        (0x0000000000000000, "0"),
        (0x8000000000000000, "0"),
        (0x0000000000000001, "5e-324"),
        (0x8000000000000001, "-5e-324"),
        (0x7fefffffffffffff, "1.7976931348623157e+308"),
        (0xffefffffffffffff, "-1.7976931348623157e+308"),
        (0x4340000000000000, "9007199254740992"),
        (0xc340000000000000, "-9007199254740992"),
        (0x4430000000000000, "295147905179352830000"),
        (0x44b52d02c7e14af5, "9.999999999999997e+22"),
        (0x44b52d02c7e14af6, "1e+23"),
        (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
        (0x444b1ae4d6e2ef4e, "999999999999999700000"),
        (0x444b1ae4d6e2ef4f, "999999999999999900000"),
        (0x444b1ae4d6e2ef50, "1e+21"),
        (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
        (0x3eb0c6f7a0b5ed8d, "0.000001"),
        (0x41b3de4355555553, "333333333.3333332"),
        (0x41b3de4355555554, "333333333.33333325"),
        (0x41b3de4355555555, "333333333.3333333"),
        (0x41b3de4355555556, "333333333.3333334"),
        (0x41b3de4355555557, "333333333.33333343"),
        (0xbecbf647612f3696, "-0.0000033333333333333333"),
        (0x43143ff3c1cb0959, "1424953923781206.2"),
    ];
    for (bits, expected) in table {
        let f = f64::from_bits(*bits);
        assert_eq!(es_number(f).as_deref(), Ok(*expected), "bits {bits:016x}");
        // The same through a JSON value (as a double).
        if let Some(n) = serde_json::Number::from_f64(f) {
            let s = canonical_string(&Value::Number(n)).expect("canonical");
            assert_eq!(s, *expected, "value of bits {bits:016x}");
        }
    }
    assert!(
        es_number(f64::from_bits(0x7fffffffffffffff)).is_err(),
        "NaN"
    );
    assert!(
        es_number(f64::from_bits(0x7ff0000000000000)).is_err(),
        "Infinity"
    );
}

#[test]
fn string_escapes_are_those_of_ecmascript() {
    let value = Value::String("\u{1}\u{1f}\u{7f}\u{2028}</>\u{8}\u{c}".into());
    assert_eq!(
        canonical_string(&value).expect("canonical"),
        "\"\\u0001\\u001f\u{7f}\u{2028}</>\\b\\f\""
    );
}
