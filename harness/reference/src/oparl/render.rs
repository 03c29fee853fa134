//! The OParl JSON of each object type, built from the data set for one
//! request: absolute URLs from the base URL the client used, the type URLs
//! and members of the served version (1.0 or 1.1), date-times with the
//! German offset, optional members left out when they have no value (2-04),
//! the reduced shape of deleted objects (2-08), and the back references that
//! only objects fetched on their own carry (File, Location: "wird nur dann
//! ausgegeben, wenn das Objekt nicht als eingebettetes Objekt aufgerufen
//! wird"). Faults are applied afterwards, on the JSON (`mod.rs`).

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha512};
use time::{Date, Month, OffsetDateTime, Weekday};

use super::data::{Dataset, Meta};

/// The twelve object types and the path segment of their URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    System,
    Body,
    LegislativeTerm,
    Organization,
    Person,
    Membership,
    Meeting,
    AgendaItem,
    Consultation,
    Paper,
    File,
    Location,
}

impl Kind {
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::System => "System",
            Kind::Body => "Body",
            Kind::LegislativeTerm => "LegislativeTerm",
            Kind::Organization => "Organization",
            Kind::Person => "Person",
            Kind::Membership => "Membership",
            Kind::Meeting => "Meeting",
            Kind::AgendaItem => "AgendaItem",
            Kind::Consultation => "Consultation",
            Kind::Paper => "Paper",
            Kind::File => "File",
            Kind::Location => "Location",
        }
    }

    /// The first path segment of an object of this type (`/paper/7`).
    pub fn segment(self) -> &'static str {
        match self {
            Kind::System => "",
            Kind::Body => "body",
            Kind::LegislativeTerm => "legislativeterm",
            Kind::Organization => "organization",
            Kind::Person => "person",
            Kind::Membership => "membership",
            Kind::Meeting => "meeting",
            Kind::AgendaItem => "agendaitem",
            Kind::Consultation => "consultation",
            Kind::Paper => "paper",
            Kind::File => "file",
            Kind::Location => "location",
        }
    }

    pub fn from_segment(s: &str) -> Option<Kind> {
        [
            Kind::Body,
            Kind::LegislativeTerm,
            Kind::Organization,
            Kind::Person,
            Kind::Membership,
            Kind::Meeting,
            Kind::AgendaItem,
            Kind::Consultation,
            Kind::Paper,
            Kind::File,
            Kind::Location,
        ]
        .into_iter()
        .find(|k| k.segment() == s)
    }
}

/// What one rendering needs to know about the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// `https://host:port`, no trailing slash.
    pub base: String,
    pub v11: bool,
    /// `omit_internal=true` (1.1, 2-05): leave out the internal lists.
    pub omit_internal: bool,
}

impl Ctx {
    pub fn version(&self) -> &'static str {
        if self.v11 { "1.1" } else { "1.0" }
    }

    pub fn type_url(&self, kind: Kind) -> String {
        format!(
            "https://schema.oparl.org/{}/{}",
            self.version(),
            kind.type_name()
        )
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn obj_url(&self, kind: Kind, index: usize) -> String {
        format!("{}/{}/{}", self.base, kind.segment(), index + 1)
    }
}

/// The last Sunday of `month` in `year`.
fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let mut d = Date::from_calendar_date(year, month, month.length(year)).ok()?;
    while d.weekday() != Weekday::Sunday {
        d = d.previous_day()?;
    }
    Some(d)
}

/// Whether German summer time (CEST, +02:00) applies at the UTC instant.
fn summer_time(utc: OffsetDateTime) -> bool {
    let year = utc.year();
    let (Some(start), Some(end)) = (
        last_sunday(year, Month::March),
        last_sunday(year, Month::October),
    ) else {
        return false;
    };
    let start = start.midnight().assume_utc() + time::Duration::hours(1);
    let end = end.midnight().assume_utc() + time::Duration::hours(1);
    utc >= start && utc < end
}

/// `yyyy-mm-ddThh:mm:ss±hh:mm` in German local time (2-04).
pub fn date_time(unix: i64) -> String {
    let utc = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let hours = if summer_time(utc) { 2 } else { 1 };
    let local = utc + time::Duration::hours(hours);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+{hours:02}:00",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute(),
        local.second()
    )
}

/// `yyyy-mm-dd` of the German local date at the instant.
pub fn date_of(unix: i64) -> String {
    date_time(unix).chars().take(10).collect()
}

