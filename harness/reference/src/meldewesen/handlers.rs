//! HTTP handlers of Meldewesen 1.0. Each runs the checks in the order the
//! contract states: auth (401/403), path (404), If-Match (428/412), body
//! (415/413/400), Idempotency-Key, validation (422), state conflicts (409).

use std::collections::HashMap;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, ETAG, HOST, LOCATION,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auskunft::Answer as AuskunftAnswer;
use super::faults::{Fault, with_member};
use super::model::{
    Abmeldebestaetigung, Meldebescheinigung, Meldebestaetigung, Person, STATUS_ABGEMELDET,
    STATUS_GEMELDET, STATUS_VERSTORBEN, Wohnung, WohnungKurz,
};
use super::validation::{
    self, AUSZUG_VOR_EINZUG, IDEMPOTENCY_KEY_REUSED, PERSON_UNBEKANNT, RUFNAME,
};
use super::{AppState, CLASSES, NAME, SCOPE_AUSKUNFT, SCOPE_LESEN, SCOPE_MELDUNG, VERSION};
use crate::common::auth::{Principal, authorize};
use crate::common::body::{BODY_LIMIT, JSON, MERGE_PATCH_JSON, read_json};
use crate::common::dates::{format_date, now_timestamp, today};
use crate::common::etag::if_match;
use crate::common::idempotency::IDEMPOTENCY_KEY;
use crate::common::idempotency::{Lookup, StoredResponse, idempotency_key};
use crate::common::problem::{FieldError, Problem};
use crate::common::validate::{Errors, norm, rules};

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

fn person_response(st: &AppState, status: StatusCode, p: &Person) -> Response {
    StoredResponse::json(status, p.to_json())
        .with_header(ETAG, &etag(st, p))
        .to_response(false)
}

/// The person's ETag as sent (weak with the fault `weak-etag`).
fn etag(st: &AppState, p: &Person) -> String {
    if st.faults.on(Fault::WeakEtag) {
        format!("W/{}", p.etag())
    } else {
        p.etag()
    }
}

/// A person id that is not in the register, as GET and PATCH answer it.
fn unknown_person(st: &AppState, id: &str) -> Problem {
    if st.faults.on(Fault::UnknownPersonNot404) {
        Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Forbidden",
            "You may not access this person.",
        )
    } else {
        person_not_found(id)
    }
}

/// [`authorize`], with the auth faults.
fn auth(st: &AppState, headers: &HeaderMap, scope: &str) -> Result<Principal, Problem> {
    let token = || {
        headers
            .get(AUTHORIZATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    match authorize(&st.auth, headers, scope) {
        Err(p) if p.status == StatusCode::FORBIDDEN && st.faults.on(Fault::ScopeNotChecked) => {
            Ok(Principal(token().unwrap_or_default()))
        }
        Err(p)
            if p.status == StatusCode::UNAUTHORIZED
                && st.faults.on(Fault::InvalidTokenAccepted)
                && token().is_some() =>
        {
            Ok(Principal(token().unwrap_or_default()))
        }
        other => other,
    }
}

/// [`read_json`], with the body faults.
async fn body_json(
    st: &AppState,
    headers: &HeaderMap,
    body: Body,
    accepted: &[&str],
) -> Result<Value, Problem> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if st.faults.on(Fault::BodyAtLimitRefused) && declared == Some(BODY_LIMIT) {
        let _ = axum::body::to_bytes(body, 4 * BODY_LIMIT).await;
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Request body too large",
            "The request body is too large.",
        ));
    }
    let mut headers = headers.clone();
    if st.faults.on(Fault::ContentTypeIgnored) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    }
    if st.faults.on(Fault::JsonCharsetRejected)
        && headers
            .get(CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().contains(&b';'))
    {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    }
    match read_json(&headers, body, accepted).await {
        Err(p) if p.kind == "malformed-json" && st.faults.on(Fault::MalformedJson422) => {
            Err(Problem::validation(vec![FieldError {
                pointer: String::new(),
                rule: rules::TYPE,
                detail: "the body is not JSON".to_string(),
            }]))
        }
        Ok(v) if !v.is_object() && st.faults.on(Fault::NonObjectBody400) => Err(
            Problem::bad_request("The request body must be a JSON object."),
        ),
        other => other,
    }
}

