//! Unit tests of every kind of check `checks.rs` implements, through
//! [`check`] as the runner calls it: each asserts the outcome and the
//! expected/received text a report shows.

use http::{HeaderMap, HeaderName, HeaderValue};
use indexmap::IndexMap;
use konform_model::suite::{Attribution, Case};

use super::*;

const SCHEMA_FILE: &str = "t/1.0/schemas.json";
const PERSON: &str = "t/1.0/schemas.json#/$defs/Person";

/// One case with one step whose `expect` and `capture` are given as JSON.
fn case(expect: Value, capture: Value) -> Case {
    serde_json::from_value(json!({
        "id": "c", "title": "t", "class": "k", "verifies": ["REQ-CASE"],
        "steps": [{"request": {"method": "GET", "path": "/"}, "expect": expect, "capture": capture}]
    }))
    .expect("case")
}

fn schema_doc() -> Value {
    json!({"$defs": {"Person": {
        "type": "object", "required": ["name"],
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}
    }}})
}

/// Renders templates with the suite's template language over a few
/// fixtures (`{{ fixtures.name }}` etc.); an unknown name fails.
fn render(value: &Value) -> Result<Value, RenderError> {
    let fixtures = json!({"name": "Anna", "n": 2, "pattern": "^A"});
    let lookup = |var: &konform_suite::template::Var| fixtures.get(&var.name).cloned();
    konform_suite::template::render_value(value, &lookup)
}

struct Response {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).expect("name"),
            HeaderValue::from_bytes(value.as_bytes()).expect("value"),
        );
    }
    Response {
        status,
        headers: map,
        body: body.to_vec(),
    }
}

fn json_response(status: u16, body: &Value) -> Response {
    response(
        status,
        &[("content-type", "application/json")],
        body.to_string().as_bytes(),
    )
}

fn run_with(expect: Value, capture: Value, r: &Response, attribution: &Attribution) -> CheckResult {
    let case = case(expect, capture);
    let doc = schema_doc();
    let compiled =
        Compiled::new(std::slice::from_ref(&case), [(SCHEMA_FILE, &doc)]).expect("compiles");
    let step = &case.steps[0];
    let attr = Attributor::for_step(&case, step, attribution);
    let view = ResponseView {
        status: r.status,
        headers: &r.headers,
        body: &r.body,
    };
    check(
        &step.expect,
        &step.capture,
        &view,
        &compiled,
        &attr,
        &mut render,
    )
}

fn run(expect: Value, r: &Response) -> CheckResult {
    run_with(expect, json!({}), r, &Attribution::default())
}

/// The one outcome whose check is named `name`.
fn outcome<'a>(result: &'a CheckResult, name: &str) -> &'a AssertionOutcome {
    let found: Vec<_> = result.outcomes.iter().filter(|o| o.check == name).collect();
    assert_eq!(found.len(), 1, "one `{name}` in {:#?}", result.outcomes);
    found[0]
}

// ---- status ----

#[test]
fn status_one_code() {
    let ok = run(json!({"status": 201}), &response(201, &[], b""));
    let o = outcome(&ok, "status");
    assert!(o.passed);
    assert_eq!(o.expected, Some(json!(201)));
    assert_eq!(o.received, Some(json!(201)));
    assert_eq!(o.requirements, vec!["REQ-CASE".to_string()]);

    let bad = run(json!({"status": 201}), &response(200, &[], b""));
    let o = outcome(&bad, "status");
    assert!(!o.passed);
    assert_eq!(o.received, Some(json!(200)));
    assert_eq!(o.message, None);
}

#[test]
fn status_any_of() {
    for code in [200, 204] {
        assert!(
            outcome(
                &run(json!({"status": [200, 204]}), &response(code, &[], b"")),
                "status"
            )
            .passed
        );
    }
    let bad = run(json!({"status": [200, 204]}), &response(404, &[], b""));
    let o = outcome(&bad, "status");
    assert!(!o.passed);
    assert_eq!(o.expected, Some(json!([200, 204])));
}