/// A JSON object under construction; members without a value are left out.
struct Obj(Map<String, Value>);

impl Obj {
    fn new(ctx: &Ctx, kind: Kind, index: usize) -> Obj {
        let mut m = Map::new();
        m.insert("id".into(), Value::String(ctx.obj_url(kind, index)));
        m.insert("type".into(), Value::String(ctx.type_url(kind)));
        Obj(m)
    }

    fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.0.insert(key.to_string(), value.into());
    }

    fn opt(&mut self, key: &str, value: Option<impl Into<Value>>) {
        if let Some(v) = value {
            self.set(key, v);
        }
    }

    /// An array member, left out when empty (2-04).
    fn list(&mut self, key: &str, values: Vec<Value>) {
        if !values.is_empty() {
            self.set(key, Value::Array(values));
        }
    }

    fn urls(&mut self, ctx: &Ctx, key: &str, kind: Kind, indices: &[usize]) {
        self.list(
            key,
            indices
                .iter()
                .map(|&i| Value::String(ctx.obj_url(kind, i)))
                .collect(),
        );
    }

    fn meta(&mut self, meta: &Meta) {
        self.set("created", date_time(meta.created));
        self.set("modified", date_time(meta.modified));
    }

    fn done(self) -> Value {
        Value::Object(self.0)
    }
}

/// The shape of a deleted object (2-08): id, type, created, modified (the
/// deletion time) and `deleted: true`.
fn deleted(ctx: &Ctx, kind: Kind, index: usize, meta: &Meta) -> Obj {
    let mut o = Obj::new(ctx, kind, index);
    o.meta(meta);
    o.set("deleted", true);
    o
}

const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

pub fn system(ctx: &Ctx, d: &Dataset) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(ctx.url("/")));
    m.insert("type".into(), Value::String(ctx.type_url(Kind::System)));
    let mut o = Obj(m);
    o.set(
        "oparlVersion",
        format!("https://schema.oparl.org/{}/", ctx.version()),
    );
    o.set("license", LICENSE);
    o.set("body", ctx.url("/bodies"));
    o.set("name", "konform OParl-Referenzsystem");
    o.set("contactEmail", "oparl@konform.example");
    o.set("contactName", "konform Konformitätsprüfung");
    o.set("website", "https://konform.example/");
    o.set("vendor", "https://konform.example/");
    o.set("product", "https://konform.example/reference/oparl/");
    if let Some(meta) = &d.system {
        o.meta(meta);
    }
    o.done()
}

pub fn body(ctx: &Ctx, d: &Dataset, i: usize) -> Value {
    let b = &d.bodies[i];
    let mut o = Obj::new(ctx, Kind::Body, i);
    let list = |name: &str| ctx.url(&format!("/body/{}/{name}", i + 1));
    o.set("system", ctx.url("/"));
    o.set("shortName", b.short_name);
    o.set("name", b.name);
    o.set("website", b.website);
    o.set("license", LICENSE);
    o.set("licenseValidSince", date_time(b.meta.created));
    o.set("oparlSince", date_time(b.meta.created));
    o.set("ags", b.ags);
    o.set("rgs", b.rgs);
    o.set("contactEmail", b.contact_email);
    o.set("contactName", b.contact_name);
    o.set("organization", list("organizations"));
    o.set("person", list("persons"));
    o.set("meeting", list("meetings"));
    o.set("paper", list("papers"));
    o.set(
        "legislativeTerm",
        Value::Array(
            b.terms
                .iter()
                .map(|&t| legislative_term(ctx, d, t, true))
                .collect(),
        ),
    );
    if ctx.v11 {
        o.set("agendaItem", list("agendaitems"));
        o.set("consultation", list("consultations"));
        o.set("file", list("files"));
        o.set("locationList", list("locations"));
        o.set("legislativeTermList", list("legislativeterms"));
        o.set("membership", list("memberships"));
        o.set(
            "mainOrganization",
            ctx.obj_url(Kind::Organization, b.main_organization),
        );
    }
    o.set("classification", b.classification);
    o.set("location", location(ctx, d, b.location, true));
    o.meta(&b.meta);
    o.done()
}

pub fn legislative_term(ctx: &Ctx, d: &Dataset, i: usize, _embedded: bool) -> Value {
    let t = &d.terms[i];
    let mut o = Obj::new(ctx, Kind::LegislativeTerm, i);
    o.set("body", ctx.obj_url(Kind::Body, t.body));
    o.set("name", t.name);
    o.set("startDate", t.start);
    o.set("endDate", t.end);
    o.meta(&t.meta);
    o.done()
}

