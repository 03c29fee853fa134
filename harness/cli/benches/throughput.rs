//! Throughput of the runner against a bare reqwest + jsonschema loop, in the
//! same process, against the same embedded Meldewesen reference.
//!
//! (a) konform: N one-step cases (GET /personen/{id} + schema validation)
//!     through `run_cases`, with 1 and 8 cases at a time;
//! (b) bare: N GETs with the same client settings, each body validated with
//!     the same compiled schema, 1 and 8 at a time.
//! Prints both rates and the ratio (aim: konform within 1.3× of bare), the
//! wall time of the whole bundled Meldewesen run and the peak memory.
//!
//! Run: `cargo bench -p konform --bench throughput` (`KONFORM_BENCH_N` sets N).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark: a panic is its failure"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use konform::session;
use konform_model::suite::{Case, Expect, Request, SchemaExpect, StatusExpect, Step};
use konform_runner::{CaseContext, CaseLimits, Compiled, NoEvents, RunSettings, run_cases};

const SCHEMA_REF: &str = "meldewesen/1.0/schemas.json#/$defs/Person";

fn bench_cases(n: usize) -> Vec<Case> {
    (0..n)
        .map(|i| Case {
            id: format!("bench.{i}"),
            title: "GET a person".into(),
            class: "bench".into(),
            verifies: vec!["BENCH-001".into()],
            fixtures: Default::default(),
            finally: vec![],
            crawl: None,
            steps: vec![Step {
                name: None,
                precondition: false,
                verifies: None,
                undocumented: None,
                request: Request {
                    method: "GET".into(),
                    path: format!("/personen/mw-000{}", 1 + i % 7),
                    query: Default::default(),
                    headers: Default::default(),
                    auth: Default::default(),
                    json: None,
                    body: None,
                    body_size: None,
                },
                expect: Expect {
                    status: Some(StatusExpect::One(200)),
                    schema: Some(SchemaExpect::Ref(SCHEMA_REF.into())),
                    ..Expect::default()
                },
                capture: Default::default(),
            }],
        })
        .collect()
}

async fn konform_rate(ctx: Arc<CaseContext>, cases: Arc<Vec<Case>>, jobs: usize) -> f64 {
    let settings = RunSettings {
        jobs,
        claimed: vec!["bench".into()],
        class_filter: vec![],
        shard: None,
        cancel: Default::default(),
        repeat: 1,
        withdrawn: Default::default(),
    };
    let started = Instant::now();
    let outcome = run_cases(cases.clone(), ctx, &settings, &NoEvents).await;
    let elapsed = started.elapsed();
    let passed = outcome
        .results
        .iter()
        .filter(|r| r.verdict == konform_model::report::Verdict::Pass)
        .count();
    assert_eq!(passed, cases.len(), "every bench case must pass");
    cases.len() as f64 / elapsed.as_secs_f64()
}

