//! Reference implementation of Meldewesen 1.0 (`schemas/meldewesen/1.0/`):
//! Anmeldung, Abmeldung, corrections, Meldebescheinigung and einfache
//! Melderegisterauskunft over an in-memory register seeded with fictitious
//! persons.

mod auskunft;
mod faults;
mod handlers;
mod model;
mod seed;
mod validation;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

use crate::common::idempotency::IdempotencyStore;
use crate::common::pipeline::finish;
use crate::{AuthMode, Faults};
use model::Person;

pub const NAME: &str = "meldewesen";
pub const VERSION: &str = "1.0";
pub const SCOPE_MELDUNG: &str = "meldewesen:meldung";
pub const SCOPE_LESEN: &str = "meldewesen:lesen";
pub const SCOPE_AUSKUNFT: &str = "meldewesen:auskunft";
pub const SCOPES: &[&str] = &[SCOPE_MELDUNG, SCOPE_LESEN, SCOPE_AUSKUNFT];
pub const CLASSES: &[&str] = &["querschnitt", "anmeldung", "bescheinigung", "auskunft"];
/// Faults this implementation can switch on (see [`faults`]).
pub use faults::FAULTS;

/// Mutable state: the register and the idempotency store, behind one lock so
/// that a replay check and the creation it guards are atomic.
#[derive(Debug)]
pub struct Inner {
    pub persons: BTreeMap<String, Person>,
    pub idempotency: IdempotencyStore,
    /// Answers kept per search data (only with the fault `auskunft-cached`).
    pub auskunft_cache: std::collections::HashMap<String, Vec<u8>>,
}

/// What the handlers share.
pub type AppState = crate::common::state::SharedState<Inner>;

/// Meldewesen 1.0 in the registry of reference implementations.
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

/// The HTTP routes of Meldewesen 1.0 over a freshly seeded register.
pub fn router(auth: AuthMode, faults: Faults, _options: &crate::RouterOptions) -> Router {
    let persons = seed::persons()
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let faults = Arc::new(faults);
    let state = AppState::new(
        auth,
        faults.clone(),
        Inner {
            persons,
            idempotency: IdempotencyStore::default(),
            auskunft_cache: std::collections::HashMap::new(),
        },
    );
    Router::new()
        .route("/", get(handlers::service_description))
        .route("/anmeldungen", post(handlers::post_anmeldung))
        .route("/abmeldungen", post(handlers::post_abmeldung))
        .route("/personen", get(handlers::list_personen))
        .route(
            "/personen/{id}",
            get(handlers::get_person).patch(handlers::patch_person),
        )
        .route(
            "/personen/{id}/meldebescheinigung",
            get(handlers::get_meldebescheinigung),
        )
        .route("/auskuenfte", post(handlers::post_auskunft))
        .fallback(handlers::not_found)
        .method_not_allowed_fallback(crate::common::problem::method_not_allowed)
        .layer(from_fn(finish))
        .layer(from_fn_with_state(faults, faults::mangle))
        .with_state(state)
}
