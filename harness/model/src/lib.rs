//! Stable serde types shared by every konform crate.
//!
//! - [`suite`]: the declarative suite format (manifest, requirements, classes, cases, steps).
//! - [`target`]: the target file (identity, base URL, auth, TLS, fixture overrides).
//! - [`crawl`]: the crawl of a case (a walk through a hypermedia API) and its coverage.
//! - [`report`]: the canonical report (verdicts, evidence, per-requirement and per-class results).
//! - [`politeness`]: limits on how hard a run loads a target (suite defaults and ceiling, target file, CLI).
//!
//! These types are the archived contract between suite authors, the runner and
//! certification bodies; they carry no behaviour beyond small helpers.

pub mod crawl;
pub mod politeness;
pub mod report;
pub mod suite;
pub mod target;
