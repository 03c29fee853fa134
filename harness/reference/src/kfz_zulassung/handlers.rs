//! HTTP handlers of Kfz-Zulassung 1.0. Each runs the checks in the order the
//! contract states: auth (401/403), path (404), If-Match (428/412), body
//! (415/413/400), Idempotency-Key, validation (422), state (409 and the
//! PIN check, which needs the register).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, ETAG, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::fault_names as f;
use super::model::{
    Kennzeichen, Reservierung, STATUS_AUSSER_BETRIEB, STATUS_ZUGELASSEN, Zulassung,
};
use super::seed::UNTERSCHEIDUNGSZEICHEN;
use super::validation::{self, IDEMPOTENCY_KEY_REUSED, RESERVIERUNG_PIN};
use super::{
    AppState, CLASSES, Inner, NAME, SCOPE_LESEN, SCOPE_RESERVIERUNG, SCOPE_TESTHILFEN,
    SCOPE_ZULASSUNG, VERSION,
};
use crate::common::auth::{Principal, authorize};
use crate::common::body::{JSON, read_json};
use crate::common::dates::{format_date, now_timestamp, today};
use crate::common::etag::if_match;
use crate::common::idempotency::{Lookup, StoredResponse, idempotency_key};
use crate::common::problem::{FieldError, Problem};
use crate::common::validate::rules;

type Answer = Result<Response, Problem>;

/// How long a reservation is valid unless the test hook ends it: 90 days.
const RESERVIERUNG_GUELTIG_TAGE: i64 = 90;

fn respond(answer: Answer) -> Response {
    answer.unwrap_or_else(IntoResponse::into_response)
}

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

/// 32 random bits (from a v4 UUID, so no extra dependency).
fn random() -> u128 {
    uuid::Uuid::new_v4().as_u128()
}

