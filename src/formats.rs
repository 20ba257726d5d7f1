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
    /// One block per row, a line per column: for rows too wide for a table.
    Records,
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

/// One `--format` for any SPARQL answer: the result formats for SELECT and ASK and the RDF
/// syntaxes for CONSTRUCT and DESCRIBE. `json` and `xml` name both families' forms (SPARQL
/// results JSON or JSON-LD, SPARQL results XML or RDF/XML), as the answer's kind decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AnswerFormat {
    /// An aligned table for the terminal.
    Table,
    Csv,
    Tsv,
    /// SPARQL results JSON; JSON-LD for a graph.
    Json,
    /// SPARQL results XML; RDF/XML for a graph.
    Xml,
    /// A Markdown table.
    #[value(alias = "md")]
    Markdown,
    /// One block per row, a line per column: for rows too wide for a table.
    Records,
    #[value(alias = "ttl")]
    Turtle,
    #[value(alias = "nt")]
    Ntriples,
    #[value(alias = "nq")]
    Nquads,
    Trig,
    #[value(alias = "json-ld")]
    Jsonld,
    #[value(alias = "rdf")]
    Rdfxml,
}

impl AnswerFormat {
    /// Its form for solutions and booleans, if it has one.
    pub fn table(self) -> Option<TableFormat> {
        Some(match self {
            AnswerFormat::Table => TableFormat::Table,
            AnswerFormat::Csv => TableFormat::Csv,
            AnswerFormat::Tsv => TableFormat::Tsv,
            AnswerFormat::Json => TableFormat::Json,
            AnswerFormat::Xml => TableFormat::Xml,
            AnswerFormat::Markdown => TableFormat::Markdown,
            AnswerFormat::Records => TableFormat::Records,
            _ => return None,
        })
    }

    /// Its form for graphs, if it has one.
    pub fn graph(self) -> Option<GraphFormat> {
        Some(match self {
            AnswerFormat::Json | AnswerFormat::Jsonld => GraphFormat::Jsonld,
            AnswerFormat::Xml | AnswerFormat::Rdfxml => GraphFormat::Rdfxml,
            AnswerFormat::Turtle => GraphFormat::Turtle,
            AnswerFormat::Ntriples => GraphFormat::Ntriples,
            AnswerFormat::Nquads => GraphFormat::Nquads,
            AnswerFormat::Trig => GraphFormat::Trig,
            _ => return None,
        })
    }

    /// The format a file name's extension names.
    pub fn from_extension(extension: &str) -> Option<AnswerFormat> {
        Some(match extension {
            "txt" => AnswerFormat::Table,
            "csv" => AnswerFormat::Csv,
            "tsv" => AnswerFormat::Tsv,
            "json" | "srj" => AnswerFormat::Json,
            "xml" | "srx" => AnswerFormat::Xml,
            "md" | "markdown" => AnswerFormat::Markdown,
            "ttl" => AnswerFormat::Turtle,
            "nt" => AnswerFormat::Ntriples,
            "nq" => AnswerFormat::Nquads,
            "trig" => AnswerFormat::Trig,
            "jsonld" => AnswerFormat::Jsonld,
            "rdf" | "owl" => AnswerFormat::Rdfxml,
            _ => return None,
        })
    }

    /// Whether a file named for `named` may hold `self`: the same format, or one whose
    /// form for the answer's kind is the same (`json` and `jsonld` in a .json file).
    pub fn agrees(self, named: AnswerFormat) -> bool {
        self == named
            || self.table().is_some() && self.table() == named.table()
            || self.graph().is_some() && self.graph() == named.graph()
    }
}

impl GraphFormat {
    /// The syntax a file name's extension names.
    pub fn from_extension(extension: &str) -> Option<GraphFormat> {
        Some(match extension {
            "ttl" => GraphFormat::Turtle,
            "nt" => GraphFormat::Ntriples,
            "nq" => GraphFormat::Nquads,
            "trig" => GraphFormat::Trig,
            "jsonld" | "json" => GraphFormat::Jsonld,
            "rdf" | "owl" | "xml" => GraphFormat::Rdfxml,
            _ => return None,
        })
    }
}

/// The name clap knows a value by.
pub fn value_name(value: impl clap::ValueEnum) -> String {
    value.to_possible_value().map(|v| v.get_name().to_owned()).unwrap_or_default()
}

/// The format to write: the one given, else the one the output file's extension names
/// (`by_extension`), else none (the command's default). A `--format` the extension
/// contradicts is an error, as the file would hold something its name denies.
pub fn choose<F: clap::ValueEnum + Copy + PartialEq>(
    given: Option<F>,
    output: Option<&std::path::Path>,
    by_extension: impl Fn(&str) -> Option<F>,
    agrees: impl Fn(F, F) -> bool,
) -> Result<Option<F>, crate::error::Error> {
    let Some(path) = output else { return Ok(given) };
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let named = extension.as_deref().and_then(&by_extension);
    match (given, named) {
        (Some(given), Some(named)) if !agrees(given, named) => Err(crate::error::Error::input(
            format!(
                "--format {} contradicts the file name {}, which says {}",
                value_name(given),
                path.display(),
                value_name(named)
            ),
            Some("drop --format to let the extension choose, or name the file for the format".to_owned()),
        )),
        (Some(given), _) => Ok(Some(given)),
        (None, named) => Ok(named),
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
