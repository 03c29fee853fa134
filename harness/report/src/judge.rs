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

#[cfg(test)]
mod tests {
    //! The certification rule, one clause at a time.

    use super::*;
    use serde_json::json;

    /// Two classes: `a` with MUST A-1, MUST A-2 and SHOULD A-3; `b` with MUST B-1.
    fn manifest() -> SuiteManifest {
        serde_json::from_value(json!({
            "suite": "t",
            "version": "1.0.0",
            "title": "T",
            "interface": {"name": "t", "version": "1.0"},
            "requirements": [
                {"id": "A-1", "level": "MUST", "text": "a1", "source": "s"},
                {"id": "A-2", "level": "MUST", "text": "a2", "source": "s"},
                {"id": "A-3", "level": "SHOULD", "text": "a3", "source": "s"},
                {"id": "B-1", "level": "MUST", "text": "b1", "source": "s"}
            ],
            "classes": [
                {"id": "a", "title": "A", "requirements": ["A-1", "A-2", "A-3"]},
                {"id": "b", "title": "B", "requirements": ["B-1"]}
            ]
        }))
        .expect("manifest")
    }

    fn case(id: &str, class: &str, verdict: Verdict, requirements: &[&str]) -> CaseResult {
        CaseResult {
            id: id.into(),
            title: id.into(),
            class: class.into(),
            requirements: requirements.iter().map(|r| r.to_string()).collect(),
            verdict,
            reason: None,
            error_kind: None,
            failed_requirements: vec![],
            unverified_requirements: vec![],
            duration_ms: 0,
            crawl: None,
            steps: vec![],
        }
    }

    fn failing(id: &str, class: &str, requirements: &[&str], blamed: &[&str]) -> CaseResult {
        CaseResult {
            failed_requirements: blamed.iter().map(|r| r.to_string()).collect(),
            ..case(id, class, Verdict::Fail, requirements)
        }
    }

    fn all_pass() -> Vec<CaseResult> {
        vec![
            case("a1", "a", Verdict::Pass, &["A-1", "A-3"]),
            case("a2", "a", Verdict::Pass, &["A-2"]),
            case("b1", "b", Verdict::Pass, &["B-1"]),
        ]
    }

    fn claimed() -> Vec<String> {
        vec!["a".into(), "b".into()]
    }

