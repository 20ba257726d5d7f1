//! Limits that keep hostile input from exhausting the stack of the recursive parsers we use
//! (SPARQL and TOML): input nested deeper than a bound is refused before it is parsed.

/// The largest text file (fact file, query file) read whole into memory: 256 MiB. RDF files
/// are streamed and have no such bound.
pub const MAX_TEXT_FILE_BYTES: u64 = 256 << 20;

/// The most rows (or triples) one SPARQL answer may hold unless `--max-rows` says
/// otherwise: a cross join is refused with a clear error before it fills the memory.
pub const MAX_ANSWER_ROWS: usize = 10_000_000;

/// How much one SPARQL evaluation on the embedded store may grow the process (its resident
/// memory) unless `--max-memory` says otherwise: 4 GiB. Watched while the query runs; past
/// it the query is stopped and refused.
pub const MAX_QUERY_MEMORY: u64 = 4 << 30;

/// The process's resident memory in bytes, where the system tells it (Linux).
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * u64::try_from(page).ok().filter(|p| *p > 0).unwrap_or(4096))
}

/// The deepest nesting of (), [] and {} outside strings, IRIs and comments.
pub fn nesting_depth(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < chars.len() {
        match chars[i] {
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            quote @ ('"' | '\'') => {
                i += 1;
                while i < chars.len() && chars[i] != quote {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
            }
            '<' => i = crate::limits::iri_end(&chars, i),
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// Where an IRI that opens with `<` at `i` ends: the index of its `>`, or `i` itself when
/// white space or the end comes first (then the `<` is a less-than sign).
pub fn iri_end(chars: &[char], i: usize) -> usize {
    let mut j = i + 1;
    while j < chars.len() && chars[j] != '>' && !chars[j].is_whitespace() {
        j += 1;
    }
    if j < chars.len() && chars[j] == '>' {
        j
    } else {
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_outside_strings() {
        assert_eq!(nesting_depth("SELECT * { { ?s ?p \"{{{{\" } }"), 2);
        assert_eq!(nesting_depth(&"{".repeat(5000)), 5000);
        assert_eq!(nesting_depth("<x#>{\n<y#>{\n<z#>{"), 3, "a # inside an IRI is not a comment");
    }
}
