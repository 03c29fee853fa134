//! YAML → JSON with positions. Suite, case and target files are YAML; they
//! are turned into a `serde_json::Value` (YAML 1.2 core schema) together with
//! a [`SpanIndex`] mapping each JSON Pointer to where its value — and, for
//! mapping entries, its key — sits in the file. Everything that cannot be
//! represented faithfully in JSON (duplicate or non-string keys, several
//! documents, `.inf`) is a diagnostic, never a silent guess.
//!
//! [`parse_document`] adds JSON Schema validation (errors mapped back to
//! positions) and deserialisation; the suite loader and the target loader
//! both use it.

use std::collections::HashMap;
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Pos, Source, codes};

/// Deepest nesting accepted; deeper input is a diagnostic, not a stack overflow.
const MAX_DEPTH: usize = 128;

/// Largest YAML file read (suite, case and target files alike): 16 MiB. The
/// bundled case files are below 64 KiB; a larger file is refused before it
/// is parsed (from its length, without reading it when it is on disk).
pub const MAX_YAML_BYTES: u64 = 16 * 1024 * 1024;

/// How much one file's aliases may copy, in total: every node an alias
/// repeats counts one, and every byte of a string or key it repeats counts
/// one more. Aliases are for sharing a few request bodies; a file that
/// expands beyond this (a "billion laughs" alias bomb: a few hundred bytes
/// that expand to gigabytes) is refused when the limit is reached, before
/// the copy is made.
pub const MAX_ALIAS_EXPANSION: usize = 1 << 20;

/// JSON Pointer → positions of values and mapping keys in one file.
///
/// When a file is rewritten after parsing (reuse in case files is expanded,
/// [`crate::expand`]), the nodes of the rewritten document sit at other
/// pointers than the ones written: `aliases` maps a pointer prefix of the
/// rewritten document to the pointer of what was written (the longest prefix
/// wins), so diagnostics still point at the author's text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanIndex {
    values: HashMap<String, Pos>,
    keys: HashMap<String, Pos>,
    aliases: HashMap<String, String>,
}

impl SpanIndex {
    /// Where the value at `pointer` starts.
    pub fn value(&self, pointer: &str) -> Option<Pos> {
        self.values.get(self.resolve(pointer).as_ref()).copied()
    }

    /// Where the key of the mapping entry at `pointer` is.
    pub fn key(&self, pointer: &str) -> Option<Pos> {
        self.keys.get(self.resolve(pointer).as_ref()).copied()
    }

    /// Records that the node at `rewritten` (and everything below it, unless
    /// a longer alias says otherwise) was written at `written`.
    pub fn alias(&mut self, rewritten: impl Into<String>, written: impl Into<String>) {
        self.aliases.insert(rewritten.into(), written.into());
    }

    /// The written pointer of a pointer into the rewritten document.
    fn resolve<'p>(&self, pointer: &'p str) -> std::borrow::Cow<'p, str> {
        if self.aliases.is_empty() {
            return pointer.into();
        }
        let mut end = pointer.len();
        loop {
            let prefix = &pointer[..end];
            if let Some(written) = self.aliases.get(prefix) {
                return format!("{written}{}", &pointer[end..]).into();
            }
            match prefix.rfind('/') {
                Some(i) if i > 0 => end = i,
                _ => return pointer.into(),
            }
        }
    }

    /// The key if there is one, else the value.
    pub fn key_or_value(&self, pointer: &str) -> Option<Pos> {
        self.key(pointer).or_else(|| self.value(pointer))
    }

    /// The value at `pointer`, or of its nearest ancestor that has a position.
    pub fn nearest(&self, pointer: &str) -> Pos {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.value(p) {
                return pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => {
                    return Pos {
                        line: 1,
                        column: 1,
                        offset: 0,
                        len: 0,
                    };
                }
            }
        }
    }

    /// The position of byte `offset` inside the string value at `pointer`,
    /// when the scalar is written on one line without escapes; otherwise the
    /// position of the whole value.
    pub fn inside_string(&self, pointer: &str, text: &str, value: &str, offset: usize) -> Pos {
        let pos = self.nearest(pointer);
        let Some(raw) = text.get(pos.offset..pos.offset + pos.len) else {
            return pos;
        };
        let (inner, skip) = match raw.as_bytes().first() {
            Some(b'"') | Some(b'\'') if raw.len() >= 2 => (&raw[1..raw.len() - 1], 1),
            _ => (raw, 0),
        };
        if inner != value || value.contains('\n') {
            return pos;
        }
        let Some(prefix) = value.get(..offset) else {
            return pos;
        };
        let len = value[offset..]
            .find("}}")
            .map(|e| e + 2)
            .unwrap_or(value.len() - offset);
        Pos {
            line: pos.line,
            column: pos.column + skip + prefix.chars().count(),
            offset: pos.offset + skip + offset,
            len,
        }
    }
}

