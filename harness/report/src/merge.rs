//! Merging shard reports (`konform run --shard K/N`) into one report, as if
//! the suite had run in one go. Refuses anything that would make the merged
//! report lie: different suites or digests, different targets or harness
//! versions, different claims or class filters, a missing or doubled shard.
//! The merged verdicts are judged afresh from the merged case results.

use std::collections::BTreeSet;

use konform_model::report::{CaseResult, Report, RequirementVerdict, shard_of};
use konform_model::suite::{ConformanceClass, InterfaceRef, Requirement, SuiteManifest};

use crate::judge::judge;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MergeError {
    #[error("nothing to merge")]
    Empty,
    #[error("report {index} is not a shard (run with --shard K/N)")]
    NotAShard { index: usize },
    #[error("report {index}: {what} differs from the first report ({left} vs {right})")]
    Mismatch {
        index: usize,
        what: &'static str,
        left: String,
        right: String,
    },
    #[error("shard {0} appears more than once")]
    DuplicateShard(String),
    #[error("shards missing: {0}")]
    MissingShards(String),
    #[error("case `{0}` is not in the same place in every shard report")]
    CaseMismatch(String),
    #[error("invalid suite version `{0}`")]
    Version(String),
}

fn parse_shard(s: &str) -> Option<(u32, u32)> {
    let (k, n) = s.split_once('/')?;
    let (k, n) = (k.parse().ok()?, n.parse().ok()?);
    (k >= 1 && k <= n).then_some((k, n))
}

/// The suite as far as the report describes it: enough to judge again.
fn manifest_of(report: &Report) -> Result<SuiteManifest, MergeError> {
    Ok(SuiteManifest {
        suite: report.suite.id.clone(),
        version: report
            .suite
            .version
            .parse()
            .map_err(|_| MergeError::Version(report.suite.version.clone()))?,
        title: report.suite.title.clone(),
        description: None,
        interface: InterfaceRef {
            name: report.interface.name.clone(),
            version: report.interface.version.clone(),
            openapi: None,
        },
        defaults: Default::default(),
        fixtures: Default::default(),
        attribution: Default::default(),
        generators: Default::default(),
        coverage: Default::default(),
        personal_data: vec![],
        requirements: report
            .requirements
            .iter()
            .map(|r| Requirement {
                id: r.id.clone(),
                level: r.level,
                text: r.text.clone(),
                source: r.source.clone(),
                class: None,
                not_tested: None,
                withdrawn: (r.verdict == RequirementVerdict::Withdrawn)
                    .then(|| "withdrawn in the shard reports".to_string()),
            })
            .collect(),
        classes: report
            .classes
            .iter()
            .map(|c| ConformanceClass {
                id: c.id.clone(),
                title: c.title.clone(),
                requirements: c.requirements.clone(),
            })
            .collect(),
        cases: None,
    })
}

