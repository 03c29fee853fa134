//! From case verdicts to requirement, class and overall verdicts.
//!
//! - A requirement takes the worst verdict of the cases that verify it:
//!   any `fail` → fail; else any `error` → error; else any `pass` → pass;
//!   else `skip` (all skipped) or `untested` (no case).
//! - A claimed, selected class is `conformant` when every MUST requirement in
//!   it passed, `not_conformant` when one failed, `inconclusive` otherwise. A
//!   failed SHOULD is a warning; MAY is informative.
//! - The run is `not_conformant` when a selected class is, `incomplete` when
//!   one is inconclusive, the run was interrupted or no class was evaluated,
//!   and `conformant` otherwise.

use konform_model::report::{
    CaseResult, ClassResult, ClassVerdict, OverallVerdict, RequirementResult, RequirementVerdict,
    Summary, Verdict,
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
            let has = |v: Verdict| verifying.iter().any(|c| c.verdict == v);
            let verdict = if has(Verdict::Fail) {
                RequirementVerdict::Fail
            } else if has(Verdict::Error) {
                RequirementVerdict::Error
            } else if has(Verdict::Pass) {
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
                    (Level::Must, RequirementVerdict::Pass) => {}
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
