//! Semantic checks that a JSON Schema cannot express: ids that must be
//! unique or must exist, requirement coverage, template variables, regular
//! expressions, JSONPath and JSON Pointer syntax, schema references, the
//! personal-data marks of the interface contract, and the suite's identity
//! against its folder. Every file is checked in one pass; nothing stops at
//! the first mistake.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use konform_model::suite::{
    Case, CaseFile, ErrorListExpect, Level, SchemaExpect, Step, SuiteManifest,
};
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos, Source, codes};
use crate::files::FolderId;
use crate::load::ProbeDerivation;
use crate::personal;
use crate::schemas::{RefStatus, SchemaSet};
use crate::template::{self, Namespace};
use crate::yaml::{SpanIndex, escape_token};

/// A file that parsed and validated, with what is needed to point into it.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub source: Arc<Source>,
    pub index: SpanIndex,
    pub value: T,
}

impl<T> Parsed<T> {
    fn pos(&self, ptr: &str) -> Pos {
        self.index.nearest(ptr)
    }

    fn key_pos(&self, ptr: &str) -> Pos {
        self.index
            .key_or_value(ptr)
            .unwrap_or_else(|| self.pos(ptr))
    }

    pub(crate) fn at(&self, d: Diagnostic, ptr: &str) -> Diagnostic {
        d.at(&self.source, self.pos(ptr))
    }

    fn loc(&self, ptr: &str) -> String {
        let p = self.pos(ptr);
        format!("{}:{}:{}", self.source.name, p.line, p.column)
    }
}

/// What the linter looks at.
pub struct LintInput<'a> {
    pub manifest: Option<&'a Parsed<SuiteManifest>>,
    pub case_files: &'a [Parsed<CaseFile>],
    /// False when some case file failed to load: coverage checks are then
    /// skipped, since they would only repeat that failure.
    pub all_case_files_loaded: bool,
    /// Number of case files the suite lists (loaded or not).
    pub case_file_count: usize,
    pub schemas: &'a SchemaSet,
    pub folder: Option<&'a FolderId>,
    /// What the case files' probes derived.
    pub probes: &'a [ProbeDerivation],
}

/// Every property of the interface contract whose name looks personal
/// ([`personal::looks_personal`]) says whether it is personal data: it is
/// marked `x-personal-data` (`true` or `false`) or the suite lists it under
/// `personal_data`. A mark is a boolean. Reported at `interface.openapi`.
fn lint_personal_data(
    m: &Parsed<SuiteManifest>,
    openapi: &str,
    schemas: &SchemaSet,
    out: &mut Diagnostics,
) {
    let listed: HashSet<&str> = m.value.personal_data.iter().map(String::as_str).collect();
    for p in personal::properties(openapi, schemas) {
        let (message, label, help) = match &p.mark {
            Some(Value::Bool(_)) => continue,
            Some(other) => (
                format!(
                    "the interface contract {} has `{}: {other}`; the mark is `true` or `false`",
                    p.location(),
                    personal::MARK
                ),
                "contract with an invalid personal-data mark",
                "see schemas/konform/PERSONAL-DATA.md".to_string(),
            ),
            None if personal::looks_personal(&p.name) && !listed.contains(p.name.as_str()) => (
                format!(
                    "the interface contract {} looks like personal data but is not marked: \
                     mark it `{mark}: true` (redacted in reports) or `{mark}: false`",
                    p.location(),
                    mark = personal::MARK
                ),
                "contract with unmarked personal data",
                format!(
                    "or list `{}` under `personal_data` in suite.yaml; \
                     see schemas/konform/PERSONAL-DATA.md",
                    p.name
                ),
            ),
            None => continue,
        };
        out.push(
            m.at(
                Diagnostic::error(codes::UNMARKED_PERSONAL_DATA, message)
                    .with_label(label)
                    .with_help(help),
                "/interface/openapi",
            ),
        );
    }
}

