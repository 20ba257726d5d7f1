//! The one error type the faces see, and its exit code. Each domain keeps its own error enum;
//! this wraps them so `main` and the REPL map every failure the same way.

use crate::facts::Problem;

/// Exit codes, documented in README.md.
pub mod exit {
    /// The command ran and answered.
    pub const OK: i32 = 0;
    /// The command ran but found nothing where that matters: no path, an ASK that is false.
    pub const NO_RESULT: i32 = 1;
    /// The input was wrong: usage, syntax, unknown entity, bad fact file.
    pub const BAD_INPUT: i32 = 2;
    /// The store or a file could not be read or written, or the store is in use.
    pub const STORE: i32 = 3;
    /// A query ran out of time or was cancelled.
    pub const TIMEOUT: i32 = 4;
    /// A bug: an unexpected panic.
    pub const INTERNAL: i32 = 5;
}

/// Every failure a command can end with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Wrong input: a message, and a hint when there is one.
    #[error("{message}")]
    Input { message: String, hint: Option<String> },
    /// Problems found in fact files; each is located.
    #[error("{}", problems_summary(.0))]
    Facts(Vec<Problem>),
    /// A SPARQL syntax error, with the query and the position.
    #[error("{message}")]
    Syntax {
        message: String,
        /// The query line and a caret under the position, when known.
        excerpt: Option<String>,
        /// The line and column (from 1), when known.
        position: Option<(usize, usize)>,
    },
    /// The store or a file could not be used.
    #[error("{message}")]
    Store { message: String, hint: Option<String> },
    /// The query ran out of time or was cancelled.
    #[error("{0}")]
    Timeout(String),
    /// Not an error: the answer is empty where emptiness is the answer (no path found).
    #[error("{0}")]
    NoResult(String),
    /// A bug caught without a panic reaching the face (a worker thread died).
    #[error("internal error: {0}; this is a bug in stratagraph, please report it")]
    Internal(String),
}

fn problems_summary(problems: &[Problem]) -> String {
    let errors = problems.iter().filter(|p| p.severity == crate::facts::Severity::Error).count();
    match problems.first() {
        Some(first) if errors <= 1 => first.to_string(),
        _ => format!("{errors} problems in fact files"),
    }
}

impl Error {
    /// An input error with a hint.
    pub fn input(message: impl Into<String>, hint: impl Into<Option<String>>) -> Error {
        Error::Input { message: message.into(), hint: hint.into() }
    }

    /// A store or file error with a hint.
    pub fn store(message: impl Into<String>, hint: impl Into<Option<String>>) -> Error {
        Error::Store { message: message.into(), hint: hint.into() }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. } | Error::Facts(_) | Error::Syntax { .. } => exit::BAD_INPUT,
            Error::Store { .. } => exit::STORE,
            Error::Timeout(_) => exit::TIMEOUT,
            Error::NoResult(_) => exit::NO_RESULT,
            Error::Internal(_) => exit::INTERNAL,
        }
    }

    /// The full text shown to a user: the message, every located problem, excerpt and hint.
    pub fn report(&self) -> String {
        let mut out = String::new();
        let prefix = if matches!(self, Error::NoResult(_)) { "" } else { "error: " };
        match self {
            Error::Facts(problems) => {
                for problem in problems {
                    let kind = if problem.severity == crate::facts::Severity::Warning { "" } else { "error: " };
                    out.push_str(&format!("{kind}{problem}\n"));
                }
                if problems.len() > 1 {
                    out.push_str(&format!("error: {self}, nothing was loaded\n"));
                }
            }
            Error::Syntax { excerpt, .. } => {
                out.push_str(&format!("{prefix}{self}\n"));
                if let Some(excerpt) = excerpt {
                    out.push_str(excerpt);
                    out.push('\n');
                }
            }
            Error::Input { hint, .. } | Error::Store { hint, .. } => {
                out.push_str(&format!("{prefix}{self}\n"));
                if let Some(hint) = hint {
                    out.push_str(&format!("hint: {hint}\n"));
                }
            }
            _ => out.push_str(&format!("{prefix}{self}\n")),
        }
        printable(&out)
    }
}

/// The longest line an error message shows of what the user gave (a 10 MB query line).
const MAX_SHOWN_LINE: usize = 600;

/// `text` safe for a terminal: control characters (an ANSI escape in a query, a NUL in a
/// file) shown as `\u{1b}`, and each line cut at `MAX_SHOWN_LINE` characters.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(1 << 16));
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut shown = 0;
        let total = line.chars().count();
        for c in line.chars() {
            if shown == MAX_SHOWN_LINE {
                out.push_str(&format!("… ({} more characters)", total - shown));
                break;
            }
            if c.is_control() && c != '\t' {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            } else {
                out.push(c);
            }
            shown += 1;
        }
    }
    out
}

impl From<oxigraph::store::StorageError> for Error {
    fn from(error: oxigraph::store::StorageError) -> Error {
        let text = error.to_string();
        // By what RocksDB says, not by any word in it: "block checksum" holds "lock" too.
        if text.contains("Corruption") || text.contains("checksum mismatch") || text.contains("corrupted") {
            Error::store(
                format!("the store is corrupted ({})", first_line(&text)),
                Some(
                    "restore it from a dump (`stratagraph dump`) or a backup; `stratagraph validate` checks a store"
                        .to_owned(),
                ),
            )
        } else if text.contains("/LOCK") || text.contains("lock hold by current process") {
            Error::store(
                format!("the store is in use by another process ({})", first_line(&text)),
                Some("close the other stratagraph, or open the store with --read-only".to_owned()),
            )
        } else {
            Error::store(format!("store error: {}", first_line(&text)), None)
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Error {
        Error::store(format!("i/o error: {error}"), None)
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}
