//! The files of one suite held in memory: relative path (with `/`
//! separators) → bytes, plus where they came from. Loading, linting and the
//! digest all work on this, so a suite from disk and a bundled suite behave
//! the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::Dir;

/// Why a suite's files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{} is {len} bytes; files in a suite folder larger than {} bytes (16 MiB) are refused",
        path.display(),
        crate::yaml::MAX_YAML_BYTES
    )]
    TooLarge { path: PathBuf, len: u64 },
    #[error("{path} is a symbolic link; suite folders must hold regular files only")]
    Symlink { path: PathBuf },
    #[error("{path} has a name that is not valid UTF-8")]
    NonUtf8Name { path: PathBuf },
    #[error("{path} is not a folder")]
    NotADir { path: PathBuf },
    #[error("no bundled suite {name}@{version}")]
    NotBundled { name: String, version: String },
}

/// The folder identity a suite was found under (`suites/<name>/<version>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderId {
    pub name: String,
    pub version: String,
}

/// All files of one suite.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuiteFiles {
    files: BTreeMap<String, Vec<u8>>,
    /// Where the files came from: a path, or `bundled:<name>@<version>`.
    pub origin: String,
    /// `suites/<name>/<version>` folder names when known; the linter checks
    /// that the manifest agrees with them.
    pub folder: Option<FolderId>,
    /// The family's errata file ([`crate::errata::ERRATA_FILE`], beside the
    /// version folders) as `(shown name, bytes)`. Not one of the suite's
    /// files: it is outside the digest, so an erratum never changes a
    /// released version's digest.
    pub errata: Option<(String, Vec<u8>)>,
    /// Where the shared fragments this suite may include come from
    /// ([`crate::expand`]).
    pub shared: SharedFragments,
}

/// Where `include: [{ fragment: NAME }]` finds `_shared/NAME.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SharedFragments {
    /// `konform_bundle::SUITES/_shared`.
    #[default]
    Bundled,
    /// A `suites/_shared` folder on disk.
    Dir(PathBuf),
    /// Fragments held in memory, by name.
    Files(BTreeMap<String, Vec<u8>>),
}

impl SuiteFiles {
    pub fn new(origin: impl Into<String>) -> Self {
        Self {
            files: BTreeMap::new(),
            origin: origin.into(),
            folder: None,
            errata: None,
            shared: SharedFragments::default(),
        }
    }

    /// The bytes of the shared fragment `NAME` (`suites/_shared/NAME.yaml`).
    pub fn shared(&self, name: &str) -> Option<Vec<u8>> {
        let file = format!("{name}.yaml");
        match &self.shared {
            SharedFragments::Bundled => konform_bundle::SUITES
                .get_file(format!("{}/{file}", crate::expand::SHARED_DIR))
                .map(|f| f.contents().to_vec()),
            SharedFragments::Dir(dir) => {
                read_bounded(&dir.join(file), crate::yaml::MAX_YAML_BYTES).ok()
            }
            SharedFragments::Files(map) => map.get(name).cloned(),
        }
    }

