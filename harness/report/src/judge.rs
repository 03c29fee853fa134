//! From case verdicts to requirement, class and overall verdicts.
//!
//! - A requirement fails only when a check attributed to it failed (the
//!   case lists it in `failed_requirements`); else it is `error` when a case
//!   left it unverified; else `pass` when a case verified it; else `skip`
//!   (all skipped) or `untested` (no case). The failed checks are listed.
//!   A requirement an erratum withdrew is `withdrawn` and decides nothing.
//!   Reports of format 1 carry no attribution: there a failed case fails
//!   every requirement it lists, and an errored one leaves them unverified.
//! - A claimed, selected class is `conformant` when every MUST requirement in
//!   it passed, `not_conformant` when one failed, `inconclusive` otherwise. A
//!   failed SHOULD is a warning; MAY is informative.
//! - The run is `not_conformant` when a selected class is, `incomplete` when
//!   one is inconclusive, the run was interrupted or no class was evaluated,
//!   and `conformant` otherwise.

use konform_model::report::{
    CaseResult, ClassResult, ClassVerdict, FailedCheck, OverallVerdict, RequirementResult,
    RequirementVerdict, Summary, Verdict,
};
use konform_model::suite::{Level, SuiteManifest};

/// The verdicts derived from a set of case results.
#[derive(Debug, Clone)]
pub struct Judgement {
    pub requirements: Vec<RequirementResult>,
    pub classes: Vec<ClassResult>,
    pub summary: Summary,
    pub verdict: OverallVerdict,
}

/// What one case says about one requirement it lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Failed,
    Unverified,
    Verified,
    Skipped,
}

/// A case from a report without attribution (format 1), or a failed case
/// that blames nothing in particular: its verdict speaks for all it lists.
fn unattributed(case: &CaseResult) -> bool {
    case.failed_requirements.is_empty() && case.unverified_requirements.is_empty()
}

fn outcome(case: &CaseResult, id: &String) -> Outcome {
    match case.verdict {
        Verdict::Skip => Outcome::Skipped,
        _ if case.failed_requirements.contains(id) => Outcome::Failed,
        Verdict::Fail if unattributed(case) => Outcome::Failed,
        _ if case.unverified_requirements.contains(id) => Outcome::Unverified,
        Verdict::Error if unattributed(case) => Outcome::Unverified,
        _ => Outcome::Verified,
    }
}

/// The requirements a case blames: its failed requirements, or every one it
/// lists for a failed case without attribution (format 1).
pub fn blamed(case: &CaseResult) -> Vec<String> {
    match case.verdict {
        Verdict::Fail if unattributed(case) => case.requirements.clone(),
        Verdict::Fail => case.failed_requirements.clone(),
        _ => vec![],
    }
}

/// The failed checks of `case` attributed to requirement `id` (every failed
/// check, for an unattributed case).
pub fn failed_checks(case: &CaseResult, id: &String) -> Vec<FailedCheck> {
    let legacy = unattributed(case);
    case.steps
        .iter()
        .flat_map(|step| step.assertions.iter().map(move |a| (step, a)))
        .filter(|(_, a)| !a.passed && (a.requirements.contains(id) || legacy))
        .map(|(step, a)| FailedCheck {
            case: case.id.clone(),
            step: step.index,
            step_name: step.name.clone(),
            check: a.check.clone(),
            expected: a.expected.clone(),
            received: a.received.clone(),
            message: a.message.clone(),
        })
        .collect()
}

pub fn judge(
    manifest: &SuiteManifest,
    cases: &[CaseResult],
    claimed: &[String],
    class_filter: &[String],
    complete: bool,
) -> Judgement {
    let requirements: Vec<RequirementResult> = manifest
        .requirements
        .iter()
        .map(|r| {
            let verifying: Vec<&CaseResult> = cases
                .iter()
                .filter(|c| c.requirements.contains(&r.id))
                .collect();
            let outcomes: Vec<Outcome> = verifying.iter().map(|c| outcome(c, &r.id)).collect();
            let has = |o: Outcome| outcomes.contains(&o);
            let failures: Vec<FailedCheck> = verifying
                .iter()
                .zip(&outcomes)
                .filter(|(_, o)| **o == Outcome::Failed)
                .flat_map(|(c, _)| failed_checks(c, &r.id))
                .collect();
            let verdict = if r.withdrawn.is_some() {
                RequirementVerdict::Withdrawn
            } else if has(Outcome::Failed) {
                RequirementVerdict::Fail
            } else if has(Outcome::Unverified) {
                RequirementVerdict::Error
            } else if has(Outcome::Verified) {
                RequirementVerdict::Pass
            } else if verifying.is_empty() {
                RequirementVerdict::Untested
            } else {
                RequirementVerdict::Skip
            };
            RequirementResult {
                id: r.id.clone(),
                level: r.level,
                text: r.text.clone(),
                source: r.source.clone(),
                verdict,
                cases: verifying.iter().map(|c| c.id.clone()).collect(),
                failures,
            }
        })
        .collect();
    let classes: Vec<ClassResult> = manifest
        .classes
        .iter()
        .map(|class| {
            let is_claimed = claimed.contains(&class.id);
            let selected = class_filter.is_empty() || class_filter.contains(&class.id);
            let mut result = ClassResult {
                id: class.id.clone(),
                title: class.title.clone(),
                claimed: is_claimed,
                requirements: class.requirements.clone(),
                verdict: ClassVerdict::NotClaimed,
                failed: vec![],
                warnings: vec![],
                unverified: vec![],
            };
            if !is_claimed {
                return result;
            }
            if !selected {
                result.verdict = ClassVerdict::NotSelected;
                return result;
            }
            for id in &class.requirements {
                let Some(r) = requirements.iter().find(|r| r.id == *id) else {
                    continue;
                };
                match (r.level, r.verdict) {
                    (Level::Must, RequirementVerdict::Fail) => result.failed.push(id.clone()),
                    (Level::Must, RequirementVerdict::Pass | RequirementVerdict::Withdrawn) => {}
                    (Level::Must, _) => result.unverified.push(id.clone()),
                    (Level::Should, RequirementVerdict::Fail) => result.warnings.push(id.clone()),
                    _ => {}
                }
            }
            result.verdict = if !result.failed.is_empty() {
                ClassVerdict::NotConformant
            } else if !result.unverified.is_empty() {
                ClassVerdict::Inconclusive
            } else {
                ClassVerdict::Conformant
            };
            result
        })
        .collect();
    let count = |v: Verdict| cases.iter().filter(|c| c.verdict == v).count();
    let summary = Summary {
        cases: cases.len(),
        pass: count(Verdict::Pass),
        fail: count(Verdict::Fail),
        error: count(Verdict::Error),
        skip: count(Verdict::Skip),
    };
    let evaluated: Vec<&ClassResult> = classes
        .iter()
        .filter(|c| {
            matches!(
                c.verdict,
                ClassVerdict::Conformant | ClassVerdict::NotConformant | ClassVerdict::Inconclusive
            )
        })
        .collect();
    let verdict = if evaluated
        .iter()
        .any(|c| c.verdict == ClassVerdict::NotConformant)
    {
        OverallVerdict::NotConformant
    } else if !complete
        || evaluated.is_empty()
        || evaluated
            .iter()
            .any(|c| c.verdict == ClassVerdict::Inconclusive)
    {
        OverallVerdict::Incomplete
    } else {
        OverallVerdict::Conformant
    };
    Judgement {
        requirements,
        classes,
        summary,
        verdict,
    }
}