/// Runs every semantic check.
pub fn lint(input: &LintInput<'_>) -> Diagnostics {
    let mut out = Diagnostics::new();
    if let Some(m) = input.manifest {
        lint_manifest(m, input, &mut out);
    }
    let mut case_ids: HashMap<&str, String> = HashMap::new();
    for file in input.case_files {
        for (i, case) in file.value.cases.iter().enumerate() {
            let ptr = format!("/cases/{i}");
            let id_ptr = format!("{ptr}/id");
            if let Some(first) = case_ids.get(case.id.as_str()) {
                out.push(
                    file.at(
                        Diagnostic::error(
                            codes::DUPLICATE_CASE,
                            format!("duplicate case id `{}`", case.id),
                        )
                        .with_label("duplicate")
                        .with_help(format!("first defined at {first}")),
                        &id_ptr,
                    ),
                );
            } else {
                case_ids.insert(&case.id, file.loc(&id_ptr));
            }
            if let Some(segment) = positional_segment(&case.id) {
                out.push(file.at(
                    Diagnostic::warning(
                        codes::UNSTABLE_ID,
                        format!("case id `{}` counts with `{segment}`", case.id),
                    )
                    .with_label("a position, not a name")
                    .with_help(
                        "reports, known deviations and suite diffs follow a case by its id; a number \
                         that counts cases changes when one is inserted: name what the case tests",
                    ),
                    &id_ptr,
                ));
            }
            lint_case(
                file,
                case,
                &ptr,
                input.manifest.map(|m| &m.value),
                input.schemas,
                &mut out,
            );
        }
    }
    if let Some(openapi) = input
        .manifest
        .and_then(|m| m.value.interface.openapi.as_deref())
        .and_then(|p| input.schemas.get(p))
    {
        crate::contract_lint::lint_against_contract(input.case_files, openapi, &mut out);
    }
    for file in input.case_files {
        for derivation in input.probes.iter().filter(|p| p.file == file.source.name) {
            lint_probe(file, derivation, input, &mut case_ids, &mut out);
        }
    }
    if let (Some(m), true, true) = (
        input.manifest,
        input.all_case_files_loaded,
        input.case_file_count > 0,
    ) {
        lint_coverage(m, input.case_files, input.probes, &mut out);
    }
    out
}

