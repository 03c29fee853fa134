//! Speed and memory of the crawl (`crawl:` in a case, schemas/konform/CRAWL.md)
//! against the embedded OParl 1.1 reference over HTTPS on loopback.
//!
//! For each scale of the reference's data set (1, and 5, where the walk
//! reaches more than 10,000 objects; 4 holds 10,000 in its lists but the
//! walk counts 9,981 distinct ones) the release `konform` binary runs a copy of the
//! crawl fixture suite (tests/fixtures/crawl) whose limits let it walk
//! everything, with a target file that points at the reference; no
//! politeness limits. Printed per scale, median of a few runs: objects
//! reached (`cases[0].crawl.objects` of the report), requests, wall time of
//! the whole process and of the crawl case, objects per second and the peak
//! memory of the konform process (VmHWM, polled from /proc while it runs).
//! The memory ratio large/small shows whether memory grows with the objects.
//!
//! In the same run a bare baseline: a reqwest loop with the same client
//! settings fetches the same list pages one after another, parses each with
//! serde_json and counts the objects in it; konform's rate is printed against
//! it. Run: `cargo bench -p konform --bench crawl`
//! (`KONFORM_BENCH_CRAWL_SCALE` sets the large scale, `KONFORM_BENCH_CRAWL_RUNS` the runs).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark: a panic is its failure"
)]

use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The fixture's limits, and the limits of the copy: enough for everything.
const FIXTURE_LIMITS: &str =
    "limits: {requests: 5000, depth: 6, pages_per_list: 500, fetch_per_type: 3}";
const BENCH_LIMITS: &str =
    "limits: {requests: 1000000, depth: 6, pages_per_list: 100000, fetch_per_type: 20}";
/// A konform run that takes longer than this is killed (a bounded wait).
const RUN_TIMEOUT: Duration = Duration::from_secs(600);

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/crawl/suites/oparl-crawl/1.1.0")
}

/// The fixture suite under `dir`, with limits that walk the whole server.
fn write_suite(dir: &Path) -> PathBuf {
    let suite = dir.join("suites/oparl-crawl/1.1.0");
    std::fs::create_dir_all(suite.join("cases")).expect("suite dir");
    std::fs::copy(fixture().join("suite.yaml"), suite.join("suite.yaml")).expect("suite.yaml");
    let cases = std::fs::read_to_string(fixture().join("cases/crawl.yaml")).expect("crawl.yaml");
    assert!(
        cases.contains(FIXTURE_LIMITS),
        "the fixture's limits changed; update FIXTURE_LIMITS"
    );
    let cases = cases.replace(FIXTURE_LIMITS, BENCH_LIMITS);
    std::fs::write(suite.join("cases/crawl.yaml"), cases).expect("write crawl.yaml");
    suite
}

fn write_target(dir: &Path, base_url: &str, ca_pem: &str) -> PathBuf {
    std::fs::write(dir.join("ca.pem"), ca_pem).expect("ca.pem");
    let target = dir.join("target.yaml");
    std::fs::write(
        &target,
        format!(
            "identity: {{operator: Bench, vendor: konform, product: OParl reference, version: \"1.1\"}}\n\
             base_url: {base_url}\n\
             classes: [crawl]\n\
             tls: {{ca_file: ca.pem}}\n"
        ),
    )
    .expect("target.yaml");
    target
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// One konform run as a process.
struct KonformRun {
    wall: Duration,
    case_ms: u64,
    objects: u64,
    requests: u64,
    peak_kib: u64,
}

fn run_konform(suite: &Path, target: &Path, out: &Path) -> KonformRun {
    std::fs::create_dir_all(out).expect("out dir");
    let log = std::fs::File::create(out.join("konform.log")).expect("log");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_konform"))
        .arg("run")
        .arg(suite)
        .arg("--target")
        .arg(target)
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .stdout(Stdio::from(log.try_clone().expect("log")))
        .stderr(Stdio::from(log))
        .spawn()
        .expect("spawn konform");
    let pid = child.id();
    let mut peak = 0u64;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("konform ran longer than {RUN_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let wall = started.elapsed();
    let log = std::fs::read_to_string(out.join("konform.log")).unwrap_or_default();
    assert!(status.success(), "konform failed ({status}):\n{log}");
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("oparl-crawl@1.1.0.json")).expect("report"),
    )
    .expect("report JSON");
    assert_eq!(report["verdict"], "conformant", "{log}");
    let case = &report["cases"][0];
    let crawl = &case["crawl"];
    assert!(crawl.get("cut_by").is_none(), "the walk was cut: {crawl}");
    assert_eq!(crawl["lists"], crawl["lists_complete"], "{crawl}");
    KonformRun {
        wall,
        case_ms: case["duration_ms"].as_u64().unwrap_or(0),
        objects: crawl["objects"].as_u64().expect("crawl.objects"),
        requests: crawl["requests"].as_u64().expect("crawl.requests"),
        peak_kib: peak,
    }
}