/// Authentication, then the body (the other way round with the fault
/// `body-checked-before-auth`).
async fn auth_and_body(
    st: &AppState,
    headers: &HeaderMap,
    body: Body,
    scope: &str,
) -> Result<(Principal, Value), Problem> {
    if st.faults.on(Fault::BodyCheckedBeforeAuth) {
        let value = body_json(st, headers, body, &[JSON]).await?;
        return Ok((auth(st, headers, scope)?, value));
    }
    let who = auth(st, headers, scope)?;
    Ok((who, body_json(st, headers, body, &[JSON]).await?))
}

/// A replayed Anmeldung; with the fault `replay-current-etag` it carries the
/// person's current ETag instead of the stored one.
fn replayed_anmeldung(st: &AppState, inner: &super::Inner, mut resp: Response) -> Response {
    if st.faults.on(Fault::ReplayCurrentEtag)
        && let Some(id) = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| l.rsplit('/').next())
        && let Some(p) = inner.persons.get(id)
        && let Ok(v) = HeaderValue::from_str(&etag(st, p))
    {
        resp.headers_mut().insert(ETAG, v);
    }
    resp
}

/// [`idempotency_key`], with the fault `idempotency-key-unchecked`.
fn idem_key(st: &AppState, headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let raw = headers
        .get(IDEMPOTENCY_KEY)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    if st.faults.on(Fault::IdempotencyKeyUnchecked) {
        return Ok(raw);
    }
    let len = raw.as_ref().map_or(0, String::len);
    if st.faults.on(Fault::IdempotencyKeyLengthUnchecked)
        && len > 255
        && raw
            .as_ref()
            .is_some_and(|k| k.bytes().all(|c| (0x21..=0x7e).contains(&c)))
    {
        return Ok(raw);
    }
    if st.faults.on(Fault::IdempotencyKeyLimitOffByOne) && len == 255 {
        return Err(Problem::bad_request(
            "Idempotency-Key must be 1 to 254 visible ASCII characters.",
        ));
    }
    idempotency_key(headers)
}

/// Runs a validation; the faults `unknown-fields-ignored` and
/// `first-error-only` change what becomes of the errors.
fn validate<T>(
    st: &AppState,
    value: &Value,
    check: impl Fn(&Value) -> Result<T, Errors>,
) -> Result<T, Problem> {
    let mut problem = match check(value) {
        Ok(t) => return Ok(t),
        Err(errs) => errs.into_problem(),
    };
    if st.faults.on(Fault::UnknownFieldsIgnored) {
        let mut stripped = value.clone();
        let mut removed = false;
        for e in problem
            .errors
            .iter()
            .filter(|e| e.rule == rules::UNKNOWN_FIELD)
        {
            removed |= remove_pointer(&mut stripped, &e.pointer);
        }
        if removed {
            problem = match check(&stripped) {
                Ok(t) => return Ok(t),
                Err(errs) => errs.into_problem(),
            };
        }
    }
    if st.faults.on(Fault::FirstErrorOnly) {
        problem.errors.truncate(1);
    }
    Err(problem)
}

/// Removes the member a JSON Pointer names; whether there was one.
fn remove_pointer(v: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    v.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .is_some_and(|m| m.remove(&key).is_some())
}

pub async fn service_description(State(st): State<AppState>) -> Response {
    let wrong = st.faults.on(Fault::ServiceDescriptionWrongVersion);
    let body = json!({
        "interface": NAME,
        "version": if wrong { "1.1" } else { VERSION },
        "classes": CLASSES,
        "title": "Meldewesen 1.0 — konform reference implementation (illustrative, fictitious data)",
    });
    StoredResponse::json(StatusCode::OK, json_bytes(&body)).to_response(false)
}

pub async fn not_found(State(st): State<AppState>) -> Response {
    if st.faults.on(Fault::UnknownPath200) {
        return StoredResponse::json(StatusCode::OK, b"{}".to_vec()).to_response(false);
    }
    crate::common::problem::not_found().await.into_response()
}

