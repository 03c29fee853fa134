//! Schedules the cases of a suite: decides which run and which are skipped
//! (class not claimed or not selected), runs the rest concurrently (`jobs`
//! at a time, each as its own task so a panic stays inside its case), redacts
//! each result and emits events in the order cases finish. Cancellation
//! (Ctrl-C) ends the run early; what finished is kept, the rest is recorded as
//! not run, and the outcome is marked incomplete.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::SystemTime;

use konform_model::report::{CaseResult, ErrorKind, Verdict};
use konform_model::suite::Case;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::case::{CaseContext, run_case_repetition};
use crate::events::{EventSink, RunEvent};
use crate::redact::Redactor;

/// How to run.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub jobs: usize,
    /// Classes the target claims.
    pub claimed: Vec<String>,
    /// Classes selected on the command line; empty means all claimed.
    pub class_filter: Vec<String>,
    /// Run only shard K of N (`(K, N)`, 1-based); the other cases are skipped.
    pub shard: Option<(u32, u32)>,
    /// Run every case this many times (at least 1); a case whose verdict
    /// differs between repetitions is an `error` of kind `flaky`.
    pub repeat: u32,
    pub cancel: CancellationToken,
    /// Cases an erratum of the released suite withdrew: id → why. They are
    /// skipped with that reason.
    pub withdrawn: BTreeMap<String, String>,
}

/// What a run produced, before judging.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// One result per case, in suite order.
    pub results: Vec<CaseResult>,
    pub complete: bool,
    pub incomplete_reason: Option<String>,
    pub started: SystemTime,
    pub finished: SystemTime,
}

fn skipped(case: &Case, reason: String) -> CaseResult {
    CaseResult {
        id: case.id.clone(),
        title: case.title.clone(),
        class: case.class.clone(),
        requirements: case.verifies.clone(),
        verdict: Verdict::Skip,
        reason: Some(reason),
        error_kind: None,
        failed_requirements: vec![],
        unverified_requirements: vec![],
        duration_ms: 0,
        crawl: None,
        steps: vec![],
    }
}

/// Runs `case` `repeat` times. Identical verdicts (and failed requirements)
/// give the first result; otherwise the case is `flaky`, with the evidence
/// of the first repetition that differed from the first.
async fn run_repeated(case: &Case, ctx: &CaseContext, repeat: u32) -> CaseResult {
    let first = run_case_repetition(case, ctx, 0).await;
    let mut seen = vec![first.verdict];
    let mut deviant: Option<CaseResult> = None;
    for repetition in 1..repeat.max(1) {
        let next = run_case_repetition(case, ctx, repetition).await;
        seen.push(next.verdict);
        let differs =
            next.verdict != first.verdict || next.failed_requirements != first.failed_requirements;
        if differs && deviant.is_none() {
            deviant = Some(next);
        }
    }
    let Some(deviant) = deviant else {
        return first;
    };
    let verdicts: Vec<&str> = seen.iter().map(|v| v.as_str()).collect();
    let mut result = if deviant.verdict == Verdict::Pass {
        first
    } else {
        deviant
    };
    result.reason = Some(format!(
        "flaky: the verdict differed between {} repetitions ({}); evidence of a {} repetition{}",
        seen.len(),
        verdicts.join(", "),
        result.verdict,
        result
            .reason
            .as_deref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default()
    ));
    // A verdict that changes proves nothing either way: every requirement
    // of the case is unverified, none is blamed.
    result.verdict = Verdict::Error;
    result.error_kind = Some(ErrorKind::Flaky);
    result.failed_requirements.clear();
    result.unverified_requirements = result.requirements.clone();
    result
}

/// Why a case is not run, or `None` when it runs.
fn skip_reason(case: &Case, settings: &RunSettings) -> Option<String> {
    if let Some(reason) = settings.withdrawn.get(&case.id) {
        return Some(reason.clone());
    }
    if !settings.claimed.contains(&case.class) {
        return Some(format!("class `{}` not claimed by the target", case.class));
    }
    if !settings.class_filter.is_empty() && !settings.class_filter.contains(&case.class) {
        return Some(format!("class `{}` not selected", case.class));
    }
    if let Some((k, n)) = settings.shard {
        let owner = konform_model::report::shard_of(&case.id, n);
        if owner != k {
            return Some(format!("in shard {owner}/{n}, not this one"));
        }
    }
    None
}

