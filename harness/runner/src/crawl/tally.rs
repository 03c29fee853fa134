//! What a crawl found, kept small: every check is counted (how many objects,
//! pages or responses it was applied to and how many failed) under its label
//! and requirements, and becomes one assertion at the end; only exchanges with
//! a finding are kept as evidence (up to a cap), plus the entry. Memory thus
//! grows with the findings, not with the number of objects walked.

use std::hash::{Hash, Hasher};

use indexmap::{Equivalent, IndexMap};
use konform_model::report::{AssertionOutcome, StepEvidence};
use serde_json::json;

/// Exchanges with findings kept as evidence; the rest are counted.
pub const MAX_FINDING_EXCHANGES: usize = 100;

#[derive(Debug, Default, Clone, Copy)]
struct Count {
    checked: u64,
    failed: u64,
}

/// A borrowed key of [`Tallies::counts`]: hashes and compares as the owned
/// `(String, Vec<String>)`, so that counting a check that was counted
/// before allocates nothing (it is counted once per object walked).
struct KeyRef<'a>(&'a str, &'a [String]);

impl Hash for KeyRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As the tuple `(String, Vec<String>)` hashes: each part in order,
        // a `Vec` as its slice.
        self.0.hash(state);
        self.1.hash(state);
    }
}

impl Equivalent<(String, Vec<String>)> for KeyRef<'_> {
    fn equivalent(&self, key: &(String, Vec<String>)) -> bool {
        self.0 == key.0 && self.1 == key.1.as_slice()
    }
}

/// Counts per check and attribution.
#[derive(Debug, Default)]
pub struct Tallies {
    counts: IndexMap<(String, Vec<String>), Count>,
    /// Checks that could not be carried out, with why.
    not_evaluated: Vec<String>,
    pub findings: Vec<StepEvidence>,
    pub omitted_findings: u64,
}

impl Tallies {
    /// Counts one application of the check `label` attributed to `requirements`.
    pub fn record(&mut self, label: &str, requirements: &[String], passed: bool) {
        if requirements.is_empty() {
            return;
        }
        let count = match self.counts.get_index_of(&KeyRef(label, requirements)) {
            Some(i) => &mut self.counts[i],
            None => self
                .counts
                .entry((label.to_string(), requirements.to_vec()))
                .or_default(),
        };
        count.checked += 1;
        if !passed {
            count.failed += 1;
        }
    }

    /// A check the walk could not carry out (its requirements stay unverified).
    pub fn not_evaluated(&mut self, why: String) {
        if !self.not_evaluated.contains(&why) {
            self.not_evaluated.push(why);
        }
    }

    pub fn not_evaluated_list(&self) -> Vec<String> {
        self.not_evaluated.clone()
    }

    /// Keeps an exchange with findings, or counts it when the cap is reached.
    pub fn finding(&mut self, evidence: StepEvidence) {
        if self.findings.len() < MAX_FINDING_EXCHANGES {
            self.findings.push(evidence);
        } else {
            self.omitted_findings += 1;
        }
    }

    pub fn any_failed(&self) -> bool {
        self.counts.values().any(|c| c.failed > 0)
    }

    /// One assertion per check and attribution: passed when none of its
    /// applications failed.
    pub fn assertions(&self, unit: &str) -> Vec<AssertionOutcome> {
        self.counts
            .iter()
            .map(|((label, requirements), count)| AssertionOutcome {
                check: format!("crawl: {label}"),
                passed: count.failed == 0,
                expected: Some(json!({ "failed": 0 })),
                received: Some(json!({ "checked": count.checked, "failed": count.failed })),
                message: Some(if count.failed == 0 {
                    format!("{} {unit} checked, none failed", count.checked)
                } else {
                    format!(
                        "{} of {} {unit} failed (the findings name each)",
                        count.failed, count.checked
                    )
                }),
                requirements: requirements.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_and_attribution_becomes_one_assertion() {
        let mut t = Tallies::default();
        let a = vec!["R-1".to_string()];
        let b = vec!["R-2".to_string()];
        t.record("schema", &a, true);
        t.record("schema", &a, false);
        t.record("schema", &b, true);
        t.record("unattributed", &[], false);
        let out = t.assertions("objects");
        assert_eq!(out.len(), 2);
        assert!(!out[0].passed);
        assert_eq!(out[0].received, Some(json!({"checked": 2, "failed": 1})));
        assert!(out[1].passed);
        assert!(t.any_failed());
    }

    #[test]
    fn a_borrowed_key_finds_the_owned_one() {
        let mut t = Tallies::default();
        let a = vec!["R-1".to_string(), "R-2".to_string()];
        for passed in [true, false, true] {
            t.record("schema", &a, passed);
        }
        t.record("schema", &a[..1], true);
        let out = t.assertions("objects");
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].received, Some(json!({"checked": 3, "failed": 1})));
        assert_eq!(out[1].received, Some(json!({"checked": 1, "failed": 0})));
    }
}
