//! Renderers: every command's typed reply as text for the terminal, as JSON, and SPARQL
//! answers in the standard formats for files and scripts. Renderers return bytes; faces
//! write them.

pub mod brief;
pub mod describe;
pub mod figures;
pub mod paths;
pub mod reply;
pub mod results;
pub mod table;

pub use crate::formats::{to_json, GraphFormat, TableFormat, TextFormat};
use crate::schema::short_name;
use oxigraph::model::Term;

/// A term as a short human string: prefixed IRIs, literal values without quotes.
pub fn term_text(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => crate::vocab::compact(n.as_str()).unwrap_or_else(|| n.as_str().to_owned()),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => l.value().to_owned(),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

/// The short name of an IRI for display.
pub fn short(iri: &str) -> String {
    short_name(iri)
}
