//! The crawl of a case (`crawl:`): a walk through a hypermedia API from one
//! entry URL, following the links that JSON Pointers select, checking every
//! object reached by the rule for its type, every external list as a
//! sequence of pages, and a sample of objects at their own `id`. Bounded by
//! [`CrawlLimits`], which the report states together with what was covered
//! ([`CrawlCoverage`]). Written for OParl; nothing in it is OParl-specific
//! (OGC API, HAL and JSON:API fit the same shape: an id, a type, items and a
//! next link). Semantics: `schemas/konform/CRAWL.md`.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::suite::{BodyCheck, HeaderCheck};

/// A crawl, run after the case's `steps` (whose captures it may use).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Crawl {
    /// Where the walk starts: a path relative to the base URL or an absolute
    /// URL within the target's origin (templates allowed).
    pub entry: String,
    /// Query parameters added to the entry URL (templates allowed): a
    /// filtered walk. Every link of every page must keep them
    /// (`checks.query_kept`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub query: IndexMap<String, Value>,
    /// `object`: the entry is an object (the walk follows its links);
    /// `list`: the entry is a list, walked page by page.
    #[serde(default)]
    pub entry_kind: EntryKind,
    /// Follow the links and lists of the objects reached (default); `false`
    /// walks only the entry.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub follow: bool,
    pub limits: CrawlLimits,
    /// Where every object names its own URL, its type and whether it is deleted.
    pub object: ObjectShape,
    /// What a page of an external list looks like.
    pub page: PageShape,
    /// Header checks applied to every response of the walk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderCheck>,
    /// One rule per object type; the first whose `matches` accepts an
    /// object's type applies.
    pub types: Vec<TypeRule>,
    /// The walk's own checks and the requirements each verifies; a check
    /// without requirements is not made.
    #[serde(default)]
    pub checks: CrawlChecks,
}

fn yes() -> bool {
    true
}

fn is_yes(b: &bool) -> bool {
    *b
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    #[default]
    Object,
    List,
}

/// Bounds of a walk. Each is stated in the report with what it cut off.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CrawlLimits {
    /// Requests the walk may send in all.
    pub requests: u64,
    /// Links followed from the entry (the entry is depth 0).
    pub depth: u32,
    /// Pages read of one list; a list cut here is not walked to its end.
    pub pages_per_list: u32,
    /// Objects of each type fetched at their own `id` (the first reached).
    pub fetch_per_type: u32,
}

/// Where an object names its URL and its type (JSON Pointers).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ObjectShape {
    pub id: String,
    #[serde(rename = "type")]
    pub type_at: String,
    /// Where an object says it is deleted (`true`): a deleted object is
    /// checked like any other but not expected in the lists (`in_list`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<String>,
}

/// A page of an external list (JSON Pointers into the page).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageShape {
    /// The array of the page's objects.
    pub items: String,
    /// The URL of the next page; absent on the last page.
    pub next: String,
    /// An object whose string members are URLs of the list (they must keep
    /// the walk's `query`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<String>,
    /// The page's number, and the list's number of pages: with both, a page
    /// before the last that has no `next` is a finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_page: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<String>,
    /// JSON Schema every page must satisfy (a `$ref` into `schemas/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Checks on every item of every page of the walk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_checks: Vec<BodyCheck>,
    /// Checks that at least one item of the walk's lists must pass (a
    /// deleted object that a filtered list must include).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub some_items: Vec<BodyCheck>,
}

/// What applies to the objects of one type.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TypeRule {
    /// The type's short name in findings and in the coverage (`Paper`).
    pub name: String,
    /// Regular expression (unanchored) the value at `object.type` matches.
    pub matches: String,
    /// Schemas every object of the type satisfies, each with its attribution.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<TypeSchema>,
    /// Body checks on every object of the type (pointers into the object).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<BodyCheck>,
    /// Pointers to URLs of objects (a string or an array of strings; a `*`
    /// segment selects every element); the objects are reached by link.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// Pointers to URLs of external lists, walked page by page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<String>,
    /// Pointers to embedded objects (an object or an array of them): each is
    /// checked as an object of its own type and counted, and may be fetched
    /// at its id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embedded: Vec<String>,
}

/// A schema for a type, with the requirements its violations blame.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TypeSchema {
    #[serde(rename = "ref")]
    pub reference: String,
    /// The requirements a violation blames unless a `blame` rule says otherwise.
    pub verifies: Vec<String>,
    /// More specific attribution, first match wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blame: Vec<Blame>,
}

/// Attribution of the violations that match every condition given.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Blame {
    /// The member the violation is about: the missing member of a
    /// `required` violation, else the last member name of its location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// A substring of the violated keyword's location in the schema
    /// (`$defs/ags`, `/required`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// The violation lies inside this member of the object (a JSON Pointer
    /// prefix, `*` for any array element).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    pub verifies: Vec<String>,
}

/// The walk's own checks, each with the requirements it verifies.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CrawlChecks {
    /// The entry answers 200 with JSON of a known type (or a list page).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entry: Vec<String>,
    /// Every response body is JSON in UTF-8 without a byte order mark.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub json: Vec<String>,
    /// Every object's type matches one of the rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_type: Vec<String>,
    /// Every page answers 200 and satisfies `page` (items, `page.schema`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub page: Vec<String>,
    /// Every page before the last has a next link.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub next: Vec<String>,
    /// No object appears twice in one list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_duplicates: Vec<String>,
    /// The first page of a list read again lists the same objects in the same order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stable_order: Vec<String>,
    /// An object reached by link is in a list of its type that was walked to the end.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_list: Vec<String>,
    /// An object answers 200 at its own `id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_id: Vec<String>,
    /// An object at its own `id` has the members it had where it was reached, with the same values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub same_at_id: Vec<String>,
    /// Every link of every page keeps the walk's `query`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query_kept: Vec<String>,
}

/// What a walk covered, stated in the report (`CaseResult.crawl`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CrawlCoverage {
    pub limits: CrawlLimits,
    /// Requests sent by the walk.
    pub requests: u64,
    /// Lists started, and of them walked to their last page.
    pub lists: u64,
    pub lists_complete: u64,
    /// Pages read.
    pub pages: u64,
    /// Distinct objects reached (in lists, embedded, by link).
    pub objects: u64,
    /// Objects fetched at their own id.
    pub fetched_at_id: u64,
    /// Per type: objects reached and fetched at their id.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub types: IndexMap<String, TypeCoverage>,
    /// What the limits cut off (`request budget`, `depth`, `pages per list`);
    /// empty when the walk reached everything it was asked to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cut_by: Vec<String>,
    /// Links not followed because they leave the target's origin.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub foreign_links: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Per-type coverage of a walk.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TypeCoverage {
    pub objects: u64,
    pub fetched_at_id: u64,
}

impl CrawlCoverage {
    /// One line for terminals and certificates:
    /// `3000 requests: 12 of 12 lists walked to the end, 400 of 17335 objects fetched at their id`.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} requests: {} of {} lists walked to the end, {} of {} objects fetched at their id",
            self.requests, self.lists_complete, self.lists, self.fetched_at_id, self.objects
        );
        if !self.cut_by.is_empty() {
            s.push_str(&format!(" (cut by {})", self.cut_by.join(", ")));
        }
        s
    }
}
