//! RFC 8785 JSON Canonicalization Scheme (JCS) for `serde_json::Value`.
//!
//! - Object members are sorted by the UTF-16 code units of their names
//!   (§3.2.3), recursively; arrays keep their order.
//! - Strings are escaped as ECMAScript `JSON.stringify` does (§3.2.2.2):
//!   `\b \t \n \f \r \" \\` in short form, other controls below U+0020 as
//!   `\u00xx` (lower-case hex), everything else literally as UTF-8.
//! - Numbers are IEEE 754 doubles printed as ECMAScript
//!   `Number.prototype.toString` does (§3.2.2.3). The shortest round-trip
//!   digits come from Rust's own float formatting (`{:e}`, shortest repr);
//!   only the ES layout rules are applied here. Integers whose magnitude is
//!   at most 2^53 are printed as they are (identical to the ES result);
//!   larger ones go through `f64`, exactly as any JCS implementation does,
//!   so they may lose precision — a limitation of JCS (I-JSON numbers).
//!
//! Ties (a double exactly halfway between two shortest decimals, e.g.
//! `1424953923781206.25`) take the even last digit, as the RFC's table does.
//!
//! The canonical form is only as exact as the parsed `Value`. The
//! workspace's serde_json parses floats exactly (its `float_roundtrip`
//! feature is on through jsonschema); were it off, a long decimal fraction
//! could parse to a neighbouring double. Signer and verifier here use the
//! same parser, so seals agree either way (reports hold almost no floats:
//! durations and sizes are integers). `tests/jcs_differential.rs` compares
//! the output with an independent implementation on generated values.
//!
//! Written here rather than taken from `serde_jcs`, which has seen no
//! release in years and formats numbers through `ryu` without the ES
//! exponent rules (e.g. `1e21`, `1e-7`).

use std::fmt::Write as _;

use serde_json::{Number, Value};

/// A value that has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    #[error("number {0} is not finite; JSON cannot carry it")]
    NotFinite(String),
}

/// The canonical bytes of `value`.
pub fn canonicalize(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out.into_bytes())
}

/// The canonical form of `value` as a string.
pub fn canonical_string(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out)?,
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => write_object(map, &[], out)?,
    }
    Ok(())
}

/// Writes an object, leaving out the members named in `skip`.
fn write_object(
    map: &serde_json::Map<String, Value>,
    skip: &[&str],
    out: &mut String,
) -> Result<(), CanonicalError> {
    let mut members: Vec<(&String, &Value)> = map
        .iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .collect();
    members.sort_by(|a, b| utf16_cmp(a.0, b.0));
    out.push('{');
    for (i, (name, item)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(name, out);
        out.push(':');
        write_value(item, out)?;
    }
    out.push('}');
    Ok(())
}

/// Orders names by their UTF-16 code units. UTF-8 byte order is code point
/// order, which agrees with UTF-16 order unless a character at or above
/// U+E000 is involved (surrogates sort below U+E000..U+FFFF), so plain byte
/// comparison is used when both names are below that.
fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    // UTF-8 lead byte 0xEE starts U+E000; anything from there up may differ.
    let simple = |s: &str| s.bytes().all(|c| c < 0xEE);
    if simple(a) && simple(b) {
        a.as_bytes().cmp(b.as_bytes())
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// The canonical bytes of an object without the named top-level members
/// (used for a report without its envelope, without copying it).
pub fn canonicalize_without(value: &Value, skip: &[&str]) -> Result<Vec<u8>, CanonicalError> {
    let mut out = String::new();
    match value {
        Value::Object(map) => write_object(map, skip, &mut out)?,
        other => write_value(other, &mut out)?,
    }
    Ok(out.into_bytes())
}

/// 2^53: every integer up to this magnitude is exact as a double.
const EXACT: u64 = 1 << 53;

fn write_number(n: &Number, out: &mut String) -> Result<(), CanonicalError> {
    if let Some(u) = n.as_u64()
        && u <= EXACT
    {
        let _ = write!(out, "{u}");
        return Ok(());
    }
    if let Some(i) = n.as_i64()
        && i.unsigned_abs() <= EXACT
    {
        let _ = write!(out, "{i}");
        return Ok(());
    }
    let f = n
        .as_f64()
        .ok_or_else(|| CanonicalError::NotFinite(n.to_string()))?;
    out.push_str(&es_number(f)?);
    Ok(())
}

/// ECMAScript `Number.prototype.toString(10)` of a finite double (ECMA-262
/// §6.1.6.1.20), `-0` printed as `0`.
pub fn es_number(f: f64) -> Result<String, CanonicalError> {
    if !f.is_finite() {
        return Err(CanonicalError::NotFinite(f.to_string()));
    }
    if f == 0.0 {
        return Ok("0".into());
    }
    let mut out = String::new();
    if f < 0.0 {
        out.push('-');
    }
    // Shortest round-trip digits: "d.ddddde±x" → digits "dddddd", n = x + 1.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits = break_tie(f.abs(), digits);
    let k = digits.len() as i32;
    let n = exp + 1;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n - 1 < 0 { '-' } else { '+' });
        let _ = write!(out, "{}", (n - 1).abs());
    }
    Ok(out)
}

