//! Nothing secret or personal is written: the Meldewesen suite runs against
//! the reference demanding tokens, with the tokens as canary secrets from the
//! environment and the seed persons' data (personal by the contract's
//! `x-personal-data` marks and the suite's `personal_data`) as canary personal data; every output file — JSON, HTML, JUnit,
//! Markdown — is searched for them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test: a panic is its failure"
)]

use std::process::Command;

use konform_reference::{FULL_TOKEN, LIMITED_TOKEN, ServeOptions};

/// Canary personal data: the seed person mw-0001 and the Auskunftssperre person.
const PERSONAL: &[&str] = &[
    "Mustermann",
    "Gabler",
    "1964-08-12",
    "Heidestraße",
    "Verborgen",
    "1990-02-14",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_output_file_holds_a_secret_or_personal_data() {
    let reference = konform_reference::serve("meldewesen", "1.0", ServeOptions::default())
        .await
        .expect("reference");
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("t.yaml");
    std::fs::write(
        &target,
        format!(
            "identity:\n  operator: Canaryland\n  vendor: Test\n  product: Canary\n  version: \"1\"\nbase_url: {}\nauth: {{ kind: bearer, token_env: KT_CANARY_TOKEN }}\nauth_profiles:\n  limited: {{ kind: bearer, token_env: KT_CANARY_LIMITED }}\n",
            reference.base_url
        ),
    )
    .expect("target file");
    let out = dir.path().join("out");
    let (target_arg, out_arg) = (target.display().to_string(), out.display().to_string());
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_konform"))
            .args(["run", "meldewesen", "-q", "--format", "json,html,junit,md"])
            .args(["--target", &target_arg, "--out", &out_arg])
            .env("KT_CANARY_TOKEN", FULL_TOKEN)
            .env("KT_CANARY_LIMITED", LIMITED_TOKEN)
            .env("NO_COLOR", "1")
            .output()
            .expect("run konform")
    })
    .await
    .expect("join");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let files: Vec<_> = std::fs::read_dir(&out)
        .expect("output folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 4, "json, html, junit and md: {files:?}");
    let mut searched = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read output");
        for canary in [FULL_TOKEN, LIMITED_TOKEN].iter().chain(PERSONAL) {
            assert!(
                !text.contains(canary),
                "{canary} leaked into {}",
                file.display()
            );
        }
        searched += text.len();
    }
    assert!(searched > 100_000, "the outputs hold the evidence");
    let json = std::fs::read_to_string(out.join("meldewesen@1.1.0.json")).expect("json");
    assert!(
        json.contains("[personal:"),
        "personal data is replaced by hashes, not dropped"
    );
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(
            !text.contains(FULL_TOKEN) && !text.contains("Mustermann"),
            "{text}"
        );
    }
}
