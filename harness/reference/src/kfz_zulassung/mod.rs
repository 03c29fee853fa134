//! Reference implementation of Kfz-Zulassung 1.0 (`schemas/kfz-zulassung/1.0/`):
//! Wunschkennzeichen reservations with PIN and expiry, Neuzulassung,
//! Umschreibung and Außerbetriebsetzung over an in-memory register of a
//! fictitious Zulassungsbehörde, with a fault switch per requirement.

mod faults;
mod formats;
mod handlers;
mod model;
mod seed;
mod validation;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::{get, post};

use crate::common::idempotency::IdempotencyStore;
use crate::common::pipeline::{X_REQUEST_ID, finish};
use crate::{AuthMode, Faults};
use model::{Reservierung, Zulassung};

pub use faults::FAULTS;
use faults::Fault;

pub const NAME: &str = "kfz-zulassung";
pub const VERSION: &str = "1.0";
pub const SCOPE_RESERVIERUNG: &str = "kfz:reservierung";
pub const SCOPE_ZULASSUNG: &str = "kfz:zulassung";
pub const SCOPE_LESEN: &str = "kfz:lesen";
pub const SCOPE_TESTHILFEN: &str = "kfz:testhilfen";
pub const SCOPES: &[&str] = &[
    SCOPE_RESERVIERUNG,
    SCOPE_ZULASSUNG,
    SCOPE_LESEN,
    SCOPE_TESTHILFEN,
];
pub const CLASSES: &[&str] = &[
    "querschnitt",
    "reservierung",
    "zulassung",
    "ausserbetriebsetzung",
];

/// Mutable state behind one lock, so that checks and the changes they guard
/// are atomic.
#[derive(Debug)]
pub struct Inner {
    pub reservierungen: BTreeMap<String, Reservierung>,
    pub zulassungen: BTreeMap<String, Zulassung>,
    /// Every eVB-Nummer ever used (an eVB is used once).
    pub used_evbs: HashSet<String>,
    pub idempotency: IdempotencyStore,
    /// The stored bodies as sent, for the fault `idempotency-compares-raw-bytes`.
    pub raw_bodies: HashMap<(String, &'static str, String), String>,
}

/// What the handlers share.
pub type AppState = crate::common::state::SharedState<Inner>;

/// Kfz-Zulassung 1.0 in the registry of reference implementations.
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

/// Faults that act on the finished response (outside the problem pipeline).
async fn response_faults(State(faults): State<Arc<Faults>>, req: Request, next: Next) -> Response {
    // The X-Request-ID the client sent, when it is visible ASCII.
    let sent = req
        .headers()
        .get(X_REQUEST_ID)
        .filter(|v| v.as_bytes().iter().all(|c| (0x21..=0x7e).contains(c)))
        .cloned();
    let mut resp = next.run(req).await;
    if let Some(v) = sent {
        let n = v.as_bytes().len();
        if n > 200 && faults.on(Fault::RequestIdLengthUnchecked) {
            resp.headers_mut().insert(X_REQUEST_ID, v);
        } else if n == 200
            && faults.on(Fault::RequestIdLimitOffByOne)
            && let Ok(fresh) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
        {
            resp.headers_mut().insert(X_REQUEST_ID, fresh);
        }
    }
    if faults.on(Fault::JsonLatin1) {
        resp = crate::common::encoding::json_as_latin1(resp).await;
    }
    if faults.on(Fault::RequestIdNotEchoed)
        && let Ok(v) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
    {
        resp.headers_mut().insert(X_REQUEST_ID, v);
    }
    let status = resp.status();
    if faults.on(Fault::ErrorsWithoutProblemJson)
        && (status.is_client_error() || status.is_server_error())
    {
        resp.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    resp
}

/// The HTTP routes of Kfz-Zulassung 1.0 over a freshly seeded register.
pub fn router(auth: AuthMode, faults: Faults, _options: &crate::RouterOptions) -> Router {
    let zulassungen = seed::zulassungen();
    let used_evbs = zulassungen.iter().map(|z| z.evb.clone()).collect();
    let faults = Arc::new(faults);
    let state = AppState::new(
        auth,
        faults.clone(),
        Inner {
            reservierungen: BTreeMap::new(),
            zulassungen: zulassungen.into_iter().map(|z| (z.id.clone(), z)).collect(),
            used_evbs,
            idempotency: IdempotencyStore::default(),
            raw_bodies: HashMap::new(),
        },
    );
    Router::new()
        .route("/", get(handlers::service_description))
        .route("/reservierungen", post(handlers::post_reservierung))
        .route("/reservierungen/{id}", get(handlers::get_reservierung))
        .route(
            "/testhilfen/reservierungen/{id}/ablaufen",
            post(handlers::post_ablaufen),
        )
        .route("/zulassungen", post(handlers::post_zulassung))
        .route("/zulassungen/{id}", get(handlers::get_zulassung))
        .route(
            "/zulassungen/{id}/umschreibung",
            post(handlers::post_umschreibung),
        )
        .route(
            "/zulassungen/{id}/ausserbetriebsetzung",
            post(handlers::post_ausserbetriebsetzung),
        )
        .fallback(crate::common::problem::not_found)
        .method_not_allowed_fallback(crate::common::problem::method_not_allowed)
        .layer(from_fn(finish))
        .layer(from_fn_with_state(faults, response_faults))
        .with_state(state)
}
