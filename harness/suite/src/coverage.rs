//! Coverage of a suite against its interface's OpenAPI document: which
//! operations and documented response statuses the cases exercise, which
//! request constraints the probes derive, which rule ids of the contract's
//! `x-rules` some case asserts, and which requirements only status checks
//! verify. A gap is anything the contract defines that no case touches and
//! the suite's `coverage.not_covered` does not waive with a reason;
//! `konform suite coverage` fails on gaps, and CI runs it for every bundled
//! suite.

use std::collections::{BTreeMap, BTreeSet};

use konform_model::suite::{CoverageWaiver, ErrorListExpect, Step};
use serde::Serialize;
use serde_json::Value;

use crate::attribution::{CheckKind, step_checks};
use crate::load::LoadedSuite;
use crate::probe::operations;

/// The coverage of one suite.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub suite: String,
    pub openapi: Option<String>,
    pub operations: Vec<OperationCoverage>,
    pub probes: Vec<ProbeCoverage>,
    pub rules: Vec<RuleCoverage>,
    /// Requirements whose every declared check is a status check.
    pub status_only: Vec<String>,
    /// Waivers that name nothing uncovered (stale, or unknown names).
    pub stale_waivers: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OperationCoverage {
    pub operation: String,
    pub method: String,
    pub path: String,
    pub has_body: bool,
    /// Ids of the probes derived from this operation.
    pub probes: Vec<String>,
    pub responses: Vec<StatusCoverage>,
    /// Why the whole operation is not covered, when the suite says so.
    pub waived: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusCoverage {
    pub status: String,
    pub cases: Vec<String>,
    pub waived: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProbeCoverage {
    pub id: String,
    pub operation: String,
    pub accepted: usize,
    pub rejected: usize,
    /// Distinct `(pointer, keyword)` constraints probed.
    pub constraints: usize,
    /// Shared conventions checked on the operation (`convention.*` cases).
    pub conventions: Vec<String>,
    pub excluded: Vec<(String, String)>,
    pub not_derivable: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCoverage {
    pub rule: String,
    pub cases: Vec<String>,
    pub waived: Option<String>,
}

impl Coverage {
    /// Everything uncovered and not waived, one line each.
    pub fn gaps(&self) -> Vec<String> {
        let mut out = Vec::new();
        for op in self.operations.iter().filter(|o| o.waived.is_none()) {
            if op.has_body && op.probes.is_empty() {
                out.push(format!(
                    "{} {} ({}): a request body, but no probe derives its constraints",
                    op.method, op.path, op.operation
                ));
            }
            for r in op
                .responses
                .iter()
                .filter(|r| r.cases.is_empty() && r.waived.is_none())
            {
                out.push(format!(
                    "{} {} ({}): documented status {} is expected by no case",
                    op.method, op.path, op.operation, r.status
                ));
            }
        }
        for r in self
            .rules
            .iter()
            .filter(|r| r.cases.is_empty() && r.waived.is_none())
        {
            out.push(format!("rule {} is asserted by no case", r.rule));
        }
        out.extend(self.stale_waivers.iter().cloned());
        out
    }
}

/// Computes the coverage of a loaded suite.
pub fn coverage(suite: &LoadedSuite) -> Coverage {
    let openapi_path = suite.manifest.interface.openapi.clone();
    let openapi = openapi_path.as_deref().and_then(|p| suite.schemas.get(p));
    let waivers = &suite.manifest.coverage.not_covered;
    let mut used = vec![false; waivers.len()];
    let attribution = &suite.manifest.attribution;

    // What each case's own (not precondition) steps do.
    let mut statuses: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut rules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut kinds: BTreeMap<String, BTreeSet<CheckKind>> = BTreeMap::new();
    let ops: Vec<_> = openapi.map(|o| operations(o).collect()).unwrap_or_default();
    for case in &suite.cases {
        for step in case.steps.iter().filter(|s| !s.precondition) {
            if let Some(op) = ops
                .iter()
                .find(|op| matches_operation(step, &op.method, &op.path))
            {
                for code in expected_codes(step) {
                    statuses
                        .entry((op.method.clone(), op.path.clone()))
                        .or_default()
                        .insert(format!("{code}|{}", case.id));
                }
            }
            for rule in asserted_rules(step) {
                rules.entry(rule).or_default().insert(case.id.clone());
            }
            for (kind, reqs) in step_checks(case, step, attribution) {
                for r in reqs {
                    kinds.entry(r).or_default().insert(kind);
                }
            }
        }
    }

    let mut waiver = |f: &dyn Fn(&CoverageWaiver) -> bool| -> Option<String> {
        let i = waivers.iter().position(f)?;
        used[i] = true;
        Some(waivers[i].reason.clone())
    };

    let operations: Vec<OperationCoverage> = ops
        .iter()
        .map(|op| {
            let id = op
                .node
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let seen = statuses.get(&(op.method.clone(), op.path.clone()));
            let responses = op
                .node
                .get("responses")
                .and_then(Value::as_object)
                .map(|r| r.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
                .into_iter()
                .map(|status| {
                    let cases: Vec<String> = seen
                        .into_iter()
                        .flatten()
                        .filter_map(|e| e.strip_prefix(&format!("{status}|")).map(str::to_string))
                        .collect();
                    let waived = if cases.is_empty() {
                        waiver(&|w| {
                            w.operation.as_deref() == Some(id.as_str())
                                && w.status.as_deref() == Some(status.as_str())
                        })
                    } else {
                        None
                    };
                    StatusCoverage {
                        status,
                        cases,
                        waived,
                    }
                })
                .collect();
            let probes: Vec<String> = suite
                .probes
                .iter()
                .filter(|p| p.probe.operation == id)
                .map(|p| p.probe.id.clone())
                .collect();
            let whole =
                waiver(&|w| w.operation.as_deref() == Some(id.as_str()) && w.status.is_none());
            OperationCoverage {
                operation: id,
                method: op.method.clone(),
                path: op.path.clone(),
                has_body: op
                    .node
                    .pointer("/requestBody/content/application~1json")
                    .is_some(),
                probes,
                responses,
                waived: whole,
            }
        })
        .collect();

    let probes = suite
        .probes
        .iter()
        .filter_map(|p| {
            let d = p.result.as_ref().ok()?;
            let (conventions, probes): (Vec<_>, Vec<_>) = d
                .cases
                .iter()
                .partition(|c| c.slug.starts_with("convention."));
            let constraints: BTreeSet<(&str, &str)> = probes
                .iter()
                .map(|c| (c.pointer.as_str(), c.keyword.as_str()))
                .collect();
            Some(ProbeCoverage {
                id: p.probe.id.clone(),
                operation: p.probe.operation.clone(),
                accepted: probes.iter().filter(|c| c.accepted).count(),
                rejected: probes.iter().filter(|c| !c.accepted).count(),
                constraints: constraints.len(),
                conventions: conventions.iter().map(|c| c.keyword.clone()).collect(),
                excluded: d.excluded.clone(),
                not_derivable: d.not_derivable.clone(),
            })
        })
        .collect();

    let contract_rules: Vec<String> = openapi
        .and_then(|o| o.get("x-rules"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let rules = contract_rules
        .into_iter()
        .map(|rule| {
            let cases: Vec<String> = rules.get(&rule).into_iter().flatten().cloned().collect();
            let waived = if cases.is_empty() {
                waiver(&|w| w.rule.as_deref() == Some(rule.as_str()))
            } else {
                None
            };
            RuleCoverage {
                rule,
                cases,
                waived,
            }
        })
        .collect();

    let status_only = suite
        .manifest
        .requirements
        .iter()
        .filter(|r| {
            kinds
                .get(&r.id)
                .is_some_and(|k| k.iter().all(|k| *k == CheckKind::Status))
        })
        .map(|r| r.id.clone())
        .collect();

    let stale_waivers = waivers
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(w, _)| {
            let what = match (&w.operation, &w.status, &w.rule) {
                (Some(op), Some(st), _) => format!("{op} status {st}"),
                (Some(op), None, _) => format!("operation {op}"),
                (None, _, Some(rule)) => format!("rule {rule}"),
                _ => "an empty entry".to_string(),
            };
            format!("coverage.not_covered names {what}, which is covered or not in the contract: remove it")
        })
        .collect();

    Coverage {
        suite: suite.id(),
        openapi: openapi_path,
        operations,
        probes,
        rules,
        status_only,
        stale_waivers,
    }
}

/// The status codes a step expects.
pub(crate) fn expected_codes(step: &Step) -> Vec<u16> {
    use konform_model::suite::StatusCodes;
    match step.expect.status.as_ref().map(|s| s.codes()) {
        Some(StatusCodes::One(c)) => vec![c],
        Some(StatusCodes::AnyOf(list)) => list,
        None => vec![],
    }
}

/// Rule ids a step asserts: in `problem.rules`, `problem.errors` and body
/// checks of an error's `rule`.
fn asserted_rules(step: &Step) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = &step.expect.problem {
        out.extend(p.rules.iter().cloned());
        if let Some(ErrorListExpect::Contains(e) | ErrorListExpect::Exactly(e)) = &p.errors {
            out.extend(e.iter().filter_map(|e| e.rule.clone()));
        }
    }
    for b in &step.expect.body {
        let at = b
            .pointer
            .as_deref()
            .or(b.path.as_deref())
            .unwrap_or_default();
        if at.ends_with("rule")
            && let Some(Value::String(rule)) = &b.equals
        {
            out.push(rule.clone());
        }
    }
    out
}

/// Whether a step's request is an exchange with the operation `method path`:
/// templates count as one path segment, the query string is ignored.
pub fn matches_operation(step: &Step, method: &str, path: &str) -> bool {
    if !step.request.method.eq_ignore_ascii_case(method) {
        return false;
    }
    let requested = step.request.path.split('?').next().unwrap_or_default();
    let requested = strip_templates(requested);
    let want: Vec<&str> = path.split('/').collect();
    let got: Vec<&str> = requested.split('/').collect();
    want.len() == got.len()
        && want
            .iter()
            .zip(&got)
            .all(|(w, g)| (w.starts_with('{') && w.ends_with('}') && !g.is_empty()) || w == g)
}

/// `"/personen/{{ captures.id }}"` → `"/personen/T"`.
fn strip_templates(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        match rest[i..].find("}}") {
            Some(j) => {
                out.push('T');
                rest = &rest[i + j + 2..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
