//! The command-line surface of `konform` (clap definitions only; the work is
//! done in `commands/`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "konform",
    version,
    about = "Conformance suites for the uniform service interfaces of German public administration",
    long_about = "konform runs versioned conformance suites against an implementation of a uniform \
                  service interface and writes a canonical report.\n\n\
                  Exit codes: 0 conformant, 1 not conformant, 2 usage or input error, \
                  3 run could not complete.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run suites against a target (default: every bundled suite against its embedded reference).
    Run(RunArgs),
    /// List bundled suites, or the cases or requirements of a suite.
    List(ListArgs),
    /// Work on a suite: lint it, compute its digest.
    Suite {
        #[command(subcommand)]
        command: SuiteCommand,
    },
    /// Serve an embedded reference implementation.
    Reference {
        #[command(subcommand)]
        command: ReferenceCommand,
    },
    /// Work on written reports: render them as HTML, JUnit XML or Markdown.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Suites to run: `NAME`, `NAME@VERSION` or a suite folder. Default: every bundled suite at its newest version.
    pub suites: Vec<String>,
    /// Target file (YAML). Default: the embedded reference implementation of each suite's interface.
    #[arg(long, short)]
    pub target: Option<PathBuf>,
    /// Run only cases of this conformance class (repeatable).
    #[arg(long = "class", value_name = "CLASS")]
    pub classes: Vec<String>,
    /// Cases run at the same time.
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,
    /// Folder the reports are written to.
    #[arg(long, default_value = "reports/out", value_name = "DIR")]
    pub out: PathBuf,
    /// Print only failures and the summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Report formats, comma-separated: json, html, junit, md. JSON is always written;
    /// the others go next to it as `<suite>@<version>.html|.junit.xml|.md`.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "json",
        value_name = "FORMATS"
    )]
    pub format: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    pub what: ListWhat,
    /// Suite (`NAME`, `NAME@VERSION` or a folder); required for `cases` and `requirements`.
    pub suite: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListWhat {
    Suites,
    Cases,
    Requirements,
}

#[derive(Debug, Subcommand)]
pub enum SuiteCommand {
    /// Check suites for every kind of authoring mistake; exits 2 if any error is found.
    Lint {
        /// Suite folders or bundled suite names.
        #[arg(required = true)]
        suites: Vec<String>,
    },
    /// Print the SHA-256 digest that pins exactly what a suite contains.
    Digest {
        #[arg(required = true)]
        suites: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReferenceCommand {
    /// Serve a reference implementation on loopback until Ctrl-C.
    Serve {
        /// Interface and version, e.g. `meldewesen@1.0`.
        interface: String,
        /// Port to listen on (default: any free port).
        #[arg(long, short)]
        port: Option<u16>,
        /// Switch on a fault (repeatable).
        #[arg(long = "fault", value_name = "FAULT")]
        faults: Vec<String>,
        /// Accept requests without a token.
        #[arg(long)]
        open: bool,
    },
    /// List the embedded reference implementations.
    List,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Render a JSON report as HTML, JUnit XML and/or Markdown (`-` writes to stdout).
    Render(RenderArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("outputs").required(true).multiple(true).args(["html", "junit", "md"])))]
pub struct RenderArgs {
    /// The canonical JSON report, as written by `konform run`.
    pub report: PathBuf,
    /// Write a self-contained HTML page here.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write JUnit XML here.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write Markdown (e.g. for a CI job summary) here.
    #[arg(long, value_name = "FILE")]
    pub md: Option<PathBuf>,
}