/// A probe: its operation and body derive, its rules map to requirements
/// of the suite, its exclusions still match, its derived ids are unique and
/// its steps are sound.
fn lint_probe<'a>(
    file: &Parsed<CaseFile>,
    derivation: &'a ProbeDerivation,
    input: &LintInput<'_>,
    case_ids: &mut HashMap<&'a str, String>,
    out: &mut Diagnostics,
) {
    let ptr = format!("/probes/{}", derivation.index);
    let probe = &derivation.probe;
    let manifest = input.manifest.map(|m| &m.value);
    let d = match &derivation.result {
        Ok(d) => d,
        Err(e) => {
            let at = match e {
                crate::probe::ProbeError::NoValidBody => format!("{ptr}/step/request"),
                crate::probe::ProbeError::NoOpenApi => ptr.clone(),
                _ => format!("{ptr}/operation"),
            };
            out.push(
                file.at(
                    Diagnostic::error(codes::PROBE, format!("probe `{}`: {e}", probe.id))
                        .with_label("nothing can be derived"),
                    &at,
                ),
            );
            return;
        }
    };
    if let Some(man) = manifest {
        if !man.classes.iter().any(|c| c.id == probe.class) {
            out.push(
                file.at(
                    Diagnostic::error(
                        codes::UNKNOWN_CLASS,
                        format!("unknown conformance class `{}`", probe.class),
                    )
                    .with_label("not a class of suite.yaml"),
                    &format!("{ptr}/class"),
                ),
            );
        }
        for (rule, reqs) in &probe.verifies {
            for (j, rid) in reqs.iter().enumerate() {
                if !man.requirements.iter().any(|r| &r.id == rid) {
                    let at = format!("{ptr}/verifies/{}/{j}", escape_token(rule));
                    out.push(file.at(unknown_requirement(rid), &at));
                }
            }
        }
    }
    let contract_rules = manifest
        .and_then(|m| m.interface.openapi.as_deref())
        .and_then(|o| input.schemas.get(o))
        .and_then(|o| o.get("x-rules"))
        .and_then(Value::as_object);
    if let Some(rules) = contract_rules {
        for rule in probe.verifies.keys() {
            let other_key = rule == "*"
                || rule.starts_with('/')
                || crate::probe::KEYWORDS
                    .contains(&rule.split_once('.').map_or(rule.as_str(), |(k, _)| k));
            if !other_key && !rules.contains_key(rule) {
                out.push(
                    file.at(
                        Diagnostic::error(
                            codes::PROBE,
                            format!("`{rule}` is no rule of the contract's x-rules, no probed keyword, no member pointer and not \"*\""),
                        )
                        .with_label("unknown rule"),
                        &format!("{ptr}/verifies/{}", escape_token(rule)),
                    ),
                );
            }
        }
    }
    // One diagnostic per unmapped rule, with the probes that test it.
    let mut unmapped: Vec<(&Option<String>, Vec<&str>)> = Vec::new();
    for (slug, rule) in &d.unmapped {
        match unmapped.iter_mut().find(|(r, _)| *r == rule) {
            Some((_, slugs)) => slugs.push(slug),
            None => unmapped.push((rule, vec![slug])),
        }
    }
    for (rule, slugs) in unmapped {
        let what = rule.as_deref().map_or_else(
            || "constraints without a rule id".to_string(),
            |r| format!("rule `{r}`"),
        );
        let shown: Vec<&str> = slugs.iter().take(3).copied().collect();
        let more = if slugs.len() > 3 {
            format!(" and {} more", slugs.len() - 3)
        } else {
            String::new()
        };
        out.push(file.at(
            Diagnostic::error(
                codes::PROBE_UNMAPPED_RULE,
                format!(
                    "{what}: {} derived probes ({}{more}) test it, but `verifies` maps it to no requirement",
                    slugs.len(),
                    shown.join(", ")
                ),
            )
            .with_label("no requirement for it")
            .with_help("map the rule (or \"*\") to requirements, or exclude the probes with a reason"),
            &format!("{ptr}/verifies"),
        ));
    }
    for i in &d.unused_exclusions {
        out.push(
            file.at(
                Diagnostic::error(
                    codes::PROBE_UNUSED_EXCLUSION,
                    format!(
                        "exclusion `{}` matches no derived probe",
                        probe.exclude[*i].probe
                    ),
                )
                .with_label("matches nothing")
                .with_help(
                    "derived ids are listed by `konform list cases`; remove stale exclusions",
                ),
                &format!("{ptr}/exclude/{i}/probe"),
            ),
        );
    }
    for derived in &d.cases {
        let id = derived.case.id.as_str();
        if let Some(first) = case_ids.get(id) {
            out.push(
                file.at(
                    Diagnostic::error(codes::DUPLICATE_CASE, format!("duplicate case id `{id}`"))
                        .with_label("derived here")
                        .with_help(format!("first defined at {first}")),
                    &format!("{ptr}/id"),
                ),
            );
        } else {
            case_ids.insert(id, file.loc(&format!("{ptr}/id")));
        }
    }
    let mut scope = Scope {
        fixtures: manifest.map(|m| {
            m.fixtures
                .keys()
                .chain(probe.fixtures.keys())
                .map(String::as_str)
                .collect()
        }),
        generators: manifest.map(|m| m.generators.keys().map(String::as_str).collect()),
        captures: HashSet::new(),
    };
    let steps = (probe.setup.iter().enumerate())
        .map(|(j, s)| (format!("{ptr}/setup/{j}"), s))
        .chain(std::iter::once((format!("{ptr}/step"), &probe.step)))
        .chain((probe.finally.iter().enumerate()).map(|(j, s)| (format!("{ptr}/finally/{j}"), s)));
    for (sp, step) in steps {
        lint_step(file, step, &sp, &scope, input.schemas, out);
        scope
            .captures
            .extend(step.capture.keys().map(String::as_str));
    }
}

