//! The one command grammar: clap definitions shared by the command line and the REPL.
//! Each flag's help text sits beside its definition.

use crate::formats::{AnswerFormat, GraphFormat, TextFormat};
use crate::schema::Lang;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A knowledge graph and query engine for platform-strategy facts.
///
/// With no --store, every command runs on an in-memory graph preloaded with the built-in
/// ontology and the article's facts, so it works from any folder.
#[derive(Debug, Parser)]
#[command(name = "stratagraph", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// One line typed in the REPL: the same commands, without the store options.
#[derive(Debug, Parser)]
#[command(name = "", no_binary_name = true, disable_version_flag = true)]
pub struct ReplLine {
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the graph lives.
#[derive(Debug, Clone, Args, Default)]
pub struct StoreArgs {
    /// A persistent RocksDB store folder. Commands that write create a missing one (with the
    /// ontology and built-in data); commands that read refuse it. Without it, an in-memory
    /// graph with the built-in data.
    #[arg(long, global = true, value_name = "DIR", env = "STRATAGRAPH_STORE")]
    pub store: Option<PathBuf>,
    /// Open the store without taking its write lock; writes are refused.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Seed a new store (or the in-memory graph) with the ontology only, not the article data.
    #[arg(long, global = true)]
    pub bare: bool,
    /// A remote SPARQL 1.1 endpoint to run on instead of a local store. Credentials come
    /// from STRATAGRAPH_ENDPOINT_USER and STRATAGRAPH_ENDPOINT_PASSWORD (Basic or Digest),
    /// STRATAGRAPH_ENDPOINT_TOKEN (bearer), or the host's entry in ~/.netrc.
    #[arg(long, global = true, value_name = "URL", env = "STRATAGRAPH_ENDPOINT", conflicts_with = "store")]
    pub endpoint: Option<String>,
    /// The endpoint's SPARQL update URL, when not the query URL.
    #[arg(long, global = true, value_name = "URL", requires = "endpoint")]
    pub update_endpoint: Option<String>,
    /// The endpoint's Graph Store Protocol URL, used by `push` (SPARQL updates otherwise).
    #[arg(long, global = true, value_name = "URL", requires = "endpoint")]
    pub graph_store: Option<String>,
    /// Scope the endpoint to one named graph: queries read it, pushes write it.
    #[arg(long, global = true, value_name = "IRI", requires = "endpoint")]
    pub graph: Option<String>,
}

/// Settings a command line may give; in the REPL they default to the session's settings.
#[derive(Debug, Clone, Args, Default)]
pub struct SettingsArgs {
    /// Label language for output.
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    /// Cancel a query or search after this many seconds.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Allow SPARQL SERVICE calls and LOAD over the network (off by default).
    #[arg(long, global = true)]
    pub allow_service: bool,
    /// The most rows (or triples) a SPARQL answer may hold before it is refused
    /// (default 10,000,000).
    #[arg(long, global = true, value_name = "N")]
    pub max_rows: Option<usize>,
    /// How many MiB a SPARQL query may add to the program's memory while it is evaluated
    /// on the embedded store before it is stopped (default 4096).
    #[arg(long, global = true, value_name = "MIB")]
    pub max_memory: Option<u64>,
    /// Print no progress bars or summaries on standard error.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Read the graph as of a day (YYYY-MM-DD): only the relations and figures in force then
    /// (query, describe, timeline, path, neighbors, reach, common, central, report, export).
    #[arg(long, global = true, value_name = "DAY")]
    pub as_of: Option<String>,
    /// Answer SPARQL with what the ontology entails: subclasses, subproperties, domains and
    /// ranges, and its alignment to ORG, PROV, schema.org and SKOS (query, report, export).
    #[arg(long, global = true, value_enum, value_name = "RULES")]
    pub infer: Option<Inference>,
}

/// The entailment `--infer` applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Inference {
    /// RDFS: rdfs:subClassOf, rdfs:subPropertyOf, rdfs:domain and rdfs:range.
    Rdfs,
}

