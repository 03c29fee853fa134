//! Benchmark figure: seal + sign and verify a synthetic report of 10,000
//! cases (~10 MB). Run with
//! `cargo run --release -p konform-seal --example bench`.
//! Prints the file size and the time of each phase; verify covers parsing
//! the file, canonicalising, hashing and checking the signature.

use std::time::Instant;

use konform_seal::{KeyRing, keys};
use serde_json::{Value, json};

fn case(i: usize) -> Value {
    let body = format!(
        "{{\"id\":\"konform-{i:08}\",\"familienname\":\"Testfall-{i}\",\"vornamen\":[\"Mia\",\"Luise\"],\"geburtsdatum\":\"1992-05-17\"}}"
    );
    json!({
        "id": format!("synthetic.case-{i:05}"),
        "title": "A synthetic case with one exchange",
        "class": "core",
        "requirements": [format!("REQ-{:03}", i % 200)],
        "verdict": if i.is_multiple_of(97) { "fail" } else { "pass" },
        "duration_ms": (i % 50) as u64,
        "steps": [{
            "index": 0,
            "request": {
                "method": "GET",
                "url": format!("http://127.0.0.1:8080/personen/konform-{i:08}"),
                "headers": [{ "name": "authorization", "value": "Bearer [REDACTED]" }]
            },
            "response": {
                "status": 200,
                "headers": [
                    { "name": "content-type", "value": "application/json" }
                ],
                "body": { "size": body.len(), "truncated": false, "text": body }
            },
            "duration_ms": 1,
            "assertions": [
                { "check": "status", "passed": true, "expected": "200", "received": 200 },
                { "check": "body /familienname equals", "passed": true,
                  "expected": format!("Testfall-{i}"), "received": format!("Testfall-{i}") }
            ]
        }]
    })
}

fn main() {
    let cases: Vec<Value> = (0..10_000).map(case).collect();
    let mut report = json!({
        "format": "konform-report/1",
        "harness": { "name": "konform", "version": "0.1.0" },
        "suite": { "id": "synthetic", "version": "1.0.0", "title": "Synthetic", "digest": "sha256:00" },
        "cases": cases,
        "verdict": "not_conformant"
    });
    let key = match keys::generate() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let t = Instant::now();
    let signed = konform_seal::sign_file(&mut report, &key, "bench", "2030-01-01T00:00:00Z");
    let sign_ms = t.elapsed().as_secs_f64() * 1e3;
    if let Err(e) = signed {
        eprintln!("{e}");
        std::process::exit(1);
    }
    let bytes = serde_json::to_vec_pretty(&report).unwrap_or_default();
    let mut ring = KeyRing::new();
    ring.add(key.verifying_key());

    let mut best = f64::MAX;
    let mut parse_best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let parsed: Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        let parse_ms = t.elapsed().as_secs_f64() * 1e3;
        let ok = konform_seal::verify_file(&parsed, &ring).is_ok_and(|v| v.passed());
        let total = t.elapsed().as_secs_f64() * 1e3;
        let t2 = Instant::now();
        let canonical = konform_seal::seal::canonical_report(&parsed).unwrap_or_default();
        let c_ms = t2.elapsed().as_secs_f64() * 1e3;
        let t2 = Instant::now();
        let _ = konform_seal::seal::digest_of(&canonical);
        let h_ms = t2.elapsed().as_secs_f64() * 1e3;
        println!(
            "  run: parse {parse_ms:.0} ms, canonicalise {c_ms:.0} ms, sha256 {h_ms:.0} ms, total verify {total:.0} ms"
        );
        assert!(ok, "the synthetic report must verify");
        best = best.min(total);
        parse_best = parse_best.min(parse_ms);
    }
    let canonical_len = konform_seal::seal::canonical_report(&report).map_or(0, |c| c.len());
    println!(
        "report: 10000 cases, {:.1} MB as written, {:.1} MB canonical",
        bytes.len() as f64 / 1e6,
        canonical_len as f64 / 1e6
    );
    println!("seal + sign (in memory): {sign_ms:.0} ms");
    println!(
        "verify (parse {parse_best:.0} ms + canonicalise, hash, Ed25519): {best:.0} ms (best of 5)"
    );
}
