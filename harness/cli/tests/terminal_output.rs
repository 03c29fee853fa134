//! What a person sees of a failing run, end to end: the real `konform`
//! binary against `konform reference serve` with a fault switched on, its
//! output piped as in CI. The output is a snapshot (times, ports and
//! redaction tokens replaced): the failing cases with the requirement text,
//! the request, expected versus received as a JSON line diff, a known
//! deviation shown apart, the counts and the verdict. Piped, the output holds
//! no escape sequence and no `\r` (no colour, no progress bar) unless colour
//! is asked for.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::served::{serve, write_target};

const SUITE: &str = "meldewesen@1.1.0";
/// A 422 lists only the first offending field: `errors[]` checks fail with
/// structured expected and received values.
const FAULT: &str = "first-error-only";

/// `konform run` of the querschnitt class, one job at a time (so the lines
/// come in suite order); the environment is cleared of
/// every colour switch, and `env` adds some back.
fn run(target: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_konform"));
    command
        .args(["run", SUITE, "--class", "querschnitt", "--jobs", "1"])
        .arg("--target")
        .arg(target)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("KEPT_STATE_TOKEN", konform_reference::FULL_TOKEN)
        .env("KEPT_STATE_LIMITED", konform_reference::LIMITED_TOKEN)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm-256color");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run konform")
}

fn target_with_deviations(dir: &Path, base_url: &str) -> std::path::PathBuf {
    let plain = write_target(dir, base_url);
    let mut text = std::fs::read_to_string(&plain).expect("target");
    text.push_str(
        "known_deviations:\n\
         \x20 - case: querschnitt.unknown-field-nested\n\
         \x20   justification: \"Fix scheduled for release 4.2 (ticket ABC-123)\"\n\
         \x20   expires: 2099-12-31\n\
         \x20 - case: querschnitt.date-formats\n\
         \x20   justification: fixed in 4.1\n",
    );
    let path = dir.join("deviations.yaml");
    std::fs::write(&path, text).expect("write target");
    path
}

#[test]
fn a_failing_run_shows_requirement_request_and_diff() {
    let served = serve("meldewesen@1.0", &[FAULT]);
    let dir = tempfile::tempdir().expect("tempdir");
    let target = target_with_deviations(dir.path(), &served.base_url);
    let out = dir.path().join("out");
    // A fixed seed: the same unique values in every run of the test;
    // `--quiet` leaves out the lines of the cases that passed or were not
    // selected (the unit tests of `terminal.rs` cover those).
    let output = run(
        &target,
        &out,
        &["--seed", "0123456789abcdef", "--quiet"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let out_dir = out.display().to_string();
    insta::with_settings!({
        filters => vec![
            (r"\[\s*\d+ms\]", "[  Nms]"),
            (r"\[\d+\.\d+s\]", "[N.NNs]"),
            (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
            (r"\[personal:[A-Za-z0-9_-]+\]", "[personal:…]"),
            (regex_escape(&out_dir).as_str(), "OUT"),
        ]
    }, {
        insta::assert_snapshot!("failing_run", stdout);
    });
}

/// `regex::escape` without the dependency: the temporary path holds only
/// letters, digits, `/`, `.` and `_`.
fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '_' {
                vec![c]
            } else {
                vec!['\\', c]
            }
        })
        .collect()
}

#[test]
fn piped_output_has_no_escape_sequences_and_no_carriage_returns() {
    let served = serve("meldewesen@1.0", &[FAULT]);
    let dir = tempfile::tempdir().expect("tempdir");
    let target = target_with_deviations(dir.path(), &served.base_url);
    for (name, extra) in [
        ("default", &[][..]),
        ("verbose", &["--verbose"][..]),
        ("quiet", &["--quiet"][..]),
    ] {
        let output = run(&target, &dir.path().join(name), extra, &[]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains('\u{1b}') && !text.contains('\r'),
                "{name} {stream}: {text:?}"
            );
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        match name {
            // One plain line per case (a terminal would get the bar instead).
            "default" => assert!(stdout.contains("     PASS [")),
            // Every step with its request line and status.
            "verbose" => assert!(
                stdout.contains("step 1 `four-errors`: POST /anmeldungen → 422"),
                "{stdout}"
            ),
            _ => assert!(!stdout.contains("     PASS ["), "{stdout}"),
        }
    }
    // Asked for, colour is there even in a pipe; NO_COLOR turns it off again.
    for (extra, env, coloured) in [
        (&["--color", "always"][..], &[][..], true),
        (&[][..], &[("CLICOLOR_FORCE", "1")][..], true),
        (
            &[][..],
            &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")][..],
            false,
        ),
        (
            &["--color", "never"][..],
            &[("CLICOLOR_FORCE", "1")][..],
            false,
        ),
    ] {
        let output = run(&target, &dir.path().join("colour"), extra, env);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            stdout.contains("\u{1b}[1;31m"),
            coloured,
            "{extra:?} {env:?}: {stdout:?}"
        );
        assert!(!stdout.contains('\r'), "{stdout:?}");
    }
}
