//! A harness that withstands hostile input: the real `konform` binary is fed
//! files built to hurt it — YAML alias bombs, oversized YAML and JSON files —
//! and must refuse each one quickly with a message naming the file, without
//! exhausting memory (the bombs run under a 2 GiB address-space limit, so an
//! unbounded expansion aborts the process and fails the test).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::path::Path;
use std::process::{Command, Output};
use support::fixture_copy::probe_copy;

/// Nine levels of ten aliases each: 10^9 copies of "lol" from a few hundred
/// bytes — gigabytes when expanded.
fn billion_laughs() -> String {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..9 {
        let prev = format!("*a{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    text
}

/// Runs `konform` under a 2 GiB address-space limit.
fn konform_limited(args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2097152 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run konform")
}

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

#[test]
fn an_alias_bomb_as_suite_manifest_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = dir.path().join("suites/bomb/1.0.0");
    std::fs::create_dir_all(&suite).expect("mkdir");
    std::fs::write(suite.join("suite.yaml"), billion_laughs()).expect("write");
    let out_dir = dir.path().join("out");
    let out = konform_limited(&[
        "run",
        suite.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_refused(&out, &["konform::yaml-alias-bomb", "suite.yaml:6:"]);
    assert!(!out_dir.exists(), "nothing may be written");
    let lint = konform_limited(&["suite", "lint", suite.to_str().unwrap()]);
    assert_refused(&lint, &["konform::yaml-alias-bomb", "suite.yaml"]);
}

#[test]
fn an_alias_bomb_as_case_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = probe_copy(dir.path());
    std::fs::write(suite.join("cases/probe.yaml"), billion_laughs()).expect("write");
    let out = konform_limited(&["suite", "lint", suite.to_str().unwrap()]);
    assert_refused(&out, &["konform::yaml-alias-bomb", "cases/probe.yaml:6:"]);
    let out_dir = dir.path().join("out");
    let run = konform_limited(&[
        "run",
        suite.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_refused(&run, &["konform::yaml-alias-bomb", "cases/probe.yaml"]);
}

#[test]
fn an_alias_bomb_as_target_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = probe_copy(dir.path());
    let target = dir.path().join("bomb-target.yaml");
    std::fs::write(&target, billion_laughs()).expect("write");
    let out_dir = dir.path().join("out");
    let out = konform_limited(&[
        "run",
        suite.to_str().unwrap(),
        "--target",
        target.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_refused(
        &out,
        &[
            "konform::yaml-alias-bomb",
            "bomb-target.yaml:6:",
            "invalid target file",
        ],
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Running"));
    assert!(!out_dir.exists(), "nothing may be written");
}

#[test]
fn oversized_yaml_files_are_refused_from_their_length() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = probe_copy(dir.path());
    // Sparse files: 17 MiB long, nothing written, so the test stays cheap.
    let big = |path: &Path| {
        let file = std::fs::File::create(path).expect("create");
        file.set_len(17 * 1024 * 1024).expect("set_len");
    };
    let target = dir.path().join("big-target.yaml");
    big(&target);
    let out = konform_limited(&[
        "run",
        suite.to_str().unwrap(),
        "--target",
        target.to_str().unwrap(),
    ]);
    assert_refused(&out, &["big-target.yaml", "16 MiB"]);

    big(&suite.join("cases/probe.yaml"));
    let lint = konform_limited(&["suite", "lint", suite.to_str().unwrap()]);
    assert_refused(&lint, &["konform::input-too-large", "probe.yaml", "16 MiB"]);
}

#[test]
fn oversized_reports_are_refused_from_their_length() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("huge.json");
    let file = std::fs::File::create(&report).expect("create");
    file.set_len(257 * 1024 * 1024).expect("set_len");
    let path = report.to_str().unwrap();
    let verify = konform_limited(&["report", "verify", path]);
    assert_eq!(verify.status.code(), Some(2), "{}", stderr(&verify));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        stderr(&verify)
    );
    assert!(all.contains("256 MiB"), "{all}");
    let merged = dir.path().join("merged.json");
    let merge = konform_limited(&["report", "merge", path, "-o", merged.to_str().unwrap()]);
    assert_refused(&merge, &["huge.json", "256 MiB"]);
    let render_html = dir.path().join("r.html");
    let render = konform_limited(&[
        "report",
        "render",
        path,
        "--html",
        render_html.to_str().unwrap(),
    ]);
    assert_refused(&render, &["huge.json", "256 MiB"]);
}
