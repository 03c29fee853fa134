//! The causes of `fail` and `error` verdicts (schemas/konform/VERDICTS.md
//! §5, §6), end to end: the real `konform` binary runs the `wellformed`
//! fixture suite against a purpose-built misbehaving server over loopback,
//! one class (one misbehaviour) per run so each run's exit code can be
//! asserted, and every report read is validated against its schema.
//!
//! - A malformed response (not JSON, not UTF-8, an unrequested
//!   `Content-Encoding`) fails the suite's well-formed requirement and
//!   nothing else: exit 1.
//! - A response that never arrives whole (reset, hang, truncated) or that
//!   konform cannot parse (nested too deep) is an `error` of the right kind,
//!   which blames nothing: exit 3.
//! - `--repeat N` turns a verdict that changes between repetitions into an
//!   `error` of kind `flaky`.
//! - The report records the request headers that went over the wire.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::report_schema::assert_valid_report;

const SUITE_ID: &str = "wellformed@1.0.0";
const WELL_FORMED: &str = "WF-000";
const ALL_CLASSES: &str =
    "stages, invalid-json, latin1, gzip, reset, hang, truncated, deep, coin, echo";

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wellformed/suites/wellformed/1.0.0")
}

fn write_target(dir: &Path, base_url: &str) -> PathBuf {
    let text = format!(
        "identity:\n  operator: Testland\n  vendor: Probe GmbH\n  product: Misbehaving\n  version: \"0.0.1\"\nbase_url: {base_url}\nclasses: [{ALL_CLASSES}]\n"
    );
    let path = dir.join("target.yaml");
    std::fs::write(&path, text).expect("write target file");
    path
}

struct RunResult {
    code: i32,
    stdout: String,
    stderr: String,
    report: Value,
}

impl RunResult {
    /// Everything worth seeing when an assertion fails.
    fn context(&self) -> String {
        format!(
            "exit code {}\nstdout:\n{}\nstderr:\n{}\nreport:\n{}",
            self.code,
            self.stdout,
            self.stderr,
            serde_json::to_string_pretty(&self.report).unwrap_or_default()
        )
    }
}

/// Runs `konform run` on the fixture suite for one class, with `extra`
/// arguments; reads the report and validates it against the report schema.
async fn run_class(base_url: &str, class: &str, extra: &[&str]) -> RunResult {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = write_target(dir.path(), base_url);
    let out = dir.path().join("out");
    let mut command = Command::new(env!("CARGO_BIN_EXE_konform"));
    command
        .arg("run")
        .arg(suite())
        .arg("--target")
        .arg(&target)
        .arg("--class")
        .arg(class)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .env("NO_COLOR", "1");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("spawn konform");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report_path = out.join(format!("{SUITE_ID}.json"));
    let text = std::fs::read_to_string(&report_path).unwrap_or_else(|e| {
        panic!(
            "report {} missing ({e}); exit code {:?}; stdout: {stdout}; stderr: {stderr}",
            report_path.display(),
            output.status.code()
        )
    });
    let report: Value = serde_json::from_str(&text).expect("report is JSON");
    assert_valid_report(&report);
    RunResult {
        code: output.status.code().unwrap_or(-1),
        stdout,
        stderr,
        report,
    }
}

fn case<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("case {id} missing from report"))
}

fn requirement<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["requirements"]
        .as_array()
        .and_then(|reqs| reqs.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("requirement {id} missing from report"))
}

fn class<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["classes"]
        .as_array()
        .and_then(|classes| classes.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("class {id} missing from report"))
}

