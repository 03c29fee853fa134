//! HTTP handlers of Meldewesen 1.0. Each runs the checks in the order the
//! contract states: auth (401/403), path (404), If-Match (428/412), body
//! (415/413/400), Idempotency-Key, validation (422), state conflicts (409).

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, ETAG, HOST, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::model::{
    Abmeldebestaetigung, Meldebescheinigung, Meldebestaetigung, Person, STATUS_ABGEMELDET,
    STATUS_GEMELDET, STATUS_VERSTORBEN, Wohnung, WohnungKurz,
};
use super::validation::{
    self, AUSZUG_VOR_EINZUG, IDEMPOTENCY_KEY_REUSED, PERSON_UNBEKANNT, RUFNAME,
};
use super::{AppState, CLASSES, NAME, SCOPE_AUSKUNFT, SCOPE_LESEN, SCOPE_MELDUNG, VERSION};
use crate::common::auth::{Principal, authorize};
use crate::common::body::{JSON, MERGE_PATCH_JSON, read_json};
use crate::common::dates::{format_date, now_timestamp, today};
use crate::common::etag::if_match;
use crate::common::idempotency::{Lookup, StoredResponse, idempotency_key};
use crate::common::problem::{FieldError, Problem};
use crate::common::validate::{Errors, norm};

type Answer = Result<Response, Problem>;

fn respond(answer: Answer) -> Response {
    answer.unwrap_or_else(IntoResponse::into_response)
}

fn json_bytes<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

fn person_not_found(id: &str) -> Problem {
    Problem::not_found(format!("There is no person with id {id:?}."))
}

fn person_response(status: StatusCode, p: &Person) -> Response {
    StoredResponse::json(status, p.to_json())
        .with_header(ETAG, &p.etag())
        .to_response(false)
}

pub async fn service_description() -> Response {
    let body = json!({
        "interface": NAME,
        "version": VERSION,
        "classes": CLASSES,
        "title": "Meldewesen 1.0 — konform reference implementation (illustrative, fictitious data)",
    });
    StoredResponse::json(StatusCode::OK, json_bytes(&body)).to_response(false)
}

pub async fn not_found() -> Problem {
    Problem::not_found("There is no resource at this path.")
}

pub async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        "This resource does not support the request method.",
    )
}

/// The idempotency decision before a POST is carried out.
fn replay_or_reuse(
    inner: &super::Inner,
    who: &Principal,
    op: &'static str,
    key: Option<&str>,
    body: &Value,
) -> Option<Answer> {
    let key = key?;
    match inner.idempotency.lookup(who, op, key, body) {
        Lookup::Fresh => None,
        Lookup::Replay(stored) => Some(Ok(stored.to_response(true))),
        Lookup::Reused => Some(Err(Problem::validation(vec![FieldError {
            pointer: String::new(),
            rule: IDEMPOTENCY_KEY_REUSED,
            detail: "this Idempotency-Key was already used with a different body".to_string(),
        }]))),
    }
}

// ---- POST /anmeldungen -------------------------------------------------

pub async fn post_anmeldung(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    respond(anmeldung(&st, &headers, body).await)
}

async fn anmeldung(st: &AppState, headers: &HeaderMap, body: Body) -> Answer {
    let who = authorize(&st.auth, headers, SCOPE_MELDUNG)?;
    let value = read_json(headers, body, &[JSON]).await?;
    let key = idempotency_key(headers)?;
    let mut inner = st.lock();
    if let Some(answer) = replay_or_reuse(&inner, &who, "anmeldungen", key.as_deref(), &value) {
        return answer;
    }
    let a = validation::anmeldung(&value).map_err(Errors::into_problem)?;
    let anmeldedatum = format_date(today());
    let person = Person {
        id: format!("mw-{}", uuid::Uuid::new_v4()),
        familienname: a.person.familienname,
        geburtsname: a.person.geburtsname,
        vornamen: a.person.vornamen,
        rufname: a.person.rufname,
        doktorgrad: a.person.doktorgrad,
        geburtsdatum: a.person.geburtsdatum,
        geschlecht: a.person.geschlecht,
        status: STATUS_GEMELDET.to_string(),
        sterbedatum: None,
        auszugsdatum: None,
        auskunftssperre: false,
        wohnungen: vec![Wohnung {
            anschrift: a.wohnung,
            status: a.wohnungsstatus,
            einzugsdatum: a.einzugsdatum,
            anmeldedatum: Some(anmeldedatum.clone()),
        }],
        geaendert_am: now_timestamp(),
    };
    let Some(w) = person.wohnungen.first() else {
        return Err(Problem::for_status(StatusCode::INTERNAL_SERVER_ERROR));
    };
    let bestaetigung = Meldebestaetigung {
        person_id: &person.id,
        familienname: &person.familienname,
        vornamen: &person.vornamen,
        rufname: person.rufname.as_deref(),
        doktorgrad: person.doktorgrad.as_deref(),
        geburtsdatum: &person.geburtsdatum,
        einzugsdatum: &w.einzugsdatum,
        anmeldedatum: &anmeldedatum,
        anschrift: &w.anschrift,
        wohnungsstatus: &w.status,
    };
    let stored = StoredResponse::json(StatusCode::CREATED, json_bytes(&bestaetigung))
        .with_header(LOCATION, &format!("/personen/{}", person.id))
        .with_header(ETAG, &person.etag());
    if let Some(key) = key {
        inner
            .idempotency
            .store(&who, "anmeldungen", &key, value, stored.clone());
    }
    inner.persons.insert(person.id.clone(), person);
    Ok(stored.to_response(false))
}

