//! The path commands (path, neighbors, reach, common, central): their arguments (part of
//! the one grammar in `cli`) and how each runs on a session, over the projection.

use crate::error::{exit, Error};
use crate::paths::algo::{self, Path, Walk};
use crate::paths::render::{Namer, NodeJson, PathJson};
use crate::paths::EdgeFilter;
use crate::render::TextFormat;
use crate::session::{to_json, Output, Session, Settings};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::collections::HashSet;
use std::fmt::Write as _;

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

/// The bound above which `--all` needs an explicit `--limit`.
const MAX_UNLIMITED_LEN: usize = 6;
/// Expansions `--all` may make before it stops and says so.
const ALL_PATHS_BUDGET: u64 = 5_000_000;

struct Prepared {
    projection: std::sync::Arc<crate::paths::Projection>,
    schema: std::sync::Arc<crate::schema::Schema>,
    index: std::sync::Arc<crate::resolve::EntityIndex>,
    filter: EdgeFilter,
}

impl Prepared {
    /// The labeller of this projection's nodes and edges.
    fn namer<'a>(&'a self, backend: &'a crate::backend::Backend, lang: crate::schema::Lang) -> Namer<'a> {
        Namer { backend, schema: &self.schema, index: &self.index, projection: &self.projection, lang }
    }
}

fn prepare(session: &mut Session, via: &ViaArgs) -> Result<Prepared, Error> {
    let projection = session.projection()?;
    let schema = session.schema()?;
    let index = session.index()?;
    let mut filter = EdgeFilter { properties: projection.filter_for(&schema, &via.via)?, ..EdgeFilter::default() };
    for name in via.avoid.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        let iri = session.resolve(name)?;
        if let Some(node) = projection.node(&iri) {
            filter.avoid.insert(node);
        }
    }
    Ok(Prepared { projection, schema, index, filter })
}

fn node_of(
    session: &mut Session,
    prepared: &Prepared,
    name: &str,
) -> Result<(String, Option<petgraph::graph::NodeIndex<u32>>), Error> {
    let iri = session.resolve(name)?;
    let node = prepared.projection.node(&iri);
    Ok((iri, node))
}

#[derive(Serialize)]
struct PathsJson {
    from: NodeJson,
    to: NodeJson,
    paths: Vec<PathJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped: Option<String>,
}

