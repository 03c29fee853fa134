//! Diagnostics for suite and target files: one message per authoring mistake,
//! each with a stable code (`konform::unknown-requirement`), a severity, and
//! where known the file, line and column it points at.
//!
//! Rendering goes through miette's graphical handler (`file:line:col` header
//! with the offending source line underlined) or a one-line compiler-style
//! form (`file:line:col: error[code]: message`).

use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode, SourceSpan,
};

/// Stable diagnostic codes. Tests and tooling may match on them.
pub mod codes {
    pub const IO: &str = "konform::io";
    pub const UNKNOWN_SUITE: &str = "konform::unknown-suite";
    pub const MISSING_MANIFEST: &str = "konform::missing-manifest";
    pub const YAML_SYNTAX: &str = "konform::yaml-syntax";
    pub const YAML_DUPLICATE_KEY: &str = "konform::yaml-duplicate-key";
    pub const YAML_NON_STRING_KEY: &str = "konform::yaml-non-string-key";
    pub const YAML_MULTIPLE_DOCUMENTS: &str = "konform::yaml-multiple-documents";
    pub const YAML_UNSUPPORTED: &str = "konform::yaml-unsupported";
    pub const YAML_ALIAS_BOMB: &str = "konform::yaml-alias-bomb";
    pub const INPUT_TOO_LARGE: &str = "konform::input-too-large";
    pub const SCHEMA: &str = "konform::schema";
    pub const DESERIALIZE: &str = "konform::deserialize";
    pub const VERSION_NOT_SEMVER: &str = "konform::version-not-semver";
    pub const UNSAFE_NAME: &str = "konform::unsafe-name";
    pub const FOLDER_MISMATCH: &str = "konform::folder-mismatch";
    pub const NO_CASES: &str = "konform::no-cases";
    pub const MISSING_CASE_FILE: &str = "konform::missing-case-file";
    pub const DUPLICATE_REQUIREMENT: &str = "konform::duplicate-requirement";
    pub const DUPLICATE_CASE: &str = "konform::duplicate-case";
    pub const DUPLICATE_CLASS: &str = "konform::duplicate-class";
    pub const UNKNOWN_REQUIREMENT: &str = "konform::unknown-requirement";
    pub const UNKNOWN_CLASS: &str = "konform::unknown-class";
    pub const UNCOVERED_REQUIREMENT: &str = "konform::uncovered-requirement";
    pub const UNCLASSIFIED_REQUIREMENT: &str = "konform::unclassified-requirement";
    pub const UNRESOLVED_SCHEMA_REF: &str = "konform::unresolved-schema-ref";
    pub const MISSING_OPENAPI: &str = "konform::missing-openapi";
    pub const UNDEFINED_VARIABLE: &str = "konform::undefined-variable";
    pub const TEMPLATE_SYNTAX: &str = "konform::template-syntax";
    pub const INVALID_REGEX: &str = "konform::invalid-regex";
    pub const INVALID_JSONPATH: &str = "konform::invalid-jsonpath";
    pub const INVALID_POINTER: &str = "konform::invalid-pointer";
    pub const UNATTRIBUTED_REQUIREMENT: &str = "konform::unattributed-requirement";
    pub const SUITE_ATTRIBUTED_IN_CASE: &str = "konform::suite-attributed-in-case";
    pub const INVALID_GENERATOR: &str = "konform::invalid-generator";
    pub const UNKNOWN_GENERATOR: &str = "konform::unknown-generator";
    pub const PROBE: &str = "konform::probe";
    pub const PROBE_UNMAPPED_RULE: &str = "konform::probe-unmapped-rule";
    pub const PROBE_UNUSED_EXCLUSION: &str = "konform::probe-unused-exclusion";
    pub const UNKNOWN_ERRATUM_TARGET: &str = "konform::unknown-erratum-target";
    pub const UNMARKED_PERSONAL_DATA: &str = "konform::unmarked-personal-data";
    pub const REUSE: &str = "konform::reuse";
    pub const UNKNOWN_FRAGMENT: &str = "konform::unknown-fragment";
    pub const UNKNOWN_SEQUENCE: &str = "konform::unknown-sequence";
    pub const DUPLICATE_SEQUENCE: &str = "konform::duplicate-sequence";
    pub const UNKNOWN_PARAMETER: &str = "konform::unknown-parameter";
    pub const MISSING_PARAMETER: &str = "konform::missing-parameter";
    pub const INVALID_TABLE: &str = "konform::invalid-table";
    pub const UNDOCUMENTED_OPERATION: &str = "konform::undocumented-operation";
    pub const UNDOCUMENTED_STATUS: &str = "konform::undocumented-status";
    pub const STALE_NOT_TESTED: &str = "konform::stale-not-tested";
    pub const UNSTABLE_ID: &str = "konform::unstable-id";
}

