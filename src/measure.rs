//! `measure` (hidden): timings the benchmark script needs from inside one process — bulk
//! load throughput, projection build cost, and per-pair path query times with the
//! projection built once — printed as JSON. Benchmarks only; never used by tests for time.

use crate::error::Error;
use crate::formats::to_json;
use crate::paths::algo::{self, Walk};
use crate::paths::{EdgeFilter, Projection};
use crate::session::Session;
use clap::{Args, Subcommand};
use oxigraph::io::RdfFormat;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// What to measure.
#[derive(Debug, Clone, Subcommand)]
pub enum MeasureCommand {
    /// Bulk-load an N-Triples file into a fresh store (in memory, or RocksDB with --store).
    Load(LoadArgs),
    /// Build the path projection of the graph, then time path queries for node pairs.
    Paths(PathsArgs),
    /// Draft an article against the graph and score the draft against curated fact files of
    /// the same article (run with --bare to measure it with the curated entities unknown).
    DraftRecall(DraftRecallArgs),
}

/// Arguments of `measure draft-recall`.
#[derive(Debug, Clone, Args)]
pub struct DraftRecallArgs {
    pub article: PathBuf,
    /// The curated fact files of the same article.
    #[arg(long, required = true, num_args = 1..)]
    pub facts: Vec<PathBuf>,
    /// The publication date relative dates are read against.
    #[arg(long)]
    pub date: Option<String>,
}

/// Arguments of `measure load`.
#[derive(Debug, Clone, Args)]
pub struct LoadArgs {
    pub file: PathBuf,
    /// A new RocksDB folder to load into; in memory when absent.
    #[arg(long)]
    pub into: Option<PathBuf>,
    /// Parse only, without storing.
    #[arg(long)]
    pub parse_only: bool,
}

/// Arguments of `measure paths`.
#[derive(Debug, Clone, Args)]
pub struct PathsArgs {
    /// An N-Triples file loaded in memory first (alternative to --store).
    #[arg(long)]
    pub nt: Option<PathBuf>,
    /// A file of `FROM<TAB>TO` entity numbers or IRIs, one pair a line.
    #[arg(long)]
    pub pairs: PathBuf,
    /// How many shortest paths for the k-shortest measurement.
    #[arg(long, default_value_t = 5)]
    pub k: usize,
}

#[derive(Serialize)]
struct LoadReport {
    triples: usize,
    seconds: f64,
    triples_per_second: f64,
}

