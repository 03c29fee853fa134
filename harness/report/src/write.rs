//! Writing reports so that none is ever half-written: the bytes go to a
//! temporary file in the destination folder, are flushed to disk, and the
//! file is renamed over the destination in one step.

use std::io::Write;
use std::path::Path;

use konform_model::report::Report;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot serialise the report: {0}")]
    Serialise(#[from] serde_json::Error),
}

/// Writes `bytes` to `path` atomically, creating parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    // Reports are meant to be shared: not the temporary file's private 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// The report as pretty-printed JSON (field order as in the model).
pub fn to_json(report: &Report) -> Result<Vec<u8>, WriteError> {
    let mut bytes = serde_json::to_vec_pretty(report)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes the report as JSON to `path`, atomically.
pub fn write_json(report: &Report, path: &Path) -> Result<(), WriteError> {
    write_atomic(path, &to_json(report)?)
}
