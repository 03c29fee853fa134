//! Writing reports so that none is ever half-written: the bytes go to a
//! temporary file in the destination folder, are flushed to disk, and the
//! file is renamed over the destination in one step.
//!
//! Temporary files are named `.konform-<pid>-<6 random characters>.tmp`
//! ([`TEMP_PREFIX`], [`TEMP_SUFFIX`]). A process killed between creating and
//! renaming one leaves it behind; [`prepare_dir`], which `konform run` calls
//! on its output folder before the first request, removes such leftovers
//! ([`remove_stale_temp_files`]): only files whose whole name has that form,
//! and only when the process that made them is gone (no `/proc/<pid>`) or
//! the file is older than [`STALE_AFTER`] (a report is written in well under
//! a second, and a pid may be reused). Nothing else in the folder is touched.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use konform_model::report::Report;

/// Start of the name of every temporary report file.
pub const TEMP_PREFIX: &str = ".konform-";
/// End of the name of every temporary report file.
pub const TEMP_SUFFIX: &str = ".tmp";
/// A temporary report file this old is a leftover even if its pid is alive.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);
/// Random characters in a temporary file name.
const RANDOM_LEN: usize = 6;

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
    #[error("`{name}` is not a plain file name; refusing to write a file by that name")]
    UnsafeName { name: String },
}

/// `dir/name`, when `name` is one plain file name: not empty, not `.` or
/// `..`, no `/`, `\\`, NUL or other control character, not starting with
/// `.` (no hidden files, no clash with temporary report files). Every report
/// path made from something a suite or report says (a suite id) goes through
/// here, so no name can place a file outside `dir`.
pub fn join_file_name(dir: &Path, name: &str) -> Result<PathBuf, WriteError> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| matches!(c, '/' | '\\') || c.is_control())
        && {
            let mut parts = Path::new(name).components();
            matches!(
                (parts.next(), parts.next()),
                (Some(std::path::Component::Normal(_)), None)
            )
        };
    if plain {
        Ok(dir.join(name))
    } else {
        Err(WriteError::UnsafeName {
            name: name.escape_debug().to_string(),
        })
    }
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
    let mut tmp = temp_file(dir).map_err(io)?;
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

/// A new temporary file in `dir` named `.konform-<pid>-XXXXXX.tmp`.
fn temp_file(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(TEMP_SUFFIX)
        .rand_bytes(RANDOM_LEN)
        .tempfile_in(dir)
}

/// Makes `dir` ready to receive reports before anything is run: creates it
/// if missing, checks that it is a folder one can write to (by creating and
/// removing a temporary file in it) and removes stale temporary report files.
/// Returns the leftovers removed.
pub fn prepare_dir(dir: &Path) -> Result<Vec<PathBuf>, WriteError> {
    let io = |source| WriteError::Io {
        path: dir.display().to_string(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    if !std::fs::metadata(dir).map_err(io)?.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "not a folder",
        )));
    }
    let probe = temp_file(dir).map_err(io)?;
    probe.close().map_err(io)?;
    Ok(remove_stale_temp_files(dir))
}

/// The pid in a temporary report file name, when the whole name has the form
/// `.konform-<pid>-<6 letters or digits>.tmp`.
pub fn temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    let (pid, random) = rest.split_once('-')?;
    let pid_ok = !pid.is_empty() && pid.len() <= 10 && pid.bytes().all(|b| b.is_ascii_digit());
    let random_ok = random.len() == RANDOM_LEN && random.bytes().all(|b| b.is_ascii_alphanumeric());
    if pid_ok && random_ok {
        pid.parse().ok()
    } else {
        None
    }
}

/// Removes the temporary report files in `dir` (not in sub-folders) that a
/// killed writer left behind: regular files named as [`temp_file_pid`]
/// describes whose process is gone, or that are older than [`STALE_AFTER`].
/// Where processes cannot be looked up (no `/proc`), only age counts.
/// Returns what was removed; what cannot be removed is left alone.
pub fn remove_stale_temp_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let proc_available = Path::new("/proc/self").exists();
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(temp_file_pid) else {
            continue;
        };
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        let owner_gone = proc_available
            && pid != std::process::id()
            && !Path::new(&format!("/proc/{pid}")).exists();
        if (old || owner_gone) && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_file_names_are_joined() {
        let dir = Path::new("out");
        assert_eq!(
            join_file_name(dir, "meldewesen@1.1.0.json").unwrap(),
            Path::new("out/meldewesen@1.1.0.json")
        );
        for bad in [
            "",
            ".",
            "..",
            "../x.json",
            "../../x@1.0.0.json",
            "/etc/x.json",
            "a/b.json",
            "a\\b.json",
            ".hidden.json",
            "x\0.json",
            "x\n.json",
        ] {
            assert!(join_file_name(dir, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn temp_names_are_recognised_exactly() {
        assert_eq!(temp_file_pid(".konform-123-aB3xYz.tmp"), Some(123));
        for other in [
            ".tmpaB3xYz",
            ".konform-123-aB3xY.tmp",
            ".konform--aB3xYz.tmp",
            ".konform-12a-aB3xYz.tmp",
            "konform-123-aB3xYz.tmp",
            ".konform-123-aB3xYz.tmp.json",
            ".konform-123-aB/xYz.tmp",
        ] {
            assert_eq!(temp_file_pid(other), None, "{other}");
        }
    }

    #[test]
    fn written_files_leave_no_temporary_file_and_its_name_is_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = temp_file(dir.path()).unwrap();
        let name = tmp
            .path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(temp_file_pid(&name), Some(std::process::id()));
        drop(tmp);
        write_atomic(&dir.path().join("r.json"), b"{}").unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("r.json")]);
    }
}