/// Every command, for both faces.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Run a SPARQL query (or, with --update, an update).
    Query(QueryArgs),
    /// Show everything known about an entity, with the quote and source of each fact.
    Describe(DescribeArgs),
    /// Find entities by English or Chinese label or alias.
    Search(SearchArgs),
    /// List an entity's dated facts and figures in date order, with their sources.
    Timeline(DescribeArgs),
    /// Validate fact files: ids, labels, dates, quotes (against the source text when present).
    Check(CheckArgs),
    /// Read a new article into a fact file to finish: the entities the graph knows, candidate
    /// entities, relations and figures, each marked `draft = true`.
    Draft(DraftArgs),
    /// Load fact files (.toml) or RDF files into the store, all or nothing.
    Load(LoadArgs),
    /// Write the whole store out as RDF.
    Dump(DumpArgs),
    /// Upload the built-in data, fact files or RDF to the --endpoint (idempotent, in batches).
    Push(PushArgs),
    /// Copy the --endpoint's graph into a local store folder.
    Pull(PullArgs),
    /// Check a store's integrity (oxigraph's validation) and count what it holds.
    Validate,
    /// Find how two entities are connected.
    Path(PathArgs),
    /// List the neighbourhood of an entity, grouped by relation.
    Neighbors(NeighborsArgs),
    /// Everything upstream or downstream of an entity along directed relations, by tier.
    Reach(ReachArgs),
    /// The nearest shared ancestors or neighbours of two entities.
    Common(CommonArgs),
    /// Entities ranked by degree and betweenness centrality.
    Central(CentralArgs),
    /// Saved SPARQL reports: list, show, run, all.
    #[command(subcommand)]
    Report(crate::reports::ReportCommand),
    /// Export the entity graph for visualization tools or as RDF.
    Export(crate::export::ExportArgs),
    /// Generate a synthetic platform ecosystem for benchmarks.
    Gen(crate::gen::GenArgs),
    /// Timings for the benchmark script (load, projection, path queries) as JSON.
    #[command(subcommand, hide = true)]
    Measure(crate::measure::MeasureCommand),
    /// Open the interactive shell (also what plain `stratagraph` does on a terminal).
    Repl(ReplArgs),
    /// Serve the graph over HTTP: SPARQL protocol, the command API and a web page.
    Serve(ServeArgs),
    /// Print a shell completion script (e.g. `stratagraph completions bash > /etc/bash_completion.d/stratagraph`).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `stratagraph man | man -l -`.
    Man(ManArgs),
}

/// Arguments of `completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `man`.
#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// Write one page per command (stratagraph.1, stratagraph-query.1, ...) into this folder.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Arguments of `query`.
#[derive(Debug, Clone, Args)]
pub struct QueryArgs {
    /// The query text; read from --file or standard input when absent.
    pub query: Option<String>,
    /// Read the query from a file.
    #[arg(long, short, value_name = "FILE", conflicts_with = "query")]
    pub file: Option<PathBuf>,
    /// Output format: table, csv, tsv, json, xml or markdown for SELECT and ASK; turtle,
    /// ntriples, nquads, trig, jsonld or rdfxml (json and xml too) for CONSTRUCT and
    /// DESCRIBE. Without it, the -o file's extension chooses.
    #[arg(long, value_enum)]
    pub format: Option<AnswerFormat>,
    /// The graph format alone (older spelling of --format for CONSTRUCT and DESCRIBE).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub graph_format: Option<GraphFormat>,
    /// The base IRI relative IRIs in the query resolve against (with -f, the file's URL).
    #[arg(long, value_name = "IRI")]
    pub base: Option<String>,
    /// Allow SPARQL updates; queries are read-only without it.
    #[arg(long)]
    pub update: bool,
    /// Write the result to a file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `describe`.
#[derive(Debug, Clone, Args)]
pub struct DescribeArgs {
    /// An IRI, prefixed name, id, English or Chinese label, or alias.
    pub entity: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextFormat,
}

/// Arguments of `search`.
#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    /// Text to look for, in English or Chinese.
    pub text: String,
    /// The most hits to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// What to search: entity names (labels and aliases), or the words of quotes, notes and
    /// descriptions, ranked.
    #[arg(long = "in", value_enum, default_value = "names")]
    pub within: SearchIn,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextFormat,
}

/// Where `search` looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SearchIn {
    /// Entity labels and aliases, in English and Chinese.
    #[default]
    Names,
    /// The words of quotes, notes, descriptions, labels and aliases, ranked (Chinese by character bigrams).
    Quotes,
}

