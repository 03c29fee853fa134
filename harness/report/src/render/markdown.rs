//! Markdown that fits a CI job summary (GitHub-flavoured): a verdict line,
//! the class table, the failing cases with their requirement and reason,
//! and the counts. Every piece of report text is escaped, since job
//! summaries render inline HTML and a target controls much of the text.
//!
//! Escaping ([`esc`]): HTML and Markdown specials are escaped, line breaks
//! become spaces, control and bidi characters become visible escapes
//! ([`crate::text::for_terminal`]), and nothing a target wrote can become a
//! link. Links need `[`, `<` (both escaped) or GitHub's autolink extension,
//! which starts a link at the `:` of `scheme://`, at `www.` and at the `@`
//! of an e-mail address as they appear in the source. So `:` before `//`,
//! `@`, and the `.` of `www.` are written as the character references
//! `&#58;`, `&#64;` and `&#46;`: GitHub shows the same characters, but the
//! autolink extension never sees them (it triggers on the literal characters
//! of the source; a reference is parsed as an inline of its own). This holds
//! for the target's base URL too: it is shown, not linked.

use std::fmt::Write as _;

use konform_model::report::{ClassVerdict, DeviationStatus, OverallVerdict, Report, Verdict};

use super::{SignatureStatus, class_label, level_of, overall_label, shorten, suite_key};

/// At most this many failing cases are listed; the rest are counted.
const MAX_LISTED: usize = 100;
/// Reasons longer than this are cut.
const MAX_REASON: usize = 300;

/// Renders `report` as Markdown.
pub fn markdown(report: &Report) -> String {
    markdown_with(report, None)
}

/// Renders `report` as Markdown, with its seal and signature status.
pub fn markdown_with(report: &Report, signature: Option<&SignatureStatus>) -> String {
    let mut md = String::new();
    let icon = match report.verdict {
        OverallVerdict::Conformant => "✅",
        OverallVerdict::NotConformant => "❌",
        OverallVerdict::Incomplete => "⚠️",
    };
    let _ = writeln!(
        md,
        "## {icon} {}: {}\n",
        esc(&suite_key(report)),
        overall_label(report.verdict)
    );
    let id = &report.target.identity;
    let _ = writeln!(
        md,
        "{} against **{} {}** ({}, {}) at {}\n",
        esc(&report.suite.title),
        esc(&id.product),
        esc(&id.version),
        esc(&id.vendor),
        esc(&id.operator),
        esc(&report.target.base_url)
    );
    let s = &report.summary;
    let _ = writeln!(
        md,
        "**{} cases:** {} passed, {} failed, {} errors, {} skipped ({} ms)\n",
        s.cases, s.pass, s.fail, s.error, s.skip, report.run.duration_ms
    );
    if !report.run.complete {
        let why = report
            .run
            .incomplete_reason
            .as_deref()
            .unwrap_or("interrupted");
        let _ = writeln!(md, "> **The run did not complete:** {}\n", esc(why));
    }
    if report.target.tls_insecure {
        md.push_str("> **TLS certificate checks were switched off for this run.**\n\n");
    }
    if let Some(p) = &report.run.politeness {
        let _ = writeln!(md, "**Politeness:** {}\n", esc(&p.describe()));
    }
    if let Some(status) = signature {
        let icon = if status.verified { "🔏" } else { "⚠️" };
        let _ = writeln!(md, "> {icon} **Signature** {}\n", esc(&status.summary));
    }

    md.push_str("| Class | Verdict | Failed MUST | Unverified MUST | SHOULD warnings |\n");
    md.push_str("|---|---|---|---|---|\n");
    for c in &report.classes {
        let icon = match c.verdict {
            ClassVerdict::Conformant => "✅",
            ClassVerdict::NotConformant => "❌",
            ClassVerdict::Inconclusive => "⚠️",
            ClassVerdict::NotClaimed | ClassVerdict::NotSelected => "➖",
        };
        let _ = writeln!(
            md,
            "| `{}` {} | {icon} {} | {} | {} | {} |",
            code(&c.id),
            esc(&c.title),
            class_label(c.verdict),
            ids(&c.failed),
            ids(&c.unverified),
            ids(&c.warnings)
        );
    }
    md.push('\n');
    deviations(&mut md, report);

    let failing: Vec<_> = report
        .cases
        .iter()
        .filter(|c| matches!(c.verdict, Verdict::Fail | Verdict::Error))
        .collect();
    if failing.is_empty() {
        md.push_str("No case failed.\n");
        return md;
    }
    let _ = writeln!(md, "### Failing cases ({})\n", failing.len());
    md.push_str("| Case | Verdict | Breaks (fail) / unverified (error) | Reason |\n");
    md.push_str("|---|---|---|---|\n");
    for c in failing.iter().take(MAX_LISTED) {
        // A failure names what it broke; an error what it left unverified.
        let named = match c.verdict {
            Verdict::Fail => crate::judge::blamed(c),
            _ => c.unverified_requirements.clone(),
        };
        let reqs: Vec<String> = named
            .iter()
            .map(|r| format!("{} ({})", esc(r), level_of(report, r).unwrap_or("?")))
            .collect();
        let reason = match c.error_kind {
            Some(kind) => format!("{kind}: {}", c.reason.as_deref().unwrap_or("")),
            None => c.reason.clone().unwrap_or_default(),
        };
        let reason = match crate::deviations::excusing(report, c) {
            Some(d) => format!("known deviation ({}): {reason}", d.label()),
            None => reason,
        };
        let reason = reason.as_str();
        let _ = writeln!(
            md,
            "| `{}` {} | {} | {} | {} |",
            code(&c.id),
            esc(&c.title),
            c.verdict,
            reqs.join(", "),
            esc(&shorten(reason, MAX_REASON))
        );
    }
    if failing.len() > MAX_LISTED {
        let _ = writeln!(
            md,
            "\n…and {} more; see the full report.",
            failing.len() - MAX_LISTED
        );
    }
    md
}