/// `path FROM TO`.
pub fn run_path(session: &mut Session, settings: &Settings, args: PathArgs) -> Result<Output, Error> {
    let prepared = prepare(session, &args.via)?;
    let (from_iri, from) = node_of(session, &prepared, &args.from)?;
    let (to_iri, to) = node_of(session, &prepared, &args.to)?;
    if args.all {
        let max_len = args.max_len.unwrap_or(MAX_UNLIMITED_LEN);
        if max_len > MAX_UNLIMITED_LEN && args.limit.is_none() {
            return Err(Error::input(
                format!("--all --max-len {max_len} could list an explosive number of paths"),
                Some(format!("add --limit N, or keep --max-len at {MAX_UNLIMITED_LEN} or less")),
            ));
        }
    }
    if args.k == Some(0) {
        return Err(Error::input("--k must be at least 1", None));
    }
    let walk = Walk::new(&prepared.filter, args.directed);
    let namer = prepared.namer(&session.backend, settings.lang);
    if from_iri == to_iri {
        // The path of an entity to itself has no hops, whether or not it has relations.
        let node = namer.node_json(&from_iri);
        let text = match args.format {
            TextFormat::Json => to_json(&PathsJson {
                from: node.clone(),
                to: node.clone(),
                paths: vec![PathJson { length: 0, nodes: vec![node], edges: Vec::new() }],
                stopped: None,
            })?,
            TextFormat::Text => format!("{}\n", namer.label(&from_iri)),
        };
        return Ok(Output { text, ..Output::default() });
    }
    let mut stopped = None;
    let paths: Vec<Path> = match (from, to) {
        (Some(from), Some(to)) => {
            if args.all {
                let limit = args.limit.unwrap_or(1000);
                let (paths, stop) = algo::all_simple_paths(
                    &prepared.projection,
                    from,
                    to,
                    args.max_len.unwrap_or(MAX_UNLIMITED_LEN),
                    limit,
                    ALL_PATHS_BUDGET,
                    &walk,
                );
                stopped = stop.map(|s| match s {
                    algo::Stopped::Limit => format!("stopped at --limit {limit} paths"),
                    algo::Stopped::Budget => "stopped: the search reached its work budget; narrow it with --via, --avoid or a smaller --max-len".to_owned(),
                });
                paths
            } else if let Some(k) = args.k {
                algo::k_shortest_paths(&prepared.projection, from, to, k, &walk)
            } else {
                algo::shortest_path(&prepared.projection, from, to, &walk).into_iter().collect()
            }
        }
        _ => Vec::new(),
    };
    if paths.is_empty() {
        return Err(Error::NoResult(format!(
            "no path from {} to {}{}",
            namer.label(&from_iri),
            namer.label(&to_iri),
            if args.via.via.is_empty() && args.via.avoid.is_empty() && !args.directed {
                ""
            } else {
                " with these restrictions"
            }
        )));
    }
    let mut output = Output::default();
    match args.format {
        TextFormat::Json => {
            let json = PathsJson {
                from: namer.node_json(&from_iri),
                to: namer.node_json(&to_iri),
                paths: paths.iter().map(|p| namer.path_json(p, args.evidence)).collect::<Result<_, _>>()?,
                stopped: stopped.clone(),
            };
            output.text = to_json(&json)?;
        }
        TextFormat::Text => {
            let numbered = paths.len() > 1 || args.k.is_some() || args.all;
            for (i, path) in paths.iter().enumerate() {
                if numbered {
                    let _ = write!(
                        output.text,
                        "{}. ({} hop{}) ",
                        i + 1,
                        path.len(),
                        if path.len() == 1 { "" } else { "s" }
                    );
                }
                output.text.push_str(&namer.path_text(path, args.evidence)?);
            }
        }
    }
    if let Some(stopped) = stopped {
        output.notes.push(stopped);
    }
    Ok(output)
}

#[derive(Serialize)]
struct NeighborJson {
    node: NodeJson,
    depth: usize,
    via: crate::paths::render::EdgeJson,
    from: String,
}

/// `neighbors ENTITY`.
pub fn run_neighbors(session: &mut Session, settings: &Settings, args: NeighborsArgs) -> Result<Output, Error> {
    let prepared = prepare(session, &args.via)?;
    let (iri, node) = node_of(session, &prepared, &args.entity)?;
    let namer = prepared.namer(&session.backend, settings.lang);
    let found = match node {
        Some(node) => algo::neighborhood(&prepared.projection, node, args.depth, &Walk::new(&prepared.filter, false)),
        None => Vec::new(),
    };
    let mut output = Output::default();
    if found.is_empty() {
        output.notes.push(format!("{} has no neighbours with these restrictions", namer.label(&iri)));
        output.status = exit::NO_RESULT;
    }
    match args.format {
        TextFormat::Json => {
            let rows: Vec<NeighborJson> = found
                .iter()
                .map(|(n, depth, step, from)| {
                    Ok(NeighborJson {
                        node: namer.node_json(&prepared.projection.iri(*n)),
                        depth: *depth,
                        via: namer.edge_json(step, false)?,
                        from: prepared.projection.iri(*from).into_owned(),
                    })
                })
                .collect::<Result<_, Error>>()?;
            output.text = to_json(&rows)?;
        }
        TextFormat::Text => {
            let _ = writeln!(output.text, "{}", namer.label(&iri));
            let mut rows: Vec<(String, usize, String, String)> = found
                .iter()
                .map(|(n, depth, step, from)| {
                    let property = prepared.projection.property(step.edge);
                    let group = property.group.clone().unwrap_or_else(|| "other".to_owned());
                    let via = if *depth > 1 {
                        format!("  (via {})", namer.label(&prepared.projection.iri(*from)))
                    } else {
                        String::new()
                    };
                    (group, *depth, namer.arrow(step), format!("{}{via}", namer.label(&prepared.projection.iri(*n))))
                })
                .collect();
            rows.sort();
            let mut current = None;
            for (group, depth, arrow, label) in rows {
                if current.as_ref() != Some(&group) {
                    let heading = prepared
                        .schema
                        .groups
                        .get(&group)
                        .and_then(|g| g.labels.get(settings.lang))
                        .unwrap_or(&group)
                        .to_owned();
                    let _ = writeln!(output.text, "  {heading}");
                    current = Some(group);
                }
                let _ = writeln!(output.text, "    [{depth}] {arrow} {label}");
            }
        }
    }
    Ok(output)
}

