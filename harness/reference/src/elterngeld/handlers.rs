//! HTTP handlers of Elterngeld 1.0. Each runs the checks in the order the
//! contract states: auth (401/403), path (404), body (415/413/400),
//! Idempotency-Key, idempotent replay / key reuse, validation (422).

use super::faults::Fault;
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
use crate::common::auth::Principal;
use crate::common::dates::{format_date, now_timestamp};
use crate::common::etag::etag_for;
use crate::common::idempotency::{IDEMPOTENCY_KEY, Lookup, StoredResponse, idempotency_key};
use crate::common::pipeline::PROBLEM_JSON;
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
    let classes: &[&str] = if st.faults.on(Fault::ServiceDescriptionWrongClasses) {
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
            if !(faults.on(Fault::SummeExcludesBonusMonths) && m.art == rechner::Art::Bonus) {
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
    let who = auth(st, headers, SCOPE_BERECHNUNG)?;
    let value = body(st, headers, b).await?;
    let mut cx = Ctx {
        faults: &st.faults,
        errs: Errors::default(),
    };
    let parsed = input::berechnung(&value, &mut cx);
    let (Ok(req), true) = (parsed, cx.errs.is_empty()) else {
        return Err(invalid(st, cx.errs));
    };
    if st.faults.on(Fault::BerechnungAppliesPlanRules) {
        // Basiselterngeld after the 14th Lebensmonat refused as in a plan.
        let mut errs = Errors::default();
        for (j, m) in req.monate.iter().enumerate() {
            if m.art == rechner::Art::Basis && m.lebensmonat > 14 {
                errs.push(
                    &format!("/monate/{j}"),
                    plan::BASIS_NACH_LEBENSMONAT_14,
                    "Basiselterngeld only up to the 14th Lebensmonat",
                );
            }
        }
        if !errs.is_empty() {
            return Err(invalid(st, errs));
        }
    }
    let answer = json_response(
        StatusCode::OK,
        &ergebnis(&req.grundlagen, &req.monate, &st.faults),
    );
    global_idempotency(st, headers, &who, &value, answer).await
}

/// Under `idempotency-key-not-scoped-per-operation`, every POST stores its answer under the
/// key alone (not per operation), as a generic middleware would.
async fn global_idempotency(
    st: &AppState,
    headers: &HeaderMap,
    who: &Principal,
    value: &Value,
    answer: Response,
) -> Answer {
    if !st.faults.on(Fault::IdempotencyKeyNotScopedPerOperation) {
        return Ok(answer);
    }
    let Some(k) = idempotency_key(headers)? else {
        return Ok(answer);
    };
    let status = answer.status();
    let bytes = axum::body::to_bytes(answer.into_body(), usize::MAX)
        .await
        .unwrap_or_default()
        .to_vec();
    let stored = StoredResponse::json(status, bytes);
    let mut inner = st.lock();
    match inner.idempotency.lookup(who, "post", &k, value) {
        Lookup::Replay(stored) => return Ok(stored.to_response(true)),
        Lookup::Reused => return Err(reused()),
        Lookup::Fresh => {}
    }
    inner
        .idempotency
        .store(who, "post", &k, value.clone(), stored.clone());
    Ok(stored.to_response(false))
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
    let who = auth(st, headers, SCOPE_BERECHNUNG)?;
    let value = body(st, headers, b).await?;
    let mut cx = Ctx {
        faults: &st.faults,
        errs: Errors::default(),
    };
    let parsed = input::bezugsplanung(&value, "", &mut cx);
    if let (Ok(p), false) = (&parsed, cx.errs.is_empty())
        && st.faults.on(Fault::PlanRulesDespiteFieldErrors)
    {
        plan::check(p, "", &st.faults, &mut cx.errs);
    }
    let (Ok(p), true) = (parsed, cx.errs.is_empty()) else {
        return Err(invalid(st, cx.errs));
    };
    let mut errs = Errors::default();
    plan::check(&p, "", &st.faults, &mut errs);
    if !errs.is_empty() {
        return Err(invalid(st, errs));
    }
    let (genutzt, verfuegbar) = plan::kontingent(&p, &st.faults);
    let answer = json_response(
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
    );
    global_idempotency(st, headers, &who, &value, answer).await
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
    if faults.on(Fault::IbanUnmasked) {
        bank["iban"] = json!(a.iban);
    }
    let monate: Vec<Monat> = if faults.on(Fault::AntragBerechnungAllParents) {
        a.plan.elternteile.iter().flatten().copied().collect()
    } else {
        a.plan.elternteile.first().cloned().unwrap_or_default()
    };
    let mut grundlagen = a.grundlagen;
    if faults.on(Fault::AntragBerechnungIgnoresKind) {
        grundlagen.anzahl_kinder = 1;
    }
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
        "berechnung": ergebnis(&grundlagen, &monate, faults),
    })
}

