//! The path commands (path, neighbors, reach, common, central): how each runs on a
//! session, over the projection, and the replies they return.

use super::{Outcome, Reply, Verdict};
use crate::cli::{CentralArgs, CommonArgs, Flow, Measure, NeighborsArgs, PathArgs, ReachArgs, ViaArgs};
use crate::error::Error;
use crate::paths::algo::{self, Path, Walk};
use crate::paths::guard::{Guard, Interrupted, WorkObserver};
use crate::paths::names::{EdgeJson, Namer, NodeJson, PathJson};
use crate::paths::EdgeFilter;
use crate::session::{Session, Settings};
use serde::Serialize;
use std::sync::Arc;

/// The bound above which `--all` needs an explicit `--limit`.
const MAX_UNLIMITED_LEN: usize = 6;
/// Expansions `--all` may make before it stops and says so.
const ALL_PATHS_BUDGET: u64 = 5_000_000;

/// The routes `path` found between two entities.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PathsReply {
    pub from: NodeJson,
    pub to: NodeJson,
    pub paths: Vec<PathJson>,
    /// Why `--all` stopped early, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// Whether text output numbers the routes (more than one asked for).
    #[serde(skip)]
    pub numbered: bool,
}

/// One entity reached from another, and the edge it was reached by.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Neighbor {
    pub node: NodeJson,
    pub depth: usize,
    pub via: EdgeJson,
    /// The entity the edge leads from (the centre for depth 1).
    pub from: String,
    pub from_label: String,
    /// `neighbors`: every relation between the entity it leads from and this one, with
    /// their dates (`via` is the first of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<EdgeJson>,
}

/// The neighbourhood of an entity (JSON: the list of neighbours).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct NeighborsReply {
    #[serde(skip)]
    pub entity: NodeJson,
    pub neighbors: Vec<Neighbor>,
}

/// One tier of `reach`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Tier {
    pub tier: usize,
    pub entities: Vec<Neighbor>,
}

/// Everything upstream or downstream of an entity, by tier (JSON: the list of tiers).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct TiersReply {
    #[serde(skip)]
    pub entity: NodeJson,
    #[serde(skip)]
    pub upstream: bool,
    pub tiers: Vec<Tier>,
}

/// The nearest shared ancestors and the shared neighbours of two entities.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CommonReply {
    pub a: NodeJson,
    pub b: NodeJson,
    pub ancestors: Vec<SharedAncestor>,
    pub neighbors: Vec<NodeJson>,
}

/// A shared ancestor with its distance from each entity.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SharedAncestor {
    pub node: NodeJson,
    pub distance_from_a: usize,
    pub distance_from_b: usize,
}

/// One row of `central`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RankedEntity {
    pub rank: usize,
    pub node: NodeJson,
    pub degree: usize,
    pub betweenness: f64,
}

struct Prepared {
    projection: std::sync::Arc<crate::paths::Projection>,
    schema: std::sync::Arc<crate::schema::Schema>,
    filter: EdgeFilter,
}

type Labels = std::sync::Arc<crate::resolve::EntityIndex>;

impl Prepared {
    /// The labeller of this projection's nodes and edges, with the names in `labels`.
    fn namer<'a>(
        &'a self,
        backend: &'a crate::backend::Backend,
        labels: &'a Labels,
        lang: crate::schema::Lang,
    ) -> Namer<'a> {
        Namer { backend, schema: &self.schema, index: labels, projection: &self.projection, lang }
    }

    /// The names of these nodes (and of the IRIs given), read once the answer is known.
    fn labels(
        &self,
        session: &Session,
        iris: impl IntoIterator<Item = String>,
        nodes: impl IntoIterator<Item = petgraph::graph::NodeIndex<u32>>,
    ) -> Result<Labels, Error> {
        let iris: Vec<String> =
            iris.into_iter().chain(nodes.into_iter().map(|n| self.projection.iri(n).into_owned())).collect();
        session.labels_for(iris)
    }
}

