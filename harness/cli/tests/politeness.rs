//! Politeness towards the target, end to end: the real `konform` binary runs
//! a small suite (written per test, one GET per case) against a loopback
//! axum server that counts the requests in flight and records when each
//! arrived. The tests prove that at most `--max-in-flight` requests are in
//! flight however many `--jobs` run, that `--rate` spaces the requests, that
//! a 429 with `Retry-After` holds back every other case too, that a spent
//! request budget stops sending (cases `error` of kind `budget`, counted in
//! `run.politeness`), and that a value above the suite's ceiling is refused
//! with a message naming the bound.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use support::report_schema::assert_valid_report;

/// How the server answers.
#[derive(Clone, Copy)]
enum Mode {
    /// 200 after `delay`.
    Fine,
    /// The first request is answered at once with 429 and `Retry-After: 1`,
    /// every other one with 200 after `delay`.
    RateLimitedOnce,
}

#[derive(Clone)]
struct Server {
    mode: Mode,
    delay: Duration,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
    /// When each request arrived.
    arrivals: Arc<Mutex<Vec<Instant>>>,
    /// When the 429 was answered.
    limited_at: Arc<Mutex<Option<Instant>>>,
}

async fn answer(State(server): State<Server>) -> Response {
    let n = {
        let mut arrivals = server.arrivals.lock().unwrap();
        arrivals.push(Instant::now());
        arrivals.len() - 1
    };
    if matches!(server.mode, Mode::RateLimitedOnce) && n == 0 {
        *server.limited_at.lock().unwrap() = Some(Instant::now());
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "1")],
            "slow down",
        )
            .into_response();
    }
    let now = server.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    server.max_in_flight.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(server.delay).await;
    server.in_flight.fetch_sub(1, Ordering::SeqCst);
    ([(header::CONTENT_TYPE, "application/json")], "{}").into_response()
}

struct Run {
    output: Output,
    report: Option<Value>,
    report_path: PathBuf,
    suite: PathBuf,
    max_in_flight: usize,
    arrivals: Vec<Instant>,
    limited_at: Option<Instant>,
    _dir: tempfile::TempDir,
}

impl Run {
    fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    fn report(&self) -> &Value {
        self.report.as_ref().unwrap_or_else(|| {
            panic!(
                "no report; stderr: {}",
                String::from_utf8_lossy(&self.output.stderr)
            )
        })
    }

