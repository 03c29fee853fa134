//! konform's JSON Schemas agree with the serde model: whatever the model
//! serialises validates, and the exactly-one constraints reject what the
//! model documents as invalid.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use konform_model::suite::{CaseFile, SuiteManifest};
use konform_suite::schemas::konform_schema;
use serde_json::{Value, json};

fn errors(schema_file: &str, instance: &Value) -> Vec<String> {
    let schema = konform_schema(schema_file).unwrap();
    let v = jsonschema::validator_for(schema).unwrap();
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path().as_str()))
        .collect()
}

fn rich_cases() -> Value {
    json!({"cases": [{
    "id": "a.b", "title": "t", "class": "core", "verifies": ["R-1"],
    "fixtures": {"n": 1, "o": {"x": [1, "y"]}},
    "steps": [
        {"name": "s", "request": {"method": "POST", "path": "/p", "query": {"q": 1, "r": "x"},
          "headers": {"X": "y"}, "auth": "limited", "json": {"a": null}, "body": "raw", "body_size": 10},
         "expect": {"status": [200, 201], "headers": [
             {"name": "A", "present": false}, {"name": "B", "equals": "x"}, {"name": "C", "matches": "^x"}],
           "schema": "m/1.0/s.json#/$defs/P",
           "body": [{"pointer": "/a", "equals": 1}, {"path": "$.a", "not_equals": [1]},
                    {"pointer": "/b", "matches": "x"}, {"pointer": "/c", "exists": true},
                    {"pointer": "/d", "absent": true}, {"path": "$[*]", "count": 0}],
           "problem": {"rules": ["R"], "pointers": ["/plz"]}},
         "capture": {"id": {"pointer": "/id"}, "loc": {"header": "Location"}}},
        {"request": {"method": "GET", "path": "/", "auth": "none"}, "expect": {"status": 204}},
        {"request": {"method": "GET", "path": "/", "auth": "default"}}
    ]}]})
}

#[test]
fn model_round_trip_validates() {
    let cases: CaseFile = serde_json::from_value(rich_cases()).unwrap();
    let back = serde_json::to_value(&cases).unwrap();
    assert_eq!(errors("cases.schema.json", &back), Vec::<String>::new());
    assert_eq!(
        errors("cases.schema.json", &rich_cases()),
        Vec::<String>::new()
    );

    let manifest = json!({"suite": "demo", "version": "1.0.0-rc.1+b", "title": "T", "description": "d",
        "interface": {"name": "demo", "version": "1.0", "openapi": "demo/1.0/openapi.yaml"},
        "defaults": {"step_timeout_ms": 1, "case_timeout_ms": 2, "body_limit_bytes": 3,
            "politeness": {"max_in_flight_per_host": 2, "requests_per_second": 0.5,
                "ceiling": {"max_in_flight_per_host": 4, "requests_per_second": 2, "request_budget": 5000}}},
        "fixtures": {"a": "b"},
        "requirements": [{"id": "R-1", "level": "MAY", "text": "t", "source": "s"}],
        "classes": [{"id": "core", "title": "Core", "requirements": ["R-1"]}],
        "cases": ["cases/a.yaml"]});
    let m: SuiteManifest = serde_json::from_value(manifest.clone()).unwrap();
    assert_eq!(
        errors("suite.schema.json", &serde_json::to_value(&m).unwrap()),
        Vec::<String>::new()
    );
    assert_eq!(errors("suite.schema.json", &manifest), Vec::<String>::new());
}

#[test]
fn exactly_one_constraints_reject_ambiguity() {
    let bad = [
        json!({"name": "A"}),
        json!({"name": "A", "present": true, "equals": "x"}),
    ];
    for h in bad {
        let mut c = rich_cases();
        c["cases"][0]["steps"][0]["expect"]["headers"] = json!([h]);
        assert_eq!(errors("cases.schema.json", &c).len(), 1, "{h}");
    }
    let bad_body = [
        json!({"equals": 1}),
        json!({"pointer": "/a", "path": "$.a", "equals": 1}),
        json!({"pointer": "/a"}),
        json!({"pointer": "/a", "exists": true, "absent": true}),
        json!({"pointer": "/a", "equals": null}),
    ];
    for b in bad_body {
        let mut c = rich_cases();
        c["cases"][0]["steps"][0]["expect"]["body"] = json!([b]);
        assert!(!errors("cases.schema.json", &c).is_empty(), "{b}");
    }
    for cap in [json!({}), json!({"pointer": "/a", "header": "X"})] {
        let mut c = rich_cases();
        c["cases"][0]["steps"][0]["capture"] = json!({"x": cap});
        assert_eq!(errors("cases.schema.json", &c).len(), 1, "{cap}");
    }
    let mut c = rich_cases();
    c["cases"][0]["steps"][0]["expect"]["status"] = json!(99);
    assert!(!errors("cases.schema.json", &c).is_empty());
}
