//! Where sources disagree: a figure of one entity, metric, context and time given with two
//! values; a relation two sources date differently; a date or number attribute given twice.
//! The rule is one SPARQL query, `queries/conflicts.rq`, which is also the built-in
//! `conflicts` report (so any engine answers it); `describe` and `check` run the same query
//! on the small local graph they already hold.

use crate::backend::Backend;
use crate::error::Error;
use oxigraph::model::{Graph as LocalGraph, Term};
use serde::Serialize;

/// The rule, as the built-in report states it.
pub const QUERY: &str = include_str!("../queries/conflicts.rq");

/// Two facts from different sources that cannot both be right as stated.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Conflict {
    /// `figure`, `dates` (of a relation) or `value` (of an attribute).
    pub kind: String,
    /// The entity both facts are about.
    pub subject: String,
    /// The metric of the figures, or the property of the relation or attribute.
    pub about: String,
    pub about_label: Option<String>,
    /// For figures, the date or period both give; for relations, the other entity.
    pub when: Option<String>,
    /// The two sides, each with its value, source and quote.
    pub sides: Vec<ConflictSide>,
}

/// One side of a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ConflictSide {
    /// The claim or observation node.
    pub fact: String,
    pub value: String,
    pub source: String,
    pub quote: String,
}

/// The conflicts in a graph, by the one rule.
pub fn find(graph: &Backend) -> Result<Vec<Conflict>, Error> {
    let rows = graph.select(QUERY)?;
    let text = |row: &[Option<Term>], i: usize| -> Option<String> {
        row.get(i).and_then(Option::as_ref).map(|term| match term {
            Term::NamedNode(node) => node.as_str().to_owned(),
            Term::Literal(literal) => literal.value().to_owned(),
            other => other.to_string(),
        })
    };
    let mut conflicts = Vec::new();
    for row in rows {
        let side = |value: usize, source: usize, quote: usize, fact: usize| ConflictSide {
            fact: text(&row, fact).unwrap_or_default(),
            value: text(&row, value).unwrap_or_default(),
            source: text(&row, source).unwrap_or_default(),
            quote: text(&row, quote).unwrap_or_default(),
        };
        conflicts.push(Conflict {
            kind: text(&row, 0).unwrap_or_default(),
            subject: text(&row, 12).unwrap_or_default(),
            about: text(&row, 13).unwrap_or_default(),
            about_label: text(&row, 3),
            when: text(&row, 5).filter(|w| !w.is_empty()),
            sides: vec![side(6, 7, 8, 14), side(9, 10, 11, 15)],
        });
    }
    Ok(conflicts)
}

/// The conflicts among the facts of a small local graph (a description's neighbourhood, a
/// checked file with the store's facts about the same entities).
pub fn find_in(graph: &LocalGraph) -> Result<Vec<Conflict>, Error> {
    // Every kind of conflict the query finds sets two facts from different sources side by
    // side: with fewer than two sources there is none, and no store needs to be made.
    if sources_in(graph) < 2 {
        return Ok(Vec::new());
    }
    find(&Backend::scratch(graph)?)
}

/// How many sources the facts of `graph` cite, counting up to two.
fn sources_in(graph: &LocalGraph) -> usize {
    let mut first = None;
    for source in graph.triples_for_predicate(crate::vocab::std_terms::PROV_WAS_DERIVED_FROM).map(|t| t.object) {
        match first {
            None => first = Some(source),
            Some(seen) if seen != source => return 2,
            Some(_) => {}
        }
    }
    usize::from(first.is_some())
}
