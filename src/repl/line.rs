//! Reading REPL input: telling SPARQL from commands, knowing when a multi-line entry is
//! complete, and splitting a command line into words the way a shell would.

/// Words that start SPARQL rather than a command.
const SPARQL_STARTS: &[&str] = &[
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "PREFIX",
    "BASE",
    "INSERT",
    "DELETE",
    "WITH",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
];

/// True when the input is SPARQL. `describe` is a command unless it is followed by a
/// variable, an IRI or a `*`, as SPARQL's DESCRIBE is.
pub fn is_sparql(input: &str) -> bool {
    let trimmed = input.trim_start();
    let word_end = trimmed.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(trimmed.len());
    let word = trimmed[..word_end].to_ascii_uppercase();
    if word == "DESCRIBE" {
        let rest = trimmed[word_end..].trim_start();
        return rest.starts_with(['?', '$', '<', '*']);
    }
    if trimmed.starts_with('#') {
        // A comment line before a query.
        return trimmed.lines().skip(1).any(is_sparql) || trimmed.lines().count() == 1;
    }
    if word == "LOAD" {
        // SPARQL's LOAD takes an IRI (or SILENT); the `load` command takes file names.
        let rest = trimmed[word_end..].trim_start();
        return rest.starts_with('<') || rest.get(..6).is_some_and(|w| w.eq_ignore_ascii_case("SILENT"));
    }
    SPARQL_STARTS.contains(&word.as_str())
}

/// True when a SPARQL entry can run: its brackets balance, its strings are closed, and a
/// query or update that needs a `{ ... }` block has opened one (so `SELECT ?x` and Enter
/// waits for the `WHERE` on the next line).
pub fn sparql_complete(input: &str) -> bool {
    let (balanced, braced) = scan(input);
    if !balanced {
        return false;
    }
    let needs_block = crate::sparql::first_keyword(input).is_some_and(|word| {
        ["SELECT", "ASK", "CONSTRUCT", "INSERT", "DELETE", "WITH"].contains(&word.to_ascii_uppercase().as_str())
    });
    braced || !needs_block
}

/// Whether the brackets of a SPARQL text balance with its strings closed, and whether it
/// opens a `{` at all.
fn scan(input: &str) -> (bool, bool) {
    let chars: Vec<char> = input.chars().collect();
    let mut braced = false;
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' | '\'' => {
                let long = i + 2 < chars.len() && chars[i + 1] == c && chars[i + 2] == c;
                if long {
                    i += 3;
                    loop {
                        if i >= chars.len() {
                            return (false, braced);
                        }
                        if i + 2 < chars.len() && chars[i] == c && chars[i + 1] == c && chars[i + 2] == c {
                            i += 2;
                            break;
                        }
                        if chars[i] == '\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                } else {
                    i += 1;
                    loop {
                        if i >= chars.len() || chars[i] == '\n' {
                            return (false, braced);
                        }
                        if chars[i] == '\\' {
                            i += 2;
                            continue;
                        }
                        if chars[i] == c {
                            break;
                        }
                        i += 1;
                    }
                }
            }
            '<' => i = crate::limits::iri_end(&chars, i),
            '{' => {
                braced = true;
                depth += 1;
            }
            '(' | '[' => depth += 1,
            '}' | ')' | ']' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    (depth <= 0, braced)
}

/// Why a line could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// A quote was opened and never closed.
    OpenQuote(char),
    /// The line ended with a lone backslash.
    TrailingBackslash,
}

impl std::fmt::Display for SplitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SplitError::OpenQuote(q) => write!(f, "unclosed {q} quote"),
            SplitError::TrailingBackslash => f.write_str("the line ends with a lone backslash"),
        }
    }
}

/// Splits a command line into words: white space separates, '…' is literal, "…" allows
/// backslash escapes, and a backslash outside quotes escapes the next character.
pub fn split_words(line: &str) -> Result<Vec<String>, SplitError> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => current.push(c),
                        None => return Err(SplitError::OpenQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => current.push(c),
                            None => return Err(SplitError::OpenQuote('"')),
                        },
                        Some(c) => current.push(c),
                        None => return Err(SplitError::OpenQuote('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(c) => current.push(c),
                    None => return Err(SplitError::TrailingBackslash),
                }
            }
            c => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

