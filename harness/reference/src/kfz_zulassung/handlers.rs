//! HTTP handlers of Kfz-Zulassung 1.0. Each runs the checks in the order the
//! contract states: auth (401/403), path (404), If-Match (428/412), body
//! (415/413/400), Idempotency-Key, validation (422), state (409 and the
//! PIN check, which needs the register).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, ETAG, LOCATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::faults::Fault;
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
use crate::common::idempotency::{IDEMPOTENCY_KEY, Lookup, StoredResponse, idempotency_key};
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
    if st.faults.on(Fault::MissingTokenAccepted) && headers.get(AUTHORIZATION).is_none() {
        return Ok(Principal("anonymous".into()));
    }
    match authorize(&st.auth, headers, scope) {
        Err(p) if p.status == StatusCode::FORBIDDEN && st.faults.on(Fault::ScopeNotChecked) => {
            let token = headers
                .get(AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            Ok(Principal(token.to_string()))
        }
        Err(p)
            if p.status == StatusCode::FORBIDDEN
                && st.faults.on(Fault::InsufficientScopeWithoutScope) =>
        {
            let mut p = p;
            p.headers.retain(|(name, _)| name != WWW_AUTHENTICATE);
            Err(p.with_header(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"konform\", error=\"insufficient_scope\""),
            ))
        }
        other => other,
    }
}

/// Token and body of a POST in the contract's order (auth first), or body
/// first under the fault `body-checked-before-auth`.
async fn auth_and_body(
    st: &AppState,
    headers: &HeaderMap,
    body: Body,
    scope: &str,
) -> Result<(Principal, Value), Problem> {
    if st.faults.on(Fault::BodyCheckedBeforeAuth) {
        let value = json_body(st, headers, body).await?;
        return Ok((auth(st, headers, scope)?, value));
    }
    let who = auth(st, headers, scope)?;
    Ok((who, json_body(st, headers, body).await?))
}

/// The request's Idempotency-Key (1–255 visible ASCII characters, else 400),
/// with the faults that move the limit.
fn idem_key(st: &AppState, headers: &HeaderMap) -> Result<Option<String>, Problem> {
    if let Some(v) = headers.get(IDEMPOTENCY_KEY) {
        let b = v.as_bytes();
        let visible = !b.is_empty() && b.iter().all(|c| (0x21..=0x7e).contains(c));
        if visible && b.len() > 255 && st.faults.on(Fault::IdempotencyKeyLengthUnchecked) {
            return Ok(Some(String::from_utf8_lossy(b).into_owned()));
        }
        if visible && b.len() == 255 && st.faults.on(Fault::IdempotencyKeyLimitOffByOne) {
            return Err(Problem::bad_request(
                "Idempotency-Key must be 1 to 254 visible ASCII characters.",
            ));
        }
    }
    idempotency_key(headers)
}

