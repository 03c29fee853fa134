//! A target whose text is aimed at the reader's terminal and CI log: a raw
//! TCP server on loopback answers every request with a problem+json whose
//! title and detail carry an OSC 52 clipboard write, a screen clear, a bidi
//! override, C1 controls, a line break followed by a GitHub Actions command
//! and an Azure Pipelines command, and URLs. The real `konform run` output
//! must show all of it only as visible escapes, and the Markdown, JUnit and
//! HTML reports of the run must carry none of it raw (no autolink in the
//! Markdown, no `'unsafe-inline'` script in the HTML).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The problem document every request is answered with (JSON escapes, so the
/// body itself is plain ASCII and valid JSON).
const PROBLEM: &str = r#"{"type":"about:blank","status":500,"title":"Oops\u001b]52;c;SGVsbG8=\u0007\u001b[2J\u202etxt.exe\n::error file=x::pwned","detail":"see https://evil.example/phish and www.evil.example or mail x@evil.example\r\n##vso[task.setvariable variable=a]b\u009b2J\u0085::warning::w\u2066\u2069\u200f"}"#;

/// A header whose value carries a bidi override (UTF-8 bytes are allowed in
/// header values; control bytes would not even parse).
const HOSTILE_HEADER: &str = "X-Note: abc\u{202E}fed\r\n";

async fn serve() -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let reply = format!(
                    "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/problem+json\r\n{HOSTILE_HEADER}Content-Length: {}\r\nConnection: close\r\n\r\n{PROBLEM}",
                    PROBLEM.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), task)
}

fn probe_suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probe/suites/probe/1.0.0")
}

/// A target file whose identity carries a screen clear and a bidi override
/// (YAML escapes).
fn write_target(dir: &Path, base_url: &str) -> PathBuf {
    let text = format!(
        "identity:\n  operator: Testland\n  vendor: \"Probe\\e[2J GmbH\"\n  product: \"Hostile\\u202Eelif\"\n  version: \"0.0.1\"\nbase_url: {base_url}\nclasses: [core]\n"
    );
    let path = dir.join("target.yaml");
    std::fs::write(&path, text).expect("write target file");
    path
}

fn konform(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn konform")
}

fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
}

fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// No ESC, no other control but line breaks and tabs, no C1, no bidi.
fn assert_no_raw_controls(what: &str, text: &str) {
    for c in text.chars() {
        let layout = matches!(c, '\n' | '\r' | '\t');
        let raw = (c.is_control() && !layout) || is_c1(c) || is_bidi(c);
        assert!(!raw, "{what} carries U+{:04X} raw:\n{text}", c as u32);
    }
}

/// The Markdown of each line outside backtick code spans.
fn outside_code_spans(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let ticks = rest[start..].chars().take_while(|&c| c == '`').count();
        let fence = "`".repeat(ticks);
        let after = &rest[start + ticks..];
        match after.find(&fence) {
            Some(end) => rest = &after[end + ticks..],
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn target_text_reaches_no_terminal_log_or_report_raw() {
    let (base_url, server) = serve().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = write_target(dir.path(), &base_url);
    let out = dir.path().join("out");
    let (t, o) = (target.clone(), out.clone());
    let output = tokio::task::spawn_blocking(move || {
        konform(&[
            "run".as_ref(),
            probe_suite().as_os_str(),
            "--target".as_ref(),
            t.as_os_str(),
            "--out".as_ref(),
            o.as_os_str(),
            "--format".as_ref(),
            "json,html,junit,md".as_ref(),
        ])
    })
    .await
    .expect("join");
    server.abort();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(1),
        "not conformant; stdout: {stdout}\nstderr: {stderr}"
    );

    // The terminal: the text is there, but only as visible escapes.
    assert!(
        stdout
            .contains("Oops\\e]52;c;SGVsbG8=\\u{7}\\e[2J\\u{202e}txt.exe\\n::error file=x::pwned"),
        "the title is shown escaped: {stdout}"
    );
    assert!(stdout.contains("Hostile\\u{202e}elif"), "{stdout}");
    for (what, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(!text.contains('\u{1b}'), "{what} carries ESC: {text}");
        assert_no_raw_controls(what, text);
        for line in text.lines() {
            let line = line.trim_start();
            assert!(
                !line.starts_with("::") && !line.starts_with("##["),
                "{what} has a line a CI runs as a command: {line}"
            );
            assert!(
                !line.to_ascii_lowercase().contains("##vso["),
                "{what} has an Azure Pipelines command: {line}"
            );
        }
    }

    // The Markdown job summary.
    let md = std::fs::read_to_string(out.join("probe@1.0.0.md")).expect("markdown");
    assert!(md.contains("Oops"), "{md}");
    assert_no_raw_controls("markdown", &md);
    for line in md.lines() {
        assert!(!line.trim_start().starts_with("::"), "{line}");
        let outside = outside_code_spans(line);
        for needle in ["http://", "https://", "www.evil", "x@evil"] {
            assert!(
                !outside.contains(needle),
                "{needle} would be autolinked in: {line}"
            );
        }
    }

    // The JUnit XML, whose texts CI test views print into logs.
    let junit = std::fs::read_to_string(out.join("probe@1.0.0.junit.xml")).expect("junit");
    assert!(junit.contains("Oops"), "{junit}");
    assert_no_raw_controls("junit", &junit);
    for line in junit.lines() {
        let line = line.trim_start();
        assert!(!line.starts_with("::"), "{line}");
        assert!(!line.to_ascii_lowercase().contains("##vso["), "{line}");
    }

    // The HTML page: no raw controls, and a CSP without inline script.
    let html = std::fs::read_to_string(out.join("probe@1.0.0.html")).expect("html");
    assert!(html.contains("Oops"), "{html}");
    assert!(
        html.contains("abc\\u{202e}fed"),
        "the header is shown escaped"
    );
    assert_no_raw_controls("html", &html);
    let csp = html
        .split("http-equiv=\"Content-Security-Policy\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSP meta element");
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .expect("a script-src directive");
    assert!(!script_src.contains("'unsafe-inline'"), "{csp}");
    assert!(script_src.contains("'sha256-"), "{csp}");

    // The page's own script still runs under that policy: it marks the body.
    let page = support::chromium::render_in_chromium(&out.join("probe@1.0.0.html"));
    assert!(page.console.is_empty(), "console: {:#?}", page.console);
    assert!(page.dom.contains("Oops"));
    assert!(
        page.dom.contains("<body class=\"js\">"),
        "the page's script did not run"
    );
}
