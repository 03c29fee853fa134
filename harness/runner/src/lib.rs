//! The konform engine: runs the cases of a suite against a target.
//!
//! Data flow: a loaded suite and a connected target go in; [`compiled`]
//! prepares schemas, patterns and paths once; [`run`] schedules cases;
//! [`case`] carries out each case's steps through [`exchange`] (every request
//! passing the run's [`politeness`] gate) and judges
//! each response with [`judge_step`] (the rule) over [`checks`]; a case's
//! [`crawl`] walks a hypermedia API after its steps; [`redact`]
//! scrubs the evidence; [`events`] tell reporters what happened.
//! [`rejudge`] applies the same step judgement to a report's recorded
//! evidence. Judging requirements and classes and writing the report is
//! `konform-report`'s job.

pub mod case;
pub mod checks;
pub mod claims;
pub mod compiled;
pub mod crawl;
pub mod events;
pub mod exchange;
pub mod judge_step;
pub mod politeness;
pub mod redact;
pub mod rejudge;
pub mod run;
pub mod schemas;
pub mod unique;

pub use case::{CaseContext, CaseLimits};
pub use compiled::Compiled;
pub use events::{EventSink, NoEvents, RunEvent};
pub use politeness::{Politeness, PolitenessLimits};
pub use run::{RunOutcome, RunSettings, run_cases};
pub use tokio_util::sync::CancellationToken;
pub use unique::UniqueSource;