/// Counts the distinct objects (an `id` and a `type`) anywhere in `value`,
/// as the crawl counts list items and their embedded objects.
fn count_objects(value: &Value, ids: &mut HashSet<String>) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(id)), Some(Value::String(_))) =
                (map.get("id"), map.get("type"))
                && !ids.contains(id)
            {
                ids.insert(id.clone());
            }
            for v in map.values() {
                count_objects(v, ids);
            }
        }
        Value::Array(items) => {
            for v in items {
                count_objects(v, ids);
            }
        }
        _ => {}
    }
}

/// The bare baseline: the System object, then every list (the Body list and
/// each Body's four lists) page by page along `links.next`, each page parsed
/// with serde_json. Returns (objects, requests, wall time).
async fn bare_walk(client: &reqwest::Client, base: &str) -> (usize, usize, Duration) {
    let started = Instant::now();
    let mut requests = 0usize;
    let mut ids = HashSet::new();
    let get = |url: String| {
        let client = client.clone();
        async move {
            let response = client
                .get(&url)
                .header("Accept", "application/json")
                .send()
                .await
                .expect("bare GET");
            assert_eq!(response.status(), 200, "{url}");
            let body = response.bytes().await.expect("bare body");
            serde_json::from_slice::<Value>(&body).expect("bare JSON")
        }
    };
    let system = get(format!("{base}/")).await;
    requests += 1;
    count_objects(&system, &mut ids);
    let mut lists: VecDeque<String> = VecDeque::new();
    lists.push_back(system["body"].as_str().expect("system.body").to_string());
    let mut body_list = true;
    while let Some(first) = lists.pop_front() {
        let mut next = Some(first);
        // Bounded: no list of the reference has more pages than this.
        for _ in 0..100_000 {
            let Some(url) = next.take() else { break };
            let page = get(url).await;
            requests += 1;
            count_objects(&page, &mut ids);
            if body_list {
                for body in page["data"].as_array().expect("data") {
                    for list in ["organization", "person", "meeting", "paper"] {
                        lists.push_back(body[list].as_str().expect("list URL").to_string());
                    }
                }
            }
            next = page["links"]["next"].as_str().map(str::to_string);
        }
        body_list = false;
    }
    (ids.len(), requests, started.elapsed())
}

fn median<T: Copy + PartialOrd>(mut values: Vec<T>) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).expect("comparable"));
    values[values.len() / 2]
}

struct Row {
    scale: u32,
    objects: u64,
    requests: u64,
    wall: f64,
    case_s: f64,
    rate: f64,
    peak_mib: f64,
    bare_objects: usize,
    bare_requests: usize,
    bare_rate: f64,
}

