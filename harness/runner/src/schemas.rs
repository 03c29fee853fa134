//! Compiles every JSON Schema a suite refers to, once per run, from an offline
//! registry of all files under `schemas/`. No `$ref` is ever fetched over the
//! network: a reference that is not in the registry is a compile error.

use std::collections::HashMap;

use jsonschema::{Registry, Validator};
use serde_json::{Value, json};

/// Base URI under which each file of the schema set is registered; relative
/// `$ref`s between files resolve against it.
pub const SCHEMA_BASE: &str = "https://konform.invalid/schemas/";

/// Validators by the `expect.schema` reference they were compiled for.
#[derive(Default)]
pub struct CompiledSchemas {
    validators: HashMap<String, Validator>,
}

/// A schema reference that could not be compiled.
#[derive(Debug, thiserror::Error)]
#[error("schema `{reference}` cannot be compiled: {message}")]
pub struct SchemaError {
    pub reference: String,
    pub message: String,
}

/// One schema violation, located by JSON Pointer into the instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub instance_path: String,
    pub message: String,
    /// Where the violated keyword is: its absolute location when the schema
    /// has one (`…/oparl/1.1/schemas.json#/$defs/ags/pattern`), else its
    /// location in the schema.
    pub keyword: String,
    /// The member a `required` keyword misses.
    pub missing: Option<String>,
}

impl CompiledSchemas {
    /// Compiles the given references (`file.json#/pointer`) against the files
    /// `(relative path, document)`.
    pub fn compile<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a Value)>,
        references: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, SchemaError> {
        let pairs: Vec<(String, &Value)> = files
            .into_iter()
            .map(|(path, doc)| (format!("{SCHEMA_BASE}{path}"), doc))
            .collect();
        let registry = Registry::new()
            .extend(pairs.iter().map(|(uri, doc)| (uri.as_str(), *doc)))
            .and_then(|b| b.prepare())
            .map_err(|e| SchemaError {
                reference: "<registry>".into(),
                message: e.to_string(),
            })?;
        let mut validators = HashMap::new();
        for reference in references {
            if validators.contains_key(reference) {
                continue;
            }
            let root = json!({ "$ref": format!("{SCHEMA_BASE}{reference}") });
            let validator = jsonschema::options()
                .with_registry(&registry)
                .build(&root)
                .map_err(|e| SchemaError {
                    reference: reference.to_string(),
                    message: e.to_string(),
                })?;
            validators.insert(reference.to_string(), validator);
        }
        Ok(Self { validators })
    }

    /// Validates `instance` against a compiled reference. `None` when the
    /// reference was not compiled (a harness bug, reported as an error).
    pub fn validate(&self, reference: &str, instance: &Value) -> Option<Vec<Violation>> {
        let validator = self.validators.get(reference)?;
        // The fast boolean check first; collecting errors is far slower and
        // only needed when there are some.
        if validator.is_valid(instance) {
            return Some(vec![]);
        }
        Some(
            validator
                .iter_errors(instance)
                .flat_map(|e| explain(&e))
                .collect(),
        )
    }
}

/// The violations behind `e`. An `anyOf`/`oneOf` whose branches all failed
/// says only "not valid under any"; when every branch but one failed merely
/// by its type at the same place (`anyOf: [{$ref: …/Paper}, {type: null}]`,
/// how an optional member is written), the violations of that one branch
/// are what the instance got wrong, and they name the member and keyword.
fn explain(e: &jsonschema::ValidationError<'_>) -> Vec<Violation> {
    use jsonschema::error::ValidationErrorKind as Kind;
    if let Kind::AnyOf { context } | Kind::OneOfNotValid { context } = e.kind() {
        let here = e.instance_path().to_string();
        let only_type = |branch: &Vec<jsonschema::ValidationError<'static>>| {
            branch.len() == 1
                && matches!(branch[0].kind(), Kind::Type { .. })
                && branch[0].instance_path().to_string() == here
        };
        let telling: Vec<_> = context.iter().filter(|b| !only_type(b)).collect();
        if let [branch] = telling.as_slice()
            && !branch.is_empty()
        {
            return branch.iter().flat_map(|inner| explain(inner)).collect();
        }
    }
    vec![Violation {
        instance_path: e.instance_path().to_string(),
        message: e.to_string(),
        keyword: keyword_locations(e),
        missing: match e.kind() {
            jsonschema::error::ValidationErrorKind::Required { property } => {
                property.as_str().map(str::to_string)
            }
            _ => None,
        },
    }]
}

