//! `konform suite mutants SUITE`: the kill score of a suite. The suite runs
//! once against the clean embedded reference (which must be conformant), then
//! once per fault of the interface's reference, each against its own server
//! with that one fault switched on, several at a time. A fault is caught when
//! at least one case FAILS; a case that ends in `error` proves nothing about
//! the implementation and does not count. A fault is caught *exactly* when
//! the requirements that failed are exactly the ones the fault declares
//! (attribution blamed nothing else). The matrix faults × failing cases,
//! the kill score, the exact count and the surviving faults are printed and
//! written as JSON.
//!
//! A suite version is measured against the faults of its time: each fault
//! names the suite version whose release added it (`since`), and faults added
//! after the suite's version are left out unless `--all-faults` asks for them.
//! A released suite is never rewritten; its successor catches what it missed.
//! A fault that breaks only requirements an erratum withdrew from the suite
//! version is not counted either: nothing in that version may catch it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use konform_model::report::{OverallVerdict, Report, RequirementVerdict, Verdict};
use konform_reference::FaultInfo;
use konform_runner::NoEvents;
use konform_suite::LoadedSuite;
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::CliError;
use crate::session::{SessionOptions, TargetSpec, run_suite};

/// Faults run at the same time when `--jobs` is not given.
pub const DEFAULT_FAULT_JOBS: usize = 4;
/// Case ids printed per fault before the list is cut short.
const SHOWN_CASES: usize = 3;

/// Arguments of `konform suite mutants`.
#[derive(Debug, Clone, clap::Args)]
pub struct MutantsArgs {
    /// Suite: `NAME`, `NAME@VERSION` or a suite folder.
    pub suite: String,
    /// Faults run at the same time (each against its own reference server).
    #[arg(long, short, value_name = "N", default_value_t = DEFAULT_FAULT_JOBS)]
    pub jobs: usize,
    /// Where the JSON result goes. Default: `reports/out/<suite>@<version>.mutants.json`.
    #[arg(long, value_name = "FILE.json")]
    pub out: Option<PathBuf>,
    /// Also fail (exit 1) unless every fault fails exactly the requirements it declares.
    #[arg(long)]
    pub exact: bool,
    /// Also count the faults added to the catalogue after the suite's version.
    #[arg(long)]
    pub all_faults: bool,
}

/// The outcome of the suite against one fault.
#[derive(Debug, Clone, Serialize)]
pub struct FaultOutcome {
    pub name: String,
    /// The requirement the fault was written to break.
    pub requirement: String,
    /// Every requirement it breaks (the primary one and its `also`).
    pub requirements: Vec<String>,
    pub description: String,
    /// The suite version whose release added the fault.
    pub since: String,
    /// At least one case failed.
    pub caught: bool,
    /// At least one failing case verifies the fault's requirement.
    pub caught_by_requirement: bool,
    /// The requirements whose verdict is `fail` in the report.
    pub failed_requirements: Vec<String>,
    /// `failed_requirements` are exactly the fault's declared requirements.
    pub exact: bool,
    /// Cases that failed (these catch the fault).
    pub failed_cases: Vec<String>,
    /// Cases that ended in `error` (these do not count as catching).
    pub errored_cases: Vec<String>,
    /// The run could not be carried out at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_error: Option<String>,
}

/// The clean run against the reference without faults.
#[derive(Debug, Clone, Serialize)]
pub struct CleanRun {
    pub verdict: OverallVerdict,
    pub cases: usize,
    /// Cases that did not pass in the clean run (should be none).
    pub not_passed: Vec<String>,
}

/// Everything `konform suite mutants` found; written as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct MutantsResult {
    pub suite: String,
    pub interface: String,
    pub clean: CleanRun,
    pub faults: Vec<FaultOutcome>,
    pub caught: usize,
    /// Faults whose failed requirements are exactly the declared ones.
    pub exact: usize,
    pub total: usize,
    /// caught / total (0 when there are no faults).
    pub kill_score: f64,
    pub surviving: Vec<String>,
    /// Faults of the catalogue added after the suite's version, not run
    /// (empty with `--all-faults`).
    pub later_faults: Vec<String>,
    /// Faults that break only requirements an erratum withdrew, not run.
    pub withdrawn_faults: Vec<String>,
    pub elapsed_ms: u64,
}

