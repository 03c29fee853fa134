//! The report renderers end to end: the real `konform` binary runs the probe
//! suite against a misbehaving server and against a hostile one (its bodies
//! and headers carry `<script>`) over loopback with
//! `--format json,html,junit,md`; the Markdown and JUnit are snapshotted, the
//! HTML is checked for external references and escaping, and rendered in a
//! real headless Chromium (screenshot, DOM, console). `konform report render`
//! must render the same from the JSON, and reject bad report files with exit 2.

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

const HOSTILE_BODY: &str = "<script>console.error('pwned-by-body')</script><img src=x onerror=\"console.error('pwned-by-img')\">";
const HOSTILE_HEADER: &str = "<script>console.error('pwned-by-header')</script>";

fn probe_suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probe/suites/probe/1.0.0")
}

fn write_target(dir: &Path, base_url: &str) -> PathBuf {
    let text = format!(
        "identity:\n  operator: Testland\n  vendor: Probe GmbH\n  product: Misbehaving\n  version: \"0.0.1\"\nbase_url: {base_url}\nclasses: [core]\n"
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

/// Runs the probe suite against `base_url` with every format; returns the
/// output folder (inside `dir`).
async fn run_all_formats(dir: &Path, base_url: &str) -> PathBuf {
    let target = write_target(dir, base_url);
    let out = dir.join("out");
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
    assert_eq!(
        output.status.code(),
        Some(1),
        "the probe run is not conformant; stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for ext in [".json", ".html", ".junit.xml", ".md"] {
        let p = out.join(format!("probe@1.0.0{ext}"));
        assert!(p.is_file(), "{} was not written", p.display());
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains(&p.display().to_string()),
            "stdout names {}: {stdout}",
            p.display()
        );
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Redacts what changes from run to run: ports, times, durations, digests.
fn redacted<R>(f: impl FnOnce() -> R) -> R {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[port]");
    settings.add_filter(r#"time="[0-9.]+""#, r#"time="[time]""#);
    settings.add_filter(r"\(\d+ ms\)", "([duration])");
    settings.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[digest]");
    settings.bind(f)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_and_junit_of_a_failing_run() {
    let server = support::misbehaving::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_all_formats(dir.path(), &server.base_url()).await;
    let md = read(&out.join("probe@1.0.0.md"));
    let junit = read(&out.join("probe@1.0.0.junit.xml"));
    redacted(|| {
        insta::assert_snapshot!("probe_markdown", md);
        insta::assert_snapshot!("probe_junit", junit);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_render_matches_run_and_rejects_bad_reports() {
    let server = support::misbehaving::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_all_formats(dir.path(), &server.base_url()).await;
    let json = out.join("probe@1.0.0.json");
    let html = dir.path().join("again/report.html");
    let junit = dir.path().join("again/report.xml");
    let output = konform(&[
        "report".as_ref(),
        "render".as_ref(),
        json.as_os_str(),
        "--md".as_ref(),
        "-".as_ref(),
        "--html".as_ref(),
        html.as_os_str(),
        "--junit".as_ref(),
        junit.as_os_str(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The renderers are pure functions of the report: same bytes as the run wrote.
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        read(&out.join("probe@1.0.0.md"))
    );
    assert_eq!(read(&html), read(&out.join("probe@1.0.0.html")));
    assert_eq!(read(&junit), read(&out.join("probe@1.0.0.junit.xml")));

    let not_json = dir.path().join("not.json");
    std::fs::write(&not_json, "<html>").expect("write");
    let other_format = dir.path().join("other.json");
    std::fs::write(&other_format, r#"{"format":"konform-report/99"}"#).expect("write");
    let not_report = dir.path().join("plain.json");
    std::fs::write(&not_report, r#"{"hello":"world"}"#).expect("write");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, r#"{"format":"konform-report/1","cases":3}"#).expect("write");
    let missing = dir.path().join("missing.json");
    for (file, says) in [
        (&missing, "cannot read report"),
        (&not_json, "is not valid JSON"),
        (&other_format, "konform-report/99"),
        (&not_report, "is not a konform report"),
        (&broken, "is not a valid konform report"),
    ] {
        let o = konform(&[
            "report".as_ref(),
            "render".as_ref(),
            file.as_os_str(),
            "--md".as_ref(),
            "-".as_ref(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{}: {stderr}", file.display());
        assert!(stderr.contains(says), "{}: {stderr}", file.display());
        assert!(o.stdout.is_empty(), "nothing rendered for a bad report");
    }
    // Nothing to render is a usage error too.
    let o = konform(&["report".as_ref(), "render".as_ref(), json.as_os_str()]);
    assert_eq!(o.status.code(), Some(2));
    // So is an unknown format, before anything runs.
    let o = konform(&["run".as_ref(), "--format".as_ref(), "json,pdf".as_ref()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown report format \"pdf\""));
}

/// A target that answers everything with hostile markup (`/` still claims `core`).
async fn start_hostile() -> (String, tokio::task::JoinHandle<()>) {
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
                let head = String::from_utf8_lossy(&buf);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let (status, ctype, body) = if path == "/" {
                    (
                        "200 OK",
                        "application/json",
                        r#"{"interface":"probe","version":"1.0","classes":["core"]}"#.to_string(),
                    )
                } else {
                    (
                        "500 Internal Server Error",
                        "text/html",
                        HOSTILE_BODY.to_string(),
                    )
                };
                let reply = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nX-Evil: {HOSTILE_HEADER}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), task)
}

/// Every `src=`/`href=`/`action=` value and CSS `url(`/`@import`: the page
/// must load nothing, so links may only point inside the page.
fn external_references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = html.to_ascii_lowercase();
    for attr in ["src=", "href=", "action=", "srcset=", "poster=", "data="] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(attr) {
            let at = from + i;
            // Only attributes inside a tag: the nearest '<' before must be after the nearest '>'.
            let in_tag = lower[..at].rfind('<') > lower[..at].rfind('>');
            let value = lower[at + attr.len()..]
                .trim_start_matches(['"', '\''])
                .chars()
                .take(40)
                .collect::<String>();
            if in_tag && !value.starts_with('#') {
                found.push(format!("{attr}{value}"));
            }
            from = at + attr.len();
        }
    }
    for css in ["@import", "url(", "<link", "http-equiv=\"refresh"] {
        if lower.contains(css) {
            found.push(css.to_string());
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_is_self_contained_and_escapes_hostile_evidence() {
    let (base_url, task) = start_hostile().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_all_formats(dir.path(), &base_url).await;
    task.abort();
    let html = read(&out.join("probe@1.0.0.html"));

    let refs = external_references(&html);
    assert!(refs.is_empty(), "external references: {refs:?}");
    assert!(!html.contains("http://") || only_in_text(&html, "http://"));
    assert!(!html.contains("https://"));

    // The hostile body and header are there, but only as text.
    assert!(
        !html.contains("<script>console.error"),
        "hostile script got through"
    );
    assert!(!html.contains("<img"), "hostile img got through");
    assert!(html.contains("&lt;script&gt;console.error(&#39;pwned-by-body&#39;)&lt;/script&gt;"));
    assert!(html.contains("&lt;script&gt;console.error(&#39;pwned-by-header&#39;)"));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );

    // JUnit and Markdown escape it too.
    let junit = read(&out.join("probe@1.0.0.junit.xml"));
    assert!(!junit.contains("<script>"), "{junit}");
    let md = read(&out.join("probe@1.0.0.md"));
    assert!(!md.contains("<script>"), "{md}");

    // And a browser runs none of it.
    let page = support::chromium::render_in_chromium(&out.join("probe@1.0.0.html"));
    assert!(page.dom.contains("pwned-by-body"), "the evidence is shown");
    assert!(page.console.is_empty(), "console: {:#?}", page.console);
}

/// `http://` may appear in the page only as escaped text (URLs of the
/// exchanges), never in an attribute: checked by [`external_references`];
/// here the occurrences must all be inside element text.
fn only_in_text(html: &str, needle: &str) -> bool {
    html.match_indices(needle)
        .all(|(i, _)| html[..i].rfind('>') > html[..i].rfind('<'))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_renders_in_headless_chromium() {
    let server = support::misbehaving::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_all_formats(dir.path(), &server.base_url()).await;
    let page = support::chromium::render_in_chromium(&out.join("probe@1.0.0.html"));
    assert!(page.console.is_empty(), "console: {:#?}", page.console);
    let dom = &page.dom;
    // The overall verdict and the class verdict, as a reader sees them.
    assert!(
        dom.contains("<h1 id=\"verdict\">Not conformant</h1>"),
        "{dom}"
    );
    let card = dom
        .split("id=\"class-core\"")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap_or_else(|| panic!("no card for class core in {dom}"));
    assert!(card.contains("not conformant"), "class card: {card}");
    assert!(
        card.contains("PR-001"),
        "class card names the failed MUST: {card}"
    );
    // Every case has its section, linked from the requirement table.
    for id in [
        "probe.ok",
        "probe.wrong-status",
        "probe.slow",
        "probe.redirect-is-data",
    ] {
        assert!(
            dom.contains(&format!("id=\"case-{id}\"")),
            "section of {id}"
        );
        assert!(
            dom.contains(&format!("href=\"#case-{id}\"")),
            "link to {id}"
        );
    }
    assert!(dom.contains("id=\"failures-only\""));
    assert!(
        dom.contains("database gone"),
        "evidence of the 500 is shown"
    );
}
