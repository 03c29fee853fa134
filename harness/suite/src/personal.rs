//! Personal data as the interface contract declares it. A property schema
//! whose value is data about a natural person carries `"x-personal-data": true`
//! (`schemas/konform/PERSONAL-DATA.md`); one whose name only looks personal
//! (the `name` of an authority) carries `false`. This module finds the
//! contract of a suite (the OpenAPI document named by `interface.openapi` and
//! every schema file it reaches through `$ref`s), lists its properties with
//! their marks, and collects the member names marked `true`: together with
//! the suite's own `personal_data` they are
//! [`LoadedSuite::personal_members`](crate::LoadedSuite::personal_members),
//! the members whose values the runner redacts. The linter uses
//! [`looks_personal`] to refuse a contract that leaves a personal-looking
//! property unmarked.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::probe::join;
use crate::schemas::SchemaSet;
use crate::yaml::escape_token;

/// The annotation on a property schema.
pub const MARK: &str = "x-personal-data";

/// Fragments of property names that look like personal data, compared
/// case-insensitively with any part of the name (`familienName` contains
/// `name`). A property whose name contains one must be marked either way.
pub const PERSONAL_LOOKING: &[&str] = &[
    "name",
    "geburt",
    "sterbe",
    "geschlecht",
    "doktorgrad",
    "familienstand",
    "staatsangehoerigkeit",
    "staatsangehörigkeit",
    "nationalit",
    "religion",
    "strasse",
    "straße",
    "hausnummer",
    "anschrift",
    "adress",
    "address",
    "halter",
    "iban",
    "bic",
    "kontoinhaber",
    "einkommen",
    "steuer",
    "mail",
    "telefon",
    "phone",
];

/// Whether a property name looks like personal data ([`PERSONAL_LOOKING`]).
pub fn looks_personal(name: &str) -> bool {
    let name = name.to_lowercase();
    PERSONAL_LOOKING.iter().any(|f| name.contains(f))
}

/// One property schema (a member of a `properties` keyword) of the contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The schema file, relative to `schemas/` (`elterngeld/1.0/schemas.json`).
    pub file: String,
    /// JSON Pointer of the property schema in its file
    /// (`/$defs/Antrag/properties/iban`).
    pub pointer: String,
    /// The member name (`iban`).
    pub name: String,
    /// The value of `x-personal-data`, if the property schema has one.
    pub mark: Option<Value>,
}

impl Property {
    /// `file#pointer`, the way a `$ref` names the property.
    pub fn location(&self) -> String {
        format!("{}#{}", self.file, self.pointer)
    }

    /// Marked `true`.
    pub fn is_personal(&self) -> bool {
        self.mark == Some(Value::Bool(true))
    }
}

/// The files of an interface contract: the OpenAPI document `openapi` and
/// every file of `schemas` it references through `$ref`, transitively.
/// References to files that are not in the set are left out (the linter and
/// the probes report those).
pub fn contract_files(openapi: &str, schemas: &SchemaSet) -> BTreeSet<String> {
    let mut files = BTreeSet::new();
    if !schemas.contains(openapi) {
        return files;
    }
    let mut todo = vec![openapi.to_string()];
    files.insert(openapi.to_string());
    while let Some(file) = todo.pop() {
        let Some(doc) = schemas.get(&file) else {
            continue;
        };
        let mut refs = Vec::new();
        refs_in(doc, &mut refs);
        for reference in refs {
            let target = reference.split('#').next().unwrap_or_default();
            if target.is_empty() || target.contains("://") {
                continue;
            }
            let target = join(&file, target);
            if schemas.contains(&target) && files.insert(target.clone()) {
                todo.push(target);
            }
        }
    }
    files
}

/// Every property schema of the contract of `openapi`, by file, then in
/// document order.
pub fn properties(openapi: &str, schemas: &SchemaSet) -> Vec<Property> {
    let mut out = Vec::new();
    for file in contract_files(openapi, schemas) {
        if let Some(doc) = schemas.get(&file) {
            collect(&file, doc, "", &mut out);
        }
    }
    out
}

/// The member names the contract of `openapi` marks `"x-personal-data": true`.
/// A name marked `false` (or not at all) in one place and `true` in another
/// is included: redaction goes by member name.
pub fn contract_members(openapi: &str, schemas: &SchemaSet) -> BTreeSet<String> {
    properties(openapi, schemas)
        .into_iter()
        .filter(Property::is_personal)
        .map(|p| p.name)
        .collect()
}

/// The members whose values are personal data for a suite: those its
/// contract marks and those it lists itself under `personal_data`.
pub fn personal_members(
    openapi: Option<&str>,
    listed: &[String],
    schemas: &SchemaSet,
) -> BTreeSet<String> {
    let mut members = openapi
        .map(|o| contract_members(o, schemas))
        .unwrap_or_default();
    members.extend(listed.iter().cloned());
    members
}

