//! The compatibility matrix over real reports: a signed conformant one, an
//! unsigned one, and a signed one edited afterwards must show as `verified`,
//! `unsigned` and `invalid`; the page loads nothing from outside.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn konform(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run konform")
}

fn ok(out: &std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn matrix_marks_signed_unsigned_and_invalid_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |name: &str| dir.path().join(name).display().to_string();
    let registry = dir.path().join("registry");
    for sub in ["signed", "unsigned", "tampered"] {
        ok(&konform(&[
            "run",
            "meldewesen",
            "-q",
            "--out",
            &p(&format!("registry/{sub}")),
        ]));
    }
    ok(&konform(&[
        "keygen",
        "--name",
        "pruefstelle",
        "--out",
        &p("keys"),
    ]));
    let key = p("keys/pruefstelle.key.pem");
    for sub in ["signed", "tampered"] {
        ok(&konform(&[
            "report",
            "sign",
            &p(&format!("registry/{sub}/meldewesen@1.1.0.json")),
            "--key",
            &key,
        ]));
    }
    // Edit a verdict after signing.
    let tampered = registry.join("tampered/meldewesen@1.1.0.json");
    let text = std::fs::read_to_string(&tampered).expect("read");
    std::fs::write(
        &tampered,
        text.replacen("\"verdict\": \"pass\"", "\"verdict\": \"fail\"", 1),
    )
    .expect("write");

    let out = konform(&[
        "matrix",
        &registry.display().to_string(),
        "-o",
        &p("matrix.html"),
        "--json",
        &p("matrix.json"),
        "--keys",
        &p("keys"),
    ]);
    ok(&out);
    let matrix: Value =
        serde_json::from_str(&std::fs::read_to_string(p("matrix.json")).expect("json"))
            .expect("JSON");
    let status_of = |sub: &str| -> String {
        matrix["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["file"].as_str().is_some_and(|f| f.starts_with(sub)))
            .map(|r| r["status"].as_str().unwrap_or_default().to_string())
            .unwrap_or_else(|| panic!("no row for {sub}: {matrix}"))
    };
    assert_eq!(status_of("signed"), "verified");
    assert_eq!(status_of("unsigned"), "unsigned");
    assert_eq!(status_of("tampered"), "invalid");
    let html = std::fs::read_to_string(p("matrix.html")).expect("html");
    assert!(html.contains("meldewesen@1.1.0"));
    assert!(html.contains("signed by pruefstelle"));
    for external in ["src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(external), "external resource {external}");
    }
    // Only the page's own style, allowed by its hash; Chromium reports a
    // blocked style on the console, which must stay empty.
    let style = html
        .split("<style>")
        .nth(1)
        .and_then(|rest| rest.split("</style>").next())
        .expect("a style element");
    assert!(
        html.contains(&format!(
            "content=\"default-src 'none'; style-src '{}'\"",
            konform_report::render::hash_source(style)
        )),
        "CSP by hash, no 'unsafe-inline'"
    );
    assert!(!html.contains("unsafe-inline"));
    // The page as a person sees it, in a real browser.
    let page = support::chromium::render_in_chromium(Path::new(&p("matrix.html")));
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    for shown in [
        "Compatibility matrix",
        "meldewesen@1.1.0",
        ">verified<",
        ">unsigned<",
        ">invalid<",
    ] {
        assert!(page.dom.contains(shown), "{shown} not rendered");
    }
}
