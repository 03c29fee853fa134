//! The crawl of a case: a bounded walk through a hypermedia API
//! (`konform_model::crawl`, semantics in `schemas/konform/CRAWL.md`).
//!
//! The walk starts at the entry, reads every external list page by page
//! (FIFO), then fetches the objects that were reached only by link, then a
//! sample of objects at their own `id`. Every response, page and object is
//! checked as it arrives and then dropped: only ids, the sample's copies and
//! the findings are kept ([`tally`]). One request is in flight at a time, so
//! the walk is gentle on the server whatever `--jobs` says; the run's
//! politeness limits apply on top. Every finding names the URL it was read
//! at and the JSON Pointer inside it.

mod blame;
pub mod pointer;
pub mod tally;

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Instant;

use http::header::{ACCEPT, AUTHORIZATION, HeaderValue, USER_AGENT};
use http::{HeaderMap, Method};
use indexmap::IndexMap;
use konform_model::crawl::{Crawl, CrawlCoverage, EntryKind, TypeRule};
use konform_model::report::{AssertionOutcome, ErrorKind, StepEvidence};
use konform_model::suite::AuthChoice;
use konform_suite::template::{self, Namespace, RenderError, Var};
use serde_json::{Value, json};
use url::Url;

use crate::case::{CaseContext, body_evidence, headers_evidence, request_evidence};
use crate::checks::{self, ResponseView};
use crate::exchange::{self, ExchangeLimits, OutgoingRequest};
use tally::Tallies;

/// What a crawl produced.
pub struct CrawlOutcome {
    pub evidence: Vec<StepEvidence>,
    pub coverage: CrawlCoverage,
    /// The walk could not be carried out (the entry could not be read, a
    /// template did not render): the case is an `error`.
    pub error: Option<(ErrorKind, String)>,
    /// The first finding, when there is one: the case fails.
    pub failure: Option<String>,
}

/// How an object was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    List,
    Embedded,
    Link,
}

/// Where a response came from, for its checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fetch {
    Entry,
    Page,
    Link,
    AtId,
    Reread,
}

struct Seen {
    via: Via,
    type_name: Option<String>,
    /// Marked deleted (`object.deleted`): listed only on request, so not
    /// expected in the lists the walk reads.
    deleted: bool,
}

struct Walk<'a> {
    crawl: &'a Crawl,
    vars: Vars,
    ctx: &'a CaseContext,
    index: usize,
    base: Url,
    authorization: Option<HeaderValue>,
    query: Vec<(String, String)>,
    tallies: Tallies,
    coverage: CrawlCoverage,
    lists: VecDeque<(Url, u32)>,
    lists_started: HashSet<String>,
    links: VecDeque<(Url, u32, String)>,
    seen: HashMap<String, Seen>,
    /// Objects to fetch at their id: (id, the copy reached, type name).
    samples: Vec<(String, Value, String)>,
    sampled: HashMap<String, u32>,
    any_list_cut: bool,
    budget_spent: bool,
    /// Which of `page.some_items` an item of the walk has passed.
    some_found: Vec<bool>,
    /// The entry exchange, kept as evidence whatever it shows.
    entry_evidence: Option<StepEvidence>,
    /// Per type rule, per schema: the label of its count and every
    /// attribution it can give. Computed once, not for every object.
    schema_tallies: Vec<Vec<SchemaTally>>,
}

struct SchemaTally {
    label: String,
    attributions: Vec<Vec<String>>,
}

/// The values templates in the crawl's checks may name: fixtures (the
/// case's over the suite's) and the captures of the case's steps.
#[derive(Debug, Default, Clone)]
pub struct Vars {
    pub fixtures: IndexMap<String, Value>,
    pub captures: HashMap<String, Value>,
}

impl Vars {
    fn lookup(&self, var: &Var) -> Option<Value> {
        match var.ns {
            Namespace::Fixtures => self.fixtures.get(&var.name).cloned(),
            Namespace::Captures => self.captures.get(&var.name).cloned(),
            Namespace::Unique => None,
        }
    }

    fn render(&self, value: &Value) -> Result<Value, RenderError> {
        template::render_value(value, &|v: &Var| self.lookup(v))
    }
}

