//! Small helpers that keep secrets out of error messages: a short, single-line
//! excerpt of a response body with known secrets and token-looking JSON or
//! form values blanked out, and a flattened error source chain.

use std::error::Error;

const EXCERPT_CHARS: usize = 200;
const MASK: &str = "[REDACTED]";
const TOKEN_KEYS: [&str; 3] = ["access_token", "refresh_token", "id_token"];

/// At most [`EXCERPT_CHARS`] characters of `body`, on one line, with every
/// value in `secrets` and every token value replaced by `[REDACTED]`.
pub(crate) fn excerpt(body: &[u8], secrets: &[String]) -> String {
    let mut text = String::from_utf8_lossy(body).into_owned();
    for key in TOKEN_KEYS {
        text = mask_json_value(&text, key);
        text = mask_form_value(&text, key);
    }
    let mut sorted: Vec<&String> = secrets.iter().filter(|s| !s.is_empty()).collect();
    // Longer first, so a secret containing another is masked as a whole.
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for secret in sorted {
        text = text.replace(secret.as_str(), MASK);
    }
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = one_line.trim();
    if trimmed.is_empty() {
        return "(empty body)".to_string();
    }
    let mut out: String = trimmed.chars().take(EXCERPT_CHARS).collect();
    if trimmed.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

/// Replaces the string value after `"key"\s*:\s*` with the mask.
fn mask_json_value(text: &str, key: &str) -> String {
    let needle = format!("\"{key}\"");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(&needle) {
        let after_key = pos + needle.len();
        out.push_str(&rest[..after_key]);
        rest = &rest[after_key..];
        let ws = rest.len() - rest.trim_start().len();
        let after_ws = &rest[ws..];
        let Some(after_colon) = after_ws.strip_prefix(':') else {
            continue;
        };
        let ws2 = after_colon.len() - after_colon.trim_start().len();
        let value = &after_colon[ws2..];
        let Some(inner) = value.strip_prefix('"') else {
            continue;
        };
        out.push_str(&rest[..rest.len() - value.len()]);
        out.push('"');
        out.push_str(MASK);
        // Find the closing quote, skipping escapes; an unterminated value
        // masks the remainder.
        let mut end = None;
        let mut escaped = false;
        for (i, c) in inner.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        match end {
            Some(i) => {
                out.push('"');
                rest = &inner[i + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Replaces the value after `key=` (up to `&` or whitespace) with the mask.
fn mask_form_value(text: &str, key: &str) -> String {
    let needle = format!("{key}=");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(&needle) {
        let after = pos + needle.len();
        out.push_str(&rest[..after]);
        out.push_str(MASK);
        rest = &rest[after..];
        let end = rest
            .find(|c: char| c == '&' || c.is_whitespace())
            .unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `e` and all its sources joined with `: ` (repeated messages dropped).
pub(crate) fn error_chain(e: &(dyn Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let msg = s.to_string();
        if parts.last().is_none_or(|last| !last.contains(&msg)) {
            parts.push(msg);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_token_values_and_secrets() {
        let body = br#"{"access_token" : "abc\"def", "note": "client s3cret wrong", "refresh_token":"r1"}"#;
        let out = excerpt(body, &["s3cret".to_string()]);
        assert!(!out.contains("abc"), "{out}");
        assert!(!out.contains("def"), "{out}");
        assert!(!out.contains("s3cret"), "{out}");
        assert!(!out.contains("r1"), "{out}");
        assert!(out.contains("\"note\""), "{out}");
        assert!(out.contains(MASK), "{out}");
    }

    #[test]
    fn masks_form_encoded_tokens() {
        let out = excerpt(b"access_token=xyz&token_type=bearer", &[]);
        assert_eq!(out, "access_token=[REDACTED]&token_type=bearer");
    }

    #[test]
    fn unterminated_token_masks_the_rest() {
        let out = excerpt(br#"{"access_token":"secret-and-more"#, &[]);
        assert!(!out.contains("secret"), "{out}");
    }

    #[test]
    fn long_bodies_are_cut_and_flattened() {
        let body = format!("line1\nline2 {}", "x".repeat(500));
        let out = excerpt(body.as_bytes(), &[]);
        assert!(!out.contains('\n'));
        assert!(out.chars().count() <= EXCERPT_CHARS + 1);
        assert!(out.ends_with('…'));
        assert_eq!(excerpt(b"  ", &[]), "(empty body)");
    }
}
