// Shared by several test binaries; each uses only some of it.
#![allow(dead_code)]

//! Real headless Chromium (Debian's `chromium`) for the HTML pages konform
//! writes: a screenshot and a DOM dump, and every console message.

use std::path::Path;
use std::process::Command;

pub const CHROMIUM: &str = "/usr/bin/chromium";

pub struct Rendered {
    pub dom: String,
    pub console: Vec<String>,
}

fn chromium_args(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,2000",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

/// Loads `html` in headless Chromium twice (screenshot, DOM dump); returns
/// the DOM and every console line. Fails, never skips, when Chromium is missing.
pub fn render_in_chromium(html: &Path) -> Rendered {
    assert!(
        Path::new(CHROMIUM).is_file(),
        "{CHROMIUM} is missing: the HTML report test needs a real browser; run .ci/install-chromium"
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", html.display());
    let png = tmp.path().join("report.png");
    let shot = Command::new(CHROMIUM)
        .args(chromium_args(&tmp.path().join("profile-shot")))
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .expect("start chromium");
    assert!(
        shot.status.success(),
        "chromium --screenshot failed: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let dump = Command::new(CHROMIUM)
        .args(chromium_args(&tmp.path().join("profile-dom")))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("start chromium");
    assert!(
        dump.status.success(),
        "chromium --dump-dom failed: {}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "screenshot is a PNG"
    );
    assert!(
        bytes.len() > 20_000,
        "screenshot is only {} bytes: a blank page?",
        bytes.len()
    );
    if let Ok(keep) = std::env::var("KONFORM_KEEP_SCREENSHOT") {
        let _ = std::fs::copy(&png, keep);
    }
    let console = [&shot.stderr, &dump.stderr]
        .iter()
        .flat_map(|e| {
            String::from_utf8_lossy(e)
                .lines()
                .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    Rendered {
        dom: String::from_utf8_lossy(&dump.stdout).into_owned(),
        console,
    }
}
