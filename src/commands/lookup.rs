//! `describe`, `timeline` and `search`: one entity with the evidence behind each fact, its
//! dated facts in order, and entities
//! found by label or alias in either language.

use super::{Outcome, Reply, Verdict};
use crate::cli::{DescribeArgs, SearchArgs};
use crate::error::Error;
use crate::session::{Session, Settings};

/// `describe ENTITY`.
pub fn describe(session: &Session, settings: &Settings, args: &DescribeArgs) -> Result<Outcome, Error> {
    let iri = session.resolve(&args.entity)?;
    let description = session.description(&iri, settings)?;
    Ok(Outcome::found(Reply::Description(Box::new((*description).clone()))))
}

/// `search TEXT`.
pub fn search(session: &Session, settings: &Settings, args: &SearchArgs) -> Result<Outcome, Error> {
    if args.text.trim().is_empty() {
        return Err(Error::input("empty search text", Some("give a name in English or Chinese".to_owned())));
    }
    if args.limit == 0 {
        return Err(Error::input("--limit must be at least 1", None));
    }
    if args.within == crate::cli::SearchIn::Quotes {
        return search_words(session, settings, args);
    }
    let hits = session.search(&args.text, args.limit)?;
    let verdict = if hits.is_empty() { Verdict::NoResult } else { Verdict::Answered };
    let mut outcome = Outcome::with_verdict(Reply::Hits(hits), verdict);
    if verdict == Verdict::NoResult {
        outcome.notes.push(format!("no entity matches `{}`", args.text));
    }
    Ok(outcome)
}

/// `timeline ENTITY`: its dated facts in date order (exit 1 when it has none).
pub fn timeline(session: &Session, settings: &Settings, args: &DescribeArgs) -> Result<Outcome, Error> {
    let iri = session.resolve(&args.entity)?;
    let timeline = crate::timeline::timeline(session, settings, &iri)?;
    let verdict = if timeline.events.is_empty() { Verdict::NoResult } else { Verdict::Answered };
    let mut outcome = Outcome::with_verdict(Reply::Timeline(Box::new(timeline)), verdict);
    if verdict == Verdict::NoResult {
        outcome.notes.push(format!("{} has no dated facts", args.entity));
    }
    Ok(outcome)
}

/// `search --in quotes TEXT`: the quotes, notes, descriptions, labels and aliases that best match.
fn search_words(session: &Session, settings: &Settings, args: &SearchArgs) -> Result<Outcome, Error> {
    let index = session.text_index()?;
    let ranked = index.search(&args.text, args.limit);
    let labels = session.labels_for(index.about_of(&ranked))?;
    let hits: Vec<_> =
        ranked.iter().map(|(score, doc)| index.hit(*score, *doc, |iri| labels.label(iri, settings.lang))).collect();
    let verdict = if hits.is_empty() { Verdict::NoResult } else { Verdict::Answered };
    let mut outcome = Outcome::with_verdict(Reply::TextHits(hits), verdict);
    if verdict == Verdict::NoResult {
        outcome.notes.push(format!("no quote, note, description, label or alias matches `{}`", args.text));
    }
    Ok(outcome)
}