    /// Adds or replaces a file; `\` in the path is turned into `/`.
    pub fn insert(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        let path: String = path.into();
        self.files.insert(path.replace('\\', "/"), bytes.into());
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Files in byte order of their paths.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Reads every regular file under `dir`, recursively. Symbolic links are
    /// an error (a suite must be self-contained and digest the same everywhere).
    pub fn from_dir(dir: &Path) -> Result<Self, FilesError> {
        let meta = std::fs::symlink_metadata(dir).map_err(|source| FilesError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(FilesError::NotADir {
                path: dir.to_path_buf(),
            });
        }
        let mut files = Self::new(dir.display().to_string());
        files.folder = folder_id(dir);
        read_dir_into(dir, "", &mut files)?;
        // Beside the suite families: suites/_shared (else the bundled ones).
        if let Some(shared) = dir
            .parent()
            .and_then(Path::parent)
            .map(|p| p.join(crate::expand::SHARED_DIR))
            .filter(|p| files.folder.is_some() && p.is_dir())
        {
            files.shared = SharedFragments::Dir(shared);
        }
        if files.folder.is_some()
            && let Some(path) = dir.parent().map(|p| p.join(crate::errata::ERRATA_FILE))
            && path.exists()
        {
            let bytes = read_bounded(&path, crate::yaml::MAX_YAML_BYTES)?;
            files.errata = Some((path.display().to_string(), bytes));
        }
        Ok(files)
    }

    /// The bundled suite `name@version` from `konform_bundle::SUITES`.
    pub fn from_bundled(name: &str, version: &str) -> Result<Self, FilesError> {
        Self::from_include_dir(&konform_bundle::SUITES, name, version)
    }

    /// Like [`SuiteFiles::from_bundled`] for any embedded `suites/` folder.
    pub fn from_include_dir(root: &Dir<'_>, name: &str, version: &str) -> Result<Self, FilesError> {
        let prefix = format!("{name}/{version}");
        let dir = root
            .get_dir(&prefix)
            .ok_or_else(|| FilesError::NotBundled {
                name: name.into(),
                version: version.into(),
            })?;
        let mut files = Self::new(format!("bundled:{name}@{version}"));
        files.folder = Some(FolderId {
            name: name.into(),
            version: version.into(),
        });
        collect_include_dir(dir, dir.path(), &mut files)?;
        let shared = root.get_dir(crate::expand::SHARED_DIR).map(|d| {
            d.files()
                .filter_map(|f| {
                    let name = f.path().file_name()?.to_str()?.strip_suffix(".yaml")?;
                    Some((name.to_string(), f.contents().to_vec()))
                })
                .collect()
        });
        files.shared = SharedFragments::Files(shared.unwrap_or_default());
        let errata = format!("{name}/{}", crate::errata::ERRATA_FILE);
        files.errata = root
            .get_file(&errata)
            .map(|f| (format!("bundled:{errata}"), f.contents().to_vec()));
        Ok(files)
    }
}

/// `Some` when `dir` is `.../suites/<name>/<version>`.
fn folder_id(dir: &Path) -> Option<FolderId> {
    let version = dir.file_name()?.to_str()?;
    let name_dir = dir.parent()?;
    let name = name_dir.file_name()?.to_str()?;
    let suites = name_dir.parent()?.file_name()?.to_str()?;
    (suites == "suites").then(|| FolderId {
        name: name.into(),
        version: version.into(),
    })
}

fn read_dir_into(dir: &Path, rel: &str, files: &mut SuiteFiles) -> Result<(), FilesError> {
    let io = |source| FilesError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry
            .file_name()
            .into_string()
            .map_err(|_| FilesError::NonUtf8Name { path: path.clone() })?;
        let child = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let kind = entry.file_type().map_err(|source| FilesError::Io {
            path: path.clone(),
            source,
        })?;
        if kind.is_symlink() {
            return Err(FilesError::Symlink { path });
        } else if kind.is_dir() {
            read_dir_into(&path, &child, files)?;
        } else if kind.is_file() {
            let bytes = read_bounded(&path, crate::yaml::MAX_YAML_BYTES)?;
            files.insert(child, bytes);
        }
    }
    Ok(())
}

/// Reads the file at `path` when it holds at most `limit` bytes: the length
/// is checked before reading, and the read stops after `limit + 1` bytes in
/// case the file grows (or is not a regular file) meanwhile.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, FilesError> {
    use std::io::Read;
    let io = |source| FilesError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    let too_large = |len| FilesError::TooLarge {
        path: path.to_path_buf(),
        len,
    };
    if len > limit {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn collect_include_dir(
    dir: &Dir<'_>,
    base: &Path,
    files: &mut SuiteFiles,
) -> Result<(), FilesError> {
    for file in dir.files() {
        let rel = file.path().strip_prefix(base).unwrap_or(file.path());
        let rel = rel.to_str().ok_or_else(|| FilesError::NonUtf8Name {
            path: file.path().to_path_buf(),
        })?;
        files.insert(rel, file.contents());
    }
    for sub in dir.dirs() {
        collect_include_dir(sub, base, files)?;
    }
    Ok(())
}
