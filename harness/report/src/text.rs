//! Text a target (or a report file, or a signature header) controls, made
//! safe to show. A target chooses problem titles and details, header values,
//! bodies and, through its service description, parts of its identity; a
//! report file or a JWS `kid` chooses the names `report verify` and `matrix`
//! print. Shown raw, such text could drive the reader's terminal (ESC and
//! CSI/OSC sequences: clear the screen, write the clipboard with OSC 52, hide
//! a link behind OSC 8), reorder what is read (Unicode bidi controls), or
//! start a new line in a CI log that the CI executes as a command
//! (`::error …` in GitHub Actions, `##vso[…]` in Azure Pipelines).
//!
//! [`for_terminal`] shows every such character as a visible escape instead,
//! so one value is always one line: line breaks and tabs as `\n`, `\r`,
//! `\t`, ESC as `\e`, every other C0 control, DEL and C1 control (U+0080 to
//! U+009F), every bidi control (U+061C, U+200E, U+200F, U+202A to U+202E,
//! U+2066 to U+2069) and the Unicode line and paragraph separators (U+2028,
//! U+2029) as `\u{…}`. Azure Pipelines runs `##vso[` wherever it occurs in
//! a line, so that one string is also broken, into `##vso\[`. Backslashes
//! are left alone: the result is for reading, not for parsing back. [`for_display`] does the same but keeps tabs and
//! line breaks, for renderers that show multi-line evidence in their own
//! markup (HTML `<pre>`), where a line break cannot become a command.
//!
//! Every printer applies it to the value before adding its own markup or
//! ANSI colours, so konform's own escape sequences are never escaped.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal, a log or a rendered page raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Unicode bidirectional formatting characters (embeddings, overrides,
/// isolates and the implicit marks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// `text` as one line that cannot control a terminal or a CI log: see the
/// module documentation. Borrows when there is nothing to escape.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Like [`for_terminal`], but tabs and line breaks (`\n`, `\r`) are kept.
pub fn for_display(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// The prefix of an Azure Pipelines logging command (matched without regard
/// to case).
const VSO: &str = "##vso[";

fn has_vso(text: &str) -> bool {
    text.as_bytes()
        .windows(VSO.len())
        .any(|w| w.eq_ignore_ascii_case(VSO.as_bytes()))
}

fn escape(text: &str, keep_layout: bool) -> Cow<'_, str> {
    let keep = |c: char| keep_layout && matches!(c, '\n' | '\r' | '\t');
    if !text.chars().any(|c| is_unsafe(c) && !keep(c)) && !has_vso(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if keep(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            '[' if out.len() >= VSO.len() - 1
                && out.as_bytes()[out.len() - (VSO.len() - 1)..]
                    .eq_ignore_ascii_case(&VSO.as_bytes()[..VSO.len() - 1]) =>
            {
                out.push_str("\\[");
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let text = "status: expected 200, received 500 (Grüße — ok)";
        assert!(matches!(for_terminal(text), Cow::Borrowed(t) if t == text));
        assert!(matches!(for_display(text), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(
            for_terminal("a\u{1b}]52;c;SGVsbG8=\u{7}b"),
            "a\\e]52;c;SGVsbG8=\\u{7}b"
        );
        assert_eq!(for_terminal("\u{1b}[2J"), "\\e[2J");
        assert_eq!(
            for_terminal("\u{1b}]8;;http://x.invalid\u{1b}\\link\u{1b}]8;;\u{1b}\\"),
            "\\e]8;;http://x.invalid\\e\\link\\e]8;;\\e\\"
        );
        // C1 controls: CSI and OSC as one character each, NEL.
        assert_eq!(
            for_terminal("\u{9b}2J\u{9d}52\u{85}"),
            "\\u{9b}2J\\u{9d}52\\u{85}"
        );
        assert_eq!(for_terminal("\0\u{7f}"), "\\u{0}\\u{7f}");
    }

    #[test]
    fn a_value_never_starts_a_log_line() {
        let text = "x\n::error file=x::pwned\r\n##vso[task.setvariable]y\u{2028}z\tw";
        let shown = for_terminal(text);
        assert_eq!(
            shown,
            "x\\n::error file=x::pwned\\r\\n##vso\\[task.setvariable]y\\u{2028}z\\tw"
        );
        assert_eq!(shown.lines().count(), 1);
        // Azure finds its prefix anywhere in a line.
        assert_eq!(
            for_terminal("a ##VSO[task.complete]"),
            "a ##VSO\\[task.complete]"
        );
        assert_eq!(for_display("##vso[x]\n"), "##vso\\[x]\n");
    }

    #[test]
    fn bidi_controls_become_visible() {
        assert_eq!(
            for_terminal("a\u{202E}b\u{2066}c\u{2069}\u{200E}\u{200F}\u{061C}"),
            "a\\u{202e}b\\u{2066}c\\u{2069}\\u{200e}\\u{200f}\\u{61c}"
        );
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2067}', '\u{2068}',
        ] {
            assert!(!for_terminal(&c.to_string()).contains(c));
        }
    }

    #[test]
    fn for_display_keeps_layout_only() {
        assert_eq!(
            for_display("a\n\tb\r\n\u{1b}[2J\u{202E}"),
            "a\n\tb\r\n\\e[2J\\u{202e}"
        );
    }

    #[test]
    fn nothing_unsafe_survives_any_char() {
        // Every code point below U+3000 (covers C0, C1, the bidi and the
        // separator blocks): the output has no unsafe character left.
        for cp in 0..0x3000u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let text = format!("<{c}>");
            let shown = for_terminal(&text);
            assert!(!shown.chars().any(is_unsafe), "U+{cp:04X}: {shown:?}");
        }
    }
}