async fn bare_rate(
    client: reqwest::Client,
    base: String,
    token: String,
    validator: Arc<jsonschema::Validator>,
    n: usize,
    concurrency: usize,
) -> f64 {
    let started = Instant::now();
    let per_task = n / concurrency;
    let mut tasks = Vec::new();
    for t in 0..concurrency {
        let (client, base, token, validator) = (
            client.clone(),
            base.clone(),
            token.clone(),
            validator.clone(),
        );
        tasks.push(tokio::spawn(async move {
            for i in 0..per_task {
                let url = format!("{base}/personen/mw-000{}", 1 + (t * per_task + i) % 7);
                let response = client
                    .get(&url)
                    .bearer_auth(&token)
                    .send()
                    .await
                    .expect("bare GET");
                assert_eq!(response.status(), 200);
                let body = response.bytes().await.expect("bare body");
                let json: serde_json::Value = serde_json::from_slice(&body).expect("bare JSON");
                assert!(validator.is_valid(&json));
            }
        }));
    }
    for t in tasks {
        t.await.expect("bare task");
    }
    (per_task * concurrency) as f64 / started.elapsed().as_secs_f64()
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn main() {
    let n: usize = std::env::var("KONFORM_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let suite = konform_suite::load_spec("meldewesen").expect("bundled meldewesen suite");
        let connected = session::connect_embedded(&suite, &[])
            .await
            .expect("embedded reference");
        let cases = Arc::new(bench_cases(n));
        let compiled = Compiled::new(&cases, suite.schemas.iter()).expect("compile");
        let ctx = Arc::new(CaseContext {
            conn: connected.conn.clone(),
            compiled: Arc::new(compiled),
            fixtures: Default::default(),
            limits: CaseLimits {
                step_timeout: Duration::from_secs(10),
                case_timeout: Duration::from_secs(30),
                body_limit: 10 * 1024 * 1024,
                evidence_limit: session::EVIDENCE_LIMIT,
            },
            personal_data: Default::default(),
            redaction_key: konform_runner::redact::RedactionKey::random(),
            attribution: Default::default(),
            unique: konform_runner::UniqueSource::new(1, &Default::default())
                .expect("no generators"),
            body_budget: konform_runner::exchange::BodyBudget::new(
                konform_runner::exchange::BodyBudget::DEFAULT_BYTES,
                10 * 1024 * 1024,
            ),
            // Loopback, at most 8 jobs: the gate only counts, as in a default run.
            politeness: Arc::new(konform_runner::Politeness::unlimited(8)),
        });
        // The bare loop validates with the same schema, compiled the same way.
        let schema = serde_json::json!({
            "$ref": format!("{}{SCHEMA_REF}", konform_runner::schemas::SCHEMA_BASE)
        });
        let files: Vec<(String, serde_json::Value)> = suite
            .schemas
            .iter()
            .map(|(p, v)| {
                (
                    format!("{}{p}", konform_runner::schemas::SCHEMA_BASE),
                    v.clone(),
                )
            })
            .collect();
        let registry = jsonschema::Registry::new()
            .extend(files.iter().map(|(u, v)| (u.as_str(), v)))
            .and_then(|b| b.prepare())
            .expect("registry");
        let validator = Arc::new(
            jsonschema::options()
                .with_registry(&registry)
                .build(&schema)
                .expect("validator"),
        );
        let base = connected
            .conn
            .base_url()
            .to_string()
            .trim_end_matches('/')
            .to_string();
        let token = konform_reference::FULL_TOKEN.to_string();
        let client = connected.conn.client().clone();

        // Warm up both paths (connections, allocator).
        let warm = Arc::new(bench_cases(200));
        let _ = konform_rate(ctx.clone(), warm, 8).await;
        let _ = bare_rate(
            client.clone(),
            base.clone(),
            token.clone(),
            validator.clone(),
            200,
            8,
        )
        .await;

        println!("exchanges per measurement: {n}");
        println!(
            "{:<12} {:>14} {:>14} {:>8}",
            "concurrency", "konform/s", "bare/s", "ratio"
        );
        for jobs in [1usize, 8] {
            let bare = bare_rate(
                client.clone(),
                base.clone(),
                token.clone(),
                validator.clone(),
                n,
                jobs,
            )
            .await;
            let konform = konform_rate(ctx.clone(), cases.clone(), jobs).await;
            println!(
                "{jobs:<12} {konform:>14.0} {bare:>14.0} {:>7.2}x",
                bare / konform
            );
        }
        if let Some(reference) = connected.reference {
            reference.shutdown().await;
        }

        let started = Instant::now();
        let report = session::run_suite(
            &suite,
            &suite.schemas,
            &session::TargetSpec::Embedded,
            &session::SessionOptions::default(),
            &NoEvents,
        )
        .await
        .expect("bundled run");
        println!(
            "whole {} run: {} cases in {:.0} ms (verdict {:?})",
            suite.id(),
            report.cases.len(),
            started.elapsed().as_secs_f64() * 1000.0,
            report.verdict
        );
    });
    if let Some(kib) = peak_rss_kib() {
        println!("peak memory (VmHWM): {:.1} MiB", kib as f64 / 1024.0);
    }
}