/// Escapes one JSON Pointer reference token (RFC 6901).
pub fn escape_token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

/// Byte offsets of character indexes (saphyr counts characters).
struct Offsets {
    bytes: Option<Vec<usize>>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let bytes = (!text.is_ascii()).then(|| text.char_indices().map(|(b, _)| b).collect());
        Self {
            bytes,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.bytes {
            None => char_index.min(self.len),
            Some(v) => v.get(char_index).copied().unwrap_or(self.len),
        }
    }

    fn pos(&self, span: Span) -> Pos {
        let start = self.byte(span.start.index());
        let end = self.byte(span.end.index()).max(start);
        Pos {
            line: span.start.line(),
            column: span.start.col() + 1,
            offset: start,
            len: end - start,
        }
    }
}

struct Builder<'a> {
    events: Parser<'a, saphyr_parser::StrInput<'a>>,
    source: Arc<Source>,
    offsets: Offsets,
    index: SpanIndex,
    /// Each anchor's value and its weight (nodes plus string bytes).
    anchors: HashMap<usize, (Value, usize)>,
    /// Weight of everything built so far, alias copies included.
    weight: usize,
    /// Weight copied by aliases so far (bounded by [`MAX_ALIAS_EXPANSION`]).
    expanded: usize,
    diags: Diagnostics,
}