/// Merges the shard reports of one run.
pub fn merge(reports: &[Report]) -> Result<Report, MergeError> {
    let first = reports.first().ok_or(MergeError::Empty)?;
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for (index, r) in reports.iter().enumerate() {
        let index = index + 1;
        let (k, n) = r
            .run
            .shard
            .as_deref()
            .and_then(parse_shard)
            .ok_or(MergeError::NotAShard { index })?;
        let checks: [(&'static str, String, String); 8] = [
            (
                "suite",
                format!("{}@{}", first.suite.id, first.suite.version),
                format!("{}@{}", r.suite.id, r.suite.version),
            ),
            (
                "suite digest",
                first.suite.digest.clone(),
                r.suite.digest.clone(),
            ),
            (
                "harness version",
                first.harness.version.clone(),
                r.harness.version.clone(),
            ),
            ("target", target_key(first), target_key(r)),
            (
                "claimed classes",
                first.target.claimed_classes.join(","),
                r.target.claimed_classes.join(","),
            ),
            (
                "class filter",
                first.run.class_filter.join(","),
                r.run.class_filter.join(","),
            ),
            ("shard count", total_of(first).to_string(), n.to_string()),
            ("known deviations", deviations_key(first), deviations_key(r)),
        ];
        for (what, left, right) in checks {
            if left != right {
                return Err(MergeError::Mismatch {
                    index,
                    what,
                    left,
                    right,
                });
            }
        }
        if !seen.insert(k) {
            return Err(MergeError::DuplicateShard(format!("{k}/{n}")));
        }
        total = n;
    }
    let missing: Vec<String> = (1..=total)
        .filter(|k| !seen.contains(k))
        .map(|k| format!("{k}/{total}"))
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::MissingShards(missing.join(", ")));
    }
    let mut cases: Vec<CaseResult> = Vec::with_capacity(first.cases.len());
    for (i, case) in first.cases.iter().enumerate() {
        let owner = shard_of(&case.id, total);
        let report = reports
            .iter()
            .find(|r| r.run.shard.as_deref().and_then(parse_shard) == Some((owner, total)))
            .ok_or_else(|| MergeError::CaseMismatch(case.id.clone()))?;
        let result = report
            .cases
            .get(i)
            .filter(|c| c.id == case.id)
            .ok_or_else(|| MergeError::CaseMismatch(case.id.clone()))?;
        cases.push(result.clone());
    }
    let manifest = manifest_of(first)?;
    let complete = reports.iter().all(|r| r.run.complete);
    let judgement = judge(
        &manifest,
        &cases,
        &first.target.claimed_classes,
        &first.run.class_filter,
        complete,
    );
    let started = reports
        .iter()
        .map(|r| r.run.started_at.clone())
        .min()
        .unwrap_or_default();
    let finished = reports
        .iter()
        .map(|r| r.run.finished_at.clone())
        .max()
        .unwrap_or_default();
    let mut merged = first.clone();
    merged.run.started_at = started;
    merged.run.finished_at = finished;
    merged.run.duration_ms = reports.iter().map(|r| r.run.duration_ms).max().unwrap_or(0);
    merged.run.jobs = reports.iter().map(|r| r.run.jobs).max().unwrap_or(1);
    merged.run.complete = complete;
    merged.run.incomplete_reason = reports.iter().find_map(|r| r.run.incomplete_reason.clone());
    merged.run.shard = None;
    // Shards run with their own seeds unless `--seed` made them equal; only
    // a common seed reproduces the merged run.
    if reports.iter().any(|r| r.run.seed != first.run.seed) {
        merged.run.seed = None;
    }
    // Only a key every shard used can reveal the merged evidence.
    if reports
        .iter()
        .any(|r| r.run.redaction_key != first.run.redaction_key)
    {
        merged.run.redaction_key = None;
    }
    // Each shard kept its own limits (the first shard's are shown) and
    // counted its own requests: the merged run sent what they sent together.
    merged.run.politeness = merged_politeness(reports);
    merged.cases = cases;
    merged.requirements = judgement.requirements;
    merged.classes = judgement.classes;
    merged.summary = judgement.summary;
    merged.verdict = judgement.verdict;
    // What the merged run found for each deviation, from the merged verdicts.
    merged.run.known_deviations = crate::deviations::reassess(&merged);
    Ok(merged)
}

/// The shards' `run.politeness` with their counts added up; absent when a
/// shard did not record it.
fn merged_politeness(reports: &[Report]) -> Option<konform_model::report::RunPoliteness> {
    let mut all = reports.iter().map(|r| r.run.politeness.as_ref());
    let mut merged = all.next()??.clone();
    for p in all {
        let p = p?;
        merged.requests_sent += p.requests_sent;
        merged.requests_refused += p.requests_refused;
        merged.retry_after_pauses += p.retry_after_pauses;
        merged.retry_after_pause_ms += p.retry_after_pause_ms;
    }
    Some(merged)
}

/// Who was tested: identity and base URL. The embedded reference runs on an
/// ephemeral loopback port per run, so for it the identity alone counts.
fn target_key(r: &Report) -> String {
    if r.target.claim_source == "reference" {
        format!("{:?} (embedded reference)", r.target.identity)
    } else {
        format!("{:?} at {}", r.target.identity, r.target.base_url)
    }
}

/// The known deviations as the target file listed them (without statuses,
/// which each shard decides from its own slice).
fn deviations_key(r: &Report) -> String {
    let listed: Vec<_> = r
        .run
        .known_deviations
        .iter()
        .map(|d| d.deviation())
        .collect();
    serde_json::to_string(&listed).unwrap_or_default()
}

fn total_of(r: &Report) -> u32 {
    r.run
        .shard
        .as_deref()
        .and_then(parse_shard)
        .map(|(_, n)| n)
        .unwrap_or(0)
}
