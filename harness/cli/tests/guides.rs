//! The guides cannot rot: every command in them runs here, in order, in a
//! sandbox that holds a copy of the repository's `suites/` and `schemas/`.
//!
//! In a guide, a fenced block
//! - ```` ```yaml file=PATH ```` (or any language) is written to `PATH` in the sandbox;
//! - ```` ```console ```` holds commands (`$ ` lines, run with `sh -c`, the
//!   `konform` under test first on `PATH`) each followed by lines its output
//!   must contain, in order (`...` skips); a command ending in `# exit N`
//!   must exit with N, every other one with 0.
//!
//! Blocks of other kinds (```` ```sh ````, ```` ```yaml ````) are only shown.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;
use support::fixture_copy::copy_dir;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One thing a guide asks for.
#[derive(Debug)]
enum Item {
    File {
        path: String,
        text: String,
    },
    Command {
        line: usize,
        command: String,
        exit: i32,
        expect: Vec<String>,
    },
}

/// The files and commands of a guide, in order.
fn items(markdown: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((_, line)) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let mut body = Vec::new();
        for (n, l) in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                break;
            }
            body.push((n + 1, l));
        }
        if let Some(path) = info
            .split_whitespace()
            .find_map(|w| w.strip_prefix("file="))
        {
            let text: Vec<&str> = body.iter().map(|(_, l)| *l).collect();
            out.push(Item::File {
                path: path.to_string(),
                text: text.join("\n") + "\n",
            });
        } else if info.trim() == "console" {
            for (n, l) in body {
                if let Some(cmd) = l.strip_prefix("$ ") {
                    let (command, exit) = match cmd.rsplit_once("# exit ") {
                        Some((c, code)) => (c.trim_end().to_string(), code.trim().parse().unwrap()),
                        None => (cmd.to_string(), 0),
                    };
                    out.push(Item::Command {
                        line: n,
                        command,
                        exit,
                        expect: Vec::new(),
                    });
                } else if let Some(Item::Command { expect, .. }) = out.last_mut()
                    && !l.trim().is_empty()
                {
                    expect.push(l.trim_end().to_string());
                }
            }
        }
    }
    out
}

/// Stops the servers a guide started in the background (`echo $! > NAME.pid`),
/// also when the guide fails half-way.
struct StopServers(PathBuf);

impl Drop for StopServers {
    fn drop(&mut self) {
        let Ok(entries) = std::fs::read_dir(&self.0) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "pid")
                && let Ok(pid) = std::fs::read_to_string(entry.path())
            {
                let _ = Command::new("kill").arg(pid.trim()).status();
            }
        }
    }
}

/// Runs every item of the guide `name` (relative to the repository).
fn run_guide(name: &str) {
    let text = std::fs::read_to_string(repo().join(name)).unwrap();
    let items = items(&text);
    assert!(
        items.iter().any(|i| matches!(i, Item::Command { .. })),
        "{name} has no console block"
    );
    let sandbox = tempfile::tempdir().unwrap();
    let _servers = StopServers(sandbox.path().to_path_buf());
    copy_dir(&repo().join("suites"), &sandbox.path().join("suites"));
    copy_dir(&repo().join("schemas"), &sandbox.path().join("schemas"));
    let path = support::workflow::path_with_konform();
    for item in items {
        match item {
            Item::File { path, text } => {
                let target = sandbox.path().join(&path);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(target, text).unwrap();
            }
            Item::Command {
                line,
                command,
                exit,
                expect,
            } => {
                let out = Command::new("sh")
                    .arg("-c")
                    .arg(&command)
                    .current_dir(sandbox.path())
                    .env("PATH", &path)
                    .env("NO_COLOR", "1")
                    .env("KONFORM_GUIDE_TEST", "1")
                    .output()
                    .unwrap();
                let all = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                assert_eq!(
                    out.status.code(),
                    Some(exit),
                    "{name}:{line}: `{command}` exited with {:?}, the guide says {exit}:\n{all}",
                    out.status.code()
                );
                let mut rest = all.as_str();
                for want in expect.iter().filter(|w| w.trim() != "...") {
                    match rest.find(want.trim()) {
                        Some(i) => rest = &rest[i + want.trim().len()..],
                        None => panic!(
                            "{name}:{line}: `{command}` did not print (in this order) `{want}`:\n{all}"
                        ),
                    }
                }
            }
        }
    }
}

#[test]
fn the_guides_parse_files_commands_and_exit_codes() {
    let md = "text\n```yaml file=a/b.yaml\nx: 1\n```\n```console\n$ konform suite lint a # exit 2\nerror: a\n...\n$ echo hi\nhi\n```\n```sh\nnot run\n```\n";
    let items = items(md);
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(
        matches!(&items[0], Item::File { path, text } if path == "a/b.yaml" && text == "x: 1\n")
    );
    assert!(
        matches!(&items[1], Item::Command { command, exit: 2, expect, .. } if command == "konform suite lint a" && expect == &["error: a", "..."])
    );
}

#[test]
fn certification_guide() {
    run_guide("reports/README.md");
}

#[test]
fn vendor_ci_guide() {
    run_guide(".github/actions/konform/README.md");
}

#[test]
fn suite_authoring_guide() {
    run_guide("suites/README.md");
}
