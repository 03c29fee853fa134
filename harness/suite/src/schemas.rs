//! The JSON Schemas a suite refers to: every `*.json`, `*.yaml` and `*.yml`
//! file under a `schemas/` folder, keyed by its path relative to that folder
//! (`meldewesen/1.0/schemas.json`). Steps point into it with
//! `expect.schema: meldewesen/1.0/schemas.json#/$defs/Person`; the runner
//! registers each file under [`SchemaSet::base_uri`] to validate offline.
//!
//! konform's own file formats (`konform/suite.schema.json`, ...) are
//! embedded in this crate too ([`konform_schema`]), so loading never depends
//! on a rebuilt bundle or on the working directory.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use include_dir::Dir;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Source, codes};
use crate::files::SuiteFiles;

/// Base URI under which schema files are registered (never fetched).
pub const BASE_URI: &str = "https://konform.invalid/schemas/";

/// konform's own schemas, as committed in `schemas/konform/`.
const KONFORM_SCHEMAS: &[(&str, &str)] = &[
    (
        "konform/suite.schema.json",
        include_str!("../../../schemas/konform/suite.schema.json"),
    ),
    (
        "konform/cases.schema.json",
        include_str!("../../../schemas/konform/cases.schema.json"),
    ),
    (
        "konform/target.schema.json",
        include_str!("../../../schemas/konform/target.schema.json"),
    ),
    (
        "konform/errata.schema.json",
        include_str!("../../../schemas/konform/errata.schema.json"),
    ),
];

/// One of konform's own schemas by file name (`suite.schema.json`).
pub fn konform_schema(file: &str) -> Option<&'static Value> {
    static PARSED: OnceLock<BTreeMap<&'static str, Value>> = OnceLock::new();
    let map = PARSED.get_or_init(|| {
        KONFORM_SCHEMAS
            .iter()
            .filter_map(|(path, text)| {
                let name = path.strip_prefix("konform/")?;
                serde_json::from_str(text).ok().map(|v| (name, v))
            })
            .collect()
    });
    map.get(file)
}

/// A set of schema files keyed by relative path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchemaSet {
    files: BTreeMap<String, Value>,
    /// The bytes each file was read from (for the digest of derived probes).
    raw: BTreeMap<String, Vec<u8>>,
}

impl SchemaSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// The bundled `schemas/` folder, with konform's own schemas taken from
    /// this crate so they are always current.
    pub fn bundled() -> Result<Self, Diagnostics> {
        let mut set = Self::from_include_dir(&konform_bundle::SCHEMAS)?;
        for (path, text) in KONFORM_SCHEMAS {
            set.insert_text(path, text.as_bytes())?;
        }
        Ok(set)
    }

    /// Every schema file of an embedded folder.
    pub fn from_include_dir(dir: &Dir<'_>) -> Result<Self, Diagnostics> {
        let mut files = SuiteFiles::new("bundled schemas");
        collect(dir, &mut files);
        Self::from_files(&files)
    }

    /// Every schema file under `dir`, recursively.
    pub fn from_dir(dir: &Path) -> Result<Self, Diagnostics> {
        let files = SuiteFiles::from_dir(dir)
            .map_err(|e| Diagnostics::from(Diagnostic::error(codes::IO, e.to_string())))?;
        Self::from_files(&files)
    }

    /// Schema files from an in-memory listing (other files are ignored).
    pub fn from_files(files: &SuiteFiles) -> Result<Self, Diagnostics> {
        let mut set = Self::new();
        let mut diags = Diagnostics::new();
        for (path, bytes) in files.iter() {
            if let Err(d) = set.insert_text(path, bytes) {
                diags.extend(d);
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(set)
        }
    }

    /// Parses and adds one file if its extension is a schema extension.
    fn insert_text(&mut self, path: &str, bytes: &[u8]) -> Result<(), Diagnostics> {
        let is_json = path.ends_with(".json");
        let is_yaml = path.ends_with(".yaml") || path.ends_with(".yml");
        if !is_json && !is_yaml {
            return Ok(());
        }
        let text = std::str::from_utf8(bytes).map_err(|_| {
            Diagnostics::from(
                Diagnostic::error(codes::IO, "schema file is not valid UTF-8").in_file(path),
            )
        })?;
        let value = if is_json {
            serde_json::from_str(text).map_err(|e| {
                let source = Source::new(path, text);
                let line = e.line().max(1);
                let col = e.column().max(1);
                let offset = line_col_offset(text, line, col);
                Diagnostics::from(
                    Diagnostic::error(codes::SCHEMA, format!("invalid JSON: {e}")).at(
                        &source,
                        crate::diagnostics::Pos {
                            line,
                            column: col,
                            offset,
                            len: 0,
                        },
                    ),
                )
            })?
        } else {
            crate::yaml::parse_yaml(&Source::new(path, text))?.0
        };
        self.files.insert(path.to_string(), value);
        self.raw.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }

    /// The bytes of a file as read; a file added parsed ([`SchemaSet::insert`])
    /// gives its compact JSON.
    pub fn bytes(&self, path: &str) -> Option<Vec<u8>> {
        match self.raw.get(path) {
            Some(b) => Some(b.clone()),
            None => serde_json::to_vec(self.files.get(path)?).ok(),
        }
    }

    /// Adds a parsed schema under `path`.
    pub fn insert(&mut self, path: impl Into<String>, schema: Value) {
        let path = path.into();
        self.raw.remove(&path);
        self.files.insert(path, schema);
    }

    pub fn get(&self, path: &str) -> Option<&Value> {
        self.files.get(path)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// `(relative path, schema)` in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.files.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The URI a file is registered under: `https://konform.invalid/schemas/<relpath>`.
    pub fn base_uri(relpath: &str) -> String {
        format!("{BASE_URI}{relpath}")
    }

    /// Resolves `file#/json/pointer` (the fragment is optional).
    pub fn resolve_ref(&self, reference: &str) -> Option<&Value> {
        match self.check_ref(reference) {
            RefStatus::Found(v) => Some(v),
            _ => None,
        }
    }

    /// Like [`SchemaSet::resolve_ref`] but says what is missing.
    pub fn check_ref(&self, reference: &str) -> RefStatus<'_> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let Some(doc) = self.files.get(file) else {
            return RefStatus::MissingFile;
        };
        if fragment.is_empty() {
            return RefStatus::Found(doc);
        }
        let pointer = percent_decode(fragment);
        if !pointer.starts_with('/') {
            return RefStatus::MissingFragment;
        }
        doc.pointer(&pointer)
            .map_or(RefStatus::MissingFragment, RefStatus::Found)
    }
}