/// Arguments of `check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Fact files to check; the built-in data when none are given.
    pub files: Vec<PathBuf>,
    /// The text of a source, to verify quotes against: ID=PATH (overrides the file's `text`).
    #[arg(long, value_name = "ID=PATH")]
    pub source_text: Vec<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextFormat,
}

/// Arguments of `draft`.
#[derive(Debug, Clone, Args)]
pub struct DraftArgs {
    /// The article: Markdown or plain text, in Chinese or English.
    pub article: PathBuf,
    /// The id of the new `[[source]]`.
    #[arg(long, value_name = "ID")]
    pub source_id: String,
    /// The publication date (YYYY-MM-DD), which relative dates are read against; taken from
    /// the article's header when not given.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// The title; taken from the header when not given.
    #[arg(long)]
    pub title: Option<String>,
    /// The article's address; taken from the header when not given.
    #[arg(long)]
    pub url: Option<String>,
    /// Write the fact file here (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// `text` writes the fact file; `json` the candidates as data.
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextFormat,
}

/// Arguments of `load`.
#[derive(Debug, Clone, Args)]
pub struct LoadArgs {
    /// Fact files (.toml) and RDF files (.ttl .nt .nq .trig .rdf .jsonld).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The RDF format, when the extension does not tell (turtle, ntriples, nquads, trig,
    /// rdfxml, jsonld).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// The text of a source, to verify quotes against: ID=PATH (overrides the file's `text`).
    #[arg(long, value_name = "ID=PATH")]
    pub source_text: Vec<String>,
    /// Load without looking quotes up in their sources' texts (for sources whose text is not
    /// at hand); the summary says so.
    #[arg(long)]
    pub no_verify_quotes: bool,
    /// Load tables still marked `draft = true` (they are refused otherwise); their nodes
    /// are marked `sg:isDraft`.
    #[arg(long)]
    pub allow_draft: bool,
}

/// Arguments of `push`.
#[derive(Debug, Clone, Args)]
pub struct PushArgs {
    /// Fact files and RDF files; the built-in ontology and data when none are given.
    pub files: Vec<PathBuf>,
    /// The RDF format, when the extension does not tell.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// The text of a source, to verify quotes against: ID=PATH (overrides the file's `text`).
    #[arg(long, value_name = "ID=PATH")]
    pub source_text: Vec<String>,
    /// Load without looking quotes up in their sources' texts (for sources whose text is not
    /// at hand); the summary says so.
    #[arg(long)]
    pub no_verify_quotes: bool,
    /// Load tables still marked `draft = true` (they are refused otherwise); their nodes
    /// are marked `sg:isDraft`.
    #[arg(long)]
    pub allow_draft: bool,
}

/// Arguments of `pull`.
#[derive(Debug, Clone, Args)]
pub struct PullArgs {
    /// The local store folder to copy into (created when missing).
    #[arg(long, value_name = "DIR")]
    pub into: PathBuf,
}

/// Arguments of `dump`.
#[derive(Debug, Clone, Args)]
pub struct DumpArgs {
    /// The RDF syntax (nquads unless the -o file's extension names another).
    #[arg(long, value_enum)]
    pub format: Option<GraphFormat>,
    /// Write to a file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Restrictions shared by the path commands.
#[derive(Debug, Clone, Args, Default)]
pub struct ViaArgs {
    /// Follow only these relation groups or properties (comma separated): organization,
    /// people, programs, supply, competition, partnership, market, or a property name.
    #[arg(long, value_name = "GROUP|PROPERTY,...", value_delimiter = ',')]
    pub via: Vec<String>,
    /// Never pass through these entities (comma separated).
    #[arg(long, value_name = "ENTITY,...", value_delimiter = ',')]
    pub avoid: Vec<String>,
}

/// Arguments of `path`.
#[derive(Debug, Clone, Args)]
pub struct PathArgs {
    pub from: String,
    pub to: String,
    #[command(flatten)]
    pub via: ViaArgs,
    /// Follow edges forward only (by default direction is ignored, but shown).
    #[arg(long)]
    pub directed: bool,
    /// The N shortest simple paths (Yen's algorithm).
    #[arg(long, value_name = "N", conflicts_with = "all")]
    pub k: Option<usize>,
    /// Every simple path up to --max-len edges.
    #[arg(long, requires = "max_len")]
    pub all: bool,
    /// The longest path --all lists.
    #[arg(long, value_name = "N")]
    pub max_len: Option<usize>,
    /// The most paths --all lists (needed for --max-len above 6).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Print the quote, source and date behind each edge.
    #[arg(long)]
    pub evidence: bool,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextFormat,
}

/// Arguments of `neighbors`.
#[derive(Debug, Clone, Args)]
pub struct NeighborsArgs {
    pub entity: String,
    /// How many hops out.
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    #[command(flatten)]
    pub via: ViaArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextFormat,
}

/// Upstream or downstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Flow {
    Upstream,
    Downstream,
}

