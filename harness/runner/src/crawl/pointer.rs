//! JSON Pointers with a wildcard: `/membership/*/organization` selects the
//! `organization` of every element of `membership`. Used by the crawl to
//! select links, lists and embedded objects; each selected value comes with
//! its concrete pointer, so that a finding names exactly where it is.

use serde_json::Value;

/// Every value `pointer` selects in `value`, with its concrete pointer.
/// A `*` segment selects every element of an array (or member of an
/// object); a segment that does not exist selects nothing.
pub fn select<'v>(value: &'v Value, pointer: &str) -> Vec<(String, &'v Value)> {
    let mut out = vec![(String::new(), value)];
    if pointer.is_empty() {
        return out;
    }
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        let mut next = Vec::new();
        for (at, v) in out {
            match (v, segment.as_str()) {
                (Value::Array(items), "*") => {
                    for (i, item) in items.iter().enumerate() {
                        next.push((format!("{at}/{i}"), item));
                    }
                }
                (Value::Object(members), "*") => {
                    for (k, item) in members {
                        next.push((format!("{at}/{}", escape(k)), item));
                    }
                }
                (Value::Array(items), index) => {
                    if let Some(item) = index.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        next.push((format!("{at}/{index}"), item));
                    }
                }
                (Value::Object(members), key) => {
                    if let Some(item) = members.get(key) {
                        next.push((format!("{at}/{raw}"), item));
                    }
                }
                _ => {}
            }
        }
        out = next;
    }
    out
}

/// The URLs a pointer selects: strings, and the strings of selected arrays.
pub fn select_urls(value: &Value, pointer: &str) -> Vec<(String, String)> {
    let mut urls = Vec::new();
    for (at, v) in select(value, pointer) {
        match v {
            Value::String(s) => urls.push((at, s.clone())),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Value::String(s) = item {
                        urls.push((format!("{at}/{i}"), s.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    urls
}

/// The objects a pointer selects: objects, and the objects of selected arrays.
pub fn select_objects<'v>(value: &'v Value, pointer: &str) -> Vec<(String, &'v Value)> {
    let mut objects = Vec::new();
    for (at, v) in select(value, pointer) {
        match v {
            Value::Object(_) => objects.push((at, v)),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if item.is_object() {
                        objects.push((format!("{at}/{i}"), item));
                    }
                }
            }
            _ => {}
        }
    }
    objects
}

/// Whether the concrete pointer `at` lies within `prefix` (`*` matches any
/// one segment).
pub fn within(at: &str, prefix: &str) -> bool {
    let mut at = at.split('/').skip(1);
    for p in prefix.split('/').skip(1) {
        match at.next() {
            Some(a) if p == "*" || p == a => {}
            _ => return false,
        }
    }
    true
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wildcards_select_every_element_with_its_pointer() {
        let v =
            json!({"membership": [{"organization": "a"}, {"role": "x"}, {"organization": "b"}]});
        let got: Vec<_> = select(&v, "/membership/*/organization")
            .into_iter()
            .map(|(p, v)| (p, v.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("/membership/0/organization".to_string(), json!("a")),
                ("/membership/2/organization".to_string(), json!("b")),
            ]
        );
    }

    #[test]
    fn urls_come_from_strings_and_string_arrays() {
        let v = json!({"one": "u1", "many": ["u2", 3, "u3"], "none": null});
        assert_eq!(select_urls(&v, "/one"), vec![("/one".into(), "u1".into())]);
        assert_eq!(
            select_urls(&v, "/many"),
            vec![
                ("/many/0".into(), "u2".into()),
                ("/many/2".into(), "u3".into())
            ]
        );
        assert!(select_urls(&v, "/none").is_empty());
        assert!(select_urls(&v, "/missing").is_empty());
    }

    #[test]
    fn objects_come_from_objects_and_object_arrays() {
        let v = json!({"location": {"id": "l"}, "agendaItem": [{"id": "a"}, "x"]});
        assert_eq!(select_objects(&v, "/location").len(), 1);
        let items = select_objects(&v, "/agendaItem");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].0, "/agendaItem/0");
    }

    #[test]
    fn within_matches_prefixes_with_wildcards() {
        assert!(within("/agendaItem/3/created", "/agendaItem"));
        assert!(within("/agendaItem/3/created", "/agendaItem/*"));
        assert!(!within("/created", "/agendaItem"));
        assert!(!within("/agendaItemX/0", "/agendaItem"));
    }
}