/// How bad a diagnostic is: errors stop a load, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A position in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Byte offset of the start.
    pub offset: usize,
    /// Length in bytes of the marked text (0 for a point).
    pub len: usize,
}

/// A source file that diagnostics point into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Name shown to the user, relative (`cases/anmeldung.yaml`).
    pub name: String,
    pub text: Arc<str>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Arc<Self> {
        Arc::new(Self {
            name: name.into(),
            text: text.into(),
        })
    }
}

/// One message about one mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// File name; `None` for problems without a file (a missing folder).
    pub file: Option<String>,
    pub pos: Option<Pos>,
    /// Text next to the underline.
    pub label: Option<String>,
    pub help: Option<String>,
    source: Option<Arc<Source>>,
}

impl Diagnostic {
    /// An error with no location.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: Severity::Error,
            message: message.into(),
            file: None,
            pos: None,
            label: None,
            help: None,
            source: None,
        }
    }

    /// A warning with no location.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, message)
        }
    }

    /// Names the file without a position.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Points at `pos` inside `source`.
    pub fn at(mut self, source: &Arc<Source>, pos: Pos) -> Self {
        self.file = Some(source.name.clone());
        self.pos = Some(pos);
        self.source = Some(source.clone());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col: error[code]: message`, like a compiler.
    pub fn render_short(&self) -> String {
        let mut out = String::new();
        match (&self.file, self.pos) {
            (Some(f), Some(p)) => out.push_str(&format!("{f}:{}:{}: ", p.line, p.column)),
            (Some(f), None) => out.push_str(&format!("{f}: ")),
            _ => {}
        }
        out.push_str(&format!(
            "{}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        ));
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// The miette view of a [`Diagnostic`], with its file as a [`NamedSource`].
struct Report<'a> {
    diag: &'a Diagnostic,
    source: Option<NamedSource<Arc<str>>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diag, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.diag.file, self.source.is_some()) {
            (Some(file), false) => write!(f, "{file}: {}", self.diag.message),
            _ => f.write_str(&self.diag.message),
        }
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let pos = self.diag.pos?;
        let label = LabeledSpan::new_with_span(
            Some(self.diag.label.clone().unwrap_or_else(|| "here".into())),
            SourceSpan::new(pos.offset.into(), pos.len),
        );
        Some(Box::new(std::iter::once(label)))
    }
}

/// Every diagnostic of a load or lint, errors and warnings together, in the
/// order they were found (files in load order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| !d.is_error())
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// Sorts by file, position, then code, so output is stable.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.pos.map(|p| p.offset), a.code, &a.message).cmp(&(
                &b.file,
                b.pos.map(|p| p.offset),
                b.code,
                &b.message,
            ))
        });
    }

    /// Renders every diagnostic with miette's graphical handler. Without
    /// colour the output is plain ASCII (stable for snapshots).
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::none()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
        let mut out = String::new();
        for diag in &self.items {
            let report = Report {
                diag,
                source: diag
                    .source
                    .as_ref()
                    .filter(|_| diag.pos.is_some())
                    .map(|s| NamedSource::new(&s.name, s.text.clone())),
            };
            if handler.render_report(&mut out, &report).is_err() {
                out.push_str(&diag.render_short());
                out.push('\n');
            }
        }
        out
    }

    /// One line per diagnostic: `file:line:col: error[code]: message`.
    pub fn render_short(&self) -> String {
        self.items.iter().map(|d| d.render_short() + "\n").collect()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self { items: vec![d] }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_short())
    }
}

impl std::error::Error for Diagnostics {}
