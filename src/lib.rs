//! stratagraph: a knowledge graph and query engine for platform-strategy facts.
//!
//! Data flows one way: fact files and RDF → loader → store → (SPARQL | path projection) →
//! renderers → a face. The modules below are listed in that reading order.

/// Every IRI the code names.
pub mod vocab;
/// The one error type and its exit codes.
pub mod error;
/// Fact files: model, parsing with locations, lowering to quads.
pub mod facts;
/// What the ontology says: classes, properties, groups, labels, colours.
pub mod schema;
/// The Graph: the oxigraph store, built-in data, all-or-nothing loads.
pub mod store;
/// `check`: fact files validated, quotes verified against source texts.
pub mod check;
/// ENTITY → IRI, and search by label.
pub mod resolve;
/// SPARQL evaluation with timeout, cancellation and permissions.
pub mod sparql;
/// Everything known about one entity, with evidence.
pub mod describe;
/// The path projection and its algorithms.
pub mod paths;
/// Saved SPARQL reports.
pub mod reports;
/// Export for visualization tools and as RDF.
pub mod export;
/// Renderers for answers, descriptions and hits.
pub mod render;
/// Atomic file output.
pub mod output;
/// Progress bars for long loads.
pub mod progress;
/// The synthetic data generator for benchmarks.
pub mod gen;
/// Timings for the benchmark script.
pub mod measure;
/// The one command grammar (clap).
pub mod cli;
/// The one executor both faces call.
pub mod exec;
/// The REPL face.
pub mod repl;
/// The command-line face: parse, open, run, print, exit code.
pub mod run;
