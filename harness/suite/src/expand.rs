//! Reuse in case files, expanded into plain cases before a case file is
//! validated, linted or run: the runner and the report never see anything
//! but the cases it produces, so a suite written with reuse and the same
//! suite written out by hand load to the same cases.
//!
//! - **Named step sequences.** A case file's `sequences:` defines named,
//!   parameterised step lists (`register a new person`); a step
//!   `{ use: NAME, with: {..} }` in `steps`, `finally` or a probe's `setup`
//!   stands for them. Names are visible in every case file of the suite.
//! - **Table-driven cases.** `{ table: { rows: [..] }, case: {..} }` stands
//!   for one case per row; a row is a mapping of parameters (or a list, read
//!   against `table.columns`). Each row's case has its own id.
//! - **Shared fragments.** `include: [{ fragment: NAME, with: {..} }]` adds
//!   the cases (and sequences) of `suites/_shared/NAME.yaml`, a file several
//!   suites share (the cross-cutting conventions). The fragment's bytes are
//!   part of the including suite's digest.
//!
//! Parameters are written `{{ params.NAME }}`. A string that is exactly one
//! placeholder takes the parameter's JSON value (an object, a list, a
//! number); elsewhere the value is written into the string. They are
//! replaced when the suite loads; every other `{{ .. }}` is left for the
//! runner. Diagnostics of the expanded cases point at what the author wrote
//! (see [`SpanIndex::alias`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Source, codes};
use crate::yaml::{SpanIndex, escape_token, parse_yaml};

/// Folder (beside the suite families under `suites/`) of the fragments that
/// several suites include.
pub const SHARED_DIR: &str = "_shared";

/// What a step that uses a sequence may hold.
const USE_KEYS: [&str; 7] = [
    "use",
    "with",
    "name",
    "precondition",
    "verifies",
    "expect",
    "capture",
];

/// What the use of a one-step sequence may replace in that step: a step
/// template (`anmelden`) then serves requests that expect different answers.
const ONE_STEP_KEYS: [&str; 3] = ["name", "expect", "capture"];

/// How deep `use` may nest (a sequence using a sequence ...).
const MAX_NESTING: usize = 16;

/// A case file as parsed, before expansion.
pub struct RawFile {
    pub source: Arc<Source>,
    pub value: Value,
    pub index: SpanIndex,
}

/// A named step sequence and where it was defined.
#[derive(Debug, Clone)]
struct Sequence {
    /// The case file that defines it (or includes the fragment that does).
    file: String,
    /// Its pointer in that file; `None` when it came from a fragment.
    pointer: Option<String>,
    params: Vec<String>,
    defaults: Map<String, Value>,
    steps: Vec<Value>,
}

