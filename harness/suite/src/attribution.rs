//! Attribution: which requirements a check verifies (see
//! `schemas/konform/VERDICTS.md`). The check's own `verifies`, else its
//! step's, else its case's; the suite's `attribution` for the engine's
//! well-formed check and the problem+json shape checks. Shared by the runner
//! (which blames requirements) and the linter (which checks coverage).

use std::collections::BTreeSet;

use konform_model::suite::{Attribution, Case, ProblemCheck, Step};

/// Who a step's checks are attributed to (see `schemas/konform/VERDICTS.md`):
/// the check's own `verifies`, else the step's, else the case's; the suite's
/// `attribution` for well-formedness and problem shape.
#[derive(Debug, Clone, Copy)]
pub struct Attributor<'a> {
    pub case: &'a [String],
    pub step: Option<&'a [String]>,
    pub suite: &'a Attribution,
    /// The step only prepares state (or cleans up): its checks verify nothing.
    pub verifies_nothing: bool,
}

impl Attributor<'_> {
    /// The requirements a check verifies, given what it says itself.
    pub fn resolve(&self, own: Option<&[String]>) -> Vec<String> {
        if self.verifies_nothing {
            return vec![];
        }
        own.or(self.step).unwrap_or(self.case).to_vec()
    }

    /// Problem+json shape checks (media type; type, title, status).
    pub fn problem_shape(&self, problem: &ProblemCheck) -> Vec<String> {
        match &self.suite.problem {
            Some(r) if !self.verifies_nothing => vec![r.clone()],
            _ => self.resolve(problem.verifies.as_deref()),
        }
    }

    /// The well-formed-response check. A malformed response breaks the
    /// interface whatever the step was for, so it is attributed even on a
    /// precondition step when the suite names the requirement.
    pub fn well_formed(&self) -> Vec<String> {
        match &self.suite.well_formed {
            Some(r) => vec![r.clone()],
            None => self.resolve(None),
        }
    }
}

impl<'a> Attributor<'a> {
    /// The attribution context of `step` in `case`.
    pub fn for_step(case: &'a Case, step: &'a Step, suite: &'a Attribution) -> Self {
        Self {
            case: &case.verifies,
            step: step.verifies.as_deref(),
            suite,
            verifies_nothing: step.precondition,
        }
    }
}

/// The kind of a declared check, for coverage reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CheckKind {
    Status,
    Header,
    ProblemShape,
    ProblemErrors,
    Schema,
    Body,
    Capture,
}

/// Every declared check of `step` with the requirements it is attributed to
/// (none for a precondition step; the well-formed check exists only at run time).
pub fn step_checks(case: &Case, step: &Step, suite: &Attribution) -> Vec<(CheckKind, Vec<String>)> {
    let attr = Attributor::for_step(case, step, suite);
    let e = &step.expect;
    let mut out = Vec::new();
    if let Some(s) = &e.status {
        out.push((CheckKind::Status, attr.resolve(s.verifies())));
    }
    for h in &e.headers {
        out.push((CheckKind::Header, attr.resolve(h.verifies.as_deref())));
    }
    if let Some(p) = &e.problem {
        out.push((CheckKind::ProblemShape, attr.problem_shape(p)));
        if !p.rules.is_empty() || !p.pointers.is_empty() || p.errors.is_some() {
            out.push((
                CheckKind::ProblemErrors,
                attr.resolve(p.verifies.as_deref()),
            ));
        }
    }
    if let Some(s) = &e.schema {
        out.push((CheckKind::Schema, attr.resolve(s.verifies())));
    }
    for b in &e.body {
        out.push((CheckKind::Body, attr.resolve(b.verifies.as_deref())));
    }
    for c in step.capture.values() {
        out.push((CheckKind::Capture, attr.resolve(c.verifies.as_deref())));
    }
    out
}

/// Every requirement the checks of `step` are attributed to (none for a
/// precondition step; the well-formed check is added from the evidence).
pub fn step_requirements(case: &Case, step: &Step, suite: &Attribution) -> BTreeSet<String> {
    step_checks(case, step, suite)
        .into_iter()
        .flat_map(|(_, reqs)| reqs)
        .collect()
}

/// Every requirement the checks of `case` are attributed to, in step order
/// (not counting the well-formed check, which only exists at run time).
pub fn case_requirements(case: &Case, suite: &Attribution) -> BTreeSet<String> {
    let mut all: BTreeSet<String> = case
        .steps
        .iter()
        .flat_map(|s| step_requirements(case, s, suite))
        .collect();
    if let Some(crawl) = &case.crawl {
        all.extend(crawl_requirements(crawl));
    }
    all
}

/// Every requirement a crawl's checks name (each check of a crawl says
/// what it verifies; none inherits the case's list).
pub fn crawl_requirements(crawl: &konform_model::crawl::Crawl) -> BTreeSet<String> {
    let c = &crawl.checks;
    let own = [
        &c.entry,
        &c.json,
        &c.known_type,
        &c.page,
        &c.next,
        &c.no_duplicates,
        &c.stable_order,
        &c.in_list,
        &c.at_id,
        &c.same_at_id,
        &c.query_kept,
    ];
    let body = crawl
        .page
        .item_checks
        .iter()
        .chain(&crawl.page.some_items)
        .chain(crawl.types.iter().flat_map(|t| t.checks.iter()))
        .filter_map(|b| b.verifies.as_ref());
    let headers = crawl.headers.iter().filter_map(|h| h.verifies.as_ref());
    let schemas = crawl
        .types
        .iter()
        .flat_map(|t| t.schemas.iter())
        .flat_map(|s| std::iter::once(&s.verifies).chain(s.blame.iter().map(|b| &b.verifies)));
    own.into_iter()
        .chain(body)
        .chain(headers)
        .chain(schemas)
        .flatten()
        .cloned()
        .collect()
}