fn auth(st: &AppState, headers: &HeaderMap, scope: &str) -> Result<Principal, Problem> {
    if st.faults.on(f::MISSING_TOKEN_ACCEPTED) && headers.get(AUTHORIZATION).is_none() {
        return Ok(Principal("anonymous".into()));
    }
    match authorize(&st.auth, headers, scope) {
        Err(p) if p.status == StatusCode::FORBIDDEN && st.faults.on(f::SCOPE_NOT_CHECKED) => {
            let token = headers
                .get(AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            Ok(Principal(token.to_string()))
        }
        other => other,
    }
}

async fn json_body(st: &AppState, headers: &HeaderMap, body: Body) -> Result<Value, Problem> {
    let mut h = headers.clone();
    if st.faults.on(f::CONTENT_TYPE_IGNORED) {
        h.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    }
    match read_json(&h, body, &[JSON]).await {
        Err(p)
            if p.status == StatusCode::PAYLOAD_TOO_LARGE && st.faults.on(f::BODY_LIMIT_IGNORED) =>
        {
            Err(Problem::bad_request("The request body is not valid JSON."))
        }
        Err(p) if p.kind == "malformed-json" && st.faults.on(f::MALFORMED_JSON_422) => {
            Err(Problem::validation(vec![FieldError {
                pointer: String::new(),
                rule: rules::TYPE,
                detail: "not JSON".into(),
            }]))
        }
        other => other,
    }
}

fn zulassung_response(st: &AppState, status: StatusCode, z: &Zulassung) -> StoredResponse {
    StoredResponse::json(status, z.bytes()).with_header(ETAG, &z.etag(st.faults.on(f::ETAG_WEAK)))
}

/// The idempotency decision before a POST is carried out.
fn replay_or_reuse(
    st: &AppState,
    inner: &Inner,
    who: &Principal,
    op: &'static str,
    key: Option<&str>,
    body: &Value,
) -> Option<Answer> {
    let key = key?;
    if st.faults.on(f::IDEMPOTENCY_IGNORED) {
        return None;
    }
    match inner.idempotency.lookup(who, op, key, body) {
        Lookup::Fresh => None,
        Lookup::Replay(stored) => Some(Ok(stored.to_response(true))),
        Lookup::Reused if st.faults.on(f::IDEMPOTENCY_KEY_REUSE_ACCEPTED) => None,
        Lookup::Reused => Some(Err(Problem::validation(vec![FieldError {
            pointer: String::new(),
            rule: IDEMPOTENCY_KEY_REUSED,
            detail: "this Idempotency-Key was already used with a different body".to_string(),
        }]))),
    }
}

fn remember(
    st: &AppState,
    inner: &mut Inner,
    who: &Principal,
    op: &'static str,
    key: Option<String>,
    body: Value,
    stored: &StoredResponse,
) {
    if let Some(key) = key
        && !st.faults.on(f::IDEMPOTENCY_IGNORED)
    {
        inner.idempotency.store(who, op, &key, body, stored.clone());
    }
}

pub async fn service_description(State(st): State<AppState>) -> Response {
    let version = if st.faults.on(f::SERVICE_DESCRIPTION_WRONG_VERSION) {
        "1.1"
    } else {
        VERSION
    };
    let body = json!({
        "interface": NAME,
        "version": version,
        "classes": CLASSES,
        "title": "Kfz-Zulassung 1.0 — konform reference implementation (illustrative, fictitious data)",
        "unterscheidungszeichen": UNTERSCHEIDUNGSZEICHEN,
    });
    StoredResponse::json(StatusCode::OK, json_bytes(&body)).to_response(false)
}

// ---- plates ------------------------------------------------------------

impl Inner {
    /// The vehicle in operation that carries the plate (any vehicle under `any_status`).
    fn assigned(&self, key: &str, any_status: bool) -> Option<&Zulassung> {
        self.zulassungen
            .values()
            .find(|z| z.kennzeichen.key() == key && (any_status || z.in_operation()))
    }

    /// The reservation of the plate that `usable` accepts, newest first.
    fn reservation_mut(
        &mut self,
        key: &str,
        usable: impl Fn(&Reservierung) -> bool,
    ) -> Option<&mut Reservierung> {
        self.reservierungen
            .values_mut()
            .filter(|r| r.kennzeichen.key() == key && usable(r))
            .max_by_key(|r| r.gueltig_bis)
    }

    fn plate_taken(&self, key: &str, t: OffsetDateTime, blocked_after_abs: bool) -> bool {
        self.assigned(key, blocked_after_abs).is_some()
            || self
                .reservierungen
                .values()
                .any(|r| r.kennzeichen.key() == key && r.is_active(t))
    }

    /// A free plate with Unterscheidungszeichen `uz`, picked at random
    /// within the length limit (2 letters, 1–3 digits).
    fn free_plate(&self, uz: &str, t: OffsetDateTime) -> Option<Kennzeichen> {
        for _ in 0..500 {
            let r = random();
            let a = char::from(b'A' + (r % 26) as u8);
            let b = char::from(b'A' + ((r >> 8) % 26) as u8);
            let n = 1 + ((r >> 16) % 999) as u32;
            let k = Kennzeichen {
                uz: uz.to_string(),
                en: format!("{a}{b} {n}"),
            };
            if !self.plate_taken(&k.key(), t, true) {
                return Some(k);
            }
        }
        None
    }
}

fn no_free_plate() -> Problem {
    Problem::conflict("No free Kennzeichen could be found for this Unterscheidungszeichen.")
}

// ---- POST /reservierungen ---------------------------------------------

pub async fn post_reservierung(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    respond(reservieren(&st, &headers, body).await)
}

async fn reservieren(st: &AppState, headers: &HeaderMap, body: Body) -> Answer {
    let who = auth(st, headers, SCOPE_RESERVIERUNG)?;
    let value = json_body(st, headers, body).await?;
    let key = idempotency_key(headers)?;
    let mut inner = st.lock();
    if let Some(answer) =
        replay_or_reuse(st, &inner, &who, "reservierungen", key.as_deref(), &value)
    {
        return answer;
    }
    let antrag = validation::reservierung(&value, &st.faults)?;
    let t = now();
    let kennzeichen = match antrag.en {
        Some(en) => {
            let k = Kennzeichen { uz: antrag.uz, en };
            let key = k.key();
            let any_status = st.faults.on(f::PLATE_BLOCKED_AFTER_ABS);
            if inner.assigned(&key, any_status).is_some()
                && !st.faults.on(f::ASSIGNED_PLATE_RESERVABLE)
            {
                return Err(Problem::conflict(format!(
                    "The Kennzeichen {key} is assigned to a vehicle in operation."
                )));
            }
            let blocked_by_expired = st.faults.on(f::EXPIRED_PLATE_STAYS_BLOCKED);
            let reserved = inner.reservierungen.values().any(|r| {
                r.kennzeichen.key() == key
                    && (r.is_active(t) || (blocked_by_expired && !r.eingeloest))
            });
            if reserved && !st.faults.on(f::DOUBLE_RESERVATION_ALLOWED) {
                return Err(Problem::conflict(format!(
                    "The Kennzeichen {key} is already reserved."
                )));
            }
            k
        }
        None => {
            let uz = if st.faults.on(f::ASSIGNED_PLATE_IGNORES_UZ) {
                UNTERSCHEIDUNGSZEICHEN.first().copied().unwrap_or("WAF")
            } else {
                antrag.uz.as_str()
            };
            inner.free_plate(uz, t).ok_or_else(no_free_plate)?
        }
    };
    let pin = if st.faults.on(f::RESERVATION_PIN_SEVEN_DIGITS) {
        format!("{:07}", random() % 10_000_000)
    } else {
        format!("{:08}", random() % 100_000_000)
    };
    let r = Reservierung {
        id: format!("res-{}", uuid::Uuid::new_v4()),
        kennzeichen,
        pin,
        gueltig_bis: t + Duration::days(RESERVIERUNG_GUELTIG_TAGE),
        eingeloest: false,
    };
    let stored = StoredResponse::json(StatusCode::CREATED, json_bytes(&r.to_json(t, true)))
        .with_header(LOCATION, &format!("/reservierungen/{}", r.id));
    remember(st, &mut inner, &who, "reservierungen", key, value, &stored);
    inner.reservierungen.insert(r.id.clone(), r);
    Ok(stored.to_response(false))
}

// ---- GET /reservierungen/{id} -----------------------------------------

fn reservation_not_found(id: &str) -> Problem {
    Problem::not_found(format!("There is no reservation with id {id:?}."))
}

pub async fn get_reservierung(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    respond((|| {
        let exists = st.lock().reservierungen.contains_key(&id);
        if !exists && st.faults.on(f::NOT_FOUND_BEFORE_AUTH) {
            return Err(reservation_not_found(&id));
        }
        auth(&st, &headers, SCOPE_LESEN)?;
        let inner = st.lock();
        let Some(r) = inner.reservierungen.get(&id) else {
            if st.faults.on(f::UNKNOWN_RESERVATION_EMPTY) {
                return Ok(StoredResponse::json(StatusCode::OK, b"{}".to_vec()).to_response(false));
            }
            return Err(reservation_not_found(&id));
        };
        let with_pin = st.faults.on(f::RESERVATION_PIN_LEAKED);
        Ok(
            StoredResponse::json(StatusCode::OK, json_bytes(&r.to_json(now(), with_pin)))
                .to_response(false),
        )
    })())
}

// ---- POST /testhilfen/reservierungen/{id}/ablaufen --------------------

pub async fn post_ablaufen(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    respond((|| {
        auth(&st, &headers, SCOPE_TESTHILFEN)?;
        let mut inner = st.lock();
        let r = inner
            .reservierungen
            .get_mut(&id)
            .ok_or_else(|| reservation_not_found(&id))?;
        if r.eingeloest {
            return Err(Problem::conflict(
                "The reservation has been used for a Zulassung; it cannot expire.",
            ));
        }
        let t = now();
        if r.gueltig_bis > t {
            r.gueltig_bis = t;
        }
        Ok(
            StoredResponse::json(StatusCode::OK, json_bytes(&r.to_json(t, false)))
                .to_response(false),
        )
    })())
}

// ---- POST /zulassungen ------------------------------------------------

pub async fn post_zulassung(
    State(st): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    respond(zulassen(&st, &headers, body).await)
}

fn pin_problem() -> Problem {
    Problem::validation(vec![FieldError {
        pointer: "/reservierungsPin".into(),
        rule: RESERVIERUNG_PIN,
        detail: "this is not the PIN of the plate's reservation".into(),
    }])
}

async fn zulassen(st: &AppState, headers: &HeaderMap, body: Body) -> Answer {
    let who = auth(st, headers, SCOPE_ZULASSUNG)?;
    let value = json_body(st, headers, body).await?;
    let key = idempotency_key(headers)?;
    let mut inner = st.lock();
    if let Some(answer) = replay_or_reuse(st, &inner, &who, "zulassungen", key.as_deref(), &value) {
        return answer;
    }
    let antrag = validation::zulassung(&value, &st.faults)?;
    let faults = &st.faults;
    let t = now();
    let any_status = faults.on(f::WIEDERZULASSUNG_REFUSED);
    if !faults.on(f::FIN_DUPLICATE_ALLOWED)
        && inner
            .zulassungen
            .values()
            .any(|z| z.fin == antrag.fin && (any_status || z.in_operation()))
    {
        return Err(Problem::conflict(format!(
            "The vehicle {} is already zugelassen.",
            antrag.fin
        )));
    }
    if inner.used_evbs.contains(&antrag.evb) && !faults.on(f::EVB_REUSE_ALLOWED) {
        return Err(Problem::conflict("This eVB-Nummer has already been used."));
    }
    let kennzeichen = match antrag.kennzeichen {
        None if faults.on(f::ZULASSUNG_WITHOUT_PLATE_REJECTED) => {
            return Err(Problem::validation(vec![FieldError {
                pointer: "/kennzeichen".into(),
                rule: rules::REQUIRED,
                detail: "required".into(),
            }]));
        }
        None => {
            let uz = UNTERSCHEIDUNGSZEICHEN.first().copied().unwrap_or("WAF");
            inner.free_plate(uz, t).ok_or_else(no_free_plate)?
        }
        Some((k, pin)) => {
            let plate = k.key();
            let twice = faults.on(f::PLATE_ASSIGNED_TWICE);
            if inner.assigned(&plate, false).is_some() && !twice {
                return Err(Problem::conflict(format!(
                    "The Kennzeichen {plate} is assigned to a vehicle in operation."
                )));
            }
            let expired_ok = faults.on(f::EXPIRED_RESERVATION_HONOURED);
            let consume = !faults.on(f::RESERVATION_NOT_CONSUMED);
            let pin_ignored = faults.on(f::RESERVATION_PIN_IGNORED);
            match inner.reservation_mut(&plate, |r| {
                r.is_active(t) || (expired_ok && !r.eingeloest) || (twice && r.eingeloest)
            }) {
                Some(r) => {
                    if !pin_ignored && pin.as_deref() != Some(r.pin.as_str()) {
                        return Err(pin_problem());
                    }
                    if consume {
                        r.eingeloest = true;
                    }
                }
                None if faults.on(f::UNRESERVED_PLATE_USABLE) => {}
                None => {
                    return Err(Problem::conflict(format!(
                        "There is no valid reservation of the Kennzeichen {plate} (never reserved, expired or used)."
                    )));
                }
            }
            k
        }
    };
    let z = Zulassung {
        id: format!("zul-{}", uuid::Uuid::new_v4()),
        status: STATUS_ZUGELASSEN,
        fin: antrag.fin,
        kennzeichen,
        halter: antrag.halter,
        evb: antrag.evb,
        sepa: antrag.sepa,
        zugelassen_am: format_date(today()),
        ausser_betrieb_am: None,
        geaendert_am: now_timestamp(),
    };
    let mut stored = zulassung_response(st, StatusCode::CREATED, &z);
    if !faults.on(f::ZULASSUNG_WITHOUT_LOCATION) {
        stored = stored.with_header(LOCATION, &format!("/zulassungen/{}", z.id));
    }
    remember(st, &mut inner, &who, "zulassungen", key, value, &stored);
    inner.used_evbs.insert(z.evb.clone());
    inner.zulassungen.insert(z.id.clone(), z);
    Ok(stored.to_response(false))
}

// ---- GET /zulassungen/{id} --------------------------------------------

fn zulassung_not_found(id: &str) -> Problem {
    Problem::not_found(format!("There is no Zulassung with id {id:?}."))
}

pub async fn get_zulassung(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    respond((|| {
        let exists = st.lock().zulassungen.contains_key(&id);
        if !exists && st.faults.on(f::NOT_FOUND_BEFORE_AUTH) {
            return Err(zulassung_not_found(&id));
        }
        auth(&st, &headers, SCOPE_LESEN)?;
        let inner = st.lock();
        let z = inner
            .zulassungen
            .get(&id)
            .ok_or_else(|| zulassung_not_found(&id))?;
        Ok(zulassung_response(&st, StatusCode::OK, z).to_response(false))
    })())
}

// ---- POST /zulassungen/{id}/umschreibung -------------------------------

pub async fn post_umschreibung(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    respond(umschreiben(&st, &id, &headers, body).await)
}

/// 404, 428 and 412 in this order, for the Zulassung as it is now.
fn preconditions(st: &AppState, id: &str, headers: &HeaderMap) -> Result<(), Problem> {
    let inner = st.lock();
    let z = inner
        .zulassungen
        .get(id)
        .ok_or_else(|| zulassung_not_found(id))?;
    match if_match(headers, &z.etag(false)) {
        None if !st.faults.on(f::IF_MATCH_OPTIONAL) => Err(Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition-required",
            "Precondition required",
            "An Umschreibung needs If-Match with the Zulassung's current ETag.",
        )),
        Some(false) if !st.faults.on(f::STALE_ETAG_ACCEPTED) => Err(Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
            "Precondition failed",
            "If-Match does not name the Zulassung's current ETag; read it again.",
        )),
        _ => Ok(()),
    }
}

