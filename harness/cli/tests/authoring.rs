//! The authoring commands, end to end with the real binary: `konform suite
//! new` writes a suite that lints clean (and never overwrites one), and
//! `konform suite diff` lists what changed between two versions and says
//! whether the version step is right under SemVer (exit 1 when it is not).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::path::Path;
use std::process::{Command, Output};

fn konform(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_konform"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("spawn konform")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_new_suite_lints_clean_and_is_never_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let out = konform(tmp.path(), &["suite", "new", "wohngeld"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("created suites/wohngeld/0.1.0 (wohngeld@0.1.0: 3 cases, 1 requirement)")
    );
    let lint = konform(
        tmp.path(),
        &["suite", "lint", "--deny-warnings", "suites/wohngeld/0.1.0"],
    );
    assert_eq!(lint.status.code(), Some(0), "{}", stderr(&lint));
    assert!(
        stdout(&lint)
            .contains("ok: wohngeld@0.1.0 (3 cases, 1 requirements, 1 classes, 0 warnings)")
    );

    std::fs::write(
        tmp.path().join("suites/wohngeld/0.1.0/suite.yaml"),
        "edited",
    )
    .unwrap();
    let again = konform(tmp.path(), &["suite", "new", "wohngeld"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("exists already"));
    let kept =
        std::fs::read_to_string(tmp.path().join("suites/wohngeld/0.1.0/suite.yaml")).unwrap();
    assert_eq!(kept, "edited", "the existing suite is left alone");

    let bad = konform(tmp.path(), &["suite", "new", "../escape"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(!tmp.path().join("escape").exists());
}

/// A new version `to` of the scaffolded suite, with `edit` applied to its suite.yaml.
fn version(root: &Path, to: &str, edit: impl Fn(String) -> String) {
    version_with_cases(root, to, edit, |c| c);
}

/// Like [`version`], with `cases` applied to its case file too.
fn version_with_cases(
    root: &Path,
    to: &str,
    edit: impl Fn(String) -> String,
    cases: impl Fn(String) -> String,
) {
    let from = root.join("suites/wohngeld/0.1.0");
    let dir = root.join("suites/wohngeld").join(to);
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    let case_file = std::fs::read_to_string(from.join("cases/querschnitt.yaml")).unwrap();
    std::fs::write(dir.join("cases/querschnitt.yaml"), cases(case_file)).unwrap();
    let manifest = std::fs::read_to_string(from.join("suite.yaml"))
        .unwrap()
        .replace("version: 0.1.0", &format!("version: {to}"));
    std::fs::write(dir.join("suite.yaml"), edit(manifest)).unwrap();
}

#[test]
fn suite_diff_names_the_changes_and_judges_the_version_step() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(
        konform(tmp.path(), &["suite", "new", "wohngeld"])
            .status
            .success()
    );
    let should = "  - id: QS-002\n    level: SHOULD\n    text: GET / names the version.\n    source: x\n    class: querschnitt\n    not_tested: needs a second version of the interface\n\nclasses:";
    // A new SHOULD requirement: a minor step is right, a patch step is not.
    version(tmp.path(), "0.2.0", |m| m.replacen("\nclasses:", should, 1));
    version(tmp.path(), "0.1.1", |m| m.replacen("\nclasses:", should, 1));
    // 0.2.0's SHOULD raised to MUST (with a case now).
    version_with_cases(
        tmp.path(),
        "0.3.0",
        |m| {
            m.replacen("\nclasses:", should, 1)
                .replace(
                    "level: SHOULD\n    text: GET / names",
                    "level: MUST\n    text: GET / names",
                )
                .replace(
                    "    not_tested: needs a second version of the interface\n",
                    "",
                )
        },
        |c| c.replacen("verifies: [QS-001]", "verifies: [QS-001, QS-002]", 1),
    );

    let diff = |a: &str, b: &str| {
        konform(
            tmp.path(),
            &[
                "suite",
                "diff",
                &format!("suites/wohngeld/{a}"),
                &format!("suites/wohngeld/{b}"),
            ],
        )
    };
    let minor = diff("0.1.0", "0.2.0");
    assert_eq!(
        minor.status.code(),
        Some(0),
        "{}{}",
        stdout(&minor),
        stderr(&minor)
    );
    let text = stdout(&minor);
    assert!(
        text.contains("requirements: 1 added, 0 removed, 0 changed\n  + QS-002 (SHOULD)\n"),
        "{text}"
    );
    assert!(text.contains("semver: the changes need a minor step; wohngeld@0.1.0 -> wohngeld@0.2.0 is a minor step: right"), "{text}");

    let patch = diff("0.1.0", "0.1.1");
    assert_eq!(
        patch.status.code(),
        Some(1),
        "a new requirement in a patch step"
    );
    assert!(stdout(&patch).contains("is a patch step: WRONG"));

    // SHOULD raised to MUST: tightened, so a major step, which 0.3.0 is not.
    let tightened = diff("0.2.0", "0.3.0");
    assert_eq!(tightened.status.code(), Some(1));
    let text = stdout(&tightened);
    assert!(
        text.contains("  ~ QS-002: level SHOULD -> MUST\n"),
        "{text}"
    );
    assert!(text.contains("the changes need a major step"), "{text}");

    // Backwards: a MUST removed needs a major step, and going down is no step at all.
    let removed = diff("0.3.0", "0.1.0");
    assert_eq!(removed.status.code(), Some(1));
    assert!(stdout(&removed).contains("  - QS-002 (MUST)\n"));

    let json = konform(
        tmp.path(),
        &[
            "suite",
            "diff",
            "--json",
            "suites/wohngeld/0.1.0",
            "suites/wohngeld/0.2.0",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["needs"], "minor");
    assert_eq!(v["takes"], "minor");
    assert_eq!(v["added_requirements"][0][0], "QS-002");
}

#[test]
fn the_bundled_1_1_0_suites_are_a_right_minor_step_over_1_0_0() {
    let tmp = tempfile::tempdir().unwrap();
    for suite in ["meldewesen", "elterngeld", "kfz-zulassung"] {
        let out = konform(
            tmp.path(),
            &[
                "suite",
                "diff",
                &format!("{suite}@1.0.0"),
                &format!("{suite}@1.1.0"),
            ],
        );
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(text.contains("removed, "), "{text}");
        assert!(
            text.contains("requirements: ") && text.contains(" 0 removed"),
            "no requirement is removed: {text}"
        );
        assert!(text.contains("the changes need a minor step"), "{text}");
        assert!(
            text.contains("review: the wording of these MUST requirements changed"),
            "{text}"
        );
    }
}

/// `konform list suites` prints an index computed when konform was built
/// (build.rs); it must say what loading the suites says now.
#[test]
fn the_built_listing_agrees_with_loading_the_suites() {
    let tmp = tempfile::tempdir().unwrap();
    let listing = stdout(&konform(tmp.path(), &["list", "suites"]));
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 4, "{listing}");
    for line in lines {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (id, digest) = (fields[0], fields[fields.len() - 1]);
        let count = |what: &str| -> String {
            let n = stdout(&konform(tmp.path(), &["list", what, id]))
                .lines()
                .count();
            n.to_string()
        };
        assert!(
            line.contains(&format!(" {} cases ", count("cases"))),
            "{line}"
        );
        assert!(
            line.contains(&format!(" {} requirements ", count("requirements"))),
            "{line}"
        );
        let digested = stdout(&konform(tmp.path(), &["suite", "digest", id]));
        assert_eq!(digested.split_whitespace().next(), Some(digest), "{line}");
    }
}
