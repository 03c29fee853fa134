//! Known deviations: the expected failures a target file lists. Like
//! pytest's strict `xfail` they change how a failure is presented — an
//! expected failure instead of a surprise — and never a verdict: the judge
//! does not see them, so a run with a deviation that still fails is not
//! conformant. What a run found for each is recorded in the report
//! (`run.known_deviations`): still failing, now passing (remove it),
//! expired (the run started after its `expires` date), or unknown (the run
//! did not decide it).

use konform_model::report::{
    CaseResult, DeviationResult, DeviationStatus, Report, RequirementResult, RequirementVerdict,
    Verdict,
};
use konform_model::target::KnownDeviation;

/// What the run found for each of `deviations`, judged from the case and
/// requirement verdicts; `run_date` is the day the run started (`YYYY-MM-DD`,
/// UTC), compared with each `expires`.
pub fn assess(
    deviations: &[KnownDeviation],
    cases: &[CaseResult],
    requirements: &[RequirementResult],
    run_date: &str,
) -> Vec<DeviationResult> {
    deviations
        .iter()
        .map(|d| {
            // Some(true): failed, Some(false): passed, None: not decided.
            let failed = match (&d.case, &d.requirement) {
                (Some(id), _) => cases
                    .iter()
                    .find(|c| c.id == *id)
                    .and_then(|c| match c.verdict {
                        Verdict::Fail => Some(true),
                        Verdict::Pass => Some(false),
                        Verdict::Error | Verdict::Skip => None,
                    }),
                (None, Some(id)) => requirements
                    .iter()
                    .find(|r| r.id == *id)
                    .and_then(|r| match r.verdict {
                        RequirementVerdict::Fail => Some(true),
                        RequirementVerdict::Pass => Some(false),
                        _ => None,
                    }),
                (None, None) => None,
            };
            let expired = d
                .expires
                .as_deref()
                .is_some_and(|e| !run_date.is_empty() && e < run_date);
            let status = match failed {
                Some(false) => DeviationStatus::NowPassing,
                _ if expired => DeviationStatus::Expired,
                Some(true) => DeviationStatus::StillFailing,
                None => DeviationStatus::Unknown,
            };
            DeviationResult {
                case: d.case.clone(),
                requirement: d.requirement.clone(),
                justification: d.justification.clone(),
                expires: d.expires.clone(),
                status,
            }
        })
        .collect()
}

/// The day a report's run started (`YYYY-MM-DD` of `run.started_at`).
pub fn run_date(report: &Report) -> &str {
    report.run.started_at.get(..10).unwrap_or_default()
}

/// The statuses `report`'s own verdicts give its recorded deviations (what
/// `merge` records and `report verify --rejudge` compares).
pub fn reassess(report: &Report) -> Vec<DeviationResult> {
    let listed: Vec<KnownDeviation> = report
        .run
        .known_deviations
        .iter()
        .map(DeviationResult::deviation)
        .collect();
    assess(
        &listed,
        &report.cases,
        &report.requirements,
        run_date(report),
    )
}