#[derive(Serialize)]
struct PathsReport {
    nodes: usize,
    edges: usize,
    projection_seconds: f64,
    edges_per_second: f64,
    bytes_per_edge: f64,
    pairs: usize,
    reachable: usize,
    shortest_median_ms: f64,
    k_shortest_median_ms: f64,
    reach_upstream_median_ms: f64,
    /// Plain reachability through oxigraph: a property-path ASK over the same relations,
    /// for the first 10 pairs, cancelled after 10 s each.
    sparql_ask_median_ms: Option<f64>,
    sparql_ask_timeouts: usize,
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs `measure`.
/// Runs `measure`; the timings as JSON.
pub fn execute(session: &Session, command: &MeasureCommand) -> Result<String, Error> {
    match command {
        MeasureCommand::DraftRecall(args) => {
            let text = crate::input::read_text(&args.article)?;
            let request = crate::draft::Request {
                source_id: "measured-article".to_owned(),
                date: args.date.clone(),
                ..crate::draft::Request::default()
            };
            let draft = session.draft(&text, &request)?;
            let mut files = Vec::new();
            for path in &args.facts {
                let text = crate::input::read_text(path)?;
                let file = crate::facts::FactFile::parse(path.display().to_string(), None, text)
                    .map_err(|problem| Error::Facts(vec![problem]))?;
                files.push(file);
            }
            to_json(&crate::draft::recall::score(&draft, &files))
        }
        MeasureCommand::Load(args) => {
            let file = std::fs::File::open(&args.file)?;
            let reader = std::io::BufReader::with_capacity(1 << 20, file);
            let started = Instant::now();
            let triples = if args.parse_only {
                let mut count = 0usize;
                for triple in oxigraph::io::RdfParser::from_format(RdfFormat::NTriples).for_reader(reader) {
                    triple.map_err(|e| Error::input(e.to_string(), None))?;
                    count += 1;
                }
                count
            } else {
                crate::backend::Embedded::empty(args.into.as_deref())?.bulk_load_ntriples(reader)?
            };
            let seconds = started.elapsed().as_secs_f64();
            let report = LoadReport { triples, seconds, triples_per_second: triples as f64 / seconds };
            to_json(&report)
        }
        MeasureCommand::Paths(args) => {
            if let Some(nt) = &args.nt {
                let file = std::fs::File::open(nt)?;
                let embedded = session.backend.embedded().ok_or_else(|| {
                    Error::input("measure paths --nt loads into an embedded store", Some("drop --endpoint".to_owned()))
                })?;
                embedded.bulk_load_ntriples(std::io::BufReader::new(file))?;
            }
            let schema = session.backend.read_schema()?;
            let started = Instant::now();
            let projection = Projection::build(&session.backend, &schema)?;
            let projection_seconds = started.elapsed().as_secs_f64();
            let text = std::fs::read_to_string(&args.pairs)?;
            let numbered = numbered_nodes(&projection);
            let node = |name: &str| {
                let name = name.trim();
                projection.node(name).or_else(|| numbered.get(&name.parse::<usize>().ok()?).copied())
            };
            let pairs: Vec<(Option<_>, Option<_>)> =
                text.lines().filter_map(|line| line.split_once('\t')).map(|(a, b)| (node(a), node(b))).collect();
            let filter = EdgeFilter::default();
            let walk = Walk::new(&filter, false);
            let (mut shortest, mut k_shortest, mut reach) = (Vec::new(), Vec::new(), Vec::new());
            let mut reachable = 0;
            for (from, to) in &pairs {
                let (Some(from), Some(to)) = (*from, *to) else { continue };
                let t = Instant::now();
                let found = algo::shortest_path(&projection, from, to, &walk);
                shortest.push(t.elapsed().as_secs_f64() * 1000.0);
                reachable += usize::from(found.is_some());
                let t = Instant::now();
                let _ = algo::k_shortest_paths(&projection, from, to, args.k, &walk);
                k_shortest.push(t.elapsed().as_secs_f64() * 1000.0);
                let t = Instant::now();
                let _ = algo::reach(&projection, to, true, usize::MAX, &filter, &crate::paths::guard::Guard::none());
                reach.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            let alternatives: Vec<String> =
                projection.properties.iter().map(|p| format!("<{0}>|^<{0}>", p.iri)).collect();
            let mut ask = Vec::new();
            let mut ask_timeouts = 0;
            for (from, to) in pairs.iter().take(10) {
                let (Some(from), Some(to)) = (*from, *to) else { continue };
                let query = format!(
                    "ASK {{ <{}> ({})* <{}> }}",
                    &projection.iri(from),
                    alternatives.join("|"),
                    &projection.iri(to)
                );
                let options = crate::sparql::QueryOptions {
                    timeout: Some(std::time::Duration::from_secs(10)),
                    ..crate::sparql::QueryOptions::default()
                };
                let t = Instant::now();
                match crate::sparql::run(&session.backend, &query, &options) {
                    Ok(_) => ask.push(t.elapsed().as_secs_f64() * 1000.0),
                    Err(Error::Timeout(_)) => ask_timeouts += 1,
                    Err(other) => return Err(other),
                }
            }
            let (nodes, edges) = projection.size();
            let report = PathsReport {
                nodes,
                edges,
                projection_seconds,
                edges_per_second: edges as f64 / projection_seconds,
                bytes_per_edge: projection.bytes_per_edge(),
                pairs: shortest.len(),
                reachable,
                shortest_median_ms: median(shortest),
                k_shortest_median_ms: median(k_shortest),
                reach_upstream_median_ms: median(reach),
                sparql_ask_median_ms: (!ask.is_empty()).then(|| median(ask)),
                sparql_ask_timeouts: ask_timeouts,
            };
            to_json(&report)
        }
    }
}

/// Generated entities by number: `gen-KIND-N` is entity N of the edge list.
fn numbered_nodes(projection: &Projection) -> std::collections::HashMap<usize, petgraph::graph::NodeIndex<u32>> {
    projection
        .graph
        .node_indices()
        .filter_map(|index| {
            let iri = projection.iri(index);
            let id = crate::vocab::entity_id(&iri)?;
            let number = id.strip_prefix("gen-")?.rsplit('-').next()?.parse().ok()?;
            Some((number, index))
        })
        .collect()
}
