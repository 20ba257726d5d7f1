//! Renderers: query answers, descriptions and search hits as text for the terminal and as
//! the standard formats for files and scripts. Renderers return strings; faces write them.

pub mod describe;
pub mod results;
pub mod table;

use crate::schema::short_name;
use oxigraph::model::Term;

/// Output formats for tabular answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TableFormat {
    /// An aligned table for the terminal.
    #[default]
    Table,
    Csv,
    Tsv,
    /// W3C SPARQL 1.1 Query Results JSON.
    Json,
    /// W3C SPARQL Query Results XML.
    Xml,
    /// A Markdown table.
    Markdown,
}

/// Output formats for graphs (CONSTRUCT, DESCRIBE, dumps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum GraphFormat {
    #[default]
    #[value(alias = "ttl")]
    Turtle,
    #[value(alias = "nt")]
    Ntriples,
    #[value(alias = "nq")]
    Nquads,
    Trig,
    #[value(alias = "json-ld")]
    Jsonld,
    #[value(alias = "rdf", alias = "xml")]
    Rdfxml,
}

impl GraphFormat {
    /// The oxigraph format.
    pub fn rdf_format(self) -> oxigraph::io::RdfFormat {
        use oxigraph::io::RdfFormat;
        match self {
            GraphFormat::Turtle => RdfFormat::Turtle,
            GraphFormat::Ntriples => RdfFormat::NTriples,
            GraphFormat::Nquads => RdfFormat::NQuads,
            GraphFormat::Trig => RdfFormat::TriG,
            GraphFormat::Jsonld => RdfFormat::JsonLd { profile: oxigraph::io::JsonLdProfileSet::empty() },
            GraphFormat::Rdfxml => RdfFormat::RdfXml,
        }
    }
}

/// Text or JSON, for commands whose output is a report rather than a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TextFormat {
    #[default]
    Text,
    Json,
}

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
