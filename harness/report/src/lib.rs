//! Reports: judging case results into requirement, class and overall
//! verdicts ([`judge`]), assembling the canonical [`Report`] ([`assemble`])
//! and writing it atomically ([`write`]).

pub mod assemble;
pub mod judge;
pub mod merge;
pub mod render;
pub mod write;

pub use assemble::{ReportInput, assemble, rfc3339};
pub use judge::{Judgement, judge};
pub use konform_model::report::Report;
pub use merge::{MergeError, merge};
pub use write::{WriteError, write_atomic, write_json};