fn lint_manifest(m: &Parsed<SuiteManifest>, input: &LintInput<'_>, out: &mut Diagnostics) {
    let man = &m.value;
    if let Some(folder) = input.folder {
        if man.suite != folder.name {
            out.push(
                m.at(
                    Diagnostic::error(
                        codes::FOLDER_MISMATCH,
                        format!(
                            "suite name `{}` differs from its folder name `{}`",
                            man.suite, folder.name
                        ),
                    )
                    .with_label("differs from folder")
                    .with_help("a suite lives in suites/<name>/<version>/; rename one of them"),
                    "/suite",
                ),
            );
        }
        if man.version.to_string() != folder.version {
            out.push(
                m.at(
                    Diagnostic::error(
                        codes::FOLDER_MISMATCH,
                        format!(
                            "suite version `{}` differs from its folder name `{}`",
                            man.version, folder.version
                        ),
                    )
                    .with_label("differs from folder")
                    .with_help("a suite lives in suites/<name>/<version>/; rename one of them"),
                    "/version",
                ),
            );
        }
    }
    if let Some(openapi) = &man.interface.openapi
        && !input.schemas.contains(openapi)
    {
        out.push(
            m.at(
                Diagnostic::error(
                    codes::MISSING_OPENAPI,
                    format!("interface OpenAPI document `{openapi}` is not in schemas/"),
                )
                .with_label("file not found"),
                "/interface/openapi",
            ),
        );
    }
    if let Some(openapi) = &man.interface.openapi
        && input.schemas.contains(openapi)
    {
        lint_personal_data(m, openapi, input.schemas, out);
    }
    for (kind, pattern) in &man.generators {
        if let Err(e) = crate::generator::Generator::parse(pattern) {
            let ptr = format!("/generators/{}", escape_token(kind));
            let pos = m
                .index
                .inside_string(&ptr, &m.source.text, pattern, e.offset);
            out.push(
                Diagnostic::error(
                    codes::INVALID_GENERATOR,
                    format!("generator `{kind}`: {}", e.message),
                )
                .at(&m.source, pos)
                .with_label("here"),
            );
        }
    }
    for (field, id) in [
        ("well_formed", &man.attribution.well_formed),
        ("problem", &man.attribution.problem),
    ] {
        if let Some(id) = id
            && !man.requirements.iter().any(|r| &r.id == id)
        {
            out.push(m.at(unknown_requirement(id), &format!("/attribution/{field}")));
        }
    }
    if input.case_file_count == 0 {
        let ptr = if man.cases.is_some() { "/cases" } else { "" };
        let d = Diagnostic::error(codes::NO_CASES, "the suite has no case files")
            .with_help("add *.yaml files under cases/ or list them in `cases:`");
        out.push(d.at(&m.source, m.key_pos(ptr)));
    }

    let mut req_ids: HashMap<&str, String> = HashMap::new();
    for (i, r) in man.requirements.iter().enumerate() {
        let ptr = format!("/requirements/{i}/id");
        if let Some(first) = req_ids.get(r.id.as_str()) {
            out.push(
                m.at(
                    Diagnostic::error(
                        codes::DUPLICATE_REQUIREMENT,
                        format!("duplicate requirement id `{}`", r.id),
                    )
                    .with_label("duplicate")
                    .with_help(format!("first defined at {first}")),
                    &ptr,
                ),
            );
        } else {
            req_ids.insert(&r.id, m.loc(&ptr));
        }
    }
    let mut class_ids: HashMap<&str, String> = HashMap::new();
    let mut classified: HashSet<&str> = HashSet::new();
    for (i, c) in man.classes.iter().enumerate() {
        let ptr = format!("/classes/{i}/id");
        if let Some(first) = class_ids.get(c.id.as_str()) {
            out.push(
                m.at(
                    Diagnostic::error(
                        codes::DUPLICATE_CLASS,
                        format!("duplicate class id `{}`", c.id),
                    )
                    .with_label("duplicate")
                    .with_help(format!("first defined at {first}")),
                    &ptr,
                ),
            );
        } else {
            class_ids.insert(&c.id, m.loc(&ptr));
        }
        for (j, rid) in c.requirements.iter().enumerate() {
            classified.insert(rid);
            if !req_ids.contains_key(rid.as_str()) {
                out.push(m.at(
                    unknown_requirement(rid),
                    &format!("/classes/{i}/requirements/{j}"),
                ));
            }
        }
    }
    for (i, r) in man.requirements.iter().enumerate() {
        if !classified.contains(r.id.as_str()) {
            out.push(
                m.at(
                    Diagnostic::warning(
                        codes::UNCLASSIFIED_REQUIREMENT,
                        format!("requirement `{}` is in no conformance class", r.id),
                    )
                    .with_label("in no class")
                    .with_help("no implementation can claim it; add it to a class"),
                    &format!("/requirements/{i}/id"),
                ),
            );
        }
    }
}

/// A segment of a case id that only counts (`anmeldung.3`, `test-2`,
/// `case_07`): it names a position, which moves when a case is inserted.
fn positional_segment(id: &str) -> Option<&str> {
    id.split('.').find(|segment| {
        let word = segment.trim_end_matches(|c: char| c.is_ascii_digit());
        let counted = word.len() < segment.len();
        let word = word.trim_end_matches(['-', '_']);
        counted && (word.is_empty() || ["case", "test", "fall", "step"].contains(&word))
    })
}

fn unknown_requirement(id: &str) -> Diagnostic {
    Diagnostic::error(
        codes::UNKNOWN_REQUIREMENT,
        format!("unknown requirement id `{id}`"),
    )
    .with_label("not in the requirement catalogue of suite.yaml")
}