/// Runs `crawl` as step `index` of its case.
pub async fn run(crawl: &Crawl, ctx: &CaseContext, index: usize, vars: Vars) -> CrawlOutcome {
    let coverage = CrawlCoverage {
        limits: crawl.limits.clone(),
        ..CrawlCoverage::default()
    };
    let fail = |kind, why: String| CrawlOutcome {
        evidence: vec![],
        coverage: coverage.clone(),
        error: Some((kind, why)),
        failure: None,
    };
    let entry = match vars.render(&Value::String(crawl.entry.clone())) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => return fail(ErrorKind::Fixture, format!("crawl entry: {e}")),
    };
    let mut query = Vec::new();
    for (k, v) in &crawl.query {
        match vars.render(v) {
            Ok(Value::String(s)) => query.push((k.clone(), s)),
            Ok(other) => query.push((k.clone(), other.to_string())),
            Err(e) => return fail(ErrorKind::Fixture, format!("crawl query `{k}`: {e}")),
        }
    }
    let base = ctx.conn.base_url().clone();
    let mut entry_url = if entry.starts_with("http://") || entry.starts_with("https://") {
        match Url::parse(&entry) {
            Ok(u) if u.origin() == base.origin() => u,
            Ok(_) => {
                return fail(
                    ErrorKind::Fixture,
                    format!("crawl entry `{entry}` is outside the target's origin"),
                );
            }
            Err(e) => return fail(ErrorKind::Fixture, format!("crawl entry `{entry}`: {e}")),
        }
    } else {
        match ctx.conn.url_for(&entry) {
            Ok(u) => u,
            Err(e) => return fail(ErrorKind::Fixture, format!("crawl entry: {e}")),
        }
    };
    if !query.is_empty() {
        entry_url.query_pairs_mut().extend_pairs(query.iter());
    }
    let authorization = match ctx.conn.authorization(&AuthChoice::Default).await {
        Ok(Some(v)) => match HeaderValue::from_str(&v) {
            Ok(v) => Some(v),
            Err(_) => {
                return fail(
                    ErrorKind::Auth,
                    "credential is not a valid header value".into(),
                );
            }
        },
        Ok(None) => None,
        Err(e) => return fail(ErrorKind::Auth, format!("authentication: {e}")),
    };
    let mut walk = Walk {
        crawl,
        vars,
        ctx,
        index,
        base,
        authorization,
        query,
        tallies: Tallies::default(),
        coverage,
        lists: VecDeque::new(),
        lists_started: HashSet::new(),
        links: VecDeque::new(),
        seen: HashMap::new(),
        samples: Vec::new(),
        sampled: HashMap::new(),
        any_list_cut: false,
        budget_spent: false,
        some_found: vec![false; crawl.page.some_items.len()],
        entry_evidence: None,
        schema_tallies: crawl
            .types
            .iter()
            .map(|rule| {
                rule.schemas
                    .iter()
                    .map(|schema| SchemaTally {
                        label: format!("{} objects satisfy {}", rule.name, schema.reference),
                        attributions: blame::all_attributions(schema),
                    })
                    .collect()
            })
            .collect(),
    };
    let started = walk.start(entry_url).await;
    if let Err(error) = started {
        let mut evidence: Vec<StepEvidence> = walk.entry_evidence.into_iter().collect();
        evidence.extend(walk.tallies.findings);
        return CrawlOutcome {
            evidence,
            coverage: walk.coverage,
            error: Some(error),
            failure: None,
        };
    }
    walk.drain().await;
    walk.finish()
}

impl<'a> Walk<'a> {
    /// Reads the entry: an object (its links and lists are queued) or a list.
    async fn start(&mut self, url: Url) -> Result<(), (ErrorKind, String)> {
        if self.crawl.entry_kind == EntryKind::List {
            self.lists_started.insert(url.to_string());
            self.coverage.lists += 1;
            return match self.walk_list(url, 0).await {
                Some(error) => Err(error),
                None => Ok(()),
            };
        }
        let Some(got) = self.get(url.clone(), Fetch::Entry).await else {
            return Err(self.entry_failure(&url));
        };
        let (mut evidence, json) = got;
        let entry_reqs = self.crawl.checks.entry.clone();
        let Some(json) = json else {
            // A response that failed an attributed check (a status, JSON
            // with a byte order mark) is a finding: the case fails. Only an
            // entry that could not be judged at all is an error.
            let judged = evidence
                .assertions
                .iter()
                .any(|a| !a.passed && !a.requirements.is_empty());
            self.entry_evidence = Some(evidence.clone());
            if judged {
                self.tallies.finding(evidence);
                return Ok(());
            }
            return Err(self.entry_failure(&url));
        };
        let passed = json.is_object();
        self.tallies
            .record("the entry is a JSON object", &entry_reqs, passed);
        self.check_object(&json, "", 0, Via::Link, &url, &mut evidence);
        self.entry_evidence = Some(evidence);
        Ok(())
    }

    fn entry_failure(&self, url: &Url) -> (ErrorKind, String) {
        let why = self
            .entry_evidence
            .as_ref()
            .and_then(|e| e.error.clone())
            .unwrap_or_else(|| "it answered no JSON object".into());
        (ErrorKind::Precondition, format!("crawl entry {url}: {why}"))
    }

    /// Works through the queues until they are empty or the budget is spent.
    async fn drain(&mut self) {
        loop {
            if self.budget_spent {
                break;
            }
            if let Some((url, depth)) = self.lists.pop_front() {
                let _ = self.walk_list(url, depth).await;
                continue;
            }
            if let Some((url, depth, from)) = self.links.pop_front() {
                if self.seen.contains_key(url.as_str()) {
                    continue;
                }
                self.fetch_linked(url, depth, &from).await;
                continue;
            }
            break;
        }
        let samples = std::mem::take(&mut self.samples);
        for (id, copy, type_name) in samples {
            if self.budget_spent {
                break;
            }
            self.fetch_at_id(&id, &copy, &type_name).await;
        }
        self.check_in_list();
        self.check_some_items();
    }