#[test]
fn status_attributed_blames_its_own_requirements() {
    let bad = run(
        json!({"status": {"is": 201, "verifies": ["REQ-S"]}}),
        &response(400, &[], b""),
    );
    let o = outcome(&bad, "status");
    assert!(!o.passed);
    assert_eq!(o.expected, Some(json!(201)));
    assert_eq!(o.requirements, vec!["REQ-S".to_string()]);
}

#[test]
fn wrong_status_stops_and_lists_what_was_not_evaluated() {
    let problem = json!({"type": "about:blank", "title": "Bad", "detail": "plz", "status": 400});
    let r = response(
        400,
        &[("content-type", "application/problem+json")],
        problem.to_string().as_bytes(),
    );
    let result = run_with(
        json!({"status": 201, "headers": [{"name": "Location"}], "schema": PERSON,
               "body": [{"pointer": "/name", "exists": true}], "problem": {}}),
        json!({"id": {"pointer": "/id"}}),
        &r,
        &Attribution::default(),
    );
    assert_eq!(result.outcomes.len(), 1);
    // The message shows the problem's title and detail.
    assert_eq!(result.outcomes[0].message.as_deref(), Some("Bad: plz"));
    assert_eq!(
        result.not_evaluated,
        vec![
            "header Location".to_string(),
            "problem".into(),
            format!("schema {PERSON}"),
            "body /name".into(),
            "capture id".into()
        ]
    );
}

// ---- headers ----

#[test]
fn header_present_and_absent_names_case_insensitive() {
    let r = response(200, &[("ETag", "\"v1\"")], b"");
    let present = run(json!({"headers": [{"name": "etag"}]}), &r);
    let o = outcome(&present, "header etag present");
    assert!(o.passed);
    assert_eq!(o.expected, Some(json!("present")));
    assert_eq!(o.received, Some(json!("\"v1\"")));

    let missing = run(json!({"headers": [{"name": "Location"}]}), &r);
    let o = outcome(&missing, "header Location present");
    assert!(!o.passed);
    assert_eq!(o.received, Some(Value::Null));

    let absent = run(json!({"headers": [{"name": "ETAG", "present": false}]}), &r);
    let o = outcome(&absent, "header ETAG absent");
    assert!(!o.passed);
    assert_eq!(o.expected, Some(json!("absent")));
    assert!(
        outcome(
            &run(
                json!({"headers": [{"name": "X-Gone", "present": false}]}),
                &r
            ),
            "header X-Gone absent"
        )
        .passed
    );
}

#[test]
fn header_equals_renders_templates_and_sees_every_value() {
    let r = response(200, &[("x-name", "Bob"), ("X-Name", "Anna")], b"");
    let result = run(
        json!({"headers": [{"name": "X-NAME", "equals": "{{ fixtures.name }}"}]}),
        &r,
    );
    let o = outcome(&result, "header X-NAME equals");
    assert!(o.passed);
    assert_eq!(o.expected, Some(json!("Anna")));
    assert_eq!(o.received, Some(json!(["Bob", "Anna"])));

    let bad = run(
        json!({"headers": [{"name": "x-name", "equals": "Carl"}]}),
        &r,
    );
    assert!(!outcome(&bad, "header x-name equals").passed);
}

#[test]
fn header_matches() {
    let r = response(200, &[("location", "/personen/42")], b"");
    let ok = run(
        json!({"headers": [{"name": "Location", "matches": "^/personen/[0-9]+$"}]}),
        &r,
    );
    let o = outcome(&ok, "header Location matches");
    assert!(o.passed);
    assert_eq!(o.expected, Some(json!("^/personen/[0-9]+$")));
    assert_eq!(o.received, Some(json!("/personen/42")));
    let bad = run(
        json!({"headers": [{"name": "Location", "matches": "^/orte/"}]}),
        &r,
    );
    assert!(!outcome(&bad, "header Location matches").passed);
    // A missing header matches nothing.
    let none = run(
        json!({"headers": [{"name": "X-None", "matches": ".*"}]}),
        &r,
    );
    assert!(!outcome(&none, "header X-None matches").passed);
}

#[test]
fn header_template_that_does_not_render_is_a_fixture_error() {
    let r = response(200, &[("x", "y")], b"");
    let result = run(
        json!({"headers": [{"name": "x", "equals": "{{ fixtures.missing }}"}]}),
        &r,
    );
    assert!(result.outcomes.is_empty());
    let (kind, message) = result.error.expect("an error");
    assert_eq!(kind, ErrorKind::Fixture);
    assert_eq!(
        message,
        "template variable `fixtures.missing` is not defined"
    );
}

