//! `konform list suites|cases|requirements [SUITE]`.

use super::CliError;
use crate::cli::{ListArgs, ListWhat};
use crate::suites::{bundled_newest_first, load_one};

/// One bundled suite as `build.rs` listed it when konform was built.
#[derive(serde::Deserialize)]
struct IndexEntry {
    id: String,
    title: String,
    cases: usize,
    requirements: usize,
    digest: String,
}

/// The listing `build.rs` computed (empty if it could not be read).
fn built_index() -> Vec<IndexEntry> {
    serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/suite_index.json")))
        .unwrap_or_default()
}

/// A line of `konform list suites`.
pub fn listing_line(
    id: &str,
    title: &str,
    cases: usize,
    requirements: usize,
    digest: &str,
) -> String {
    format!("{id:<24} {title:<44} {cases:>3} cases {requirements:>3} requirements  {digest}")
}

pub fn run(args: ListArgs) -> Result<i32, CliError> {
    match args.what {
        ListWhat::Suites => {
            let index = built_index();
            for spec in bundled_newest_first() {
                let line = match index.iter().find(|e| e.id == spec) {
                    Some(e) => listing_line(&e.id, &e.title, e.cases, e.requirements, &e.digest),
                    None => {
                        // Not in the index (it did not load when konform was built): load it now.
                        let suite = load_one(&spec)?;
                        listing_line(
                            &suite.id(),
                            &suite.manifest.title,
                            suite.cases.len(),
                            suite.manifest.requirements.len(),
                            &suite.digest,
                        )
                    }
                };
                println!("{line}");
            }
        }
        ListWhat::Cases | ListWhat::Requirements => {
            let spec = args.suite.ok_or_else(|| {
                CliError::Input("name a suite: `konform list cases SUITE`".into())
            })?;
            let suite = load_one(&spec)?;
            if matches!(args.what, ListWhat::Cases) {
                for case in &suite.cases {
                    println!(
                        "{}::{:<44} {:<14} {:<28} {}",
                        suite.id(),
                        case.id,
                        case.class,
                        case.verifies.join(","),
                        case.title
                    );
                }
            } else {
                for r in &suite.manifest.requirements {
                    println!(
                        "{:<12} {:<6} {:<32} {}",
                        r.id,
                        r.level.as_str(),
                        r.source,
                        r.text
                    );
                }
            }
        }
    }
    Ok(0)
}
