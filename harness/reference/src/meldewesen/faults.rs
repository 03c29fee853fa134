//! The faults of the Meldewesen 1.0 reference: one or more per MUST of the
//! Meldewesen suite, each breaking exactly its requirement on purpose, so
//! `konform suite mutants` can show which broken implementations a suite
//! catches. Most faults are checked where the behaviour lives (handlers,
//! validation, Auskunft matching); the ones that concern every response
//! (problem documents, request ids, challenges, timestamps) live in the
//! [`mangle`] middleware, which wraps the whole router.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{Value, json};
use std::sync::Arc;

use crate::common::idempotency::IDEMPOTENT_REPLAYED;
use crate::common::pipeline::X_REQUEST_ID;
use crate::faults::{Faults, fault_catalogue};

// In the order of the suite's requirements (the additions of suite 1.1.0 after
// each block).
fault_catalogue! {
    // ---- querschnitt
    ServiceDescriptionWrongVersion = "service-description-wrong-version", "MW-QS-001",
        "GET / names the version 1.1 instead of 1.0.";
    JsonLatin1 = "json-latin1", "MW-QS-020" since "1.1.0",
        "JSON bodies with umlauts are sent in ISO-8859-1 instead of UTF-8.";
    ErrorsWithoutProblemJson = "errors-without-problem-json", "MW-QS-002",
        "4xx and 5xx answers carry a plain application/json {\"message\"} body instead of a problem document.";
    // Every 401 loses the header: the one for a missing token (MW-QS-003)
    // and the one for an invalid token, whose requirement names the header too.
    NoWwwAuthenticate = "no-www-authenticate", "MW-QS-003" also ["MW-QS-004"],
        "401 answers carry no WWW-Authenticate header.";
    InvalidTokenAccepted = "invalid-token-accepted", "MW-QS-004",
        "An unknown bearer token is accepted as if it carried every scope.";
    ScopeNotChecked = "scope-not-checked", "MW-QS-005",
        "A token lacking the operation's scope is allowed anyway.";
    NoInsufficientScopeError = "no-insufficient-scope-error", "MW-QS-006",
        "A 403 challenge says only Bearer realm, without error=\"insufficient_scope\".";
    NotFoundBeforeAuth = "not-found-before-auth", "MW-QS-007",
        "GET /personen/{id} looks the person up before checking the token, so an unknown id gives 404 without a token.";
    RequestIdNotEchoed = "request-id-not-echoed", "MW-QS-008",
        "The client's X-Request-ID is replaced by a fresh one.";
    RequestIdNotGenerated = "request-id-not-generated", "MW-QS-009",
        "A response to a request without X-Request-ID carries none.";
    MalformedJson422 = "malformed-json-422", "MW-QS-010",
        "A body that is not well-formed JSON gets 422 TYPE instead of 400.";
    ContentTypeIgnored = "content-type-ignored", "MW-QS-011",
        "The Content-Type is ignored: any body that parses as JSON is accepted.";
    BodyAtLimitRefused = "body-at-limit-refused", "MW-QS-012",
        "The body limit is off by one: a body of exactly 1 MiB is refused with 413.";
    UnknownFieldsIgnored = "unknown-fields-ignored", "MW-QS-013",
        "Unknown members of a request body are silently dropped instead of rejected.";
    FirstErrorOnly = "first-error-only", "MW-QS-014",
        "A 422 lists only the first offending field.";
    NonObjectBody400 = "non-object-body-400", "MW-QS-015",
        "A JSON body that is not an object gets 400 instead of 422 TYPE.";
    PaginationRepeatsItems = "pagination-repeats-items", "MW-QS-016",
        "links.next resumes after the first item of the page, so later pages repeat items.";
    BadLimitClamped = "bad-limit-clamped", "MW-QS-017",
        "A limit outside 1..100 or not an integer is silently replaced by the default.";
    TimestampsWithoutOffset = "timestamps-without-offset", "MW-QS-018",
        "geaendertAm is written without a time zone offset.";
    UnknownPath200 = "unknown-path-200", "MW-QS-019",
        "A path the interface does not define answers 200 with an empty object.";
    // ---- querschnitt, added in suite 1.1.0
    BodyCheckedBeforeAuth = "body-checked-before-auth", "MW-QS-007" since "1.1.0",
        "The body of an Anmeldung, Abmeldung or Auskunft (Content-Type, size, JSON syntax) is read before the token is checked.";
    RequestIdLimitOffByOne = "request-id-limit-off-by-one", "MW-QS-008" since "1.1.0",
        "An X-Request-ID of exactly 200 characters is replaced by a generated one instead of being echoed.";
    RequestIdNotEchoedOnBodyErrors = "request-id-not-echoed-on-body-errors", "MW-QS-008" since "1.1.0",
        "400, 413 and 415 answers (raised before the handler sees the request) carry a generated X-Request-ID instead of the client's.";
    PaginationSkipsItem = "pagination-skips-item", "MW-QS-016" since "1.1.0",
        "links.next resumes after the first item of the next page, so one item per page is never listed.";
    NextDropsLimit = "next-drops-limit", "MW-QS-016" since "1.1.0",
        "links.next leaves out the limit, so later pages have the default size.";
    Limit100Refused = "limit-100-refused", "MW-QS-017" since "1.1.0",
        "limit=100 is refused with 400 (the check is limit < 100).";
    RequestIdLengthUnchecked = "request-id-length-unchecked", "MW-QS-021" since "1.1.0",
        "An X-Request-ID longer than 200 characters or holding spaces is echoed instead of replaced by a generated one.";
    IfMatchAfterValidation = "if-match-after-validation", "MW-QS-022" since "1.1.0",
        "A correction reads and validates its body before it looks at If-Match, so a bad body hides a missing or stale tag.";
    IdempotencyAfterValidation = "idempotency-after-validation", "MW-QS-022" since "1.1.0",
        "An earlier use of the Idempotency-Key is looked at only after the body was validated.";
    ConflictsBeforeValidation = "conflicts-before-validation", "MW-QS-022" since "1.1.0",
        "An Abmeldung of a person who is not registered gets 409 before its body is validated.";
    JsonCharsetRejected = "json-charset-rejected", "MW-QS-023" since "1.1.0",
        "A body sent as application/json; charset=utf-8 is refused with 415.";
    BadCursorFirstPage = "bad-cursor-first-page", "MW-QS-024" since "1.1.0",
        "An empty cursor, or one the service never issued, gives the first page instead of 400.";
    NamesStoredAsLatin1 = "names-stored-as-latin1", "MW-QS-025" since "1.1.0",
        "Text is stored in ISO-8859-1: characters outside Latin-1 (Ł, ř) come back as '?'.";
    // ---- anmeldung
    AnmeldungWithoutLocation = "anmeldung-without-location", "MW-ANM-001",
        "The 201 of an Anmeldung carries no Location header.";
    MeldebestaetigungWithoutDoktorgrad = "meldebestaetigung-without-doktorgrad", "MW-ANM-002",
        "The Meldebestätigung leaves out the Doktorgrad.";
    MeldebestaetigungLeaksGeschlecht = "meldebestaetigung-leaks-geschlecht", "MW-ANM-003",
        "The Meldebestätigung also names the Geschlecht.";
    NewPersonHasSperre = "new-person-has-sperre", "MW-ANM-004",
        "A person created by an Anmeldung is stored with an Auskunftssperre.";
    WohnungsgeberOptional = "wohnungsgeber-optional", "MW-ANM-005",
        "An Anmeldung without Wohnungsgeberbestätigung is accepted.";
    WohnungsgeberDatumUnchecked = "wohnungsgeber-datum-unchecked", "MW-ANM-006",
        "The date the Wohnungsgeber confirmed is not compared with the Einzugsdatum.";
    RufnameUnchecked = "rufname-unchecked", "MW-ANM-007",
        "A Rufname that is not one of the Vornamen is accepted.";
    FutureGeburtsdatumAccepted = "future-geburtsdatum-accepted", "MW-ANM-008",
        "A Geburtsdatum in the future is accepted.";
    IdempotentReplayDuplicates = "idempotent-replay-duplicates", "MW-ANM-009",
        "A replay with the same Idempotency-Key and body registers the person again.";
    IdempotencyKeyReuseAccepted = "idempotency-key-reuse-accepted", "MW-ANM-010",
        "An Idempotency-Key reused with a different body is treated as a new request.";
    ReplayNotMarked = "replay-not-marked", "MW-ANM-011",
        "A replayed response carries no Idempotent-Replayed header.";
    IdempotencyStoresErrors = "idempotency-stores-errors", "MW-ANM-012",
        "A refused Anmeldung is remembered under its Idempotency-Key, so the corrected body is refused as key reuse.";
    IdempotencyKeyUnchecked = "idempotency-key-unchecked", "MW-ANM-013",
        "An Idempotency-Key that is too long or holds invisible characters is accepted.";
    UnknownPersonNot404 = "unknown-person-not-404", "MW-ANM-014",
        "Reading or correcting an unknown person id gives 403 instead of 404.";
    IfMatchOptional = "if-match-optional", "MW-ANM-015",
        "A correction without If-Match is applied.";
    StaleEtagAccepted = "stale-etag-accepted", "MW-ANM-016",
        "A correction with a stale ETag is applied (lost update).";
    PatchResponseStale = "patch-response-stale", "MW-ANM-017",
        "A correction answers 200 with the person as it was before the change.";
    WeakEtag = "weak-etag", "MW-ANM-018",
        "ETags are sent as weak tags (W/\"...\").";
    ReadOnlyMembersIgnored = "read-only-members-ignored", "MW-ANM-019",
        "Read-only members in a correction are silently ignored instead of rejected.";
    MergeNullIgnored = "merge-null-ignored", "MW-ANM-020",
        "null in a merge patch leaves the member as it was instead of removing it.";
    AbmeldungKeepsWohnungen = "abmeldung-keeps-wohnungen", "MW-ANM-021",
        "After an Abmeldung the person still has her flats.";
    AbmeldungTwiceAccepted = "abmeldung-twice-accepted", "MW-ANM-022",
        "An Abmeldung of a person who is already abgemeldet is accepted again.";
    AuszugVorEinzugAccepted = "auszug-vor-einzug-accepted", "MW-ANM-023",
        "An Auszugsdatum before the Einzugsdatum is accepted.";
    // ---- anmeldung, added in suite 1.1.0
    WohnungsgeberAdressePartial = "wohnungsgeber-adresse-partial", "MW-ANM-006" since "1.1.0",
        "The confirmed flat is compared by strasse and plz only; another hausnummer or ort passes.";
    WohnungsgeberAdresseCaseSensitive = "wohnungsgeber-adresse-case-sensitive", "MW-ANM-006" since "1.1.0",
        "The confirmed flat is compared exactly, so another case or whitespace counts as another flat.";
    WohnungsgeberFirstMeldepflichtigerOnly = "wohnungsgeber-first-meldepflichtiger-only", "MW-ANM-006" since "1.1.0",
        "Only the first meldepflichtige Person of the confirmation is compared with the person.";
    BlankFormatRule = "blank-format-rule", "MW-ANM-007" since "1.1.0",
        "A blank PLZ, AGS, date or enum value is reported with its format rule instead of REQUIRED.";
    UnicodeDigitsAccepted = "unicode-digits-accepted", "MW-ANM-007" since "1.1.0",
        "PLZ and AGS accept any Unicode digits (e.g. fullwidth ３９１０４), not only 0-9.";
    GermanDateAccepted = "german-date-accepted", "MW-ANM-007" since "1.1.0",
        "Dates written DD.MM.YYYY are accepted and converted.";
    CenturyLeapDayAccepted = "century-leap-day-accepted", "MW-ANM-007" since "1.1.0",
        "Every year divisible by 4 is a leap year, so 1900-02-29 is accepted.";
    RufnameSubstring = "rufname-substring", "MW-ANM-007" since "1.1.0",
        "The Rufname only has to occur somewhere in the Vornamen (\"Lu\" passes for Luise).";
    EigentuemerUnchecked = "eigentuemer-unchecked", "MW-ANM-007" since "1.1.0",
        "The optional eigentuemer of the Wohnungsgeberbestätigung is not validated.";
    TodayIsFuture = "today-is-future", "MW-ANM-008" since "1.1.0",
        "A Geburtsdatum or Einzugsdatum of today counts as in the future.";
    IdempotencyKeyLengthUnchecked = "idempotency-key-length-unchecked", "MW-ANM-013" since "1.1.0",
        "An Idempotency-Key longer than 255 characters is honoured instead of refused with 400.";
    IdempotencyKeyLimitOffByOne = "idempotency-key-limit-off-by-one", "MW-ANM-013" since "1.1.0",
        "An Idempotency-Key of exactly 255 characters is refused with 400.";
    AuszugAmEinzugstagRefused = "auszug-am-einzugstag-refused", "MW-ANM-023" since "1.1.0",
        "An Auszugsdatum on the Einzugsdatum is refused as AUSZUG_VOR_EINZUG.";
    AuskunftIndexStale = "auskunft-index-stale", "MW-ANM-024" since "1.1.0",
        "The Auskunft searches the Familienname as first registered, not as corrected.";
    IdempotencyKeyNotScopedPerOperation = "idempotency-key-not-scoped-per-operation", "MW-ANM-025" since "1.1.0",
        "Idempotency keys are shared by Anmeldung and Abmeldung: a key used for one is refused as reused for the other.";
    IdempotencyComparesRawBytes = "idempotency-compares-raw-bytes", "MW-ANM-026" since "1.1.0",
        "A repeated body is compared as text, so the same members in another order count as a different body.";
    ReplayCurrentEtag = "replay-current-etag", "MW-ANM-027" since "1.1.0",
        "A replayed Anmeldung carries the person's current ETag instead of the one first answered.";
    KorrekturGeburtsdatumUnchecked = "korrektur-geburtsdatum-unchecked", "MW-ANM-028" since "1.1.0",
        "A correction accepts a Geburtsdatum in the future.";
    LengthCountedInBytes = "length-counted-in-bytes", "MW-ANM-029" since "1.1.0",
        "String lengths are counted in UTF-8 bytes, so a name of 200 characters with umlauts is refused with LENGTH.";
    NullOptionalMemberIgnored = "null-optional-member-ignored", "MW-ANM-030" since "1.1.0",
        "An optional member that is null is treated as absent instead of refused with TYPE.";
    // ---- bescheinigung
    BescheinigungWithoutDoktorgrad = "bescheinigung-without-doktorgrad", "MW-BES-001",
        "The Meldebescheinigung leaves out the Doktorgrad.";
    BescheinigungLeaksGeschlecht = "bescheinigung-leaks-geschlecht", "MW-BES-002",
        "The Meldebescheinigung also names the Geschlecht.";
    BescheinigungOnlyFirstWohnung = "bescheinigung-only-first-wohnung", "MW-BES-003",
        "The Meldebescheinigung lists only the first current flat.";
    BescheinigungForUnregistered = "bescheinigung-for-unregistered", "MW-BES-004",
        "Persons who are abgemeldet or verstorben get a Meldebescheinigung.";
    BescheinigungUnknownNot404 = "bescheinigung-unknown-not-404", "MW-BES-005",
        "A Meldebescheinigung for an unknown person id gives 409 instead of 404.";
    // ---- auskunft
    AuskunftWithoutDoktorgrad = "auskunft-without-doktorgrad", "MW-AUS-001",
        "The Auskunft leaves out the Doktorgrad.";
    AuskunftLeaksGeburtsdatum = "auskunft-leaks-geburtsdatum", "MW-AUS-002",
        "The Auskunft also names the Geburtsdatum.";
    AuskunftLeaksSterbedatum = "auskunft-leaks-sterbedatum", "MW-AUS-003",
        "The Auskunft about a deceased person names the date of death.";
    AmbiguousMatchAnswers = "ambiguous-match-answers", "MW-AUS-004",
        "Search data matching several persons give an Auskunft about the first.";
    SperreDistinguishable = "sperre-distinguishable", "MW-AUS-005",
        "A person under Auskunftssperre gets a keine_auskunft answer that names the Sperre.";
    NoMatch404 = "no-match-404", "MW-AUS-006",
        "Search data that match nobody give 404 instead of the KeineAuskunft answer.";
    FruehererNameIgnored = "frueherer-name-ignored", "MW-AUS-007",
        "The Geburtsname is not searched, neither as familienname nor as fruehererName.";
    AddressIgnored = "address-ignored", "MW-AUS-008",
        "An address in the search data does not narrow the search.";
    SearchCaseSensitive = "search-case-sensitive", "MW-AUS-009",
        "Search data are compared exactly, with case and surrounding whitespace.";
    ZweckUnchecked = "zweck-unchecked", "MW-AUS-010",
        "A commercial request without a description of its purpose is answered.";
    SearchByIdAllowed = "search-by-id-allowed", "MW-AUS-011",
        "The search data accept a personId and find the person by it.";
    // ---- auskunft, added in suite 1.1.0
    AuskunftOnlyHauptwohnung = "auskunft-only-hauptwohnung", "MW-AUS-001" since "1.1.0",
        "The Auskunft names only the first current address of a person with several flats.";
    AuskunftCached = "auskunft-cached", "MW-AUS-004" since "1.1.0",
        "An Auskunft is answered from a cache of earlier answers to the same search data, so a person registered since does not make a match ambiguous.";
    SearchAsciiCaseOnly = "search-ascii-case-only", "MW-AUS-009" since "1.1.0",
        "Search data are lower-cased for A-Z only, so KÖLN does not find Köln.";
    ZweckBlankAccepted = "zweck-blank-accepted", "MW-AUS-010" since "1.1.0",
        "A commercial request whose beschreibung is only whitespace is answered.";
    SearchAnyVorname = "search-any-vorname", "MW-AUS-012" since "1.1.0",
        "A person matches when any one of the given Vornamen is hers, not all of them.";
    SearchAddressAnyFlat = "search-address-any-flat", "MW-AUS-012" since "1.1.0",
        "Each member of the search address may match a different flat of the person.";
    AuskunftFormerAddresses = "auskunft-former-addresses", "MW-AUS-013" since "1.1.0",
        "After an Abmeldung the Auskunft gives the flats given up, and they still identify the person.";
}

