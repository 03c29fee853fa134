//! Redaction of personal members in JSON text, by its structure.
//!
//! A small lexer walks the text and knows, at every value, which member it
//! belongs to. Every string, number and boolean under a personal member (at
//! any depth) is handed to a callback, decoded (`\u00df` and `ß` are the same
//! value), and may be replaced by a quoted token; keys, punctuation and
//! whitespace are kept byte for byte. It never fails: a body cut at the
//! evidence limit, or one that is not JSON at all, is walked as far as it
//! goes, so a cut value is still redacted (today's text matching missed
//! escapes, numbers, short values and cut bodies).

use std::collections::HashSet;

use super::key::{Leaf, is_token};

enum Frame {
    Object {
        key: Option<String>,
        expect_key: bool,
        personal: bool,
    },
    Array {
        personal: bool,
    },
}

fn in_personal(stack: &[Frame], fields: &HashSet<String>) -> bool {
    match stack.last() {
        None => false,
        Some(Frame::Array { personal }) => *personal,
        Some(Frame::Object { key, personal, .. }) => {
            *personal || key.as_ref().is_some_and(|k| fields.contains(k))
        }
    }
}

/// Walks `text`; every personal leaf goes to `on_leaf`, whose `Some(token)`
/// replaces it. Returns the rewritten text.
pub fn walk(
    text: &str,
    fields: &HashSet<String>,
    on_leaf: &mut dyn FnMut(Leaf) -> Option<String>,
) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => {
                let personal = in_personal(&stack, fields);
                stack.push(if bytes[i] == b'{' {
                    Frame::Object {
                        key: None,
                        expect_key: true,
                        personal,
                    }
                } else {
                    Frame::Array { personal }
                });
                out.push(bytes[i] as char);
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                out.push(bytes[i] as char);
                i += 1;
            }
            b',' | b':' => {
                if let Some(Frame::Object {
                    key, expect_key, ..
                }) = stack.last_mut()
                {
                    *expect_key = bytes[i] == b',';
                    if *expect_key {
                        *key = None;
                    }
                }
                out.push(bytes[i] as char);
                i += 1;
            }
            b'"' => {
                let end = string_end(bytes, i);
                let raw = &text[i..end];
                let decoded = decode(raw);
                let personal = in_personal(&stack, fields);
                match stack.last_mut() {
                    Some(Frame::Object {
                        key,
                        expect_key: true,
                        ..
                    }) => {
                        *key = Some(decoded);
                        out.push_str(raw);
                    }
                    _ if personal && !is_token(&decoded) => match on_leaf(Leaf::Str(decoded)) {
                        Some(token) => {
                            out.push('"');
                            out.push_str(&token);
                            out.push('"');
                        }
                        None => out.push_str(raw),
                    },
                    _ => out.push_str(raw),
                }
                i = end;
            }
            b if b.is_ascii_alphanumeric() || b == b'-' || b == b'+' || b == b'.' => {
                let len = bytes[i..]
                    .iter()
                    .take_while(|b| {
                        b.is_ascii_alphanumeric() || **b == b'-' || **b == b'+' || **b == b'.'
                    })
                    .count();
                let literal = &text[i..i + len];
                let replaced = (literal != "null" && in_personal(&stack, fields))
                    .then(|| on_leaf(Leaf::Literal(literal.to_string())))
                    .flatten();
                match replaced {
                    Some(token) => {
                        out.push('"');
                        out.push_str(&token);
                        out.push('"');
                    }
                    None => out.push_str(literal),
                }
                i += len;
            }
            _ => {
                // Whitespace or anything else, copied whole (UTF-8 safe).
                let ch = text[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8().max(1);
            }
        }
    }
    out
}

/// Every personal leaf of `text`.
pub fn personal_leaves(text: &str, fields: &HashSet<String>) -> Vec<Leaf> {
    let mut leaves = Vec::new();
    walk(text, fields, &mut |leaf| {
        leaves.push(leaf);
        None
    });
    leaves
}