/// Keywords whose values are data, not schemas: nothing in them is a
/// property or a reference.
fn is_data_keyword(key: &str) -> bool {
    matches!(key, "enum" | "const" | "default" | "example" | "examples") || key.starts_with("x-")
}

/// Every `$ref` string of a document, outside data keywords.
fn refs_in<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref" {
                    if let Some(s) = v.as_str() {
                        out.push(s);
                    }
                } else if !is_data_keyword(key) {
                    refs_in(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// The properties under `value` (at `pointer` in `file`), in document order.
fn collect(file: &str, value: &Value, pointer: &str, out: &mut Vec<Property>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = format!("{pointer}/{}", escape_token(key));
                if is_data_keyword(key) {
                    continue;
                }
                match (key.as_str(), v) {
                    ("properties", Value::Object(props)) => {
                        for (name, schema) in props {
                            let at = format!("{here}/{}", escape_token(name));
                            out.push(Property {
                                file: file.to_string(),
                                pointer: at.clone(),
                                name: name.clone(),
                                mark: schema.get(MARK).cloned(),
                            });
                            collect(file, schema, &at, out);
                        }
                    }
                    _ => collect(file, v, &here, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect(file, v, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn contract() -> SchemaSet {
        let mut set = SchemaSet::new();
        set.insert(
            "demo/1.0/openapi.yaml",
            json!({"openapi": "3.1.0", "paths": {"/a": {"post": {"requestBody": {"content": {
                "application/json": {"schema": {"$ref": "schemas.json#/$defs/Antrag"}}}}}}}}),
        );
        set.insert(
            "demo/1.0/schemas.json",
            json!({"$defs": {
                "Antrag": {"type": "object", "properties": {
                    "familienname": {"type": "string", "x-personal-data": true},
                    "iban": {"$ref": "#/$defs/IBAN", "x-personal-data": true},
                    "behoerde": {"type": "object", "properties": {
                        "name": {"type": "string", "x-personal-data": false}}},
                    "status": {"enum": [{"properties": {"fake": {"x-personal-data": true}}}]},
                    "problem": {"$ref": "../../shared/1.0/problem.json"}
                }},
                "IBAN": {"type": "string"}
            }}),
        );
        set.insert(
            "shared/1.0/problem.json",
            json!({"properties": {"detail": {"type": "string"},
                   "kontakt": {"properties": {"email": {"x-personal-data": true}}}}}),
        );
        set.insert(
            "other/1.0/schemas.json",
            json!({"properties": {"unrelated": {"x-personal-data": true}}}),
        );
        set
    }

    #[test]
    fn the_contract_is_the_openapi_and_what_it_references_transitively() {
        let files = contract_files("demo/1.0/openapi.yaml", &contract());
        assert_eq!(
            files.into_iter().collect::<Vec<_>>(),
            [
                "demo/1.0/openapi.yaml",
                "demo/1.0/schemas.json",
                "shared/1.0/problem.json"
            ]
        );
        assert!(contract_files("missing.yaml", &contract()).is_empty());
    }

    #[test]
    fn members_marked_true_are_collected_and_false_ones_are_not() {
        let members = contract_members("demo/1.0/openapi.yaml", &contract());
        assert_eq!(
            members.into_iter().collect::<Vec<_>>(),
            ["email", "familienname", "iban"]
        );
    }

    #[test]
    fn properties_carry_file_pointer_and_mark() {
        let props = properties("demo/1.0/openapi.yaml", &contract());
        let name = props.iter().find(|p| p.name == "name").unwrap();
        assert_eq!(
            name.location(),
            "demo/1.0/schemas.json#/$defs/Antrag/properties/behoerde/properties/name"
        );
        assert_eq!(name.mark, Some(json!(false)));
        let detail = props.iter().find(|p| p.name == "detail").unwrap();
        assert_eq!(
            detail.location(),
            "shared/1.0/problem.json#/properties/detail"
        );
        assert_eq!(detail.mark, None);
        assert!(
            !props.iter().any(|p| p.name == "fake"),
            "enum values are data"
        );
    }

    #[test]
    fn the_suites_own_list_is_added() {
        let listed = vec!["name".to_string(), "ort".to_string()];
        let members = personal_members(Some("demo/1.0/openapi.yaml"), &listed, &contract());
        assert_eq!(
            members.into_iter().collect::<Vec<_>>(),
            ["email", "familienname", "iban", "name", "ort"]
        );
        let only_listed = personal_members(None, &listed, &contract());
        assert_eq!(only_listed.len(), 2);
    }

    #[test]
    fn personal_looking_names() {
        for name in [
            "familienname",
            "fruehererName",
            "Geburtsdatum",
            "zuVersteuerndesEinkommen",
            "ibanEndziffern",
            "Straße",
            "eMail",
            "homeAddress",
            "kontoinhaber",
        ] {
            assert!(looks_personal(name), "{name}");
        }
        for name in ["id", "status", "plz", "lebensmonat", "fin", "ags"] {
            assert!(!looks_personal(name), "{name}");
        }
    }
}
