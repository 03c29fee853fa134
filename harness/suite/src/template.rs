//! The template language of suite files: `{{ fixtures.NAME }}`,
//! `{{ captures.NAME }}` and `{{ unique.NAME }}` inside strings.
//!
//! - `fixtures.NAME`: a fixture of the case, else of the suite (a target may override suite fixtures).
//! - `captures.NAME`: a value captured by an earlier step of the same case.
//! - `unique.NAME`: a UUID-shaped string, generated once per case and NAME,
//!   so that repeating it (an idempotent replay) sends the same value.
//! - `unique.KIND.NAME`: a value of the suite's generator KIND (see
//!   [`crate::generator`]), likewise once per case and NAME.
//!
//! A string that is exactly one expression yields the variable's JSON value
//! with its type (a number stays a number); otherwise the values are spliced
//! into the string. Parsing is shared by the linter (undefined variables) and
//! the runner (rendering), so both agree on what a template means.

use serde_json::Value;

/// The namespace of a template variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Namespace {
    Fixtures,
    Captures,
    Unique,
}

impl Namespace {
    pub fn as_str(self) -> &'static str {
        match self {
            Namespace::Fixtures => "fixtures",
            Namespace::Captures => "captures",
            Namespace::Unique => "unique",
        }
    }
}

/// A variable reference such as `captures.id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Var {
    pub ns: Namespace,
    pub name: String,
}

impl Var {
    /// For `unique.KIND.NAME`: the generator kind.
    pub fn generator(&self) -> Option<&str> {
        match self.ns {
            Namespace::Unique => self.name.split_once('.').map(|(kind, _)| kind),
            _ => None,
        }
    }
}

impl std::fmt::Display for Var {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.ns.as_str(), self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    /// A variable and the byte offset of its `{{` in the source string.
    Var(Var, usize),
}

/// A parsed template string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub segments: Vec<Segment>,
}

/// A template that does not parse; `offset` is the byte offset in the string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub offset: usize,
    pub message: String,
}

/// Rendering failed because a variable has no value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template variable `{var}` is not defined")]
pub struct UndefinedVar {
    pub var: Var,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Parses one template string.
pub fn parse(s: &str) -> Result<Template, TemplateError> {
    let mut segments = Vec::new();
    let mut rest = s;
    let mut base = 0usize;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            segments.push(Segment::Literal(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(TemplateError {
                offset: base + start,
                message: "unclosed `{{` in template".into(),
            });
        };
        let expr = after[..end].trim();
        let offset = base + start;
        let (ns, name) = expr.split_once('.').ok_or_else(|| TemplateError {
            offset,
            message: format!(
                "template expression `{expr}` must be `fixtures.NAME`, `captures.NAME` or `unique.NAME`"
            ),
        })?;
        let ns = match ns {
            "fixtures" => Namespace::Fixtures,
            "captures" => Namespace::Captures,
            "unique" => Namespace::Unique,
            other => {
                return Err(TemplateError {
                    offset,
                    message: format!(
                        "unknown template namespace `{other}` (expected fixtures, captures or unique)"
                    ),
                });
            }
        };
        // `unique.KIND.NAME` draws from the suite's generator KIND.
        let valid = |part: &str| !part.is_empty() && part.chars().all(is_name_char);
        let name_ok = match (ns, name.split_once('.')) {
            (Namespace::Unique, Some((kind, rest))) => valid(kind) && valid(rest),
            _ => valid(name),
        };
        if !name_ok {
            return Err(TemplateError {
                offset,
                message: format!("invalid template variable name `{name}`"),
            });
        }
        segments.push(Segment::Var(
            Var {
                ns,
                name: name.to_string(),
            },
            offset,
        ));
        let consumed = start + 2 + end + 2;
        base += consumed;
        rest = &rest[consumed..];
    }
    if !rest.is_empty() {
        segments.push(Segment::Literal(rest.to_string()));
    }
    Ok(Template { segments })
}

impl Template {
    /// True when the string holds no expression.
    pub fn is_literal(&self) -> bool {
        self.segments
            .iter()
            .all(|s| matches!(s, Segment::Literal(_)))
    }

    /// The variables referenced, in order.
    pub fn vars(&self) -> impl Iterator<Item = (&Var, usize)> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Var(v, off) => Some((v, *off)),
            Segment::Literal(_) => None,
        })
    }

    /// Renders the template; a lone expression keeps its JSON type.
    pub fn render(&self, lookup: &dyn Fn(&Var) -> Option<Value>) -> Result<Value, UndefinedVar> {
        if let [Segment::Var(v, _)] = self.segments.as_slice() {
            return lookup(v).ok_or_else(|| UndefinedVar { var: v.clone() });
        }
        let mut out = String::new();
        for seg in &self.segments {
            match seg {
                Segment::Literal(l) => out.push_str(l),
                Segment::Var(v, _) => {
                    let value = lookup(v).ok_or_else(|| UndefinedVar { var: v.clone() })?;
                    match value {
                        Value::String(s) => out.push_str(&s),
                        other => out.push_str(&other.to_string()),
                    }
                }
            }
        }
        Ok(Value::String(out))
    }
}

/// Renders a string template to a string (non-string values are JSON-encoded).
pub fn render_str(s: &str, lookup: &dyn Fn(&Var) -> Option<Value>) -> Result<String, RenderError> {
    let value = parse(s)?.render(lookup)?;
    Ok(match value {
        Value::String(s) => s,
        other => other.to_string(),
    })
}

/// Renders every string inside a JSON value (object keys are not templated).
pub fn render_value(
    v: &Value,
    lookup: &dyn Fn(&Var) -> Option<Value>,
) -> Result<Value, RenderError> {
    Ok(match v {
        Value::String(s) => parse(s)?.render(lookup)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| render_value(i, lookup))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), render_value(v, lookup)?)))
                .collect::<Result<_, RenderError>>()?,
        ),
        other => other.clone(),
    })
}

/// Why a template could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Syntax(#[from] TemplateError),
    #[error(transparent)]
    Undefined(#[from] UndefinedVar),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lookup(v: &Var) -> Option<Value> {
        match (v.ns, v.name.as_str()) {
            (Namespace::Fixtures, "n") => Some(json!(42)),
            (Namespace::Captures, "id") => Some(json!("abc")),
            _ => None,
        }
    }

    #[test]
    fn lone_expression_keeps_type() {
        assert_eq!(
            parse("{{ fixtures.n }}").unwrap().render(&lookup).unwrap(),
            json!(42)
        );
    }

    #[test]
    fn interpolation_splices_text() {
        let t = parse("/p/{{captures.id}}/x{{ fixtures.n }}").unwrap();
        assert_eq!(t.render(&lookup).unwrap(), json!("/p/abc/x42"));
    }

    #[test]
    fn errors_carry_offsets() {
        assert_eq!(parse("ab{{ nope.x }}").unwrap_err().offset, 2);
        assert_eq!(parse("abc {{ fixtures.x").unwrap_err().offset, 4);
        assert!(parse("{{ fixtures }}").is_err());
    }

    #[test]
    fn undefined_variable_is_reported() {
        let err = parse("{{ captures.missing }}")
            .unwrap()
            .render(&lookup)
            .unwrap_err();
        assert_eq!(err.var.to_string(), "captures.missing");
    }

    #[test]
    fn render_value_recurses() {
        let v = json!({"a": ["{{ captures.id }}", 1], "b": "{{ fixtures.n }}"});
        assert_eq!(
            render_value(&v, &lookup).unwrap(),
            json!({"a": ["abc", 1], "b": 42})
        );
    }
}
