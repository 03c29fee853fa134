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
    /// Make an Ed25519 key pair for signing reports.
    Keygen(KeygenArgs),
    /// Build the compatibility matrix (targets × suite versions × classes) from a folder of reports.
    Matrix {
        /// Folder of reports (searched recursively for `*.json`).
        dir: PathBuf,
        /// Where to write the HTML page.
        #[arg(long, short, default_value = "matrix.html", value_name = "FILE")]
        out: PathBuf,
        /// Also write the matrix as JSON.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Folder of trusted public keys (`*.pub.pem`, each named by its file name).
        /// Only reports signed by these keys can decide a cell.
        #[arg(long, value_name = "DIR")]
        keys: Option<PathBuf>,
        /// A suite folder (or bundled `NAME@VERSION`) whose digest reports may name,
        /// besides the bundled suites (repeatable).
        #[arg(long = "suite", value_name = "DIR")]
        suites: Vec<String>,
    },
    /// Work on written reports: render, sign, verify, merge, annotate for CI.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Folder the key files are written to (`NAME.key.pem`, mode 0600, and `NAME.pub.pem`).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub out: PathBuf,
    /// Name of the signer; also the stem of the key file names.
    #[arg(long, default_value = "konform", value_name = "SIGNER")]
    pub name: String,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Render a JSON report as HTML, JUnit XML and/or Markdown (`-` writes to stdout); a signed
    /// report is shown with the status of its seal and signatures (checked with --keys/--key).
    Render(RenderArgs),
    /// Seal a report and add an Ed25519 JWS signature (the file is rewritten atomically).
    Sign {
        report: PathBuf,
        /// Private key (PKCS#8 PEM) made by `konform keygen`.
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// Signer name recorded in the signature header (default: the key file's name).
        /// Readers show the name of their trusted key file, not this claim.
        #[arg(long, value_name = "NAME")]
        signer: Option<String>,
    },
    /// Check a report offline: strict JSON, schema, seal, signatures by trusted keys, suite digest,
    /// and (with --rejudge) the verdicts.
    ///
    /// Exit codes: 0 every check passed, 1 a check failed, 2 unreadable input.
    Verify {
        report: PathBuf,
        /// Trusted public key (SPKI PEM), named by its file name; repeatable.
        #[arg(long = "key", value_name = "PUB")]
        keys: Vec<PathBuf>,
        /// Folder of trusted public keys (`*.pub.pem`).
        #[arg(long = "keys", value_name = "DIR")]
        key_dir: Option<PathBuf>,
        /// Suite folder (or bundled `NAME@VERSION`) the report claims to have run
        /// (default: any bundled suite version).
        #[arg(long, value_name = "DIR")]
        suite: Option<String>,
        /// Re-evaluate every assertion from the recorded evidence and recompute the verdicts (needs --suite).
        #[arg(long, requires = "suite")]
        rejudge: bool,
        /// The redaction key the run encrypted personal data under (`run --redaction-key`):
        /// reveals it so that every assertion is re-judged. Without it, a recorded pass that
        /// redacted values decide is not accepted.
        #[arg(long, value_name = "FILE", requires = "rejudge")]
        redaction_key: Option<std::path::PathBuf>,
    },
    /// Print GitHub Actions workflow commands for a report's findings, one per line:
    /// `::error` for every failed MUST requirement, `::warning` for a failed SHOULD, a MUST
    /// that could not be verified and an incomplete run, `::notice` for a failed MAY.
    ///
    /// Used by the composite action in `.github/actions/konform`. Exit 0 when the report was
    /// read (whatever its verdict), 2 when it cannot be read.
    Annotations {
        /// The JSON report, as written by `konform run` or `konform report merge`.
        report: PathBuf,
    },
    /// Merge the shard reports of one run (`run --shard K/N`) into one report.
    Merge {
        /// The shard reports, one per shard.
        #[arg(required = true)]
        reports: Vec<PathBuf>,
        /// Where to write the merged report.
        #[arg(long, short, value_name = "FILE")]
        out: PathBuf,
        /// Exit with the merged report's verdict as `konform run` would (0 conformant,
        /// 1 not conformant, 3 incomplete) instead of 0 once it is written.
        #[arg(long)]
        exit_code: bool,
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
    /// Cases run at the same time (at least 1).
    #[arg(long, short, value_name = "N", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub jobs: Option<usize>,
    /// Requests in flight at the same time to one host (at least 1), within
    /// the suite's ceiling; overrides the target file's `politeness`.
    /// Default: the suite's, else `--jobs` for a loopback host and 2 for any other.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_in_flight: Option<u32>,
    /// Requests started per second to one host, evenly spaced (e.g. `0.5`:
    /// one every two seconds), within the suite's ceiling. Default: the
    /// target file's, else the suite's, else no rate limit.
    #[arg(long, value_name = "R", value_parser = parse_rate)]
    pub rate: Option<f64>,
    /// Requests the run may send in all, per suite (at least 1), within the
    /// suite's ceiling; once spent, the remaining cases are an error of kind
    /// `budget`. Default: the target file's, else the suite's, else none.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub request_budget: Option<u64>,
    /// Run only a deterministic slice of the cases (by case id), e.g. `2/4`;
    /// merge the shard reports with `konform report merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Run every case N times; a case whose verdict differs between the
    /// repetitions is reported as an error of kind `flaky`.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub repeat: u32,
    /// Seed of the run's unique values (16 hex digits, as in a report's
    /// `run.seed`); reproduces the values of that run. Default: a fresh seed.
    #[arg(long, value_name = "HEX", value_parser = konform_runner::unique::parse_seed)]
    pub seed: Option<u64>,
    /// Encrypt personal data in the evidence under the key in FILE (created,
    /// readable by you only, when it does not exist) and record the key's id.
    /// Keep the file: with it `konform report verify --rejudge
    /// --redaction-key FILE` re-judges every verdict, redacted values
    /// included. Default: a fresh key that nobody keeps.
    #[arg(long, value_name = "FILE")]
    pub redaction_key: Option<PathBuf>,
    /// Folder the reports are written to.
    #[arg(long, default_value = "reports/out", value_name = "DIR")]
    pub out: PathBuf,
    /// Print only failures and the summary.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print every step of every case (request line, status, checks) and the
    /// whole detail of a failure as soon as it happens.
    #[arg(long, short)]
    pub verbose: bool,
    /// Colour the output: `auto` (a terminal, unless `NO_COLOR` is set;
    /// `CLICOLOR_FORCE` forces it), `always` or `never`.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: crate::terminal::ColorChoice,
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
        /// Treat warnings as errors (exit 2), as CI does for the newest suites.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Start a new suite: writes DIR/NAME/0.1.0/ (suite.yaml and a case file) that lints clean.
    New {
        /// Suite name (lower case, digits and `-`).
        name: String,
        /// The folder of suite families the new suite goes into.
        #[arg(long, default_value = "suites")]
        dir: std::path::PathBuf,
    },
    /// What changed between two versions of a suite, and whether the version step is right under SemVer.
    Diff {
        /// The older version (`NAME@VERSION` or a folder).
        old: String,
        /// The newer version.
        new: String,
        /// Print the difference as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the suite as it runs, as JSON: its requirements and classes, and
    /// every case with sequences, tables and shared fragments written out.
    Expand {
        /// A suite folder or bundled suite name.
        suite: String,
    },
    /// Print the SHA-256 digest that pins exactly what a suite contains.
    Digest {
        #[arg(required = true)]
        suites: Vec<String>,
    },
    /// Kill score: run the suite against the reference once per fault and show which faults it catches.
    Mutants(crate::commands::mutants::MutantsArgs),
    /// What a suite covers of its interface's OpenAPI: operations × documented statuses, request
    /// constraints probed, rule ids asserted, requirements verified only by status checks. Exits 1
    /// when something is uncovered without a reason in the suite's `coverage.not_covered`.
    Coverage {
        #[arg(required = true)]
        suites: Vec<String>,
        /// Print the coverage as JSON instead of a table.
        #[arg(long)]
        json: bool,
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
        /// Serve the control route `/_konform/faults`: GET lists the faults
        /// that are on, PUT with a JSON array of names switches them while the
        /// register keeps its state.
        #[arg(long)]
        control: bool,
        /// Accept requests without a token.
        #[arg(long)]
        open: bool,
        /// Serve plain HTTP even where the reference serves HTTPS by default
        /// (OParl).
        #[arg(long)]
        no_tls: bool,
        /// With HTTPS: write the server's self-signed certificate (PEM) to
        /// FILE, for a target file's `tls.ca_file`.
        #[arg(long, value_name = "FILE")]
        ca_out: Option<std::path::PathBuf>,
        /// Multiply the synthetic data set (OParl; 4 gives over 10,000
        /// objects in the lists of 1.1).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        scale: u32,
    },
    /// List the embedded reference implementations.
    List,
    /// List the faults a reference implementation offers, with the requirement each breaks.
    Faults {
        /// Interface and version, e.g. `meldewesen@1.0`.
        interface: String,
    },
}

/// Parses `K/N` with 1 <= K <= N.
/// A rate in requests per second: a finite number greater than 0.
fn parse_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err(format!(
            "`{s}`: expected requests per second, a number greater than 0 (e.g. 2 or 0.5)"
        )),
    }
}

fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}`: expected K/N, e.g. 2/4"))?;
    let k: u32 = k
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: K is not a number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: N is not a number"))?;
    if k == 0 || k > n {
        return Err(format!("`{s}`: K must be between 1 and N"));
    }
    Ok((k, n))
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
    /// Trusted public key (SPKI PEM) to check a signed report with; repeatable.
    #[arg(long = "key", value_name = "PUB")]
    pub keys: Vec<PathBuf>,
    /// Folder of trusted public keys (`*.pub.pem`) to check a signed report with.
    #[arg(long = "keys", value_name = "DIR")]
    pub key_dir: Option<PathBuf>,
    /// A suite folder (or bundled `NAME@VERSION`) whose digest the report may name,
    /// besides the bundled suites.
    #[arg(long, value_name = "DIR")]
    pub suite: Option<String>,
}
