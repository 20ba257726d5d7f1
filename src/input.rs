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

/// The most bytes the entities of an RDF/XML document may expand to in all.
pub const MAX_ENTITY_EXPANSION: u64 = 64 << 20;
/// The most bytes of a document read for its prolog (where a DTD's entities are declared).
const MAX_PROLOG: usize = 1 << 20;

/// Refuses an RDF/XML document whose DTD entities could expand without bound ("billion
/// laughs"): entities whose values refer to other entities, parameter and external
/// entities, and documents whose entity references would expand past
/// `MAX_ENTITY_EXPANSION` bytes. Reads the prolog, and the rest only when entities are
/// declared (to count their references). Errors are located as `name:line:column`.
pub fn check_rdfxml_entities(name: &str, mut reader: impl std::io::Read) -> Result<(), Error> {
    let cannot = |e: std::io::Error| Error::store(format!("cannot read {name}: {e}"), None);
    let mut head = Vec::new();
    (&mut reader).take(MAX_PROLOG as u64).read_to_end(&mut head).map_err(cannot)?;
    let declared = declared_entities(name, &head)?;
    if declared.is_empty() {
        return Ok(());
    }
    // Count every `&name;` in the document, across buffer boundaries: each window starts
    // with the previous one's last bytes, and a reference is counted in the window where it
    // ends, so one split by the boundary is seen whole and none is counted twice.
    let keep = declared.iter().map(|e| e.name.len()).max().unwrap_or(0) + 1;
    let mut counts = vec![0u64; declared.len()];
    let mut window = head;
    let mut seen = 0;
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        count_references(&window, seen, &declared, &mut counts);
        let read = reader.read(&mut chunk).map_err(cannot)?;
        if read == 0 {
            break;
        }
        let tail = window[window.len().saturating_sub(keep)..].to_vec();
        seen = tail.len();
        window = tail;
        window.extend_from_slice(&chunk[..read]);
    }
    let mut total = 0u64;
    for (entity, count) in declared.iter().zip(&counts) {
        total = total.saturating_add(count.saturating_mul(entity.value_len as u64));
        if total > MAX_ENTITY_EXPANSION {
            return Err(Error::input(
                format!(
                    "{name}:{}:{}: the entity `{}` is referred to {count} times and the entities would expand to more than {} MiB",
                    entity.line,
                    entity.column,
                    entity.name,
                    MAX_ENTITY_EXPANSION >> 20
                ),
                Some("write the values out, or convert the file to N-Triples or Turtle".to_owned()),
            ));
        }
    }
    Ok(())
}

struct Entity {
    name: String,
    value_len: usize,
    line: usize,
    column: usize,
}

/// The general entities a document's internal DTD subset declares.
fn declared_entities(name: &str, head: &[u8]) -> Result<Vec<Entity>, Error> {
    let text = String::from_utf8_lossy(head);
    let Some(doctype) = text.find("<!DOCTYPE") else { return Ok(Vec::new()) };
    let after = &text[doctype..];
    let (Some(open), close) = (after.find('['), after.find('>')) else { return Ok(Vec::new()) };
    if close.is_some_and(|c| c < open) {
        return Ok(Vec::new());
    }
    let subset_start = doctype + open + 1;
    let Some(subset_len) = text[subset_start..].find("]>").or_else(|| text[subset_start..].find(']')) else {
        return Err(Error::input(
            format!("{name}: the DTD does not end within its first {} MiB", MAX_PROLOG >> 20),
            Some("RDF/XML needs no DTD; remove it or convert the file to N-Triples".to_owned()),
        ));
    };
    let subset = &text[subset_start..subset_start + subset_len];
    let position = |offset: usize| -> (usize, usize) {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    };
    let mut entities = Vec::new();
    let mut rest = subset;
    let mut base = subset_start;
    while let Some(at) = rest.find("<!ENTITY") {
        let (line, column) = position(base + at);
        let refuse = |what: &str| {
            Error::input(
                format!("{name}:{line}:{column}: {what}"),
                Some(
                    "RDF/XML needs no such entities; write the values out or convert the file to N-Triples".to_owned(),
                ),
            )
        };
        let body = rest[at + "<!ENTITY".len()..].trim_start();
        if body.starts_with('%') {
            return Err(refuse("parameter entities are refused"));
        }
        let entity_name: String = body.chars().take_while(|c| !c.is_whitespace()).collect();
        let value_part = body[entity_name.len()..].trim_start();
        let Some(quote) = value_part.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            return Err(refuse(&format!(
                "the entity `{entity_name}` is external (SYSTEM or PUBLIC), and external entities are not read"
            )));
        };
        let value_end = value_part[1..].find(quote).ok_or_else(|| refuse("an entity value is not closed"))?;
        let value = &value_part[1..1 + value_end];
        let refers = value.match_indices('&').any(|(i, _)| !value[i + 1..].starts_with('#'));
        if refers {
            return Err(refuse(&format!(
                "the entity `{entity_name}` refers to other entities, which can expand without bound (“billion laughs”); nested entities are refused"
            )));
        }
        entities.push(Entity { name: entity_name, value_len: value.len(), line, column });
        let consumed = at + "<!ENTITY".len();
        base += consumed;
        rest = &rest[consumed..];
    }
    Ok(entities)
}

/// Adds the number of `&name;` references in `bytes` that end after its first `seen`
/// bytes (those were counted with the previous window) to `counts`.
fn count_references(bytes: &[u8], seen: usize, entities: &[Entity], counts: &mut [u64]) {
    let mut i = 0;
    while let Some(found) = bytes[i..].iter().position(|b| *b == b'&') {
        let start = i + found + 1;
        for (entity, count) in entities.iter().zip(counts.iter_mut()) {
            let name = entity.name.as_bytes();
            let end = start + name.len() + 1;
            if bytes.len() >= end && end > seen && &bytes[start..start + name.len()] == name && bytes[end - 1] == b';' {
                *count += 1;
            }
        }
        i = start;
    }
}