pub fn organization(ctx: &Ctx, d: &Dataset, i: usize) -> Value {
    let org = &d.organizations[i];
    if org.meta.deleted {
        return deleted(ctx, Kind::Organization, i, &org.meta).done();
    }
    let mut o = Obj::new(ctx, Kind::Organization, i);
    o.set("body", ctx.obj_url(Kind::Body, org.body));
    o.set("name", org.name.as_str());
    o.urls(ctx, "membership", Kind::Membership, &org.memberships);
    o.set(
        "meeting",
        ctx.url(&format!("/organization/{}/meetings", i + 1)),
    );
    if ctx.v11 {
        o.set(
            "consultation",
            ctx.url(&format!("/organization/{}/consultations", i + 1)),
        );
    }
    o.set("shortName", org.short_name.as_str());
    o.list("post", org.post.iter().map(|p| json!(p)).collect());
    o.opt(
        "subOrganizationOf",
        org.sub_organization_of
            .map(|s| ctx.obj_url(Kind::Organization, s)),
    );
    o.set("organizationType", org.organization_type);
    o.set("classification", org.classification);
    o.set("startDate", org.start_date);
    o.opt("website", org.website.as_deref());
    o.opt("location", org.location.map(|l| location(ctx, d, l, true)));
    if ctx.v11 {
        let current: Vec<&super::data::Membership> = org
            .memberships
            .iter()
            .map(|&m| &d.memberships[m])
            .filter(|m| m.end_date.is_none())
            .collect();
        o.set("memberCount", current.len());
        o.set(
            "votingMemberCount",
            current.iter().filter(|m| m.voting_right).count(),
        );
    }
    o.meta(&org.meta);
    o.done()
}

pub fn person(ctx: &Ctx, d: &Dataset, i: usize) -> Value {
    let p = &d.persons[i];
    if p.meta.deleted {
        return deleted(ctx, Kind::Person, i, &p.meta).done();
    }
    let mut o = Obj::new(ctx, Kind::Person, i);
    o.set("body", ctx.obj_url(Kind::Body, p.body));
    let name = match p.title {
        Some(t) => format!("{t} {} {}", p.given_name, p.family_name),
        None => format!("{} {}", p.given_name, p.family_name),
    };
    o.set("name", name);
    o.set("familyName", p.family_name);
    o.set("givenName", p.given_name);
    o.set("formOfAddress", p.form_of_address);
    o.opt("affix", p.affix);
    o.opt("title", p.title.map(|t| json!([t])));
    o.set("gender", p.gender);
    o.set("email", json!([p.email]));
    o.opt("phone", p.phone.as_ref().map(|ph| json!([ph])));
    if let Some(l) = p.location {
        o.set("location", ctx.obj_url(Kind::Location, l));
        if ctx.v11 {
            o.set("locationObject", location(ctx, d, l, true));
        }
    }
    o.set("status", json!([p.status]));
    if !ctx.omit_internal {
        o.list(
            "membership",
            p.memberships
                .iter()
                .map(|&m| membership(ctx, d, m, true))
                .collect(),
        );
    }
    o.meta(&p.meta);
    o.done()
}

pub fn membership(ctx: &Ctx, d: &Dataset, i: usize, _embedded: bool) -> Value {
    let m = &d.memberships[i];
    let mut o = Obj::new(ctx, Kind::Membership, i);
    o.set("person", ctx.obj_url(Kind::Person, m.person));
    o.set(
        "organization",
        ctx.obj_url(Kind::Organization, m.organization),
    );
    o.set("role", m.role);
    o.set("votingRight", m.voting_right);
    o.set("startDate", m.start_date);
    o.opt("endDate", m.end_date);
    o.opt(
        "onBehalfOf",
        m.on_behalf_of.map(|b| ctx.obj_url(Kind::Organization, b)),
    );
    o.meta(&m.meta);
    o.done()
}