/// Arguments of `reach`.
#[derive(Debug, Clone, Args)]
pub struct ReachArgs {
    pub entity: String,
    #[arg(long, value_enum, default_value = "downstream")]
    pub direction: Flow,
    /// The most tiers to list.
    #[arg(long, default_value_t = 20)]
    pub max_depth: usize,
    #[command(flatten)]
    pub via: ViaArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextFormat,
}

/// Arguments of `common`.
#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    pub a: String,
    pub b: String,
    #[command(flatten)]
    pub via: ViaArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextFormat,
}

/// Arguments of `central`.
#[derive(Debug, Clone, Args)]
pub struct CentralArgs {
    #[command(flatten)]
    pub via: ViaArgs,
    /// How many entities to list.
    #[arg(long, default_value_t = 15)]
    pub top: usize,
    /// Rank by this measure.
    #[arg(long, value_enum, default_value = "betweenness")]
    pub by: Measure,
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextFormat,
}

/// A centrality measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Measure {
    Degree,
    Betweenness,
}

/// Arguments of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The address and port to listen on; loopback unless told otherwise (port 0: any free one).
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDRESS:PORT")]
    pub bind: String,
    /// Accept SPARQL updates and Graph Store writes, from clients sending the bearer token.
    #[arg(long)]
    pub update: bool,
    /// The file holding the bearer token for writes (else STRATAGRAPH_SERVE_TOKEN).
    #[arg(long, value_name = "FILE", requires = "update")]
    pub token_file: Option<PathBuf>,
    /// Let pages from these origins call the server (CORS), e.g. https://example.org.
    #[arg(long, value_name = "ORIGIN", num_args = 1..)]
    pub cors: Vec<String>,
    /// The largest request body, in MiB.
    #[arg(long, default_value_t = 16, value_name = "MIB")]
    pub max_body_mib: u64,
    /// The largest response, in MiB.
    #[arg(long, default_value_t = 256, value_name = "MIB")]
    pub max_result_mib: u64,
    /// The most connections served at once.
    #[arg(long, default_value_t = 256, value_name = "N")]
    pub max_connections: usize,
}

/// Arguments of `repl`.
#[derive(Debug, Clone, Args, Default)]
pub struct ReplArgs {
    /// Do not read or write the history file.
    #[arg(long)]
    pub no_history: bool,
    /// Run SPARQL updates typed in the session (refused without it, as `query` refuses them).
    #[arg(long)]
    pub update: bool,
}

impl SettingsArgs {
    /// `base` with these flags applied.
    pub fn apply(&self, base: &crate::session::Settings) -> Result<crate::session::Settings, crate::error::Error> {
        let mut settings = base.clone();
        if let Some(lang) = self.lang {
            settings.lang = lang;
        }
        if let Some(seconds) = self.timeout {
            settings.timeout = Some(crate::session::timeout_duration(seconds)?);
        }
        settings.allow_service |= self.allow_service;
        if self.infer.is_some() {
            settings.infer = true;
        }
        if let Some(day) = &self.as_of {
            settings.as_of = Some(crate::asof::parse_day(day)?);
        }
        settings.quiet |= self.quiet;
        if let Some(max) = self.max_rows {
            if max == 0 {
                return Err(crate::error::Error::input("--max-rows must be at least 1", None));
            }
            settings.max_rows = Some(max);
        }
        if let Some(mib) = self.max_memory {
            if mib == 0 || mib > 1 << 30 {
                return Err(crate::error::Error::input(
                    format!("--max-memory takes a number of MiB from 1 to {}, not {mib}", 1u64 << 30),
                    None,
                ));
            }
            settings.max_memory = Some(mib << 20);
        }
        Ok(settings)
    }
}