fn lint_coverage(
    m: &Parsed<SuiteManifest>,
    files: &[Parsed<CaseFile>],
    probes: &[ProbeDerivation],
    out: &mut Diagnostics,
) {
    let attribution = &m.value.attribution;
    let derived = probes
        .iter()
        .filter_map(|p| p.result.as_ref().ok())
        .flat_map(|d| d.cases.iter().map(|c| &c.case));
    let mut verified: HashSet<String> = files
        .iter()
        .flat_map(|f| f.value.cases.iter())
        .chain(derived)
        .flat_map(|c| {
            let mut reqs = crate::attribution::case_requirements(c, attribution);
            reqs.extend(c.verifies.iter().cloned());
            reqs
        })
        .collect();
    // Every step that reads a response checks its well-formedness.
    verified.extend(attribution.well_formed.iter().cloned());
    for (i, r) in m.value.requirements.iter().enumerate() {
        if verified.contains(r.id.as_str()) {
            if r.not_tested.is_some() {
                out.push(m.at(
                    Diagnostic::warning(
                        codes::STALE_NOT_TESTED,
                        format!("requirement `{}` says why it is not tested, but a case verifies it", r.id),
                    )
                    .with_label("tested after all")
                    .with_help("remove `not_tested`"),
                    &format!("/requirements/{i}/not_tested"),
                ));
            }
            continue;
        }
        let msg = format!(
            "{} requirement `{}` is verified by no case",
            r.level.as_str(),
            r.id
        );
        let d = match (r.level, &r.not_tested) {
            (Level::Must, Some(_)) => Diagnostic::error(codes::UNCOVERED_REQUIREMENT, msg)
                .with_help("a MUST without a case leaves its class inconclusive in every run: `not_tested` is for SHOULD and MAY"),
            (Level::Must, None) => Diagnostic::error(codes::UNCOVERED_REQUIREMENT, msg),
            (_, Some(_)) => continue,
            (_, None) => Diagnostic::warning(codes::UNCOVERED_REQUIREMENT, msg)
                .with_help("write a case, or say why not in the requirement's `not_tested`"),
        };
        out.push(m.at(
            d.with_label("no case lists it in `verifies`"),
            &format!("/requirements/{i}/id"),
        ));
    }
}

/// Names visible to the templates of one step.
struct Scope<'a> {
    /// `None` when the manifest did not load: fixture names are not checked.
    fixtures: Option<HashSet<&'a str>>,
    /// Generator kinds of the suite (`None`: the manifest did not load).
    generators: Option<HashSet<&'a str>>,
    captures: HashSet<&'a str>,
}

fn lint_case(
    file: &Parsed<CaseFile>,
    case: &Case,
    ptr: &str,
    manifest: Option<&SuiteManifest>,
    schemas: &SchemaSet,
    out: &mut Diagnostics,
) {
    if let Some(man) = manifest {
        if !man.classes.iter().any(|c| c.id == case.class) {
            let known: Vec<&str> = man.classes.iter().map(|c| c.id.as_str()).collect();
            out.push(
                file.at(
                    Diagnostic::error(
                        codes::UNKNOWN_CLASS,
                        format!("unknown conformance class `{}`", case.class),
                    )
                    .with_label("not a class of suite.yaml")
                    .with_help(format!("known classes: {}", known.join(", "))),
                    &format!("{ptr}/class"),
                ),
            );
        }
        for (j, rid) in case.verifies.iter().enumerate() {
            if !man.requirements.iter().any(|r| &r.id == rid) {
                out.push(file.at(unknown_requirement(rid), &format!("{ptr}/verifies/{j}")));
            }
        }
    }
    if let Some(man) = manifest {
        lint_attribution(file, case, ptr, man, out);
    }
    let mut scope = Scope {
        fixtures: manifest.map(|m| {
            m.fixtures
                .keys()
                .chain(case.fixtures.keys())
                .map(String::as_str)
                .collect()
        }),
        generators: manifest.map(|m| m.generators.keys().map(String::as_str).collect()),
        captures: HashSet::new(),
    };
    for (sp, step) in steps_with_pointers(case, ptr) {
        lint_step(file, step, &sp, &scope, schemas, out);
        for (name, cap) in &step.capture {
            if let Some(p) = &cap.pointer {
                let cptr = format!("{sp}/capture/{}/pointer", escape_token(name));
                lint_pointer(file, &cptr, p, out);
            }
            scope.captures.insert(name);
        }
    }
}