#[test]
fn templated_regex_that_does_not_compile_is_a_fixture_error() {
    // A literal pattern that does not compile is refused before the run
    // (`Compiled::new`); a rendered one fails at the check.
    let case = case(
        json!({"headers": [{"name": "x", "matches": "("}]}),
        json!({}),
    );
    let doc = schema_doc();
    assert!(Compiled::new(std::slice::from_ref(&case), [(SCHEMA_FILE, &doc)]).is_err());

    fn bad_render(_: &Value) -> Result<Value, RenderError> {
        Ok(json!("("))
    }
    let case = self::case(
        json!({"body": [{"pointer": "/a", "matches": "{{ fixtures.pattern }}"}]}),
        json!({}),
    );
    let compiled =
        Compiled::new(std::slice::from_ref(&case), [(SCHEMA_FILE, &doc)]).expect("compiles");
    let r = json_response(200, &json!({"a": "A"}));
    let attribution = Attribution::default();
    let attr = Attributor::for_step(&case, &case.steps[0], &attribution);
    let view = ResponseView {
        status: r.status,
        headers: &r.headers,
        body: &r.body,
    };
    let result = check(
        &case.steps[0].expect,
        &case.steps[0].capture,
        &view,
        &compiled,
        &attr,
        &mut bad_render,
    );
    let (kind, message) = result.error.expect("an error");
    assert_eq!(kind, ErrorKind::Fixture);
    assert!(
        message.starts_with("regular expression `(` does not compile"),
        "{message}"
    );
}

// ---- body at a pointer ----

fn body(check: Value, json: &Value) -> CheckResult {
    run(json!({"body": [check]}), &json_response(200, json))
}

#[test]
fn body_equals_at_pointer_with_template() {
    let doc = json!({"name": "Anna", "n": 2.0});
    let ok = body(
        json!({"pointer": "/name", "equals": "{{ fixtures.name }}"}),
        &doc,
    );
    let o = outcome(&ok, "body /name equals");
    assert!(o.passed);
    assert_eq!(o.expected, Some(json!("Anna")));
    assert_eq!(o.received, Some(json!("Anna")));
    // One expression keeps the number type; 2 equals 2.0.
    assert!(
        outcome(
            &body(json!({"pointer": "/n", "equals": "{{ fixtures.n }}"}), &doc),
            "body /n equals"
        )
        .passed
    );

    let bad = body(json!({"pointer": "/name", "equals": "Bob"}), &doc);
    let o = outcome(&bad, "body /name equals");
    assert!(!o.passed);
    assert_eq!(o.expected, Some(json!("Bob")));
    assert_eq!(o.received, Some(json!("Anna")));
    // A missing member equals nothing and is received as null.
    let missing = body(json!({"pointer": "/nope", "equals": "x"}), &doc);
    let o = outcome(&missing, "body /nope equals");
    assert!(!o.passed);
    assert_eq!(o.received, Some(Value::Null));
    // The empty pointer is the whole document.
    let root = body(
        json!({"pointer": "", "equals": {"name": "Anna", "n": 2}}),
        &doc,
    );
    assert!(outcome(&root, "body (root) equals").passed);
}

#[test]
fn body_not_equals() {
    let doc = json!({"id": "a"});
    assert!(
        outcome(
            &body(json!({"pointer": "/id", "not_equals": "b"}), &doc),
            "body /id not equals"
        )
        .passed
    );
    let same = body(json!({"pointer": "/id", "not_equals": "a"}), &doc);
    let o = outcome(&same, "body /id not equals");
    assert!(!o.passed);
    assert_eq!(o.expected, Some(json!("a")));
    // A missing member is not "not equal": there is nothing to compare.
    assert!(
        !outcome(
            &body(json!({"pointer": "/x", "not_equals": "a"}), &doc),
            "body /x not equals"
        )
        .passed
    );
}

