//! `konform list suites|cases|requirements [SUITE]`.

use super::CliError;
use crate::cli::{ListArgs, ListWhat};
use crate::suites::{bundled_newest_first, load_one};

pub fn run(args: ListArgs) -> Result<i32, CliError> {
    match args.what {
        ListWhat::Suites => {
            for spec in bundled_newest_first() {
                let suite = load_one(&spec)?;
                println!(
                    "{:<24} {:<44} {:>3} cases {:>3} requirements  {}",
                    suite.id(),
                    suite.manifest.title,
                    suite.cases.len(),
                    suite.manifest.requirements.len(),
                    suite.digest
                );
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