    /// Each of `page.some_items` was passed by some item of the walk;
    /// undecided when a list was not walked to its end.
    fn check_some_items(&mut self) {
        let crawl: &'a Crawl = self.crawl;
        for (check, found) in crawl.page.some_items.iter().zip(self.some_found.clone()) {
            let reqs = check.verifies.clone().unwrap_or_default();
            let label = format!(
                "some list item passes: body {} {}",
                check
                    .pointer
                    .as_deref()
                    .or(check.path.as_deref())
                    .unwrap_or(""),
                serde_json::to_string(&check.equals).unwrap_or_default()
            );
            if !found && (self.any_list_cut || self.budget_spent) {
                self.tallies.not_evaluated(format!(
                    "{label}: no item so far, and not every list was walked to its end"
                ));
                continue;
            }
            self.tallies.record(&label, &reqs, found);
            if !found {
                let mut e = empty_evidence_for(self.index, &self.base.clone());
                e.assertions.push(AssertionOutcome {
                    check: label,
                    passed: false,
                    expected: serde_json::to_value(check).ok(),
                    received: None,
                    message: Some("no item of any list of the walk passes it".into()),
                    requirements: reqs,
                });
                self.tallies.finding(e);
            }
        }
    }

    fn finish(mut self) -> CrawlOutcome {
        if self.budget_spent {
            self.coverage.cut_by.push("request budget".into());
        }
        let mut summary = StepEvidence {
            index: self.index,
            name: Some(format!("crawl: {}", self.coverage.summary())),
            role: None,
            request: self
                .entry_evidence
                .as_ref()
                .map(|e| e.request.clone())
                .unwrap_or_else(|| konform_model::report::RequestEvidence {
                    method: "GET".into(),
                    url: self.base.to_string(),
                    headers: vec![],
                    body: None,
                }),
            response: self
                .entry_evidence
                .as_ref()
                .and_then(|e| e.response.clone()),
            duration_ms: 0,
            assertions: self.tallies.assertions("times"),
            not_evaluated: self.tallies.not_evaluated_list(),
            error: None,
            error_kind: None,
        };
        if self.tallies.omitted_findings > 0 {
            summary.not_evaluated.push(format!(
                "{} further exchanges with findings are counted above but not kept as evidence",
                self.tallies.omitted_findings
            ));
        }
        let mut evidence = Vec::with_capacity(self.tallies.findings.len() + 2);
        // The entry is kept apart (its exchange heads the summary); with a
        // finding of its own it is evidence like any other.
        if let Some(entry) = &self.entry_evidence
            && entry.assertions.iter().any(|a| !a.passed)
            && !self
                .tallies
                .findings
                .iter()
                .any(|f| f.request.url == entry.request.url)
        {
            evidence.push(entry.clone());
        }
        let failure = evidence
            .iter()
            .chain(self.tallies.findings.iter())
            .flat_map(|f| f.assertions.iter())
            .find(|a| !a.passed && !a.requirements.is_empty())
            .map(|a| a.describe())
            .or_else(|| {
                self.tallies
                    .any_failed()
                    .then(|| "a counted check failed (see the crawl's summary)".to_string())
            });
        evidence.append(&mut self.tallies.findings);
        evidence.push(summary);
        CrawlOutcome {
            evidence,
            coverage: self.coverage,
            error: None,
            failure,
        }
    }

