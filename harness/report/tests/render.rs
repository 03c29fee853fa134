//! The renderers on a report built by hand, so every verdict kind occurs
//! (pass, fail, error, skip; every class verdict) and every text field holds
//! hostile markup: each format must map the verdicts right and escape all of it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use konform_report::Report;
use konform_report::render::{self, Format};

const EVIL: &str = "<script>alert(1)</script>";

fn report() -> Report {
    let evil = EVIL;
    let case = |id: &str, class: &str, verdict: &str, reason: Option<&str>| {
        let mut c = serde_json::json!({
            "id": id, "title": format!("{id} {evil}"), "class": class,
            "requirements": ["R-1", "R-2"], "verdict": verdict, "duration_ms": 3,
            "steps": [{
                "index": 0, "name": evil,
                "request": {"method": "GET", "url": format!("http://127.0.0.1:1/{evil}"),
                            "headers": [{"name": "x-evil", "value": evil}]},
                "response": {"status": 500, "headers": [{"name": evil, "value": evil}],
                             "body": {"size": 25, "truncated": false, "text": evil}},
                "duration_ms": 3,
                "assertions": [{"check": format!("status {evil}"), "passed": verdict != "fail",
                                "expected": evil, "received": {"k": evil}, "message": evil}]
            }]
        });
        if let Some(r) = reason {
            c["reason"] = serde_json::Value::String(r.to_string());
        }
        c
    };
    let value = serde_json::json!({
        "format": "konform-report/1",
        "harness": {"name": "konform", "version": "0.1.0"},
        "suite": {"id": "evil", "version": "1.0.0", "title": evil, "digest": "sha256:00"},
        "interface": {"name": "evil", "version": "1.0"},
        "target": {"identity": {"operator": evil, "vendor": evil, "product": evil, "version": evil},
                   "base_url": format!("http://127.0.0.1:1/{evil}"), "auth": "none",
                   "claimed_classes": ["a", "b"], "claim_source": "target_file", "tls_insecure": true},
        "run": {"started_at": "2026-01-01T00:00:00Z", "finished_at": "2026-01-01T00:00:01Z",
                "duration_ms": 1000, "jobs": 1, "complete": false, "incomplete_reason": evil},
        "cases": [
            case("c.pass", "a", "pass", None),
            case("c.fail", "a", "fail", Some(&format!("broke {evil}"))),
            case("c.error", "b", "error", Some(&format!("timeout {evil}"))),
            case("c.skip", "c", "skip", Some("class not claimed")),
        ],
        "requirements": [
            {"id": "R-1", "level": "MUST", "text": evil, "source": evil, "verdict": "fail",
             "cases": ["c.pass", "c.fail"]},
            {"id": "R-2", "level": "SHOULD", "text": evil, "source": evil, "verdict": "untested",
             "cases": []}
        ],
        "classes": [
            {"id": "a", "title": evil, "claimed": true, "requirements": ["R-1"], "verdict": "not_conformant", "failed": ["R-1"]},
            {"id": "b", "title": "B", "claimed": true, "requirements": ["R-1"], "verdict": "inconclusive", "unverified": ["R-1"]},
            {"id": "c", "title": "C", "claimed": false, "requirements": [], "verdict": "not_claimed"}
        ],
        "summary": {"cases": 4, "pass": 1, "fail": 1, "error": 1, "skip": 1},
        "verdict": "not_conformant"
    });
    serde_json::from_value(value).expect("hand-built report matches the model")
}

#[test]
fn html_escapes_every_field_and_keeps_its_own_script_only() {
    let html = render::html(&report());
    assert!(!html.contains(EVIL), "raw hostile markup in the page");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("Not conformant"));
    for verdict in ["not conformant", "inconclusive", "not claimed"] {
        assert!(html.contains(verdict), "class verdict {verdict}");
    }
    assert!(html.contains("The run did not complete"));
    assert!(html.contains("TLS certificate checks were switched off"));
    assert!(html.contains("@media print"));
    assert!(html.contains("id=\"failures-only\""));
    // Passing and skipped cases can be hidden; failing ones cannot.
    assert!(html.contains("class=\"case good ok\" id=\"case-c.pass\""));
    assert!(html.contains("class=\"case none ok\" id=\"case-c.skip\""));
    assert!(html.contains("class=\"case bad\" id=\"case-c.fail\""));
    assert!(html.contains("class=\"case warn\" id=\"case-c.error\""));
}

/// The CSP names the page's own style and script by the SHA-256 of their
/// exact text, and allows nothing inline besides.
#[test]
fn html_csp_allows_exactly_its_own_style_and_script() {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let html = render::html(&report());
    let between = |open: &str, close: &str| {
        let start = html.find(open).expect(open) + open.len();
        let len = html[start..].find(close).expect(close);
        html[start..start + len].to_string()
    };
    let hash = |text: &str| {
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
        )
    };
    let csp = between("http-equiv=\"Content-Security-Policy\" content=\"", "\"");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in {csp}"))
            .to_string()
    };
    assert_eq!(
        directive("script-src"),
        format!("script-src {}", hash(&between("<script>", "</script>")))
    );
    assert_eq!(
        directive("style-src"),
        format!("style-src {}", hash(&between("<style>", "</style>")))
    );
    assert_eq!(directive("default-src"), "default-src 'none'");
    assert!(
        !html.contains(" style=\""),
        "a style attribute needs 'unsafe-inline'"
    );
}

#[test]
fn junit_maps_verdicts_and_escapes() {
    let xml = render::junit(&report());
    assert!(!xml.contains("<script>"), "{xml}");
    assert!(xml.contains("<testsuite name=\"evil@1.0.0.a\""));
    assert!(xml.contains("<testsuite name=\"evil@1.0.0.b\""));
    assert!(xml.contains("<testsuite name=\"evil@1.0.0.c\""));
    assert!(xml.contains("classname=\"evil@1.0.0.a\""));
    assert!(xml.contains("<failure message=\"broke &lt;script&gt;"));
    assert!(xml.contains("<error message=\"timeout &lt;script&gt;"));
    assert!(xml.contains("<skipped message=\"class not claimed\"/>"));
    assert!(xml.contains("<property name=\"requirement\" value=\"R-1\"/>"));
    assert!(xml.contains("tests=\"4\""));
}

#[test]
fn markdown_escapes_and_lists_failing_cases_only() {
    let md = render::markdown(&report());
    assert!(!md.contains("<script>"), "{md}");
    // `@` as a character reference: GitHub makes no e-mail autolink of it.
    assert!(md.starts_with("## ❌ evil&#64;1.0.0: Not conformant"));
    assert!(md.contains("### Failing cases (2)"));
    assert!(md.contains("R-1 (MUST), R-2 (SHOULD)"));
    assert!(md.contains("The run did not complete"));
    assert!(!md.contains("`c.pass`") && !md.contains("`c.skip`"));
    // Every table row has exactly the header's number of cells.
    for line in md.lines().filter(|l| l.starts_with("| `")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells == 6 || cells == 5, "broken row: {line}");
    }
}

#[test]
fn formats_parse_and_name_their_files() {
    assert_eq!(Format::parse("junit"), Some(Format::Junit));
    assert_eq!(Format::parse("MD"), Some(Format::Markdown));
    assert_eq!(Format::parse("pdf"), None);
    let names: Vec<&str> = Format::ALL.iter().map(|f| f.extension()).collect();
    assert_eq!(names, [".json", ".html", ".junit.xml", ".md"]);
    let json = Format::Json.render(&report()).expect("json");
    let back: Report = serde_json::from_str(&json).expect("round trip");
    assert_eq!(back, report());
}
