//! Strict JSON reading for signed material: a report file, or the protected
//! header of a signature.
//!
//! RFC 8259 leaves the meaning of an object with a repeated member name open,
//! and readers disagree: `serde_json` keeps the last value, many others keep
//! the first. A signed report with a second `"verdict"` placed before the
//! signed one would then verify here while another reader shows the forged
//! value. [`parse`] therefore refuses a repeated member name at any depth
//! (after unescaping, so `"verd\u0069ct"` repeats `"verdict"`), naming the
//! JSON Pointer of the object and the line and column where it was found.
//! Otherwise it reads exactly what `serde_json::from_slice` reads (same
//! numbers, same nesting limit, member order kept).

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Why bytes are not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StrictError {
    /// Not JSON at all (syntax, encoding, trailing data, numbers out of range).
    #[error("not JSON: {0}")]
    Syntax(String),
    /// Well-formed JSON, but an object repeats a member name.
    #[error(
        "member \"{name}\" appears twice in the object at `{pointer}` (line {line}, column \
         {column}); readers disagree about which one counts, so it is refused"
    )]
    Duplicate {
        name: String,
        /// JSON Pointer of the object holding the repeated member (`""` = the top level).
        pointer: String,
        line: usize,
        column: usize,
    },
}

/// Largest report file read (by `report verify|render|sign|merge` and
/// `matrix`): 256 MiB. A report keeps at most 64 KiB of each body, so even
/// the largest bundled suite stays far below; a larger file is refused from
/// its length, before it is read.
pub const MAX_JSON_BYTES: u64 = 256 * 1024 * 1024;

/// Reads the file at `path` when it holds at most [`MAX_JSON_BYTES`]: the
/// length is checked before reading, and reading stops after one byte more
/// (a file that grows meanwhile, or is not a regular file, is refused too).
pub fn read_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let too_large = |len: u64| {
        std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "{len} bytes; JSON files larger than {MAX_JSON_BYTES} bytes (256 MiB) are refused"
            ),
        )
    };
    let len = file.metadata()?.len();
    if len > MAX_JSON_BYTES {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_JSON_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_JSON_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Parses `bytes` as JSON, refusing a repeated member name at any depth.
pub fn parse(bytes: &[u8]) -> Result<Value, StrictError> {
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let classify = |error: serde_json::Error| match found.borrow_mut().take() {
        Some((name, pointer)) => StrictError::Duplicate {
            name,
            pointer,
            line: error.line(),
            column: error.column(),
        },
        None => StrictError::Syntax(error.to_string()),
    };
    let value = Seed {
        at: &At::Root,
        found: &found,
    }
    .deserialize(&mut de)
    .map_err(classify)?;
    de.end().map_err(classify)?;
    Ok(value)
}

/// Where a value sits, as a chain back to the root (built on the stack, so
/// nothing is allocated unless a duplicate is found).
enum At<'a> {
    Root,
    Member(&'a str, &'a At<'a>),
    Index(usize, &'a At<'a>),
}

impl At<'_> {
    fn pointer(&self) -> String {
        let mut parts = Vec::new();
        let mut at = self;
        loop {
            match at {
                At::Root => break,
                At::Member(name, parent) => {
                    parts.push(name.replace('~', "~0").replace('/', "~1"));
                    at = parent;
                }
                At::Index(i, parent) => {
                    parts.push(i.to_string());
                    at = parent;
                }
            }
        }
        parts.iter().rev().map(|p| format!("/{p}")).collect()
    }
}

struct Seed<'a> {
    at: &'a At<'a>,
    /// `(name, pointer)` of the first repeated member, set before failing.
    found: &'a RefCell<Option<(String, String)>>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            let at = At::Index(items.len(), self.at);
            match seq.next_element_seed(Seed {
                at: &at,
                found: self.found,
            })? {
                Some(item) => items.push(item),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.contains_key(&name) {
                let message = format!("duplicate member \"{name}\"");
                *self.found.borrow_mut() = Some((name, self.at.pointer()));
                return Err(de::Error::custom(message));
            }
            let at = At::Member(&name, self.at);
            let value = map.next_value_seed(Seed {
                at: &at,
                found: self.found,
            })?;
            members.insert(name, value);
        }
        Ok(Value::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_reads() {
        let text =
            br#"{"b":[1,-2,3.5,1.0,-0,1e2,"x",null,true,{"c":{}}],"a":18446744073709551615}"#;
        let strict = parse(text).expect("valid");
        let lenient: Value = serde_json::from_slice(text).expect("valid");
        assert_eq!(strict, lenient);
        let order: Vec<&String> = strict.as_object().expect("object").keys().collect();
        assert_eq!(order, ["b", "a"], "member order is kept");
    }

    #[test]
    fn a_repeated_member_is_refused_at_any_depth() {
        let err = parse(
            b"{\"cases\":[{\"id\":\"x\"},\n{\"verdict\":\"fail\",\"verd\\u0069ct\":\"pass\"}]}",
        )
        .expect_err("duplicate");
        match err {
            StrictError::Duplicate {
                name,
                pointer,
                line,
                ..
            } => {
                assert_eq!(name, "verdict");
                assert_eq!(pointer, "/cases/1");
                assert_eq!(line, 2);
            }
            other => panic!("{other:?}"),
        }
        let top = parse(br#"{"a":1,"a":1}"#).expect_err("duplicate");
        assert!(top.to_string().contains("object at ``"), "{top}");
        assert!(matches!(parse(b"{\"a\":1"), Err(StrictError::Syntax(_))));
        assert!(matches!(parse(b"{} {}"), Err(StrictError::Syntax(_))));
        assert!(matches!(parse(b"1e400"), Err(StrictError::Syntax(_))));
    }
}
