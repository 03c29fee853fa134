//! `url_for` keeps the base path prefix, carries query strings and rejects
//! bad base URLs.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod common;

use indexmap::IndexMap;
use konform_connection::{Credential, TargetError, connect_with};
use konform_model::target::TlsConfig;

fn conn(base: &str) -> Result<konform_connection::TargetConnection, TargetError> {
    common::init_crypto();
    connect_with(
        base,
        Credential::None,
        IndexMap::new(),
        &TlsConfig::default(),
        None,
        std::path::Path::new("."),
    )
}

#[test]
fn joins_keep_the_base_path_and_query() {
    let c = conn("https://x.example/api/v1").expect("connect");
    let j = |p: &str| c.url_for(p).expect("join").to_string();
    assert_eq!(j("/personen"), "https://x.example/api/v1/personen");
    assert_eq!(j("personen"), "https://x.example/api/v1/personen");
    assert_eq!(
        j("/personen?name=M%C3%BCller&limit=2"),
        "https://x.example/api/v1/personen?name=M%C3%BCller&limit=2"
    );
    assert_eq!(j(""), "https://x.example/api/v1");
    assert_eq!(j("/"), "https://x.example/api/v1/");
    assert_eq!(j("?q=1"), "https://x.example/api/v1?q=1");
    // A path that looks like an authority stays below the base.
    assert_eq!(
        j("//evil.example/x"),
        "https://x.example/api/v1//evil.example/x"
    );

    let slash = conn("https://x.example/api/v1/").expect("connect");
    assert_eq!(
        slash.url_for("/personen").expect("join").as_str(),
        "https://x.example/api/v1/personen"
    );
    let root = conn("http://127.0.0.1:8080").expect("connect");
    assert_eq!(
        root.url_for("/personen/1").expect("join").as_str(),
        "http://127.0.0.1:8080/personen/1"
    );
}

#[test]
fn bad_base_urls_are_rejected() {
    for bad in [
        "not a url",
        "ftp://x.example/",
        "https://x.example/api?x=1",
        "https://user:pw@x.example/",
    ] {
        let err = conn(bad).expect_err(bad);
        assert!(
            matches!(err, TargetError::InvalidBaseUrl { .. }),
            "{bad}: {err:?}"
        );
        assert!(!err.to_string().contains("pw@") || bad.contains("pw@"));
    }
}

#[test]
fn invalid_proxy_is_rejected() {
    common::init_crypto();
    let err = connect_with(
        "http://127.0.0.1:1/",
        Credential::None,
        IndexMap::new(),
        &TlsConfig::default(),
        Some("no proxy at all"),
        std::path::Path::new("."),
    )
    .expect_err("invalid proxy");
    assert!(matches!(err, TargetError::InvalidProxy { .. }), "{err:?}");
}