/// Outcome of looking up a schema reference.
#[derive(Debug, PartialEq)]
pub enum RefStatus<'a> {
    Found(&'a Value),
    MissingFile,
    MissingFragment,
}

fn collect(dir: &Dir<'_>, files: &mut SuiteFiles) {
    for f in dir.files() {
        if let Some(p) = f.path().to_str() {
            files.insert(p, f.contents());
        }
    }
    for d in dir.dirs() {
        collect(d, files);
    }
}

/// Decodes `%XX` escapes in a URI fragment; invalid escapes are kept.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn line_col_offset(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    (start + col.saturating_sub(1)).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_file_and_fragment() {
        let mut set = SchemaSet::new();
        set.insert(
            "m/1.0/s.json",
            json!({"$defs": {"Person": {"type": "object"}}}),
        );
        assert_eq!(
            set.resolve_ref("m/1.0/s.json#/$defs/Person"),
            Some(&json!({"type": "object"}))
        );
        assert_eq!(
            set.resolve_ref("m/1.0/s.json#/%24defs/Person"),
            Some(&json!({"type": "object"}))
        );
        assert!(set.resolve_ref("m/1.0/s.json").is_some());
        assert_eq!(set.check_ref("m/1.0/x.json#/a"), RefStatus::MissingFile);
        assert_eq!(
            set.check_ref("m/1.0/s.json#/$defs/Nope"),
            RefStatus::MissingFragment
        );
        assert_eq!(
            set.check_ref("m/1.0/s.json#Person"),
            RefStatus::MissingFragment
        );
    }

    #[test]
    fn bundled_holds_konform_schemas() {
        let set = SchemaSet::bundled().unwrap();
        for f in ["suite", "cases", "target"] {
            let path = format!("konform/{f}.schema.json");
            let schema = set.get(&path).unwrap();
            assert_eq!(schema["$id"], json!(SchemaSet::base_uri(&path)));
            assert!(jsonschema::validator_for(schema).is_ok(), "{path}");
        }
    }

    #[test]
    fn yaml_schemas_are_converted() {
        let mut files = SuiteFiles::new("t");
        files.insert("a/openapi.yaml", "openapi: 3.1.0\n");
        files.insert("a/readme.md", "ignored");
        let set = SchemaSet::from_files(&files).unwrap();
        assert_eq!(
            set.get("a/openapi.yaml"),
            Some(&json!({"openapi": "3.1.0"}))
        );
        assert_eq!(set.len(), 1);
    }
}
