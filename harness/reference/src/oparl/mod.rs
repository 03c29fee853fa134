//! Reference implementation of OParl 1.0 and 1.1 (`schemas/oparl/`), the
//! German standard API of council information systems: a public, read-only
//! JSON API over a synthetic council (`data.rs`), entered at the System
//! object `/`, with paginated and filterable external lists (`lists.rs`),
//! every object at its own URL (`render.rs`), soft-deleted objects, files
//! with their content, CORS and OParl Error objects. One implementation
//! serves both versions; the version decides type URLs and the members only
//! 1.1 has. Authentication is ignored (OParl data is public). Faults
//! (`faults.rs`) break one requirement each, mostly by editing the JSON
//! after rendering, so that embedded objects, lists and objects at their id
//! break alike.

mod compression;
mod data;
mod faults;
mod lists;
mod render;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::header::{
    ACCEPT_RANGES, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ALLOW,
    CONTENT_DISPOSITION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, HOST,
    IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION, RANGE, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use sha2::{Digest, Sha512};

use crate::{AuthMode, Faults, InterfaceEntry, RouterOptions};
use data::Dataset;
use faults::{FAULTS, FAULTS_V10, Fault};
use lists::{ListQuery, PageFaults, Paging};
use render::{Ctx, Kind};

pub const NAME: &str = "oparl";

/// The Organization left out of its list by the fault
/// `object-missing-from-list`: the first Fraktion of the first Body, which
/// memberships reference.
const MISSING_ORGANIZATION: usize = 8;

/// OParl 1.0 in the registry of reference implementations.
pub fn entry_v10() -> InterfaceEntry {
    InterfaceEntry {
        name: NAME,
        version: "1.0",
        scopes: &[],
        limited_scopes: &[],
        faults: FAULTS_V10,
        router: router_v10,
        tls_by_default: true,
    }
}

/// OParl 1.1 in the registry of reference implementations.
pub fn entry_v11() -> InterfaceEntry {
    InterfaceEntry {
        name: NAME,
        version: "1.1",
        scopes: &[],
        limited_scopes: &[],
        faults: FAULTS,
        router: router_v11,
        tls_by_default: true,
    }
}

fn router_v10(_auth: AuthMode, faults: Faults, options: &RouterOptions) -> Router {
    router(false, faults, options)
}

fn router_v11(_auth: AuthMode, faults: Faults, options: &RouterOptions) -> Router {
    router(true, faults, options)
}

/// What the handlers share: the data set (never changed) and the faults.
struct Oparl {
    data: Dataset,
    v11: bool,
    tls: bool,
    faults: Faults,
    /// Reads of each meeting list page so far, by list, page and filters
    /// (the fault `unstable-order`: every other read of a page is reversed).
    turns: std::sync::Mutex<std::collections::HashMap<(usize, usize, String), u64>>,
}

type St = Arc<Oparl>;

fn router(v11: bool, faults: Faults, options: &RouterOptions) -> Router {
    let state = Arc::new(Oparl {
        data: Dataset::generate(options.scale),
        v11,
        tls: options.tls,
        faults,
        turns: std::sync::Mutex::new(std::collections::HashMap::new()),
    });
    Router::new()
        .route("/", get(system))
        .route("/bodies", get(bodies))
        .route("/{kind}/{id}", get(object))
        .route("/{kind}/{id}/{sub}", get(sub_resource))
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(state.clone(), response_faults))
        .with_state(state)
}

impl Oparl {
    fn on(&self, fault: Fault) -> bool {
        self.faults.on(fault)
    }

