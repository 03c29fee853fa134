//! Replacing known values in free text (URLs, headers, reasons, bodies that
//! are not JSON, and values outside personal members), in every form a value
//! takes on the way: as written, JSON-escaped, with non-ASCII as `\u` escapes,
//! percent-encoded, form-encoded, and — for secrets — base64 (standard and
//! URL-safe, with and without padding), which also covers a Basic credential
//! when the `user:password` pair is one of the secrets. One left-to-right pass
//! (leftmost-longest) over the text as received: a token it writes is never
//! looked at again, and text that merely looks like a token (a target can
//! send `[secret:…]`) shields nothing.

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// The forms in which a personal value may appear in text.
pub fn personal_forms(value: &str) -> Vec<String> {
    let mut forms = vec![value.to_string()];
    let escaped = serde_json::to_string(value).unwrap_or_default();
    forms.push(escaped[1..escaped.len().saturating_sub(1).max(1)].to_string());
    for upper in [false, true] {
        let mut ascii = String::with_capacity(value.len() * 2);
        for c in value.chars() {
            if c.is_ascii() {
                ascii.push(c);
                continue;
            }
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                ascii.push_str(&if upper {
                    format!("\\u{u:04X}")
                } else {
                    format!("\\u{u:04x}")
                });
            }
        }
        forms.push(ascii);
    }
    forms.push(value.replace('/', "\\/"));
    let percent = utf8_percent_encode(value, NON_ALPHANUMERIC).to_string();
    forms.push(percent.replace("%20", "+"));
    forms.push(url::form_urlencoded::byte_serialize(value.as_bytes()).collect());
    forms.push(percent);
    forms.sort();
    forms.dedup();
    forms.retain(|f| !f.is_empty());
    forms
}

/// The forms in which a secret may appear in text: the personal forms and
/// its base64 encodings.
pub fn secret_forms(value: &str) -> Vec<String> {
    let mut forms = personal_forms(value);
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        forms.push(engine.encode(value));
    }
    forms.sort();
    forms.dedup();
    forms
}

/// A set of (text, token) replacements, applied in one pass.
pub struct Replacer {
    matcher: Option<AhoCorasick>,
    tokens: Vec<String>,
}

impl Replacer {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        let (patterns, tokens): (Vec<String>, Vec<String>) = pairs.into_iter().unzip();
        let matcher = (!patterns.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        Self { matcher, tokens }
    }

    /// `text` with every known value replaced.
    pub fn apply(&self, text: &str) -> String {
        let Some(matcher) = &self.matcher else {
            return text.to_string();
        };
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for m in matcher.find_iter(text) {
            out.push_str(&text[last..m.start()]);
            out.push_str(&self.tokens[m.pattern().as_usize()]);
            last = m.end();
        }
        out.push_str(&text[last..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_value_is_replaced_even_inside_a_look_alike_token() {
        let mut pairs = Vec::new();
        for f in personal_forms("Weiß/Groß") {
            pairs.push((f, "[personal:W]".to_string()));
        }
        for f in secret_forms("id:s3cr3t") {
            pairs.push((f, "[secret:0a]".to_string()));
        }
        let r = Replacer::new(pairs);
        let text = concat!(
            "a Weiß/Groß b Wei\\u00DF/Gro\\u00DF c Wei%C3%9F%2FGro%C3%9F ",
            "d Basic aWQ6czNjcjN0 e aWQ6czNjcjN0 f id%3As3cr3t g [secret:id:s3cr3t]"
        );
        assert_eq!(
            r.apply(text),
            concat!(
                "a [personal:W] b [personal:W] c [personal:W] ",
                "d Basic [secret:0a] e [secret:0a] f [secret:0a] g [secret:[secret:0a]]"
            )
        );
    }
}