/// Where the violated keyword is, followed by the locations of the
/// keywords the branches of an `anyOf`/`oneOf` violated (space-separated):
/// an optional member written `anyOf: [{$ref: …/ags}, {type: null}]` is
/// then found by `$defs/ags` too.
fn keyword_locations(e: &jsonschema::ValidationError<'_>) -> String {
    let own = e
        .absolute_keyword_location()
        .map(|u| u.to_string())
        .unwrap_or_else(|| e.schema_path().to_string());
    let branches = match e.kind() {
        jsonschema::error::ValidationErrorKind::AnyOf { context }
        | jsonschema::error::ValidationErrorKind::OneOfNotValid { context } => context,
        _ => return own,
    };
    let mut all = own;
    for error in branches.iter().flatten() {
        all.push(' ');
        all.push_str(&keyword_locations(error));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_refs_resolve_offline() {
        let common = json!({"$defs": {"Plz": {"type": "string", "pattern": "^[0-9]{5}$"}}});
        let main = json!({"$defs": {"Adresse": {
            "type": "object",
            "properties": {"plz": {"$ref": "../common/defs.json#/$defs/Plz"}},
            "required": ["plz"]
        }}});
        let schemas = CompiledSchemas::compile(
            [("common/defs.json", &common), ("mw/schemas.json", &main)],
            ["mw/schemas.json#/$defs/Adresse"],
        )
        .unwrap();
        let ok = schemas.validate("mw/schemas.json#/$defs/Adresse", &json!({"plz": "01067"}));
        assert_eq!(ok, Some(vec![]));
        let missing = schemas
            .validate("mw/schemas.json#/$defs/Adresse", &json!({}))
            .unwrap();
        assert_eq!(missing[0].missing.as_deref(), Some("plz"));
        let bad = schemas
            .validate("mw/schemas.json#/$defs/Adresse", &json!({"plz": "1067"}))
            .unwrap();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].instance_path, "/plz");
        // The keyword is located where it is written, behind the `$ref`s.
        assert!(
            bad[0].keyword.contains("common/defs.json")
                && bad[0].keyword.ends_with("/$defs/Plz/pattern"),
            "{}",
            bad[0].keyword
        );
    }

    #[test]
    fn an_optional_member_written_as_any_of_is_explained_by_its_telling_branch() {
        let doc = json!({"$defs": {
            "Plz": {"type": "string", "pattern": "^[0-9]{5}$"},
            "Adresse": {
                "type": "object",
                "properties": {"plz": {"anyOf": [{"$ref": "#/$defs/Plz"}, {"type": "null"}]}}
            }
        }});
        let schemas =
            CompiledSchemas::compile([("a.json", &doc)], ["a.json#/$defs/Adresse"]).unwrap();
        let bad = schemas
            .validate("a.json#/$defs/Adresse", &json!({"plz": "1067"}))
            .unwrap();
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert_eq!(bad[0].instance_path, "/plz");
        assert!(
            bad[0].keyword.ends_with("/$defs/Plz/pattern"),
            "{}",
            bad[0].keyword
        );
        // Two telling branches: the anyOf itself is the violation.
        let doc = json!({"anyOf": [{"type": "string", "minLength": 3}, {"type": "string", "pattern": "^x"}]});
        let schemas = CompiledSchemas::compile([("b.json", &doc)], ["b.json"]).unwrap();
        let bad = schemas.validate("b.json", &json!("ab")).unwrap();
        assert_eq!(bad.len(), 1);
        assert!(bad[0].keyword.contains("anyOf"), "{}", bad[0].keyword);
    }

    #[test]
    fn unknown_reference_is_an_error_not_a_fetch() {
        let doc = json!({"$ref": "https://example.org/remote.json"});
        let err = CompiledSchemas::compile([("x.json", &doc)], ["x.json"]);
        assert!(err.is_err());
    }
}