/// The steps of a case, then its `finally` steps, each with its JSON Pointer.
fn steps_with_pointers<'c>(case: &'c Case, ptr: &str) -> Vec<(String, &'c Step)> {
    let steps = case
        .steps
        .iter()
        .enumerate()
        .map(|(j, s)| (format!("{ptr}/steps/{j}"), s));
    let finally = (case.finally.iter().enumerate()).map(|(j, s)| (format!("{ptr}/finally/{j}"), s));
    steps.chain(finally).collect()
}

/// Every `verifies` names a known requirement, and every requirement a case
/// lists is verified by one of its checks (else the list claims too much).
fn lint_attribution(
    file: &Parsed<CaseFile>,
    case: &Case,
    ptr: &str,
    man: &SuiteManifest,
    out: &mut Diagnostics,
) {
    let known = |id: &String| man.requirements.iter().any(|r| &r.id == id);
    if let Some(crawl) = &case.crawl {
        // Every requirement a crawl's checks name (at the crawl: its checks
        // are spread over `checks`, `headers`, `page` and `types`).
        for id in crate::attribution::crawl_requirements(crawl) {
            if !known(&id) {
                out.push(file.at(unknown_requirement(&id), &format!("{ptr}/crawl")));
            }
        }
    }
    let mut check = |list: Option<&[String]>, at: String| {
        for (k, id) in list.unwrap_or_default().iter().enumerate() {
            if !known(id) {
                out.push(file.at(unknown_requirement(id), &format!("{at}/verifies/{k}")));
            }
        }
    };
    for (sp, step) in steps_with_pointers(case, ptr) {
        check(step.verifies.as_deref(), sp.clone());
        let e = &step.expect;
        let ep = format!("{sp}/expect");
        if let Some(s) = &e.status {
            check(s.verifies(), format!("{ep}/status"));
        }
        if let Some(s) = &e.schema {
            check(s.verifies(), format!("{ep}/schema"));
        }
        if let Some(p) = &e.problem {
            check(p.verifies.as_deref(), format!("{ep}/problem"));
        }
        for (i, h) in e.headers.iter().enumerate() {
            check(h.verifies.as_deref(), format!("{ep}/headers/{i}"));
        }
        for (i, b) in e.body.iter().enumerate() {
            check(b.verifies.as_deref(), format!("{ep}/body/{i}"));
        }
        for (name, c) in &step.capture {
            check(
                c.verifies.as_deref(),
                format!("{sp}/capture/{}", escape_token(name)),
            );
        }
    }
    let attributed = crate::attribution::case_requirements(case, &man.attribution);
    let suite_attributed = [&man.attribution.well_formed, &man.attribution.problem];
    // A status that inherits the case's list blames all of it when it fails.
    let status_inherits = case.steps.iter().any(|s| {
        !s.precondition
            && s.verifies.is_none()
            && s.expect
                .status
                .as_ref()
                .is_some_and(|st| st.verifies().is_none())
    });
    for (j, id) in case.verifies.iter().enumerate() {
        if status_inherits && suite_attributed.iter().any(|a| a.as_ref() == Some(id)) {
            out.push(
                file.at(
                    Diagnostic::warning(
                        codes::SUITE_ATTRIBUTED_IN_CASE,
                        format!(
                            "case `{}` lists `{id}`, which suite.yaml's `attribution` already gives its checks",
                            case.id
                        ),
                    )
                    .with_label("inherited by the case's status checks")
                    .with_help("a wrong status would blame it too; drop it from the list, or give the status its own `verifies` (`[]` for a premise)"),
                    &format!("{ptr}/verifies/{j}"),
                ),
            );
            continue;
        }
        if known(id) && !attributed.contains(id) && man.attribution.well_formed.as_ref() != Some(id)
        {
            out.push(
                file.at(
                    Diagnostic::warning(
                        codes::UNATTRIBUTED_REQUIREMENT,
                        format!("case `{}` lists `{id}`, but none of its checks verifies it", case.id),
                    )
                    .with_label("verified by no check")
                    .with_help("attribute a check to it (`verifies:` on the check or its step) or drop it from the list"),
                    &format!("{ptr}/verifies/{j}"),
                ),
            );
        }
    }
}