/// Parse failure that ends the document (syntax error); already reported.
struct Fatal;

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), Fatal> {
        match self.events.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => {
                let m = e.marker();
                let offset = self.offsets.byte(m.index());
                let pos = Pos {
                    line: m.line(),
                    column: m.col() + 1,
                    offset,
                    len: 0,
                };
                self.diags.push(
                    Diagnostic::error(
                        codes::YAML_SYNTAX,
                        format!("YAML syntax error: {}", e.info()),
                    )
                    .at(&self.source, pos)
                    .with_label("here"),
                );
                Err(Fatal)
            }
            None => {
                self.error_at_end("unexpected end of YAML input");
                Err(Fatal)
            }
        }
    }

    fn error_at_end(&mut self, msg: &str) {
        let text = &self.source.text;
        let line = text.lines().count().max(1);
        let pos = Pos {
            line,
            column: 1,
            offset: text.len(),
            len: 0,
        };
        self.diags.push(
            Diagnostic::error(codes::YAML_SYNTAX, msg.to_string()).at(&self.source.clone(), pos),
        );
    }

    fn err(&mut self, code: &'static str, pos: Pos, msg: String, label: &str) {
        let d = Diagnostic::error(code, msg)
            .at(&self.source, pos)
            .with_label(label.to_string());
        self.diags.push(d);
    }

    /// Builds the node that starts with `ev`.
    fn node(&mut self, ev: Event<'a>, span: Span, ptr: &str, depth: usize) -> Result<Value, Fatal> {
        let pos = self.offsets.pos(span);
        if depth > MAX_DEPTH {
            self.err(
                codes::YAML_UNSUPPORTED,
                pos,
                format!("nesting deeper than {MAX_DEPTH} levels"),
                "too deep",
            );
            return Err(Fatal);
        }
        self.index.values.insert(ptr.to_string(), pos);
        let start_weight = self.weight;
        self.weight += 1;
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let is_str_tag = tag.as_ref().is_some_and(|t| {
                    t.suffix == "str" && (t.handle == "tag:yaml.org,2002:" || t.handle == "!!")
                });
                let v = if style != ScalarStyle::Plain || is_str_tag {
                    Value::String(text.into_owned())
                } else {
                    match resolve_plain(&text) {
                        Ok(v) => v,
                        Err(msg) => {
                            self.err(
                                codes::YAML_UNSUPPORTED,
                                pos,
                                msg,
                                "not representable in JSON",
                            );
                            Value::String(text.into_owned())
                        }
                    }
                };
                if let Value::String(text) = &v {
                    self.weight += text.len();
                }
                if anchor > 0 {
                    self.anchors
                        .insert(anchor, (v.clone(), self.weight - start_weight));
                }
                Ok(v)
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((v, weight)) => {
                    let weight = *weight;
                    if self.expanded.saturating_add(weight) > MAX_ALIAS_EXPANSION {
                        self.err(
                            codes::YAML_ALIAS_BOMB,
                            pos,
                            format!(
                                "aliases in this file expand to more than {MAX_ALIAS_EXPANSION} \
                                 nodes and string bytes; refused (an alias bomb?)"
                            ),
                            "expansion limit reached here",
                        );
                        return Err(Fatal);
                    }
                    let v = v.clone();
                    self.expanded += weight;
                    // The copy replaces this alias node, counted above.
                    self.weight += weight.saturating_sub(1);
                    Ok(v)
                }
                None => {
                    self.err(
                        codes::YAML_UNSUPPORTED,
                        pos,
                        "alias refers to an anchor that is not defined before it".into(),
                        "unknown anchor",
                    );
                    Ok(Value::Null)
                }
            },
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (ev, span) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    let child = format!("{ptr}/{}", items.len());
                    items.push(self.node(ev, span, &child, depth + 1)?);
                }
                let v = Value::Array(items);
                if anchor > 0 {
                    self.anchors
                        .insert(anchor, (v.clone(), self.weight - start_weight));
                }
                Ok(v)
            }
            Event::MappingStart(anchor, _) => {
                let mut map = Map::new();
                loop {
                    let (kev, kspan) = self.next()?;
                    if matches!(kev, Event::MappingEnd) {
                        break;
                    }
                    let kpos = self.offsets.pos(kspan);
                    let key = match kev {
                        Event::Scalar(text, style, _, _) => {
                            let resolved = if style == ScalarStyle::Plain {
                                resolve_plain(&text).ok()
                            } else {
                                None
                            };
                            match resolved {
                                Some(Value::String(_)) | None => Some(text.into_owned()),
                                Some(other) => {
                                    self.err(
                                        codes::YAML_NON_STRING_KEY,
                                        kpos,
                                        format!("mapping key `{other}` is not a string; quote it"),
                                        "not a string",
                                    );
                                    None
                                }
                            }
                        }
                        other => {
                            // Complex or alias key: parse it to stay in sync, then reject.
                            let _ = self.node(other, kspan, "\u{0}key", depth + 1)?;
                            self.err(
                                codes::YAML_NON_STRING_KEY,
                                kpos,
                                "mapping key is not a string".into(),
                                "not a string",
                            );
                            None
                        }
                    };
                    let (vev, vspan) = self.next()?;
                    match key {
                        Some(key) => {
                            self.weight += key.len();
                            let child = format!("{ptr}/{}", escape_token(&key));
                            if map.contains_key(&key) {
                                let first = self.index.key(&child);
                                let mut d = Diagnostic::error(
                                    codes::YAML_DUPLICATE_KEY,
                                    format!("duplicate key `{key}`"),
                                )
                                .at(&self.source, kpos)
                                .with_label("duplicate");
                                if let Some(f) = first {
                                    d = d.with_help(format!(
                                        "`{key}` is first defined at line {}, column {}",
                                        f.line, f.column
                                    ));
                                }
                                self.diags.push(d);
                                // Parse the value but keep the first one.
                                let scratch = format!("\u{0}dup{ptr}");
                                let _ = self.node(vev, vspan, &scratch, depth + 1)?;
                            } else {
                                self.index.keys.insert(child.clone(), kpos);
                                let v = self.node(vev, vspan, &child, depth + 1)?;
                                map.insert(key, v);
                            }
                        }
                        None => {
                            let _ = self.node(vev, vspan, "\u{0}skip", depth + 1)?;
                        }
                    }
                }
                let v = Value::Object(map);
                if anchor > 0 {
                    self.anchors
                        .insert(anchor, (v.clone(), self.weight - start_weight));
                }
                Ok(v)
            }
            other => {
                self.err(
                    codes::YAML_SYNTAX,
                    pos,
                    format!("unexpected YAML event {other:?}"),
                    "unexpected",
                );
                Err(Fatal)
            }
        }
    }

    fn document(&mut self) -> Result<Value, Fatal> {
        let mut result: Option<Value> = None;
        loop {
            let (ev, span) = self.next()?;
            match ev {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(result.unwrap_or(Value::Null)),
                Event::DocumentStart(_) => {
                    if result.is_some() {
                        let pos = self.offsets.pos(span);
                        self.err(
                            codes::YAML_MULTIPLE_DOCUMENTS,
                            pos,
                            "a file must hold exactly one YAML document".into(),
                            "second document starts here",
                        );
                        return Err(Fatal);
                    }
                    let (ev, span) = self.next()?;
                    if matches!(ev, Event::DocumentEnd) {
                        result = Some(Value::Null);
                        continue;
                    }
                    result = Some(self.node(ev, span, "", 0)?);
                }
                other => {
                    let pos = self.offsets.pos(span);
                    self.err(
                        codes::YAML_SYNTAX,
                        pos,
                        format!("unexpected YAML event {other:?}"),
                        "unexpected",
                    );
                    return Err(Fatal);
                }
            }
        }
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(s: &str) -> Result<Value, String> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Err(format!(
                "`{s}` is not representable in JSON; quote it if you mean a string"
            ));
        }
        _ => {}
    }
    if let Some(hex) = s.strip_prefix("0x")
        && !hex.is_empty()
        && hex.chars().all(|c| c.is_ascii_hexdigit())
    {
        return u64::from_str_radix(hex, 16)
            .map(|n| Value::Number(n.into()))
            .map_err(|_| format!("integer `{s}` is too large"));
    }
    if let Some(oct) = s.strip_prefix("0o")
        && !oct.is_empty()
        && oct.chars().all(|c| matches!(c, '0'..='7'))
    {
        return u64::from_str_radix(oct, 8)
            .map(|n| Value::Number(n.into()))
            .map_err(|_| format!("integer `{s}` is too large"));
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        let t = s.strip_prefix('+').unwrap_or(s);
        if let Ok(n) = t.parse::<i64>() {
            return Ok(Value::Number(n.into()));
        }
        if let Ok(n) = t.parse::<u64>() {
            return Ok(Value::Number(n.into()));
        }
        return Err(format!("integer `{s}` is too large"));
    }
    if is_core_float(s)
        && let Some(n) = s.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Ok(Value::Number(n));
    }
    Ok(Value::String(s.to_string()))
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - f;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// Parses one YAML document into JSON plus positions. Every problem found is
/// returned; a syntax error stops the parse at that point.
pub fn parse_yaml(source: &Arc<Source>) -> Result<(Value, SpanIndex), Diagnostics> {
    let text: &str = &source.text;
    if let Some(d) = too_large(&source.name, text.len() as u64) {
        return Err(d.into());
    }
    let mut b = Builder {
        events: Parser::new_from_str(text),
        source: source.clone(),
        offsets: Offsets::new(text),
        index: SpanIndex::default(),
        anchors: HashMap::new(),
        weight: 0,
        expanded: 0,
        diags: Diagnostics::new(),
    };
    let value = b.document();
    match value {
        Ok(v) if b.diags.is_empty() => Ok((v, b.index)),
        _ => Err(b.diags),
    }
}