    /// The rendering context of a request: the base URL the client used
    /// (authority of the request, else its Host header).
    fn ctx(&self, uri: &Uri, headers: &HeaderMap, omit_internal: bool) -> Ctx {
        let host = uri
            .authority()
            .map(|a| a.as_str().to_string())
            .or_else(|| {
                headers
                    .get(HOST)
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_string)
            })
            .filter(|h| {
                !h.is_empty()
                    && h.bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b".-:[]".contains(&c))
            })
            .unwrap_or_else(|| "localhost".to_string());
        let scheme = if self.tls { "https" } else { "http" };
        Ctx {
            base: format!("{scheme}://{host}"),
            v11: self.v11,
            omit_internal: self.v11 && omit_internal,
        }
    }

    /// A JSON response (2-04: UTF-8, no BOM; CORS is added by the layer).
    fn json(&self, status: StatusCode, value: &Value) -> Response {
        let body = serde_json::to_vec(value).unwrap_or_default();
        (
            status,
            [(
                CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            )],
            body,
        )
            .into_response()
    }

    /// An error response: in 1.1 an Error object (2-09), in 1.0 (which
    /// defines none) a JSON object with the same message and debug members.
    fn error(&self, status: StatusCode, message: &str, debug: &str) -> Response {
        if self.v11 && status == StatusCode::NOT_FOUND && self.on(Fault::ErrorNotOparl) {
            return (
                status,
                [(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                )],
                "Not Found",
            )
                .into_response();
        }
        let body = if self.v11 {
            json!({"type": "https://schema.oparl.org/1.1/Error", "message": message, "debug": debug})
        } else {
            json!({"message": message, "debug": debug})
        };
        self.json(status, &body)
    }

    fn not_found(&self, what: &str) -> Response {
        self.error(
            StatusCode::NOT_FOUND,
            "Das angefragte Objekt existiert nicht.",
            &format!("Unbekannte URL: {what}"),
        )
    }

    /// The faults that edit objects, applied to every object in `value`
    /// (embedded ones too). `at_id`: `value` is the object fetched at its id.
    fn object_faults(&self, value: &mut Value, at_id: bool) {
        match value {
            Value::Array(items) => {
                for item in items {
                    self.object_faults(item, false);
                }
            }
            Value::Object(m) => {
                for (_, child) in m.iter_mut() {
                    self.object_faults(child, false);
                }
                let Some(type_name) = m
                    .get("type")
                    .and_then(Value::as_str)
                    .and_then(|t| t.strip_prefix("https://schema.oparl.org/"))
                    .and_then(|t| t.get(4..))
                    .map(str::to_string)
                else {
                    return;
                };
                let deleted = m.get("deleted") == Some(&Value::Bool(true));
                let other = if self.v11 { "1.0" } else { "1.1" };
                match type_name.as_str() {
                    "System" => {
                        if self.on(Fault::SystemWrongVersion) {
                            m.insert(
                                "oparlVersion".into(),
                                json!(format!("https://schema.oparl.org/{other}/")),
                            );
                        }
                        if self.on(Fault::HttpUrls) {
                            m.insert(
                                "otherOparlVersions".into(),
                                json!([format!(
                                    "http://oparl.beispielstadt.example/oparl/v{other}/"
                                )]),
                            );
                        }
                    }
                    "Body" if self.on(Fault::AgsSevenDigits) => {
                        if let Some(ags) = m.get("ags").and_then(Value::as_str) {
                            let short = ags.get(1..).unwrap_or(ags).to_string();
                            m.insert("ags".into(), json!(short));
                        }
                    }
                    "Paper" => {
                        if self.on(Fault::TypeUrlWrongVersion) {
                            m.insert(
                                "type".into(),
                                json!(format!("https://schema.oparl.org/{other}/Paper")),
                            );
                        }
                        if self.on(Fault::EmptyStringMembers)
                            && !deleted
                            && !m.contains_key("reference")
                        {
                            m.insert("reference".into(), json!(""));
                        }
                    }
                    "Person" => {
                        // Deleted objects keep modified (2-08): another rule.
                        if self.on(Fault::PersonWithoutModified) && !deleted {
                            m.remove("modified");
                        }
                        if self.on(Fault::EmptyStringMembers)
                            && !deleted
                            && !m.contains_key("affix")
                        {
                            m.insert("affix".into(), json!(""));
                        }
                    }
                    // A deleted File keeps its accessUrl so that its 410 can
                    // be seen; the faults change only the others.
                    "File" if !deleted => {
                        if self.on(Fault::FileWithoutAccessUrl) {
                            m.remove("accessUrl");
                        } else if self.on(Fault::RelativeAccessUrl)
                            && let Some(url) = m.get("accessUrl").and_then(Value::as_str)
                        {
                            let path = url
                                .find("/file/")
                                .and_then(|i| url.get(i..))
                                .unwrap_or(url)
                                .to_string();
                            m.insert("accessUrl".into(), json!(path));
                        }
                    }
                    "Meeting" if self.on(Fault::MeetingStartWithoutOffset) => {
                        if let Some(start) = m.get("start").and_then(Value::as_str) {
                            let local = start.get(..19).unwrap_or(start).to_string();
                            m.insert("start".into(), json!(local));
                        }
                    }
                    "Organization" if at_id && self.on(Fault::StaleObjectAtId) => {
                        if let Some(name) = m.get("name").and_then(Value::as_str) {
                            let stale = format!("{name} (bis 2020)");
                            m.insert("name".into(), json!(stale));
                        }
                    }
                    "AgendaItem" if self.v11 => {
                        if self.on(Fault::EmbeddedWithoutCreated) {
                            m.remove("created");
                        }
                        if self.on(Fault::AgendaItemWithoutOrder) && !deleted {
                            m.remove("order");
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    /// Papers that answer 404 at their id under `object-404-at-id`.
    fn paper_hidden(&self, index: usize) -> bool {
        self.on(Fault::Object404AtId)
            && index % 40 == 7
            && self.data.papers.get(index).is_some_and(|p| !p.meta.deleted)
    }

    /// One page of an external list of `kind` holding `items` (indices in
    /// id order), at `list_url`.
    fn list(
        &self,
        kind: Kind,
        items: &[usize],
        list_url: &str,
        q: &ListQuery,
        ctx: &Ctx,
    ) -> Response {
        let mut include_deleted = q.modified_since();
        if self.v11 && self.on(Fault::DeletedMissingWithModifiedSince) {
            include_deleted = false;
        }
        if self.v11 && self.on(Fault::DeletedInPlainList) {
            include_deleted = true;
        }
        let ignore_until = self.on(Fault::ModifiedUntilIgnored);
        let mut selected: Vec<usize> = items
            .iter()
            .copied()
            .filter(|&i| {
                render::meta(&self.data, kind, i).is_some_and(|meta| {
                    (include_deleted || !meta.deleted) && q.admits(&meta, ignore_until)
                })
            })
            .filter(|&i| {
                !(kind == Kind::Organization
                    && i == MISSING_ORGANIZATION
                    && self.on(Fault::ObjectMissingFromList))
            })
            .collect();
        if kind == Kind::Meeting && self.on(Fault::UnstableOrder) {
            // Per page read, so that only reading the same page again shows
            // it: a walk that reads each page once sees a consistent list.
            let key = (items.as_ptr() as usize, q.page, format!("{:?}", q.filters));
            let reads = match self.turns.lock() {
                Ok(mut turns) => {
                    let n = turns.entry(key).or_insert(0);
                    *n += 1;
                    *n
                }
                Err(_) => 1,
            };
            if reads % 2 == 0 {
                selected.reverse();
            }
        }
        let per_page = q.per_page();
        let step = if kind == Kind::Person && per_page > 1 && self.on(Fault::DuplicateAcrossPages) {
            per_page - 1
        } else {
            per_page
        };
        let paging = Paging { per_page, step };
        let total = selected.len();
        if q.page > paging.total_pages(total) {
            return self.error(
                StatusCode::NOT_FOUND,
                "Diese Listenseite existiert nicht.",
                &format!(
                    "Seite {} von {} angefragt.",
                    q.page,
                    paging.total_pages(total)
                ),
            );
        }
        let mut data: Vec<Value> = selected[paging.range(q.page, total)]
            .iter()
            .map(|&i| render::object(ctx, &self.data, kind, i))
            .collect();
        for item in &mut data {
            self.object_faults(item, false);
        }
        let page_faults = PageFaults {
            without_pagination: self.on(Fault::ListWithoutPagination),
            without_next: kind == Kind::Person && q.page == 2 && self.on(Fault::PageWithoutNext),
            next_without_filters: self.on(Fault::FilterDroppedFromLinks),
        };
        let page = lists::page_object(data, q, list_url, total, paging, page_faults);
        self.json(StatusCode::OK, &page)
    }

    /// A redirect (301) to the canonical form of a URL (2-03).
    fn moved(&self, ctx: &Ctx, path: &str, query: Option<&str>) -> Response {
        let target = match query {
            Some(q) => format!("{}{path}?{q}", ctx.base),
            None => format!("{}{path}", ctx.base),
        };
        match HeaderValue::from_str(&target) {
            Ok(v) => (StatusCode::MOVED_PERMANENTLY, [(LOCATION, v)]).into_response(),
            Err(_) => self.not_found(path),
        }
    }
}

/// An id path segment: a positive number without leading zeros, or its
/// canonical form, or nothing.
enum Id {
    Index(usize),
    NonCanonical(String),
    Invalid,
}

fn parse_id(s: &str) -> Id {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) || s.len() > 18 {
        return Id::Invalid;
    }
    match s.parse::<usize>() {
        Ok(0) | Err(_) => Id::Invalid,
        Ok(n) if s.starts_with('0') => Id::NonCanonical(n.to_string()),
        Ok(n) => Id::Index(n - 1),
    }
}

async fn system(State(st): State<St>, uri: Uri, headers: HeaderMap) -> Response {
    if st.on(Fault::SystemNotAtEntry) {
        return st.not_found("/");
    }
    let ctx = st.ctx(&uri, &headers, false);
    let mut value = render::system(&ctx, &st.data);
    st.object_faults(&mut value, true);
    st.json(StatusCode::OK, &value)
}

async fn bodies(State(st): State<St>, uri: Uri, headers: HeaderMap) -> Response {
    let q = match query(&st, &uri) {
        Ok(q) => q,
        Err(resp) => return *resp,
    };
    let ctx = st.ctx(&uri, &headers, q.omit_internal);
    let items: Vec<usize> = (0..st.data.bodies.len()).collect();
    st.list(Kind::Body, &items, &ctx.url("/bodies"), &q, &ctx)
}

fn query(st: &Oparl, uri: &Uri) -> Result<ListQuery, Box<Response>> {
    let mut q = ListQuery::parse(uri.query()).map_err(|e| {
        Box::new(st.error(
            StatusCode::BAD_REQUEST,
            "Die Anfrage enthält einen ungültigen Parameter.",
            &e.0,
        ))
    })?;
    if !st.v11 {
        q.omit_internal = false;
    }
    Ok(q)
}

async fn object(
    State(st): State<St>,
    Path((segment, id)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let omit_internal = uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "omit_internal=true"));
    let ctx = st.ctx(&uri, &headers, omit_internal);
    let Some(kind) = Kind::from_segment(&segment) else {
        return st.not_found(uri.path());
    };
    let index = match parse_id(&id) {
        Id::Index(i) => i,
        Id::NonCanonical(canonical) => {
            return st.moved(&ctx, &format!("/{segment}/{canonical}"), uri.query());
        }
        Id::Invalid => return st.not_found(uri.path()),
    };
    let Some(meta) = render::meta(&st.data, kind, index) else {
        return st.not_found(uri.path());
    };
    if meta.deleted && st.on(Fault::DeletedObjectGone) {
        return st.not_found(uri.path());
    }
    if kind == Kind::Paper && st.paper_hidden(index) {
        return st.not_found(uri.path());
    }
    let mut value = render::object(&ctx, &st.data, kind, index);
    st.object_faults(&mut value, true);
    st.json(StatusCode::OK, &value)
}

async fn sub_resource(
    State(st): State<St>,
    Path((segment, id, sub)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let index = match parse_id(&id) {
        Id::Index(i) => i,
        Id::NonCanonical(canonical) => {
            let ctx = st.ctx(&uri, &headers, false);
            return st.moved(&ctx, &format!("/{segment}/{canonical}/{sub}"), uri.query());
        }
        Id::Invalid => return st.not_found(uri.path()),
    };
    if segment == "file" && (sub == "access" || sub == "download") {
        return file_content(&st, index, sub == "download", &headers);
    }
    let q = match query(&st, &uri) {
        Ok(q) => q,
        Err(resp) => return *resp,
    };
    let ctx = st.ctx(&uri, &headers, q.omit_internal);
    let list_url = ctx.url(&format!("/{segment}/{}/{sub}", index + 1));
    let d = &st.data;
    let (kind, items): (Kind, &[usize]) = match (segment.as_str(), d.lists.get(index)) {
        ("body", Some(l)) if index < d.bodies.len() => match (sub.as_str(), st.v11) {
            ("organizations", _) => (Kind::Organization, &l.organizations),
            ("persons", _) => (Kind::Person, &l.persons),
            ("meetings", _) => (Kind::Meeting, &l.meetings),
            ("papers", _) => (Kind::Paper, &l.papers),
            ("agendaitems", true) => (Kind::AgendaItem, &l.agenda_items),
            ("consultations", true) => (Kind::Consultation, &l.consultations),
            ("files", true) => (Kind::File, &l.files),
            ("locations", true) => (Kind::Location, &l.locations),
            ("legislativeterms", true) => (Kind::LegislativeTerm, &l.terms),
            ("memberships", true) => (Kind::Membership, &l.memberships),
            _ => return st.not_found(uri.path()),
        },
        ("organization", _) => match (d.organizations.get(index), sub.as_str(), st.v11) {
            (Some(o), "meetings", _) if !o.meta.deleted => (Kind::Meeting, &o.meetings),
            (Some(o), "consultations", true) if !o.meta.deleted => {
                (Kind::Consultation, &o.consultations)
            }
            _ => return st.not_found(uri.path()),
        },
        _ => return st.not_found(uri.path()),
    };
    st.list(kind, items, &list_url, &q, &ctx)
}

/// The content of a File at its accessUrl (inline) or downloadUrl
/// (attachment), with the recommendations of 2-07: ETag, Last-Modified,
/// Content-Length, conditional GET and byte ranges; 410 for a deleted file.
fn file_content(st: &Oparl, index: usize, download: bool, headers: &HeaderMap) -> Response {
    let Some(file) = st.data.files.get(index) else {
        return st.not_found(&format!("/file/{}", index + 1));
    };
    if file.meta.deleted && !st.on(Fault::DeletedFileStillServed) {
        return st.error(
            StatusCode::GONE,
            "Die Datei wurde gelöscht.",
            &format!("File {} ist gelöscht.", index + 1),
        );
    }
    let content = render::file_content(&st.data, index);
    let digest = hex::encode(Sha512::digest(&content));
    let etag = format!("\"{}\"", digest.get(..32).unwrap_or(&digest));
    let modified = std::time::UNIX_EPOCH
        + std::time::Duration::from_secs(u64::try_from(file.meta.modified).unwrap_or(0));
    let last_modified = httpdate::fmt_http_date(modified);
    let disposition = format!(
        "{}; filename=\"{}\"",
        if download { "attachment" } else { "inline" },
        file.file_name
    );
    let mut common = vec![
        (ETAG, etag.clone()),
        (LAST_MODIFIED, last_modified),
        (ACCEPT_RANGES, "bytes".to_string()),
    ];
    let not_modified = match headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(tags) => tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t.trim_matches('"').starts_with(etag.trim_matches('"'))),
        None => headers
            .get(IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .is_some_and(|since| since >= modified),
    };
    if not_modified {
        return header_response(StatusCode::NOT_MODIFIED, common, Vec::new());
    }
    common.push((CONTENT_TYPE, "application/pdf".to_string()));
    common.push((CONTENT_DISPOSITION, disposition));
    common.push((VARY, "Accept-Encoding".to_string()));
    let len = content.len();
    let range = headers.get(RANGE).and_then(|v| v.to_str().ok());
    if range.is_none()
        && let Some(coding) = compression::choose(headers)
    {
        // A compressed representation has its own entity tag.
        common.retain(|(name, _)| name != ETAG);
        let tag = etag.trim_end_matches('"');
        common.push((ETAG, format!("{tag}-{}\"", coding.name())));
        common.push((CONTENT_ENCODING, coding.name().to_string()));
        return header_response(StatusCode::OK, common, coding.encode(&content));
    }
    if let Some(range) = range {
        match byte_range(range, len) {
            Some(Some((start, end))) => {
                common.push((CONTENT_RANGE, format!("bytes {start}-{end}/{len}")));
                let part = content.get(start..=end).unwrap_or_default().to_vec();
                return header_response(StatusCode::PARTIAL_CONTENT, common, part);
            }
            Some(None) => {
                common.retain(|(name, _)| name != CONTENT_TYPE && name != CONTENT_DISPOSITION);
                common.push((CONTENT_RANGE, format!("bytes */{len}")));
                return header_response(StatusCode::RANGE_NOT_SATISFIABLE, common, Vec::new());
            }
            None => {}
        }
    }
    header_response(StatusCode::OK, common, content)
}

/// A single byte range (RFC 9110 14.1.2): `None` when the header is not one
/// range in bytes (the whole content is sent), `Some(None)` when it cannot
/// be satisfied, else the first and last position.
fn byte_range(header: &str, len: usize) -> Option<Option<(usize, usize)>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        let n: usize = last.parse().ok()?;
        if n == 0 || len == 0 {
            return Some(None);
        }
        return Some(Some((len - n.min(len), len - 1)));
    }
    let start: usize = first.parse().ok()?;
    let end = if last.is_empty() {
        len.saturating_sub(1)
    } else {
        let end: usize = last.parse().ok()?;
        if end < start {
            return None;
        }
        end.min(len.saturating_sub(1))
    };
    if start >= len {
        return Some(None);
    }
    Some(Some((start, end)))
}

fn header_response(
    status: StatusCode,
    headers: Vec<(axum::http::HeaderName, String)>,
    body: Vec<u8>,
) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            resp.headers_mut().insert(name, v);
        }
    }
    resp
}

