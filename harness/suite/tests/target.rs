//! `parse_document` on target files: the same YAML + schema + position
//! machinery the suite loader uses.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use konform_model::target::{AuthConfig, TargetFile};
use konform_suite::diagnostics::codes;
use konform_suite::parse_document;
use konform_suite::schemas::konform_schema;

fn schema() -> &'static serde_json::Value {
    konform_schema("target.schema.json").expect("embedded target schema")
}

#[test]
fn valid_target_deserialises() {
    let text = "identity:\n  operator: Freistaat Sachsen\n  vendor: ACME\n  product: Melde\n  version: \"2.1\"\nbase_url: http://127.0.0.1:8080/api\nauth:\n  kind: bearer\n  token_env: MW_TOKEN\nauth_profiles:\n  limited:\n    kind: oauth2_client_credentials\n    token_url: http://127.0.0.1:9/token\n    client_id_env: ID\n    client_secret_env: SECRET\nclasses: [core]\nlimits:\n  step_timeout_ms: 500\ntls:\n  insecure: true\n";
    let (t, spans): (TargetFile, _) = parse_document("target.yaml", text, schema())
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert_eq!(
        t.auth,
        AuthConfig::Bearer {
            token_env: "MW_TOKEN".into()
        }
    );
    assert_eq!(t.classes, Some(vec!["core".to_string()]));
    assert_eq!(spans.value("/base_url").unwrap().line, 6);
}

#[test]
fn schema_errors_point_at_keys_and_values() {
    let text = "identity:\n  operator: X\n  vendor: Y\n  product: Z\n  version: \"1\"\nbase_url: http://127.0.0.1/\nauth:\n  kind: bearer\n  token: secret\njobs: many\n";
    let err = parse_document::<TargetFile>("target.yaml", text, schema()).unwrap_err();
    let got: Vec<_> = err
        .iter()
        .map(|d| {
            (
                d.code,
                d.pos.unwrap().line,
                d.pos.unwrap().column,
                d.message.clone(),
            )
        })
        .collect();
    assert!(
        got.contains(&(
            codes::SCHEMA,
            9,
            3,
            "unknown key `token` (expected one of `kind`, `token_env`)".into()
        )),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|g| g.1 == 7 && g.3 == "missing required key `token_env`"),
        "{got:?}"
    );
    assert!(
        got.contains(&(
            codes::SCHEMA,
            10,
            7,
            "expected integer, found string".into()
        )),
        "{got:?}"
    );
    // The rendered form names the file with line and column.
    assert!(err.render(false).contains("[target.yaml:10:7]"));
}

#[test]
fn every_model_variant_is_accepted_by_the_schema() {
    let t = TargetFile {
        identity: Default::default(),
        base_url: "http://127.0.0.1/".into(),
        auth: AuthConfig::Oauth2ClientCredentials {
            token_url: "http://127.0.0.1/t".into(),
            client_id_env: "A".into(),
            client_secret_env: "B".into(),
            scope: Some("s".into()),
        },
        auth_profiles: [("none".to_string(), AuthConfig::None)]
            .into_iter()
            .collect(),
        classes: None,
        fixtures: Default::default(),
        jobs: Some(2),
        limits: Default::default(),
        politeness: konform_model::politeness::Politeness {
            max_in_flight_per_host: Some(2),
            requests_per_second: Some(0.5),
            request_budget: Some(1000),
        },
        tls: Default::default(),
        proxy: Some("http://127.0.0.1:3128".into()),
        known_deviations: vec![konform_model::target::KnownDeviation {
            case: Some("a.b".into()),
            requirement: None,
            justification: "fixed in 4.2".into(),
            expires: Some("2099-12-31".into()),
        }],
    };
    let json = serde_json::to_value(&t).unwrap();
    let v = jsonschema::validator_for(schema()).unwrap();
    let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn yaml_errors_never_panic() {
    for text in [
        "",
        "[",
        "base_url: [",
        "a: *x",
        "- 1\n- 2",
        "identity: {operator: 1}",
    ] {
        assert!(
            parse_document::<TargetFile>("t.yaml", text, schema()).is_err(),
            "{text}"
        );
    }
}