/// The target file's known deviations and what the run found for each.
fn deviations(md: &mut String, report: &Report) {
    let list = &report.run.known_deviations;
    if list.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "### Known deviations ({})\n\nExpected failures listed in the target file; they never count as conformant.\n",
        list.len()
    );
    md.push_str("| Deviation | Status | Justification | Expires |\n");
    md.push_str("|---|---|---|---|\n");
    for d in list {
        let status = match d.status {
            DeviationStatus::StillFailing => "still failing",
            DeviationStatus::NowPassing => "⚠️ now passes: remove it",
            DeviationStatus::Expired => "⚠️ expired",
            DeviationStatus::Unknown => "not decided by this run",
        };
        let (kind, id) = match (&d.case, &d.requirement) {
            (Some(c), _) => ("case", c.as_str()),
            (None, Some(r)) => ("requirement", r.as_str()),
            (None, None) => ("", ""),
        };
        let _ = writeln!(
            md,
            "| {kind} `{}` | {status} | {} | {} |",
            code(id),
            esc(&shorten(&d.justification, MAX_REASON)),
            d.expires.as_deref().map(esc).unwrap_or_else(|| "–".into())
        );
    }
    md.push('\n');
}

/// Requirement ids as a cell, `–` when there are none.
fn ids(list: &[String]) -> String {
    if list.is_empty() {
        "–".to_string()
    } else {
        list.iter().map(|i| esc(i)).collect::<Vec<_>>().join(", ")
    }
}

/// Text for a table cell: HTML and Markdown specials escaped, one line,
/// control and bidi characters visible, no autolink (see the module
/// documentation).
fn esc(text: &str) -> String {
    let one_line = text.replace(['\r', '\n', '\t'], " ");
    let chars: Vec<char> = crate::text::for_terminal(&one_line).chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &ch) in chars.iter().enumerate() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            ':' if chars[i + 1..].starts_with(&['/', '/']) => out.push_str("&#58;"),
            '@' => out.push_str("&#64;"),
            '.' if i >= 3 && chars[i - 3..i].iter().all(|c| c.eq_ignore_ascii_case(&'w')) => {
                out.push_str("&#46;")
            }
            c => out.push(c),
        }
    }
    out
}

/// Text inside a backtick code span in a table: backticks and pipes cannot
/// occur in it (shown as `'` and `¦`), control and bidi characters are
/// visible, everything else is literal.
fn code(text: &str) -> String {
    crate::text::for_terminal(text)
        .chars()
        .map(|c| match c {
            '`' => '\'',
            '|' => '¦',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{code, esc};

    #[test]
    fn escapes_html_and_table_breakers() {
        assert_eq!(
            esc("<script>a|b</script>\n*x*"),
            "&lt;script&gt;a\\|b&lt;/script&gt; \\*x\\*"
        );
        assert_eq!(code("a`b|c\nd"), "a'b¦c\\nd");
    }

    #[test]
    fn controls_and_bidi_are_visible() {
        assert_eq!(
            esc("a\u{1b}[2J\u{202E}b\u{85}\n::error x"),
            "a\\\\e\\[2J\\\\u{202e}b\\\\u{85} ::error x"
        );
        assert_eq!(code("a\u{202E}b"), "a\\u{202e}b");
    }

    #[test]
    fn no_autolinks() {
        assert_eq!(
            esc("see https://evil.example/x, WWW.evil.example, x@evil.example, mailto:a@b.c"),
            "see https&#58;//evil.example/x, WWW&#46;evil.example, x&#64;evil.example, mailto:a&#64;b.c"
        );
        assert_eq!(esc("timeout: 5 s"), "timeout: 5 s");
    }
}
