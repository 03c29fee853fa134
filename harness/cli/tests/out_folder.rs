//! Where reports go, checked before the first request: the real `konform`
//! binary refuses an `--out` that cannot take reports and `--jobs 0` (which
//! would write a report that fails its own schema) with exit 2 before a
//! loopback target sees any connection, and a run removes the temporary
//! report files a killed run left in its output folder — only those.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::fixture_copy::probe_copy;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_refused(out: &Output, needles: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    for needle in needles {
        assert!(
            err.contains(needle),
            "`{needle}` missing from stderr: {err}"
        );
    }
}

/// A loopback listener that never answers, and a target file pointing at it
/// that claims its classes (so no service description is asked for). Every
/// request konform tried would leave a connection in the listener's queue.
fn silent_target(dir: &Path, extra: &str) -> (TcpListener, PathBuf) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let path = dir.join("target.yaml");
    std::fs::write(
        &path,
        format!(
            "identity:\n  operator: Testland\n  vendor: Probe GmbH\n  product: Silent\n  \
             version: \"0.0.1\"\nbase_url: http://127.0.0.1:{port}\nclasses: [core]\n{extra}"
        ),
    )
    .expect("write target");
    (listener, path)
}

fn assert_no_request(listener: &TcpListener) {
    listener.set_nonblocking(true).expect("nonblocking");
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Err(e) => panic!("accept: {e}"),
        Ok((_, from)) => panic!("the target received a connection from {from}"),
    }
}

fn konform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run konform")
}

#[test]
fn an_out_that_is_a_file_is_refused_before_the_first_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = probe_copy(&dir.path().join("fixture"));
    let (listener, target) = silent_target(dir.path(), "");
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").expect("write");
    for out_dir in [file.clone(), file.join("below")] {
        let out = konform(&[
            "run",
            suite.to_str().unwrap(),
            "--target",
            target.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert_refused(&out, &["--out", "not-a-folder"]);
        assert!(!String::from_utf8_lossy(&out.stdout).contains("Running"));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    assert_no_request(&listener);
}

#[test]
fn stale_temporary_report_files_are_removed_by_the_next_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = probe_copy(&dir.path().join("fixture"));
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let target = dir.path().join("dead.yaml");
    std::fs::write(
        &target,
        format!(
            "identity: {{operator: T, vendor: V, product: Dead, version: \"1\"}}\n\
             base_url: http://127.0.0.1:{port}\nclasses: [core]\n"
        ),
    )
    .expect("write");
    let out_dir = dir.path().join("reports");
    // Leftovers of a killed run: the owner's pid is above any pid_max, so
    // that process is gone. A fresh file of a live process (this test) and a
    // file of another tool are kept.
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    let stale = out_dir.join(".konform-4294967295-aB3xYz.tmp");
    let live = out_dir.join(format!(".konform-{}-aB3xYz.tmp", std::process::id()));
    let foreign = out_dir.join(".tmpaB3xYz");
    for f in [&stale, &live, &foreign] {
        std::fs::write(f, "{\"half\":").expect("plant");
    }
    let out = konform(&[
        "run",
        suite.to_str().unwrap(),
        "--target",
        target.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "-q",
    ]);
    // Every case is an error (nothing listens): incomplete, exit 3.
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(out_dir.join("probe@1.0.0.json").is_file());
    assert!(!stale.exists(), "the stale temporary file is still there");
    assert!(stderr(&out).contains(".konform-4294967295-aB3xYz.tmp"));
    assert!(live.exists(), "a live process's temporary file was removed");
    assert!(foreign.exists(), "a file konform did not make was removed");
}

#[test]
fn zero_jobs_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = probe_copy(&dir.path().join("fixture"));
    let out_dir = dir.path().join("out");
    let (listener, target) = silent_target(dir.path(), "");
    let out = konform(&[
        "run",
        suite.to_str().unwrap(),
        "--target",
        target.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
        "--jobs",
        "0",
    ]);
    assert_refused(&out, &["--jobs"]);
    drop(listener);

    let (listener, target) = silent_target(dir.path(), "jobs: 0\n");
    let out = konform(&[
        "run",
        suite.to_str().unwrap(),
        "--target",
        target.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_refused(&out, &["target.yaml:", "invalid target file", "minimum"]);
    assert_no_request(&listener);
    assert!(!out_dir.join("probe@1.0.0.json").exists());
}