pub async fn run(args: MutantsArgs) -> Result<i32, CliError> {
    let started = Instant::now();
    let suite = Arc::new(crate::suites::load_one(&args.suite)?);
    let interface = &suite.manifest.interface;
    let interface_id = format!("{}@{}", interface.name, interface.version);
    let catalogue = konform_reference::faults(&interface.name, &interface.version);
    let (faults, later): (Vec<FaultInfo>, Vec<FaultInfo>) = catalogue
        .into_iter()
        .partition(|f| args.all_faults || added_by(f, &suite.manifest.version));
    let (withdrawn, faults): (Vec<FaultInfo>, Vec<FaultInfo>) = faults
        .into_iter()
        .partition(|f| breaks_only_withdrawn(f, &suite));
    if faults.is_empty() {
        println!(
            "{}: the reference of {interface_id} offers no faults for this suite version, so nothing can show what the suite catches",
            suite.id()
        );
        return Ok(1);
    }

    println!(
        "     Mutants {} ({} cases) against {} faults of the {interface_id} reference, {} at a time",
        suite.id(),
        suite.cases.len(),
        faults.len(),
        args.jobs.max(1)
    );
    let clean_report = run_once(&suite, Vec::new()).await?;
    let clean = clean_run(&clean_report);
    if clean.verdict != OverallVerdict::Conformant {
        println!(
            "error: the clean {interface_id} reference is not conformant to {} ({:?}); cases not passing: {}",
            suite.id(),
            clean.verdict,
            shorten(&clean.not_passed, 10)
        );
        println!(
            "       fix the suite or the reference first: a kill score means nothing without a clean pass"
        );
        return Ok(1);
    }
    println!("       clean reference: conformant ({} cases)", clean.cases);
    if !later.is_empty() {
        println!(
            "       {} faults added to the catalogue after {} are not counted (--all-faults counts them)",
            later.len(),
            suite.manifest.version
        );
    }
    if !withdrawn.is_empty() {
        println!(
            "       {} faults break only requirements an erratum withdrew and are not counted: {}",
            withdrawn.len(),
            withdrawn
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    let outcomes = run_faults(&suite, &faults, args.jobs.max(1)).await;
    let caught = outcomes.iter().filter(|o| o.caught).count();
    let exact = outcomes.iter().filter(|o| o.exact).count();
    let total = outcomes.len();
    let result = MutantsResult {
        suite: suite.id(),
        interface: interface_id,
        clean,
        surviving: outcomes
            .iter()
            .filter(|o| !o.caught)
            .map(|o| o.name.clone())
            .collect(),
        faults: outcomes,
        later_faults: later.iter().map(|f| f.name.to_string()).collect(),
        withdrawn_faults: withdrawn.iter().map(|f| f.name.to_string()).collect(),
        caught,
        exact,
        total,
        kill_score: if total == 0 {
            0.0
        } else {
            caught as f64 / total as f64
        },
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    print!("{}", render(&result));

    let path = args
        .out
        .unwrap_or_else(|| PathBuf::from(format!("reports/out/{}.mutants.json", suite.id())));
    let mut bytes = serde_json::to_vec_pretty(&result)
        .map_err(|e| CliError::Environment(format!("cannot serialise the result: {e}")))?;
    bytes.push(b'\n');
    konform_report::write_atomic(&path, &bytes)
        .map_err(|e| CliError::Environment(e.to_string()))?;
    println!("       written to {}", path.display());
    let exact_ok = !args.exact || result.exact == result.total;
    Ok(if result.caught == result.total && exact_ok {
        0
    } else {
        1
    })
}

/// The fault was in the catalogue when suite `version` was released: its
/// `since` is not later. An unreadable `since` counts as in the catalogue, so
/// a typo never hides a fault.
fn added_by(fault: &FaultInfo, version: &semver::Version) -> bool {
    semver::Version::parse(fault.since).map_or(true, |since| since <= *version)
}

/// Every requirement the fault breaks was withdrawn from the suite version
/// by an erratum (the suite may not test it any more).
fn breaks_only_withdrawn(fault: &FaultInfo, suite: &LoadedSuite) -> bool {
    fault.requirements().iter().all(|id| {
        suite
            .manifest
            .requirements
            .iter()
            .any(|r| r.id == *id && r.withdrawn.is_some())
    })
}

/// One run of the suite against the embedded reference with `faults` on.
async fn run_once(suite: &LoadedSuite, faults: Vec<String>) -> Result<Report, CliError> {
    let options = SessionOptions {
        faults,
        ..SessionOptions::default()
    };
    Ok(run_suite(
        suite,
        &suite.schemas,
        &TargetSpec::Embedded,
        &options,
        &NoEvents,
    )
    .await?)
}

fn clean_run(report: &Report) -> CleanRun {
    CleanRun {
        verdict: report.verdict,
        cases: report.cases.len(),
        not_passed: report
            .cases
            .iter()
            .filter(|c| !matches!(c.verdict, Verdict::Pass | Verdict::Skip))
            .map(|c| format!("{} ({})", c.id, c.verdict))
            .collect(),
    }
}

/// Runs every fault, at most `jobs` at a time; outcomes in the order of `faults`.
async fn run_faults(
    suite: &Arc<LoadedSuite>,
    faults: &[FaultInfo],
    jobs: usize,
) -> Vec<FaultOutcome> {
    let permits = Arc::new(Semaphore::new(jobs));
    let mut set = JoinSet::new();
    for (index, fault) in faults.iter().copied().enumerate() {
        let suite = suite.clone();
        let permits = permits.clone();
        set.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let report = run_once(&suite, vec![fault.name.to_string()]).await;
            (index, outcome(fault, report))
        });
    }
    let mut outcomes: Vec<Option<FaultOutcome>> = vec![None; faults.len()];
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((index, o)) => {
                if let Some(slot) = outcomes.get_mut(index) {
                    *slot = Some(o);
                }
            }
            Err(e) => eprintln!("warning: a fault run ended abnormally: {e}"),
        }
    }
    outcomes
        .into_iter()
        .zip(faults)
        .map(|(o, f)| {
            o.unwrap_or_else(|| {
                outcome(
                    *f,
                    Err(CliError::Environment("the run did not finish".into())),
                )
            })
        })
        .collect()
}

