//! Loading, linting and digesting konform suites.
//!
//! Data flow: [`files::SuiteFiles`] (a folder or a bundled suite, in memory)
//! → [`yaml`] (YAML → JSON with positions) → JSON Schema validation against
//! `schemas/konform/*.schema.json` → serde model types → [`lint`] (semantic
//! checks) → [`LoadedSuite`] with its [`digest`]. Every mistake becomes a
//! [`diagnostics::Diagnostic`] with a stable code and `file:line:col`.
//!
//! - [`attribution`]: which requirements a check verifies.
//! - [`template`]: the `{{ ns.name }}` template language shared with the runner.
//! - [`generator`]: patterns for `{{ unique.KIND.NAME }}` values.
//! - [`probe`]: cases derived from the interface's OpenAPI (contract-derived probes).
//! - [`contract_lint`]: every request's method, path and expected status against the OpenAPI.
//! - [`contract_schema`]: `expect.schema` defaulted from the OpenAPI operation and status.
//! - [`coverage`]: operations, statuses, rule ids and constraints a suite covers.
//! - [`personal`]: the members the contract marks `x-personal-data` (redacted in reports).
//! - [`files`], [`bundled`]: where suites come from and how specs resolve.
//! - [`expand`]: reuse in case files (sequences, tables, shared fragments) → plain cases.
//! - [`diff`]: what changed between two versions, and the SemVer step it needs.
//! - [`scaffold`]: the files of a new suite (`konform suite new`).
//! - [`errata`]: requirements and cases withdrawn from a released version.
//! - [`schemas`]: the `schemas/` folder (`$ref` targets, konform's own schemas).
//! - [`yaml`]: YAML parsing and [`yaml::parse_document`] (also used for target files).
//! - [`diagnostics`], [`lint`], [`digest`], [`load`].

pub mod attribution;
pub mod bundled;
pub mod contract_lint;
pub mod contract_schema;
pub mod coverage;
pub mod diagnostics;
pub mod diff;
pub mod digest;
pub mod errata;
pub mod expand;
pub mod files;
pub mod generator;
pub mod lint;
pub mod load;
pub mod personal;
pub mod probe;
pub mod scaffold;
pub mod schemas;
pub mod template;
pub mod validate;
pub mod yaml;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use files::SuiteFiles;
pub use load::{LoadedSuite, load, load_path, load_spec};
pub use schemas::SchemaSet;
pub use yaml::{SpanIndex, parse_document};
