//! HTTP handlers of Elterngeld 1.0. Each runs the checks in the order the
//! contract states: auth (401/403), path (404), body (415/413/400),
//! Idempotency-Key, idempotent replay / key reuse, validation (422).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{ETAG, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::input::{self, Antrag, Ctx};
use super::plan::{self, Monat};
use super::querschnitt::{auth, body, invalid};
use super::rechner::{self, Grundlagen};
use super::{
    AppState, CLASSES, NAME, SCOPE_ANTRAG, SCOPE_BERECHNUNG, SCOPE_LESEN, StoredAntrag, VERSION,
};
use crate::Faults;
use crate::common::dates::{format_date, now_timestamp};
use crate::common::etag::etag_for;
use crate::common::idempotency::{Lookup, StoredResponse, idempotency_key};
use crate::common::problem::{FieldError, Problem};
use crate::common::validate::Errors;

type Answer = Result<Response, Problem>;

pub const IDEMPOTENCY_KEY_REUSED: &str = "IDEMPOTENCY_KEY_REUSED";

fn respond(answer: Answer) -> Response {
    answer.unwrap_or_else(IntoResponse::into_response)
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    StoredResponse::json(status, serde_json::to_vec(value).unwrap_or_default()).to_response(false)
}

pub async fn service_description(State(st): State<AppState>) -> Response {
    let classes: &[&str] = if st.faults.on("service-description-wrong-classes") {
        &[]
    } else {
        CLASSES
    };
    json_response(
        StatusCode::OK,
        &json!({
            "interface": NAME,
            "version": VERSION,
            "classes": classes,
            "title": "Elterngeld 1.0 — konform reference implementation (illustrative)",
        }),
    )
}

/// The calculation result for a list of months (sorted by Lebensmonat).
fn ergebnis(g: &Grundlagen, monate: &[Monat], faults: &Faults) -> Value {
    let mut sorted = monate.to_vec();
    sorted.sort_by_key(|m| m.lebensmonat);
    let mut summe = 0u64;
    let items: Vec<Value> = sorted
        .iter()
        .map(|m| {
            let betrag = rechner::monatsbetrag(g, m.art, m.einkommen, faults);
            if !(faults.on("summe-excludes-bonus-months") && m.art == rechner::Art::Bonus) {
                summe += betrag;
            }
            json!({
                "lebensmonat": m.lebensmonat,
                "art": m.art.as_str(),
                "einkommen": m.einkommen,
                "betrag": betrag,
            })
        })
        .collect();
    json!({
        "ersatzrate": rechner::ersatzrate(g.einkommen_vor_geburt, faults),
        "monate": items,
        "summe": summe,
    })
}

// ---- POST /berechnungen ------------------------------------------------

pub async fn post_berechnung(State(st): State<AppState>, headers: HeaderMap, b: Body) -> Response {
    respond(berechnung(&st, &headers, b).await)
}

async fn berechnung(st: &AppState, headers: &HeaderMap, b: Body) -> Answer {
    auth(st, headers, SCOPE_BERECHNUNG)?;
    let value = body(st, headers, b).await?;
    let mut cx = Ctx {
        faults: &st.faults,
        errs: Errors::default(),
    };
    let parsed = input::berechnung(&value, &mut cx);
    let (Ok(req), true) = (parsed, cx.errs.is_empty()) else {
        return Err(invalid(st, cx.errs));
    };
    Ok(json_response(
        StatusCode::OK,
        &ergebnis(&req.grundlagen, &req.monate, &st.faults),
    ))
}

// ---- POST /bezugsplanungen ---------------------------------------------

pub async fn post_bezugsplanung(
    State(st): State<AppState>,
    headers: HeaderMap,
    b: Body,
) -> Response {
    respond(bezugsplanung(&st, &headers, b).await)
}

async fn bezugsplanung(st: &AppState, headers: &HeaderMap, b: Body) -> Answer {
    auth(st, headers, SCOPE_BERECHNUNG)?;
    let value = body(st, headers, b).await?;
    let mut cx = Ctx {
        faults: &st.faults,
        errs: Errors::default(),
    };
    let parsed = input::bezugsplanung(&value, "", &mut cx);
    let (Ok(p), true) = (parsed, cx.errs.is_empty()) else {
        return Err(invalid(st, cx.errs));
    };
    let mut errs = Errors::default();
    plan::check(&p, "", &st.faults, &mut errs);
    if !errs.is_empty() {
        return Err(invalid(st, errs));
    }
    let (genutzt, verfuegbar) = plan::kontingent(&p, &st.faults);
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "gueltig": true,
            "monatsbetraege": if genutzt % 2 == 0 {
                json!(genutzt / 2)
            } else {
                json!(genutzt as f64 / 2.0)
            },
            "verfuegbar": verfuegbar / 2,
        }),
    ))
}

// ---- POST /antraege ----------------------------------------------------

pub async fn post_antrag(State(st): State<AppState>, headers: HeaderMap, b: Body) -> Response {
    respond(antrag(&st, &headers, b).await)
}

