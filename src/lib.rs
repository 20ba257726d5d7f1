//! stratagraph: a knowledge graph and query engine for platform-strategy facts.
//!
//! Data flows one way: fact files and RDF → loader → store → (SPARQL | path projection) →
//! renderers → a face. The modules below are listed in that reading order.

/// Walking a query's algebra, for the rewrites.
pub mod algebra;
/// The graph as of a day: facts in force, as a view every command reads.
pub mod asof;
/// The backend seam: the embedded oxigraph store or a remote SPARQL engine.
pub mod backend;
/// `check`: fact files validated, quotes verified against source texts.
pub mod check;
/// The one command grammar (clap).
pub mod cli;
/// Columns of plain numbers, in memory or read in place from a mapped view file.
pub mod columns;
/// Commands over the engines, one file per family.
pub mod commands;
/// Where sources disagree: the one rule behind the `conflicts` report, `check` and `describe`.
pub mod conflicts;
/// Everything known about one entity, with evidence.
pub mod describe;
/// `draft`: a new article read into a fact file for a person to finish.
pub mod draft;
/// The one error type and its exit codes.
pub mod error;
/// The dispatcher both faces call: command in, rendered reply out.
pub mod exec;
/// Export for visualization tools and as RDF.
pub mod export;
/// Fact files: model, parsing with locations, lowering to quads.
pub mod facts;
/// The output formats a user can ask for.
pub mod formats;
/// The synthetic data generator for benchmarks.
pub mod gen;
/// RDFS inference on request, answered by rewriting queries.
pub mod infer;
/// Reading user-named text files, bounded and decoded.
pub mod input;
/// The entity index's names laid out to be read in place from a mapped view.
pub mod labels;
/// Nesting limits for hostile input.
pub mod limits;
/// Timings for the benchmark script.
pub mod measure;
/// Every entity's names laid out for a fast search, kept on disk.
pub mod nametable;
/// Atomic file output.
pub mod output;
/// The path projection and its algorithms.
pub mod paths;
/// Progress bars for long loads.
pub mod progress;
/// Renderers for answers, descriptions and hits.
pub mod render;
/// The REPL face.
pub mod repl;
/// Saved SPARQL reports.
pub mod reports;
/// ENTITY → IRI, and search by label.
pub mod resolve;
/// The command-line face: parse, open, run, print, exit code.
pub mod run;
/// What the ontology says: classes, properties, groups, labels, colours.
pub mod schema;
/// The HTTP face: SPARQL protocol, the command API, the web page.
pub mod serve;
/// The project's own SERVICEs (paths, text search), answered on the cached views.
pub mod services;
/// The session: a backend, its derived views cached per state, and the settings.
pub mod session;
/// SPARQL evaluation with timeout, cancellation and permissions.
pub mod sparql;
/// Ranked search in quotes, notes, descriptions, labels and aliases, in English and Chinese.
pub mod textsearch;
/// `timeline`: an entity's dated facts in date order, with their sources.
pub mod timeline;
/// Derived views kept on disk beside a store, keyed by the fingerprint of its files.
pub mod views;
/// Every IRI the code names.
pub mod vocab;