pub fn meeting(ctx: &Ctx, d: &Dataset, i: usize) -> Value {
    let m = &d.meetings[i];
    if m.meta.deleted {
        return deleted(ctx, Kind::Meeting, i, &m.meta).done();
    }
    let mut o = Obj::new(ctx, Kind::Meeting, i);
    o.set("name", m.name.as_str());
    o.set("meetingState", m.state);
    if m.cancelled {
        o.set("cancelled", true);
    }
    o.set("start", date_time(m.start));
    o.set("end", date_time(m.end));
    o.set("location", location(ctx, d, m.location, true));
    o.set(
        "organization",
        json!([ctx.obj_url(Kind::Organization, m.organization)]),
    );
    o.urls(ctx, "participant", Kind::Person, &m.participants);
    o.opt("invitation", m.invitation.map(|f| file(ctx, d, f, true)));
    o.opt(
        "resultsProtocol",
        m.results_protocol.map(|f| file(ctx, d, f, true)),
    );
    if !ctx.omit_internal {
        o.list(
            "auxiliaryFile",
            m.auxiliary_files
                .iter()
                .map(|&f| file(ctx, d, f, true))
                .collect(),
        );
        o.list(
            "agendaItem",
            m.agenda_items
                .iter()
                .map(|&a| agenda_item(ctx, d, a, true))
                .collect(),
        );
    }
    o.meta(&m.meta);
    o.done()
}

pub fn agenda_item(ctx: &Ctx, d: &Dataset, i: usize, _embedded: bool) -> Value {
    let a = &d.agenda_items[i];
    let mut o = Obj::new(ctx, Kind::AgendaItem, i);
    o.set("meeting", ctx.obj_url(Kind::Meeting, a.meeting));
    o.set("number", (a.order + 1).to_string());
    if ctx.v11 {
        o.set("order", a.order);
    }
    o.set("name", a.name.as_str());
    o.set("public", a.public);
    o.opt(
        "consultation",
        a.consultation.map(|c| ctx.obj_url(Kind::Consultation, c)),
    );
    o.opt("result", a.result);
    o.meta(&a.meta);
    o.done()
}

pub fn consultation(ctx: &Ctx, d: &Dataset, i: usize, _embedded: bool) -> Value {
    let c = &d.consultations[i];
    let mut o = Obj::new(ctx, Kind::Consultation, i);
    o.set("paper", ctx.obj_url(Kind::Paper, c.paper));
    o.opt(
        "agendaItem",
        c.agenda_item.map(|a| ctx.obj_url(Kind::AgendaItem, a)),
    );
    o.opt("meeting", c.meeting.map(|m| ctx.obj_url(Kind::Meeting, m)));
    o.set(
        "organization",
        json!([ctx.obj_url(Kind::Organization, c.organization)]),
    );
    o.set("authoritative", c.authoritative);
    o.set("role", c.role);
    o.meta(&c.meta);
    o.done()
}

pub fn paper(ctx: &Ctx, d: &Dataset, i: usize) -> Value {
    let p = &d.papers[i];
    if p.meta.deleted {
        return deleted(ctx, Kind::Paper, i, &p.meta).done();
    }
    let mut o = Obj::new(ctx, Kind::Paper, i);
    o.set("body", ctx.obj_url(Kind::Body, p.body));
    o.set("name", p.name.as_str());
    o.opt("reference", p.reference.as_deref());
    o.set("date", p.date.as_str());
    o.set("paperType", p.paper_type);
    o.urls(ctx, "relatedPaper", Kind::Paper, &p.related);
    o.opt("mainFile", p.main_file.map(|f| file(ctx, d, f, true)));
    if !ctx.omit_internal {
        o.list(
            "auxiliaryFile",
            p.auxiliary_files
                .iter()
                .map(|&f| file(ctx, d, f, true))
                .collect(),
        );
        o.list(
            "location",
            p.locations
                .iter()
                .map(|&l| location(ctx, d, l, true))
                .collect(),
        );
    }
    o.urls(ctx, "originatorPerson", Kind::Person, &p.originator_persons);
    o.urls(
        ctx,
        "originatorOrganization",
        Kind::Organization,
        &p.originator_organizations,
    );
    o.list(
        "consultation",
        p.consultations
            .iter()
            .map(|&c| consultation(ctx, d, c, true))
            .collect(),
    );
    o.meta(&p.meta);
    o.done()
}

