//! Reference implementation of Elterngeld 1.0 (`schemas/elterngeld/1.0/`):
//! the stateless Berechnung (§§ 2, 2a, 4a BEEG), the check of a
//! Bezugsplanung (§§ 4, 4b, 4c BEEG) and the Antrag (§ 7 BEEG) with status,
//! in memory. Faults (`faults.rs`) break one requirement each.

mod faults;
mod fristen;
mod handlers;
mod iban;
mod input;
mod plan;
mod querschnitt;
mod rechner;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

use crate::common::idempotency::IdempotencyStore;
use crate::common::pipeline::finish;
use crate::{AuthMode, Faults};

pub use faults::FAULTS;

pub const NAME: &str = "elterngeld";
pub const VERSION: &str = "1.0";
pub const SCOPE_ANTRAG: &str = "elterngeld:antrag";
pub const SCOPE_BERECHNUNG: &str = "elterngeld:berechnung";
pub const SCOPE_LESEN: &str = "elterngeld:lesen";
pub const SCOPES: &[&str] = &[SCOPE_ANTRAG, SCOPE_BERECHNUNG, SCOPE_LESEN];
pub const CLASSES: &[&str] = &["querschnitt", "berechnung", "bezugsplanung", "antrag"];

/// A stored Antrag: its representation (bytes) and ETag.
#[derive(Debug, Clone)]
pub struct StoredAntrag {
    pub body: Vec<u8>,
    pub etag: String,
}

/// Mutable state behind one lock, so a replay check and the creation it
/// guards are atomic.
#[derive(Debug, Default)]
pub struct Inner {
    pub antraege: BTreeMap<String, StoredAntrag>,
    pub idempotency: IdempotencyStore,
}

/// What the handlers share.
pub type AppState = crate::common::state::SharedState<Inner>;

/// Elterngeld 1.0 in the registry of reference implementations.
pub fn entry() -> crate::InterfaceEntry {
    crate::InterfaceEntry {
        name: NAME,
        version: VERSION,
        scopes: SCOPES,
        limited_scopes: &[SCOPE_LESEN],
        faults: FAULTS,
        router,
        tls_by_default: false,
    }
}

/// The HTTP routes of Elterngeld 1.0 over an empty store.
pub fn router(auth: AuthMode, faults: Faults, _options: &crate::RouterOptions) -> Router {
    let state = AppState::new(auth, Arc::new(faults), Inner::default());
    Router::new()
        .route("/", get(handlers::service_description))
        .route("/berechnungen", post(handlers::post_berechnung))
        .route("/bezugsplanungen", post(handlers::post_bezugsplanung))
        .route("/antraege", post(handlers::post_antrag))
        .route("/antraege/{id}", get(handlers::get_antrag))
        .fallback(crate::common::problem::not_found)
        .method_not_allowed_fallback(crate::common::problem::method_not_allowed)
        .layer(from_fn(finish))
        .layer(from_fn_with_state(state.clone(), querschnitt::outer_faults))
        .with_state(state)
}
