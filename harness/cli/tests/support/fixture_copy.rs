// Shared by several test binaries; each uses only some of it.
#![allow(dead_code)]

//! Copies of test fixtures in a temporary folder, for tests that edit a
//! suite or need it under a `suites/<name>/<version>` path of their own.

use std::path::{Path, PathBuf};

/// The probe fixture (suite and schemas), copied into `dir`; the suite folder.
pub fn probe_copy(dir: &Path) -> PathBuf {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probe");
    copy_dir(&fixture, dir);
    dir.join("suites/probe/1.0.0")
}

/// Copies the folder `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
