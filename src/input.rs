//! Reading the files a user names (fact files, queries): bounded in size and decoded as
//! UTF-8, with the position of the first bad byte.

use crate::error::Error;
use std::path::Path;

/// Reads a user-named text file (a fact file or a query), bounded and decoded as UTF-8.
pub fn read_text(path: &Path) -> Result<String, Error> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > crate::limits::MAX_TEXT_FILE_BYTES {
        return Err(Error::input(
            format!(
                "{} is {} MiB, more than the {} MiB a fact or query file may have",
                path.display(),
                size >> 20,
                crate::limits::MAX_TEXT_FILE_BYTES >> 20
            ),
            Some("split it into several files, or give the data as N-Triples, which is streamed".to_owned()),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::store(format!("cannot read {}: {e}", path.display()), Some("check the path".to_owned())))?;
    decode(&path.display().to_string(), bytes)
}

/// Decodes a file's bytes as UTF-8; invalid bytes are reported as `name:line:column`.
fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Error> {
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
