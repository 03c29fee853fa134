//! Loading a suite: parse and validate `suite.yaml` and every case file,
//! lint them together, compute the digest. All diagnostics of all files are
//! collected in one pass; the load fails if any of them is an error.

use std::path::Path;

use konform_model::suite::{Case, CaseFile, Probe, SuiteManifest};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::bundled::{self, SuiteSource};
use crate::diagnostics::{Diagnostic, Diagnostics, Source, codes};
use crate::digest::digest_entries;
use crate::errata::{self, Withdrawals};
use crate::expand::{self, RawFile};
use crate::files::SuiteFiles;
use crate::lint::{LintInput, Parsed, lint};
use crate::personal;
use crate::probe::{Derivation, ProbeError, derive};
use crate::schemas::{SchemaSet, konform_schema};
use crate::validate::validate;
use crate::yaml::{deserialize, parse_yaml};

/// The manifest file of every suite.
pub const MANIFEST: &str = "suite.yaml";

/// A suite that loaded without errors.
#[derive(Debug, Clone)]
pub struct LoadedSuite {
    pub manifest: SuiteManifest,
    /// Every case, in case-file order then file order.
    pub cases: Vec<Case>,
    /// `sha256:<hex>`, see [`crate::digest`].
    pub digest: String,
    /// Where the suite came from (a path or `bundled:<name>@<version>`).
    pub origin: String,
    pub files: SuiteFiles,
    /// Warnings found while loading (errors make the load fail).
    pub warnings: Diagnostics,
    /// The schema set the suite's `$ref`s were resolved against; the runner
    /// compiles its validators from the same set.
    pub schemas: SchemaSet,
    /// What each probe derived (its cases are part of `cases`).
    pub probes: Vec<ProbeDerivation>,
    /// What the errata of this released version withdraw (the withdrawn
    /// requirements are also marked in `manifest`).
    pub withdrawals: Withdrawals,
    /// Member names whose values are personal data: those the interface
    /// contract marks `"x-personal-data": true` and those the suite lists
    /// under `personal_data` ([`crate::personal`]).
    pub personal_members: std::collections::BTreeSet<String>,
}

/// The derivation of one probe of a case file.
#[derive(Debug, Clone)]
pub struct ProbeDerivation {
    /// The case file and the probe's index in its `probes`.
    pub file: String,
    pub index: usize,
    pub probe: Probe,
    pub result: Result<Derivation, ProbeError>,
}

impl LoadedSuite {
    /// `name@version`, e.g. `meldewesen@1.0.0`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.manifest.suite, self.manifest.version)
    }
}

/// Reads one file as UTF-8 YAML, with positions.
fn parse_raw(name: &str, bytes: &[u8], diags: &mut Diagnostics) -> Option<RawFile> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        diags.push(Diagnostic::error(codes::IO, "file is not valid UTF-8").in_file(name));
        return None;
    };
    let source = Source::new(name, text);
    match parse_yaml(&source) {
        Ok((value, index)) => Some(RawFile {
            source,
            value,
            index,
        }),
        Err(d) => {
            diags.extend(d);
            None
        }
    }
}

/// Validates a parsed file against a konform schema and deserialises it.
/// Returns the typed file when it is clean, and the raw JSON in any case.
fn check_file<T: DeserializeOwned>(
    raw: RawFile,
    schema_file: &str,
    diags: &mut Diagnostics,
) -> (Option<Parsed<T>>, Option<Value>) {
    let RawFile {
        source,
        value,
        index,
    } = raw;
    let Some(schema) = konform_schema(schema_file) else {
        diags.push(Diagnostic::error(
            codes::SCHEMA,
            format!("built-in schema {schema_file} is missing or invalid"),
        ));
        return (None, Some(value));
    };
    let errors = validate(&source, &value, &index, schema);
    if errors.has_errors() {
        diags.extend(errors);
        return (None, Some(value));
    }
    match deserialize::<T>(&source, value.clone(), &index) {
        Ok(t) => (
            Some(Parsed {
                source,
                index,
                value: t,
            }),
            Some(value),
        ),
        Err(d) => {
            diags.extend(d);
            (None, Some(value))
        }
    }
}

/// Parses, validates against a konform schema and deserialises one file.
fn parse_file<T: DeserializeOwned>(
    name: &str,
    bytes: &[u8],
    schema_file: &str,
    diags: &mut Diagnostics,
) -> (Option<Parsed<T>>, Option<Value>) {
    match parse_raw(name, bytes, diags) {
        Some(raw) => check_file(raw, schema_file, diags),
        None => (None, None),
    }
}

