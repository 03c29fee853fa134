//! Assembles the canonical report from the parts of a run.

use std::time::SystemTime;

use konform_model::report::{
    CaseResult, HarnessInfo, InterfaceInfo, REPORT_FORMAT, Report, RunInfo, SuiteInfo, TargetInfo,
};
use konform_model::suite::SuiteManifest;

use crate::judge::judge;

/// Everything a report is made of.
pub struct ReportInput<'a> {
    pub manifest: &'a SuiteManifest,
    pub digest: &'a str,
    pub target: TargetInfo,
    pub cases: Vec<CaseResult>,
    pub class_filter: Vec<String>,
    pub shard: Option<String>,
    pub jobs: usize,
    pub started: SystemTime,
    pub finished: SystemTime,
    pub complete: bool,
    pub incomplete_reason: Option<String>,
    /// The seed of the run's `unique` values (`run.seed`).
    pub seed: Option<String>,
    /// `Some(N)` when every case ran N > 1 times.
    pub repeat: Option<u32>,
    /// The id of the redaction key the certifier kept (`run.redaction_key`).
    pub redaction_key: Option<String>,
    /// The target file's known deviations that name a case or requirement
    /// of this suite (`run.known_deviations`, with what the run found).
    pub known_deviations: Vec<konform_model::target::KnownDeviation>,
    /// The politeness limits that applied and what they did (`run.politeness`).
    pub politeness: Option<konform_model::report::RunPoliteness>,
}

/// RFC 3339 UTC timestamp with millisecond precision.
pub fn rfc3339(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    let t = t
        .replace_nanosecond(t.millisecond() as u32 * 1_000_000)
        .unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub fn assemble(input: ReportInput<'_>) -> Report {
    let judgement = judge(
        input.manifest,
        &input.cases,
        &input.target.claimed_classes,
        &input.class_filter,
        input.complete,
    );
    let duration_ms = input
        .finished
        .duration_since(input.started)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let started_at = rfc3339(input.started);
    let known_deviations = crate::deviations::assess(
        &input.known_deviations,
        &input.cases,
        &judgement.requirements,
        started_at.get(..10).unwrap_or_default(),
    );
    Report {
        format: REPORT_FORMAT.to_string(),
        harness: HarnessInfo {
            name: "konform".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        suite: SuiteInfo {
            id: input.manifest.suite.clone(),
            version: input.manifest.version.to_string(),
            title: input.manifest.title.clone(),
            digest: input.digest.to_string(),
        },
        interface: InterfaceInfo {
            name: input.manifest.interface.name.clone(),
            version: input.manifest.interface.version.clone(),
        },
        target: input.target,
        run: RunInfo {
            started_at,
            finished_at: rfc3339(input.finished),
            duration_ms,
            jobs: input.jobs,
            complete: input.complete,
            incomplete_reason: input.incomplete_reason,
            class_filter: input.class_filter,
            shard: input.shard,
            seed: input.seed,
            repeat: input.repeat,
            redaction_key: input.redaction_key,
            known_deviations,
            politeness: input.politeness,
        },
        cases: input.cases,
        requirements: judgement.requirements,
        classes: judgement.classes,
        summary: judgement.summary,
        verdict: judgement.verdict,
    }
}