// ---- POST /abmeldungen -------------------------------------------------

pub async fn post_abmeldung(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    respond(abmeldung(&st, &headers, body).await)
}

async fn abmeldung(st: &AppState, headers: &HeaderMap, body: Body) -> Answer {
    let who = authorize(&st.auth, headers, SCOPE_MELDUNG)?;
    let value = read_json(headers, body, &[JSON]).await?;
    let key = idempotency_key(headers)?;
    let mut inner = st.lock();
    if let Some(answer) = replay_or_reuse(&inner, &who, "abmeldungen", key.as_deref(), &value) {
        return answer;
    }
    let a = validation::abmeldung(&value).map_err(Errors::into_problem)?;
    let Some(person) = inner.persons.get_mut(&a.person_id) else {
        let mut errs = Errors::default();
        errs.push("/personId", PERSON_UNBEKANNT, "no person with this id");
        return Err(errs.into_problem());
    };
    if person
        .wohnungen
        .iter()
        .any(|w| a.auszugsdatum < w.einzugsdatum)
    {
        let mut errs = Errors::default();
        errs.push(
            "/auszugsdatum",
            AUSZUG_VOR_EINZUG,
            "the Auszugsdatum lies before an Einzugsdatum",
        );
        return Err(errs.into_problem());
    }
    if person.status == STATUS_VERSTORBEN {
        return Err(Problem::conflict(
            "The person is deceased; there is nothing to abmelden.",
        ));
    }
    if person.status == STATUS_ABGEMELDET || person.wohnungen.is_empty() {
        return Err(Problem::conflict("The person is already abgemeldet."));
    }
    let aufgegeben = std::mem::take(&mut person.wohnungen);
    person.status = STATUS_ABGEMELDET.to_string();
    person.auszugsdatum = Some(a.auszugsdatum.clone());
    person.geaendert_am = now_timestamp();
    let abmeldedatum = format_date(today());
    let bestaetigung = Abmeldebestaetigung {
        person_id: &person.id,
        familienname: &person.familienname,
        vornamen: &person.vornamen,
        rufname: person.rufname.as_deref(),
        doktorgrad: person.doktorgrad.as_deref(),
        geburtsdatum: &person.geburtsdatum,
        auszugsdatum: &a.auszugsdatum,
        abmeldedatum: &abmeldedatum,
        wohnungen: aufgegeben.iter().map(WohnungKurz::of).collect(),
    };
    let stored = StoredResponse::json(StatusCode::OK, json_bytes(&bestaetigung));
    if let Some(key) = key {
        inner
            .idempotency
            .store(&who, "abmeldungen", &key, value, stored.clone());
    }
    Ok(stored.to_response(false))
}

// ---- GET /personen/{id} ------------------------------------------------

pub async fn get_person(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    respond((|| {
        authorize(&st.auth, &headers, SCOPE_LESEN)?;
        let inner = st.lock();
        let p = inner
            .persons
            .get(&id)
            .ok_or_else(|| person_not_found(&id))?;
        Ok(person_response(StatusCode::OK, p))
    })())
}

// ---- PATCH /personen/{id} ----------------------------------------------

pub async fn patch_person(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    respond(patch(&st, &id, &headers, body).await)
}

/// 404, 428 and 412 in this order, for the person as it is now.
fn preconditions(st: &AppState, id: &str, headers: &HeaderMap) -> Result<(), Problem> {
    let inner = st.lock();
    let p = inner.persons.get(id).ok_or_else(|| person_not_found(id))?;
    match if_match(headers, &p.etag()) {
        None => Err(Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition-required",
            "Precondition required",
            "A correction needs If-Match with the person's current ETag.",
        )),
        Some(false) => Err(Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
            "Precondition failed",
            "If-Match does not name the person's current ETag; read the person again.",
        )),
        Some(true) => Ok(()),
    }
}

