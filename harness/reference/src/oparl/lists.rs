//! External object lists (2-05): the query parameters (`created_since`,
//! `created_until`, `modified_since`, `modified_until`, `omit_internal`,
//! `limit`, `page`), filtering, deleted objects only with `modified_since`,
//! and the page object with `data`, `pagination` and `links` whose URLs keep
//! the filters, in one canonical parameter order (2-03).

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::data::Meta;

/// Objects per page unless the client asks for fewer (`limit`).
pub const PAGE_SIZE: usize = 20;
/// The largest `limit` honoured.
pub const MAX_LIMIT: usize = 100;

const FILTERS: [&str; 4] = [
    "created_since",
    "created_until",
    "modified_since",
    "modified_until",
];

/// The parsed query of a list request.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// The four filters in [`FILTERS`] order: the value as sent and its instant.
    pub filters: [Option<(String, i64)>; 4],
    pub omit_internal: bool,
    pub limit: Option<usize>,
    pub page: usize,
}

/// Why a query was refused (400).
#[derive(Debug)]
pub struct BadQuery(pub String);

/// Percent-decoding of a query component (`+` is a space, as in forms).
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encoding of everything but RFC 3986 unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A full date-time with offset (RFC 3339). A `+` sent unencoded arrives as
/// a space; it is read as the `+` it was meant to be.
fn parse_instant(value: &str) -> Option<i64> {
    let fixed = value.trim().replace(' ', "+");
    OffsetDateTime::parse(&fixed, &Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

impl ListQuery {
    pub fn parse(raw: Option<&str>) -> Result<ListQuery, BadQuery> {
        let mut q = ListQuery {
            page: 1,
            ..ListQuery::default()
        };
        for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(key);
            let value = decode(value);
            if let Some(slot) = FILTERS.iter().position(|f| *f == key) {
                let Some(t) = parse_instant(&value) else {
                    return Err(BadQuery(format!(
                        "Der Parameter {key} erwartet eine vollständige Datums- und Zeitangabe \
                         wie 2024-03-05T10:15:00+01:00, nicht {value:?}."
                    )));
                };
                q.filters[slot] = Some((value.trim().replace(' ', "+"), t));
            } else {
                match key.as_str() {
                    "omit_internal" => q.omit_internal = value == "true",
                    "limit" => {
                        // Clients may not rely on it (2-05): a value that is
                        // no positive number is ignored.
                        q.limit = value
                            .parse::<usize>()
                            .ok()
                            .filter(|&n| n > 0)
                            .map(|n| n.min(MAX_LIMIT));
                    }
                    "page" => match value.parse::<usize>() {
                        Ok(n) if n > 0 => q.page = n,
                        _ => {
                            return Err(BadQuery(format!(
                                "Der Parameter page erwartet eine positive ganze Zahl, nicht {value:?}."
                            )));
                        }
                    },
                    // Other parameters are not OParl's; they change nothing.
                    _ => {}
                }
            }
        }
        Ok(q)
    }

    pub fn modified_since(&self) -> bool {
        self.filters[2].is_some()
    }

    /// Whether an object passes the four filters (`ignore_modified_until`:
    /// the fault that forgets the last one).
    pub fn admits(&self, meta: &Meta, ignore_modified_until: bool) -> bool {
        let ok = |slot: usize, f: &dyn Fn(i64) -> bool| {
            self.filters[slot].as_ref().is_none_or(|(_, t)| f(*t))
        };
        ok(0, &|t| meta.created >= t)
            && ok(1, &|t| meta.created <= t)
            && ok(2, &|t| meta.modified >= t)
            && (ignore_modified_until || ok(3, &|t| meta.modified <= t))
    }

    pub fn per_page(&self) -> usize {
        self.limit.unwrap_or(PAGE_SIZE)
    }

    /// The canonical URL of page `page` of the list at `list_url`: the
    /// filters (unless `with_filters` is false), `omit_internal`, `limit`,
    /// then `page` (left out for the first page).
    pub fn page_url(&self, list_url: &str, page: usize, with_filters: bool) -> String {
        let mut params = Vec::new();
        if with_filters {
            for (name, value) in FILTERS.iter().zip(&self.filters) {
                if let Some((v, _)) = value {
                    params.push(format!("{name}={}", encode(v)));
                }
            }
        }
        if self.omit_internal {
            params.push("omit_internal=true".to_string());
        }
        if let Some(l) = self.limit {
            params.push(format!("limit={l}"));
        }
        if page > 1 {
            params.push(format!("page={page}"));
        }
        if params.is_empty() {
            list_url.to_string()
        } else {
            format!("{list_url}?{}", params.join("&"))
        }
    }
}

/// How a list is cut into pages.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub per_page: usize,
    /// Objects from one page to the next; `per_page` unless the fault
    /// `duplicate-across-pages` repeats the last object of each page.
    pub step: usize,
}

