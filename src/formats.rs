//! The output formats a user can ask for, named once for the grammar, the commands and the
//! renderers (which sit above the commands and so cannot own these).

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

/// Pretty JSON with a final newline: the JSON form of every reply.
pub fn to_json(value: &impl serde::Serialize) -> Result<String, crate::error::Error> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| crate::error::Error::store(e.to_string(), None))?;
    text.push('\n');
    Ok(text)
}