fn reused() -> Problem {
    Problem::validation(vec![FieldError {
        pointer: String::new(),
        rule: IDEMPOTENCY_KEY_REUSED,
        detail: "this Idempotency-Key was already used with a different body".to_string(),
    }])
}

/// The Idempotency-Key (under `idempotency-key-length-unchecked`, visible
/// ASCII keys of any length pass).
fn key_of(st: &AppState, headers: &HeaderMap) -> Result<Option<String>, Problem> {
    if st.faults.on(Fault::IdempotencyKeyLengthUnchecked)
        && let Some(v) = headers.get(IDEMPOTENCY_KEY)
        && !v.is_empty()
        && v.as_bytes().iter().all(|c| (0x21..=0x7e).contains(c))
    {
        return Ok(v.to_str().ok().map(str::to_string));
    }
    idempotency_key(headers)
}

async fn antrag(st: &AppState, headers: &HeaderMap, b: Body) -> Answer {
    // Under `idempotency-compares-raw-bytes` the raw bytes stand for the body in
    // the idempotency store (so other whitespace or member order is "another body").
    let (b, raw) = if st.faults.on(Fault::IdempotencyComparesRawBytes) {
        let bytes = axum::body::to_bytes(b, 32 << 20).await.unwrap_or_default();
        let raw = Value::String(String::from_utf8_lossy(&bytes).into_owned());
        (Body::from(bytes), Some(raw))
    } else {
        (b, None)
    };
    // Under `validation-before-auth` a token without the scope is refused
    // only after the body has been validated.
    let (who, value) = match auth(st, headers, SCOPE_ANTRAG) {
        Err(p)
            if p.status == StatusCode::FORBIDDEN && st.faults.on(Fault::ValidationBeforeAuth) =>
        {
            let value = body(st, headers, b).await?;
            let mut cx = Ctx {
                faults: &st.faults,
                errs: Errors::default(),
            };
            if input::antrag(&value, &mut cx).is_err() {
                return Err(invalid(st, cx.errs));
            }
            return Err(p);
        }
        Err(p) => return Err(p),
        Ok(who) => (who, body(st, headers, b).await?),
    };
    if st.faults.on(Fault::IdempotencyAfterValidation) {
        let mut cx = Ctx {
            faults: &st.faults,
            errs: Errors::default(),
        };
        if input::antrag(&value, &mut cx).is_err() {
            return Err(invalid(st, cx.errs));
        }
    }
    let key = key_of(st, headers)?;
    let op = if st.faults.on(Fault::IdempotencyKeyNotScopedPerOperation) {
        "post"
    } else {
        "antraege"
    };
    let compared = raw.unwrap_or_else(|| value.clone());
    let mut inner = st.lock();
    if let Some(k) = key.as_deref() {
        match inner.idempotency.lookup(&who, op, k, &compared) {
            Lookup::Fresh => {}
            Lookup::Replay(stored) if !st.faults.on(Fault::IdempotentReplayDuplicates) => {
                let mut resp = stored.to_response(true);
                if st.faults.on(Fault::IdempotentReplayWithoutEtag) {
                    resp.headers_mut().remove(ETAG);
                }
                return Ok(resp);
            }
            Lookup::Replay(_) => {}
            Lookup::Reused if !st.faults.on(Fault::IdempotencyKeyReuseAccepted) => {
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
        let problem = invalid(st, cx.errs);
        if let Some(k) = key.as_deref()
            && st.faults.on(Fault::IdempotencyStoresErrors)
        {
            let stored = StoredResponse {
                status: problem.status,
                headers: vec![(
                    axum::http::header::CONTENT_TYPE,
                    axum::http::HeaderValue::from_static(PROBLEM_JSON),
                )],
                body: problem.render("/antraege"),
            };
            inner.idempotency.store(&who, op, k, compared, stored);
        }
        return Err(problem);
    };
    let id = format!("eg-{}", uuid::Uuid::new_v4());
    let bytes = serde_json::to_vec(&representation(&id, &a, &st.faults)).unwrap_or_default();
    let etag = etag_for(&bytes);
    let mut stored =
        StoredResponse::json(StatusCode::CREATED, bytes.clone()).with_header(ETAG, &etag);
    if !st.faults.on(Fault::AntragLocationMissing) {
        stored = stored.with_header(LOCATION, &format!("/antraege/{id}"));
    }
    if let Some(k) = key {
        inner
            .idempotency
            .store(&who, op, &k, compared, stored.clone());
    }
    if !st.faults.on(Fault::AntragNotStored) {
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
            if st.faults.on(Fault::UnknownAntrag500) {
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