/// The rewriting that concerns every response; the outermost layer of the router.
pub async fn mangle(State(faults): State<Arc<Faults>>, req: Request, next: Next) -> Response {
    if faults.is_empty() {
        return next.run(req).await;
    }
    let had_request_id = req.headers().contains_key(&X_REQUEST_ID);
    let sent_request_id = req.headers().get(&X_REQUEST_ID).cloned();
    let mut resp = next.run(req).await;
    if faults.on(Fault::JsonLatin1) {
        resp = crate::common::encoding::json_as_latin1(resp).await;
    }
    let status = resp.status();
    let headers = resp.headers_mut();
    if faults.on(Fault::RequestIdNotEchoed)
        && had_request_id
        && let Ok(v) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
    {
        headers.insert(X_REQUEST_ID, v);
    }
    let fresh = || HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).ok();
    if let Some(sent) = &sent_request_id {
        if faults.on(Fault::RequestIdLengthUnchecked) {
            headers.insert(X_REQUEST_ID, sent.clone());
        }
        let body_error = matches!(status.as_u16(), 400 | 413 | 415);
        if ((faults.on(Fault::RequestIdLimitOffByOne) && sent.len() == 200)
            || (faults.on(Fault::RequestIdNotEchoedOnBodyErrors) && body_error))
            && let Some(v) = fresh()
        {
            headers.insert(X_REQUEST_ID, v);
        }
    }
    if faults.on(Fault::RequestIdNotGenerated) && !had_request_id {
        headers.remove(&X_REQUEST_ID);
    }
    if faults.on(Fault::NoWwwAuthenticate) && status == StatusCode::UNAUTHORIZED {
        headers.remove(WWW_AUTHENTICATE);
    }
    if faults.on(Fault::NoInsufficientScopeError) && status == StatusCode::FORBIDDEN {
        headers.insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"konform\""),
        );
    }
    if faults.on(Fault::ReplayNotMarked) {
        headers.remove(IDEMPOTENT_REPLAYED);
    }
    let rewrite_error = faults.on(Fault::ErrorsWithoutProblemJson)
        && (status.is_client_error() || status.is_server_error());
    let rewrite_time = faults.on(Fault::TimestampsWithoutOffset) && status.is_success();
    if !rewrite_error && !rewrite_time {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut doc) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if rewrite_error {
        let message = doc.get("detail").cloned().unwrap_or_else(|| json!("error"));
        doc = json!({ "message": message });
        parts
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    if rewrite_time {
        strip_offsets(&mut doc);
    }
    parts.headers.remove(CONTENT_LENGTH);
    let out = serde_json::to_vec(&doc).unwrap_or_default();
    Response::from_parts(parts, Body::from(out))
}

/// `geaendertAm: 2024-03-01T10:00:00Z` → `2024-03-01T10:00:00`, at any depth.
fn strip_offsets(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, member) in map.iter_mut() {
                if k == "geaendertAm"
                    && let Value::String(s) = member
                    && s.len() >= 19
                {
                    s.truncate(19);
                } else {
                    strip_offsets(member);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_offsets),
        _ => {}
    }
}

/// Adds `key: value` to a serialised JSON object (for the leak faults).
pub fn with_member(bytes: Vec<u8>, key: &str, value: Value) -> Vec<u8> {
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(mut map)) => {
            map.insert(key.to_string(), value);
            serde_json::to_vec(&Value::Object(map)).unwrap_or(bytes)
        }
        _ => bytes,
    }
}
