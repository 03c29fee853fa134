//! The bundled suites and schemas, embedded at compile time so that the
//! `konform` binary works from any directory and after `cargo install`.

use include_dir::{Dir, include_dir};

/// Everything under the repository's `suites/` folder.
pub static SUITES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../suites");

/// Everything under the repository's `schemas/` folder.
pub static SCHEMAS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../schemas");
