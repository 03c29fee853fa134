//! Suite names and target URLs as an attacker (or a careless author) would
//! write them, run through the real `konform` binary:
//!
//! - a suite named `../../escaped` or `/tmp/...` must not write its report
//!   outside `--out`: it is refused when the suite loads, at file:line:col;
//! - plain `http://` beyond loopback and credentials in URLs are warned about
//!   before the run, and a proxy's or token URL's password never appears in
//!   any output or in the report;
//! - a secret written into `token_env` instead of a variable name is not
//!   echoed back.

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

/// Every file under `dir`, recursively.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                out.extend(all_files(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

fn konform(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .output()
        .expect("run konform")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A port nothing listens on (bound, then released).
fn dead_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn write_target(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "identity: {{operator: Testland, vendor: V, product: P, version: \"1\"}}\n\
             classes: [core]\n{body}"
        ),
    )
    .expect("write target");
    path
}

#[test]
fn a_suite_named_to_escape_out_is_refused_before_anything_is_written() {
    for name in ["../../escaped", "/tmp/konform-escaped-by-name"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let suite = probe_copy(&dir.path().join("fixture"));
        let manifest = suite.join("suite.yaml");
        let original = std::fs::read_to_string(&manifest).expect("read");
        std::fs::write(
            &manifest,
            original.replace("suite: probe\n", &format!("suite: \"{name}\"\n")),
        )
        .expect("write");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let target = write_target(
            dir.path(),
            "target.yaml",
            &format!("base_url: http://127.0.0.1:{port}\n"),
        );
        let out_dir = dir.path().join("a/b/out");
        let out = konform(
            &[
                "run",
                suite.to_str().unwrap(),
                "--target",
                target.to_str().unwrap(),
                "--out",
                out_dir.to_str().unwrap(),
            ],
            &[],
        );
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains("konform::unsafe-name"), "{stderr}");
        assert!(stderr.contains("suite.yaml:"), "{stderr}");
        assert!(stderr.contains("cannot be used as a file name"), "{stderr}");
        assert!(!stdout.contains("Running"), "{stdout}");
        let written: Vec<_> = all_files(dir.path())
            .into_iter()
            .filter(|p| p.to_string_lossy().contains("escaped"))
            .collect();
        assert!(written.is_empty(), "written: {written:?}");
        assert!(!Path::new("/tmp/konform-escaped-by-name@1.0.0.json").exists());
        listener.set_nonblocking(true).expect("nonblocking");
        assert!(listener.accept().is_err(), "the target got a request");

        let lint = konform(&["suite", "lint", suite.to_str().unwrap()], &[]);
        assert_eq!(lint.status.code(), Some(2));
        assert!(text(&lint).1.contains("konform::unsafe-name"));
    }
}

#[test]
fn plain_http_and_url_credentials_are_warned_about_and_passwords_never_shown() {
    const SECRET: &str = "T0kenUrlPassw0rd";
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = probe_copy(&dir.path().join("fixture"));
    // 0.0.0.0 is not loopback by name, yet a connection to it fails at once.
    let port = dead_port();
    let target = write_target(
        dir.path(),
        "target.yaml",
        &format!(
            "base_url: http://0.0.0.0:{port}\nauth:\n  kind: oauth2_client_credentials\n  \
             token_url: http://tokenuser:{SECRET}@0.0.0.0:{port}/token\n  \
             client_id_env: KONFORM_TEST_CLIENT_ID\n  client_secret_env: KONFORM_TEST_CLIENT_SECRET\n"
        ),
    );
    let out_dir = dir.path().join("out");
    let out = konform(
        &[
            "run",
            suite.to_str().unwrap(),
            "--target",
            target.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
        &[
            ("KONFORM_TEST_CLIENT_ID", "client"),
            ("KONFORM_TEST_CLIENT_SECRET", "client-secret-value"),
        ],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "warning: {}: base_url http://0.0.0.0:{port} is plain http://",
            target.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("token_url of auth http://tokenuser:***@0.0.0.0"),
        "{stderr}"
    );
    assert!(
        stderr.contains("carries a user name or password"),
        "{stderr}"
    );
    let report = std::fs::read_to_string(out_dir.join("probe@1.0.0.json")).expect("report");
    assert!(
        report.contains("tokenuser:***@"),
        "the reason names the token URL"
    );
    for (what, s) in [
        ("stdout", &stdout),
        ("stderr", &stderr),
        ("report", &report),
    ] {
        assert!(!s.contains(SECRET), "{what} shows the password");
    }
}

#[test]
fn a_proxy_password_is_never_printed() {
    const SECRET: &str = "Pr0xyS3cretPw";
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = probe_copy(&dir.path().join("fixture"));
    let target = write_target(
        dir.path(),
        "target.yaml",
        &format!(
            "base_url: http://127.0.0.1:{}\nproxy: http://proxyuser:{SECRET}@127.0.0.1:{}\n",
            dead_port(),
            dead_port()
        ),
    );
    let out_dir = dir.path().join("out");
    let out = konform(
        &[
            "run",
            suite.to_str().unwrap(),
            "--target",
            target.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("proxy http://proxyuser:***@127.0.0.1"),
        "{stderr}"
    );
    let report = std::fs::read_to_string(out_dir.join("probe@1.0.0.json")).expect("report");
    for (what, s) in [
        ("stdout", &stdout),
        ("stderr", &stderr),
        ("report", &report),
    ] {
        assert!(!s.contains(SECRET), "{what} shows the proxy password");
    }

    // An unusable proxy URL is an error that names it without its password.
    let bad = write_target(
        dir.path(),
        "bad.yaml",
        &format!("base_url: http://127.0.0.1:1\nproxy: gopher://proxyuser:{SECRET}@127.0.0.1:1\n"),
    );
    let out = konform(
        &[
            "run",
            suite.to_str().unwrap(),
            "--target",
            bad.to_str().unwrap(),
        ],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("invalid proxy"), "{stderr}");
    assert!(
        !stdout.contains(SECRET) && !stderr.contains(SECRET),
        "{stderr}"
    );
}

#[test]
fn a_secret_written_as_token_env_is_not_echoed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = probe_copy(&dir.path().join("fixture"));
    for secret in ["ghp_R3alS3cretT0kenValue0123456789", "my secret value!"] {
        let target = write_target(
            dir.path(),
            "target.yaml",
            &format!(
                "base_url: http://127.0.0.1:{}\nauth:\n  kind: bearer\n  token_env: \"{secret}\"\n",
                dead_port()
            ),
        );
        let out_dir = dir.path().join("out");
        let out = konform(
            &[
                "run",
                suite.to_str().unwrap(),
                "--target",
                target.to_str().unwrap(),
                "--out",
                out_dir.to_str().unwrap(),
            ],
            &[],
        );
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("token_env must name an environment variable"),
            "{stderr}"
        );
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{stderr}"
        );
        assert!(!out_dir.join("probe@1.0.0.json").exists());
    }
}
