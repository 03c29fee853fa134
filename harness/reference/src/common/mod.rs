//! Building blocks shared by every reference implementation: the Querschnitt
//! conventions (problem+json, request ids, bearer auth, idempotency, ETags,
//! JSON bodies with 400/413/415, field validation with rule ids).

pub mod auth;
pub mod body;
pub mod dates;
pub mod encoding;
pub mod etag;
pub mod idempotency;
pub mod pipeline;
pub mod problem;
pub mod state;
pub mod validate;
