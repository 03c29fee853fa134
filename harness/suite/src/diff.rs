//! What changed between two versions of a suite, and whether the version
//! step says so under SemVer: requirements and cases added, removed and
//! changed (a case compared as it runs, after reuse is expanded), and the
//! smallest version step the changes need.
//!
//! The rule, for a conformance suite: an implementation certified against
//! the old version must not fail the new one for a reason the old one did
//! not have, unless the major version says so. A removed MUST (its
//! certificate claim disappears) and a tightened one (raised to MUST) need a
//! major step; new requirements, cases and changed wording need a minor one;
//! changes to cases alone (fixes) a patch. Whether a reworded MUST is
//! stricter than before only a person can tell: such requirements are listed
//! for review.

use std::collections::BTreeMap;

use konform_model::suite::{Case, Level, Requirement};
use serde::Serialize;

use crate::load::LoadedSuite;

/// A SemVer step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    None,
    Patch,
    Minor,
    Major,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::None => "no",
            Step::Patch => "a patch",
            Step::Minor => "a minor",
            Step::Major => "a major",
        }
    }

    /// The step from `old` to `new` (`None` when `new` is not newer).
    pub fn between(old: &semver::Version, new: &semver::Version) -> Step {
        if new <= old {
            Step::None
        } else if new.major != old.major {
            Step::Major
        } else if new.minor != old.minor {
            Step::Minor
        } else {
            Step::Patch
        }
    }
}

/// One changed requirement.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementChange {
    pub id: String,
    pub level: (Level, Level),
    pub text_changed: bool,
    pub class: (Option<String>, Option<String>),
    /// What the change needs by itself.
    pub needs: Step,
}

/// The difference between two suites.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteDiff {
    pub old: String,
    pub new: String,
    pub added_requirements: Vec<(String, Level)>,
    pub removed_requirements: Vec<(String, Level)>,
    pub changed_requirements: Vec<RequirementChange>,
    pub added_cases: Vec<String>,
    pub removed_cases: Vec<String>,
    pub changed_cases: Vec<String>,
    /// The smallest version step these changes need.
    pub needs: Step,
    /// The step the versions take.
    pub takes: Step,
    /// MUST requirements whose wording changed: stricter or not is for a person to say.
    pub review: Vec<String>,
}

impl SuiteDiff {
    /// The version step is at least what the changes need (and the new
    /// version is newer, when anything changed).
    pub fn step_is_right(&self) -> bool {
        self.takes >= self.needs && (self.needs == Step::None || self.takes != Step::None)
    }
}

/// Compares `old` with `new`.
pub fn diff(old: &LoadedSuite, new: &LoadedSuite) -> SuiteDiff {
    let class_of = |s: &LoadedSuite, id: &str| -> Option<String> {
        s.manifest
            .classes
            .iter()
            .find(|c| c.requirements.iter().any(|r| r == id))
            .map(|c| c.id.clone())
    };
    let old_reqs: BTreeMap<&str, &Requirement> = old
        .manifest
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    let new_reqs: BTreeMap<&str, &Requirement> = new
        .manifest
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    let mut needs = Step::None;
    let mut review = Vec::new();

    let added_requirements: Vec<(String, Level)> = new_reqs
        .iter()
        .filter(|(id, _)| !old_reqs.contains_key(*id))
        .map(|(id, r)| (id.to_string(), r.level))
        .collect();
    if !added_requirements.is_empty() {
        needs = needs.max(Step::Minor);
    }
    let removed_requirements: Vec<(String, Level)> = old_reqs
        .iter()
        .filter(|(id, _)| !new_reqs.contains_key(*id))
        .map(|(id, r)| (id.to_string(), r.level))
        .collect();
    for (_, level) in &removed_requirements {
        needs = needs.max(if *level == Level::Must {
            Step::Major
        } else {
            Step::Minor
        });
    }
    let mut changed_requirements = Vec::new();
    for (id, o) in &old_reqs {
        let Some(n) = new_reqs.get(id) else { continue };
        let text_changed = words(&o.text) != words(&n.text);
        let class = (class_of(old, id), class_of(new, id));
        if o.level == n.level && !text_changed && class.0 == class.1 {
            continue;
        }
        // Levels order MUST < SHOULD < MAY: a smaller level is stricter.
        let change = if n.level < o.level && n.level == Level::Must {
            Step::Major
        } else {
            Step::Minor
        };
        if text_changed && n.level == Level::Must && change != Step::Major {
            review.push(id.to_string());
        }
        needs = needs.max(change);
        changed_requirements.push(RequirementChange {
            id: id.to_string(),
            level: (o.level, n.level),
            text_changed,
            class,
            needs: change,
        });
    }

    let as_json = |c: &Case| serde_json::to_value(c).unwrap_or_default();
    let old_cases: BTreeMap<&str, &Case> = old.cases.iter().map(|c| (c.id.as_str(), c)).collect();
    let new_cases: BTreeMap<&str, &Case> = new.cases.iter().map(|c| (c.id.as_str(), c)).collect();
    let added_cases: Vec<String> = new
        .cases
        .iter()
        .filter(|c| !old_cases.contains_key(c.id.as_str()))
        .map(|c| c.id.clone())
        .collect();
    let removed_cases: Vec<String> = old
        .cases
        .iter()
        .filter(|c| !new_cases.contains_key(c.id.as_str()))
        .map(|c| c.id.clone())
        .collect();
    let changed_cases: Vec<String> = old
        .cases
        .iter()
        .filter(|c| {
            new_cases
                .get(c.id.as_str())
                .is_some_and(|n| as_json(n) != as_json(c))
        })
        .map(|c| c.id.clone())
        .collect();
    if !added_cases.is_empty() || !removed_cases.is_empty() {
        needs = needs.max(Step::Minor);
    }
    if !changed_cases.is_empty() {
        needs = needs.max(Step::Patch);
    }
    SuiteDiff {
        old: old.id(),
        new: new.id(),
        added_requirements,
        removed_requirements,
        changed_requirements,
        added_cases,
        removed_cases,
        changed_cases,
        needs,
        takes: Step::between(&old.manifest.version, &new.manifest.version),
        review,
    }
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

#[cfg(test)]
mod tests {
    use super::Step;
    use semver::Version;

    #[test]
    fn the_step_between_versions() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(Step::between(&v("1.0.0"), &v("1.1.0")), Step::Minor);
        assert_eq!(Step::between(&v("1.0.0"), &v("2.0.0")), Step::Major);
        assert_eq!(Step::between(&v("1.0.0"), &v("1.0.1")), Step::Patch);
        assert_eq!(Step::between(&v("1.1.0"), &v("1.0.0")), Step::None);
    }
}