    fn requirement(j: &Judgement, id: &str) -> RequirementVerdict {
        j.requirements
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.verdict)
            .expect("requirement")
    }

    fn class(j: &Judgement, id: &str) -> ClassVerdict {
        j.classes
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.verdict)
            .expect("class")
    }

    #[test]
    fn every_must_passed_in_every_claimed_class_is_conformant() {
        let j = judge(&manifest(), &all_pass(), &claimed(), &[], true);
        assert_eq!(j.verdict, OverallVerdict::Conformant);
        assert_eq!(class(&j, "a"), ClassVerdict::Conformant);
        assert_eq!(requirement(&j, "A-3"), RequirementVerdict::Pass);
        assert_eq!(j.summary.pass, 3);
    }

    #[test]
    fn a_failed_check_fails_only_the_requirement_it_is_attributed_to() {
        let mut cases = all_pass();
        cases[0] = failing("a1", "a", &["A-1", "A-3"], &["A-3"]);
        let j = judge(&manifest(), &cases, &claimed(), &[], true);
        assert_eq!(requirement(&j, "A-3"), RequirementVerdict::Fail);
        assert_eq!(requirement(&j, "A-1"), RequirementVerdict::Pass);
        // A failed SHOULD is a warning, not a failed class.
        assert_eq!(class(&j, "a"), ClassVerdict::Conformant);
        assert_eq!(j.classes[0].warnings, vec!["A-3".to_string()]);
        assert_eq!(j.verdict, OverallVerdict::Conformant);
    }

    #[test]
    fn a_failed_must_makes_its_class_and_the_run_not_conformant() {
        let mut cases = all_pass();
        cases[1] = failing("a2", "a", &["A-2"], &["A-2"]);
        let j = judge(&manifest(), &cases, &claimed(), &[], true);
        assert_eq!(class(&j, "a"), ClassVerdict::NotConformant);
        assert_eq!(class(&j, "b"), ClassVerdict::Conformant);
        assert_eq!(j.verdict, OverallVerdict::NotConformant);
        assert_eq!(j.classes[0].failed, vec!["A-2".to_string()]);
    }

    #[test]
    fn a_failed_case_without_attribution_fails_everything_it_lists() {
        let mut cases = all_pass();
        cases[0] = case("a1", "a", Verdict::Fail, &["A-1", "A-3"]);
        let j = judge(&manifest(), &cases, &claimed(), &[], true);
        assert_eq!(requirement(&j, "A-1"), RequirementVerdict::Fail);
        assert_eq!(requirement(&j, "A-3"), RequirementVerdict::Fail);
    }

    #[test]
    fn an_unverified_must_is_inconclusive_and_the_run_incomplete() {
        let mut cases = all_pass();
        cases[2] = CaseResult {
            unverified_requirements: vec!["B-1".into()],
            ..case("b1", "b", Verdict::Error, &["B-1"])
        };
        let j = judge(&manifest(), &cases, &claimed(), &[], true);
        assert_eq!(requirement(&j, "B-1"), RequirementVerdict::Error);
        assert_eq!(class(&j, "b"), ClassVerdict::Inconclusive);
        assert_eq!(j.verdict, OverallVerdict::Incomplete);
    }

    #[test]
    fn a_fail_outweighs_an_error_of_another_case() {
        let mut cases = all_pass();
        cases[1] = failing("a2", "a", &["A-2"], &["A-2"]);
        cases.push(CaseResult {
            unverified_requirements: vec!["A-2".into()],
            ..case("a2-again", "a", Verdict::Error, &["A-2"])
        });
        let j = judge(&manifest(), &cases, &claimed(), &[], true);
        assert_eq!(requirement(&j, "A-2"), RequirementVerdict::Fail);
        assert_eq!(j.verdict, OverallVerdict::NotConformant);
    }

    #[test]
    fn skipped_and_untested_musts_are_not_a_pass() {
        let cases = vec![
            case("a1", "a", Verdict::Pass, &["A-1", "A-3"]),
            case("a2", "a", Verdict::Skip, &["A-2"]),
        ];
        let j = judge(&manifest(), &cases, &claimed(), &[], true);
        assert_eq!(requirement(&j, "A-2"), RequirementVerdict::Skip);
        assert_eq!(requirement(&j, "B-1"), RequirementVerdict::Untested);
        assert_eq!(class(&j, "a"), ClassVerdict::Inconclusive);
        assert_eq!(class(&j, "b"), ClassVerdict::Inconclusive);
        assert_eq!(j.verdict, OverallVerdict::Incomplete);
    }

    #[test]
    fn a_withdrawn_must_decides_nothing_even_when_its_case_fails() {
        let mut m = manifest();
        m.requirements[1].withdrawn = Some("erratum".into());
        let mut cases = all_pass();
        cases[1] = failing("a2", "a", &["A-2"], &["A-2"]);
        let j = judge(&m, &cases, &claimed(), &[], true);
        assert_eq!(requirement(&j, "A-2"), RequirementVerdict::Withdrawn);
        assert_eq!(class(&j, "a"), ClassVerdict::Conformant);
        assert_eq!(j.verdict, OverallVerdict::Conformant);
    }

    #[test]
    fn unclaimed_and_unselected_classes_are_not_judged() {
        let mut cases = all_pass();
        cases[2] = failing("b1", "b", &["B-1"], &["B-1"]);
        let only_a = judge(&manifest(), &cases, &["a".to_string()], &[], true);
        assert_eq!(class(&only_a, "b"), ClassVerdict::NotClaimed);
        assert_eq!(only_a.verdict, OverallVerdict::Conformant);
        let selected_a = judge(&manifest(), &cases, &claimed(), &["a".to_string()], true);
        assert_eq!(class(&selected_a, "b"), ClassVerdict::NotSelected);
        assert_eq!(selected_a.verdict, OverallVerdict::Conformant);
        let none = judge(&manifest(), &cases, &[], &[], true);
        assert_eq!(
            none.verdict,
            OverallVerdict::Incomplete,
            "no class evaluated"
        );
    }

    #[test]
    fn an_interrupted_run_is_incomplete_unless_something_failed() {
        let j = judge(&manifest(), &all_pass(), &claimed(), &[], false);
        assert_eq!(j.verdict, OverallVerdict::Incomplete);
        let mut cases = all_pass();
        cases[2] = failing("b1", "b", &["B-1"], &["B-1"]);
        let j = judge(&manifest(), &cases, &claimed(), &[], false);
        assert_eq!(j.verdict, OverallVerdict::NotConformant);
    }
}
