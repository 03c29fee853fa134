//! Loading, linting and digesting konform suites.
//!
//! - [`template`]: the `{{ ns.name }}` template language shared with the runner.

pub mod template;