fn outcome(fault: FaultInfo, report: Result<Report, CliError>) -> FaultOutcome {
    let mut o = FaultOutcome {
        name: fault.name.to_string(),
        requirement: fault.requirement.to_string(),
        requirements: fault.requirements().iter().map(|r| r.to_string()).collect(),
        description: fault.description.to_string(),
        since: fault.since.to_string(),
        caught: false,
        caught_by_requirement: false,
        failed_requirements: Vec::new(),
        exact: false,
        failed_cases: Vec::new(),
        errored_cases: Vec::new(),
        run_error: None,
    };
    match report {
        Ok(report) => {
            for case in &report.cases {
                match case.verdict {
                    Verdict::Fail => {
                        o.caught_by_requirement |= case
                            .requirements
                            .iter()
                            .any(|r| fault.requirements().contains(&r.as_str()));
                        o.failed_cases.push(case.id.clone());
                    }
                    Verdict::Error => o.errored_cases.push(case.id.clone()),
                    Verdict::Pass | Verdict::Skip => {}
                }
            }
            o.caught = !o.failed_cases.is_empty();
            o.failed_requirements = report
                .requirements
                .iter()
                .filter(|r| r.verdict == RequirementVerdict::Fail)
                .map(|r| r.id.clone())
                .collect();
            // A fault may break, by the specification's own words, a
            // requirement this version of the suite does not have (a rule
            // only a later version of the standard makes): exactness is
            // judged on the suite's own requirements.
            let mut declared: Vec<&str> = fault
                .requirements()
                .into_iter()
                .filter(|d| report.requirements.iter().any(|r| r.id == *d))
                .collect();
            declared.sort_unstable();
            let mut failed: Vec<&str> = o.failed_requirements.iter().map(String::as_str).collect();
            failed.sort_unstable();
            o.exact = failed == declared;
        }
        Err(e) => o.run_error = Some(e.to_string()),
    }
    o
}

/// `a, b, c (+4 more)`.
fn shorten(ids: &[String], shown: usize) -> String {
    if ids.is_empty() {
        return "-".to_string();
    }
    let mut text = ids
        .iter()
        .take(shown)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > shown {
        text.push_str(&format!(" (+{} more)", ids.len() - shown));
    }
    text
}

/// The matrix, the kill score, the survivors and the time, as printed.
pub fn render(result: &MutantsResult) -> String {
    let width = result
        .faults
        .iter()
        .map(|f| f.name.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let req_width = result
        .faults
        .iter()
        .map(|f| f.requirements.join(", ").len())
        .max()
        .unwrap_or(11)
        .max(11);
    let mut out = format!(
        "\n  {:width$}  {:req_width$}  caught  exact  failing cases\n",
        "fault", "requirement"
    );
    for f in &result.faults {
        let mark = match (f.caught, f.caught_by_requirement) {
            (true, true) => "yes",
            (true, false) => "yes*",
            (false, _) => "NO",
        };
        let mut cases = shorten(&f.failed_cases, SHOWN_CASES);
        if !f.errored_cases.is_empty() {
            cases.push_str(&format!(
                "; errors (not counted): {}",
                shorten(&f.errored_cases, SHOWN_CASES)
            ));
        }
        if let Some(e) = &f.run_error {
            cases.push_str(&format!("; run failed: {e}"));
        }
        let exact = if f.exact { "yes" } else { "NO" };
        if !f.exact && f.caught {
            cases.push_str(&format!(
                "; failed requirements: {}",
                shorten(&f.failed_requirements, 6)
            ));
        }
        out.push_str(&format!(
            "  {:width$}  {:req_width$}  {mark:6}  {exact:5}  {cases}\n",
            f.name,
            f.requirements.join(", ")
        ));
    }
    if result
        .faults
        .iter()
        .any(|f| f.caught && !f.caught_by_requirement)
    {
        out.push_str("\n  yes* = caught, but by no case that verifies the fault's requirement\n");
    }
    out.push_str(&format!(
        "\n  kill score: {}/{} ({:.1} %)\n",
        result.caught,
        result.total,
        result.kill_score * 100.0
    ));
    out.push_str(&format!(
        "  exact blame: {}/{} (faults that failed exactly their declared requirement)\n",
        result.exact, result.total
    ));
    if result.surviving.is_empty() {
        out.push_str("  surviving faults: none\n");
    } else {
        out.push_str(&format!(
            "  surviving faults: {}\n",
            result.surviving.join(", ")
        ));
    }
    if result.faults.iter().any(|f| !f.errored_cases.is_empty()) {
        out.push_str("  (a case that ends in error does not catch a fault: only a fail counts)\n");
    }
    out.push_str(&format!(
        "  elapsed: {:.1} s\n",
        Duration::from_millis(result.elapsed_ms).as_secs_f64()
    ));
    out
}
