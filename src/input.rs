//! Reading the files a user names (fact files, queries): bounded in size and decoded as
//! UTF-8, with the position of the first bad byte.

use crate::error::Error;
use std::io::Read as _;
use std::path::Path;

/// Reads a user-named text file (a fact file or a query), bounded and decoded as UTF-8.
/// Only regular files are read (a symlink to one is fine): a device, FIFO or folder is
/// refused before anything is read, and the size is checked while reading, not only on the
/// file's metadata, so `/dev/zero` or a growing file cannot fill the memory.
pub fn read_text(path: &Path) -> Result<String, Error> {
    let limit = crate::limits::MAX_TEXT_FILE_BYTES;
    let too_big = || {
        Error::input(
            format!("{} is more than the {} MiB a fact or query file may have", path.display(), limit >> 20),
            Some("split it into several files, or give the data as N-Triples, which is streamed".to_owned()),
        )
    };
    let cannot = |e: std::io::Error| {
        Error::store(format!("cannot read {}: {e}", path.display()), Some("check the path".to_owned()))
    };
    let metadata = std::fs::metadata(path).map_err(cannot)?;
    if !metadata.is_file() {
        return Err(Error::input(
            format!("{} is not a regular file", path.display()),
            Some("give the path of a file (not a folder, device or pipe)".to_owned()),
        ));
    }
    if metadata.len() > limit {
        return Err(too_big());
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    decode(&path.display().to_string(), bytes)
}

/// Decodes a file's bytes as UTF-8; invalid bytes are reported as `name:line:column`.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
        let (line, column) = crate::facts::line_column(&valid, offset);
        Error::input(
            format!("{name}:{line}:{column}: invalid UTF-8 (byte {offset})"),
            Some("save the file as UTF-8".to_owned()),
        )
    })
}
