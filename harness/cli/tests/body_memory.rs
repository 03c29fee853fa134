//! Peak memory does not grow with `--jobs` when a target sends big bodies:
//! the real `konform` binary runs 40 cases at once (`--jobs 40`) against a
//! loopback server that answers each with a 9.5 MiB chunked body and then
//! holds the connection open for a moment, so that every body read at the
//! same time would be in memory at the same time (about 400 MB). Bodies share
//! a run-wide budget (64 MiB), so the process's peak resident memory
//! (`VmHWM`, sampled while it runs) stays far below that. Linux only (reads
//! `/proc`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]
#![cfg(target_os = "linux")]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use support::fixture_copy::probe_copy;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CASES: usize = 40;
const BODY: usize = 9 * 1024 * 1024 + 512 * 1024;
/// Far below `CASES` bodies at once (about 400 MB), far above the budget.
const PEAK_LIMIT_KB: u64 = 250 * 1024;

/// Answers every request with a chunked body of `BODY` bytes, then waits
/// before ending it.
async fn serve(listener: TcpListener) {
    while let Ok((mut stream, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                      Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                )
                .await;
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < BODY {
                let n = chunk.len().min(BODY - sent);
                let frame = format!("{n:x}\r\n");
                if stream.write_all(frame.as_bytes()).await.is_err()
                    || stream.write_all(&chunk[..n]).await.is_err()
                    || stream.write_all(b"\r\n").await.is_err()
                {
                    return;
                }
                sent += n;
            }
            // Whitespace, then a JSON value: a well-formed body.
            if stream.write_all(b"2\r\n{}\r\n").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let _ = stream.write_all(b"0\r\n\r\n").await;
        });
    }
}

/// The probe fixture with a 10 MiB body limit, long timeouts and `CASES`
/// cases that each GET a big body.
fn big_body_suite(dir: &Path) -> PathBuf {
    let suite = probe_copy(dir);
    let manifest = std::fs::read_to_string(suite.join("suite.yaml")).expect("suite.yaml");
    let manifest = manifest
        .replace("step_timeout_ms: 1500", "step_timeout_ms: 60000")
        .replace("case_timeout_ms: 5000", "case_timeout_ms: 120000")
        .replace("body_limit_bytes: 65536", "body_limit_bytes: 10485760");
    assert!(manifest.contains("body_limit_bytes: 10485760"));
    std::fs::write(suite.join("suite.yaml"), manifest).expect("write suite.yaml");
    let cases_dir = suite.join("cases");
    std::fs::remove_dir_all(&cases_dir).expect("remove cases");
    std::fs::create_dir_all(&cases_dir).expect("cases dir");
    let mut cases = String::from("cases:\n");
    for i in 0..CASES {
        cases.push_str(&format!(
            "  - id: big.body-{i}\n    title: A big body\n    class: core\n    \
             verifies: [PR-001, PR-002]\n    steps:\n      - request: {{ method: GET, path: /big/{i} }}\n        \
             expect: {{ status: 200 }}\n"
        ));
    }
    std::fs::write(cases_dir.join("big.yaml"), cases).expect("write cases");
    suite
}

fn peak_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_bodies_at_many_jobs_share_one_memory_budget() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = tokio::spawn(serve(listener));
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = big_body_suite(&dir.path().join("fixture"));
    let target = dir.path().join("target.yaml");
    std::fs::write(
        &target,
        format!(
            "identity: {{operator: T, vendor: V, product: Big, version: \"1\"}}\n\
             base_url: http://127.0.0.1:{port}\nclasses: [core]\n"
        ),
    )
    .expect("write target");
    let out = dir.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_konform"))
        .arg("run")
        .arg(&suite)
        .arg("--target")
        .arg(&target)
        .arg("--out")
        .arg(&out)
        .args(["--jobs", &CASES.to_string(), "--quiet"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn konform");
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        if let Some(kb) = peak_kb(pid) {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    server.abort();
    assert!(status.code().is_some(), "konform was killed: {status}");
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("probe@1.0.0.json")).expect("report written"),
    )
    .expect("report is JSON");
    let cases = report["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), CASES);
    // Every body was read whole (none refused, none timed out).
    assert!(
        cases.iter().all(|c| c["verdict"] == "pass"),
        "{:#}",
        report["cases"]
    );
    assert!(peak > 0, "no memory figure was read");
    assert!(
        peak < PEAK_LIMIT_KB,
        "peak resident memory {peak} kB with {CASES} jobs reading {BODY}-byte bodies"
    );
    eprintln!("peak resident memory: {} MiB", peak / 1024);
}
