//! `konform run`: load the suites and the target, run, write one report per
//! suite, print the summary, exit with the worst verdict.

use std::path::Path;

use konform_model::report::OverallVerdict;
use konform_report::text::for_terminal as safe;
use konform_runner::CancellationToken;
use konform_suite::LoadedSuite;

use super::CliError;
use crate::cli::RunArgs;
use crate::session::{self, SessionOptions, TargetSpec};
use crate::suites::{load_suites, schemas_for};
use crate::target_file::{check_known_deviations, load_target_file};
use crate::terminal::{Progress, Style, Verbosity, summary};

pub async fn run(args: RunArgs) -> Result<i32, CliError> {
    let formats = super::report::parse_formats(&args.format)?;
    let suites: Vec<LoadedSuite> = load_suites(&args.suites)?;
    // Every report path is known (and safe) before anything runs.
    for suite in &suites {
        report_path(&args.out, suite)?;
    }
    let mut known_deviations = vec![];
    let target = match &args.target {
        Some(path) => {
            let loaded = load_target_file(path)?;
            let file = loaded.file;
            check_known_deviations(path, &loaded.known_deviations, &suites)?;
            known_deviations = loaded.known_deviations;
            for warning in konform_connection::warnings(&file) {
                eprintln!("warning: {}: {warning}", path.display());
            }
            let base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
            TargetSpec::File {
                file: Box::new(file),
                base_dir,
            }
        }
        None => TargetSpec::Embedded,
    };
    let politeness = konform_model::politeness::Politeness {
        max_in_flight_per_host: args.max_in_flight,
        requests_per_second: args.rate,
        request_budget: args.request_budget,
    };
    // Every suite's politeness ceiling is checked before the first suite
    // sends a request, not when its turn comes.
    let target_politeness = match &target {
        TargetSpec::File { file, .. } => file.politeness,
        TargetSpec::Embedded => Default::default(),
    };
    for suite in &suites {
        konform_runner::politeness::resolve(
            &suite.manifest.defaults.politeness,
            &target_politeness,
            &politeness,
        )
        .map_err(|e| CliError::Input(format!("{}: {e}", suite.id())))?;
    }
    // Before the first request: a run whose reports cannot be written would
    // only leave its traces in the target's register.
    let removed = konform_report::write::prepare_dir(&args.out).map_err(|e| {
        CliError::Input(format!(
            "--out {}: not a folder reports can be written to ({e})",
            args.out.display()
        ))
    })?;
    for path in removed {
        eprintln!(
            "note: removed {}, a temporary report file left by an interrupted run",
            path.display()
        );
    }
    let redaction_key = match &args.redaction_key {
        Some(path) => {
            let (key, created) = konform_runner::redact::RedactionKey::load_or_create(path)
                .map_err(|e| CliError::Input(e.to_string()))?;
            if created {
                eprintln!(
                    "note: created the redaction key {} ({}); keep it to re-judge these reports",
                    path.display(),
                    key.id()
                );
            }
            Some(key)
        }
        None => None,
    };
    let cancel = CancellationToken::new();
    crate::interrupt::cancel_on_signals(cancel.clone());
    let options = SessionOptions {
        jobs: args.jobs,
        class_filter: args.classes.clone(),
        cancel: cancel.clone(),
        faults: vec![],
        shard: args.shard,
        seed: args.seed,
        repeat: args.repeat,
        redaction_key,
        known_deviations,
        politeness,
    };
    let style = Style::detect(args.color);
    let verbosity = if args.quiet {
        Verbosity::Quiet
    } else if args.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let bar = crate::terminal::interactive();
    let mut worst = OverallVerdict::Conformant;
    for suite in &suites {
        let schemas = schemas_for(suite);
        let connected = match &target {
            TargetSpec::Embedded => session::connect_embedded(suite, &[]).await?,
            TargetSpec::File { file, base_dir } => session::connect_file(file, base_dir)?,
        };
        println!(
            "     Running {} ({} cases) against {} {} at {}",
            safe(&suite.id()),
            suite.cases.len(),
            safe(&connected.identity.product),
            safe(&connected.identity.version),
            safe(connected.conn.base_url().as_ref())
        );
        let progress = Progress::new(
            suite.id(),
            verbosity,
            style,
            bar,
            crate::terminal::texts_of_suite(suite),
            Box::new(std::io::stdout()),
        );
        let result = session::run_connected(suite, &schemas, &connected, &options, &progress).await;
        if let Some(reference) = connected.reference {
            reference.shutdown().await;
        }
        let report = result?;
        let path = report_path(&args.out, suite)?;
        konform_report::write_json(&report, &path)
            .map_err(|e| CliError::Environment(e.to_string()))?;
        let written = super::report::write_renderings(&report, &path, &formats)?;
        print!(
            "{}",
            summary(&report, Some(&path.display().to_string()), style)
        );
        for path in written {
            println!("  report:  {}", safe(&path.display().to_string()));
        }
        worst = worse(worst, report.verdict);
        if cancel.is_cancelled() {
            break;
        }
    }
    Ok(worst.exit_code())
}

/// `<out>/<suite>@<version>.json`; a suite id that is not a plain file name
/// (the loader refuses such names already) is an input error.
fn report_path(out: &Path, suite: &LoadedSuite) -> Result<std::path::PathBuf, CliError> {
    konform_report::join_file_name(out, &format!("{}.json", suite.id()))
        .map_err(|e| CliError::Input(format!("{}: {e}", suite.id())))
}

fn worse(a: OverallVerdict, b: OverallVerdict) -> OverallVerdict {
    use OverallVerdict::*;
    match (a, b) {
        (NotConformant, _) | (_, NotConformant) => NotConformant,
        (Incomplete, _) | (_, Incomplete) => Incomplete,
        _ => Conformant,
    }
}
