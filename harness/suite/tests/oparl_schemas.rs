//! The OParl 1.0 and 1.1 JSON Schema 2020-12 renderings in `schemas/oparl/`: both compile, the
//! specification's own examples validate (two are wrong in the specification and are checked
//! to fail for exactly that reason), and each realistic defect, a small edit of an example,
//! fails against the right `$def` — at MUST level, or only at SHOULD level where the
//! specification says SHOULD.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/oparl")
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn document(version: &str) -> Value {
    read(&dir().join(version).join("schemas.json"))
}

fn example(name: &str) -> Value {
    read(&dir().join("1.1/examples").join(name))
}

/// The errors of `instance` against `#/$defs/<def>` of the version's document, as
/// `"<instance path>: <message>"`; empty when valid.
fn errors(version: &str, def: &str, instance: &Value) -> Vec<String> {
    let mut root = document(version);
    root["$ref"] = json!(format!("#/$defs/{def}"));
    let validator = jsonschema::draft202012::new(&root)
        .unwrap_or_else(|e| panic!("{version} #/$defs/{def} does not compile: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(version: &str, def: &str, instance: &Value) {
    let errs = errors(version, def, instance);
    assert!(
        errs.is_empty(),
        "{version} {def} should accept, got {errs:#?}"
    );
}

fn assert_invalid_at(version: &str, def: &str, instance: &Value, path: &str) {
    let errs = errors(version, def, instance);
    assert!(
        !errs.is_empty(),
        "{version} {def} should reject the edit at {path}"
    );
    assert!(
        errs.iter().all(|e| e.starts_with(&format!("{path}:"))),
        "{version} {def} rejects more than the edit at {path}: {errs:#?}"
    );
}

const TYPES: [&str; 12] = [
    "System",
    "Body",
    "LegislativeTerm",
    "Organization",
    "Person",
    "Membership",
    "Meeting",
    "AgendaItem",
    "Consultation",
    "Paper",
    "File",
    "Location",
];

#[test]
fn both_documents_are_valid_2020_12_with_every_def() {
    for version in ["1.0", "1.1"] {
        let doc = document(version);
        if let Err(e) = jsonschema::draft202012::meta::validate(&doc) {
            panic!("{version}: not a 2020-12 schema: {e}");
        }
        assert_eq!(
            doc["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let defs = doc["$defs"].as_object().expect("$defs");
        let mut expected: Vec<String> = TYPES
            .iter()
            .flat_map(|t| [t.to_string(), format!("{t}.should")])
            .collect();
        expected.extend(
            [
                "url",
                "httpsUrl",
                "date",
                "dateTime",
                "ags",
                "rgs",
                "ObjectList",
            ]
            .map(String::from),
        );
        if version == "1.1" {
            expected.push("Error".into());
        }
        let names: Vec<&String> = defs.keys().collect();
        assert_eq!(names, expected.iter().collect::<Vec<_>>(), "{version}");
        for (name, def) in defs {
            assert!(
                def["$comment"].as_str().is_some_and(|c| !c.is_empty()),
                "{version} {name} has no $comment naming its source"
            );
            // Every def compiles on its own.
            errors(version, name, &json!({}));
        }
    }
}

#[test]
fn spec_examples_validate_against_their_defs() {
    for (file, def) in [
        ("System-01.json", "System"),
        ("Body-01.json", "Body"),
        ("Organization-01.json", "Organization"),
        ("Person-01.json", "Person"),
        ("Paper-01.json", "Paper"),
        ("File-01.json", "File"),
    ] {
        assert_valid("1.1", def, &example(file));
    }
}

/// Two examples contradict the specification's text; the schema follows the text.
#[test]
fn spec_examples_that_the_spec_gets_wrong() {
    // Location-01 has no created/modified, which 3-01 makes mandatory on every 1.1 object.
    let mut location = example("Location-01.json");
    let errs = errors("1.1", "Location", &location);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(errs.iter().all(|e| e.starts_with(": ")), "{errs:#?}");
    location["created"] = json!("2012-01-06T12:01:00+01:00");
    location["modified"] = json!("2012-01-08T14:05:27+01:00");
    assert_valid("1.1", "Location", &location);

    // Meeting-01 embeds an AgendaItem without `order`, required by schema/AgendaItem.json.
    let mut meeting = example("Meeting-01.json");
    let errs = errors("1.1", "Meeting", &meeting);
    assert!(
        errs.len() == 1 && errs[0].starts_with("/agendaItem:"),
        "{errs:#?}"
    );
    meeting["agendaItem"][0]["order"] = json!(1);
    assert_valid("1.1", "Meeting", &meeting);
}

#[test]
fn missing_required_member() {
    let mut body = example("Body-01.json");
    body.as_object_mut().unwrap().remove("name");
    assert_invalid_at("1.1", "Body", &body, "");
    let mut file = example("File-01.json");
    file.as_object_mut().unwrap().remove("accessUrl");
    assert_invalid_at("1.1", "File", &file, "");
}

#[test]
fn null_is_must_for_mandatory_members_should_for_optional_ones() {
    let mut body = example("Body-01.json");
    body["name"] = Value::Null;
    assert_invalid_at("1.1", "Body", &body, "/name");
    let mut body = example("Body-01.json");
    body["shortName"] = Value::Null;
    assert_valid("1.1", "Body", &body);
    assert_invalid_at("1.1", "Body.should", &body, "/shortName");
}

#[test]
fn empty_string_instead_of_omitting_is_a_should() {
    // 2-04: "Bei nicht obligatorischen Eigenschaften sollte ... auf die Ausgabe eines leeren
    // Strings verzichtet werden" - SHOULD, so only the .should def rejects it.
    let mut body = example("Body-01.json");
    body["shortName"] = json!("");
    assert_valid("1.1", "Body", &body);
    assert_invalid_at("1.1", "Body.should", &body, "/shortName");
    assert_valid("1.1", "Body.should", &example("Body-01.json"));
}

#[test]
fn ags_and_rgs_digits() {
    let mut body = example("Body-01.json");
    body["ags"] = json!("0531500");
    assert_invalid_at("1.1", "Body", &body, "/ags");
    let mut body = example("Body-01.json");
    body["rgs"] = json!("05315000000");
    assert_invalid_at("1.1", "Body", &body, "/rgs");
}

#[test]
fn type_of_the_wrong_version() {
    let mut paper = example("Paper-01.json");
    paper["type"] = json!("https://schema.oparl.org/1.0/Paper");
    assert_invalid_at("1.1", "Paper", &paper, "/type");
    let mut person = example("Person-01.json");
    person["type"] = json!("https://schema.oparl.org/1.1/Organization");
    assert_invalid_at("1.1", "Person", &person, "/type");
}

#[test]
fn date_time_without_offset_and_bad_date() {
    let mut meeting = example("Meeting-01.json");
    meeting["agendaItem"][0]["order"] = json!(1);
    meeting["start"] = json!("2013-01-04T08:00:00");
    assert_invalid_at("1.1", "Meeting", &meeting, "/start");
    let mut person = example("Person-01.json");
    person["modified"] = json!("2012-08-16T14:05:27Z");
    assert_invalid_at("1.1", "Person", &person, "/modified");
    let mut file = example("File-01.json");
    file["date"] = json!("04.01.2013");
    assert_invalid_at("1.1", "File", &file, "/date");
}

#[test]
fn http_url_is_only_a_should() {
    // 2-03: HTTPS "wird empfohlen"; http:// URLs are valid OParl.
    let mut body = example("Body-01.json");
    body["id"] = json!("http://oparl.example.org/body/0");
    assert_valid("1.1", "Body", &body);
    assert_invalid_at("1.1", "Body.should", &body, "/id");
    body["id"] = json!("ftp://oparl.example.org/body/0");
    assert_invalid_at("1.1", "Body", &body, "/id");
}

#[test]
fn created_and_modified_mandatory_in_1_1_not_for_embedded_types_in_1_0() {
    let mut file = example("File-01.json");
    let obj = file.as_object_mut().unwrap();
    obj.remove("created");
    obj.remove("modified");
    assert_invalid_at("1.1", "File", &file, "");
    file["type"] = json!("https://schema.oparl.org/1.0/File");
    assert_valid("1.0", "File", &file);

    let mut person = example("Person-01.json");
    person.as_object_mut().unwrap().remove("created");
    assert_invalid_at("1.1", "Person", &person, "");
}

#[test]
fn deleted_objects_keep_only_id_type_created_modified() {
    let body = example("Body-01.json");
    let deleted = json!({
        "id": body["id"],
        "type": body["type"],
        "created": body["created"],
        "modified": "2024-05-02T10:00:00+02:00",
        "deleted": true,
    });
    assert_valid("1.1", "Body", &deleted);
    let mut missing_created = deleted.clone();
    missing_created.as_object_mut().unwrap().remove("created");
    assert_invalid_at("1.1", "Body", &missing_created, "");
    // Not deleted: every required member again.
    let mut not_deleted = deleted.clone();
    not_deleted["deleted"] = json!(false);
    assert_invalid_at("1.1", "Body", &not_deleted, "");
    // 2-05: embedded objects must not be deleted ones.
    let mut paper = example("Paper-01.json");
    paper["consultation"][0]["deleted"] = json!(true);
    assert_invalid_at("1.1", "Paper", &paper, "/consultation");
}

#[test]
fn list_pages_and_errors() {
    let page = json!({
        "data": [example("Person-01.json")],
        "pagination": {"totalElements": 1, "elementsPerPage": 20, "currentPage": 1, "totalPages": 1},
        "links": {"self": "https://oparl.example.org/body/0/person?page=1"},
    });
    assert_valid("1.1", "ObjectList", &page);
    let mut no_links = page.clone();
    no_links.as_object_mut().unwrap().remove("links");
    assert_invalid_at("1.1", "ObjectList", &no_links, "");
    let error = json!({
        "type": "https://schema.oparl.org/1.1/Error",
        "message": "Das Objekt existiert nicht.",
        "debug": "no row with id 42",
    });
    assert_valid("1.1", "Error", &error);
    let mut wrong = error.clone();
    wrong["type"] = json!("https://schema.oparl.org/1.0/Error");
    assert_invalid_at("1.1", "Error", &wrong, "/type");
}
