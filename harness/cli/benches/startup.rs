//! How fast konform answers the commands people type most: `--version`,
//! `list suites` (from the index build.rs computed) and `suite lint` of
//! every bundled suite version. Each is run as a whole process, 21 times;
//! the median is printed against its goal (issue: under 20 ms, 20 ms and
//! 200 ms). Run with `cargo bench -p konform --bench startup`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark: a panic is its failure"
)]

use std::process::Command;
use std::time::{Duration, Instant};

fn median(args: &[&str]) -> Duration {
    let mut times: Vec<Duration> = (0..21)
        .map(|_| {
            let start = Instant::now();
            let out = Command::new(env!("CARGO_BIN_EXE_konform"))
                .args(args)
                .output()
                .expect("spawn konform");
            let took = start.elapsed();
            assert!(out.status.success(), "konform {args:?}: {out:?}");
            took
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let bundled = [
        "meldewesen@1.0.0",
        "meldewesen@1.1.0",
        "elterngeld@1.0.0",
        "elterngeld@1.1.0",
        "kfz-zulassung@1.0.0",
        "kfz-zulassung@1.1.0",
    ];
    let mut lint = vec!["suite", "lint"];
    lint.extend(bundled);
    let rows = [
        ("konform --version", median(&["--version"]), 20),
        ("konform list suites", median(&["list", "suites"]), 20),
        ("konform suite lint (all 6 bundled)", median(&lint), 200),
    ];
    println!("startup (whole process, median of 21 runs)");
    for (what, took, goal) in rows {
        let ms = took.as_secs_f64() * 1000.0;
        let verdict = if ms < goal as f64 { "ok" } else { "OVER" };
        println!("  {what:<36} {ms:>7.1} ms   goal < {goal} ms   {verdict}");
    }
}
