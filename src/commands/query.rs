//! `query`: one SPARQL query or update under the session's policy (prefixes, timeout,
//! read-only unless asked, no SERVICE unless allowed).

use super::{Outcome, Reply, Verdict};
use crate::backend::Answer;
use crate::cli::QueryArgs;
use crate::error::Error;
use crate::session::{Session, Settings};

/// `query TEXT | -f FILE`. Standard input belongs to the face: the CLI reads it into
/// `args.query` before calling here, and a REPL script's own lines are never taken for one.
pub fn query(session: &Session, settings: &Settings, args: &QueryArgs) -> Result<Outcome, Error> {
    let text = match (&args.query, &args.file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) => crate::input::read_text(path)?,
        (None, None) => {
            return Err(Error::input(
                "`query` needs the query text",
                Some("give it as an argument or with -f FILE (in the REPL, type the SPARQL directly)".to_owned()),
            ))
        }
    };
    if text.trim().is_empty() {
        return Err(Error::input(
            "empty query",
            Some("pass the query as an argument, with -f FILE or on stdin".to_owned()),
        ));
    }
    let mut options = session.query_options(settings)?;
    crate::services::attach(&mut options, session, settings);
    options.allow_update = args.update;
    options.base = args.base.clone().or_else(|| args.file.as_deref().and_then(file_iri));
    let answer = crate::sparql::run(&session.backend, &text, &options)?;
    let verdict = if matches!(answer, Answer::Boolean(false)) { Verdict::NoResult } else { Verdict::Answered };
    Ok(Outcome::with_verdict(Reply::Answer(answer), verdict))
}

/// The `file:` IRI of a query file, the base its relative IRIs resolve against.
fn file_iri(path: &std::path::Path) -> Option<String> {
    let absolute = std::path::absolute(path).ok()?;
    let mut iri = String::from("file://");
    for byte in absolute.to_str()?.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => iri.push(byte as char),
            _ => iri.push_str(&format!("%{byte:02X}")),
        }
    }
    Some(iri)
}