#[test]
fn body_matches_only_strings() {
    let doc = json!({"plz": "10115", "num": 10115});
    let ok = body(json!({"pointer": "/plz", "matches": "^[0-9]{5}$"}), &doc);
    let o = outcome(&ok, "body /plz matches");
    assert!(o.passed);
    assert_eq!(o.expected, Some(json!("^[0-9]{5}$")));
    let number = body(json!({"pointer": "/num", "matches": "^[0-9]{5}$"}), &doc);
    let o = outcome(&number, "body /num matches");
    assert!(!o.passed, "a number is not matched as its text");
    assert_eq!(o.received, Some(json!(10115)));
    let templated = body(
        json!({"pointer": "/plz", "matches": "{{ fixtures.pattern }}"}),
        &json!({"plz": "Anna"}),
    );
    assert!(outcome(&templated, "body /plz matches").passed);
}

#[test]
fn body_exists_and_absent() {
    let doc = json!({"a": null});
    // A member whose value is null exists.
    assert!(
        outcome(
            &body(json!({"pointer": "/a", "exists": true}), &doc),
            "body /a exists"
        )
        .passed
    );
    let o = body(json!({"pointer": "/b", "exists": true}), &doc);
    let o = outcome(&o, "body /b exists");
    assert!(!o.passed);
    assert_eq!(o.expected, Some(json!("exists")));
    assert!(
        outcome(
            &body(json!({"pointer": "/b", "absent": true}), &doc),
            "body /b absent"
        )
        .passed
    );
    assert!(
        outcome(
            &body(json!({"pointer": "/b", "exists": false}), &doc),
            "body /b absent"
        )
        .passed
    );
    let o = body(json!({"pointer": "/a", "absent": true}), &doc);
    let o = outcome(&o, "body /a absent");
    assert!(!o.passed);
    assert_eq!(o.expected, Some(json!("absent")));
}

#[test]
fn body_count_at_pointer() {
    let doc = json!({"list": [1, 2, 3], "obj": {"a": 1}, "empty": [], "s": "abc"});
    let o = body(json!({"pointer": "/list", "count": 3}), &doc);
    let o = outcome(&o, "body /list count");
    assert!(o.passed);
    assert_eq!(o.received, Some(json!(3)));
    let o = body(json!({"pointer": "/list", "count": 2}), &doc);
    let o = outcome(&o, "body /list count");
    assert!(!o.passed);
    assert_eq!(
        (o.expected.clone(), o.received.clone()),
        (Some(json!(2)), Some(json!(3)))
    );
    assert!(
        outcome(
            &body(json!({"pointer": "/obj", "count": 1}), &doc),
            "body /obj count"
        )
        .passed
    );
    assert!(
        outcome(
            &body(json!({"pointer": "/empty", "count": 0}), &doc),
            "body /empty count"
        )
        .passed
    );
    // Neither an array nor an object, or missing: the value itself is shown.
    let o = body(json!({"pointer": "/s", "count": 0}), &doc);
    let o = outcome(&o, "body /s count");
    assert!(!o.passed);
    assert_eq!(o.received, Some(json!("abc")));
    let o = body(json!({"pointer": "/missing", "count": 0}), &doc);
    let o = outcome(&o, "body /missing count");
    assert!(!o.passed, "a missing member has no count, not count 0");
    assert_eq!(o.received, Some(Value::Null));
}

// ---- body at a JSONPath ----

#[test]
fn body_at_jsonpath() {
    let doc = json!({"items": [{"k": "a"}, {"k": "a"}, {"k": "b"}]});
    let o = body(json!({"path": "$.items[*].k", "count": 3}), &doc);
    let o = outcome(&o, "body $.items[*].k count");
    assert!(o.passed);
    assert_eq!(o.received, Some(json!(3)));
    let o = body(json!({"path": "$.items[?@.k == 'z']", "count": 0}), &doc);
    assert!(outcome(&o, "body $.items[?@.k == 'z'] count").passed);
    // equals holds for every node, and the nodes are received as a list.
    let o = body(json!({"path": "$.items[*].k", "equals": "a"}), &doc);
    let o = outcome(&o, "body $.items[*].k equals");
    assert!(!o.passed);
    assert_eq!(o.received, Some(json!(["a", "a", "b"])));
    let o = body(json!({"path": "$.items[0:2].k", "equals": "a"}), &doc);
    assert!(outcome(&o, "body $.items[0:2].k equals").passed);
    // A single node is still received as a list for a path.
    let o = body(json!({"path": "$.items[2].k", "exists": true}), &doc);
    let o = outcome(&o, "body $.items[2].k exists");
    assert!(o.passed);
    assert_eq!(o.received, Some(json!(["b"])));
    let o = body(json!({"path": "$.nope", "absent": true}), &doc);
    assert!(outcome(&o, "body $.nope absent").passed);
}