/// Loads a suite from its files. `schemas` is the `schemas/` folder that
/// `expect.schema` references and `interface.openapi` resolve against.
pub fn load(mut files: SuiteFiles, schemas: &SchemaSet) -> Result<LoadedSuite, Diagnostics> {
    let mut diags = Diagnostics::new();

    let (manifest, raw) = match files.get(MANIFEST) {
        Some(bytes) => {
            parse_file::<SuiteManifest>(MANIFEST, bytes, "suite.schema.json", &mut diags)
        }
        None => {
            diags.push(
                Diagnostic::error(
                    codes::MISSING_MANIFEST,
                    format!("no {MANIFEST} in the suite folder"),
                )
                .in_file(files.origin.clone()),
            );
            (None, None)
        }
    };

    let mut manifest = manifest;
    if let Some(m) = manifest.as_mut() {
        classify(m, &mut diags);
    }

    // Which case files: the manifest's list, else every *.yaml under cases/.
    let listed: Option<Vec<String>> = match &manifest {
        Some(m) => m.value.cases.clone(),
        None => raw
            .as_ref()
            .and_then(|r| r.get("cases"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            }),
    };
    let case_paths: Vec<String> = match &listed {
        Some(list) => list.clone(),
        None => files
            .paths()
            .filter(|p| p.starts_with("cases/") && p.ends_with(".yaml"))
            .map(str::to_string)
            .collect(),
    };

    let mut raw_files = Vec::new();
    let mut all_loaded = true;
    for (i, path) in case_paths.iter().enumerate() {
        let Some(bytes) = files.get(path) else {
            all_loaded = false;
            let d = Diagnostic::error(
                codes::MISSING_CASE_FILE,
                format!("case file `{path}` is not in the suite folder"),
            )
            .with_label("file not found");
            match &manifest {
                Some(m) => diags.push(d.at(&m.source, m.index.nearest(&format!("/cases/{i}")))),
                None => diags.push(d.in_file(MANIFEST)),
            }
            continue;
        };
        match parse_raw(path, bytes, &mut diags) {
            Some(raw) => raw_files.push(raw),
            None => all_loaded = false,
        }
    }
    // Reuse (sequences, tables, shared fragments) becomes plain cases; the
    // fragments a suite includes count in its digest.
    let included = expand::expand_all(&mut raw_files, &|name| files.shared(name), &mut diags);
    for (path, bytes) in included.files {
        files.insert(path, bytes);
    }
    let mut case_files = Vec::new();
    for raw in raw_files {
        match check_file::<CaseFile>(raw, "cases.schema.json", &mut diags).0 {
            Some(p) => case_files.push(p),
            None => all_loaded = false,
        }
    }
    if let Some(m) = &manifest
        && m.value.defaults.schema_from_contract
        && let Some(path) = m.value.interface.openapi.as_deref()
        && let Some(openapi) = schemas.get(path)
    {
        crate::contract_schema::default_schemas(&mut case_files, path, openapi);
    }

    let openapi = manifest
        .as_ref()
        .and_then(|m| m.value.interface.openapi.clone());
    let suite_fixtures = manifest
        .as_ref()
        .map(|m| m.value.fixtures.clone())
        .unwrap_or_default();
    let probes: Vec<ProbeDerivation> = case_files
        .iter()
        .flat_map(|f| {
            f.value
                .probes
                .iter()
                .enumerate()
                .map(|(index, probe)| ProbeDerivation {
                    file: f.source.name.clone(),
                    index,
                    probe: probe.clone(),
                    result: derive(probe, openapi.as_deref(), schemas, &suite_fixtures),
                })
        })
        .collect();

    let lint_diags = lint(&LintInput {
        manifest: manifest.as_ref(),
        case_files: &case_files,
        all_case_files_loaded: all_loaded,
        case_file_count: case_paths.len(),
        schemas,
        folder: files.folder.as_ref(),
        probes: &probes,
    });
    diags.extend(lint_diags);
    order(&mut diags, &case_paths);

    match manifest {
        Some(m) if !diags.has_errors() => {
            let personal_members = personal::personal_members(
                m.value.interface.openapi.as_deref(),
                &m.value.personal_data,
                schemas,
            );
            let mut suite = LoadedSuite {
                manifest: m.value,
                cases: case_files
                    .into_iter()
                    .flat_map(|f| {
                        let name = f.source.name.clone();
                        let derived = probes
                            .iter()
                            .filter(|p| p.file == name)
                            .filter_map(|p| p.result.as_ref().ok())
                            .flat_map(|d| d.cases.iter().map(|c| c.case.clone()))
                            .collect::<Vec<_>>();
                        f.value.cases.into_iter().chain(derived)
                    })
                    .collect(),
                digest: suite_digest(&files, &probes, schemas),
                personal_members,
                origin: files.origin.clone(),
                files,
                warnings: diags,
                schemas: schemas.clone(),
                probes,
                withdrawals: Withdrawals::default(),
            };
            if let Some((name, bytes)) = &suite.files.errata {
                suite.withdrawals = errata::apply(name, bytes, &mut suite.manifest, &suite.cases)?;
            }
            Ok(suite)
        }
        _ => Err(diags),
    }
}