    /// Sends one GET within the budget. `None` when the budget is spent.
    /// The evidence holds the exchange; the JSON is there when the response
    /// passed the status and JSON checks of `fetch`.
    async fn get(&mut self, url: Url, fetch: Fetch) -> Option<(StepEvidence, Option<Value>)> {
        if self.coverage.requests >= self.crawl.limits.requests {
            self.budget_spent = true;
            return None;
        }
        self.coverage.requests += 1;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(konform_connection::USER_AGENT),
        );
        if let Some(auth) = &self.authorization {
            headers.insert(AUTHORIZATION, auth.clone());
        }
        let request = OutgoingRequest {
            method: Method::GET,
            url,
            headers,
            body: None,
        };
        let limits = ExchangeLimits {
            timeout: self.ctx.limits.step_timeout,
            body_limit: self.ctx.limits.body_limit,
        };
        let started = Instant::now();
        let (result, _) = exchange::perform(self.ctx, &request, limits).await;
        let mut evidence = StepEvidence {
            index: self.index,
            name: Some(format!("crawl {}", fetch_label(fetch))),
            role: None,
            request: request_evidence(&request, self.ctx.limits.evidence_limit),
            response: None,
            duration_ms: started.elapsed().as_millis() as u64,
            assertions: vec![],
            not_evaluated: vec![],
            error: None,
            error_kind: None,
        };
        let response = match result {
            Ok(r) => r,
            Err(e) if e.kind() == ErrorKind::Budget => {
                // The run's request budget (politeness) is spent: the walk
                // is cut as by its own budget.
                self.budget_spent = true;
                return None;
            }
            Err(e) => {
                evidence.error = Some(e.to_string());
                evidence.error_kind = Some(e.kind());
                self.tallies
                    .not_evaluated(format!("{}: {e}", request.url.as_str()));
                if fetch != Fetch::Entry {
                    self.tallies.finding(evidence);
                    return Some((empty_evidence(self.index, &request), None));
                }
                self.entry_evidence = Some(evidence.clone());
                return Some((evidence, None));
            }
        };
        evidence.response = Some(konform_model::report::ResponseEvidence {
            status: response.status,
            headers: headers_evidence(&response.headers),
            body: body_evidence(&response.body, self.ctx.limits.evidence_limit),
        });
        let view = ResponseView {
            status: response.status,
            headers: &response.headers,
            body: &response.body,
        };
        let crawl: &'a Crawl = self.crawl;
        let status_reqs = match fetch {
            Fetch::Entry => &crawl.checks.entry,
            Fetch::Page | Fetch::Reread => &crawl.checks.page,
            Fetch::Link | Fetch::AtId => &crawl.checks.at_id,
        };
        let status_ok = response.status == 200;
        self.tallies
            .record(status_label(fetch), status_reqs, status_ok);
        if !status_ok {
            evidence.assertions.push(AssertionOutcome {
                check: format!("status of {}", request.url),
                passed: false,
                expected: Some(json!(200)),
                received: Some(json!(response.status)),
                message: None,
                requirements: status_reqs.clone(),
            });
            self.keep(&mut evidence, fetch);
            return Some((evidence, None));
        }
        // Borrowed, not cloned: this runs for every response.
        let vars = &self.vars;
        let mut render = |v: &Value| vars.render(v);
        for check in &crawl.headers {
            let reqs = check.verifies.as_deref().unwrap_or_default();
            if let Ok(mut outcome) =
                checks::check_header(check, &response.headers, &self.ctx.compiled, &mut render)
            {
                self.tallies.record(&outcome.check, reqs, outcome.passed);
                if !outcome.passed {
                    outcome.requirements = reqs.to_vec();
                    outcome.check = format!("{} of {}", outcome.check, request.url);
                    evidence.assertions.push(outcome);
                }
            }
        }
        let json_reqs = &crawl.checks.json;
        let json = if response.body.starts_with(&[0xEF, 0xBB, 0xBF]) {
            Err("the body starts with a UTF-8 byte order mark".to_string())
        } else {
            view.json().map_err(|e| e.to_string())
        };
        self.tallies.record(
            "the body is JSON in UTF-8 without a BOM",
            json_reqs,
            json.is_ok(),
        );
        let json = match json {
            Ok(j) => j,
            Err(why) => {
                evidence.assertions.push(AssertionOutcome {
                    check: format!("JSON body of {}", request.url),
                    passed: false,
                    expected: Some(json!("UTF-8 JSON without a byte order mark")),
                    received: None,
                    message: Some(why),
                    requirements: json_reqs.clone(),
                });
                self.keep(&mut evidence, fetch);
                return Some((evidence, None));
            }
        };
        Some((evidence, Some(json)))
    }

    /// Keeps the exchange as evidence when it holds a finding.
    fn keep(&mut self, evidence: &mut StepEvidence, fetch: Fetch) {
        if fetch == Fetch::Entry {
            return;
        }
        if evidence.assertions.iter().any(|a| !a.passed) {
            let kept = std::mem::replace(evidence, empty_like(evidence));
            self.tallies.finding(kept);
        }
    }

    /// Walks one list page by page. Returns an error only for an entry list
    /// that could not be read at all.
    async fn walk_list(&mut self, first: Url, depth: u32) -> Option<(ErrorKind, String)> {
        let page_shape = &self.crawl.page;
        let mut ids_in_list: HashSet<String> = HashSet::new();
        let mut visited_pages: HashSet<String> = HashSet::new();
        let mut url = first.clone();
        let mut pages = 0u32;
        let is_entry = depth == 0 && self.crawl.entry_kind == EntryKind::List;
        loop {
            visited_pages.insert(url.to_string());
            let fetch = if is_entry && pages == 0 {
                Fetch::Entry
            } else {
                Fetch::Page
            };
            let Some((mut evidence, json)) = self.get(url.clone(), fetch).await else {
                self.any_list_cut = true;
                return None;
            };
            pages += 1;
            self.coverage.pages += 1;
            let Some(mut page) = json else {
                self.any_list_cut = true;
                if fetch == Fetch::Entry {
                    return Some((
                        ErrorKind::Precondition,
                        format!("crawl entry list {url} could not be read"),
                    ));
                }
                return None;
            };
            if let Some(schema) = &page_shape.schema {
                let reqs = self.crawl.checks.page.clone();
                // Violations inside an item are left to the item's own type rule.
                let inside_items = format!("{}/", page_shape.items);
                let violations: Vec<_> = self
                    .ctx
                    .compiled
                    .schemas
                    .validate(schema, &page)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|v| !v.instance_path.starts_with(&inside_items))
                    .collect();
                self.tallies.record(
                    "every page satisfies the page schema",
                    &reqs,
                    violations.is_empty(),
                );
                for v in violations.iter().take(5) {
                    evidence.assertions.push(AssertionOutcome {
                        check: format!("page {url} schema {schema}"),
                        passed: false,
                        expected: Some(json!(schema)),
                        received: Some(json!(v.instance_path)),
                        message: Some(format!("at {}: {}", or_root(&v.instance_path), v.message)),
                        requirements: reqs.clone(),
                    });
                }
            }
            // Taken out of the page, not cloned: what follows reads the
            // page's links and numbers only.
            let items: Vec<Value> = match page.pointer_mut(&page_shape.items) {
                Some(Value::Array(items)) => std::mem::take(items),
                _ => {
                    let reqs = self.crawl.checks.page.clone();
                    self.tallies
                        .record("every page has its items array", &reqs, false);
                    evidence.assertions.push(AssertionOutcome {
                        check: format!("page {url} items at {}", page_shape.items),
                        passed: false,
                        expected: Some(json!("an array")),
                        received: page.pointer(&page_shape.items).cloned(),
                        message: None,
                        requirements: reqs,
                    });
                    self.keep(&mut evidence, Fetch::Page);
                    self.any_list_cut = true;
                    return None;
                }
            };
            let mut ids_on_page = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let at = format!("{}/{i}", page_shape.items);
                for (k, check) in page_shape.some_items.iter().enumerate() {
                    if !self.some_found[k]
                        && let Ok(outcome) =
                            checks::check_body(check, item, &self.ctx.compiled, &mut |v: &Value| {
                                self.vars.render(v)
                            })
                        && outcome.passed
                    {
                        self.some_found[k] = true;
                    }
                }
                for check in &page_shape.item_checks {
                    let reqs = check.verifies.clone().unwrap_or_default();
                    if let Ok(mut outcome) =
                        checks::check_body(check, item, &self.ctx.compiled, &mut |v: &Value| {
                            self.vars.render(v)
                        })
                    {
                        self.tallies.record(
                            &format!("every list item: {}", outcome.check),
                            &reqs,
                            outcome.passed,
                        );
                        if !outcome.passed {
                            outcome.check = format!("{url} item {at}: {}", outcome.check);
                            outcome.requirements = reqs;
                            evidence.assertions.push(outcome);
                        }
                    }
                }
                let id = item
                    .pointer(&self.crawl.object.id)
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if let Some(id) = &id {
                    let dup_reqs = &self.crawl.checks.no_duplicates;
                    let fresh = ids_in_list.insert(id.clone());
                    self.tallies
                        .record("no object twice in one list", dup_reqs, fresh);
                    if !fresh {
                        evidence.assertions.push(AssertionOutcome {
                            check: format!("{url} item {at}: no object twice in one list"),
                            passed: false,
                            expected: Some(json!("an object not listed before")),
                            received: Some(json!(id)),
                            message: Some(format!("{id} was already listed on an earlier page")),
                            requirements: dup_reqs.clone(),
                        });
                        continue;
                    }
                    if pages == 1 {
                        ids_on_page.push(id.clone());
                    }
                }
                self.check_object(item, &at, depth, Via::List, &url, &mut evidence);
            }
            if pages == 1 {
                // At once, so that nothing else changes the server's state
                // in between: the same objects in the same order.
                self.reread_first_page(&url, ids_on_page).await;
            }
            self.check_links_keep_query(&page, &url, &mut evidence);
            let next = page
                .pointer(&page_shape.next)
                .and_then(Value::as_str)
                .map(str::to_string);
            let numbers = |p: &Option<String>| {
                p.as_ref()
                    .and_then(|p| page.pointer(p))
                    .and_then(Value::as_u64)
            };
            let (current, total) = (
                numbers(&page_shape.current_page),
                numbers(&page_shape.total_pages),
            );
            let next_reqs = self.crawl.checks.next.clone();
            match (&next, current, total) {
                (None, Some(c), Some(t)) => {
                    let passed = c >= t;
                    self.tallies.record(
                        "every page before the last has a next link",
                        &next_reqs,
                        passed,
                    );
                    if !passed {
                        evidence.assertions.push(AssertionOutcome {
                            check: format!("page {url}: a next link on every page but the last"),
                            passed: false,
                            expected: Some(json!(page_shape.next)),
                            received: Some(Value::Null),
                            message: Some(format!("page {c} of {t} has no next link")),
                            requirements: next_reqs.clone(),
                        });
                    }
                }
                (Some(_), _, _) => {
                    self.tallies.record(
                        "every page before the last has a next link",
                        &next_reqs,
                        true,
                    );
                }
                _ => {}
            }
            self.keep(&mut evidence, Fetch::Page);
            let Some(next) = next else {
                let incomplete = matches!((current, total), (Some(c), Some(t)) if c < t);
                if incomplete {
                    self.any_list_cut = true;
                } else {
                    self.coverage.lists_complete += 1;
                }
                break;
            };
            let next_url = match self.base.join(&next) {
                Ok(u) if u.origin() == self.base.origin() => u,
                _ => {
                    self.coverage.foreign_links += 1;
                    self.any_list_cut = true;
                    break;
                }
            };
            if visited_pages.contains(next_url.as_str()) {
                self.tallies.record(
                    "every page before the last has a next link",
                    &next_reqs,
                    false,
                );
                let mut e = empty_evidence_for(self.index, &url);
                e.assertions.push(AssertionOutcome {
                    check: format!("page {url}: next link"),
                    passed: false,
                    expected: Some(json!("a page not read before")),
                    received: Some(json!(next)),
                    message: Some("the next link leads back to a page of the same list".into()),
                    requirements: next_reqs,
                });
                self.tallies.finding(e);
                self.any_list_cut = true;
                break;
            }
            if pages >= self.crawl.limits.pages_per_list {
                self.any_list_cut = true;
                if !self.coverage.cut_by.iter().any(|c| c == "pages per list") {
                    self.coverage.cut_by.push("pages per list".into());
                }
                break;
            }
            url = next_url;
        }
        None
    }

    /// Reads a list's first page once more: the same objects in the same order.
    async fn reread_first_page(&mut self, first: &Url, first_ids: Vec<String>) {
        let page_shape = &self.crawl.page;
        let order_reqs = self.crawl.checks.stable_order.clone();
        if !order_reqs.is_empty()
            && let Some((mut evidence, Some(again))) = self.get(first.clone(), Fetch::Reread).await
        {
            let ids: Vec<String> = match again.pointer(&page_shape.items) {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|i| i.pointer(&self.crawl.object.id).and_then(Value::as_str))
                    .map(str::to_string)
                    .collect(),
                _ => vec![],
            };
            let passed = ids == first_ids;
            self.tallies.record(
                "a list's first page read again is in the same order",
                &order_reqs,
                passed,
            );
            if !passed {
                evidence.assertions.push(AssertionOutcome {
                    check: format!("page {first} read again: same objects in the same order"),
                    passed: false,
                    expected: Some(json!(first_ids)),
                    received: Some(json!(ids)),
                    message: None,
                    requirements: order_reqs,
                });
                self.keep(&mut evidence, Fetch::Page);
            }
        }
    }

    /// Every URL among the page's links keeps the walk's query.
    fn check_links_keep_query(&mut self, page: &Value, url: &Url, evidence: &mut StepEvidence) {
        let reqs = self.crawl.checks.query_kept.clone();
        if self.query.is_empty() || reqs.is_empty() {
            return;
        }
        let Some(Value::Object(links)) =
            self.crawl.page.links.as_ref().and_then(|p| page.pointer(p))
        else {
            return;
        };
        for (name, link) in links {
            let Some(link) = link.as_str() else { continue };
            let Ok(parsed) = self.base.join(link) else {
                continue;
            };
            let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
            let missing: Vec<&str> = self
                .query
                .iter()
                .filter(|q| !pairs.contains(q))
                .map(|(k, _)| k.as_str())
                .collect();
            self.tallies.record(
                "every link of a page keeps the query",
                &reqs,
                missing.is_empty(),
            );
            if !missing.is_empty() {
                evidence.assertions.push(AssertionOutcome {
                    check: format!("page {url} links/{name} keeps the query"),
                    passed: false,
                    expected: Some(json!(self.query)),
                    received: Some(json!(link)),
                    message: Some(format!("missing: {}", missing.join(", "))),
                    requirements: reqs.clone(),
                });
            }
        }
    }

    /// Checks one object (at `at` in the response from `url`) by the rule
    /// for its type, queues its links and lists, and checks its embedded
    /// objects. Findings go into `evidence`.
    #[allow(clippy::too_many_arguments)]
    fn check_object(
        &mut self,
        object: &Value,
        at: &str,
        depth: u32,
        via: Via,
        url: &Url,
        evidence: &mut StepEvidence,
    ) {
        let id = object
            .pointer(&self.crawl.object.id)
            .and_then(Value::as_str)
            .map(str::to_string);
        let type_value = object
            .pointer(&self.crawl.object.type_at)
            .and_then(Value::as_str)
            .unwrap_or("");
        let crawl: &'a Crawl = self.crawl;
        let rule = self.rule_for(type_value);
        let known_reqs = &crawl.checks.known_type;
        self.tallies
            .record("every object has a known type", known_reqs, rule.is_some());
        let where_ = describe_object(id.as_deref(), url, at);
        let Some((rule_index, rule)) = rule else {
            evidence.assertions.push(AssertionOutcome {
                check: format!("{where_}: type at {}", self.crawl.object.type_at),
                passed: false,
                expected: Some(json!(
                    self.crawl
                        .types
                        .iter()
                        .map(|t| &t.matches)
                        .collect::<Vec<_>>()
                )),
                received: Some(json!(type_value)),
                message: Some("no type rule matches".into()),
                requirements: known_reqs.clone(),
            });
            return;
        };
        if let Some(id) = &id {
            let first_time = !self.seen.contains_key(id);
            if first_time {
                self.coverage.objects += 1;
                self.coverage
                    .types
                    .entry(rule.name.clone())
                    .or_default()
                    .objects += 1;
            }
            // A later sighting in a list upgrades one by link.
            let deleted = self
                .crawl
                .object
                .deleted
                .as_ref()
                .and_then(|p| object.pointer(p))
                == Some(&Value::Bool(true));
            let entry = self.seen.entry(id.clone()).or_insert_with(|| Seen {
                via,
                type_name: Some(rule.name.clone()),
                deleted,
            });
            if via == Via::List {
                entry.via = Via::List;
            }
            if first_time && via != Via::Link {
                // The type's name is cloned only for the few objects sampled.
                let taken = self.sampled.get(&rule.name).copied().unwrap_or(0);
                if taken < self.crawl.limits.fetch_per_type {
                    self.sampled.insert(rule.name.clone(), taken + 1);
                    self.samples
                        .push((id.clone(), object.clone(), rule.name.clone()));
                }
            }
            if !first_time && via != Via::List {
                // Checked when first reached.
                return;
            }
        }
        for (schema_index, schema) in rule.schemas.iter().enumerate() {
            let violations = self
                .ctx
                .compiled
                .schemas
                .validate(&schema.reference, object)
                .unwrap_or_default();
            let groups = blame::group(schema, &violations);
            let tally = &self.schema_tallies[rule_index][schema_index];
            for reqs in &tally.attributions {
                let found: Vec<&crate::schemas::Violation> = groups
                    .iter()
                    .filter(|(r, _)| r == reqs)
                    .flat_map(|(_, v)| v.iter().copied())
                    .collect();
                self.tallies.record(&tally.label, reqs, found.is_empty());
                if !found.is_empty() {
                    evidence.assertions.push(AssertionOutcome {
                        check: format!("{where_}: schema {}", schema.reference),
                        passed: false,
                        expected: Some(json!(schema.reference)),
                        received: Some(json!(
                            found
                                .iter()
                                .map(|v| format!("{at}{}", v.instance_path))
                                .collect::<Vec<_>>()
                        )),
                        message: Some(
                            found
                                .iter()
                                .take(5)
                                .map(|v| format!("at {at}{}: {}", v.instance_path, v.message))
                                .collect::<Vec<_>>()
                                .join("; "),
                        ),
                        requirements: reqs.clone(),
                    });
                }
            }
        }
        for check in &rule.checks {
            let reqs = check.verifies.clone().unwrap_or_default();
            if let Ok(mut outcome) =
                checks::check_body(check, object, &self.ctx.compiled, &mut |v: &Value| {
                    self.vars.render(v)
                })
            {
                self.tallies.record(
                    &format!("{} objects: {}", rule.name, outcome.check),
                    &reqs,
                    outcome.passed,
                );
                if !outcome.passed {
                    outcome.check = format!("{where_}: {}", outcome.check);
                    outcome.requirements = reqs;
                    evidence.assertions.push(outcome);
                }
            }
        }
        if !self.crawl.follow && depth > 0 {
            return;
        }
        if self.crawl.follow {
            for pointer in &rule.lists {
                for (_, link) in pointer::select_urls(object, pointer) {
                    self.queue_list(&link, depth + 1);
                }
            }
            for pointer in &rule.links {
                for (_, link) in pointer::select_urls(object, pointer) {
                    self.queue_link(&link, depth + 1, &where_);
                }
            }
        }
        for pointer in &rule.embedded {
            for (inner, embedded) in pointer::select_objects(object, pointer) {
                let inner_at = format!("{at}{inner}");
                self.check_object(embedded, &inner_at, depth, Via::Embedded, url, evidence);
            }
        }
    }

    /// The first rule whose `matches` accepts the type, with its index.
    fn rule_for(&self, type_value: &str) -> Option<(usize, &'a TypeRule)> {
        let crawl: &'a Crawl = self.crawl;
        crawl.types.iter().enumerate().find(|(_, t)| {
            self.ctx
                .compiled
                .regex(&t.matches)
                .is_some_and(|re| re.is_match(type_value))
        })
    }

    fn within_depth(&mut self, depth: u32) -> bool {
        if depth > self.crawl.limits.depth {
            if !self.coverage.cut_by.iter().any(|c| c == "depth") {
                self.coverage.cut_by.push("depth".into());
            }
            self.any_list_cut = true;
            return false;
        }
        true
    }

    fn same_origin(&mut self, link: &str) -> Option<Url> {
        match self.base.join(link) {
            Ok(u) if u.origin() == self.base.origin() => Some(u),
            _ => {
                self.coverage.foreign_links += 1;
                None
            }
        }
    }

    fn queue_list(&mut self, link: &str, depth: u32) {
        if !self.within_depth(depth) {
            return;
        }
        let Some(url) = self.same_origin(link) else {
            return;
        };
        if self.lists_started.insert(url.to_string()) {
            self.coverage.lists += 1;
            self.lists.push_back((url, depth));
        }
    }

    fn queue_link(&mut self, link: &str, depth: u32, from: &str) {
        if self.seen.contains_key(link) || !self.within_depth(depth) {
            return;
        }
        let Some(url) = self.same_origin(link) else {
            return;
        };
        self.links.push_back((url, depth, from.to_string()));
    }

    /// An object reached by link and not (yet) in any list.
    async fn fetch_linked(&mut self, url: Url, depth: u32, from: &str) {
        let Some((mut evidence, json)) = self.get(url.clone(), Fetch::Link).await else {
            return;
        };
        if let Some(object) = json {
            self.coverage.fetched_at_id += 1;
            self.check_object(&object, "", depth, Via::Link, &url, &mut evidence);
            if let Some(name) = self
                .seen
                .get(url.as_str())
                .and_then(|s| s.type_name.clone())
            {
                self.coverage.types.entry(name).or_default().fetched_at_id += 1;
            }
        } else {
            evidence.name = Some(format!("crawl link from {from}"));
        }
        self.keep(&mut evidence, Fetch::Link);
    }

    /// A sampled object at its own id: 200, and the members it had where it
    /// was reached, with the same values.
    async fn fetch_at_id(&mut self, id: &str, copy: &Value, type_name: &str) {
        let Some(url) = self.same_origin(id) else {
            return;
        };
        let Some((mut evidence, json)) = self.get(url.clone(), Fetch::AtId).await else {
            return;
        };
        self.coverage.fetched_at_id += 1;
        self.coverage
            .types
            .entry(type_name.to_string())
            .or_default()
            .fetched_at_id += 1;
        if let Some(fetched) = json {
            let reqs = self.crawl.checks.same_at_id.clone();
            let differing = differing_members(copy, &fetched);
            self.tallies.record(
                "an object at its id has the members and values it had where it was reached",
                &reqs,
                differing.is_empty(),
            );
            if !differing.is_empty() {
                evidence.assertions.push(AssertionOutcome {
                    check: format!("{type_name} {id} at its id: same members and values"),
                    passed: false,
                    expected: Some(json!(
                        differing
                            .iter()
                            .map(|(k, a, _)| (k.clone(), (*a).clone()))
                            .collect::<serde_json::Map<_, _>>()
                    )),
                    received: Some(json!(
                        differing
                            .iter()
                            .map(|(k, _, b)| (k.clone(), b.cloned().unwrap_or(Value::Null)))
                            .collect::<serde_json::Map<_, _>>()
                    )),
                    message: Some(format!(
                        "differs at {}",
                        differing
                            .iter()
                            .map(|(k, _, _)| format!("/{k}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                    requirements: reqs,
                });
            }
        }
        self.keep(&mut evidence, Fetch::AtId);
    }

    /// Objects reached only by link must be in a list of their type; decided
    /// only when every list was walked to its end.
    fn check_in_list(&mut self) {
        let reqs = self.crawl.checks.in_list.clone();
        if reqs.is_empty() || !self.crawl.follow {
            return;
        }
        if self.any_list_cut || self.budget_spent || !self.links.is_empty() {
            self.tallies.not_evaluated(
                "whether objects reached by link are in their lists: not every list was walked to its end"
                    .into(),
            );
            return;
        }
        let listed_types: HashSet<String> = self
            .seen
            .values()
            .filter(|s| s.via == Via::List)
            .filter_map(|s| s.type_name.clone())
            .collect();
        let mut missing: Vec<(String, String)> = self
            .seen
            .iter()
            .filter(|(_, s)| s.via == Via::Link && !s.deleted)
            .filter_map(|(id, s)| {
                let t = s.type_name.clone()?;
                listed_types.contains(&t).then(|| (id.clone(), t))
            })
            .collect();
        missing.sort();
        let checked = self
            .seen
            .values()
            .filter(|s| {
                s.type_name
                    .as_ref()
                    .is_some_and(|t| listed_types.contains(t))
            })
            .count();
        for _ in 0..checked.saturating_sub(missing.len()) {
            self.tallies
                .record("every object of a listed type is in a list", &reqs, true);
        }
        for (id, type_name) in missing {
            self.tallies
                .record("every object of a listed type is in a list", &reqs, false);
            let mut e = empty_evidence_for(self.index, &self.base.clone());
            e.request.url = id.clone();
            e.assertions.push(AssertionOutcome {
                check: format!("{type_name} {id}: in a list of its type"),
                passed: false,
                expected: Some(json!(format!("listed in a {type_name} list"))),
                received: Some(Value::Null),
                message: Some(format!(
                    "reached by link, but in none of the {type_name} lists, which were walked to their end"
                )),
                requirements: reqs.clone(),
            });
            self.tallies.finding(e);
        }
    }
}

/// Members present in both with different values: (name, reached, at id).
fn differing_members<'a>(
    reached: &'a Value,
    fetched: &'a Value,
) -> Vec<(String, &'a Value, Option<&'a Value>)> {
    let (Value::Object(a), Value::Object(b)) = (reached, fetched) else {
        return if reached == fetched {
            vec![]
        } else {
            vec![(String::new(), reached, Some(fetched))]
        };
    };
    a.iter()
        .filter_map(|(k, v)| match b.get(k) {
            Some(w) if w != v => Some((k.clone(), v, Some(w))),
            _ => None,
        })
        .collect()
}

fn describe_object(id: Option<&str>, url: &Url, at: &str) -> String {
    match id {
        Some(id) if at.is_empty() => id.to_string(),
        Some(id) => format!("{id} (in {url} at {at})"),
        None => format!("object in {url} at {}", or_root(at)),
    }
}

fn or_root(at: &str) -> &str {
    if at.is_empty() { "(root)" } else { at }
}

/// The label of the status check of `fetch` (`<fetch_label> answers 200`).
fn status_label(fetch: Fetch) -> &'static str {
    match fetch {
        Fetch::Entry => "entry answers 200",
        Fetch::Page => "list page answers 200",
        Fetch::Reread => "list page read again answers 200",
        Fetch::Link => "object reached by link answers 200",
        Fetch::AtId => "object at its id answers 200",
    }
}

fn fetch_label(fetch: Fetch) -> &'static str {
    match fetch {
        Fetch::Entry => "entry",
        Fetch::Page => "list page",
        Fetch::Reread => "list page read again",
        Fetch::Link => "object reached by link",
        Fetch::AtId => "object at its id",
    }
}

fn empty_like(e: &StepEvidence) -> StepEvidence {
    StepEvidence {
        index: e.index,
        name: e.name.clone(),
        role: None,
        request: e.request.clone(),
        response: None,
        duration_ms: 0,
        assertions: vec![],
        not_evaluated: vec![],
        error: None,
        error_kind: None,
    }
}

fn empty_evidence(index: usize, request: &OutgoingRequest) -> StepEvidence {
    StepEvidence {
        index,
        name: None,
        role: None,
        request: konform_model::report::RequestEvidence {
            method: request.method.to_string(),
            url: request.url.to_string(),
            headers: vec![],
            body: None,
        },
        response: None,
        duration_ms: 0,
        assertions: vec![],
        not_evaluated: vec![],
        error: None,
        error_kind: None,
    }
}

fn empty_evidence_for(index: usize, url: &Url) -> StepEvidence {
    StepEvidence {
        index,
        name: Some("crawl finding".into()),
        role: None,
        request: konform_model::report::RequestEvidence {
            method: "GET".into(),
            url: url.to_string(),
            headers: vec![],
            body: None,
        },
        response: None,
        duration_ms: 0,
        assertions: vec![],
        not_evaluated: vec![],
        error: None,
        error_kind: None,
    }
}
