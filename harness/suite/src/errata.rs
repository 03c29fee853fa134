//! Errata of released suites. A released suite folder is never edited: its
//! digest is what certificates name. When a requirement or case of a released
//! version contradicts the law or its contract, an erratum in
//! `suites/<name>/ERRATA.yaml` (beside the version folders, outside every
//! digest) withdraws it: the requirement's verdict is `withdrawn` and decides
//! no class, and its cases are skipped with the erratum's reason, which the
//! report records. Schema: `schemas/konform/errata.schema.json`.

use std::collections::BTreeMap;

use konform_model::suite::{Case, SuiteManifest};
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Source, codes};
use crate::schemas::konform_schema;
use crate::validate::validate;
use crate::yaml::{deserialize, parse_yaml};

/// The errata file of a suite family, beside its version folders.
pub const ERRATA_FILE: &str = "ERRATA.yaml";

/// One erratum: what it withdraws from which released version, and why.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Erratum {
    /// The released suite version it applies to.
    pub version: String,
    /// When it was published (`YYYY-MM-DD`).
    pub date: String,
    pub reason: String,
    /// The law paragraph or contract section the withdrawn text contradicts.
    pub source: String,
    /// The suite version that tests the rule correctly.
    #[serde(default)]
    pub fixed_in: Option<String>,
    /// Requirements withdrawn (their cases are skipped too).
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Cases withdrawn while their requirements stay.
    #[serde(default)]
    pub cases: Vec<String>,
}

impl Erratum {
    /// The sentence a withdrawn case's skip reason and requirement carry.
    pub fn note(&self) -> String {
        let fixed = self
            .fixed_in
            .as_deref()
            .map(|v| format!("; tested correctly in {v}"))
            .unwrap_or_default();
        format!(
            "withdrawn by the erratum of {}: {} ({}){fixed}",
            self.date, self.reason, self.source
        )
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrataFile {
    errata: Vec<Erratum>,
}

/// What the errata of one suite version withdraw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Withdrawals {
    /// The errata that apply to this version, in file order.
    pub errata: Vec<Erratum>,
    /// Withdrawn case id → the reason it is skipped.
    pub cases: BTreeMap<String, String>,
}

/// Reads `file` (the family's `ERRATA.yaml`, named `name` in diagnostics),
/// keeps the errata of `manifest`'s version, checks that every id they name
/// exists in it, and marks the withdrawn requirements in `manifest`.
pub fn apply(
    name: &str,
    bytes: &[u8],
    manifest: &mut SuiteManifest,
    cases: &[Case],
) -> Result<Withdrawals, Diagnostics> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Diagnostic::error(codes::IO, "file is not valid UTF-8").in_file(name))?;
    let source = Source::new(name, text);
    let (value, index) = parse_yaml(&source)?;
    let schema = konform_schema("errata.schema.json").ok_or_else(|| {
        Diagnostic::error(
            codes::SCHEMA,
            "built-in schema errata.schema.json is missing",
        )
    })?;
    let errors = validate(&source, &value, &index, schema);
    if errors.has_errors() {
        return Err(errors);
    }
    let file: ErrataFile = deserialize(&source, value, &index)?;
    let version = manifest.version.to_string();
    let mut diags = Diagnostics::new();
    let mut out = Withdrawals::default();
    for (i, erratum) in file.errata.into_iter().enumerate() {
        if erratum.version != version {
            continue;
        }
        let note = erratum.note();
        let unknown = |kind: &str, j: usize, id: &str| {
            Diagnostic::error(
                codes::UNKNOWN_ERRATUM_TARGET,
                format!("the erratum withdraws {kind} `{id}`, which suite version {version} does not have"),
            )
            .at(&source, index.nearest(&format!("/errata/{i}/{kind}s/{j}")))
        };
        for (j, id) in erratum.requirements.iter().enumerate() {
            match manifest.requirements.iter_mut().find(|r| r.id == *id) {
                Some(r) => r.withdrawn = Some(note.clone()),
                None => diags.push(unknown("requirement", j, id)),
            }
            for case in cases.iter().filter(|c| c.verifies.contains(id)) {
                out.cases.insert(case.id.clone(), note.clone());
            }
        }
        for (j, id) in erratum.cases.iter().enumerate() {
            if cases.iter().any(|c| c.id == *id) {
                out.cases.insert(id.clone(), note.clone());
            } else {
                diags.push(unknown("case", j, id));
            }
        }
        out.errata.push(erratum);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(out)
}