/// Collects results in suite order and reports each one as it arrives.
struct Collector<'a> {
    cases: &'a [Case],
    results: Vec<Option<CaseResult>>,
    finished: usize,
    sink: &'a dyn EventSink,
}

type Joined = Result<(tokio::task::Id, (usize, CaseResult)), tokio::task::JoinError>;

impl Collector<'_> {
    fn emit(&mut self, index: usize, result: CaseResult) {
        self.finished += 1;
        self.sink.on_event(&RunEvent::CaseFinished {
            result: &result,
            finished: self.finished,
            total: self.cases.len(),
        });
        self.results[index] = Some(result);
    }

    /// A case task ended: normally, cancelled (Ctrl-C) or by a panic.
    fn joined(&mut self, joined: Joined, task_case: &HashMap<tokio::task::Id, usize>) {
        match joined {
            Ok((_, (index, result))) => self.emit(index, result),
            Err(e) => {
                let Some(&index) = task_case.get(&e.id()) else {
                    return;
                };
                let mut result = skipped(&self.cases[index], String::new());
                if e.is_cancelled() {
                    result.reason = Some("not finished: run interrupted".into());
                } else {
                    result.verdict = Verdict::Error;
                    result.error_kind = Some(ErrorKind::Internal);
                    result.reason = Some("internal error: the case panicked".into());
                }
                self.emit(index, result);
            }
        }
    }
}

/// Runs `cases` against the target in `ctx`.
pub async fn run_cases(
    cases: Arc<Vec<Case>>,
    ctx: Arc<CaseContext>,
    settings: &RunSettings,
    sink: &dyn EventSink,
) -> RunOutcome {
    let started = SystemTime::now();
    sink.on_event(&RunEvent::Started { total: cases.len() });
    let mut collector = Collector {
        cases: &cases,
        results: vec![None; cases.len()],
        finished: 0,
        sink,
    };
    // Every case is a task at once; each waits for one of `jobs` permits
    // (FIFO, so cases start in suite order). A finished case hands its
    // permit straight to the next one on the worker threads, without a round
    // trip through this dispatcher, which only collects results.
    let semaphore = Arc::new(Semaphore::new(settings.jobs.max(1)));
    let mut tasks = JoinSet::new();
    let mut task_case = HashMap::new();
    let mut interrupted = false;
    for (index, case) in cases.iter().enumerate() {
        if let Some(reason) = skip_reason(case, settings) {
            collector.emit(index, skipped(case, reason));
            continue;
        }
        let (cases, ctx, semaphore) = (cases.clone(), ctx.clone(), semaphore.clone());
        let repeat = settings.repeat;
        let handle = tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await;
            let mut result = run_repeated(&cases[index], &ctx, repeat).await;
            Redactor::new(
                ctx.conn.secret_values(),
                &ctx.personal_data,
                &ctx.redaction_key,
            )
            .case(&mut result);
            (index, result)
        });
        task_case.insert(handle.id(), index);
    }
    if settings.cancel.is_cancelled() {
        interrupted = true;
    }
    if interrupted {
        tasks.abort_all();
    }
    loop {
        tokio::select! {
            biased;
            () = settings.cancel.cancelled(), if !interrupted => {
                interrupted = true;
                tasks.abort_all();
            }
            joined = tasks.join_next_with_id() => {
                let Some(joined) = joined else { break };
                collector.joined(joined, &task_case);
            }
        }
    }
    let results: Vec<CaseResult> = collector
        .results
        .into_iter()
        .zip(cases.iter())
        .map(|(r, case)| r.unwrap_or_else(|| skipped(case, "not run: run interrupted".into())))
        .collect();
    let outcome = RunOutcome {
        results,
        complete: !interrupted,
        incomplete_reason: interrupted.then(|| "interrupted".to_string()),
        started,
        finished: SystemTime::now(),
    };
    sink.on_event(&RunEvent::Finished { outcome: &outcome });
    outcome
}
