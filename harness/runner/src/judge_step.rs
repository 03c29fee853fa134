//! Judging one step from its response — the one rule that both the runner
//! (a live response) and re-judging (`rejudge.rs`, a recorded one) apply:
//! the step's checks run in the contract's order (`checks.rs`); a failed
//! check that blames a requirement makes the case `fail`; a check that could
//! not be carried out is an `error` of its kind; a failed check that blames
//! nothing (a precondition step, or a check the suite marks as a
//! precondition) is an `error` of kind `precondition`. A cleanup step's
//! checks verify nothing.

use konform_model::report::{AssertionOutcome, ErrorKind, StepRole};
use konform_model::suite::{Attribution, Case, Step};
use serde_json::Value;

use crate::Compiled;
use crate::checks::{self, Attributor, ResponseView};

/// Why a step ends its case.
#[derive(Debug, Clone, PartialEq)]
pub enum StepStop {
    Fail(String),
    Error(ErrorKind, String),
}

/// A judged step.
#[derive(Debug, Default)]
pub struct JudgedStep {
    pub assertions: Vec<AssertionOutcome>,
    /// Checks not evaluated because an earlier one decided the step.
    pub not_evaluated: Vec<String>,
    pub captured: Vec<(String, Value)>,
    /// The index in `assertions` of the schema check, which reads the body
    /// as a whole.
    pub schema_check: Option<usize>,
    /// A check that could not be carried out (recorded on the step).
    pub check_error: Option<(ErrorKind, String)>,
    pub stop: Option<StepStop>,
}

/// Judges `view` as the response to `step` of `case`.
pub fn judge(
    case: &Case,
    step: &Step,
    role: Option<StepRole>,
    view: &ResponseView<'_>,
    compiled: &Compiled,
    attribution: &Attribution,
    render: &mut checks::Render<'_>,
) -> JudgedStep {
    let attr = Attributor {
        // A cleanup or precondition step verifies nothing.
        verifies_nothing: role.is_some(),
        ..Attributor::for_step(case, step, attribution)
    };
    let checked = checks::check(&step.expect, &step.capture, view, compiled, &attr, render);
    let mut assertions = checked.outcomes;
    if role == Some(StepRole::Cleanup) {
        // Cleanup verifies nothing, not even well-formedness.
        for a in &mut assertions {
            a.requirements.clear();
        }
    }
    let blamed = assertions
        .iter()
        .find(|o| !o.passed && !o.requirements.is_empty());
    let unmet = assertions.iter().find(|o| !o.passed);
    let stop = if let Some(failed) = blamed {
        Some(StepStop::Fail(failed.describe()))
    } else if let Some((kind, e)) = &checked.error {
        Some(StepStop::Error(*kind, e.clone()))
    } else {
        unmet.map(|unmet| {
            StepStop::Error(
                ErrorKind::Precondition,
                format!("precondition not met: {}", unmet.describe()),
            )
        })
    };
    JudgedStep {
        assertions,
        not_evaluated: checked.not_evaluated,
        captured: checked.captured,
        schema_check: checked.schema_check,
        check_error: checked.error,
        stop,
    }
}