/// Whether a text should be walked as JSON at all.
pub fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// The index just past a string starting at `start` (its closing quote, or
/// the end of a cut text).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The value of a JSON string literal (quotes included, the closing one
/// possibly missing); malformed escapes are kept as written.
fn decode(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.clone().take(4).collect();
                let Ok(unit) = u16::from_str_radix(&hex, 16) else {
                    out.push_str("\\u");
                    continue;
                };
                chars.nth(3);
                if (0xD800..0xDC00).contains(&unit) {
                    let rest = chars.as_str();
                    if let Some(low) = rest
                        .strip_prefix("\\u")
                        .and_then(|r| r.get(..4))
                        .and_then(|h| u16::from_str_radix(h, 16).ok())
                        .filter(|l| (0xDC00..0xE000).contains(l))
                    {
                        chars.nth(5);
                        let code = 0x10000
                            + ((u32::from(unit) - 0xD800) << 10)
                            + (u32::from(low) - 0xDC00);
                        out.extend(char::from_u32(code));
                        continue;
                    }
                }
                out.push(char::from_u32(u32::from(unit)).unwrap_or('\u{fffd}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> HashSet<String> {
        ["familienname", "iban", "einkommen", "geschlecht", "kind"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn redact(text: &str) -> (String, Vec<Leaf>) {
        let mut seen = Vec::new();
        let out = walk(text, &fields(), &mut |leaf| {
            let token = format!("[personal:T{}]", seen.len());
            seen.push(leaf);
            Some(token)
        });
        (out, seen)
    }

    #[test]
    fn escapes_numbers_and_short_values_are_redacted() {
        let (out, seen) = redact(
            r#"{"familienname":"Stra\u00dfer\/x","einkommen":3200.5,"geschlecht":"w","ort":"Köln","n":1}"#,
        );
        assert_eq!(
            out,
            r#"{"familienname":"[personal:T0]","einkommen":"[personal:T1]","geschlecht":"[personal:T2]","ort":"Köln","n":1}"#
        );
        assert_eq!(
            seen,
            vec![
                Leaf::Str("Straßer/x".into()),
                Leaf::Literal("3200.5".into()),
                Leaf::Str("w".into())
            ]
        );
    }

    #[test]
    fn nested_members_and_arrays_under_a_personal_member() {
        let (out, seen) =
            redact(r#"[{"kind":{"vornamen":["Ida","Jo"],"geburt":null}},{"iban":"DE89"}]"#);
        assert_eq!(
            out,
            r#"[{"kind":{"vornamen":["[personal:T0]","[personal:T1]"],"geburt":null}},{"iban":"[personal:T2]"}]"#
        );
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn a_cut_body_is_redacted_as_far_as_it_goes() {
        let (out, seen) = redact(r#"{"a":"x","familienname":"Musterm"#);
        assert_eq!(out, r#"{"a":"x","familienname":"[personal:T0]""#);
        assert_eq!(seen, vec![Leaf::Str("Musterm".into())]);
        let (out, _) = redact(r#"{"einkommen":12"#);
        assert_eq!(out, r#"{"einkommen":"[personal:T0]""#);
    }

    #[test]
    fn keys_and_values_elsewhere_stay_and_garbage_does_not_panic() {
        let (out, seen) = redact(r#"{"familienname" : "A\ud83d\ude00", "x": "familienname"}"#);
        assert_eq!(
            out,
            r#"{"familienname" : "[personal:T0]", "x": "familienname"}"#
        );
        assert_eq!(seen, vec![Leaf::Str("A😀".into())]);
        for junk in [
            "\"",
            "{\"familienname\":\"\\",
            "{\"familienname\":\"\\u12",
            "ü{[}]\u{0}",
            "{:\"x\"}",
        ] {
            walk(junk, &fields(), &mut |_| Some("t".into()));
        }
    }
}