fn prepare(session: &Session, settings: &Settings, via: &ViaArgs) -> Result<Prepared, Error> {
    let projection = session.projection_for(settings)?;
    let schema = session.schema()?;
    let mut filter = EdgeFilter { properties: projection.filter_for(&schema, &via.via)?, ..EdgeFilter::default() };
    for name in via.avoid.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        let iri = session.resolve(name)?;
        if let Some(node) = projection.node(&iri) {
            filter.avoid.insert(node);
        }
    }
    Ok(Prepared { projection, schema, filter })
}

fn node_of(
    session: &Session,
    prepared: &Prepared,
    name: &str,
) -> Result<(String, Option<petgraph::graph::NodeIndex<u32>>), Error> {
    let iri = session.resolve(name)?;
    let node = prepared.projection.node(&iri);
    Ok((iri, node))
}

/// The bounds of a graph computation: the session's timeout and cancellation, and the
/// face's progress display when there is one.
fn guard(session: &Session, settings: &Settings, observer: Option<Arc<dyn WorkObserver>>) -> Guard {
    Guard::until(settings.deadline(), session.cancel.clone(), observer)
}

/// An error when the computation stopped early (its partial result is not an answer).
fn bounded(guard: &Guard, what: &str, settings: &Settings) -> Result<(), Error> {
    match guard.interrupted() {
        Some(Interrupted::Timeout) => Err(Error::Timeout(format!(
            "{what} stopped at the {}s timeout; narrow it with --via or --avoid, or give a larger --timeout",
            settings.timeout.map(|t| t.as_secs_f64()).unwrap_or_default()
        ))),
        Some(Interrupted::Cancelled) => Err(Error::Timeout(format!("{what} was cancelled"))),
        None => Ok(()),
    }
}