/// The bytes a File's accessUrl serves: a one-page PDF naming the file.
pub fn file_content(d: &Dataset, i: usize) -> Vec<u8> {
    let f = &d.files[i];
    let text: String = super::data::slug(&f.name)
        .chars()
        .map(|c| if c == '-' { ' ' } else { c })
        .collect();
    let stream = format!("BT /F1 12 Tf 56 780 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (n, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{body}\nendobj\n", n + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for off in offsets {
        out.push_str(&format!("{off:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

pub fn file(ctx: &Ctx, d: &Dataset, i: usize, embedded: bool) -> Value {
    let f = &d.files[i];
    let access = ctx.url(&format!("/file/{}/access", i + 1));
    let download = ctx.url(&format!("/file/{}/download", i + 1));
    if f.meta.deleted {
        // The file's URLs stay, so that a client learns they are gone (410).
        let mut o = deleted(ctx, Kind::File, i, &f.meta);
        o.set("accessUrl", access);
        o.set("downloadUrl", download);
        return o.done();
    }
    let content = file_content(d, i);
    let mut o = Obj::new(ctx, Kind::File, i);
    o.set("name", f.name.as_str());
    o.set("fileName", f.file_name.as_str());
    o.set("mimeType", "application/pdf");
    o.set("date", f.date.as_str());
    o.set("size", content.len());
    if ctx.v11 {
        o.set("sha512Checksum", hex::encode(Sha512::digest(&content)));
    }
    o.set("accessUrl", access);
    o.set("downloadUrl", download);
    if !embedded {
        o.urls(ctx, "meeting", Kind::Meeting, &f.meetings);
        o.urls(ctx, "paper", Kind::Paper, &f.papers);
    }
    o.meta(&f.meta);
    o.done()
}

pub fn location(ctx: &Ctx, d: &Dataset, i: usize, embedded: bool) -> Value {
    let l = &d.locations[i];
    let mut o = Obj::new(ctx, Kind::Location, i);
    o.set("description", l.description.as_str());
    o.set(
        "geojson",
        json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [l.point.0, l.point.1]},
            "properties": {"name": l.description},
        }),
    );
    o.set("streetAddress", l.street_address.as_str());
    o.opt("room", l.room);
    o.set("postalCode", l.postal_code);
    o.opt("subLocality", l.sub_locality);
    o.set("locality", l.locality);
    if !embedded {
        o.urls(ctx, "bodies", Kind::Body, &l.bodies);
        if ctx.v11 {
            o.urls(ctx, "organizations", Kind::Organization, &l.organizations);
            o.urls(ctx, "persons", Kind::Person, &l.persons);
            o.urls(ctx, "meetings", Kind::Meeting, &l.meetings);
        } else {
            o.urls(ctx, "organization", Kind::Organization, &l.organizations);
            o.urls(ctx, "meeting", Kind::Meeting, &l.meetings);
        }
        o.urls(ctx, "papers", Kind::Paper, &l.papers);
    }
    o.meta(&l.meta);
    o.done()
}

/// An object of any type at its own URL (not embedded).
pub fn object(ctx: &Ctx, d: &Dataset, kind: Kind, i: usize) -> Value {
    match kind {
        Kind::System => system(ctx, d),
        Kind::Body => body(ctx, d, i),
        Kind::LegislativeTerm => legislative_term(ctx, d, i, false),
        Kind::Organization => organization(ctx, d, i),
        Kind::Person => person(ctx, d, i),
        Kind::Membership => membership(ctx, d, i, false),
        Kind::Meeting => meeting(ctx, d, i),
        Kind::AgendaItem => agenda_item(ctx, d, i, false),
        Kind::Consultation => consultation(ctx, d, i, false),
        Kind::Paper => paper(ctx, d, i),
        Kind::File => file(ctx, d, i, false),
        Kind::Location => location(ctx, d, i, false),
    }
}

/// Creation, modification and deletion of an object.
pub fn meta(d: &Dataset, kind: Kind, i: usize) -> Option<Meta> {
    Some(match kind {
        Kind::System => d.system?,
        Kind::Body => d.bodies.get(i)?.meta,
        Kind::LegislativeTerm => d.terms.get(i)?.meta,
        Kind::Organization => d.organizations.get(i)?.meta,
        Kind::Person => d.persons.get(i)?.meta,
        Kind::Membership => d.memberships.get(i)?.meta,
        Kind::Meeting => d.meetings.get(i)?.meta,
        Kind::AgendaItem => d.agenda_items.get(i)?.meta,
        Kind::Consultation => d.consultations.get(i)?.meta,
        Kind::Paper => d.papers.get(i)?.meta,
        Kind::File => d.files.get(i)?.meta,
        Kind::Location => d.locations.get(i)?.meta,
    })
}
