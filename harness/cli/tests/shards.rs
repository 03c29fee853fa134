//! Sharding: three shard runs of the Meldewesen suite against the embedded
//! reference, merged, give the same case verdicts as one unsharded run; and
//! merging refuses shards of different suites or a missing shard.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

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

fn verdicts(path: &Path) -> Vec<(String, String)> {
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("report")).expect("JSON");
    report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| (c["id"].to_string(), c["verdict"].to_string()))
        .collect()
}

#[test]
fn merged_shards_equal_an_unsharded_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = |name: &str| dir.path().join(name).display().to_string();
    let whole = konform(&["run", "meldewesen", "-q", "--out", &d("whole")]);
    assert_eq!(whole.status.code(), Some(0));
    let mut shard_files = Vec::new();
    for k in 1..=3 {
        let out = d(&format!("shard{k}"));
        let run = konform(&[
            "run",
            "meldewesen",
            "-q",
            "--shard",
            &format!("{k}/3"),
            "--out",
            &out,
        ]);
        // A single shard cannot verify every MUST on its own: incomplete, not conformant.
        assert_eq!(run.status.code(), Some(3), "shard {k}");
        shard_files.push(format!("{out}/meldewesen@1.1.0.json"));
    }
    let merged = d("merged.json");
    let mut args = vec!["report", "merge", "-o", &merged];
    args.extend(shard_files.iter().map(String::as_str));
    let out = konform(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let whole_verdicts = verdicts(&dir.path().join("whole/meldewesen@1.1.0.json"));
    assert_eq!(verdicts(Path::new(&merged)), whole_verdicts);
    assert!(whole_verdicts.iter().all(|(_, v)| v == "\"pass\""));
    let merged_report: Value =
        serde_json::from_str(&std::fs::read_to_string(&merged).expect("merged")).expect("JSON");
    assert_eq!(merged_report["verdict"], "conformant");

    // A missing shard is refused.
    let missing = konform(&[
        "report",
        "merge",
        "-o",
        &d("x.json"),
        &shard_files[0],
        &shard_files[1],
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("shards missing: 3/3"));
}
