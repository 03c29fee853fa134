//! `konform … | head`: a reader that goes away closes konform's stdout. The
//! real binary must end quietly (exit 141, as for SIGPIPE), not panic with a
//! backtrace on the broken pipe.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]
#![cfg(unix)]

use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn a_closed_stdout_ends_the_listing_quietly() {
    for args in [
        &["reference", "faults", "meldewesen@1.0"][..],
        &["list", "cases", "meldewesen@1.1.0"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_konform"))
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn konform");
        // Close the reading end before konform has written anything.
        drop(child.stdout.take());
        let status = child.wait().expect("wait");
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .expect("read stderr");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert_eq!(status.code(), Some(141), "{args:?}: {stderr}");
    }
}
