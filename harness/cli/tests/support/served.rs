//! A `konform reference serve` child process for tests that need a target
//! which keeps its state between runs (or a fault switched on), and a target
//! file pointing at it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A `konform reference serve` child process, killed on drop.
pub struct Served {
    child: Child,
    pub base_url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(interface: &str, faults: &[&str]) -> Served {
    serve_with(interface, faults, &[])
}

/// [`serve`] with further arguments (`--ca-out FILE` for an HTTPS reference).
pub fn serve_with(interface: &str, faults: &[&str], args: &[&str]) -> Served {
    let mut command = Command::new(env!("CARGO_BIN_EXE_konform"));
    command.args(["reference", "serve", interface, "--control"]);
    command.args(args);
    for f in faults {
        command.args(["--fault", f]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn konform reference serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    // "Serving the meldewesen@1.0 reference at http://127.0.0.1:PORT"
    let base_url = lines
        .by_ref()
        .take(10)
        .map_while(Result::ok)
        .find_map(|l| l.split(" at ").nth(1).map(|u| u.trim().to_string()))
        .expect("serve prints its address");
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Served { child, base_url }
}

pub fn write_target(dir: &Path, base_url: &str) -> PathBuf {
    let text = format!(
        "identity: {{ operator: Testland, vendor: konform, product: kept-state, version: \"1\" }}\n\
         base_url: {base_url}\n\
         auth: {{ kind: bearer, token_env: KEPT_STATE_TOKEN }}\n\
         auth_profiles:\n  limited: {{ kind: bearer, token_env: KEPT_STATE_LIMITED }}\n"
    );
    let path = dir.join("target.yaml");
    std::fs::write(&path, text).expect("write target file");
    path
}