/// The slot an operation's keys live in (one for all under the fault
/// `idempotency-key-not-scoped-per-operation`).
fn op_slot(st: &AppState, op: &'static str) -> &'static str {
    if st.faults.on(Fault::IdempotencyKeyNotScopedPerOperation) {
        "post"
    } else {
        op
    }
}

async fn json_body(st: &AppState, headers: &HeaderMap, body: Body) -> Result<Value, Problem> {
    let mut h = headers.clone();
    if st.faults.on(Fault::ContentTypeIgnored) {
        h.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    }
    if st.faults.on(Fault::JsonCharsetRejected)
        && h.get(CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().contains(&b';'))
    {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "The request body must be application/json.",
        ));
    }
    match read_json(&h, body, &[JSON]).await {
        Err(p)
            if p.status == StatusCode::PAYLOAD_TOO_LARGE
                && st.faults.on(Fault::BodyLimitIgnored) =>
        {
            Err(Problem::bad_request("The request body is not valid JSON."))
        }
        Err(p) if p.kind == "malformed-json" && st.faults.on(Fault::MalformedJson422) => {
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
    StoredResponse::json(status, z.bytes())
        .with_header(ETAG, &z.etag(st.faults.on(Fault::WeakEtag)))
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
    let slot = op_slot(st, op);
    let raw_differs = st.faults.on(Fault::IdempotencyComparesRawBytes) && {
        let sent = body.to_string();
        inner
            .raw_bodies
            .get(&(who.0.clone(), slot, key.to_string()))
            .is_some_and(|raw| *raw != sent)
    };
    match inner.idempotency.lookup(who, slot, key, body) {
        Lookup::Fresh => None,
        Lookup::Replay(_) if st.faults.on(Fault::IdempotentReplayDuplicates) => None,
        Lookup::Replay(_) if raw_differs => Some(Err(key_reused())),
        Lookup::Replay(mut stored) => {
            if st.faults.on(Fault::IdempotentReplayWithoutLocation) {
                stored.headers.retain(|(name, _)| name != LOCATION);
            }
            Some(Ok(stored.to_response(true)))
        }
        Lookup::Reused if st.faults.on(Fault::IdempotencyKeyReuseAccepted) => None,
        Lookup::Reused => Some(Err(key_reused())),
    }
}

fn key_reused() -> Problem {
    Problem::validation(vec![FieldError {
        pointer: String::new(),
        rule: IDEMPOTENCY_KEY_REUSED,
        detail: "this Idempotency-Key was already used with a different body".to_string(),
    }])
}

/// Under the fault `idempotency-stores-errors`, a refused request binds its key.
fn remember_refusal(
    st: &AppState,
    inner: &mut Inner,
    who: &Principal,
    op: &'static str,
    key: Option<&str>,
    body: &Value,
) {
    if let Some(key) = key
        && st.faults.on(Fault::IdempotencyStoresErrors)
    {
        let stored = StoredResponse::json(
            StatusCode::UNPROCESSABLE_ENTITY,
            br#"{"type":"https://konform.invalid/problems/validation","title":"Validation failed","status":422}"#.to_vec(),
        );
        let slot = op_slot(st, op);
        inner
            .idempotency
            .store(who, slot, key, body.clone(), stored);
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
    if let Some(key) = key {
        let slot = op_slot(st, op);
        inner
            .raw_bodies
            .insert((who.0.clone(), slot, key.clone()), body.to_string());
        inner
            .idempotency
            .store(who, slot, &key, body, stored.clone());
    }
}

pub async fn service_description(State(st): State<AppState>) -> Response {
    let version = if st.faults.on(Fault::ServiceDescriptionWrongVersion) {
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

    /// Whether an eVB-Nummer was used (for a Zulassung or an Umschreibung).
    fn evb_used(&self, evb: &str, faults: &crate::Faults) -> bool {
        self.used_evbs.contains(evb)
            && !(faults.on(Fault::EvbFreedByAbs)
                && self
                    .zulassungen
                    .values()
                    .any(|z| z.evb == evb && !z.in_operation()))
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
    let (who, value) = auth_and_body(st, headers, body, SCOPE_RESERVIERUNG).await?;
    if st.faults.on(Fault::IdempotencyAfterValidation) {
        validation::reservierung(&value, &st.faults)?;
    }
    let key = idem_key(st, headers)?;
    let mut inner = st.lock();
    if let Some(answer) =
        replay_or_reuse(st, &inner, &who, "reservierungen", key.as_deref(), &value)
    {
        return answer;
    }
    let antrag = match validation::reservierung(&value, &st.faults) {
        Ok(a) => a,
        Err(p) => {
            remember_refusal(
                st,
                &mut inner,
                &who,
                "reservierungen",
                key.as_deref(),
                &value,
            );
            return Err(p);
        }
    };
    let t = now();
    let kennzeichen = match antrag.en {
        Some(en) => {
            let k = Kennzeichen { uz: antrag.uz, en };
            let key = k.key();
            let any_status = st.faults.on(Fault::PlateBlockedAfterAbs);
            // Under `plate-reservable-after-zulassung` only the seed vehicles
            // (short ids) block their plates.
            let seed_only = st.faults.on(Fault::PlateReservableAfterZulassung);
            if inner
                .assigned(&key, any_status)
                .is_some_and(|z| !seed_only || z.id.len() <= 8)
                && !st.faults.on(Fault::AssignedPlateReservable)
            {
                return Err(Problem::conflict(format!(
                    "The Kennzeichen {key} is assigned to a vehicle in operation."
                )));
            }
            let blocked_by_expired = st.faults.on(Fault::ExpiredPlateStaysBlocked);
            let reserved = inner.reservierungen.values().any(|r| {
                r.kennzeichen.key() == key
                    && (r.is_active(t) || (blocked_by_expired && !r.eingeloest))
            });
            if reserved && !st.faults.on(Fault::DoubleReservationAllowed) {
                return Err(Problem::conflict(format!(
                    "The Kennzeichen {key} is already reserved."
                )));
            }
            k
        }
        None => {
            let uz = if st.faults.on(Fault::AssignedPlateIgnoresUz) {
                UNTERSCHEIDUNGSZEICHEN.first().copied().unwrap_or("WAF")
            } else {
                antrag.uz.as_str()
            };
            inner.free_plate(uz, t).ok_or_else(no_free_plate)?
        }
    };
    let pin = if st.faults.on(Fault::ReservationPinSevenDigits) {
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
    let stored = StoredResponse::json(StatusCode::CREATED, json_bytes(&shown(st, &r, t, true)))
        .with_header(LOCATION, &format!("/reservierungen/{}", r.id));
    remember(st, &mut inner, &who, "reservierungen", key, value, &stored);
    inner.reservierungen.insert(r.id.clone(), r);
    Ok(stored.to_response(false))
}

/// The representation of a reservation; under the fault
/// `gueltig-bis-is-reservation-time` a valid one shows the moment it was made.
fn shown(st: &AppState, r: &Reservierung, t: OffsetDateTime, with_pin: bool) -> Value {
    let mut v = r.to_json(t, with_pin);
    if st.faults.on(Fault::GueltigBisIsReservationTime)
        && r.is_active(t)
        && let Some(map) = v.as_object_mut()
    {
        let made = r.gueltig_bis - Duration::days(RESERVIERUNG_GUELTIG_TAGE);
        map.insert(
            "gueltigBis".into(),
            Value::String(super::model::timestamp(made)),
        );
    }
    v
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
        if !exists && st.faults.on(Fault::NotFoundBeforeAuth) {
            return Err(reservation_not_found(&id));
        }
        auth(&st, &headers, SCOPE_LESEN)?;
        let inner = st.lock();
        let Some(r) = inner.reservierungen.get(&id) else {
            if st.faults.on(Fault::UnknownReservationEmpty) {
                return Ok(StoredResponse::json(StatusCode::OK, b"{}".to_vec()).to_response(false));
            }
            return Err(reservation_not_found(&id));
        };
        let with_pin = st.faults.on(Fault::ReservationPinLeaked);
        Ok(
            StoredResponse::json(StatusCode::OK, json_bytes(&shown(&st, r, now(), with_pin)))
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
        if r.eingeloest && st.faults.on(Fault::EingeloesteReservierungExpires) {
            r.eingeloest = false;
        }
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
    let (who, value) = auth_and_body(st, headers, body, SCOPE_ZULASSUNG).await?;
    if st.faults.on(Fault::IdempotencyAfterValidation) {
        validation::zulassung(&value, &st.faults)?;
    }
    let key = idem_key(st, headers)?;
    let mut inner = st.lock();
    if let Some(answer) = replay_or_reuse(st, &inner, &who, "zulassungen", key.as_deref(), &value) {
        return answer;
    }
    let faults = &st.faults;
    if faults.on(Fault::ConflictsBeforeValidation)
        && let Some(fin) = value.get("fin").and_then(Value::as_str)
        && inner
            .zulassungen
            .values()
            .any(|z| z.fin == fin && z.in_operation())
    {
        return Err(Problem::conflict(format!(
            "The vehicle {fin} is already zugelassen."
        )));
    }
    let antrag = match validation::zulassung(&value, faults) {
        Ok(a) => a,
        Err(p) => {
            remember_refusal(st, &mut inner, &who, "zulassungen", key.as_deref(), &value);
            return Err(p);
        }
    };
    let t = now();
    if faults.on(Fault::PinCheckedBeforeConflicts)
        && let Some((k, pin)) = &antrag.kennzeichen
        && let Some(r) = inner.reservation_mut(&k.key(), |_| true)
        && pin.as_deref() != Some(r.pin.as_str())
    {
        return Err(pin_problem());
    }
    let any_status = faults.on(Fault::WiederzulassungRefused);
    let same_fin: Vec<&Zulassung> = inner
        .zulassungen
        .values()
        .filter(|z| z.fin == antrag.fin)
        .collect();
    let fin_taken = if any_status {
        !same_fin.is_empty()
    } else if faults.on(Fault::FinCheckUsesFirstZulassung) {
        // Looks at one Zulassung of the FIN: the oldest, which after a
        // Wiederzulassung is the one außer Betrieb.
        !same_fin.is_empty() && same_fin.iter().all(|z| z.in_operation())
    } else {
        same_fin.iter().any(|z| z.in_operation())
    };
    if fin_taken && !faults.on(Fault::FinDuplicateAllowed) {
        return Err(Problem::conflict(format!(
            "The vehicle {} is already zugelassen.",
            antrag.fin
        )));
    }
    if inner.evb_used(&antrag.evb, faults) && !faults.on(Fault::EvbReuseAllowed) {
        return Err(Problem::conflict("This eVB-Nummer has already been used."));
    }
    let kennzeichen = match antrag.kennzeichen {
        None if faults.on(Fault::ZulassungWithoutPlateRejected) => {
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
            let twice = faults.on(Fault::PlateAssignedTwice);
            if inner.assigned(&plate, false).is_some() && !twice {
                return Err(Problem::conflict(format!(
                    "The Kennzeichen {plate} is assigned to a vehicle in operation."
                )));
            }
            let expired_ok = faults.on(Fault::ExpiredReservationHonoured);
            let consume = !faults.on(Fault::ReservationNotConsumed);
            let pin_ignored = faults.on(Fault::ReservationPinIgnored);
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
                None if faults.on(Fault::UnreservedPlateUsable) => {}
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
    if !faults.on(Fault::ZulassungWithoutLocation) {
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
        if !exists && st.faults.on(Fault::NotFoundBeforeAuth) {
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
        None if !st.faults.on(Fault::IfMatchOptional) => Err(Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition-required",
            "Precondition required",
            "An Umschreibung needs If-Match with the Zulassung's current ETag.",
        )),
        Some(false) if !st.faults.on(Fault::StaleEtagAccepted) => Err(Problem::new(
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
    let faults = &st.faults;
    // Under `if-match-after-validation` the tag is looked at only after the body.
    let if_match_late = faults.on(Fault::IfMatchAfterValidation);
    if !if_match_late {
        preconditions(st, id, headers)?;
    }
    let value = json_body(st, headers, body).await?;
    if !if_match_late {
        preconditions(st, id, headers)?;
    }
    if faults.on(Fault::ConflictsBeforeValidation)
        && st
            .lock()
            .zulassungen
            .get(id)
            .is_some_and(|z| !z.in_operation())
    {
        return Err(Problem::conflict(
            "The vehicle is außer Betrieb gesetzt; it cannot be umgeschrieben.",
        ));
    }
    let antrag = validation::umschreibung(&value, faults)?;
    if if_match_late {
        preconditions(st, id, headers)?;
    }
    let mut inner = st.lock();
    let evb_used = inner.evb_used(&antrag.evb, faults);
    let z = inner
        .zulassungen
        .get_mut(id)
        .ok_or_else(|| zulassung_not_found(id))?;
    let evb_used = if faults.on(Fault::UmschreibungEvbOwnOnly) {
        antrag.evb == z.evb
    } else {
        evb_used
    };
    if !z.in_operation() && !faults.on(Fault::UmschreibungAfterAbs) {
        return Err(Problem::conflict(
            "The vehicle is außer Betrieb gesetzt; it cannot be umgeschrieben.",
        ));
    }
    if evb_used && !faults.on(Fault::EvbReuseAllowed) {
        return Err(Problem::conflict("This eVB-Nummer has already been used."));
    }
    if !faults.on(Fault::UmschreibungKeepsOldHalter) {
        z.halter = antrag.halter;
    }
    let old_evb = std::mem::replace(&mut z.evb, antrag.evb.clone());
    if !faults.on(Fault::UmschreibungKeepsOldSepa) {
        z.sepa = antrag.sepa;
    }
    z.geaendert_am = now_timestamp();
    let resp = zulassung_response(st, StatusCode::OK, z).to_response(false);
    if faults.on(Fault::EvbFreedByUmschreibung) {
        inner.used_evbs.remove(&old_evb);
    }
    if !faults.on(Fault::UmschreibungEvbNotRecorded) {
        inner.used_evbs.insert(antrag.evb);
    }
    Ok(resp)
}

// ---- POST /zulassungen/{id}/ausserbetriebsetzung ------------------------

pub async fn post_ausserbetriebsetzung(
    State(st): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // The operation takes no body; one sent anyway is ignored. Under the
    // fault `ausserbetriebsetzung-parses-body` it is read as JSON with no members.
    if st.faults.on(Fault::AbsParsesBody)
        && authorize_ok(&st, &headers)
        && let Err(p) = body_without_members(&st, &headers, body).await
    {
        return p.into_response();
    }
    respond((|| {
        auth(&st, &headers, SCOPE_ZULASSUNG)?;
        let mut inner = st.lock();
        let z = inner
            .zulassungen
            .get_mut(&id)
            .ok_or_else(|| zulassung_not_found(&id))?;
        if !z.in_operation() {
            if st.faults.on(Fault::DoubleAbsAllowed) {
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
        if !st.faults.on(Fault::AbsNotPersisted) {
            *z = next;
        }
        Ok(resp)
    })())
}

fn authorize_ok(st: &AppState, headers: &HeaderMap) -> bool {
    auth(st, headers, SCOPE_ZULASSUNG).is_ok()
}

/// A body sent with an Außerbetriebsetzung, read as a JSON object without members.
async fn body_without_members(
    st: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<(), Problem> {
    let bytes = axum::body::to_bytes(body, crate::common::body::BODY_LIMIT)
        .await
        .unwrap_or_default();
    if bytes.is_empty() {
        return Ok(());
    }
    let value = json_body(st, headers, Body::from(bytes)).await?;
    validation::no_members(&value, &st.faults)
}
