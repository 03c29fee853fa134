//! The suites embedded in the binary, and how a user's suite spec
//! (`meldewesen`, `meldewesen@1.0.0`, `meldewesen@1.0`, or a path) is
//! resolved to one of them or to a folder on disk.
//!
//! A version prefix (`1`, `1.0`) picks the newest matching release; a
//! pre-release is picked only when no release matches. A full version must
//! match exactly.

use std::path::{Path, PathBuf};

use include_dir::Dir;
use semver::Version;

/// Why a spec could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("no bundled suite named `{name}` (bundled: {available})")]
    UnknownSuite { name: String, available: String },
    #[error("bundled suite `{name}` has no version matching `{version}` (bundled: {available})")]
    NoMatchingVersion {
        name: String,
        version: String,
        available: String,
    },
    #[error("`{0}` is not a version or version prefix (expected e.g. 1.0.0 or 1.0)")]
    BadVersion(String),
}

/// Where a spec points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuiteSource {
    Bundled { name: String, version: Version },
    Path(PathBuf),
}

/// Every bundled suite `(name, version)`, sorted by name then version.
pub fn list() -> Vec<(String, Version)> {
    list_in(&konform_bundle::SUITES)
}

/// Every `<name>/<version>` folder of an embedded `suites/` folder whose
/// version parses as SemVer and that holds a `suite.yaml`.
pub fn list_in(root: &Dir<'_>) -> Vec<(String, Version)> {
    let mut out = Vec::new();
    for name_dir in root.dirs() {
        let Some(name) = name_dir.path().file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        for version_dir in name_dir.dirs() {
            let Some(v) = version_dir.path().file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let has_manifest = version_dir
                .get_file(version_dir.path().join("suite.yaml"))
                .is_some();
            if let (Ok(version), true) = (Version::parse(v), has_manifest) {
                out.push((name.to_string(), version));
            }
        }
    }
    out.sort();
    out
}

/// The newest bundled version of every bundled suite.
pub fn newest() -> Vec<(String, Version)> {
    let mut out: Vec<(String, Version)> = Vec::new();
    for (name, v) in list() {
        match out.last_mut() {
            Some((n, old)) if *n == name => *old = v,
            _ => out.push((name, v)),
        }
    }
    out
}

/// True when `spec` should be read as a filesystem path.
fn looks_like_path(spec: &str) -> bool {
    spec.contains('/') || spec.contains('\\') || spec.starts_with('.') || Path::new(spec).is_dir()
}

/// Resolves a spec against the bundled suites.
pub fn resolve(spec: &str) -> Result<SuiteSource, ResolveError> {
    resolve_in(&konform_bundle::SUITES, spec)
}

/// Resolves a spec against an embedded `suites/` folder.
pub fn resolve_in(root: &Dir<'_>, spec: &str) -> Result<SuiteSource, ResolveError> {
    if looks_like_path(spec) {
        return Ok(SuiteSource::Path(PathBuf::from(spec)));
    }
    let (name, prefix) = match spec.split_once('@') {
        Some((n, v)) => (n, Some(v)),
        None => (spec, None),
    };
    let all = list_in(root);
    let versions: Vec<&Version> = all
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v)
        .collect();
    if versions.is_empty() {
        let mut names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        names.dedup();
        return Err(ResolveError::UnknownSuite {
            name: name.into(),
            available: if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            },
        });
    }
    let wanted = match prefix {
        None => Vec::new(),
        Some(p) => parse_prefix(p)?,
    };
    let candidates: Vec<&Version> = versions
        .iter()
        .copied()
        .filter(|v| matches_prefix(v, &wanted, prefix.unwrap_or("")))
        .collect();
    // Newest release first; a pre-release only when nothing else matches.
    let matching = candidates
        .iter()
        .filter(|v| v.pre.is_empty())
        .max()
        .or_else(|| candidates.iter().max());
    match matching {
        Some(v) => Ok(SuiteSource::Bundled {
            name: name.into(),
            version: (*v).clone(),
        }),
        None => Err(ResolveError::NoMatchingVersion {
            name: name.into(),
            version: prefix.unwrap_or("").into(),
            available: versions
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// `1`, `1.0` or `1.0.0` (a full version may carry pre-release/build).
fn parse_prefix(p: &str) -> Result<Vec<u64>, ResolveError> {
    if let Ok(v) = Version::parse(p) {
        return Ok(vec![v.major, v.minor, v.patch]);
    }
    let parts: Result<Vec<u64>, _> = p.split('.').map(str::parse::<u64>).collect();
    match parts {
        Ok(parts) if !parts.is_empty() && parts.len() <= 3 => Ok(parts),
        _ => Err(ResolveError::BadVersion(p.into())),
    }
}

fn matches_prefix(v: &Version, wanted: &[u64], raw: &str) -> bool {
    if let Ok(exact) = Version::parse(raw) {
        return *v == exact;
    }
    let have = [v.major, v.minor, v.patch];
    wanted.iter().zip(have.iter()).all(|(w, h)| w == h)
}