/// What the fragments a suite includes contributed: their files, for the digest.
#[derive(Debug, Default)]
pub struct Included {
    /// `_shared/NAME.yaml` → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Expands every case file of a suite. `fragment` returns the bytes of
/// `suites/_shared/NAME.yaml`. Diagnostics go to `diags`; a file whose reuse
/// could not be expanded is left with its `cases` as far as they expanded.
pub fn expand_all(
    files: &mut [RawFile],
    fragment: &dyn Fn(&str) -> Option<Vec<u8>>,
    diags: &mut Diagnostics,
) -> Included {
    let mut included = Included::default();
    // 1. Fragments: their cases join the including file; their sequences the suite.
    let mut from_fragments: Vec<Vec<(usize, Value)>> = Vec::new();
    let mut sequences: BTreeMap<String, Sequence> = BTreeMap::new();
    for file in files.iter_mut() {
        let cases = include_fragments(file, fragment, &mut included, &mut sequences, diags);
        from_fragments.push(cases);
    }
    // 2. Sequences of the case files themselves.
    for file in files.iter() {
        collect_sequences(file, &mut sequences, diags);
    }
    // 3. Tables and `use`, file by file.
    for (file, fragment_cases) in files.iter_mut().zip(from_fragments) {
        expand_file(file, fragment_cases, &sequences, diags);
    }
    included
}

fn error(file: &RawFile, code: &'static str, pointer: &str, message: String) -> Diagnostic {
    Diagnostic::error(code, message).at(&file.source, file.index.nearest(pointer))
}

/// Loads the fragments `include` names; returns their cases (each with the
/// index of its include entry) after putting in the include's parameters.
fn include_fragments(
    file: &mut RawFile,
    fragment: &dyn Fn(&str) -> Option<Vec<u8>>,
    included: &mut Included,
    sequences: &mut BTreeMap<String, Sequence>,
    diags: &mut Diagnostics,
) -> Vec<(usize, Value)> {
    let Some(list) = file.value.as_object_mut().and_then(|o| o.remove("include")) else {
        return Vec::new();
    };
    let Value::Array(list) = list else {
        diags.push(error(
            file,
            codes::REUSE,
            "/include",
            "`include` is a list of `{ fragment: NAME, with: {..} }`".into(),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let at = format!("/include/{i}");
        let Some((name, with)) = fragment_ref(entry) else {
            diags.push(error(
                file,
                codes::REUSE,
                &at,
                "an include is `{ fragment: NAME, with: {..} }`".into(),
            ));
            continue;
        };
        if !is_safe_name(name) {
            diags.push(error(
                file,
                codes::UNSAFE_NAME,
                &format!("{at}/fragment"),
                format!("fragment name `{name}` may hold only letters, digits, `-`, `_` and `.`"),
            ));
            continue;
        }
        let path = format!("{SHARED_DIR}/{name}.yaml");
        let Some(bytes) = fragment(name) else {
            diags.push(
                error(
                    file,
                    codes::UNKNOWN_FRAGMENT,
                    &format!("{at}/fragment"),
                    format!("no shared fragment `{name}` (suites/{path})"),
                )
                .with_label("not found"),
            );
            continue;
        };
        let Ok(text) = String::from_utf8(bytes.clone()) else {
            diags.push(Diagnostic::error(codes::IO, "file is not valid UTF-8").in_file(path));
            continue;
        };
        included.files.insert(path.clone(), bytes);
        let source = Source::new(path.clone(), text);
        let (value, index) = match parse_yaml(&source) {
            Ok(v) => v,
            Err(d) => {
                diags.extend(d);
                continue;
            }
        };
        let frag = RawFile {
            source,
            value,
            index,
        };
        let Some(obj) = frag.value.as_object() else {
            diags.push(error(
                &frag,
                codes::REUSE,
                "",
                "a fragment is a mapping with `params`, `sequences` and `cases`".into(),
            ));
            continue;
        };
        if let Some(k) = obj
            .keys()
            .find(|k| !["params", "defaults", "sequences", "cases"].contains(&k.as_str()))
        {
            diags.push(error(
                &frag,
                codes::REUSE,
                &format!("/{}", escape_token(k)),
                format!("unknown member `{k}` in a fragment (params, defaults, sequences, cases)"),
            ));
            continue;
        }
        let declared = Declared::read(&frag, "", diags);
        let Some(params) = declared.bind(with, file, &format!("{at}/with"), diags) else {
            continue;
        };
        let substituted = match substitute(&frag.value, &params) {
            Ok(v) => v,
            Err(name) => {
                diags.push(error(
                    &frag,
                    codes::UNKNOWN_PARAMETER,
                    "",
                    format!(
                        "`{{{{ params.{name} }}}}`: the fragment declares no parameter `{name}`"
                    ),
                ));
                continue;
            }
        };
        if let Some(Value::Object(seqs)) = substituted.get("sequences") {
            for (name, def) in seqs {
                let pointer = format!("/sequences/{}", escape_token(name));
                if let Some(seq) = read_sequence(&frag, &pointer, def, diags) {
                    define(
                        sequences,
                        name,
                        Sequence {
                            file: file.source.name.clone(),
                            pointer: None,
                            ..seq
                        },
                        file,
                        &at,
                        diags,
                    );
                }
            }
        }
        if let Some(Value::Array(cases)) = substituted.get("cases") {
            out.extend(cases.iter().cloned().map(|c| (i, c)));
        }
    }
    out
}

fn fragment_ref(entry: &Value) -> Option<(&str, &Map<String, Value>)> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    let obj = entry.as_object()?;
    if obj.keys().any(|k| k != "fragment" && k != "with") {
        return None;
    }
    let name = obj.get("fragment")?.as_str()?;
    let with = match obj.get("with") {
        None => EMPTY.get_or_init(Map::new),
        Some(Value::Object(w)) => w,
        Some(_) => return None,
    };
    Some((name, with))
}

fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The parameters a sequence or fragment declares: `params` (required)
/// and `defaults` (optional, with their value).
struct Declared {
    params: Vec<String>,
    defaults: Map<String, Value>,
}

impl Declared {
    fn read(file: &RawFile, at: &str, diags: &mut Diagnostics) -> Self {
        let obj = file.value.pointer(at).and_then(Value::as_object);
        let params = match obj.and_then(|o| o.get("params")) {
            None => Vec::new(),
            Some(Value::Array(a)) if a.iter().all(Value::is_string) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Some(_) => {
                diags.push(error(
                    file,
                    codes::REUSE,
                    &format!("{at}/params"),
                    "`params` is a list of parameter names".into(),
                ));
                Vec::new()
            }
        };
        let defaults = match obj.and_then(|o| o.get("defaults")) {
            None => Map::new(),
            Some(Value::Object(d)) => d.clone(),
            Some(_) => {
                diags.push(error(
                    file,
                    codes::REUSE,
                    &format!("{at}/defaults"),
                    "`defaults` maps parameter names to their values".into(),
                ));
                Map::new()
            }
        };
        Self { params, defaults }
    }

    /// The parameters of one use: `with` over the defaults. A parameter
    /// neither given nor defaulted, or one given but not declared, is an error
    /// at `at` in `file`.
    fn bind(
        &self,
        with: &Map<String, Value>,
        file: &RawFile,
        at: &str,
        diags: &mut Diagnostics,
    ) -> Option<Map<String, Value>> {
        let mut ok = true;
        for name in with.keys() {
            if !self.params.contains(name) && !self.defaults.contains_key(name) {
                ok = false;
                diags.push(error(
                    file,
                    codes::UNKNOWN_PARAMETER,
                    &format!("{at}/{}", escape_token(name)),
                    format!(
                        "no parameter `{name}` is declared (declared: {})",
                        self.names()
                    ),
                ));
            }
        }
        for name in &self.params {
            if !with.contains_key(name) {
                ok = false;
                diags.push(error(
                    file,
                    codes::MISSING_PARAMETER,
                    at,
                    format!("parameter `{name}` is required and not given"),
                ));
            }
        }
        ok.then(|| {
            let mut params = self.defaults.clone();
            params.extend(with.iter().map(|(k, v)| (k.clone(), v.clone())));
            params
        })
    }

    fn names(&self) -> String {
        let all: Vec<&str> = self
            .params
            .iter()
            .map(String::as_str)
            .chain(self.defaults.keys().map(String::as_str))
            .collect();
        if all.is_empty() {
            "none".into()
        } else {
            all.join(", ")
        }
    }
}

fn read_sequence(
    file: &RawFile,
    pointer: &str,
    def: &Value,
    diags: &mut Diagnostics,
) -> Option<Sequence> {
    let obj = def.as_object();
    let unknown = obj.and_then(|o| {
        o.keys()
            .find(|k| !["params", "defaults", "steps"].contains(&k.as_str()))
    });
    let steps = obj.and_then(|o| o.get("steps")).and_then(Value::as_array);
    match (unknown, steps) {
        (None, Some(steps)) if !steps.is_empty() => {
            let declared = Declared::read(file, pointer, diags);
            Some(Sequence {
                file: file.source.name.clone(),
                pointer: Some(pointer.to_string()),
                params: declared.params,
                defaults: declared.defaults,
                steps: steps.clone(),
            })
        }
        _ => {
            diags.push(error(
                file,
                codes::REUSE,
                pointer,
                "a sequence is `{ params: [..], defaults: {..}, steps: [..] }` with at least one step"
                    .into(),
            ));
            None
        }
    }
}

fn define(
    sequences: &mut BTreeMap<String, Sequence>,
    name: &str,
    seq: Sequence,
    file: &RawFile,
    at: &str,
    diags: &mut Diagnostics,
) {
    if let Some(first) = sequences.get(name) {
        diags.push(error(
            file,
            codes::DUPLICATE_SEQUENCE,
            at,
            format!(
                "sequence `{name}` is defined twice (first in {})",
                first.file
            ),
        ));
        return;
    }
    sequences.insert(name.to_string(), seq);
}

fn collect_sequences(
    file: &RawFile,
    sequences: &mut BTreeMap<String, Sequence>,
    diags: &mut Diagnostics,
) {
    match file.value.get("sequences") {
        None => {}
        Some(Value::Object(seqs)) => {
            for (name, def) in seqs {
                let pointer = format!("/sequences/{}", escape_token(name));
                if let Some(seq) = read_sequence(file, &pointer, def, diags) {
                    define(sequences, name, seq, file, &pointer, diags);
                }
            }
        }
        Some(_) => diags.push(error(
            file,
            codes::REUSE,
            "/sequences",
            "`sequences` maps names to `{ params, defaults, steps }`".into(),
        )),
    }
}

/// Where an expanded node was written, in the file being expanded.
#[derive(Clone)]
struct Origin(String);

fn expand_file(
    file: &mut RawFile,
    fragment_cases: Vec<(usize, Value)>,
    sequences: &BTreeMap<String, Sequence>,
    diags: &mut Diagnostics,
) {
    let Some(obj) = file.value.as_object_mut() else {
        return;
    };
    obj.remove("sequences");
    let own = match obj.remove("cases") {
        Some(Value::Array(c)) => c,
        Some(other) => {
            // Not a list: leave it for the schema to report.
            obj.insert("cases".into(), other);
            Vec::new()
        }
        None => Vec::new(),
    };
    let probes = obj.remove("probes");
    let had_cases = !own.is_empty() || !fragment_cases.is_empty();

    // Every case with where it was written: fragment cases at their include entry.
    let mut written: Vec<(Value, Origin, bool)> = fragment_cases
        .into_iter()
        .map(|(i, c)| (c, Origin(format!("/include/{i}")), true))
        .collect();
    written.extend(
        own.into_iter()
            .enumerate()
            .map(|(i, c)| (c, Origin(format!("/cases/{i}")), false)),
    );

    let mut out = Vec::new();
    let mut aliases: Vec<(String, String)> = Vec::new();
    for (case, origin, opaque) in written {
        for (case, origin) in expand_table(case, origin, opaque, file, diags) {
            let k = out.len();
            aliases.push((format!("/cases/{k}"), origin.0.clone()));
            let case = expand_case_steps(
                case,
                &format!("/cases/{k}"),
                &origin,
                opaque,
                &["steps", "finally"],
                file,
                sequences,
                &mut aliases,
                diags,
            );
            out.push(case);
        }
    }
    let mut probes_out = None;
    if let Some(Value::Array(list)) = probes {
        let mut expanded = Vec::new();
        for (i, probe) in list.into_iter().enumerate() {
            let at = format!("/probes/{i}");
            let origin = Origin(at.clone());
            expanded.push(expand_case_steps(
                probe,
                &at,
                &origin,
                false,
                &["setup", "finally"],
                file,
                sequences,
                &mut aliases,
                diags,
            ));
        }
        probes_out = Some(Value::Array(expanded));
    } else if let Some(p) = probes {
        probes_out = Some(p);
    }
    for (rewritten, written) in aliases {
        if rewritten != written {
            file.index.alias(rewritten, written);
        }
    }
    let Some(obj) = file.value.as_object_mut() else {
        return;
    };
    if had_cases || !out.is_empty() {
        obj.insert("cases".into(), Value::Array(out));
    }
    if let Some(p) = probes_out {
        obj.insert("probes".into(), p);
    }
}

/// A table case becomes one case per row; any other case stays as it is.
fn expand_table(
    case: Value,
    origin: Origin,
    opaque: bool,
    file: &RawFile,
    diags: &mut Diagnostics,
) -> Vec<(Value, Origin)> {
    let Some(table) = case.get("table") else {
        return vec![(case, origin)];
    };
    let at = &origin.0;
    let shape = "a table case is `{ table: { columns: [..], rows: [..] }, case: {..} }`";
    let obj = case.as_object();
    let template = obj.and_then(|o| o.get("case"));
    let extra = obj.and_then(|o| o.keys().find(|k| *k != "table" && *k != "case"));
    let (Some(template), None) = (template, extra) else {
        diags.push(error(file, codes::INVALID_TABLE, at, shape.into()));
        return Vec::new();
    };
    let columns: Option<Vec<String>> = match table.get("columns") {
        None => None,
        Some(Value::Array(c)) if c.iter().all(Value::is_string) => Some(
            c.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        ),
        Some(_) => {
            diags.push(error(
                file,
                codes::INVALID_TABLE,
                &format!("{at}/table/columns"),
                "`columns` is a list of parameter names".into(),
            ));
            return Vec::new();
        }
    };
    let Some(rows) = table.get("rows").and_then(Value::as_array) else {
        diags.push(error(
            file,
            codes::INVALID_TABLE,
            &format!("{at}/table"),
            shape.into(),
        ));
        return Vec::new();
    };
    let template_at = if opaque {
        at.clone()
    } else {
        format!("{at}/case")
    };
    let mut out = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let row_at = format!("{at}/table/rows/{r}");
        let params: Map<String, Value> = match (row, &columns) {
            (Value::Object(m), None) => m.clone(),
            (Value::Array(values), Some(cols)) if values.len() == cols.len() => {
                cols.iter().cloned().zip(values.iter().cloned()).collect()
            }
            (Value::Array(values), Some(cols)) => {
                diags.push(error(
                    file,
                    codes::INVALID_TABLE,
                    &row_at,
                    format!(
                        "this row has {} values for {} columns ({})",
                        values.len(),
                        cols.len(),
                        cols.join(", ")
                    ),
                ));
                continue;
            }
            _ => {
                diags.push(error(
                    file,
                    codes::INVALID_TABLE,
                    &row_at,
                    "a row is a mapping of parameters, or a list when the table names `columns`"
                        .into(),
                ));
                continue;
            }
        };
        match substitute(template, &params) {
            Ok(case) => out.push((case, Origin(template_at.clone()))),
            Err(name) => diags.push(error(
                file,
                codes::UNKNOWN_PARAMETER,
                &template_at,
                format!("`{{{{ params.{name} }}}}`: row {} gives no `{name}`", r + 1),
            )),
        }
    }
    out
}

/// Expands the `use` steps in the step lists `lists` of one case or probe.
#[allow(clippy::too_many_arguments)]
fn expand_case_steps(
    mut case: Value,
    at: &str,
    origin: &Origin,
    opaque: bool,
    lists: &[&str],
    file: &RawFile,
    sequences: &BTreeMap<String, Sequence>,
    aliases: &mut Vec<(String, String)>,
    diags: &mut Diagnostics,
) -> Value {
    for list in lists {
        let Some(Value::Array(steps)) = case.get(*list) else {
            continue;
        };
        let mut out = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            let written = format!("{}/{list}/{i}", origin.0);
            let here = if opaque { origin.0.clone() } else { written };
            let mut expanded = Vec::new();
            expand_step(
                step.clone(),
                &here,
                file,
                sequences,
                &mut Vec::new(),
                &mut expanded,
                diags,
            );
            for (step, step_origin) in expanded {
                aliases.push((format!("{at}/{list}/{}", out.len()), step_origin));
                out.push(step);
            }
        }
        if let Some(obj) = case.as_object_mut() {
            obj.insert((*list).to_string(), Value::Array(out));
        }
    }
    case
}

