//! Derived views kept between processes: the entity index, the name table and the path projection of an
//! embedded store on disk are saved in its `stratagraph-views/` folder under the fingerprint
//! of the store's files (`backend::embedded::files_fingerprint`), and a later process whose
//! store has the same fingerprint reads them instead of rebuilding them from every triple.
//! A view saved under another fingerprint, by another version of stratagraph, or broken, is
//! rebuilt. Views are saved by read-only processes only (one-shot commands that read open
//! the store read-only), whose files cannot change under them; saving is best effort (a
//! folder that cannot be written only means the next process rebuilds).
//!
//! Architecture Invariant: a view is used only when its fingerprint is the store's, so no
//! view is used stale; within a process the session still keys views by the state token.

use crate::backend::Backend;
use crate::error::Error;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// What a view file holds.
#[derive(Serialize, Deserialize)]
struct Stored<T> {
    version: String,
    kind: String,
    fingerprint: String,
    value: T,
}

/// The view `kind` of `backend`: read from disk when saved at the store's current state,
/// else built with `build` and saved. `to_stored` and `from_stored` convert to the form kept.
pub fn remembered<T, S>(
    backend: &Backend,
    kind: &str,
    build: impl FnOnce() -> Result<T, Error>,
    to_stored: impl Fn(&T) -> S,
    from_stored: impl Fn(S) -> Option<T>,
) -> Result<T, Error>
where
    S: Serialize + DeserializeOwned,
{
    let Some((dir, fingerprint)) = backend.views_key() else {
        return build();
    };
    let path = dir.join(format!("{kind}.view"));
    if let Ok(bytes) = std::fs::read(&path) {
        if let Ok(stored) = postcard::from_bytes::<Stored<S>>(&bytes) {
            if stored.version == env!("CARGO_PKG_VERSION") && stored.kind == kind && stored.fingerprint == fingerprint {
                if let Some(value) = from_stored(stored.value) {
                    return Ok(value);
                }
            }
        }
    }
    let value = rebuilding(kind, build)?;
    // A store open for writing may still change its files before it closes (RocksDB flushes
    // and rewrites its manifest), so only a read-only process, whose files stay as they were
    // when it opened, keeps what it built.
    if !backend.is_read_only() {
        return Ok(value);
    }
    let stored = Stored {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        kind: kind.to_owned(),
        fingerprint,
        value: to_stored(&value),
    };
    if let Ok(bytes) = postcard::to_allocvec(&stored) {
        if std::fs::create_dir_all(&dir).is_ok() {
            let _ = crate::output::write_atomic(&path, &bytes);
        }
    }
    Ok(value)
}

/// What shows that a kept view is being built: given the view's kind, something to tell
/// when the build ends (a face that has a terminal installs it with [`show_builds_with`]).
pub type BuildProgress = fn(&str) -> Option<Box<dyn FnOnce() + Send>>;

static BUILD_PROGRESS: std::sync::OnceLock<BuildProgress> = std::sync::OnceLock::new();

/// Shows every build of a kept view (the first, or after the store changed) with `progress`.
pub fn show_builds_with(progress: BuildProgress) {
    let _ = BUILD_PROGRESS.set(progress);
}

/// Runs `build` for the view `kind`, shown while it runs if a face asked for that.
fn rebuilding<T>(kind: &str, build: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    let done = BUILD_PROGRESS.get().and_then(|progress| progress(kind));
    let value = build();
    if let Some(done) = done {
        done();
    }
    value
}

/// The start of a mapped view file, before its header's three texts.
const MAPPED_MAGIC: &[u8; 8] = b"SGVIEW2\n";

/// Like [`remembered`], for a view kept as raw bytes and read back memory-mapped, in place:
/// the file is a header (the version, the kind and the fingerprint, each as a little-endian
/// `u32` length and its bytes, padded with zeros to a multiple of 8 bytes, so what follows
/// is aligned for numbers read in place) followed by what `to_bytes` gave, and `from_map`
/// gets the mapped file with the offset where those bytes start. A file is replaced whole (a rename),
/// never rewritten in place, so a map stays valid while a later process saves a newer view.
pub fn remembered_mapped<T>(
    backend: &Backend,
    kind: &str,
    reading: Reading,
    build: impl FnOnce() -> Result<T, Error>,
    to_bytes: impl for<'a> Fn(&'a T) -> std::borrow::Cow<'a, [u8]>,
    from_map: impl Fn(memmap2::Mmap, usize) -> Option<T>,
) -> Result<T, Error> {
    if backend.views_key().is_none() {
        return build();
    }
    if let Some(value) = read_mapped(backend, kind, reading, &from_map) {
        return Ok(value);
    }
    let value = rebuilding(kind, build)?;
    keep_mapped(backend, kind, &to_bytes(&value));
    Ok(value)
}

/// The mapped view `kind` of `backend` when one is kept at the store's current state and
/// `from_map` accepts it; nothing is built.
pub fn read_mapped<T>(
    backend: &Backend,
    kind: &str,
    reading: Reading,
    from_map: impl Fn(memmap2::Mmap, usize) -> Option<T>,
) -> Option<T> {
    let (dir, fingerprint) = backend.views_key()?;
    let header = mapped_header(kind, &fingerprint);
    let file = std::fs::File::open(dir.join(format!("{kind}.map"))).ok()?;
    let mut options = memmap2::MmapOptions::new();
    if reading == Reading::Whole {
        options.populate();
    }
    // SAFETY: view files are only ever replaced by a rename, not changed in place, so the
    // mapped bytes stay as they were while the map lives; their content is checked where it
    // is used, as any file's would be.
    let map = unsafe { options.map(&file) }.ok()?;
    if !map.starts_with(&header) {
        return None;
    }
    from_map(map, header.len())
}

/// Keeps `bytes` as the mapped view `kind` of `backend` at its current state; only a
/// read-only process keeps views (see [`remembered`]), and a failure to write only means a
/// later process builds the view again.
pub fn keep_mapped(backend: &Backend, kind: &str, bytes: &[u8]) {
    let Some((dir, fingerprint)) = backend.views_key() else { return };
    if !backend.is_read_only() {
        return;
    }
    let bytes = [mapped_header(kind, &fingerprint).as_slice(), bytes].concat();
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = crate::output::write_atomic(&dir.join(format!("{kind}.map")), &bytes);
    }
}

/// How a mapped view is read, which decides how it is mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Every byte, by each use (a search scans every name): mapped in full at once.
    Whole,
    /// A few places (a path reads the rows it walks): each page read in when first touched.
    Sparse,
}

fn mapped_header(kind: &str, fingerprint: &str) -> Vec<u8> {
    let mut header = MAPPED_MAGIC.to_vec();
    for text in [env!("CARGO_PKG_VERSION"), kind, fingerprint] {
        header.extend_from_slice(&(text.len() as u32).to_le_bytes());
        header.extend_from_slice(text.as_bytes());
    }
    header.resize(header.len().next_multiple_of(8), 0);
    header
}

/// The kinds of view kept in the views folder `dir` (whatever state they were saved at).
pub fn kept_kinds(dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut kinds: Vec<String> = entries
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".view").or_else(|| name.strip_suffix(".map")).map(str::to_owned)
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}