impl Paging {
    pub fn total_pages(&self, total: usize) -> usize {
        if total <= self.per_page {
            1
        } else {
            1 + (total - self.per_page).div_ceil(self.step.max(1))
        }
    }

    /// The positions of page `page` (1-based) in the list.
    pub fn range(&self, page: usize, total: usize) -> std::ops::Range<usize> {
        let start = ((page - 1) * self.step).min(total);
        start..(start + self.per_page).min(total)
    }
}

/// Switches on a page object, from the faults.
#[derive(Debug, Clone, Copy, Default)]
pub struct PageFaults {
    pub without_pagination: bool,
    pub without_next: bool,
    pub next_without_filters: bool,
}

/// A page object (2-05).
pub fn page_object(
    data: Vec<Value>,
    q: &ListQuery,
    list_url: &str,
    total: usize,
    paging: Paging,
    faults: PageFaults,
) -> Value {
    let total_pages = paging.total_pages(total);
    let mut page = Map::new();
    page.insert("data".into(), Value::Array(data));
    if !faults.without_pagination {
        page.insert(
            "pagination".into(),
            json!({
                "totalElements": total,
                "elementsPerPage": paging.per_page,
                "currentPage": q.page,
                "totalPages": total_pages,
            }),
        );
    }
    let mut links = Map::new();
    links.insert("first".into(), json!(q.page_url(list_url, 1, true)));
    if q.page > 1 {
        links.insert(
            "prev".into(),
            json!(q.page_url(list_url, (q.page - 1).min(total_pages), true)),
        );
    }
    links.insert("self".into(), json!(q.page_url(list_url, q.page, true)));
    if q.page < total_pages && !faults.without_next {
        links.insert(
            "next".into(),
            json!(q.page_url(list_url, q.page + 1, !faults.next_without_filters)),
        );
    }
    links.insert(
        "last".into(),
        json!(q.page_url(list_url, total_pages, true)),
    );
    page.insert("links".into(), Value::Object(links));
    Value::Object(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trip() {
        let q = ListQuery::parse(Some(
            "page=2&modified_since=2024-01-01T00%3A00%3A00%2B01%3A00&created_until=2024-06-01T00:00:00+02:00",
        ))
        .unwrap();
        assert_eq!(q.page, 2);
        assert_eq!(
            q.page_url("https://h/l", 3, true),
            "https://h/l?created_until=2024-06-01T00%3A00%3A00%2B02%3A00&modified_since=2024-01-01T00%3A00%3A00%2B01%3A00&page=3"
        );
        assert_eq!(q.page_url("https://h/l", 1, false), "https://h/l");
        assert!(ListQuery::parse(Some("created_since=2024-01-01")).is_err());
        assert!(ListQuery::parse(Some("page=0")).is_err());
    }

    #[test]
    fn paging_with_overlap() {
        let p = Paging {
            per_page: 20,
            step: 19,
        };
        assert_eq!(p.total_pages(20), 1);
        assert_eq!(p.total_pages(39), 2);
        assert_eq!(p.total_pages(40), 3);
        assert_eq!(p.range(2, 40), 19..39);
        assert_eq!(p.range(3, 40), 38..40);
    }
}