/// One written step → the steps it stands for, each with where it was written.
fn expand_step(
    step: Value,
    at: &str,
    file: &RawFile,
    sequences: &BTreeMap<String, Sequence>,
    stack: &mut Vec<String>,
    out: &mut Vec<(Value, String)>,
    diags: &mut Diagnostics,
) {
    let Some(name) = step.get("use") else {
        out.push((step, at.to_string()));
        return;
    };
    let Some(name) = name.as_str() else {
        diags.push(error(
            file,
            codes::REUSE,
            &format!("{at}/use"),
            "`use` names a sequence".into(),
        ));
        return;
    };
    let obj = step.as_object().cloned().unwrap_or_default();
    if let Some(k) = obj.keys().find(|k| !USE_KEYS.contains(&k.as_str())) {
        diags.push(error(
            file,
            codes::REUSE,
            &format!("{at}/{}", escape_token(k)),
            format!(
                "`{k}` cannot be set where a sequence is used ({})",
                USE_KEYS.join(", ")
            ),
        ));
        return;
    }
    let Some(seq) = sequences.get(name) else {
        let known: Vec<&str> = sequences.keys().map(String::as_str).collect();
        diags.push(
            error(
                file,
                codes::UNKNOWN_SEQUENCE,
                &format!("{at}/use"),
                format!("no sequence `{name}` is defined in this suite"),
            )
            .with_help(if known.is_empty() {
                "define it under `sequences:` in a case file".to_string()
            } else {
                format!("defined: {}", known.join(", "))
            }),
        );
        return;
    };
    if stack.iter().any(|s| s == name) || stack.len() >= MAX_NESTING {
        diags.push(error(
            file,
            codes::REUSE,
            &format!("{at}/use"),
            format!(
                "sequence `{name}` uses itself ({} → {name})",
                stack.join(" → ")
            ),
        ));
        return;
    }
    let with = match obj.get("with") {
        None => Map::new(),
        Some(Value::Object(w)) => w.clone(),
        Some(_) => {
            diags.push(error(
                file,
                codes::REUSE,
                &format!("{at}/with"),
                "`with` maps parameter names to values".into(),
            ));
            return;
        }
    };
    let declared = Declared {
        params: seq.params.clone(),
        defaults: seq.defaults.clone(),
    };
    let Some(params) = declared.bind(&with, file, &format!("{at}/with"), diags) else {
        return;
    };
    if let Some(k) = ONE_STEP_KEYS.iter().find(|k| obj.contains_key(**k))
        && seq.steps.len() != 1
    {
        diags.push(error(
            file,
            codes::REUSE,
            &format!("{at}/{k}"),
            format!(
                "`{k}` can be set only for a sequence of one step; `{name}` has {}",
                seq.steps.len()
            ),
        ));
        return;
    }
    stack.push(name.to_string());
    for (s, inner) in seq.steps.iter().enumerate() {
        // Steps of a sequence written in this file point at their definition;
        // others at the `use`.
        let inner_at = match &seq.pointer {
            Some(p) if seq.file == file.source.name => format!("{p}/steps/{s}"),
            _ => at.to_string(),
        };
        let mut inner = match substitute(inner, &params) {
            Ok(v) => v,
            Err(p) => {
                diags.push(error(
                    file,
                    codes::UNKNOWN_PARAMETER,
                    &inner_at,
                    format!(
                        "`{{{{ params.{p} }}}}`: sequence `{name}` declares no parameter `{p}`"
                    ),
                ));
                continue;
            }
        };
        if let Some(o) = inner.as_object_mut() {
            for k in ONE_STEP_KEYS {
                if let Some(v) = obj.get(k) {
                    o.insert(k.to_string(), v.clone());
                }
            }
            if obj.get("precondition") == Some(&Value::Bool(true)) {
                o.insert("precondition".into(), Value::Bool(true));
            }
            if let Some(v) = obj.get("verifies")
                && !o.contains_key("verifies")
            {
                o.insert("verifies".into(), v.clone());
            }
        }
        expand_step(inner, &inner_at, file, sequences, stack, out, diags);
    }
    stack.pop();
}