async fn patch(st: &AppState, id: &str, headers: &HeaderMap, body: Body) -> Answer {
    authorize(&st.auth, headers, SCOPE_MELDUNG)?;
    preconditions(st, id, headers)?;
    let value = read_json(headers, body, &[MERGE_PATCH_JSON, JSON]).await?;
    // The person may have changed while the body was read: check again.
    preconditions(st, id, headers)?;
    let k = validation::korrektur(&value).map_err(Errors::into_problem)?;
    let mut inner = st.lock();
    let p = inner
        .persons
        .get_mut(id)
        .ok_or_else(|| person_not_found(id))?;
    let mut next = p.clone();
    let rufname_patched = k.rufname.is_some();
    if let Some(v) = k.familienname {
        next.familienname = v;
    }
    if let Some(v) = k.geburtsname {
        next.geburtsname = v;
    }
    if let Some(v) = k.vornamen {
        next.vornamen = v;
    }
    if let Some(v) = k.rufname {
        next.rufname = v;
    }
    if let Some(v) = k.doktorgrad {
        next.doktorgrad = v;
    }
    if let Some(v) = k.geburtsdatum {
        next.geburtsdatum = v;
    }
    if let Some(v) = k.geschlecht {
        next.geschlecht = v;
    }
    if let Some(r) = &next.rufname
        && !next.vornamen.iter().any(|v| norm(v) == norm(r))
    {
        let mut errs = Errors::default();
        let at = if rufname_patched {
            "/rufname"
        } else {
            "/vornamen"
        };
        errs.push(at, RUFNAME, "the Rufname must be one of the Vornamen");
        return Err(errs.into_problem());
    }
    if next != *p {
        next.geaendert_am = now_timestamp();
        *p = next;
    }
    Ok(person_response(StatusCode::OK, p))
}

// ---- GET /personen/{id}/meldebescheinigung -----------------------------

pub async fn get_meldebescheinigung(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    respond((|| {
        authorize(&st.auth, &headers, SCOPE_LESEN)?;
        let inner = st.lock();
        let p = inner
            .persons
            .get(&id)
            .ok_or_else(|| person_not_found(&id))?;
        if p.status != STATUS_GEMELDET || p.wohnungen.is_empty() {
            return Err(Problem::conflict(
                "A Meldebescheinigung is only issued for a person who is currently registered.",
            ));
        }
        Ok(
            StoredResponse::json(StatusCode::OK, json_bytes(&Meldebescheinigung::of(p)))
                .to_response(false),
        )
    })())
}

// ---- GET /personen -----------------------------------------------------

const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;

fn page_url(host: Option<&str>, limit: usize, cursor: Option<&str>) -> String {
    let base = host.map(|h| format!("http://{h}")).unwrap_or_default();
    match cursor {
        Some(c) => format!("{base}/personen?limit={limit}&cursor={c}"),
        None => format!("{base}/personen?limit={limit}"),
    }
}

pub async fn list_personen(
    State(st): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    respond((|| {
        authorize(&st.auth, &headers, SCOPE_LESEN)?;
        let limit = match query.get("limit") {
            None => DEFAULT_LIMIT,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                _ => {
                    return Err(Problem::bad_request(format!(
                        "limit must be an integer from 1 to {MAX_LIMIT}."
                    )));
                }
            },
        };
        let cursor = query.get("cursor").map(String::as_str);
        let after = match cursor {
            None => None,
            Some(c) => Some(
                hex::decode(c)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| {
                        Problem::bad_request("cursor is not a cursor this service issued.")
                    })?,
            ),
        };
        let host = headers.get(HOST).and_then(|h| h.to_str().ok());
        let inner = st.lock();
        let mut rest = inner
            .persons
            .values()
            .filter(|p| after.as_deref().is_none_or(|a| p.id.as_str() > a));
        let items: Vec<&Person> = rest.by_ref().take(limit).collect();
        let mut links = serde_json::Map::new();
        links.insert("self".into(), Value::String(page_url(host, limit, cursor)));
        if let (Some(last), Some(_)) = (items.last(), rest.next()) {
            let next = hex::encode(last.id.as_bytes());
            links.insert(
                "next".into(),
                Value::String(page_url(host, limit, Some(&next))),
            );
        }
        let body = json!({ "items": items, "links": links });
        Ok(StoredResponse::json(StatusCode::OK, json_bytes(&body)).to_response(false))
    })())
}

// ---- POST /auskuenfte --------------------------------------------------

pub async fn post_auskunft(State(st): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    respond(auskunft(&st, &headers, body).await)
}

async fn auskunft(st: &AppState, headers: &HeaderMap, body: Body) -> Answer {
    authorize(&st.auth, headers, SCOPE_AUSKUNFT)?;
    let value = read_json(headers, body, &[JSON]).await?;
    let anfrage = validation::auskunft_anfrage(&value).map_err(Errors::into_problem)?;
    let bytes = {
        let inner = st.lock();
        super::auskunft::answer(&inner.persons, &anfrage.suchdaten)
    };
    let mut resp = StoredResponse::json(StatusCode::OK, bytes).to_response(false);
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}