fn lint_step(
    file: &Parsed<CaseFile>,
    step: &Step,
    sp: &str,
    scope: &Scope<'_>,
    schemas: &SchemaSet,
    out: &mut Diagnostics,
) {
    let req = &step.request;
    let rp = format!("{sp}/request");
    lint_template(file, &format!("{rp}/path"), &req.path, scope, out);
    for (k, v) in &req.query {
        lint_value(
            file,
            &format!("{rp}/query/{}", escape_token(k)),
            v,
            scope,
            out,
        );
    }
    for (k, v) in &req.headers {
        lint_template(
            file,
            &format!("{rp}/headers/{}", escape_token(k)),
            v,
            scope,
            out,
        );
    }
    if let Some(json) = &req.json {
        lint_value(file, &format!("{rp}/json"), json, scope, out);
    }
    if let Some(body) = &req.body {
        lint_template(file, &format!("{rp}/body"), body, scope, out);
    }

    let ep = format!("{sp}/expect");
    let expect = &step.expect;
    for (i, h) in expect.headers.iter().enumerate() {
        let hp = format!("{ep}/headers/{i}");
        if let Some(eq) = &h.equals {
            lint_template(file, &format!("{hp}/equals"), eq, scope, out);
        }
        if let Some(re) = &h.matches {
            lint_regex(file, &format!("{hp}/matches"), re, out);
        }
    }
    if let Some(schema) = &expect.schema {
        let reference = schema.reference();
        let msg = match schemas.check_ref(reference) {
            RefStatus::Found(_) => None,
            RefStatus::MissingFile => {
                let file_part = reference.split('#').next().unwrap_or(reference);
                Some((
                    format!("schema file `{file_part}` is not in schemas/"),
                    "file not found",
                ))
            }
            RefStatus::MissingFragment => Some((
                format!("schema reference `{reference}` points at nothing in its file"),
                "fragment not found",
            )),
        };
        if let Some((msg, label)) = msg {
            let at = match schema {
                SchemaExpect::Ref(_) => format!("{ep}/schema"),
                SchemaExpect::Attributed(_) => format!("{ep}/schema/ref"),
            };
            out.push(file.at(
                Diagnostic::error(codes::UNRESOLVED_SCHEMA_REF, msg).with_label(label),
                &at,
            ));
        }
    }
    for (i, b) in expect.body.iter().enumerate() {
        let bp = format!("{ep}/body/{i}");
        if let Some(p) = &b.pointer {
            lint_pointer(file, &format!("{bp}/pointer"), p, out);
        }
        if let Some(path) = &b.path
            && let Err(e) = serde_json_path::JsonPath::parse(path)
        {
            out.push(
                file.at(
                    Diagnostic::error(codes::INVALID_JSONPATH, format!("invalid JSONPath: {e}"))
                        .with_label("not RFC 9535 JSONPath"),
                    &format!("{bp}/path"),
                ),
            );
        }
        if let Some(v) = &b.equals {
            lint_value(file, &format!("{bp}/equals"), v, scope, out);
        }
        if let Some(v) = &b.not_equals {
            lint_value(file, &format!("{bp}/not_equals"), v, scope, out);
        }
        if let Some(re) = &b.matches {
            lint_regex(file, &format!("{bp}/matches"), re, out);
        }
    }
    if let Some(problem) = &expect.problem {
        for (i, p) in problem.pointers.iter().enumerate() {
            lint_pointer(file, &format!("{ep}/problem/pointers/{i}"), p, out);
        }
        if let Some(list) = &problem.errors {
            let mode = match list {
                ErrorListExpect::Contains(_) => "contains",
                ErrorListExpect::Exactly(_) => "exactly",
            };
            for (i, e) in list.entries().iter().enumerate() {
                if let Some(p) = &e.pointer {
                    let at = format!("{ep}/problem/errors/{mode}/{i}/pointer");
                    lint_pointer(file, &at, p, out);
                }
            }
        }
    }
}

fn lint_regex(file: &Parsed<CaseFile>, ptr: &str, re: &str, out: &mut Diagnostics) {
    if let Err(e) = regex::Regex::new(re) {
        let detail = match e {
            regex::Error::Syntax(s) => s
                .lines()
                .last()
                .unwrap_or("syntax error")
                .trim()
                .trim_start_matches("error: ")
                .to_string(),
            other => other.to_string(),
        };
        out.push(
            file.at(
                Diagnostic::error(
                    codes::INVALID_REGEX,
                    format!("invalid regular expression: {detail}"),
                )
                .with_label("not a valid regex"),
                ptr,
            ),
        );
    }
}

