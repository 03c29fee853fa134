//! Which requirement a schema violation breaks. One schema per type checks
//! many rules at once (mandatory members, date formats, the `ags`); a type
//! schema's `blame` rules split its violations by the member they are about,
//! the keyword they violate and where in the object they are, so that each
//! finding blames the rule it breaks and no other.

use konform_model::crawl::{Blame, TypeSchema};

use super::pointer;
use crate::schemas::Violation;

/// The member a violation is about: the missing member of a `required`
/// keyword, else the last member name (not an array index) of its location.
fn member(v: &Violation) -> Option<&str> {
    if let Some(m) = &v.missing {
        return Some(m);
    }
    v.instance_path
        .rsplit('/')
        .find(|s| !s.is_empty() && s.parse::<usize>().is_err())
}

fn matches(rule: &Blame, v: &Violation) -> bool {
    rule.member.as_deref().is_none_or(|m| member(v) == Some(m))
        && rule
            .keyword
            .as_deref()
            .is_none_or(|k| v.keyword.contains(k))
        && rule
            .within
            .as_deref()
            .is_none_or(|w| pointer::within(&v.instance_path, w))
}

/// The requirements `v` blames under `schema`.
pub fn attribution<'s>(schema: &'s TypeSchema, v: &Violation) -> &'s [String] {
    schema
        .blame
        .iter()
        .find(|rule| matches(rule, v))
        .map_or(&schema.verifies, |rule| &rule.verifies)
}

/// The violations grouped by the requirements they blame.
pub fn group<'v>(
    schema: &TypeSchema,
    violations: &'v [Violation],
) -> Vec<(Vec<String>, Vec<&'v Violation>)> {
    let mut groups: Vec<(Vec<String>, Vec<&Violation>)> = Vec::new();
    for v in violations {
        let reqs = attribution(schema, v).to_vec();
        match groups.iter_mut().find(|(r, _)| *r == reqs) {
            Some((_, list)) => list.push(v),
            None => groups.push((reqs, vec![v])),
        }
    }
    groups
}

/// Every attribution the schema can give, each once, in order.
pub fn all_attributions(schema: &TypeSchema) -> Vec<Vec<String>> {
    let mut all = vec![schema.verifies.clone()];
    for rule in &schema.blame {
        if !all.contains(&rule.verifies) {
            all.push(rule.verifies.clone());
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violation(path: &str, keyword: &str, missing: Option<&str>) -> Violation {
        Violation {
            instance_path: path.into(),
            message: String::new(),
            keyword: keyword.into(),
            missing: missing.map(str::to_string),
        }
    }

    fn schema() -> TypeSchema {
        let blame =
            |member: Option<&str>, keyword: Option<&str>, within: Option<&str>, r: &str| Blame {
                member: member.map(str::to_string),
                keyword: keyword.map(str::to_string),
                within: within.map(str::to_string),
                verifies: vec![r.to_string()],
            };
        TypeSchema {
            reference: "x.json#/$defs/Meeting".into(),
            verifies: vec!["MANDATORY".into()],
            blame: vec![
                blame(
                    Some("created"),
                    Some("/required"),
                    Some("/agendaItem"),
                    "EMBEDDED-CREATED",
                ),
                blame(Some("created"), Some("/required"), None, "CREATED"),
                blame(None, Some("$defs/dateTime"), None, "DATES"),
            ],
        }
    }

    #[test]
    fn the_first_matching_rule_blames() {
        let s = schema();
        let at = |v: Violation| attribution(&s, &v).to_vec();
        assert_eq!(
            at(violation(
                "/agendaItem/2",
                "x#/$defs/AgendaItem/required",
                Some("created")
            )),
            ["EMBEDDED-CREATED"]
        );
        assert_eq!(
            at(violation("", "x#/$defs/Meeting/required", Some("created"))),
            ["CREATED"]
        );
        assert_eq!(
            at(violation("/start", "x#/$defs/dateTime/pattern", None)),
            ["DATES"]
        );
        assert_eq!(
            at(violation("", "x#/$defs/Meeting/required", Some("name"))),
            ["MANDATORY"]
        );
        assert_eq!(
            all_attributions(&s),
            vec![
                vec!["MANDATORY".to_string()],
                vec!["EMBEDDED-CREATED".into()],
                vec!["CREATED".into()],
                vec!["DATES".into()]
            ]
        );
    }

    #[test]
    fn the_member_of_a_nested_violation_is_its_last_name() {
        assert_eq!(
            member(&violation("/agendaItem/3/start", "", None)),
            Some("start")
        );
        assert_eq!(member(&violation("/keyword/0", "", None)), Some("keyword"));
        assert_eq!(member(&violation("", "", None)), None);
    }
}