/// When `v` lies exactly halfway between the shortest decimal `digits` and
/// its neighbour in the last place, picks the one with the even last digit.
fn break_tie(v: f64, digits: String) -> String {
    let k = digits.len();
    // Exact decimal expansion (a double has at most 767 significant digits).
    let exact = format!("{:.800e}", v);
    let mantissa = exact.split_once('e').map_or(exact.as_str(), |(m, _)| m);
    let exact_digits: Vec<u8> = mantissa.bytes().filter(|b| *b != b'.').collect();
    let is_tie =
        exact_digits.get(k) == Some(&b'5') && exact_digits[k + 1..].iter().all(|d| *d == b'0');
    let last = digits.as_bytes()[k - 1];
    if !is_tie || (last - b'0').is_multiple_of(2) {
        return digits;
    }
    // The other candidate differs by one in the last place; keep it only if
    // it is the truncation (lower) or the rounding up, whichever is even.
    let lower = &exact_digits[..k];
    let candidate: String = if lower == digits.as_bytes() {
        match increment(lower) {
            Some(up) => up,
            None => return digits,
        }
    } else {
        String::from_utf8_lossy(lower).into_owned()
    };
    let (_, exp) = exact.split_once('e').unwrap_or(("", "0"));
    let reparsed = format!("{}.{}e{}", &candidate[..1], &candidate[1..], exp).parse::<f64>();
    if candidate.len() == k && reparsed == Ok(v) {
        candidate
    } else {
        digits
    }
}

/// Decimal digits plus one in the last place, `None` on carry out.
fn increment(digits: &[u8]) -> Option<String> {
    let mut out = digits.to_vec();
    for d in out.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return String::from_utf8(out).ok();
        }
    }
    None
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    // Fast path: copy runs that need no escaping in one go.
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.push_str(&s[start..i]);
        push_escaped(b as char, out);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Escapes one ASCII character that JSON requires escaped.
fn push_escaped(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{8}' => out.push_str("\\b"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\u{c}' => out.push_str("\\f"),
        '\r' => out.push_str("\\r"),
        c => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_and_small_integers() {
        assert_eq!(es_number(-0.0).as_deref(), Ok("0"));
        assert_eq!(es_number(-1.0).as_deref(), Ok("-1"));
        assert_eq!(es_number(0.5).as_deref(), Ok("0.5"));
        assert!(es_number(f64::NAN).is_err());
        assert!(es_number(f64::INFINITY).is_err());
    }

    #[test]
    fn large_integers_go_through_double() {
        let v: Value = serde_json::from_str("18446744073709551615").expect("json");
        assert_eq!(canonical_string(&v).as_deref(), Ok("18446744073709552000"));
        let v: Value = serde_json::from_str("-9007199254740993").expect("json");
        assert_eq!(canonical_string(&v).as_deref(), Ok("-9007199254740992"));
    }
}
