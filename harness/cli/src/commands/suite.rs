//! `konform suite lint|digest`.

use super::CliError;
use crate::cli::SuiteCommand;
use crate::suites::load_one_for_lint;

pub fn run(command: SuiteCommand) -> Result<i32, CliError> {
    match command {
        SuiteCommand::Lint { suites } => {
            let mut code = 0;
            for spec in &suites {
                match load_one_for_lint(spec) {
                    Ok(suite) => {
                        if !suite.warnings.is_empty() {
                            eprint!("{}", suite.warnings.render(false));
                        }
                        println!(
                            "ok: {} ({} cases, {} requirements, {} classes, {} warnings)",
                            suite.id(),
                            suite.cases.len(),
                            suite.manifest.requirements.len(),
                            suite.manifest.classes.len(),
                            suite.warnings.len()
                        );
                    }
                    Err(diagnostics) => {
                        eprint!("{}", diagnostics.render(false));
                        eprintln!("error: {spec}: {} problems found", diagnostics.len());
                        code = 2;
                    }
                }
            }
            Ok(code)
        }
        // Async: dispatched to `commands::mutants` in `lib.rs` before this point.
        SuiteCommand::Mutants(_) => Err(CliError::Input(
            "suite mutants is run by commands::mutants".into(),
        )),
        SuiteCommand::Digest { suites } => {
            for spec in &suites {
                let suite = crate::suites::load_one(spec)?;
                println!("{}  {}", suite.digest, suite.id());
            }
            Ok(0)
        }
    }
}
