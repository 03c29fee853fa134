//! The `konform` application: command-line parsing ([`cli`]), one module per
//! subcommand ([`commands`]), the end-to-end [`session`] that runs one suite
//! against one target, and the [`terminal`] reporter. `main.rs` only wires
//! these together; the self-test and benchmarks use [`session`] directly.

pub mod cli;
pub mod commands;
pub mod interrupt;
pub mod session;
pub mod suites;
pub mod target_file;
pub mod terminal;

use clap::Parser;

/// Runs the command line and returns the process exit code.
pub fn main_with_args(args: Vec<String>) -> i32 {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 3;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            cli::Command::Run(args) => commands::run::run(args).await,
            cli::Command::List(args) => commands::list::run(args),
            cli::Command::Suite {
                command: cli::SuiteCommand::Mutants(args),
            } => commands::mutants::run(args).await,
            cli::Command::Suite { command } => commands::suite::run(command),
            cli::Command::Reference { command } => commands::reference::run(command).await,
            cli::Command::Keygen(args) => commands::keys::keygen(args),
            cli::Command::Matrix {
                dir,
                out,
                json,
                keys,
                suites,
            } => commands::matrix::run(&dir, &out, json.as_deref(), keys.as_deref(), &suites),
            cli::Command::Report { command } => match command {
                cli::ReportCommand::Render(args) => commands::report::render(args),
                cli::ReportCommand::Sign {
                    report,
                    key,
                    signer,
                } => commands::keys::sign(&report, &key, signer.as_deref()),
                verify @ cli::ReportCommand::Verify { .. } => commands::verify::run(verify),
                cli::ReportCommand::Merge {
                    reports,
                    out,
                    exit_code,
                } => commands::merge::run(&reports, &out, exit_code),
                cli::ReportCommand::Annotations { report } => {
                    commands::report::annotations(&report)
                }
            },
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            // An error can quote a target's answer or a report file.
            eprintln!(
                "error: {}",
                konform_report::text::for_terminal(&e.to_string())
            );
            e.exit_code()
        }
    }
}
