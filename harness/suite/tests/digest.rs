//! The suite digest is deterministic, independent of insertion order, and
//! changes when any byte, name or file changes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use konform_suite::SuiteFiles;
use konform_suite::digest::{digest, digest_entries};

fn sample(order: &[usize]) -> SuiteFiles {
    let entries = [
        ("suite.yaml", &b"suite: demo\n"[..]),
        ("cases/b.yaml", b"cases: []\n"),
        ("cases/a.yaml", b"cases: []\n"),
        ("README.md", b""),
    ];
    let mut files = SuiteFiles::new("test");
    for &i in order {
        files.insert(entries[i].0, entries[i].1);
    }
    files
}

#[test]
fn deterministic_and_order_independent() {
    let a = digest(&sample(&[0, 1, 2, 3]));
    let b = digest(&sample(&[3, 2, 1, 0]));
    assert_eq!(a, b);
    assert_eq!(a, digest(&sample(&[0, 1, 2, 3])));
    assert!(a.starts_with("sha256:"));
    assert_eq!(a.len(), "sha256:".len() + 64);
    let files = sample(&[0, 1, 2, 3]);
    let reversed: Vec<(&str, &[u8])> = files.iter().collect::<Vec<_>>().into_iter().rev().collect();
    assert_eq!(digest_entries(reversed), a);
}

#[test]
fn one_byte_changes_the_digest() {
    let base = digest(&sample(&[0, 1, 2, 3]));
    let mut changed = sample(&[0, 1, 2, 3]);
    changed.insert("cases/a.yaml", &b"cases: [] \n"[..]);
    assert_ne!(digest(&changed), base);
    let mut renamed = sample(&[0, 1, 2]);
    renamed.insert("README.MD", &b""[..]);
    assert_ne!(digest(&renamed), base);
    assert_ne!(
        digest(&sample(&[0, 1, 2])),
        base,
        "removing an empty file changes it"
    );
}

#[test]
fn length_prefix_makes_listing_unambiguous() {
    // Same concatenated bytes, different split between name and content.
    let a = digest_entries([("ab", &b"c"[..])]);
    let b = digest_entries([("a", &b"bc"[..])]);
    assert_ne!(a, b);
}

#[test]
fn backslashes_become_slashes() {
    let mut a = SuiteFiles::new("a");
    a.insert("cases\\x.yaml", &b"x"[..]);
    let mut b = SuiteFiles::new("b");
    b.insert("cases/x.yaml", &b"x"[..]);
    assert_eq!(digest(&a), digest(&b));
}

#[test]
fn from_dir_rejects_symlinks_and_digests_like_memory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("cases")).unwrap();
    std::fs::write(dir.path().join("suite.yaml"), "suite: demo\n").unwrap();
    std::fs::write(dir.path().join("cases/a.yaml"), "cases: []\n").unwrap();
    let files = SuiteFiles::from_dir(dir.path()).unwrap();
    let mut mem = SuiteFiles::new("mem");
    mem.insert("suite.yaml", &b"suite: demo\n"[..]);
    mem.insert("cases/a.yaml", &b"cases: []\n"[..]);
    assert_eq!(digest(&files), digest(&mem));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            dir.path().join("suite.yaml"),
            dir.path().join("cases/link.yaml"),
        )
        .unwrap();
        let err = SuiteFiles::from_dir(dir.path()).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }
}