/// The idempotency decision before a POST is carried out.
fn replay_or_reuse(
    st: &AppState,
    inner: &super::Inner,
    who: &Principal,
    op: &'static str,
    key: Option<&str>,
    body: &Value,
) -> Option<Answer> {
    let key = key?;
    let op = idem_op(st, op);
    let body = &idem_body(st, body);
    match inner.idempotency.lookup(who, op, key, body) {
        Lookup::Fresh => None,
        Lookup::Replay(_) if st.faults.on(Fault::IdempotentReplayDuplicates) => None,
        Lookup::Replay(stored) => Some(Ok(stored.to_response(true))),
        Lookup::Reused if st.faults.on(Fault::IdempotencyKeyReuseAccepted) => None,
        Lookup::Reused => Some(Err(Problem::validation(vec![FieldError {
            pointer: String::new(),
            rule: IDEMPOTENCY_KEY_REUSED,
            detail: "this Idempotency-Key was already used with a different body".to_string(),
        }]))),
    }
}

/// The operation an Idempotency-Key is scoped to (one for all with the fault
/// `idempotency-key-not-scoped-per-operation`).
fn idem_op(st: &AppState, op: &'static str) -> &'static str {
    if st.faults.on(Fault::IdempotencyKeyNotScopedPerOperation) {
        "post"
    } else {
        op
    }
}

/// The body as the store compares it: a JSON value (as text, so member order
/// counts, with the fault `idempotency-compares-raw-bytes`).
fn idem_body(st: &AppState, body: &Value) -> Value {
    if st.faults.on(Fault::IdempotencyComparesRawBytes) {
        Value::String(body.to_string())
    } else {
        body.clone()
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
    let (who, value) = auth_and_body(st, headers, body, SCOPE_MELDUNG).await?;
    let key = idem_key(st, headers)?;
    let mut inner = st.lock();
    if st.faults.on(Fault::IdempotencyAfterValidation) {
        validate(st, &value, |v| validation::anmeldung(v, &st.faults))?;
    }
    if let Some(answer) = replay_or_reuse(st, &inner, &who, "anmeldungen", key.as_deref(), &value) {
        return answer.map(|resp| replayed_anmeldung(st, &inner, resp));
    }
    let a = match validate(st, &value, |v| validation::anmeldung(v, &st.faults)) {
        Ok(a) => a,
        Err(p) => {
            if let Some(key) = &key
                && st.faults.on(Fault::IdempotencyStoresErrors)
            {
                let refused = StoredResponse::json(p.status, p.render("/anmeldungen"));
                let (op, body) = (idem_op(st, "anmeldungen"), idem_body(st, &value));
                inner.idempotency.store(&who, op, key, body, refused);
            }
            return Err(p);
        }
    };
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
        auskunftssperre: st.faults.on(Fault::NewPersonHasSperre),
        wohnungen: vec![Wohnung {
            anschrift: a.wohnung,
            status: a.wohnungsstatus,
            einzugsdatum: a.einzugsdatum,
            anmeldedatum: Some(anmeldedatum.clone()),
        }],
        geaendert_am: now_timestamp(),
        familienname_bei_anmeldung: String::new(),
        aufgegeben: Vec::new(),
    };
    let person = Person {
        familienname_bei_anmeldung: person.familienname.clone(),
        ..person
    };
    let Some(w) = person.wohnungen.first() else {
        return Err(Problem::for_status(StatusCode::INTERNAL_SERVER_ERROR));
    };
    let bestaetigung = Meldebestaetigung {
        person_id: &person.id,
        familienname: &person.familienname,
        vornamen: &person.vornamen,
        rufname: person.rufname.as_deref(),
        doktorgrad: person
            .doktorgrad
            .as_deref()
            .filter(|_| !st.faults.on(Fault::MeldebestaetigungWithoutDoktorgrad)),
        geburtsdatum: &person.geburtsdatum,
        einzugsdatum: &w.einzugsdatum,
        anmeldedatum: &anmeldedatum,
        anschrift: &w.anschrift,
        wohnungsstatus: &w.status,
    };
    let mut bytes = json_bytes(&bestaetigung);
    if st.faults.on(Fault::MeldebestaetigungLeaksGeschlecht) {
        bytes = with_member(
            bytes,
            "geschlecht",
            Value::String(person.geschlecht.clone()),
        );
    }
    let mut stored = StoredResponse::json(StatusCode::CREATED, bytes);
    if !st.faults.on(Fault::AnmeldungWithoutLocation) {
        stored = stored.with_header(LOCATION, &format!("/personen/{}", person.id));
    }
    let stored = stored.with_header(ETAG, &etag(st, &person));
    if let Some(key) = key {
        let (op, body) = (idem_op(st, "anmeldungen"), idem_body(st, &value));
        inner
            .idempotency
            .store(&who, op, &key, body, stored.clone());
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
    let (who, value) = auth_and_body(st, headers, body, SCOPE_MELDUNG).await?;
    let key = idem_key(st, headers)?;
    let mut inner = st.lock();
    if st.faults.on(Fault::IdempotencyAfterValidation) {
        validate(st, &value, |v| validation::abmeldung(v, &st.faults))?;
    }
    if let Some(answer) = replay_or_reuse(st, &inner, &who, "abmeldungen", key.as_deref(), &value) {
        return answer;
    }
    if st.faults.on(Fault::ConflictsBeforeValidation)
        && let Some(p) = value
            .get("personId")
            .and_then(Value::as_str)
            .and_then(|id| inner.persons.get(id))
        && (p.status != STATUS_GEMELDET || p.wohnungen.is_empty())
    {
        return Err(Problem::conflict("The person is not registered."));
    }
    let a = validate(st, &value, |v| validation::abmeldung(v, &st.faults))?;
    let Some(person) = inner.persons.get_mut(&a.person_id) else {
        let mut errs = Errors::default();
        errs.push("/personId", PERSON_UNBEKANNT, "no person with this id");
        return Err(errs.into_problem());
    };
    if !st.faults.on(Fault::AuszugVorEinzugAccepted)
        && person.wohnungen.iter().any(|w| {
            a.auszugsdatum < w.einzugsdatum
                || (st.faults.on(Fault::AuszugAmEinzugstagRefused)
                    && a.auszugsdatum == w.einzugsdatum)
        })
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
    if (person.status == STATUS_ABGEMELDET || person.wohnungen.is_empty())
        && !st.faults.on(Fault::AbmeldungTwiceAccepted)
    {
        return Err(Problem::conflict("The person is already abgemeldet."));
    }
    let aufgegeben = if st.faults.on(Fault::AbmeldungKeepsWohnungen) {
        person.wohnungen.clone()
    } else {
        std::mem::take(&mut person.wohnungen)
    };
    person.aufgegeben = aufgegeben.clone();
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
        let (op, body) = (idem_op(st, "abmeldungen"), idem_body(st, &value));
        inner
            .idempotency
            .store(&who, op, &key, body, stored.clone());
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
        if st.faults.on(Fault::NotFoundBeforeAuth) && !st.lock().persons.contains_key(&id) {
            return Err(unknown_person(&st, &id));
        }
        auth(&st, &headers, SCOPE_LESEN)?;
        let inner = st.lock();
        let p = inner
            .persons
            .get(&id)
            .ok_or_else(|| unknown_person(&st, &id))?;
        Ok(person_response(&st, StatusCode::OK, p))
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
    let p = inner
        .persons
        .get(id)
        .ok_or_else(|| unknown_person(st, id))?;
    match if_match(headers, &p.etag()) {
        None if st.faults.on(Fault::IfMatchOptional) => Ok(()),
        Some(false) if st.faults.on(Fault::StaleEtagAccepted) => Ok(()),
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
    auth(st, headers, SCOPE_MELDUNG)?;
    let k = if st.faults.on(Fault::IfMatchAfterValidation) {
        if !st.lock().persons.contains_key(id) {
            return Err(unknown_person(st, id));
        }
        let value = body_json(st, headers, body, &[MERGE_PATCH_JSON, JSON]).await?;
        let k = validate(st, &value, |v| validation::korrektur(v, &st.faults))?;
        preconditions(st, id, headers)?;
        k
    } else {
        preconditions(st, id, headers)?;
        let value = body_json(st, headers, body, &[MERGE_PATCH_JSON, JSON]).await?;
        // The person may have changed while the body was read: check again.
        preconditions(st, id, headers)?;
        validate(st, &value, |v| validation::korrektur(v, &st.faults))?
    };
    let mut inner = st.lock();
    let p = inner
        .persons
        .get_mut(id)
        .ok_or_else(|| unknown_person(st, id))?;
    let before = p.clone();
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
    if st.faults.on(Fault::PatchResponseStale) {
        return Ok(person_response(st, StatusCode::OK, &before));
    }
    Ok(person_response(st, StatusCode::OK, p))
}

// ---- GET /personen/{id}/meldebescheinigung -----------------------------

pub async fn get_meldebescheinigung(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    respond((|| {
        auth(&st, &headers, SCOPE_LESEN)?;
        let inner = st.lock();
        let p = inner.persons.get(&id).ok_or_else(|| {
            if st.faults.on(Fault::BescheinigungUnknownNot404) {
                Problem::conflict("The person is not registered.")
            } else {
                person_not_found(&id)
            }
        })?;
        if (p.status != STATUS_GEMELDET || p.wohnungen.is_empty())
            && !st.faults.on(Fault::BescheinigungForUnregistered)
        {
            return Err(Problem::conflict(
                "A Meldebescheinigung is only issued for a person who is currently registered.",
            ));
        }
        let mut b = Meldebescheinigung::of(p);
        if st.faults.on(Fault::BescheinigungWithoutDoktorgrad) {
            b.doktorgrad = None;
        }
        if st.faults.on(Fault::BescheinigungOnlyFirstWohnung) {
            b.wohnungen.truncate(1);
        }
        let mut bytes = json_bytes(&b);
        if st.faults.on(Fault::BescheinigungLeaksGeschlecht) {
            bytes = with_member(bytes, "geschlecht", Value::String(p.geschlecht.clone()));
        }
        Ok(StoredResponse::json(StatusCode::OK, bytes).to_response(false))
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
        auth(&st, &headers, SCOPE_LESEN)?;
        let max = if st.faults.on(Fault::Limit100Refused) {
            MAX_LIMIT - 1
        } else {
            MAX_LIMIT
        };
        let limit = match query.get("limit") {
            None => DEFAULT_LIMIT,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) && s.bytes().all(|c| c.is_ascii_digit()) => n,
                _ if st.faults.on(Fault::BadLimitClamped) => DEFAULT_LIMIT,
                _ => {
                    return Err(Problem::bad_request(format!(
                        "limit must be an integer from 1 to {MAX_LIMIT}."
                    )));
                }
            },
        };
        let cursor = query.get("cursor").map(String::as_str);
        let decoded = cursor.map(|c| {
            hex::decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .filter(|id| !id.is_empty())
        });
        let after = match decoded {
            None | Some(None) if st.faults.on(Fault::BadCursorFirstPage) => None,
            None => None,
            Some(Some(id)) => Some(id),
            Some(None) => {
                return Err(Problem::bad_request(
                    "cursor is not a cursor this service issued.",
                ));
            }
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
            let resume = if st.faults.on(Fault::PaginationRepeatsItems) {
                items.first().unwrap_or(last).id.clone()
            } else if st.faults.on(Fault::PaginationSkipsItem) {
                // Resumes after the first item of the next page, which is lost.
                inner
                    .persons
                    .keys()
                    .find(|id| id.as_str() > last.id.as_str())
                    .cloned()
                    .unwrap_or_else(|| last.id.clone())
            } else {
                last.id.clone()
            };
            let next = hex::encode(resume.as_bytes());
            let url = if st.faults.on(Fault::NextDropsLimit) {
                let base = host.map(|h| format!("http://{h}")).unwrap_or_default();
                format!("{base}/personen?cursor={next}")
            } else {
                page_url(host, limit, Some(&next))
            };
            links.insert("next".into(), Value::String(url));
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
    let (_, value) = auth_and_body(st, headers, body, SCOPE_AUSKUNFT).await?;
    let anfrage = validate(st, &value, |v| validation::auskunft_anfrage(v, &st.faults))?;
    let answer = {
        let mut inner = st.lock();
        // With the fault `auskunft-cached` an answer is kept per search data.
        let cache_key = value.get("suchdaten").map(Value::to_string);
        let cached = cache_key
            .as_ref()
            .filter(|_| st.faults.on(Fault::AuskunftCached))
            .and_then(|k| inner.auskunft_cache.get(k).cloned());
        match cached {
            Some(bytes) => AuskunftAnswer::Body(bytes),
            None => {
                let a = super::auskunft::answer(&inner.persons, &anfrage.suchdaten, &st.faults);
                if let (AuskunftAnswer::Body(bytes), Some(k)) = (&a, cache_key)
                    && st.faults.on(Fault::AuskunftCached)
                {
                    inner.auskunft_cache.insert(k, bytes.clone());
                }
                a
            }
        }
    };
    let bytes = match answer {
        AuskunftAnswer::Body(bytes) => bytes,
        AuskunftAnswer::NoMatch => {
            return Err(Problem::not_found("No person matches the search data."));
        }
    };
    let mut resp = StoredResponse::json(StatusCode::OK, bytes).to_response(false);
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}
