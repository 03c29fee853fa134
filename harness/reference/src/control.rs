//! The control route of a reference server started with `--control`:
//! `GET /_konform/faults` lists the faults that are on, `PUT` with a JSON
//! array of fault names switches exactly those on. It lies outside every
//! interface's paths and exists so a test can run a suite against one
//! long-running register with a fault and then without it.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::Faults;

/// The path of the control route.
pub const FAULTS_PATH: &str = "/_konform/faults";

pub fn router(faults: Faults) -> Router {
    Router::new()
        .route(FAULTS_PATH, get(list).put(switch))
        .with_state(faults)
}

async fn list(State(faults): State<Faults>) -> Json<Vec<String>> {
    Json(faults.names())
}

async fn switch(State(faults): State<Faults>, Json(names): Json<Vec<String>>) -> Response {
    match faults.switch(&names) {
        Ok(()) => Json(faults.names()).into_response(),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.to_string()).into_response(),
    }
}