    fn politeness(&self) -> &Value {
        &self.report()["run"]["politeness"]
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

/// A suite of `cases` cases, one GET each, with `politeness` (YAML flow
/// mapping, may be empty) as its `defaults.politeness`.
fn write_suite(root: &Path, cases: usize, politeness: &str) -> PathBuf {
    let dir = root.join("suites/polite/1.0.0");
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    let politeness = if politeness.is_empty() {
        String::new()
    } else {
        format!("  politeness: {politeness}\n")
    };
    std::fs::write(
        dir.join("suite.yaml"),
        format!(
            "suite: polite\nversion: 1.0.0\ntitle: Politeness\n\
             interface: {{name: polite, version: \"1.0\"}}\n\
             defaults:\n  step_timeout_ms: 5000\n  case_timeout_ms: 20000\n{politeness}\
             requirements:\n  - {{id: PO-001, level: MUST, text: Items are served., source: Polite 1.0}}\n\
             classes:\n  - {{id: core, title: Core, requirements: [PO-001]}}\n"
        ),
    )
    .unwrap();
    let mut text = String::from("cases:\n");
    for i in 1..=cases {
        text.push_str(&format!(
            "  - id: polite.c{i:02}\n    title: Item {i}\n    class: core\n    verifies: [PO-001]\n\
             \x20   steps:\n      - request: {{method: GET, path: /item/{i}}}\n\
             \x20       expect: {{status: 200}}\n"
        ));
    }
    std::fs::write(dir.join("cases/polite.yaml"), text).unwrap();
    dir
}

/// Runs a suite of `cases` cases against a server in `mode` with `delay`
/// per request; `target_extra` is appended to the target file.
async fn run(
    mode: Mode,
    delay: Duration,
    cases: usize,
    suite_politeness: &str,
    target_extra: &str,
    args: &[&str],
) -> Run {
    let server = Server {
        mode,
        delay,
        in_flight: Arc::default(),
        max_in_flight: Arc::default(),
        arrivals: Arc::default(),
        limited_at: Arc::default(),
    };
    let state = server.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = Router::new().fallback(answer).with_state(state);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = write_suite(dir.path(), cases, suite_politeness);
    let target = dir.path().join("target.yaml");
    std::fs::write(
        &target,
        format!(
            "identity: {{operator: T, vendor: V, product: Polite, version: \"1\"}}\n\
             base_url: http://127.0.0.1:{port}\nclasses: [core]\n{target_extra}"
        ),
    )
    .expect("write target");
    let out = dir.path().join("out");
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let (output, out, suite) = tokio::task::spawn_blocking(move || {
        let output = Command::new(env!("CARGO_BIN_EXE_konform"))
            .arg("run")
            .arg(&suite)
            .arg("--target")
            .arg(&target)
            .arg("--out")
            .arg(&out)
            .args(&args)
            .env("NO_COLOR", "1")
            .output()
            .expect("spawn konform");
        (output, out, suite)
    })
    .await
    .expect("join");
    task.abort();
    let report_path = out.join("polite@1.0.0.json");
    let report = std::fs::read_to_string(&report_path)
        .ok()
        .map(|text| serde_json::from_str(&text).expect("report is JSON"));
    if let Some(report) = &report {
        assert_valid_report(report);
    }
    let arrivals = server.arrivals.lock().unwrap().clone();
    let limited_at = *server.limited_at.lock().unwrap();
    Run {
        output,
        report,
        report_path,
        suite,
        max_in_flight: server.max_in_flight.load(Ordering::SeqCst),
        arrivals,
        limited_at,
        _dir: dir,
    }
}

fn verdicts(run: &Run) -> Vec<(String, String)> {
    run.report()["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            (
                c["verdict"].as_str().unwrap_or_default().to_string(),
                c["error_kind"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_max_in_flight_requests_per_host_whatever_the_jobs() {
    let delay = Duration::from_millis(150);
    let polite = run(
        Mode::Fine,
        delay,
        12,
        "",
        "",
        &["--jobs", "8", "--max-in-flight", "2"],
    )
    .await;
    assert_eq!(polite.code(), 0, "{}", polite.stderr());
    assert_eq!(polite.arrivals.len(), 12);
    assert_eq!(polite.max_in_flight, 2, "two at a time, never more");
    assert_eq!(polite.politeness()["max_in_flight_per_host"], 2);
    assert_eq!(polite.politeness()["requests_sent"], 12);
    // The same run without the limit: on loopback `--jobs` is the default,
    // so the server sees more than two at once (the test can tell).
    let eager = run(Mode::Fine, delay, 12, "", "", &["--jobs", "8"]).await;
    assert_eq!(eager.code(), 0, "{}", eager.stderr());
    assert!(eager.max_in_flight > 2, "{}", eager.max_in_flight);
    assert_eq!(eager.politeness()["max_in_flight_per_host"], 8);
    // A target file chooses it as well; the command line beats it.
    let filed = run(
        Mode::Fine,
        delay,
        12,
        "",
        "politeness: {max_in_flight_per_host: 3}\n",
        &["--jobs", "8"],
    )
    .await;
    assert_eq!(filed.max_in_flight, 3);
    let overridden = run(
        Mode::Fine,
        delay,
        8,
        "",
        "politeness: {max_in_flight_per_host: 3}\n",
        &["--jobs", "8", "--max-in-flight", "1"],
    )
    .await;
    assert_eq!(overridden.max_in_flight, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_spaces_the_requests_evenly() {
    let run = run(
        Mode::Fine,
        Duration::ZERO,
        6,
        "",
        "",
        &["--jobs", "8", "--rate", "10"],
    )
    .await;
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let mut arrivals = run.arrivals.clone();
    arrivals.sort();
    assert_eq!(arrivals.len(), 6);
    let gaps: Vec<Duration> = arrivals.windows(2).map(|w| w[1] - w[0]).collect();
    // 100 ms apart, give or take the scheduler.
    assert!(
        gaps.iter().all(|g| *g >= Duration::from_millis(80)),
        "{gaps:?}"
    );
    assert!(
        arrivals[5] - arrivals[0] >= Duration::from_millis(450),
        "{gaps:?}"
    );
    assert_eq!(run.politeness()["requests_per_second"], 10.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_pauses_every_request_to_the_host() {
    let run = run(
        Mode::RateLimitedOnce,
        Duration::from_millis(50),
        10,
        "",
        "",
        &["--jobs", "4"],
    )
    .await;
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let limited_at = run.limited_at.expect("the first request was answered 429");
    // Requests already on their way may arrive just after the 429 was
    // answered; after that nothing arrives until Retry-After: 1 has passed.
    let quiet = limited_at + Duration::from_millis(50)..limited_at + Duration::from_millis(950);
    let during: Vec<Duration> = run
        .arrivals
        .iter()
        .filter(|a| quiet.contains(*a))
        .map(|a| *a - limited_at)
        .collect();
    assert!(during.is_empty(), "requests during the pause: {during:?}");
    // Every case was tested: the limited one after its wait, the others
    // after the pause.
    assert_eq!(run.arrivals.len(), 11);
    assert!(
        run.arrivals
            .iter()
            .filter(|a| **a > limited_at + Duration::from_millis(950))
            .count()
            >= 7,
        "most cases waited for the pause"
    );
    assert!(verdicts(&run).iter().all(|(v, _)| v == "pass"));
    let p = run.politeness();
    assert_eq!(p["retry_after_pauses"], 1, "{p}");
    assert!(p["retry_after_pause_ms"].as_u64().unwrap() >= 900, "{p}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spent_budget_stops_sending_and_its_cases_are_budget_errors() {
    let run = run(
        Mode::Fine,
        Duration::ZERO,
        6,
        "",
        "",
        &["--jobs", "1", "--request-budget", "3"],
    )
    .await;
    assert_eq!(run.code(), 3, "incomplete: {}", run.stderr());
    assert_eq!(run.arrivals.len(), 3, "no request beyond the budget");
    let verdicts = verdicts(&run);
    assert_eq!(
        verdicts
            .iter()
            .filter(|(v, k)| v == "error" && k == "budget")
            .count(),
        3,
        "{verdicts:?}"
    );
    assert_eq!(verdicts.iter().filter(|(v, _)| v == "pass").count(), 3);
    let refused = run.report()["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["error_kind"] == "budget")
        .unwrap();
    assert!(
        refused["reason"]
            .as_str()
            .unwrap()
            .contains("request budget of 3 exhausted"),
        "{refused:#}"
    );
    let p = run.politeness();
    assert_eq!(
        (
            &p["request_budget"],
            &p["requests_sent"],
            &p["requests_refused"]
        ),
        (&3.into(), &3.into(), &3.into()),
        "{p}"
    );
    assert_eq!(run.report()["verdict"], "incomplete");
    // The summary says what the budget cost.
    let stdout = String::from_utf8_lossy(&run.output.stdout);
    assert!(
        stdout.contains(
            "politeness: at most 1 request in flight per host, budget 3: 3 sent, \
             3 refused by the budget"
        ),
        "{stdout}"
    );
    // Re-judging from the evidence agrees.
    let verify = Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(["report", "verify", "--rejudge", "--suite"])
        .arg(&run.suite)
        .arg(&run.report_path)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn konform");
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(
        text.contains("same case, requirement, class and overall verdicts"),
        "{text}{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_above_the_suites_ceiling_is_refused_naming_the_bound() {
    let ceiling = "{ceiling: {max_in_flight_per_host: 4, requests_per_second: 2}}";
    let run_file = run(
        Mode::Fine,
        Duration::ZERO,
        2,
        ceiling,
        "politeness: {max_in_flight_per_host: 8}\n",
        &[],
    )
    .await;
    assert_eq!(run_file.code(), 2, "{}", run_file.stderr());
    assert!(
        run_file.stderr().contains(
            "target file: politeness.max_in_flight_per_host: 8 is above the suite's ceiling \
             of 4 (defaults.politeness.ceiling.max_in_flight_per_host)"
        ),
        "{}",
        run_file.stderr()
    );
    assert!(run_file.arrivals.is_empty(), "refused before any request");
    assert!(run_file.report.is_none());
    let run_flag = run(Mode::Fine, Duration::ZERO, 2, ceiling, "", &["--rate", "5"]).await;
    assert_eq!(run_flag.code(), 2, "{}", run_flag.stderr());
    assert!(
        run_flag.stderr().contains(
            "--rate 5 is above the suite's ceiling of 2 \
             (defaults.politeness.ceiling.requests_per_second)"
        ),
        "{}",
        run_flag.stderr()
    );
    assert!(run_flag.arrivals.is_empty());
    // Within the ceiling, nothing chosen: the rate ceiling is the default.
    let within = run(Mode::Fine, Duration::ZERO, 2, ceiling, "", &[]).await;
    assert_eq!(within.code(), 0, "{}", within.stderr());
    assert_eq!(within.politeness()["requests_per_second"], 2.0);
    assert_eq!(within.politeness()["max_in_flight_per_host"], 4);
}
