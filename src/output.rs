//! Files the program writes: always through a temporary file in the same folder and a
//! rename, so a reader never sees half a file and a failure leaves the old file as it was.

use crate::error::Error;
use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` whole or not at all.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Error> {
    write_atomic_with(path, |writer| writer.write_all(contents))
}

/// Temporary files of ours older than this, in a folder we write to, are left from a run
/// that was killed, and are removed.
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Streams into `path` through `fill`; the file appears only when `fill` succeeds.
///
/// A symbolic link is followed: the file it points to is replaced and the link stays. A
/// device or pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written to directly, never
/// replaced by a file (which, as root, would destroy the device node).
pub fn write_atomic_with(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Error> {
    let fail_at = |path: &Path, e: std::io::Error| {
        Error::store(
            format!("cannot write {}: {e}", path.display()),
            Some("check that the folder exists and is writable".to_owned()),
        )
    };
    if let Ok(metadata) = std::fs::metadata(path) {
        if !metadata.is_file() && !metadata.is_dir() {
            let file = std::fs::OpenOptions::new().write(true).open(path).map_err(|e| fail_at(path, e))?;
            let mut buffered = std::io::BufWriter::new(file);
            fill(&mut buffered).map_err(|e| fail_at(path, e))?;
            return buffered.flush().map_err(|e| fail_at(path, e));
        }
    }
    let resolved;
    let path = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            resolved = std::fs::canonicalize(path).map_err(|e| fail_at(path, e))?;
            resolved.as_path()
        }
        _ => path,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| {
        Error::store(
            format!("cannot write {}: {e}", path.display()),
            Some("check that the folder exists and is writable".to_owned()),
        )
    };
    if path.is_dir() {
        return Err(Error::store(format!("cannot write {}: it is a folder", path.display()), None));
    }
    // A new file gets the usual mode less the umask (the system applies it), not the 0600 of
    // a temporary file; a file that is replaced keeps its mode.
    let existing = std::fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| m.permissions());
    remove_stale_temps(dir);
    let mut temp = tempfile::Builder::new()
        .prefix(".stratagraph-")
        .suffix(".tmp")
        .permissions(default_permissions())
        .tempfile_in(dir)
        .map_err(fail)?;
    if let Some(permissions) = existing {
        temp.as_file().set_permissions(permissions).map_err(fail)?;
    }
    {
        let mut buffered = std::io::BufWriter::new(temp.as_file_mut());
        fill(&mut buffered).map_err(fail)?;
        buffered.flush().map_err(fail)?;
    }
    temp.as_file().sync_all().map_err(fail)?;
    // A file with other hard links is rewritten in place once the new contents are whole,
    // so every name keeps pointing at the same file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.nlink() > 1) {
            std::fs::copy(temp.path(), path).map_err(fail)?;
            return Ok(());
        }
    }
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Removes our temporary files (`.stratagraph-*.tmp`) that a killed run left in `dir`.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(".stratagraph-") && name.ends_with(".tmp")) {
            continue;
        }
        let stale = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn default_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o666)
}

#[cfg(not(unix))]
fn default_permissions() -> std::fs::Permissions {
    std::fs::File::open(".").and_then(|f| f.metadata()).map(|m| m.permissions()).unwrap_or_else(|_| unreachable!())
}