#[test]
fn body_templated_jsonpath_is_rendered() {
    let doc = json!({"people": [{"name": "Anna"}, {"name": "Bob"}]});
    let o = body(
        json!({"path": "$.people[?@.name == '{{ fixtures.name }}']", "count": 1}),
        &doc,
    );
    let o = outcome(&o, "body $.people[?@.name == 'Anna'] count");
    assert!(o.passed);
    assert_eq!(o.received, Some(json!(1)));
    let o = body(
        json!({"path": "$.people[?@.name == '{{ fixtures.nobody }}']", "count": 0}),
        &doc,
    );
    let (kind, message) = o.error.expect("error");
    assert_eq!(kind, ErrorKind::Fixture);
    assert_eq!(
        message,
        "template variable `fixtures.nobody` is not defined"
    );
}

// ---- problem+json ----

fn problem_response(status: u16, media: &str, body: &Value) -> Response {
    response(
        status,
        &[("content-type", media)],
        body.to_string().as_bytes(),
    )
}

#[test]
fn problem_shape() {
    let doc = json!({"type": "about:blank", "title": "Bad", "status": 400,
                     "errors": [{"rule": "PLZ_FORMAT", "pointer": "/plz"}]});
    let attribution = Attribution {
        well_formed: None,
        problem: Some("REQ-PROBLEM".into()),
    };
    let ok = run_with(
        json!({"problem": {}}),
        json!({}),
        &problem_response(400, "application/problem+json; charset=utf-8", &doc),
        &attribution,
    );
    let media = outcome(&ok, "problem content-type");
    assert!(media.passed);
    assert_eq!(
        media.received,
        Some(json!("application/problem+json; charset=utf-8"))
    );
    assert_eq!(media.requirements, vec!["REQ-PROBLEM".to_string()]);
    assert!(outcome(&ok, "problem members type, title, status").passed);

    let plain = run(
        json!({"problem": {}}),
        &problem_response(400, "application/json", &doc),
    );
    let media = outcome(&plain, "problem content-type");
    assert!(!media.passed);
    assert_eq!(media.expected, Some(json!("application/problem+json")));
    assert_eq!(media.received, Some(json!("application/json")));
}

#[test]
fn problem_members_and_status_equal_to_http_status() {
    let ok_doc = json!({"type": "about:blank", "title": "Bad", "status": 400});
    let wrong_status = run(
        json!({"problem": {}}),
        &problem_response(422, "application/problem+json", &ok_doc),
    );
    let o = outcome(&wrong_status, "problem members type, title, status");
    assert!(!o.passed);
    assert_eq!(
        o.expected,
        Some(json!({"type": "string", "title": "string", "status": 422}))
    );
    assert_eq!(
        o.received,
        Some(json!({"type": "about:blank", "title": "Bad", "status": 400}))
    );

    let string_status = json!({"type": "about:blank", "title": "Bad", "status": "400"});
    let o = run(
        json!({"problem": {}}),
        &problem_response(400, "application/problem+json", &string_status),
    );
    assert!(!outcome(&o, "problem members type, title, status").passed);

    let no_title = json!({"type": "about:blank", "status": 400, "errors": [{"rule": "R"}]});
    let o = run(
        json!({"problem": {"rules": ["R"]}}),
        &problem_response(400, "application/problem+json", &no_title),
    );
    let members = outcome(&o, "problem members type, title, status");
    assert!(!members.passed);
    assert_eq!(
        members.received,
        Some(json!({"type": "about:blank", "title": null, "status": 400}))
    );
    // Without the members the error list is not evaluated.
    assert!(
        o.outcomes
            .iter()
            .all(|x| !x.check.starts_with("problem errors"))
    );
    assert_eq!(o.not_evaluated, vec!["problem errors[]".to_string()]);
}

