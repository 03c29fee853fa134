//! Scale of the report tools, with printed figures (no timing assertions):
//!
//! - merge of 100 shard reports of one run (a real Meldewesen run against
//!   the embedded reference, split into 100 shards by the same rule as
//!   `--shard`);
//! - the compatibility matrix over 10,000 signed reports in one folder
//!   (verified one at a time), with the peak memory before and after, to
//!   show it stays bounded.
//!
//! Sign and verify of a 10,000-case report: `cargo run --release -p konform-seal --example bench`.
//! Run: `cargo bench -p konform --bench reports_scale` (`KONFORM_BENCH_REPORTS` sets the count).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark: a panic is its failure"
)]

use std::time::Instant;

use konform::session;
use konform_model::report::{Report, Verdict, shard_of};
use konform_runner::NoEvents;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// Shard `k` of `n` of a whole run: the other shards' cases become skips.
fn shard(report: &Report, k: u32, n: u32) -> Report {
    let mut r = report.clone();
    r.run.shard = Some(format!("{k}/{n}"));
    for case in &mut r.cases {
        if shard_of(&case.id, n) != k {
            case.verdict = Verdict::Skip;
            case.reason = Some(format!(
                "in shard {}/{n}, not this one",
                shard_of(&case.id, n)
            ));
            case.steps.clear();
        }
    }
    r
}

fn main() {
    let count: usize = std::env::var("KONFORM_BENCH_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let suite = konform_suite::load_spec("meldewesen").expect("bundled suite");
    let report = runtime
        .block_on(session::run_suite(
            &suite,
            &suite.schemas,
            &session::TargetSpec::Embedded,
            &session::SessionOptions::default(),
            &NoEvents,
        ))
        .expect("run");

    // Merge of 100 shard reports.
    let shards: Vec<Report> = (1..=100).map(|k| shard(&report, k, 100)).collect();
    let started = Instant::now();
    let merged = konform_report::merge(&shards).expect("merge");
    let merge_ms = started.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(merged.verdict, report.verdict);
    println!(
        "merge of 100 shard reports ({} cases each): {merge_ms:.1} ms",
        report.cases.len()
    );

    // Matrix over `count` signed reports (small reports: no evidence).
    let dir = tempfile::tempdir().expect("tempdir");
    let key_dir = dir.path().join("keys");
    std::fs::create_dir_all(&key_dir).expect("keys dir");
    let signing = konform_seal::keys::generate().expect("key");
    konform_seal::keys::write_key_pair(&key_dir, "bench", &signing).expect("key pair");
    let keys = konform_seal::KeyRing::from_dir(&key_dir).expect("key ring");
    let mut small = report.clone();
    for case in &mut small.cases {
        case.steps.clear();
    }
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).expect("reports dir");
    let started = Instant::now();
    for i in 0..count {
        small.target.identity.product = format!("Produkt {}", i % 500);
        small.target.identity.version = format!("{}.0", i / 500);
        let mut value = serde_json::to_value(&small).expect("to value");
        konform_seal::sign_file(
            &mut value,
            &signing,
            "Bench Prüfstelle",
            "2026-11-27T00:00:00Z",
        )
        .expect("sign");
        let bytes = serde_json::to_vec(&value).expect("bytes");
        std::fs::write(reports.join(format!("r{i:05}.json")), bytes).expect("write");
    }
    let write_s = started.elapsed().as_secs_f64();
    let before = peak_rss_mib();
    let started = Instant::now();
    let known = konform::commands::trust::bundled_and(&[]).expect("bundled suites");
    let trust = konform_report::Trust::new(keys, known).expect("trust");
    let matrix = konform::commands::matrix::build(&reports, &trust).expect("matrix");
    let html = konform::commands::matrix::html(&matrix);
    let matrix_s = started.elapsed().as_secs_f64();
    let signed = matrix.count(konform_report::Standing::Verified);
    assert_eq!(signed, count, "every report verifies");
    println!("wrote and signed {count} reports in {write_s:.1} s");
    println!(
        "matrix over {count} reports (each verified): {matrix_s:.2} s, page {} KiB",
        html.len() / 1024
    );
    println!(
        "peak memory: {before:.1} MiB before the matrix, {:.1} MiB after",
        peak_rss_mib()
    );
}