/// True when an entry is complete and can run.
pub fn entry_complete(input: &str) -> bool {
    if is_sparql(input) {
        sparql_complete(input)
    } else {
        !matches!(split_words(input), Err(SplitError::OpenQuote(_)))
    }
}

/// The PREFIX declarations in a SPARQL text, as (prefix, IRI) pairs.
pub fn prefix_declarations(input: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = input;
    while let Some(position) = find_keyword(rest, "PREFIX") {
        rest = &rest[position + 6..];
        let Some(colon) = rest.find(':') else { break };
        let prefix = rest[..colon].trim().to_owned();
        let after = &rest[colon + 1..];
        let (Some(open), Some(close)) = (after.find('<'), after.find('>')) else { break };
        if open < close && prefix.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.') {
            out.push((prefix, after[open + 1..close].to_owned()));
        }
        rest = &after[close.min(after.len())..];
    }
    out
}

fn find_keyword(text: &str, keyword: &str) -> Option<usize> {
    let upper = text.to_ascii_uppercase();
    let mut from = 0;
    while let Some(found) = upper[from..].find(keyword) {
        let at = from + found;
        let before_ok = at == 0 || !upper.as_bytes()[at - 1].is_ascii_alphanumeric();
        let after_ok = upper.as_bytes().get(at + keyword.len()).is_none_or(|b| b.is_ascii_whitespace());
        if before_ok && after_ok {
            return Some(at);
        }
        from = at + keyword.len();
    }
    None
}

/// True when a SPARQL entry holds only PREFIX/BASE declarations (and comments).
pub fn only_declarations(input: &str) -> bool {
    crate::sparql::first_keyword(input).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparql_is_told_from_commands() {
        assert!(is_sparql("SELECT * { ?s ?p ?o }"));
        assert!(is_sparql("select ?x {}"));
        assert!(is_sparql("PREFIX ex: <http://e/>"));
        assert!(is_sparql("DESCRIBE <http://x>"));
        assert!(!is_sparql("describe 速卖通"));
        assert!(!is_sparql("path 蒋凡 1688overseas"));
        assert!(!is_sparql("load data/more.toml"), "the load command");
        assert!(is_sparql("LOAD <http://example.org/x.ttl>"));
        assert!(is_sparql("load silent <http://example.org/x.ttl>"));
    }

    #[test]
    fn multi_line_queries_wait_for_balance() {
        assert!(!sparql_complete("SELECT * {\n ?s ?p ?o"));
        assert!(sparql_complete("SELECT * {\n ?s ?p ?o }"));
        assert!(!sparql_complete("SELECT * { ?s ?p \"open }"));
        assert!(sparql_complete("SELECT * { ?s ?p \"}\" }"));
        assert!(sparql_complete("SELECT * { <http://x#y> ?p ?o } # {"));
        assert!(sparql_complete("SELECT * { FILTER(?a < ?b) }"));
        assert!(!sparql_complete("SELECT * { ?s ?p \"\"\"long\n"));
        assert!(sparql_complete("SELECT * { ?s ?p \"\"\"long\n}\"\"\" }"));
        assert!(!sparql_complete("SELECT ?p"), "a SELECT waits for its WHERE block");
        assert!(!sparql_complete("PREFIX e: <http://e/>\nASK"));
        assert!(sparql_complete("DESCRIBE <http://e/x>"));
        assert!(sparql_complete("PREFIX e: <http://e/>"));
        assert!(sparql_complete("CLEAR ALL"));
    }

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(split_words("describe 'Jiang Fan'").unwrap(), ["describe", "Jiang Fan"]);
        assert_eq!(split_words("a \"b \\\" c\" d\\ e").unwrap(), ["a", "b \" c", "d e"]);
        assert_eq!(split_words("x ''").unwrap(), ["x", ""]);
        assert_eq!(split_words("x 'open"), Err(SplitError::OpenQuote('\'')));
        assert_eq!(split_words("x \\"), Err(SplitError::TrailingBackslash));
    }

    #[test]
    fn prefixes_are_collected() {
        assert_eq!(
            prefix_declarations("PREFIX ex: <http://e/>\nprefix : <http://d/> SELECT"),
            [("ex".to_owned(), "http://e/".to_owned()), (String::new(), "http://d/".to_owned())]
        );
    }
}