fn representation(id: &str, a: &Antrag, faults: &Faults) -> Value {
    let mut bank = json!({
        "kontoinhaber": a.kontoinhaber,
        "ibanEndziffern": a.iban.get(a.iban.len().saturating_sub(4)..).unwrap_or_default(),
    });
    if faults.on("iban-unmasked") {
        bank["iban"] = json!(a.iban);
    }
    let monate = a.plan.elternteile.first().cloned().unwrap_or_default();
    let elternteile: Vec<Value> = a
        .plan
        .elternteile
        .iter()
        .map(|ms| {
            let items: Vec<Value> = ms
                .iter()
                .map(|m| json!({ "lebensmonat": m.lebensmonat, "art": m.art.as_str(), "einkommen": m.einkommen }))
                .collect();
            json!({ "monate": items })
        })
        .collect();
    json!({
        "id": id,
        "status": "eingegangen",
        "eingangsdatum": format_date(a.eingangsdatum),
        "erfasstAm": now_timestamp(),
        "kind": { "geburtsdatum": format_date(a.geburtsdatum), "anzahlKinder": a.grundlagen.anzahl_kinder },
        "antragsteller": { "familienname": a.familienname, "vornamen": a.vornamen },
        "einkommenVorGeburt": a.grundlagen.einkommen_vor_geburt,
        "zuVersteuerndesEinkommen": a.zu_versteuerndes_einkommen,
        "geschwisterbonus": a.grundlagen.geschwisterbonus,
        "bezugsplanung": {
            "alleinerziehend": a.plan.alleinerziehend,
            "parallelBasisAusnahme": a.plan.parallel_basis_ausnahme,
            "elternteile": elternteile,
        },
        "bankverbindung": bank,
        "berechnung": ergebnis(&a.grundlagen, &monate, faults),
    })
}

fn reused() -> Problem {
    Problem::validation(vec![FieldError {
        pointer: String::new(),
        rule: IDEMPOTENCY_KEY_REUSED,
        detail: "this Idempotency-Key was already used with a different body".to_string(),
    }])
}

async fn antrag(st: &AppState, headers: &HeaderMap, b: Body) -> Answer {
    let early = st.faults.on("validation-before-auth");
    let (who, value) = if early {
        let value = body(st, headers, b).await?;
        let mut cx = Ctx {
            faults: &st.faults,
            errs: Errors::default(),
        };
        if input::antrag(&value, &mut cx).is_err() {
            return Err(invalid(st, cx.errs));
        }
        (auth(st, headers, SCOPE_ANTRAG)?, value)
    } else {
        let who = auth(st, headers, SCOPE_ANTRAG)?;
        (who, body(st, headers, b).await?)
    };
    let key = idempotency_key(headers)?;
    let mut inner = st.lock();
    if let Some(k) = key.as_deref() {
        match inner.idempotency.lookup(&who, "antraege", k, &value) {
            Lookup::Fresh => {}
            Lookup::Replay(stored) if !st.faults.on("idempotent-replay-duplicates") => {
                return Ok(stored.to_response(true));
            }
            Lookup::Replay(_) => {}
            Lookup::Reused if !st.faults.on("idempotency-key-reuse-accepted") => {
                return Err(reused());
            }
            Lookup::Reused => {}
        }
    }
    let mut cx = Ctx {
        faults: &st.faults,
        errs: Errors::default(),
    };
    let parsed = input::antrag(&value, &mut cx);
    let Ok(a) = parsed else {
        return Err(invalid(st, cx.errs));
    };
    let id = format!("eg-{}", uuid::Uuid::new_v4());
    let bytes = serde_json::to_vec(&representation(&id, &a, &st.faults)).unwrap_or_default();
    let etag = etag_for(&bytes);
    let mut stored =
        StoredResponse::json(StatusCode::CREATED, bytes.clone()).with_header(ETAG, &etag);
    if !st.faults.on("antrag-location-missing") {
        stored = stored.with_header(LOCATION, &format!("/antraege/{id}"));
    }
    if let Some(k) = key {
        inner
            .idempotency
            .store(&who, "antraege", &k, value, stored.clone());
    }
    if !st.faults.on("antrag-not-stored") {
        inner
            .antraege
            .insert(id, StoredAntrag { body: bytes, etag });
    }
    Ok(stored.to_response(false))
}

// ---- GET /antraege/{id} ------------------------------------------------

pub async fn get_antrag(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    respond((|| {
        auth(&st, &headers, SCOPE_LESEN)?;
        let inner = st.lock();
        let Some(a) = inner.antraege.get(&id) else {
            if st.faults.on("unknown-antrag-500") {
                return Err(Problem::for_status(StatusCode::INTERNAL_SERVER_ERROR));
            }
            return Err(Problem::not_found(format!(
                "There is no Antrag with id {id:?}."
            )));
        };
        Ok(StoredResponse::json(StatusCode::OK, a.body.clone())
            .with_header(ETAG, &a.etag)
            .to_response(false))
    })())
}