/// The known deviation that makes the failed `case` an expected failure: one
/// still failing that names the case, or — when every requirement the case
/// is blamed for is named by one still failing — the first of those. An
/// expired deviation excuses nothing: its failure is a surprise again.
pub fn excusing<'r>(report: &'r Report, case: &CaseResult) -> Option<&'r DeviationResult> {
    if case.verdict != Verdict::Fail {
        return None;
    }
    let still = || {
        report
            .run
            .known_deviations
            .iter()
            .filter(|d| d.status == DeviationStatus::StillFailing)
    };
    if let Some(d) = still().find(|d| d.case.as_deref() == Some(case.id.as_str())) {
        return Some(d);
    }
    let blamed = crate::judge::blamed(case);
    let mut first = None;
    for id in &blamed {
        let d = still().find(|d| d.requirement.as_deref() == Some(id.as_str()))?;
        first.get_or_insert(d);
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: &str, verdict: Verdict) -> CaseResult {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": id, "class": "a", "requirements": ["R-1"],
            "verdict": verdict, "duration_ms": 1,
            "failed_requirements": if verdict == Verdict::Fail { vec!["R-1"] } else { vec![] },
        }))
        .expect("case")
    }

    fn deviation(
        case: Option<&str>,
        requirement: Option<&str>,
        expires: Option<&str>,
    ) -> KnownDeviation {
        KnownDeviation {
            case: case.map(str::to_string),
            requirement: requirement.map(str::to_string),
            justification: "ticket".into(),
            expires: expires.map(str::to_string),
        }
    }

    #[test]
    fn statuses_follow_the_verdicts_and_the_date() {
        let cases = vec![
            case("c.fail", Verdict::Fail),
            case("c.pass", Verdict::Pass),
            case("c.skip", Verdict::Skip),
        ];
        let listed = vec![
            deviation(Some("c.fail"), None, Some("2026-12-31")),
            deviation(Some("c.pass"), None, None),
            deviation(Some("c.fail"), None, Some("2026-06-30")),
            deviation(Some("c.skip"), None, None),
            // The last day still counts as expected.
            deviation(Some("c.fail"), None, Some("2026-07-01")),
            // Passing wins over expired: remove it.
            deviation(Some("c.pass"), None, Some("2020-01-01")),
        ];
        let got: Vec<DeviationStatus> = assess(&listed, &cases, &[], "2026-07-01")
            .into_iter()
            .map(|d| d.status)
            .collect();
        use DeviationStatus::*;
        assert_eq!(
            got,
            [
                StillFailing,
                NowPassing,
                Expired,
                Unknown,
                StillFailing,
                NowPassing
            ]
        );
    }

    #[test]
    fn a_failure_is_excused_only_by_a_deviation_still_failing_for_all_it_breaks() {
        let mut report: Report = serde_json::from_value(serde_json::json!({
            "format": "konform-report/2",
            "harness": {"name": "konform", "version": "0"},
            "suite": {"id": "s", "version": "1.0.0", "title": "s", "digest": "sha256:00"},
            "interface": {"name": "s", "version": "1.0"},
            "target": {"identity": {"operator": "o", "vendor": "v", "product": "p", "version": "1"},
                       "base_url": "http://127.0.0.1:1/", "auth": "none",
                       "claimed_classes": ["a"], "claim_source": "target_file", "tls_insecure": false},
            "run": {"started_at": "2026-07-01T00:00:00Z", "finished_at": "2026-07-01T00:00:01Z",
                    "duration_ms": 1000, "jobs": 1, "complete": true},
            "cases": [], "requirements": [], "classes": [],
            "summary": {"cases": 0, "pass": 0, "fail": 0, "error": 0, "skip": 0},
            "verdict": "not_conformant"
        }))
        .expect("report");
        let mut two = case("c.two", Verdict::Fail);
        two.failed_requirements = vec!["R-1".into(), "R-2".into()];
        let listed = |status: DeviationStatus, requirement: &str| DeviationResult {
            case: None,
            requirement: Some(requirement.into()),
            justification: "t".into(),
            expires: None,
            status,
        };
        // R-1 alone does not excuse a case that also breaks R-2 …
        report.run.known_deviations = vec![listed(DeviationStatus::StillFailing, "R-1")];
        assert!(excusing(&report, &case("c.one", Verdict::Fail)).is_some());
        assert!(excusing(&report, &two).is_none());
        // … both do; an expired one excuses nothing; a pass needs no excuse.
        report
            .run
            .known_deviations
            .push(listed(DeviationStatus::StillFailing, "R-2"));
        assert!(excusing(&report, &two).is_some());
        report.run.known_deviations[1].status = DeviationStatus::Expired;
        assert!(excusing(&report, &two).is_none());
        assert!(excusing(&report, &case("c.pass", Verdict::Pass)).is_none());
    }
}
