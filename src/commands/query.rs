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
    let mut options = session.query_options(settings);
    options.allow_update = args.update;
    let answer = crate::sparql::run(&session.backend, &text, &options)?;
    let verdict = if matches!(answer, Answer::Boolean(false)) { Verdict::NoResult } else { Verdict::Answered };
    Ok(Outcome::with_verdict(Reply::Answer(answer), verdict))
}
