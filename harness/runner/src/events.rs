//! The event stream of a run. The runner emits events; reporters (terminal,
//! report writer, test harnesses) consume them. Events carry redacted data only.

use konform_model::report::CaseResult;

use crate::run::RunOutcome;

#[derive(Debug)]
pub enum RunEvent<'a> {
    /// The run begins with `total` cases (run or skipped).
    Started { total: usize },
    /// A case has its verdict; `finished` of `total` are done.
    CaseFinished {
        result: &'a CaseResult,
        finished: usize,
        total: usize,
    },
    /// Every case has a result (or the run was interrupted).
    Finished { outcome: &'a RunOutcome },
}

/// Something that consumes run events. Called from the runner's task; keep it quick.
pub trait EventSink: Send + Sync {
    fn on_event(&self, event: &RunEvent<'_>);
}

/// Ignores every event.
pub struct NoEvents;

impl EventSink for NoEvents {
    fn on_event(&self, _: &RunEvent<'_>) {}
}
