//! Files the program writes: always through a temporary file in the same folder and a
//! rename, so a reader never sees half a file and a failure leaves the old file as it was.

use crate::error::Error;
use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` whole or not at all.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Error> {
    write_atomic_with(path, |writer| writer.write_all(contents))
}

/// Streams into `path` through `fill`; the file appears only when `fill` succeeds.
pub fn write_atomic_with(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Error> {
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
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
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