/// Unknown URLs: 404, or 301 to the form without a trailing slash when that
/// is one of ours.
async fn fallback(State(st): State<St>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if path.len() > 1 && path.ends_with('/') {
        let ctx = st.ctx(&uri, &headers, false);
        return st.moved(&ctx, path.trim_end_matches('/'), uri.query());
    }
    st.not_found(path)
}

async fn method_not_allowed(State(st): State<St>) -> Response {
    let mut resp = st.error(
        StatusCode::METHOD_NOT_ALLOWED,
        "Die OParl-Schnittstelle ist nur lesbar.",
        "Erlaubt sind GET, HEAD und OPTIONS.",
    );
    resp.headers_mut()
        .insert(ALLOW, HeaderValue::from_static("GET, HEAD, OPTIONS"));
    resp
}

/// CORS (2-06) on every response, preflight requests, and the faults that
/// act on the finished response.
async fn response_faults(State(st): State<St>, req: Request, next: Next) -> Response {
    let mut resp = if req.method() == Method::OPTIONS {
        let mut resp = StatusCode::NO_CONTENT.into_response();
        let h = resp.headers_mut();
        h.insert(ALLOW, HeaderValue::from_static("GET, HEAD, OPTIONS"));
        h.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, HEAD, OPTIONS"),
        );
        resp
    } else {
        next.run(req).await
    };
    if !st.on(Fault::NoCorsHeader) {
        resp.headers_mut()
            .insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    }
    let is_json = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json && st.on(Fault::JsonBom) {
        let (mut parts, body) = resp.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(&bytes);
        parts.headers.remove(CONTENT_LENGTH);
        resp = Response::from_parts(parts, Body::from(with_bom));
    }
    resp
}

/// The size of the data set at `scale`, for the benchmark and the tests:
/// how many objects the Bodies' external lists of OParl 1.1 hold.
pub fn list_objects(scale: u32) -> usize {
    Dataset::generate(scale).list_objects()
}
