//! JUnit XML for CI test views: one `testsuite` per conformance class, one
//! `testcase` per case (`classname` = `suite@version.class`). `fail` becomes
//! a failure, `error` an error, `skip` skipped; the requirement ids a case
//! verifies are its properties, so a CI view can be traced back to the text
//! of the specification.
//!
//! CI systems print these texts into logs and annotations, so every value
//! of the report is passed through [`crate::text::for_terminal`] (one line,
//! controls and bidi visible); only the description's own line breaks
//! separate lines, and a target's text can never start one.

use std::time::Duration;

use konform_model::report::{CaseResult, Report, Verdict};
use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use super::{SignatureStatus, class_label, level_of, overall_label, suite_key};
use crate::text::for_terminal as t;

/// Renders `report` as JUnit XML.
pub fn junit(report: &Report) -> String {
    junit_with(report, None)
}

/// Renders `report` as JUnit XML; a signed report's status becomes the
/// `signature` property of every test suite.
pub fn junit_with(report: &Report, signature: Option<&SignatureStatus>) -> String {
    let key = t(&suite_key(report)).into_owned();
    let mut out = quick_junit::Report::new(format!("konform {key}"));
    out.set_time(Duration::from_millis(report.run.duration_ms));
    let mut classes: Vec<(String, String)> = report
        .classes
        .iter()
        .map(|c| (c.id.clone(), t(&c.title).into_owned()))
        .collect();
    // Cases of a class the report does not list still get a suite.
    for case in &report.cases {
        if !classes.iter().any(|(id, _)| *id == case.class) {
            classes.push((case.class.clone(), t(&case.class).into_owned()));
        }
    }
    for (class_id, title) in &classes {
        let mut suite = TestSuite::new(format!("{key}.{}", t(class_id)));
        suite.add_property(Property::new("title", title.as_str()));
        if let Some(class) = report.classes.iter().find(|c| c.id == *class_id) {
            suite.add_property(Property::new("verdict", class_label(class.verdict)));
            suite.add_property(Property::new("claimed", class.claimed.to_string()));
        }
        suite.add_property(Property::new("overall", overall_label(report.verdict)));
        if let Some(status) = signature {
            suite.add_property(Property::new("signature", t(&status.summary)));
        }
        for d in &report.run.known_deviations {
            suite.add_property(Property::new(
                "known_deviation",
                format!("{} ({})", t(&d.label()), d.status.as_str()),
            ));
        }
        let mut time = 0u64;
        for case in report.cases.iter().filter(|c| c.class == *class_id) {
            time = time.saturating_add(case.duration_ms);
            suite.add_test_case(test_case(report, &key, case));
        }
        suite.set_time(Duration::from_millis(time));
        out.add_test_suite(suite);
    }
    match out.to_string() {
        Ok(xml) => xml,
        Err(e) => fallback(&key, &e.to_string()),
    }
}

fn test_case(report: &Report, key: &str, case: &CaseResult) -> TestCase {
    let reason = t(case.reason.as_deref().unwrap_or_default()).into_owned();
    let status = match case.verdict {
        Verdict::Pass => TestCaseStatus::success(),
        Verdict::Fail | Verdict::Error => {
            let kind = if case.verdict == Verdict::Fail {
                NonSuccessKind::Failure
            } else {
                NonSuccessKind::Error
            };
            let mut s = TestCaseStatus::non_success(kind);
            // A known deviation stays a failure (it is not conformant); the
            // message says it was expected.
            match crate::deviations::excusing(report, case) {
                Some(d) => s.set_message(format!(
                    "known deviation ({}: {}): {reason}",
                    t(&d.label()),
                    t(&d.justification)
                )),
                None => s.set_message(reason.as_str()),
            };
            s.set_type(
                case.error_kind
                    .map(|k| k.as_str())
                    .unwrap_or(case.verdict.as_str()),
            );
            s.set_description(description(report, case));
            s
        }
        Verdict::Skip => {
            let mut s = TestCaseStatus::skipped();
            if !reason.is_empty() {
                s.set_message(reason.as_str());
            }
            s
        }
    };
    let mut tc = TestCase::new(t(&case.id), status);
    tc.set_classname(format!("{key}.{}", t(&case.class)));
    tc.set_time(Duration::from_millis(case.duration_ms));
    let checks: usize = case.steps.iter().map(|s| s.assertions.len()).sum();
    tc.set_assertions(checks);
    tc.add_property(Property::new("title", t(&case.title)));
    for id in &case.requirements {
        tc.add_property(Property::new("requirement", t(id)));
    }
    tc
}

/// The text body of a failure or error: what broke, which requirement, and
/// the failing assertions with expected vs received.
fn description(report: &Report, case: &CaseResult) -> String {
    let mut text = String::new();
    text.push_str(&t(&case.title));
    text.push('\n');
    if let Some(d) = crate::deviations::excusing(report, case) {
        text.push_str(&format!(
            "known deviation ({}): {}{}\n",
            t(&d.label()),
            t(&d.justification),
            d.expires
                .as_deref()
                .map(|e| format!(" [until {}]", t(e)))
                .unwrap_or_default()
        ));
    }
    for id in crate::judge::blamed(case) {
        let level = level_of(report, &id).unwrap_or("?");
        text.push_str(&format!("breaks {} ({level})\n", t(&id)));
        for f in crate::judge::failed_checks(case, &id) {
            text.push_str(&format!("  step {}: {}\n", f.step + 1, t(&f.describe())));
        }
    }
    if let Some(kind) = case.error_kind {
        text.push_str(&format!("error kind: {kind}\n"));
    }
    if !case.unverified_requirements.is_empty() {
        text.push_str(&format!(
            "unverified: {}\n",
            t(&case.unverified_requirements.join(", "))
        ));
    }
    if let Some(reason) = &case.reason {
        text.push_str(&format!("reason: {}\n", t(reason)));
    }
    for step in &case.steps {
        let name = step
            .name
            .as_deref()
            .map(|n| format!(" {}", t(n)))
            .unwrap_or_default();
        let status = step
            .response
            .as_ref()
            .map(|r| r.status.to_string())
            .unwrap_or_else(|| "no response".to_string());
        text.push_str(&format!(
            "step {}{name}: {} {} -> {status}\n",
            step.index + 1,
            t(&step.request.method),
            t(&step.request.url)
        ));
        if let Some(err) = &step.error {
            text.push_str(&format!("  error: {}\n", t(err)));
        }
        for a in step.assertions.iter().filter(|a| !a.passed) {
            text.push_str(&format!("  failed: {}\n", t(&a.check)));
            if let Some(e) = &a.expected {
                text.push_str(&format!("    expected: {}\n", t(&e.to_string())));
            }
            if let Some(r) = &a.received {
                text.push_str(&format!("    received: {}\n", t(&r.to_string())));
            }
            if let Some(m) = &a.message {
                text.push_str(&format!("    {}\n", t(m)));
            }
        }
    }
    text
}

/// A minimal, valid document when serialisation fails (it writes to memory,
/// so this is not expected; it keeps the renderer free of panics).
fn fallback(key: &str, error: &str) -> String {
    let clean = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric() || " .:@_-".contains(*c))
            .collect::<String>()
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"konform {}\" tests=\"0\" failures=\"0\" errors=\"0\"><!-- JUnit serialisation failed: {} --></testsuites>\n",
        clean(key),
        clean(error)
    )
}