/// The ids of the requirements whose verdict is `verdict`.
fn requirements_with(report: &Value, verdict: &str) -> Vec<String> {
    report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|r| r["verdict"] == verdict)
        .map(|r| r["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The only step of a one-step case.
fn only_step(case: &Value) -> &Value {
    let steps = case["steps"].as_array().expect("steps recorded");
    assert_eq!(steps.len(), 1, "one step: {case:#}");
    &steps[0]
}

/// A malformed response fails `WF-000` and nothing else; the case's own
/// requirement is left unverified (`error`), never failed; the run exits 1.
/// Returns the run for assertions particular to the misbehaviour.
async fn assert_fails_only_well_formed(
    path_class: &str,
    case_id: &str,
    feature: &str,
    body_check: &str,
) -> RunResult {
    let server = support::misbehaving::start().await;
    let run = run_class(&server.base_url(), path_class, &[]).await;
    let report = &run.report;
    let ctx = run.context();

    assert_eq!(run.code, 1, "a malformed response is not conformant\n{ctx}");
    assert_eq!(report["verdict"], "not_conformant", "{ctx}");

    let c = case(report, case_id);
    assert_eq!(c["verdict"], "fail", "{ctx}");
    assert!(
        c.get("error_kind").is_none(),
        "a fail has no error kind\n{ctx}"
    );
    assert_eq!(strings(&c["failed_requirements"]), [WELL_FORMED], "{ctx}");
    assert!(
        strings(&c["unverified_requirements"]).contains(&feature.to_string()),
        "{feature} is unverified by {case_id}\n{ctx}"
    );
    let reason = c["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("response well-formed"),
        "the reason names the well-formed check: {reason:?}\n{ctx}"
    );

    // The evidence: the well-formed check failed and is attributed to
    // WF-000 alone; the body check that needed the body was not evaluated.
    let step = only_step(c);
    let assertions = step["assertions"].as_array().expect("assertions");
    let well_formed = assertions
        .iter()
        .find(|a| a["check"] == "response well-formed")
        .unwrap_or_else(|| panic!("no well-formed check recorded\n{ctx}"));
    assert_eq!(well_formed["passed"], false, "{ctx}");
    assert_eq!(
        strings(&well_formed["requirements"]),
        [WELL_FORMED],
        "{ctx}"
    );
    let failed_checks: Vec<&Value> = assertions.iter().filter(|a| a["passed"] == false).collect();
    assert_eq!(
        failed_checks.len(),
        1,
        "only the well-formed check failed\n{ctx}"
    );
    assert!(
        strings(&step["not_evaluated"]).contains(&body_check.to_string()),
        "`{body_check}` is listed as not evaluated\n{ctx}"
    );

    // The judgement: exactly WF-000 fails; the feature is unverified.
    assert_eq!(requirements_with(report, "fail"), [WELL_FORMED], "{ctx}");
    let wf = requirement(report, WELL_FORMED);
    let failures = wf["failures"]
        .as_array()
        .expect("WF-000 lists its failures");
    assert!(
        failures
            .iter()
            .any(|f| f["case"] == case_id && f["check"] == "response well-formed"),
        "WF-000 lists the failed check of {case_id}\n{ctx}"
    );
    assert_eq!(requirement(report, feature)["verdict"], "error", "{ctx}");
    let cl = class(report, path_class);
    assert_eq!(cl["verdict"], "not_conformant", "{ctx}");
    assert_eq!(strings(&cl["failed"]), [WELL_FORMED], "{ctx}");
    assert!(
        strings(&cl["unverified"]).contains(&feature.to_string()),
        "{ctx}"
    );
    run
}

/// A response that could not be had (or read) is an `error` of `kind` that
/// blames no requirement; the run exits 3. Returns the case's reason.
async fn assert_error_of_kind(
    server: &support::misbehaving::Misbehaving,
    path_class: &str,
    case_id: &str,
    feature: &str,
    kind: &str,
) -> String {
    let run = run_class(&server.base_url(), path_class, &[]).await;
    let report = &run.report;
    let ctx = run.context();

    assert_eq!(run.code, 3, "the test could not be carried out\n{ctx}");
    assert_eq!(report["verdict"], "incomplete", "{ctx}");
    let c = case(report, case_id);
    assert_eq!(c["verdict"], "error", "{ctx}");
    assert_eq!(c["error_kind"], kind, "{ctx}");
    assert!(
        strings(&c["failed_requirements"]).is_empty(),
        "an error blames nothing\n{ctx}"
    );
    assert!(
        strings(&c["unverified_requirements"]).contains(&feature.to_string()),
        "{ctx}"
    );
    let step = only_step(c);
    assert_eq!(step["error_kind"], kind, "the step records the kind\n{ctx}");
    assert!(
        requirements_with(report, "fail").is_empty(),
        "no requirement fails\n{ctx}"
    );
    assert_eq!(requirement(report, feature)["verdict"], "error", "{ctx}");
    assert_ne!(requirement(report, WELL_FORMED)["verdict"], "fail", "{ctx}");
    assert_eq!(
        class(report, path_class)["verdict"],
        "inconclusive",
        "{ctx}"
    );
    c["reason"].as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_json_fails_only_the_well_formed_requirement() {
    let run =
        assert_fails_only_well_formed("invalid-json", "wf.invalid-json", "WF-001", "body /id")
            .await;
    let message = run.report["requirements"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["id"] == WELL_FORMED))
        .and_then(|r| r["failures"][0]["message"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("not well-formed UTF-8 JSON"),
        "message: {message:?}\n{}",
        run.context()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_latin1_body_fails_only_the_well_formed_requirement() {
    let run = assert_fails_only_well_formed("latin1", "wf.latin1", "WF-002", "body /name").await;
    let step = only_step(case(&run.report, "wf.latin1"));
    let content_type = step["response"]["headers"]
        .as_array()
        .and_then(|h| h.iter().find(|h| h["name"] == "content-type"))
        .and_then(|h| h["value"].as_str())
        .unwrap_or_default();
    assert_eq!(
        content_type,
        "application/json; charset=iso-8859-1",
        "{}",
        run.context()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unrequested_gzip_body_fails_only_the_well_formed_requirement() {
    let run = assert_fails_only_well_formed("gzip", "wf.gzip", "WF-003", "body /id").await;
    let ctx = run.context();
    let step = only_step(case(&run.report, "wf.gzip"));
    let well_formed = step["assertions"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["check"] == "response well-formed"))
        .expect("well-formed check");
    assert_eq!(well_formed["received"], "Content-Encoding: gzip", "{ctx}");
    // The body was neither decoded nor asked to be encoded.
    let headers = step["response"]["headers"].as_array().expect("headers");
    assert!(
        headers
            .iter()
            .any(|h| h["name"] == "content-encoding" && h["value"] == "gzip"),
        "the response evidence keeps Content-Encoding: gzip\n{ctx}"
    );
    assert_eq!(
        step["response"]["body"]["size"],
        support::misbehaving::GZIP_ID_A1.len(),
        "the body is recorded as received (compressed)\n{ctx}"
    );
    let sent = step["request"]["headers"].as_array().expect("headers");
    assert!(
        !sent.iter().any(|h| h["name"] == "accept-encoding"),
        "konform asked for no encoding\n{ctx}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_connection_is_a_transport_error() {
    let server = support::misbehaving::start().await;
    assert_error_of_kind(&server, "reset", "wf.reset", "WF-004", "transport").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_that_never_answers_is_a_timeout_error() {
    let server = support::misbehaving::start().await;
    let reason = assert_error_of_kind(&server, "hang", "wf.hang", "WF-005", "timeout").await;
    assert!(
        reason.contains("no complete response within 1500 ms"),
        "reason: {reason:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_short_of_its_content_length_is_a_truncated_error() {
    let server = support::misbehaving::start().await;
    let reason =
        assert_error_of_kind(&server, "truncated", "wf.truncated", "WF-006", "truncated").await;
    assert!(
        reason.contains("response body incomplete"),
        "reason: {reason:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_nested_deeper_than_konform_parses_is_a_harness_limit() {
    let server = support::misbehaving::start().await;
    let reason = assert_error_of_kind(&server, "deep", "wf.deep", "WF-007", "harness_limit").await;
    assert!(reason.contains("deeper than"), "reason: {reason:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verdict_that_changes_between_repetitions_is_flaky() {
    // `/coin` alternates heads and tails, so five repetitions of a case
    // that expects heads pass and fail by turns. This is the only test that
    // asks `/coin`, and its runs are one after the other.
    let server = support::misbehaving::start().await;
    let run = run_class(&server.base_url(), "coin", &["--repeat", "5"]).await;
    let report = &run.report;
    let ctx = run.context();
    assert_eq!(
        run.code, 3,
        "a flaky case leaves its MUST unverified\n{ctx}"
    );
    assert_eq!(report["verdict"], "incomplete", "{ctx}");
    let c = case(report, "wf.coin");
    assert_eq!(c["verdict"], "error", "{ctx}");
    assert_eq!(c["error_kind"], "flaky", "{ctx}");
    let reason = c["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("5 repetitions"),
        "the reason mentions the repetitions: {reason:?}\n{ctx}"
    );
    assert!(strings(&c["failed_requirements"]).is_empty(), "{ctx}");
    assert!(requirements_with(report, "fail").is_empty(), "{ctx}");
    assert_eq!(requirement(report, "WF-008")["verdict"], "error", "{ctx}");
    assert_eq!(report["run"]["repeat"], 5, "{ctx}");
    let seed = report["run"]["seed"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        seed.len() == 16 && seed.bytes().all(|b| b.is_ascii_hexdigit()),
        "run.seed is 16 hex digits: {seed:?}\n{ctx}"
    );

    // One repetition cannot disagree with itself: pass or fail, not flaky.
    let once = run_class(
        &server.base_url(),
        "coin",
        &["--repeat", "1", "--seed", &seed],
    )
    .await;
    let ctx = once.context();
    let c = case(&once.report, "wf.coin");
    assert!(
        c["verdict"] == "pass" || c["verdict"] == "fail",
        "one repetition is not flaky\n{ctx}"
    );
    assert!(c.get("error_kind").is_none(), "{ctx}");
    assert!([0, 1].contains(&once.code), "{ctx}");
    assert_eq!(
        once.report["run"]["seed"],
        seed.as_str(),
        "--seed is kept\n{ctx}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_records_the_request_headers_that_were_sent() {
    let server = support::misbehaving::start().await;
    let run = run_class(&server.base_url(), "echo", &[]).await;
    let ctx = run.context();
    assert_eq!(run.code, 0, "{ctx}");
    let c = case(&run.report, "wf.echo");
    assert_eq!(c["verdict"], "pass", "{ctx}");
    let step = only_step(c);

    let recorded: Vec<(String, String)> = step["request"]["headers"]
        .as_array()
        .expect("request headers")
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap_or_default().to_ascii_lowercase(),
                h["value"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let value = |name: &str| {
        recorded
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(value("accept").as_deref(), Some("*/*"), "{ctx}");
    let agent = value("user-agent").unwrap_or_default();
    assert!(agent.starts_with("konform/"), "user-agent {agent:?}\n{ctx}");
    assert_eq!(
        value("host"),
        Some(format!("127.0.0.1:{}", server.addr.port())),
        "{ctx}"
    );
    assert!(value("accept-encoding").is_none(), "{ctx}");

    // What the target received (its echo, recorded as the response body)
    // is what the report says was sent, header for header.
    let echoed: Value = serde_json::from_str(
        step["response"]["body"]["text"]
            .as_str()
            .unwrap_or_default(),
    )
    .expect("the echo is JSON");
    let mut on_the_wire: Vec<(String, String)> = echoed["headers"]
        .as_array()
        .expect("echoed headers")
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap_or_default().to_string(),
                h["value"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut recorded = recorded.clone();
    on_the_wire.sort();
    recorded.sort();
    assert_eq!(
        recorded, on_the_wire,
        "the recorded request headers are the ones on the wire\n{ctx}"
    );
}

fn requirement_verdict<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["requirements"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("requirement {id} missing"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_blames_its_step_a_precondition_blames_nothing_and_cleanup_always_runs() {
    let server = support::misbehaving::start().await;
    let run = run_class(&server.base_url(), "stages", &[]).await;
    let report = &run.report;
    let ctx = run.context();
    assert_eq!(run.code, 1, "{ctx}");

    // The precondition's 500 makes its case an error of kind precondition.
    let pre = case(report, "wf.precondition-unmet");
    assert_eq!(pre["verdict"], "error", "{ctx}");
    assert_eq!(pre["error_kind"], "precondition", "{ctx}");
    assert!(
        pre["reason"]
            .as_str()
            .is_some_and(|r| r.contains("precondition not met")),
        "{ctx}"
    );
    assert!(strings(&pre["failed_requirements"]).is_empty(), "{ctx}");
    assert_eq!(strings(&pre["unverified_requirements"]), vec!["WF-011"]);
    assert_eq!(pre["steps"][0]["role"], "precondition");
    assert_eq!(pre["steps"].as_array().map(Vec::len), Some(1), "{ctx}");

    // The second step's failure blames WF-011 only; the first step's
    // requirement stays verified, the third step's is unverified.
    let blame = case(report, "wf.blame-by-step");
    assert_eq!(blame["verdict"], "fail", "{ctx}");
    assert_eq!(strings(&blame["failed_requirements"]), vec!["WF-011"]);
    assert_eq!(strings(&blame["unverified_requirements"]), vec!["WF-012"]);
    let failures = requirement_verdict(report, "WF-011")["failures"]
        .as_array()
        .expect("failures of WF-011");
    assert_eq!(failures.len(), 1, "{ctx}");
    assert_eq!(failures[0]["case"], "wf.blame-by-step");
    assert_eq!(failures[0]["step"], 1);
    assert_eq!(failures[0]["check"], "status");
    assert_eq!(failures[0]["expected"], 200);
    assert_eq!(failures[0]["received"], 500);
    assert_eq!(requirement_verdict(report, "WF-010")["verdict"], "pass");
    assert_eq!(requirement_verdict(report, "WF-011")["verdict"], "fail");
    assert_eq!(requirement_verdict(report, "WF-012")["verdict"], "error");

    // The finally step ran after the failure; its failed check changed nothing.
    let steps = blame["steps"].as_array().expect("steps");
    let names: Vec<&str> = steps.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, vec!["first", "second", "cleanup"], "{ctx}");
    let cleanup = &steps[2];
    assert_eq!(cleanup["role"], "cleanup");
    assert_eq!(cleanup["assertions"][0]["passed"], false);
    assert!(cleanup["assertions"][0].get("requirements").is_none());

    // The terminal names the broken requirement with its failed check.
    assert!(run.stdout.contains("breaks WF-011 (MUST)"), "{ctx}");
    // The step with its request, then the failed check under it.
    assert!(
        run.stdout.contains("step 2 `second`: ")
            && run
                .stdout
                .contains("\n            status: expected 200, received 500"),
        "{ctx}"
    );
    assert!(!run.stdout.contains("breaks WF-010"), "{ctx}");
    assert!(!run.stdout.contains("breaks WF-012"), "{ctx}");
}
