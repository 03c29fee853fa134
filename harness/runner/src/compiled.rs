//! Everything a suite needs compiled before the first request: JSON Schemas,
//! regular expressions and JSONPath queries. Compiling once per run keeps the
//! hot path free of parsing, and a suite that does not compile fails before
//! any traffic is sent.

use std::collections::HashMap;

use konform_model::suite::Case;
use regex::Regex;
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::schemas::{CompiledSchemas, SchemaError};

pub struct Compiled {
    pub schemas: CompiledSchemas,
    regexes: HashMap<String, Regex>,
    paths: HashMap<String, JsonPath>,
}

/// Something in the suite that does not compile.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    #[error(transparent)]
    Schema(#[from] SchemaError),
    #[error("regular expression `{pattern}` does not compile: {message}")]
    Regex { pattern: String, message: String },
    #[error("JSONPath `{path}` does not parse: {message}")]
    JsonPath { path: String, message: String },
}

impl Compiled {
    /// Compiles what `cases` use against the schema files `(relative path, document)`.
    pub fn new<'a>(
        cases: &'a [Case],
        schema_files: impl IntoIterator<Item = (&'a str, &'a Value)>,
    ) -> Result<Self, CompileError> {
        let mut references = Vec::new();
        let mut regexes = HashMap::new();
        let mut paths = HashMap::new();
        // Patterns and paths with templates are compiled when rendered, per step.
        let mut add_regex = |pattern: &String| -> Result<(), CompileError> {
            if !pattern.contains("{{") && !regexes.contains_key(pattern) {
                let re = Regex::new(pattern).map_err(|e| CompileError::Regex {
                    pattern: pattern.clone(),
                    message: e.to_string(),
                })?;
                regexes.insert(pattern.clone(), re);
            }
            Ok(())
        };
        for step in cases.iter().flat_map(|c| c.steps.iter().chain(&c.finally)) {
            let expect = &step.expect;
            if let Some(r) = &expect.schema {
                references.push(r.reference());
            }
            for h in &expect.headers {
                if let Some(p) = &h.matches {
                    add_regex(p)?;
                }
            }
            for b in &expect.body {
                if let Some(p) = &b.matches {
                    add_regex(p)?;
                }
                if let Some(path) = &b.path
                    && !path.contains("{{")
                    && !paths.contains_key(path)
                {
                    let parsed = JsonPath::parse(path).map_err(|e| CompileError::JsonPath {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                    paths.insert(path.clone(), parsed);
                }
            }
        }
        for crawl in cases.iter().filter_map(|c| c.crawl.as_ref()) {
            if let Some(schema) = &crawl.page.schema {
                references.push(schema);
            }
            for h in &crawl.headers {
                if let Some(p) = &h.matches {
                    add_regex(p)?;
                }
            }
            let body_checks = crawl
                .page
                .item_checks
                .iter()
                .chain(&crawl.page.some_items)
                .chain(crawl.types.iter().flat_map(|t| t.checks.iter()));
            for b in body_checks {
                if let Some(p) = &b.matches {
                    add_regex(p)?;
                }
                if let Some(path) = &b.path
                    && !path.contains("{{")
                    && !paths.contains_key(path)
                {
                    let parsed = JsonPath::parse(path).map_err(|e| CompileError::JsonPath {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                    paths.insert(path.clone(), parsed);
                }
            }
            for rule in &crawl.types {
                add_regex(&rule.matches)?;
                references.extend(rule.schemas.iter().map(|s| s.reference.as_str()));
            }
        }
        let schemas = CompiledSchemas::compile(schema_files, references)?;
        Ok(Self {
            schemas,
            regexes,
            paths,
        })
    }

    pub fn regex(&self, pattern: &str) -> Option<&Regex> {
        self.regexes.get(pattern)
    }

    pub fn json_path(&self, path: &str) -> Option<&JsonPath> {
        self.paths.get(path)
    }
}