fn main() {
    let large: u32 = std::env::var("KONFORM_BENCH_CRAWL_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let runs: usize = std::env::var("KONFORM_BENCH_CRAWL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .clamp(1, 20);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut rows = Vec::new();
    for scale in [1, large] {
        let reference = runtime
            .block_on(konform_reference::serve(
                "oparl",
                "1.1",
                konform_reference::ServeOptions {
                    scale,
                    tls: true,
                    ..Default::default()
                },
            ))
            .expect("OParl reference");
        let ca_pem = reference
            .ca_pem
            .clone()
            .expect("a TLS reference has a certificate");
        let dir = tempfile::tempdir().expect("temp dir");
        let suite = write_suite(dir.path());
        let target = write_target(dir.path(), &reference.base_url, &ca_pem);

        // The bare loop's client is built as konform builds its own.
        let tls = konform_model::target::TlsConfig {
            ca_file: Some(dir.path().join("ca.pem").display().to_string()),
            ..Default::default()
        };
        let conn = konform_connection::connect_with(
            &reference.base_url,
            konform_connection::Credential::None,
            Default::default(),
            &tls,
            None,
            dir.path(),
        )
        .expect("bare client");
        let client = conn.client().clone();
        let base = reference.base_url.trim_end_matches('/').to_string();

        // Warm up: one run of each (page cache, TLS, the server's allocator).
        let _ = run_konform(&suite, &target, &dir.path().join("warm"));
        let _ = runtime.block_on(bare_walk(&client, &base));

        let konform: Vec<KonformRun> = (0..runs)
            .map(|i| run_konform(&suite, &target, &dir.path().join(format!("run{i}"))))
            .collect();
        let bare: Vec<(usize, usize, Duration)> = (0..runs)
            .map(|_| runtime.block_on(bare_walk(&client, &base)))
            .collect();
        let objects = konform[0].objects;
        assert!(konform.iter().all(|r| r.objects == objects));
        let wall = median(konform.iter().map(|r| r.wall.as_secs_f64()).collect());
        let bare_wall = median(bare.iter().map(|b| b.2.as_secs_f64()).collect());
        rows.push(Row {
            scale,
            objects,
            requests: konform[0].requests,
            wall,
            case_s: median(konform.iter().map(|r| r.case_ms).collect()) as f64 / 1000.0,
            rate: objects as f64 / wall,
            peak_mib: median(konform.iter().map(|r| r.peak_kib).collect()) as f64 / 1024.0,
            bare_objects: bare[0].0,
            bare_requests: bare[0].1,
            bare_rate: bare[0].0 as f64 / bare_wall,
        });
        runtime.block_on(reference.shutdown());
    }

    println!(
        "crawl of the OParl 1.1 reference over HTTPS on loopback, no politeness limits; median of {runs} runs"
    );
    for r in &rows {
        println!(
            "  scale {}: the reference holds {} objects in its lists",
            r.scale,
            konform_reference::oparl_list_objects(r.scale)
        );
    }
    println!(
        "{:<6} {:>8} {:>9} {:>9} {:>9} {:>11} {:>10} | {:>8} {:>9} {:>11} {:>7}",
        "scale",
        "objects",
        "requests",
        "wall s",
        "crawl s",
        "objects/s",
        "peak MiB",
        "bare obj",
        "bare req",
        "bare obj/s",
        "ratio"
    );
    for r in &rows {
        println!(
            "{:<6} {:>8} {:>9} {:>9.2} {:>9.2} {:>11.0} {:>10.1} | {:>8} {:>9} {:>11.0} {:>6.2}x",
            r.scale,
            r.objects,
            r.requests,
            r.wall,
            r.case_s,
            r.rate,
            r.peak_mib,
            r.bare_objects,
            r.bare_requests,
            r.bare_rate,
            r.bare_rate / r.rate
        );
    }
    let (small, big) = (&rows[0], &rows[rows.len() - 1]);
    println!(
        "objects/s of konform (whole process, start-up included): {:.0} at scale {} (aim: at least 5,000)",
        big.rate, big.scale
    );
    println!(
        "peak memory large/small: {:.2}x for {:.2}x the objects ({:.1} MiB / {:.1} MiB)",
        big.peak_mib / small.peak_mib,
        big.objects as f64 / small.objects as f64,
        big.peak_mib,
        small.peak_mib
    );
    println!("ratio: bare objects/s over konform objects/s (1.00x: as fast as the bare loop)");
}