#[derive(Serialize)]
struct TierJson {
    tier: usize,
    entities: Vec<NeighborJson>,
}

/// `reach ENTITY`.
pub fn run_reach(session: &mut Session, settings: &Settings, args: ReachArgs) -> Result<Output, Error> {
    let prepared = prepare(session, &args.via)?;
    let (iri, node) = node_of(session, &prepared, &args.entity)?;
    let namer = prepared.namer(&session.backend, settings.lang);
    let upstream = args.direction == Flow::Upstream;
    let tiers = match node {
        Some(node) => algo::reach(&prepared.projection, node, upstream, args.max_depth, &prepared.filter),
        None => Vec::new(),
    };
    let mut output = Output::default();
    if tiers.is_empty() {
        output.notes.push(format!(
            "nothing is {} of {} with these restrictions",
            if upstream { "upstream" } else { "downstream" },
            namer.label(&iri)
        ));
        output.status = exit::NO_RESULT;
    }
    match args.format {
        TextFormat::Json => {
            let json: Vec<TierJson> = tiers
                .iter()
                .enumerate()
                .map(|(i, tier)| {
                    Ok(TierJson {
                        tier: i + 1,
                        entities: tier
                            .iter()
                            .map(|(n, step, from)| {
                                Ok(NeighborJson {
                                    node: namer.node_json(&prepared.projection.iri(*n)),
                                    depth: i + 1,
                                    via: namer.edge_json(step, false)?,
                                    from: prepared.projection.iri(*from).into_owned(),
                                })
                            })
                            .collect::<Result<_, Error>>()?,
                    })
                })
                .collect::<Result<_, Error>>()?;
            output.text = to_json(&json)?;
        }
        TextFormat::Text => {
            let _ =
                writeln!(output.text, "{} of {}", if upstream { "upstream" } else { "downstream" }, namer.label(&iri));
            for (i, tier) in tiers.iter().enumerate() {
                let _ = writeln!(output.text, "  tier {}", i + 1);
                let mut lines: Vec<String> = tier
                    .iter()
                    .map(|(n, step, from)| {
                        format!(
                            "    {}   ({} {} {})",
                            namer.label(&prepared.projection.iri(*n)),
                            namer.label(&prepared.projection.iri(*from)),
                            namer.arrow(step),
                            namer.label(&prepared.projection.iri(*n))
                        )
                    })
                    .collect();
                lines.sort();
                for line in lines {
                    let _ = writeln!(output.text, "{line}");
                }
            }
        }
    }
    Ok(output)
}

#[derive(Serialize)]
struct CommonJson {
    a: NodeJson,
    b: NodeJson,
    ancestors: Vec<AncestorJson>,
    neighbors: Vec<NodeJson>,
}

#[derive(Serialize)]
struct AncestorJson {
    node: NodeJson,
    distance_from_a: usize,
    distance_from_b: usize,
}