async fn umschreiben(st: &AppState, id: &str, headers: &HeaderMap, body: Body) -> Answer {
    auth(st, headers, SCOPE_ZULASSUNG)?;
    preconditions(st, id, headers)?;
    let value = json_body(st, headers, body).await?;
    preconditions(st, id, headers)?;
    let antrag = validation::umschreibung(&value, &st.faults)?;
    let faults = &st.faults;
    let mut inner = st.lock();
    let evb_used = inner.used_evbs.contains(&antrag.evb);
    let z = inner
        .zulassungen
        .get_mut(id)
        .ok_or_else(|| zulassung_not_found(id))?;
    if !z.in_operation() && !faults.on(f::UMSCHREIBUNG_AFTER_ABS) {
        return Err(Problem::conflict(
            "The vehicle is außer Betrieb gesetzt; it cannot be umgeschrieben.",
        ));
    }
    if evb_used && !faults.on(f::EVB_REUSE_ALLOWED) {
        return Err(Problem::conflict("This eVB-Nummer has already been used."));
    }
    if !faults.on(f::UMSCHREIBUNG_KEEPS_OLD_HALTER) {
        z.halter = antrag.halter;
    }
    z.evb = antrag.evb.clone();
    z.sepa = antrag.sepa;
    z.geaendert_am = now_timestamp();
    let resp = zulassung_response(st, StatusCode::OK, z).to_response(false);
    inner.used_evbs.insert(antrag.evb);
    Ok(resp)
}

// ---- POST /zulassungen/{id}/ausserbetriebsetzung ------------------------

pub async fn post_ausserbetriebsetzung(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    respond((|| {
        auth(&st, &headers, SCOPE_ZULASSUNG)?;
        let mut inner = st.lock();
        let z = inner
            .zulassungen
            .get_mut(&id)
            .ok_or_else(|| zulassung_not_found(&id))?;
        if !z.in_operation() {
            if st.faults.on(f::DOUBLE_ABS_ALLOWED) {
                return Ok(zulassung_response(&st, StatusCode::OK, z).to_response(false));
            }
            return Err(Problem::conflict(
                "The vehicle is already außer Betrieb gesetzt.",
            ));
        }
        let mut next = z.clone();
        next.status = STATUS_AUSSER_BETRIEB;
        next.ausser_betrieb_am = Some(format_date(today()));
        next.geaendert_am = now_timestamp();
        let resp = zulassung_response(&st, StatusCode::OK, &next).to_response(false);
        if !st.faults.on(f::ABS_NOT_PERSISTED) {
            *z = next;
        }
        Ok(resp)
    })())
}
