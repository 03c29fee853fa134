//! Reports: judging case results into requirement, class and overall
//! verdicts ([`judge`]), assembling the canonical [`Report`] ([`assemble`]),
//! writing it atomically ([`write`]), rendering it ([`render`]), merging
//! shard reports ([`merge`]), presenting known deviations
//! ([`deviations`], expected failures that never change a verdict), and deciding whether a report file may be
//! believed ([`validity`]: the one check `report verify`, `report render` and
//! `matrix` share). [`text`] makes target-controlled text safe to print in a
//! terminal or CI log; every printer and renderer uses it. [`annotations`]
//! turns a report's failed requirements into GitHub Actions workflow
//! commands (`::error …`).

pub mod annotations;
pub mod assemble;
pub mod deviations;
pub mod judge;
pub mod merge;
pub mod render;
pub mod text;
pub mod validity;
pub mod write;

pub use assemble::{ReportInput, assemble, rfc3339};
pub use judge::{Judgement, judge};
pub use konform_model::report::Report;
pub use merge::{MergeError, merge};
pub use validity::{Assessment, KnownSuite, KnownSuites, Standing, Trust, assess, assess_file};
pub use write::{WriteError, join_file_name, write_atomic, write_json};