/// A requirement that names its `class` joins that class's list. A class
/// that does not exist, or a requirement also listed under a class by hand,
/// is a diagnostic at the requirement's `class`.
fn classify(m: &mut Parsed<SuiteManifest>, diags: &mut Diagnostics) {
    let manifest = &mut m.value;
    for (i, r) in manifest.requirements.iter().enumerate() {
        let Some(class) = &r.class else { continue };
        let at = format!("/requirements/{i}/class");
        if let Some(listed) = manifest
            .classes
            .iter()
            .find(|c| c.requirements.contains(&r.id))
        {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_CLASS,
                    format!(
                        "requirement `{}` names class `{class}` and is also listed under class `{}`",
                        r.id, listed.id
                    ),
                )
                .with_label("named twice")
                .with_help("name a requirement's class once: here, or in the class's `requirements`")
                .at(&m.source, m.index.nearest(&at)),
            );
            continue;
        }
        match manifest.classes.iter_mut().find(|c| &c.id == class) {
            Some(c) => c.requirements.push(r.id.clone()),
            None => diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_CLASS,
                    format!("unknown conformance class `{class}`"),
                )
                .with_label("not a class of suite.yaml")
                .at(&m.source, m.index.nearest(&at)),
            ),
        }
    }
}

/// The suite digest ([`crate::digest`]): the suite's files and, when it
/// derives probes, the contract files they were derived from, listed as
/// `schemas/<path>`, so a changed constraint changes the digest.
fn suite_digest(files: &SuiteFiles, probes: &[ProbeDerivation], schemas: &SchemaSet) -> String {
    let contract: std::collections::BTreeSet<&str> = probes
        .iter()
        .filter_map(|p| p.result.as_ref().ok())
        .flat_map(|d| d.contract_files.iter().map(String::as_str))
        .collect();
    let contract: Vec<(String, Vec<u8>)> = contract
        .into_iter()
        .filter_map(|path| Some((format!("schemas/{path}"), schemas.bytes(path)?)))
        .collect();
    digest_entries(
        files
            .iter()
            .chain(contract.iter().map(|(p, b)| (p.as_str(), b.as_slice()))),
    )
}

/// Orders diagnostics by file (manifest first, then case files in load
/// order), then position, and drops repeats.
fn order(diags: &mut Diagnostics, case_paths: &[String]) {
    let rank = |f: &Option<String>| -> usize {
        match f.as_deref() {
            Some(MANIFEST) => 1,
            Some(other) => case_paths
                .iter()
                .position(|p| p == other)
                .map_or(usize::MAX, |i| i + 2),
            None => 0,
        }
    };
    diags
        .items
        .sort_by_key(|d| (rank(&d.file), d.pos.map(|p| p.offset)));
    // A mistake in a table's case template or a sequence is found once per
    // row or use, at the same written place: say it once.
    diags.items.dedup();
}

/// Loads the suite in the folder `path` (or the folder of a `suite.yaml`
/// given directly). Schemas: `<root>/schemas` when the folder is
/// `<root>/suites/<name>/<version>` and that folder exists, else the bundled ones.
pub fn load_path(path: &Path) -> Result<LoadedSuite, Diagnostics> {
    let dir = if path.is_file() && path.file_name().is_some_and(|n| n == MANIFEST) {
        path.parent().unwrap_or(path)
    } else {
        path
    };
    let files = SuiteFiles::from_dir(dir).map_err(|e| {
        let code = match e {
            crate::files::FilesError::TooLarge { .. } => codes::INPUT_TOO_LARGE,
            _ => codes::IO,
        };
        Diagnostics::from(Diagnostic::error(code, e.to_string()))
    })?;
    let schemas = match files.folder.as_ref().and(schemas_dir(dir)) {
        Some(schemas_dir) if schemas_dir.is_dir() => SchemaSet::from_dir(&schemas_dir)?,
        _ => SchemaSet::bundled()?,
    };
    load(files, &schemas)
}

/// `<root>/schemas` for `<root>/suites/<name>/<version>`.
fn schemas_dir(dir: &Path) -> Option<std::path::PathBuf> {
    let root = dir.parent()?.parent()?.parent()?;
    Some(root.join("schemas"))
}

/// Loads a bundled suite (`name`, `name@1.0.0`, `name@1.0`) or a suite folder.
pub fn load_spec(spec: &str) -> Result<LoadedSuite, Diagnostics> {
    let source = bundled::resolve(spec)
        .map_err(|e| Diagnostics::from(Diagnostic::error(codes::UNKNOWN_SUITE, e.to_string())))?;
    match source {
        SuiteSource::Path(p) => load_path(&p),
        SuiteSource::Bundled { name, version } => {
            let files = SuiteFiles::from_bundled(&name, &version.to_string())
                .map_err(|e| Diagnostics::from(Diagnostic::error(codes::IO, e.to_string())))?;
            load(files, &SchemaSet::bundled()?)
        }
    }
}