fn lint_pointer(file: &Parsed<CaseFile>, ptr: &str, pointer: &str, out: &mut Diagnostics) {
    // The empty pointer is the whole document (RFC 6901 § 5).
    let problem = if pointer.is_empty() {
        None
    } else if !pointer.starts_with('/') {
        Some("a JSON Pointer must start with `/` (RFC 6901)")
    } else if has_bad_escape(pointer) {
        Some("`~` in a JSON Pointer must be followed by 0 or 1 (RFC 6901)")
    } else {
        None
    };
    if let Some(msg) = problem {
        let mut d = Diagnostic::error(
            codes::INVALID_POINTER,
            format!("invalid JSON Pointer `{pointer}`: {msg}"),
        )
        .with_label("invalid pointer");
        if !pointer.is_empty() && !pointer.starts_with('/') {
            d = d.with_help(format!("did you mean `/{pointer}`?"));
        }
        out.push(file.at(d, ptr));
    }
}

fn has_bad_escape(p: &str) -> bool {
    let b = p.as_bytes();
    b.iter()
        .enumerate()
        .any(|(i, c)| *c == b'~' && !matches!(b.get(i + 1), Some(b'0' | b'1')))
}

fn lint_value(
    file: &Parsed<CaseFile>,
    ptr: &str,
    v: &Value,
    scope: &Scope<'_>,
    out: &mut Diagnostics,
) {
    match v {
        Value::String(s) => lint_template(file, ptr, s, scope, out),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                lint_value(file, &format!("{ptr}/{i}"), item, scope, out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                lint_value(
                    file,
                    &format!("{ptr}/{}", escape_token(k)),
                    item,
                    scope,
                    out,
                );
            }
        }
        _ => {}
    }
}

fn lint_template(
    file: &Parsed<CaseFile>,
    ptr: &str,
    s: &str,
    scope: &Scope<'_>,
    out: &mut Diagnostics,
) {
    let text = &file.source.text;
    match template::parse(s) {
        Err(e) => {
            let pos = file.index.inside_string(ptr, text, s, e.offset);
            out.push(
                Diagnostic::error(
                    codes::TEMPLATE_SYNTAX,
                    format!("template error: {}", e.message),
                )
                .at(&file.source, pos)
                .with_label("here"),
            );
        }
        Ok(t) => {
            for (var, offset) in t.vars() {
                let (defined, help) = match var.ns {
                    Namespace::Unique => match (var.generator(), &scope.generators) {
                        (Some(kind), Some(known)) if !known.contains(kind) => {
                            let pos = file.index.inside_string(ptr, text, s, offset);
                            out.push(
                                Diagnostic::error(
                                    codes::UNKNOWN_GENERATOR,
                                    format!("`{var}` uses the generator `{kind}`, which suite.yaml does not declare"),
                                )
                                .at(&file.source, pos)
                                .with_label("unknown generator")
                                .with_help("declare it under `generators:` in suite.yaml"),
                            );
                            (true, String::new())
                        }
                        _ => (true, String::new()),
                    },
                    Namespace::Fixtures => match &scope.fixtures {
                        None => (true, String::new()),
                        Some(f) => (
                            f.contains(var.name.as_str()),
                            "define it under `fixtures:` in suite.yaml or in the case".to_string(),
                        ),
                    },
                    Namespace::Captures => (
                        scope.captures.contains(var.name.as_str()),
                        "only values captured by an earlier step of the same case can be used"
                            .to_string(),
                    ),
                };
                if !defined {
                    let pos = file.index.inside_string(ptr, text, s, offset);
                    out.push(
                        Diagnostic::error(
                            codes::UNDEFINED_VARIABLE,
                            format!("template variable `{var}` is not defined"),
                        )
                        .at(&file.source, pos)
                        .with_label("undefined")
                        .with_help(help),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn positional_segments_are_found_and_names_with_numbers_are_not() {
        use super::positional_segment as p;
        assert_eq!(p("anmeldung.3"), Some("3"));
        assert_eq!(p("anmeldung.test-2"), Some("test-2"));
        assert_eq!(p("case_07"), Some("case_07"));
        assert_eq!(p("querschnitt.missing-token-401"), None);
        assert_eq!(p("vektor.e0"), None);
        assert_eq!(p("anmeldung.ags-8-digits"), None);
    }
}