/// `path FROM TO`.
pub fn run_path(session: &Session, settings: &Settings, args: &PathArgs) -> Result<Outcome, Error> {
    let prepared = prepare(session, settings, &args.via)?;
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
    if args.limit == Some(0) {
        return Err(Error::input("--limit must be at least 1", None));
    }
    let guard = guard(session, settings, None);
    let walk = Walk::new(&prepared.filter, args.directed).guarded(&guard);
    if from_iri == to_iri {
        let labels = prepared.labels(session, [from_iri.clone()], [])?;
        let namer = prepared.namer(&session.backend, &labels, settings.lang);
        // The path of an entity to itself has no hops, whether or not it has relations.
        let node = namer.node_json(&from_iri);
        return Ok(Outcome::found(Reply::Paths(PathsReply {
            from: node.clone(),
            to: node.clone(),
            paths: vec![PathJson { length: 0, nodes: vec![node], edges: Vec::new() }],
            stopped: None,
            numbered: false,
        })));
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
    bounded(&guard, "the path search", settings)?;
    let labels = prepared.labels(session, [from_iri.clone(), to_iri.clone()], paths.iter().flat_map(|p| p.nodes()))?;
    let namer = prepared.namer(&session.backend, &labels, settings.lang);
    let nothing = paths.is_empty().then(|| {
        format!(
            "no path from {} to {}{}",
            namer.label(&from_iri),
            namer.label(&to_iri),
            if args.via.via.is_empty() && args.via.avoid.is_empty() && !args.directed {
                ""
            } else {
                " with these restrictions"
            }
        )
    });
    let reply = PathsReply {
        from: namer.node_json(&from_iri),
        to: namer.node_json(&to_iri),
        paths: paths.iter().map(|p| namer.path_json(p, &walk, args.evidence)).collect::<Result<_, _>>()?,
        stopped: stopped.clone(),
        numbered: paths.len() > 1 || args.k.is_some() || args.all,
    };
    let mut outcome = Outcome::found(Reply::Paths(reply));
    outcome.notes.extend(stopped);
    // No path is an answer: the reply (empty in JSON) with exit 1 and the reason noted.
    if let Some(nothing) = nothing {
        outcome.verdict = Verdict::NoResult;
        outcome.notes.push(nothing);
    }
    Ok(outcome)
}

/// A neighbour row from an algorithm's (node, step, from) triple.
fn neighbor(
    namer: &Namer<'_>,
    node: petgraph::graph::NodeIndex<u32>,
    depth: usize,
    step: &algo::Step,
    from: petgraph::graph::NodeIndex<u32>,
) -> Result<Neighbor, Error> {
    let from = namer.projection.iri(from).into_owned();
    Ok(Neighbor {
        node: namer.node_json(&namer.projection.iri(node)),
        depth,
        via: namer.edge_json(step, false)?,
        from_label: namer.label(&from),
        from,
        relations: Vec::new(),
    })
}

/// `neighbors ENTITY`.
pub fn run_neighbors(session: &Session, settings: &Settings, args: &NeighborsArgs) -> Result<Outcome, Error> {
    let prepared = prepare(session, settings, &args.via)?;
    let (iri, node) = node_of(session, &prepared, &args.entity)?;
    let guard = guard(session, settings, None);
    let walk = Walk::new(&prepared.filter, false).guarded(&guard);
    let found = match node {
        Some(node) => algo::neighborhood(&prepared.projection, node, args.depth, &walk),
        None => Vec::new(),
    };
    bounded(&guard, "neighbors", settings)?;
    let labels = prepared.labels(session, [iri.clone()], found.iter().flat_map(|(n, _, _, from)| [*n, *from]))?;
    let namer = prepared.namer(&session.backend, &labels, settings.lang);
    // Every relation of every neighbour is dated from its evidence, read in a few queries.
    let hops: Vec<Vec<algo::Step>> =
        found.iter().map(|(_, _, step, from)| algo::hops_between(&prepared.projection, *from, step, &walk)).collect();
    let mut dated = namer.dated_edges_json(&hops.iter().flatten().copied().collect::<Vec<_>>())?.into_iter();
    let neighbors = found
        .iter()
        .zip(&hops)
        .map(|((n, depth, step, from), hops)| {
            let mut row = neighbor(&namer, *n, *depth, step, *from)?;
            row.relations = dated.by_ref().take(hops.len()).collect();
            Ok(row)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let mut outcome = Outcome::found(Reply::Neighbors(NeighborsReply { entity: namer.node_json(&iri), neighbors }));
    if found.is_empty() {
        outcome.verdict = Verdict::NoResult;
        outcome.notes.push(format!("{} has no neighbours with these restrictions", namer.label(&iri)));
    }
    Ok(outcome)
}

/// `reach ENTITY`.
pub fn run_reach(session: &Session, settings: &Settings, args: &ReachArgs) -> Result<Outcome, Error> {
    let prepared = prepare(session, settings, &args.via)?;
    let (iri, node) = node_of(session, &prepared, &args.entity)?;
    let upstream = args.direction == Flow::Upstream;
    let found = match node {
        Some(node) => {
            let guard = guard(session, settings, None);
            let tiers = algo::reach(&prepared.projection, node, upstream, args.max_depth, &prepared.filter, &guard);
            bounded(&guard, "reach", settings)?;
            tiers
        }
        None => Vec::new(),
    };
    let labels =
        prepared.labels(session, [iri.clone()], found.iter().flatten().flat_map(|(n, _, from)| [*n, *from]))?;
    let namer = prepared.namer(&session.backend, &labels, settings.lang);
    let tiers = found
        .iter()
        .enumerate()
        .map(|(i, tier)| {
            Ok(Tier {
                tier: i + 1,
                entities: tier
                    .iter()
                    .map(|(n, step, from)| neighbor(&namer, *n, i + 1, step, *from))
                    .collect::<Result<_, Error>>()?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let mut outcome = Outcome::found(Reply::Tiers(TiersReply { entity: namer.node_json(&iri), upstream, tiers }));
    if found.is_empty() {
        outcome.verdict = Verdict::NoResult;
        outcome.notes.push(format!(
            "nothing is {} of {} with these restrictions",
            if upstream { "upstream" } else { "downstream" },
            namer.label(&iri)
        ));
    }
    Ok(outcome)
}

/// `common A B`.
pub fn run_common(session: &Session, settings: &Settings, args: &CommonArgs) -> Result<Outcome, Error> {
    let prepared = prepare(session, settings, &args.via)?;
    let (a_iri, a) = node_of(session, &prepared, &args.a)?;
    let (b_iri, b) = node_of(session, &prepared, &args.b)?;
    let (ancestors, neighbors) = match (a, b) {
        (Some(a), Some(b)) => {
            let all = algo::shared_ancestors(&prepared.projection, a, b, &prepared.filter);
            let nearest = all.first().map(|(_, da, db)| da + db);
            let ancestors: Vec<_> = all.into_iter().filter(|(_, da, db)| Some(da + db) == nearest).collect();
            (ancestors, algo::shared_neighbors(&prepared.projection, a, b, &prepared.filter))
        }
        _ => (Vec::new(), Vec::new()),
    };
    let labels = prepared.labels(
        session,
        [a_iri.clone(), b_iri.clone()],
        ancestors.iter().map(|(n, _, _)| *n).chain(neighbors.iter().copied()),
    )?;
    let namer = prepared.namer(&session.backend, &labels, settings.lang);
    let nothing = (ancestors.is_empty() && neighbors.is_empty())
        .then(|| format!("{} and {} share no ancestor or neighbour", namer.label(&a_iri), namer.label(&b_iri)));
    let mut outcome = Outcome::found(Reply::Common(CommonReply {
        a: namer.node_json(&a_iri),
        b: namer.node_json(&b_iri),
        ancestors: ancestors
            .iter()
            .map(|(n, da, db)| SharedAncestor {
                node: namer.node_json(&prepared.projection.iri(*n)),
                distance_from_a: *da,
                distance_from_b: *db,
            })
            .collect(),
        neighbors: neighbors.iter().map(|n| namer.node_json(&prepared.projection.iri(*n))).collect(),
    }));
    if let Some(nothing) = nothing {
        outcome.verdict = Verdict::NoResult;
        outcome.notes.push(nothing);
    }
    Ok(outcome)
}

/// `central`.
pub fn run_central(
    session: &Session,
    settings: &Settings,
    args: &CentralArgs,
    progress: &dyn super::data::Progress,
) -> Result<Outcome, Error> {
    let prepared = prepare(session, settings, &args.via)?;
    let guard = guard(session, settings, progress.work("central"));
    let (mut ranked, sampled) = algo::centrality(&prepared.projection, &prepared.filter, 2000, &guard);
    guard.finished();
    bounded(&guard, "central", settings)?;
    match args.by {
        Measure::Degree => ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.total_cmp(&a.2)).then(a.0.cmp(&b.0))),
        Measure::Betweenness => ranked.sort_by(|a, b| b.2.total_cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0))),
    }
    ranked.truncate(args.top);
    let labels = prepared.labels(session, [], ranked.iter().map(|r| r.0))?;
    let namer = prepared.namer(&session.backend, &labels, settings.lang);
    let rows = ranked
        .iter()
        .enumerate()
        .map(|(i, (n, degree, betweenness))| RankedEntity {
            rank: i + 1,
            node: namer.node_json(&prepared.projection.iri(*n)),
            degree: *degree,
            betweenness: (betweenness * 1e6).round() / 1e6,
        })
        .collect();
    let mut outcome = Outcome::found(Reply::Ranking(rows));
    if sampled {
        outcome.notes.push("betweenness estimated from 2000 evenly spread sources".to_owned());
    }
    Ok(outcome)
}