#[test]
fn problem_rules_and_pointers_contained() {
    let doc = json!({"type": "about:blank", "title": "Bad", "status": 400,
                     "errors": [{"rule": "PLZ_FORMAT", "pointer": "/plz"}]});
    let r = problem_response(400, "application/problem+json", &doc);
    let result = run(
        json!({"problem": {"rules": ["PLZ_FORMAT", "NAME_LENGTH"], "pointers": ["/plz"], "verifies": ["REQ-E"]}}),
        &r,
    );
    let rules: Vec<_> = result
        .outcomes
        .iter()
        .filter(|o| o.check == "problem errors[*].rule contains")
        .collect();
    assert_eq!(rules.len(), 2);
    assert!(rules[0].passed);
    assert_eq!(rules[0].expected, Some(json!("PLZ_FORMAT")));
    assert_eq!(rules[0].received, Some(json!(["PLZ_FORMAT"])));
    assert_eq!(rules[0].requirements, vec!["REQ-E".to_string()]);
    assert!(!rules[1].passed);
    assert_eq!(rules[1].expected, Some(json!("NAME_LENGTH")));
    assert!(outcome(&result, "problem errors[*].pointer contains").passed);
}

#[test]
fn problem_errors_contains_and_exactly() {
    let doc = json!({"type": "about:blank", "title": "Bad", "status": 400,
                     "errors": [{"rule": "FIN", "pointer": "/fin"}, {"rule": "FIN", "pointer": "/fin"}]});
    let r = problem_response(400, "application/problem+json", &doc);
    let contains = run(
        json!({"problem": {"errors": {"contains": [{"rule": "FIN", "pointer": "/fin"}]}}}),
        &r,
    );
    let o = outcome(&contains, "problem errors[] has");
    assert!(o.passed);
    assert_eq!(o.expected, Some(json!({"rule": "FIN", "pointer": "/fin"})));
    assert_eq!(o.received, Some(doc["errors"].clone()));
    assert!(
        contains
            .outcomes
            .iter()
            .all(|o| o.check != "problem errors[] has no others")
    );

    // `exactly` refuses the duplicate error and names it.
    let exactly = run(
        json!({"problem": {"errors": {"exactly": [{"rule": "FIN"}]}}}),
        &r,
    );
    assert!(outcome(&exactly, "problem errors[] has").passed);
    let others = outcome(&exactly, "problem errors[] has no others");
    assert!(!others.passed);
    assert_eq!(others.expected, Some(json!(1)));
    assert_eq!(
        others.message.as_deref(),
        Some(r#"unexpected errors: [{"rule":"FIN","pointer":"/fin"}]"#)
    );
    let both = run(
        json!({"problem": {"errors": {"exactly": [{"rule": "FIN"}, {"pointer": "/fin"}]}}}),
        &r,
    );
    assert!(
        both.outcomes.iter().all(|o| o.passed),
        "{:#?}",
        both.outcomes
    );

    // A spurious error of another rule.
    let spurious = json!({"type": "about:blank", "title": "Bad", "status": 400,
                          "errors": [{"rule": "FIN", "pointer": "/fin"}, {"rule": "LEN", "pointer": "/name"}]});
    let o = run(
        json!({"problem": {"errors": {"exactly": [{"rule": "FIN", "pointer": "/fin"}]}}}),
        &problem_response(400, "application/problem+json", &spurious),
    );
    let others = outcome(&o, "problem errors[] has no others");
    assert!(!others.passed);
    assert_eq!(
        others.message.as_deref(),
        Some(r#"unexpected errors: [{"rule":"LEN","pointer":"/name"}]"#)
    );

    // No `errors` member at all: nothing is contained.
    let none = json!({"type": "about:blank", "title": "Bad", "status": 400});
    let o = run(
        json!({"problem": {"errors": {"contains": [{"rule": "FIN"}]}}}),
        &problem_response(400, "application/problem+json", &none),
    );
    let has = outcome(&o, "problem errors[] has");
    assert!(!has.passed);
    assert_eq!(has.received, Some(json!([])));
}

// ---- schema ----

#[test]
fn schema_check() {
    let ok = run(
        json!({"schema": PERSON}),
        &json_response(200, &json!({"name": "Anna"})),
    );
    let o = outcome(&ok, &format!("schema {PERSON}"));
    assert!(o.passed);
    assert_eq!(o.expected, Some(json!(PERSON)));
    assert_eq!(o.received, None);
    assert_eq!(
        ok.schema_check,
        Some(
            ok.outcomes
                .iter()
                .position(|x| x.check == o.check)
                .expect("index")
        )
    );

    let bad = run(
        json!({"schema": {"ref": PERSON, "verifies": ["REQ-SCHEMA"]}}),
        &json_response(200, &json!({"age": "x"})),
    );
    let o = outcome(&bad, &format!("schema {PERSON}"));
    assert!(!o.passed);
    assert_eq!(o.requirements, vec!["REQ-SCHEMA".to_string()]);
    let received = o.received.clone().expect("paths");
    assert!(
        received
            .as_array()
            .is_some_and(|a| a.contains(&json!("/age")) && a.contains(&json!(""))),
        "{received}"
    );
    let message = o.message.clone().expect("message");
    assert!(
        message.contains("at /age: ") && message.contains("at (root): "),
        "{message}"
    );
}

// ---- well-formedness ----

#[test]
fn well_formed_json_passes_and_is_attributed_to_the_suite() {
    let attribution = Attribution {
        well_formed: Some("REQ-WF".into()),
        problem: None,
    };
    let r = json_response(200, &json!({"a": 1}));
    let result = run_with(
        json!({"body": [{"pointer": "/a", "equals": 1}]}),
        json!({}),
        &r,
        &attribution,
    );
    let o = outcome(&result, "response well-formed");
    assert!(o.passed);
    assert_eq!(
        o.expected,
        Some(json!(
            "UTF-8 JSON with a JSON media type, no Content-Encoding"
        ))
    );
    assert_eq!(o.requirements, vec!["REQ-WF".to_string()]);
    // `+json` suffixes count as JSON.
    let r = response(200, &[("content-type", "application/vnd.x+json")], b"{}");
    assert!(
        outcome(
            &run(json!({"body": [{"pointer": "", "count": 0}]}), &r),
            "response well-formed"
        )
        .passed
    );
}

#[test]
fn well_formed_refuses_non_utf8() {
    let r = response(
        200,
        &[("content-type", "application/json")],
        b"{\"name\": \"M\xfcller\"}",
    );
    let result = run(json!({"body": [{"pointer": "/name", "exists": true}]}), &r);
    let o = outcome(&result, "response well-formed");
    assert!(!o.passed);
    assert_eq!(o.received, Some(json!("application/json")));
    let message = o.message.clone().expect("message");
    assert!(
        message.starts_with("response body is not well-formed UTF-8 JSON: "),
        "{message}"
    );
    assert_eq!(result.not_evaluated, vec!["body /name".to_string()]);
}

#[test]
fn well_formed_refuses_an_empty_body_where_json_is_needed() {
    let r = response(200, &[("content-type", "application/json")], b"");
    let result = run(json!({"body": [{"pointer": "/a", "exists": true}]}), &r);
    let o = outcome(&result, "response well-formed");
    assert!(!o.passed);
    assert_eq!(o.message.as_deref(), Some("response body is empty"));
    // An empty body that nothing needs is not checked at all.
    let nothing = run(json!({"status": 200}), &r);
    assert!(
        nothing
            .outcomes
            .iter()
            .all(|o| o.check != "response well-formed")
    );
}

#[test]
fn well_formed_refuses_a_non_json_media_type() {
    let r = response(200, &[("content-type", "text/html; charset=utf-8")], b"{}");
    let result = run(json!({"schema": PERSON}), &r);
    let o = outcome(&result, "response well-formed");
    assert!(!o.passed);
    assert_eq!(o.received, Some(json!("text/html")));
    assert_eq!(
        o.message.as_deref(),
        Some("the response is not JSON: media type text/html")
    );
    assert_eq!(result.not_evaluated, vec![format!("schema {PERSON}")]);
    let missing = run(json!({"schema": PERSON}), &response(200, &[], b"{}"));
    let o = outcome(&missing, "response well-formed");
    assert_eq!(
        o.message.as_deref(),
        Some("the response is not JSON: media type missing")
    );
    // A declared JSON body is checked even when no check needs it.
    let broken = run(
        json!({"status": 200}),
        &response(200, &[("content-type", "application/json")], b"{"),
    );
    assert!(!outcome(&broken, "response well-formed").passed);
}

#[test]
fn a_response_that_is_not_json_where_json_is_needed_blames_the_step_not_well_formedness() {
    let suite = Attribution {
        well_formed: Some("REQ-WELL-FORMED".into()),
        ..Attribution::default()
    };
    let not_json = response(404, &[("content-type", "text/plain")], b"not found");
    let result = run_with(json!({"schema": PERSON}), json!({}), &not_json, &suite);
    let o = outcome(&result, "response well-formed");
    assert!(!o.passed);
    assert_eq!(o.requirements, vec!["REQ-CASE".to_string()]);
    // JSON that is broken is the suite's well-formedness requirement.
    let broken = response(
        200,
        &[("content-type", "application/json")],
        b"\xEF\xBB\xBF{}",
    );
    let result = run_with(json!({"schema": PERSON}), json!({}), &broken, &suite);
    let o = outcome(&result, "response well-formed");
    assert!(!o.passed);
    assert_eq!(o.requirements, vec!["REQ-WELL-FORMED".to_string()]);
}

#[test]
fn well_formed_refuses_an_unrequested_content_encoding() {
    let r = response(200, &[("content-encoding", "gzip")], b"\x1f\x8b");
    let result = run(json!({"status": 200}), &r);
    let o = outcome(&result, "response well-formed");
    assert!(!o.passed);
    assert_eq!(o.expected, Some(json!("no Content-Encoding")));
    assert_eq!(o.received, Some(json!("Content-Encoding: gzip")));
    assert_eq!(
        o.message.as_deref(),
        Some(
            "the body is encoded with `gzip`, which konform did not accept (it sends no Accept-Encoding)"
        )
    );
    // `identity` is no encoding.
    let identity = run(
        json!({"status": 200}),
        &response(200, &[("content-encoding", "identity")], b""),
    );
    assert!(
        identity
            .outcomes
            .iter()
            .all(|o| o.check != "response well-formed")
    );
}

#[test]
fn nesting_beyond_the_limit_is_a_harness_error() {
    let deep = format!(
        "{}{}",
        "[".repeat(MAX_JSON_DEPTH + 1),
        "]".repeat(MAX_JSON_DEPTH + 1)
    );
    let r = response(
        200,
        &[("content-type", "application/json")],
        deep.as_bytes(),
    );
    let result = run(json!({"body": [{"pointer": "", "exists": true}]}), &r);
    assert_eq!(
        result.error.as_ref().map(|e| e.0),
        Some(ErrorKind::HarnessLimit)
    );
    assert!(
        result
            .outcomes
            .iter()
            .all(|o| o.check != "response well-formed")
    );
}

// ---- captures ----

#[test]
fn captures_from_header_and_body() {
    let r = response(
        201,
        &[("content-type", "application/json"), ("location", "/p/1")],
        br#"{"id": 7}"#,
    );
    let result = run_with(
        json!({"status": 201}),
        json!({"loc": {"header": "Location"}, "id": {"pointer": "/id"}}),
        &r,
        &Attribution::default(),
    );
    assert_eq!(
        result.captured,
        vec![
            ("loc".to_string(), json!("/p/1")),
            ("id".to_string(), json!(7))
        ]
    );

    let missing = run_with(
        json!({}),
        json!({"x": {"pointer": "/x"}}),
        &r,
        &Attribution::default(),
    );
    let o = outcome(&missing, "capture x");
    assert!(!o.passed);
    assert_eq!(
        o.message.as_deref(),
        Some("no value at /x in the response body")
    );
    assert!(missing.captured.is_empty());
}

#[test]
fn no_checks_without_expectations() {
    let _ = IndexMap::<String, Capture>::new();
    let result = run(json!({}), &response(200, &[], b""));
    assert!(
        result.outcomes.is_empty() && result.error.is_none() && result.not_evaluated.is_empty()
    );
}