/// `common A B`.
pub fn run_common(session: &mut Session, settings: &Settings, args: CommonArgs) -> Result<Output, Error> {
    let prepared = prepare(session, &args.via)?;
    let (a_iri, a) = node_of(session, &prepared, &args.a)?;
    let (b_iri, b) = node_of(session, &prepared, &args.b)?;
    let namer = prepared.namer(&session.backend, settings.lang);
    let (ancestors, neighbors) = match (a, b) {
        (Some(a), Some(b)) => {
            let all = algo::shared_ancestors(&prepared.projection, a, b, &prepared.filter);
            let nearest = all.first().map(|(_, da, db)| da + db);
            let ancestors: Vec<_> = all.into_iter().filter(|(_, da, db)| Some(da + db) == nearest).collect();
            (ancestors, algo::shared_neighbors(&prepared.projection, a, b, &prepared.filter))
        }
        _ => (Vec::new(), Vec::new()),
    };
    if ancestors.is_empty() && neighbors.is_empty() {
        return Err(Error::NoResult(format!(
            "{} and {} share no ancestor or neighbour",
            namer.label(&a_iri),
            namer.label(&b_iri)
        )));
    }
    let mut output = Output::default();
    match args.format {
        TextFormat::Json => {
            let json = CommonJson {
                a: namer.node_json(&a_iri),
                b: namer.node_json(&b_iri),
                ancestors: ancestors
                    .iter()
                    .map(|(n, da, db)| AncestorJson {
                        node: namer.node_json(&prepared.projection.iri(*n)),
                        distance_from_a: *da,
                        distance_from_b: *db,
                    })
                    .collect(),
                neighbors: neighbors.iter().map(|n| namer.node_json(&prepared.projection.iri(*n))).collect(),
            };
            output.text = to_json(&json)?;
        }
        TextFormat::Text => {
            let _ = writeln!(output.text, "{} and {}", namer.label(&a_iri), namer.label(&b_iri));
            if !ancestors.is_empty() {
                let _ = writeln!(output.text, "  nearest shared ancestors");
                for (n, da, db) in &ancestors {
                    let _ = writeln!(
                        output.text,
                        "    {}   ({da} up from {}, {db} up from {})",
                        namer.label(&prepared.projection.iri(*n)),
                        namer.label(&a_iri),
                        namer.label(&b_iri)
                    );
                }
            }
            if !neighbors.is_empty() {
                let _ = writeln!(output.text, "  shared neighbours");
                let mut labels: Vec<String> =
                    neighbors.iter().map(|n| namer.label(&prepared.projection.iri(*n))).collect();
                labels.sort();
                for label in labels {
                    let _ = writeln!(output.text, "    {label}");
                }
            }
        }
    }
    Ok(output)
}

#[derive(Serialize)]
struct CentralJson {
    rank: usize,
    node: NodeJson,
    degree: usize,
    betweenness: f64,
}

/// `central`.
pub fn run_central(session: &mut Session, settings: &Settings, args: CentralArgs) -> Result<Output, Error> {
    let prepared = prepare(session, &args.via)?;
    let namer = prepared.namer(&session.backend, settings.lang);
    let (mut ranked, sampled) = algo::centrality(&prepared.projection, &prepared.filter, 2000);
    match args.by {
        Measure::Degree => ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0))),
        Measure::Betweenness => ranked.sort_by(|a, b| b.2.total_cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0))),
    }
    ranked.truncate(args.top);
    let mut output = Output::default();
    if sampled {
        output.notes.push("betweenness estimated from 2000 evenly spread sources".to_owned());
    }
    let seen: HashSet<_> = ranked.iter().map(|r| r.0).collect();
    debug_assert_eq!(seen.len(), ranked.len());
    match args.format {
        TextFormat::Json => {
            let json: Vec<CentralJson> = ranked
                .iter()
                .enumerate()
                .map(|(i, (n, degree, betweenness))| CentralJson {
                    rank: i + 1,
                    node: namer.node_json(&prepared.projection.iri(*n)),
                    degree: *degree,
                    betweenness: (betweenness * 1e6).round() / 1e6,
                })
                .collect();
            output.text = to_json(&json)?;
        }
        TextFormat::Text => {
            let header = ["#", "entity", "degree", "betweenness"].map(str::to_owned);
            let rows: Vec<Vec<String>> = ranked
                .iter()
                .enumerate()
                .map(|(i, (n, degree, betweenness))| {
                    vec![
                        (i + 1).to_string(),
                        namer.label(&prepared.projection.iri(*n)),
                        degree.to_string(),
                        format!("{betweenness:.4}"),
                    ]
                })
                .collect();
            output.text = crate::render::table::text_table(&header, &rows) + "\n";
        }
    }
    Ok(output)
}