/// The diagnostic for a YAML file of `len` bytes, when that is more than
/// [`MAX_YAML_BYTES`].
pub fn too_large(file_name: &str, len: u64) -> Option<Diagnostic> {
    (len > MAX_YAML_BYTES).then(|| {
        Diagnostic::error(
            codes::INPUT_TOO_LARGE,
            format!(
                "{file_name} is {len} bytes; YAML files larger than {MAX_YAML_BYTES} bytes \
                 (16 MiB) are refused"
            ),
        )
        .in_file(file_name)
    })
}

/// Parses `text` as YAML, validates it against `schema` (JSON Schema
/// 2020-12, no network), then deserialises it. Every schema error is mapped
/// to the position of the offending value — or key, for unknown keys.
pub fn parse_document<T: DeserializeOwned>(
    file_name: &str,
    text: &str,
    schema: &Value,
) -> Result<(T, SpanIndex), Diagnostics> {
    let source = Source::new(file_name, text);
    let (value, index) = parse_yaml(&source)?;
    let diags = crate::validate::validate(&source, &value, &index, schema);
    if diags.has_errors() {
        return Err(diags);
    }
    deserialize(&source, value, &index).map(|t| (t, index))
}

/// Deserialises an already validated value; a failure (schema and model
/// disagree) is a diagnostic at the document start.
pub fn deserialize<T: DeserializeOwned>(
    source: &Arc<Source>,
    value: Value,
    index: &SpanIndex,
) -> Result<T, Diagnostics> {
    serde_json::from_value(value).map_err(|e| {
        Diagnostic::error(codes::DESERIALIZE, format!("cannot read file: {e}"))
            .at(source, index.nearest(""))
            .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Result<(Value, SpanIndex), Diagnostics> {
        parse_yaml(&Source::new("t.yaml", text))
    }

    #[test]
    fn core_schema_scalars() {
        let (v, _) = parse(
            "a: 1\nb: -2.5\nc: true\nd: ~\ne: '1'\nf: 1.0.0\ng: 0x1f\nh: hello world\ni: 1e3\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"a": 1, "b": -2.5, "c": true, "d": null, "e": "1", "f": "1.0.0", "g": 31, "h": "hello world", "i": 1000.0})
        );
    }

    #[test]
    fn spans_of_values_and_keys() {
        let (_, idx) = parse("top:\n  list:\n    - x\n    - \"y\"\n").unwrap();
        let p = idx.value("/top/list/1").unwrap();
        assert_eq!((p.line, p.column, p.offset, p.len), (4, 7, 27, 3));
        let k = idx.key("/top/list").unwrap();
        assert_eq!((k.line, k.column), (2, 3));
    }

    #[test]
    fn multibyte_offsets_are_bytes() {
        let text = "ä: ö\nb: x\n";
        let (_, idx) = parse(text).unwrap();
        let p = idx.value("/b").unwrap();
        assert_eq!(&text[p.offset..p.offset + p.len], "x");
        assert_eq!((p.line, p.column), (2, 4));
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        let d = &err.items[0];
        assert_eq!(d.code, codes::YAML_DUPLICATE_KEY);
        assert_eq!(d.pos.map(|p| (p.line, p.column)), Some((3, 1)));
    }

    #[test]
    fn non_string_keys_are_reported() {
        let err = parse("200: ok\n? [a]\n: b\n").unwrap_err();
        assert_eq!(err.len(), 2);
        assert!(err.iter().all(|d| d.code == codes::YAML_NON_STRING_KEY));
    }

    #[test]
    fn multiple_documents_are_reported() {
        let err = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(err.items[0].code, codes::YAML_MULTIPLE_DOCUMENTS);
        assert_eq!(err.items[0].pos.unwrap().line, 2);
    }

    #[test]
    fn syntax_errors_have_positions_and_never_panic() {
        for text in [
            "a: [1\nb: 2",
            "a: b: c",
            "\"unterminated",
            "- a\nb: c",
            "a:\n\t- b",
            "{",
            "&a [*a]",
            "*nope",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            "a: .inf",
            "%YAML 1.2\n%YAML 1.2\n---\na",
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.items.iter().all(|d| d.pos.is_some()), "{text}");
        }
        let err = parse("a: [1\nb: 2").unwrap_err();
        assert_eq!(err.items[0].code, codes::YAML_SYNTAX);
        assert_eq!(err.items[0].pos.unwrap().line, 2);
    }

    #[test]
    fn empty_file_is_null() {
        assert_eq!(parse("").unwrap().0, Value::Null);
        assert_eq!(parse("# only a comment\n").unwrap().0, Value::Null);
    }

    #[test]
    fn aliases_copy_values() {
        let (v, _) = parse("a: &x {k: 1}\nb: *x\n").unwrap();
        assert_eq!(v, json!({"a": {"k": 1}, "b": {"k": 1}}));
    }

    /// Nine levels of ten aliases each: 10^9 copies of "lol" from 350 bytes.
    pub(crate) fn billion_laughs() -> String {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..9 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        text
    }

    #[test]
    fn alias_bombs_are_refused_where_the_limit_is_reached() {
        let err = parse(&billion_laughs()).unwrap_err();
        assert_eq!(err.items.len(), 1, "{}", err.render_short());
        let d = &err.items[0];
        assert_eq!(d.code, codes::YAML_ALIAS_BOMB);
        assert!(d.message.contains("alias"), "{}", d.message);
        // Level 6 holds 10^6 nodes per alias: the limit is reached there.
        assert_eq!(d.pos.map(|p| p.line), Some(6));
    }

    #[test]
    fn long_strings_count_towards_the_alias_limit() {
        let big = "x".repeat(200_000);
        let ok = format!("a: &a {big}\nb: [*a, *a, *a, *a]\n");
        assert!(parse(&ok).is_ok());
        let bomb = format!("a: &a {big}\nb: [*a, *a, *a, *a, *a, *a]\n");
        let err = parse(&bomb).unwrap_err();
        assert_eq!(err.items[0].code, codes::YAML_ALIAS_BOMB);
    }

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let text = " ".repeat(MAX_YAML_BYTES as usize + 1);
        let err = parse(&text).unwrap_err();
        assert_eq!(err.items[0].code, codes::INPUT_TOO_LARGE);
        assert!(err.items[0].message.contains("t.yaml"));
    }

    #[test]
    fn inside_string_points_at_the_column() {
        let text = "p: \"/a/{{ x }}\"\nq: /b/{{ y }}\n";
        let (_, idx) = parse(text).unwrap();
        let p = idx.inside_string("/p", text, "/a/{{ x }}", 3);
        assert_eq!((p.line, p.column), (1, 8));
        let q = idx.inside_string("/q", text, "/b/{{ y }}", 3);
        assert_eq!((q.line, q.column), (2, 7));
        assert_eq!(&text[q.offset..q.offset + q.len], "{{ y }}");
    }
}