/// Puts in `{{ params.NAME }}`; `Err(NAME)` for the first unknown parameter.
pub fn substitute(value: &Value, params: &Map<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => substitute_str(s, params)?,
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|v| substitute(v, params))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| Ok((k.clone(), substitute(v, params)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

/// The parameter a `{{ params.NAME }}` at the start of `s` names, and the
/// placeholder's length.
fn placeholder(s: &str) -> Option<(&str, usize)> {
    let rest = s.strip_prefix("{{")?;
    let inner_end = rest.find("}}")?;
    let inner = rest[..inner_end].trim();
    let name = inner.strip_prefix("params.")?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    valid.then_some((name, inner_end + 4))
}

fn substitute_str(s: &str, params: &Map<String, Value>) -> Result<Value, String> {
    if !s.contains("params.") {
        return Ok(Value::String(s.to_string()));
    }
    if let Some((name, len)) = placeholder(s)
        && len == s.len()
    {
        return params.get(name).cloned().ok_or_else(|| name.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match placeholder(rest) {
            Some((name, len)) => {
                match params.get(name) {
                    Some(Value::String(v)) => out.push_str(v),
                    Some(v) => out.push_str(&v.to_string()),
                    None => return Err(name.to_string()),
                }
                rest = &rest[len..];
            }
            None => {
                out.push_str("{{");
                rest = &rest[2..];
            }
        }
    }
    out.push_str(rest);
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(name: &str, text: &str) -> RawFile {
        let source = Source::new(name, text.to_string());
        let (value, index) = parse_yaml(&source).unwrap();
        RawFile {
            source,
            value,
            index,
        }
    }

    fn expand(files: &mut [RawFile], shared: &[(&str, &str)]) -> Diagnostics {
        let shared: BTreeMap<String, String> = shared
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut diags = Diagnostics::new();
        expand_all(
            files,
            &|n| shared.get(n).map(|s| s.as_bytes().to_vec()),
            &mut diags,
        );
        diags
    }

    #[test]
    fn a_placeholder_alone_takes_the_json_value_and_inside_text_its_text() {
        let params = json!({"n": 3, "obj": {"a": [1]}, "s": "x"});
        let params = params.as_object().unwrap();
        let v = json!({"a": "{{ params.obj }}", "b": "id-{{params.n}}-{{ params.s }}", "c": "{{ unique.x.{{ params.s }} }}"});
        assert_eq!(
            substitute(&v, params).unwrap(),
            json!({"a": {"a": [1]}, "b": "id-3-x", "c": "{{ unique.x.x }}"})
        );
        assert_eq!(
            substitute(&json!("{{ params.nope }}"), params),
            Err("nope".to_string())
        );
    }

    #[test]
    fn use_and_tables_expand_into_plain_cases_that_point_at_what_was_written() {
        let mut files = [raw(
            "cases/a.yaml",
            r#"sequences:
  anmelden:
    params: [name]
    defaults: { status: 201 }
    steps:
      - request: { method: POST, path: /p, json: { n: "{{ params.name }}" } }
        expect: { status: "{{ params.status }}" }
cases:
  - table:
      columns: [nr, name]
      rows:
        - [a, Mia]
        - [b, Jonas]
    case:
      id: "t.{{ params.nr }}"
      title: "x {{ params.nr }}"
      class: c
      verifies: [R-1]
      steps:
        - { use: anmelden, with: { name: "{{ params.name }}" }, precondition: true }
        - request: { method: GET, path: /q }
"#,
        )];
        let diags = expand(&mut files, &[]);
        assert!(diags.is_empty(), "{diags:?}");
        let cases = files[0].value["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[1]["id"], "t.b");
        assert_eq!(
            cases[1]["steps"][0],
            json!({"request": {"method": "POST", "path": "/p", "json": {"n": "Jonas"}},
                   "expect": {"status": 201}, "precondition": true})
        );
        assert!(files[0].value.get("sequences").is_none());
        // The expanded step points at the sequence's definition, the second
        // at the template's own second step.
        let idx = &files[0].index;
        assert_eq!(idx.nearest("/cases/1/steps/0/request/path").line, 6);
        assert_eq!(idx.nearest("/cases/1/steps/1/request").line, 21);
    }

    #[test]
    fn fragments_bring_their_cases_with_the_includes_parameters() {
        let mut files = [raw(
            "cases/q.yaml",
            "include:\n  - fragment: conv\n    with: { req: X-1 }\ncases:\n  - { id: own, title: t, class: c, verifies: [X-2], steps: [] }\n",
        )];
        let diags = expand(
            &mut files,
            &[(
                "conv",
                "params: [req]\ncases:\n  - { id: shared, title: t, class: c, verifies: [\"{{ params.req }}\"], steps: [] }\n",
            )],
        );
        assert!(diags.is_empty(), "{diags:?}");
        let ids: Vec<&str> = files[0].value["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["shared", "own"]);
        assert_eq!(files[0].value["cases"][0]["verifies"], json!(["X-1"]));
        // The shared case points at the include; the own case at itself.
        assert_eq!(files[0].index.nearest("/cases/0/id").line, 2);
        assert_eq!(files[0].index.nearest("/cases/1/id").line, 5);
    }

    #[test]
    fn reuse_mistakes_are_diagnostics_at_the_written_place() {
        let mut files = [raw(
            "cases/a.yaml",
            r#"sequences:
  s:
    params: [a]
    steps: [{ request: { method: GET, path: "/{{ params.a }}" } }]
  loop:
    steps: [{ use: loop }]
cases:
  - id: c
    title: t
    class: c
    verifies: [R]
    steps:
      - { use: s }
      - { use: s, with: { a: 1, b: 2 } }
      - { use: nope }
      - { use: loop }
  - table: { columns: [x], rows: [[1, 2]] }
    case: { id: "t.{{ params.x }}" }
"#,
        )];
        let diags = expand(&mut files, &[("f", "")]);
        let got: Vec<(String, usize)> = diags
            .items
            .iter()
            .map(|d| (d.code.to_string(), d.pos.map_or(0, |p| p.line)))
            .collect();
        assert_eq!(
            got,
            [
                ("konform::missing-parameter".to_string(), 13),
                ("konform::unknown-parameter".to_string(), 14),
                ("konform::unknown-sequence".to_string(), 15),
                ("konform::reuse".to_string(), 6),
                ("konform::invalid-table".to_string(), 17),
            ]
        );
    }
}
