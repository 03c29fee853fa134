//! Renderers of the canonical [`Report`] for people and for CI: a
//! self-contained HTML page ([`html`]), JUnit XML for CI test views
//! ([`junit`]) and Markdown for a CI job summary ([`markdown`]). All three
//! read the same model and share the wording of verdicts defined here, so a
//! verdict reads the same wherever it is shown.
//!
//! A signed report is rendered with its [`SignatureStatus`] (from
//! [`crate::validity::assess`]): whether seal, signatures by trusted keys,
//! schema and suite digest verify, and under which trusted key names. A
//! report without seal or signatures renders exactly as `konform run` wrote
//! it.

mod html;
mod junit;
mod markdown;

pub use html::{hash_source, html, html_with};
pub use junit::{junit, junit_with};
pub use markdown::{markdown, markdown_with};

use konform_model::report::{ClassVerdict, OverallVerdict, Report, RequirementVerdict, Verdict};

/// An output format of `konform run --format` and `konform report render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The canonical JSON report.
    Json,
    /// One self-contained HTML page.
    Html,
    /// JUnit XML.
    Junit,
    /// Markdown for a CI job summary.
    Markdown,
}

impl Format {
    /// Every format, in the order they are written.
    pub const ALL: [Format; 4] = [Format::Json, Format::Html, Format::Junit, Format::Markdown];

    /// Parses a format name: `json`, `html`, `junit` (or `xml`), `md` (or `markdown`).
    pub fn parse(name: &str) -> Option<Format> {
        match name.trim().to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "html" => Some(Format::Html),
            "junit" | "xml" => Some(Format::Junit),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Html => "html",
            Format::Junit => "junit",
            Format::Markdown => "md",
        }
    }

    /// File name ending written after `<suite>@<version>`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => ".json",
            Format::Html => ".html",
            Format::Junit => ".junit.xml",
            Format::Markdown => ".md",
        }
    }

    /// Renders `report` in this format.
    pub fn render(self, report: &Report) -> Result<String, crate::WriteError> {
        self.render_with(report, None)
    }

    /// Renders `report` with the status of its seal and signatures, when it
    /// has them (JSON is the report alone: its envelope is not re-created).
    pub fn render_with(
        self,
        report: &Report,
        signature: Option<&SignatureStatus>,
    ) -> Result<String, crate::WriteError> {
        Ok(match self {
            Format::Json => {
                let bytes = crate::write::to_json(report)?;
                String::from_utf8_lossy(&bytes).into_owned()
            }
            Format::Html => html_with(report, signature),
            Format::Junit => junit_with(report, signature),
            Format::Markdown => markdown_with(report, signature),
        })
    }
}

/// Seal and signature status of a signed report, as the renderers show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureStatus {
    /// Every check of [`crate::validity::assess`] passed.
    pub verified: bool,
    /// One line: `verified: sealed and signed by …` or `NOT verified (…): …`.
    pub summary: String,
    /// One line per check, `ok  ` or `FAIL` first.
    pub checks: Vec<String>,
}

/// Wording of the overall verdict, for people.
pub fn overall_label(v: OverallVerdict) -> &'static str {
    match v {
        OverallVerdict::Conformant => "Conformant",
        OverallVerdict::NotConformant => "Not conformant",
        OverallVerdict::Incomplete => "Incomplete",
    }
}

/// Wording of a class verdict, for people.
pub fn class_label(v: ClassVerdict) -> &'static str {
    match v {
        ClassVerdict::Conformant => "conformant",
        ClassVerdict::NotConformant => "not conformant",
        ClassVerdict::Inconclusive => "inconclusive",
        ClassVerdict::NotClaimed => "not claimed",
        ClassVerdict::NotSelected => "not selected",
    }
}

/// Wording of a requirement verdict, for people.
pub fn requirement_label(v: RequirementVerdict) -> &'static str {
    match v {
        RequirementVerdict::Pass => "pass",
        RequirementVerdict::Fail => "fail",
        RequirementVerdict::Error => "error",
        RequirementVerdict::Skip => "skip",
        RequirementVerdict::Untested => "untested",
        RequirementVerdict::Withdrawn => "withdrawn",
    }
}

/// Wording of a case verdict, for people.
pub fn case_label(v: Verdict) -> &'static str {
    v.as_str()
}

/// `suite@version`, the name reports are filed under.
pub fn suite_key(report: &Report) -> String {
    format!("{}@{}", report.suite.id, report.suite.version)
}

/// The level of requirement `id` in the report, if it is listed.
pub(crate) fn level_of(report: &Report, id: &str) -> Option<&'static str> {
    report
        .requirements
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.level.as_str())
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
