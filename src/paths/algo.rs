//! Path algorithms on the projection: bidirectional BFS for the shortest path, Yen's k
//! shortest simple paths, bounded enumeration of all simple paths, neighbourhoods, tiered
//! reach, shared ancestors and centrality. All are unweighted: a hop is a hop.

use super::guard::Guard;
use super::projection::{EdgeFilter, Projection};
use crate::schema::Hierarchy;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::{BTreeSet, VecDeque};

type Node = NodeIndex<u32>;
type Edge = EdgeIndex<u32>;

/// One hop: the edge, the node it reaches, and whether it was walked along its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Step {
    pub edge: Edge,
    pub to: Node,
    pub forward: bool,
}

/// A path: a start node and its hops.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    pub start: Node,
    pub steps: Vec<Step>,
}

impl Path {
    /// Every node on the path, in order.
    pub fn nodes(&self) -> Vec<Node> {
        std::iter::once(self.start).chain(self.steps.iter().map(|s| s.to)).collect()
    }

    /// The number of hops.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// True for the path of a node to itself.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

/// What a traversal may use, beyond the edge filter.
#[derive(Debug, Clone, Copy)]
pub struct Walk<'a> {
    pub filter: &'a EdgeFilter,
    /// Follow edges forward only.
    pub directed: bool,
    pub banned_nodes: Option<&'a HashSet<Node>>,
    pub banned_edges: Option<&'a HashSet<Edge>>,
    /// The timeout and cancellation the walk stops for (then its result is partial and
    /// the guard says why).
    pub guard: Option<&'a Guard>,
}

impl<'a> Walk<'a> {
    /// A walk with only a filter and a direction rule.
    pub fn new(filter: &'a EdgeFilter, directed: bool) -> Walk<'a> {
        Walk { filter, directed, banned_nodes: None, banned_edges: None, guard: None }
    }

    /// The same walk, bounded by `guard`.
    pub fn guarded(self, guard: &'a Guard) -> Walk<'a> {
        Walk { guard: Some(guard), ..self }
    }

    /// Whether the guard says to stop.
    #[inline]
    fn stopped(&self) -> bool {
        self.guard.is_some_and(Guard::stop)
    }

    #[inline]
    fn node_ok(&self, node: Node) -> bool {
        (self.filter.avoid.is_empty() || !self.filter.avoid.contains(&node))
            && self.banned_nodes.is_none_or(|b| b.is_empty() || !b.contains(&node))
    }

    #[inline]
    fn edge_ok(&self, projection: &Projection, edge: Edge) -> bool {
        (self.filter.properties.is_none() || self.filter.allows(projection.graph[edge]))
            && self.banned_edges.is_none_or(|b| b.is_empty() || !b.contains(&edge))
    }

    /// Hops leaving `node`; `reverse` walks edges backwards (for the search from the target).
    fn hops<'p>(&'p self, projection: &'p Projection, node: Node, reverse: bool) -> impl Iterator<Item = Step> + 'p {
        let (along, against) = if reverse {
            (Direction::Incoming, Direction::Outgoing)
        } else {
            (Direction::Outgoing, Direction::Incoming)
        };
        let forward_edges = projection.graph.edges_directed(node, along).map(move |e| {
            let other = if reverse { e.source() } else { e.target() };
            Step { edge: e.id(), to: other, forward: true }
        });
        let backward_edges = (!self.directed)
            .then(|| {
                projection.graph.edges_directed(node, against).map(move |e| {
                    let other = if reverse { e.target() } else { e.source() };
                    Step { edge: e.id(), to: other, forward: false }
                })
            })
            .into_iter()
            .flatten();
        forward_edges.chain(backward_edges).filter(move |s| self.edge_ok(projection, s.edge) && self.node_ok(s.to))
    }

    /// Hops leaving `node`, one per neighbour: routes are told apart by the entities they
    /// pass, so parallel relations to one neighbour are one way onward.
    fn distinct_hops(&self, projection: &Projection, node: Node) -> Vec<Step> {
        let mut seen: HashSet<Node> = HashSet::default();
        self.hops(projection, node, false).filter(|s| seen.insert(s.to)).collect()
    }
}

/// Every hop this walk allows from `from` to `to` (the parallel relations of one hop),
/// `first` first.
pub fn hops_between(projection: &Projection, from: Node, first: &Step, walk: &Walk<'_>) -> Vec<Step> {
    let unbanned = Walk::new(walk.filter, walk.directed);
    let mut hops = vec![*first];
    hops.extend(unbanned.hops(projection, from, false).filter(|s| s.to == first.to && s.edge != first.edge));
    hops
}

/// What one side of a bidirectional search knows of a node it reached.
#[derive(Clone, Copy)]
struct Mark {
    /// The search that wrote this mark; older marks count as unvisited.
    stamp: u32,
    depth: u32,
    /// The edge that reached the node, whether it was walked forward, and the node before.
    edge: u32,
    forward: bool,
    previous: u32,
}

/// A node no search has reached: all zeros (stamps start at 1), so that the marks of a large
/// projection are allocated zeroed and the system hands out pages only where a search writes.
const UNMARKED: Mark = Mark { stamp: 0, depth: 0, edge: 0, forward: false, previous: 0 };

/// The mark of a search's first node: no edge and no node before it.
const ROOT: Mark = Mark { stamp: 0, depth: 0, edge: u32::MAX, forward: true, previous: u32::MAX };

// SAFETY: every field of `Mark` is an integer or a bool, for which all-zero bytes are a valid
// value (padding bytes are never read).
unsafe impl bytemuck::Zeroable for Mark {}

/// Per-thread search state, kept between searches so that a search touches only the nodes
/// it visits: no hashing, no clearing, no allocation once warm. A new stamp per search
/// invalidates the previous marks at once.
struct Scratch {
    stamp: u32,
    start: Vec<Mark>,
    end: Vec<Mark>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> =
        const { std::cell::RefCell::new(Scratch { stamp: 0, start: Vec::new(), end: Vec::new() }) };
}

impl Scratch {
    /// Makes room for `nodes` nodes and returns a fresh stamp.
    fn begin(&mut self, nodes: usize) -> u32 {
        if self.start.len() < nodes {
            // Zeroed memory, not written mark by mark: a one-shot search on a projection of
            // millions of nodes touches only the pages of the nodes it visits.
            self.start = bytemuck::zeroed_vec(nodes);
            self.end = bytemuck::zeroed_vec(nodes);
        }
        if self.stamp == u32::MAX {
            self.start.fill(UNMARKED);
            self.end.fill(UNMARKED);
            self.stamp = 0;
        }
        self.stamp += 1;
        self.stamp
    }
}

/// The shortest path from `from` to `to`, by bidirectional breadth-first search that always
/// grows the smaller frontier.
pub fn shortest_path(projection: &Projection, from: Node, to: Node, walk: &Walk<'_>) -> Option<Path> {
    shortest_path_within(projection, from, to, walk, usize::MAX)
}

/// The shortest path of at most `max_len` hops: the same search, given up as soon as every
/// path it could still find is longer.
fn shortest_path_within(
    projection: &Projection,
    from: Node,
    to: Node,
    walk: &Walk<'_>,
    max_len: usize,
) -> Option<Path> {
    if from == to {
        return Some(Path { start: from, steps: Vec::new() });
    }
    if !walk.node_ok(from) || !walk.node_ok(to) {
        return None;
    }
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let stamp = scratch.begin(projection.graph.node_count());
        let Scratch { start: marks_start, end: marks_end, .. } = &mut *scratch;
        marks_start[from.index()] = Mark { stamp, depth: 0, ..ROOT };
        marks_end[to.index()] = Mark { stamp, depth: 0, ..ROOT };
        let mut frontier_start = vec![from];
        let mut frontier_end = vec![to];
        let mut next = Vec::new();
        // The depths of the two frontiers: a meeting in the next level closes a path of
        // `depths.0 + depths.1 + 1` hops.
        let mut depths = (0usize, 0usize);
        while !frontier_start.is_empty() && !frontier_end.is_empty() {
            if depths.0 + depths.1 >= max_len {
                return None;
            }
            let expand_start = frontier_start.len() <= frontier_end.len();
            let (frontier, seen, other, reverse) = if expand_start {
                depths.0 += 1;
                (&mut frontier_start, &mut *marks_start, &*marks_end, false)
            } else {
                depths.1 += 1;
                (&mut frontier_end, &mut *marks_end, &*marks_start, true)
            };
            next.clear();
            // The first node both sides have reached closes a shortest path: a node the other
            // side reached earlier (nearer its end) would already have reached this side's
            // frontier, since both sides walk the same edges, so no later meeting in this
            // level is shorter.
            for &node in frontier.iter() {
                if walk.stopped() {
                    return None;
                }
                let depth = seen[node.index()].depth;
                for step in walk.hops(projection, node, reverse) {
                    let mark = &mut seen[step.to.index()];
                    if mark.stamp == stamp {
                        continue;
                    }
                    *mark = Mark {
                        stamp,
                        depth: depth + 1,
                        edge: step.edge.index() as u32,
                        forward: step.forward,
                        previous: node.index() as u32,
                    };
                    if other[step.to.index()].stamp == stamp {
                        let path = join(marks_start, marks_end, stamp, step.to, from);
                        return (path.len() <= max_len).then_some(path);
                    }
                    next.push(step.to);
                }
            }
            std::mem::swap(frontier, &mut next);
        }
        None
    })
}

fn join(marks_start: &[Mark], marks_end: &[Mark], stamp: u32, meeting: Node, start: Node) -> Path {
    let mut steps = Vec::new();
    let mut node = meeting;
    while node != start {
        let mark = marks_start[node.index()];
        debug_assert_eq!(mark.stamp, stamp);
        steps.push(Step { edge: EdgeIndex::new(mark.edge as usize), to: node, forward: mark.forward });
        node = NodeIndex::new(mark.previous as usize);
    }
    steps.reverse();
    // The end side walked edges backwards: each mark leads from its node to `previous`.
    let mut node = meeting;
    loop {
        let mark = marks_end[node.index()];
        if mark.stamp != stamp || mark.previous == u32::MAX {
            break;
        }
        let previous = NodeIndex::new(mark.previous as usize);
        steps.push(Step { edge: EdgeIndex::new(mark.edge as usize), to: previous, forward: mark.forward });
        node = previous;
    }
    Path { start, steps }
}

/// Up to `k` shortest simple paths, shortest first (Yen's algorithm).
pub fn k_shortest_paths(projection: &Projection, from: Node, to: Node, k: usize, walk: &Walk<'_>) -> Vec<Path> {
    let mut found: Vec<Path> = Vec::new();
    let Some(first) = shortest_path(projection, from, to, walk) else {
        return found;
    };
    found.push(first);
    // Candidates by length, each with the index where it left the path it was spurred from.
    let mut candidates: BTreeSet<(usize, Vec<Step>, usize)> = BTreeSet::new();
    // Routes are told apart by the entities they pass, not by which of two parallel
    // relations a hop takes: those are shown together on one hop.
    let mut known: HashSet<Vec<Node>> = HashSet::default();
    known.insert(found[0].nodes());
    let mut deviation = 0;
    while found.len() < k {
        if walk.guard.is_some_and(Guard::stop_now) {
            break;
        }
        let previous = found.last().expect("one path found").clone();
        let previous_nodes = previous.nodes();
        // Lawler's refinement of Yen: spurs before the point where the previous path left
        // its parent were all tried when the parent was the previous path.
        for spur_index in deviation..previous.steps.len() {
            let spur_node = previous_nodes[spur_index];
            let root = &previous.steps[..spur_index];
            let mut banned_edges: HashSet<Edge> = walk.banned_edges.cloned().unwrap_or_default();
            let root_nodes = &previous_nodes[..=spur_index];
            for path in &found {
                let nodes = path.nodes();
                if nodes.len() > spur_index + 1 && nodes[..=spur_index] == *root_nodes {
                    let next = nodes[spur_index + 1];
                    banned_edges
                        .extend(walk.hops(projection, spur_node, false).filter(|s| s.to == next).map(|s| s.edge));
                }
            }
            let mut banned_nodes: HashSet<Node> = walk.banned_nodes.cloned().unwrap_or_default();
            banned_nodes.extend(previous_nodes[..spur_index].iter().copied());
            let spur_walk = Walk { banned_nodes: Some(&banned_nodes), banned_edges: Some(&banned_edges), ..*walk };
            // Once enough candidates are waiting, a spur longer than the last one needed
            // cannot be among the paths returned: the search stops at that length.
            let needed = k - found.len();
            let longest_useful =
                candidates.iter().nth(needed - 1).map_or(usize::MAX, |(length, ..)| length.saturating_sub(spur_index));
            if let Some(spur) = shortest_path_within(projection, spur_node, to, &spur_walk, longest_useful) {
                let mut steps = root.to_vec();
                steps.extend(spur.steps);
                let nodes: Vec<Node> = std::iter::once(from).chain(steps.iter().map(|s| s.to)).collect();
                if known.insert(nodes) {
                    candidates.insert((steps.len(), steps, spur_index));
                }
            }
        }
        let Some((_, steps, left_at)) = candidates.pop_first() else { break };
        deviation = left_at;
        found.push(Path { start: from, steps });
    }
    found
}

/// Why an enumeration stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped {
    /// The requested number of paths was reached.
    Limit,
    /// The work budget ran out before the search finished.
    Budget,
}

/// Every simple path of at most `max_len` hops, shortest first, stopping at `limit` paths
/// or after `budget` expansions. Paths are found by depth-limited searches of growing
/// depth, so a limit keeps the shortest paths, not the first ones a search meets.
pub fn all_simple_paths(
    projection: &Projection,
    from: Node,
    to: Node,
    max_len: usize,
    limit: usize,
    budget: u64,
    walk: &Walk<'_>,
) -> (Vec<Path>, Option<Stopped>) {
    let mut paths = Vec::new();
    let mut work = 0u64;
    for length in 1..=max_len {
        let mut found = Vec::new();
        let stopped =
            paths_of_length(projection, from, to, length, limit - paths.len(), budget, &mut work, walk, &mut found);
        found.sort_by(|a: &Path, b: &Path| a.steps.cmp(&b.steps));
        paths.extend(found);
        if stopped.is_some() {
            return (paths, stopped);
        }
        if paths.len() >= limit {
            return (paths, Some(Stopped::Limit));
        }
    }
    (paths, None)
}

/// The simple paths of exactly `length` hops, by depth-first search.
#[allow(clippy::too_many_arguments)]
fn paths_of_length(
    projection: &Projection,
    from: Node,
    to: Node,
    length: usize,
    limit: usize,
    budget: u64,
    work: &mut u64,
    walk: &Walk<'_>,
    out: &mut Vec<Path>,
) -> Option<Stopped> {
    let mut on_path: HashSet<Node> = std::iter::once(from).collect();
    let mut steps: Vec<Step> = Vec::new();
    let mut stack: Vec<Vec<Step>> = vec![walk.distinct_hops(projection, from)];
    while let Some(options) = stack.last_mut() {
        if out.len() >= limit {
            return Some(Stopped::Limit);
        }
        *work += 1;
        if *work > budget || walk.stopped() {
            return Some(Stopped::Budget);
        }
        match options.pop() {
            Some(step) => {
                if on_path.contains(&step.to) {
                    continue;
                }
                if steps.len() + 1 == length {
                    if step.to == to {
                        let mut path = steps.clone();
                        path.push(step);
                        out.push(Path { start: from, steps: path });
                    }
                    continue;
                }
                if step.to != to {
                    steps.push(step);
                    on_path.insert(step.to);
                    stack.push(walk.distinct_hops(projection, step.to));
                }
            }
            None => {
                stack.pop();
                if let Some(step) = steps.pop() {
                    on_path.remove(&step.to);
                }
            }
        }
    }
    None
}

/// Nodes within `depth` hops, each with its distance and the hop that first reached it.
pub fn neighborhood(
    projection: &Projection,
    node: Node,
    depth: usize,
    walk: &Walk<'_>,
) -> Vec<(Node, usize, Step, Node)> {
    let mut seen: HashSet<Node> = std::iter::once(node).collect();
    let mut out = Vec::new();
    let mut queue = VecDeque::from([(node, 0usize)]);
    while let Some((current, distance)) = queue.pop_front() {
        if distance >= depth {
            continue;
        }
        if walk.stopped() {
            break;
        }
        for step in walk.hops(projection, current, false) {
            if seen.insert(step.to) {
                out.push((step.to, distance + 1, step, current));
                queue.push_back((step.to, distance + 1));
            }
        }
    }
    out
}

/// Everything upstream (or downstream) of `node`, by tier. An edge whose property points
/// `up` in the ontology (part → whole, buyer → supplier) counts as pointing upstream; any
/// other edge points downstream.
pub fn reach(
    projection: &Projection,
    node: Node,
    upstream: bool,
    max_depth: usize,
    filter: &EdgeFilter,
    guard: &Guard,
) -> Vec<Vec<(Node, Step, Node)>> {
    let mut tiers: Vec<Vec<(Node, Step, Node)>> = Vec::new();
    let mut seen: HashSet<Node> = std::iter::once(node).collect();
    let mut frontier = vec![node];
    while !frontier.is_empty() && tiers.len() < max_depth {
        let mut tier = Vec::new();
        for &current in &frontier {
            if guard.stop() {
                return tiers;
            }
            for (edge, other, forward) in projection.incident(current, false) {
                if !filter.allows(projection.graph[edge]) || filter.avoid.contains(&other) {
                    continue;
                }
                let points_up = projection.property(edge).hierarchy == Some(Hierarchy::Up);
                // Walking forward along a downstream edge goes downstream.
                let goes_upstream = forward == points_up;
                if goes_upstream != upstream {
                    continue;
                }
                if seen.insert(other) {
                    tier.push((other, Step { edge, to: other, forward }, current));
                }
            }
        }
        if tier.is_empty() {
            break;
        }
        frontier = tier.iter().map(|(n, _, _)| *n).collect();
        tiers.push(tier);
    }
    tiers
}

/// Shared ancestors of `a` and `b`: nodes upstream of both along the properties the ontology gives an
/// `sg:hierarchy` direction, nearest first by the sum of distances; each with its distance from `a` and from `b`.
pub fn shared_ancestors(projection: &Projection, a: Node, b: Node, filter: &EdgeFilter) -> Vec<(Node, usize, usize)> {
    // Only properties the ontology places in a hierarchy lead to ancestors: a medium that
    // reported on both, or a merchant selling on both, is not their ancestor.
    let hierarchy: std::collections::HashSet<u16> = (0..projection.properties.len())
        .filter_map(|i| u16::try_from(i).ok())
        .filter(|id| projection.properties[usize::from(*id)].hierarchy.is_some() && filter.allows(*id))
        .collect();
    let filter = EdgeFilter { properties: Some(hierarchy), avoid: filter.avoid.clone() };
    let distances = |start: Node| -> HashMap<Node, usize> {
        let mut out = HashMap::default();
        for (depth, tier) in reach(projection, start, true, usize::MAX, &filter, &Guard::none()).into_iter().enumerate()
        {
            for (node, _, _) in tier {
                out.insert(node, depth + 1);
            }
        }
        out
    };
    let from_a = distances(a);
    let from_b = distances(b);
    let mut shared: Vec<(Node, usize, usize)> =
        from_a.iter().filter_map(|(node, da)| from_b.get(node).map(|db| (*node, *da, *db))).collect();
    shared.sort_by_key(|(node, da, db)| (da + db, *da.max(db), node.index()));
    shared
}

/// Nodes adjacent to both `a` and `b`, ignoring direction.
pub fn shared_neighbors(projection: &Projection, a: Node, b: Node, filter: &EdgeFilter) -> Vec<Node> {
    let around = |node: Node| -> BTreeSet<usize> {
        projection
            .incident(node, false)
            .filter(|(edge, other, _)| {
                filter.allows(projection.graph[*edge]) && *other != node && !filter.avoid.contains(other)
            })
            .map(|(_, other, _)| other.index())
            .collect()
    };
    around(a).intersection(&around(b)).map(|i| NodeIndex::new(*i)).collect()
}

/// Degree and betweenness centrality of every node with an allowed edge. Betweenness is
/// exact (Brandes) up to `exact_limit` nodes and estimated from evenly spread sources above.
pub fn centrality(
    projection: &Projection,
    filter: &EdgeFilter,
    exact_limit: usize,
    guard: &Guard,
) -> (Vec<(Node, usize, f64)>, bool) {
    let n = projection.graph.node_count();
    let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); n];
    for edge in projection.graph.edge_references() {
        if !filter.allows(*edge.weight()) {
            continue;
        }
        let (s, t) = (edge.source(), edge.target());
        if s == t || filter.avoid.contains(&s) || filter.avoid.contains(&t) {
            continue;
        }
        adjacency[s.index()].push(t.index() as u32);
        adjacency[t.index()].push(s.index() as u32);
    }
    let degree: Vec<usize> = adjacency.iter().map(Vec::len).collect();
    for list in &mut adjacency {
        list.sort_unstable();
        list.dedup();
    }
    let active: Vec<usize> = (0..n).filter(|&i| degree[i] > 0).collect();
    let sampled = active.len() > exact_limit;
    let sources: Vec<usize> = if sampled {
        let stride = active.len() as f64 / exact_limit as f64;
        (0..exact_limit).map(|i| active[(i as f64 * stride) as usize]).collect()
    } else {
        active.clone()
    };
    let mut betweenness = vec![0.0f64; n];
    let mut sigma = vec![0.0f64; n];
    let mut distance = vec![-1i64; n];
    let mut delta = vec![0.0f64; n];
    let mut predecessors: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut order = Vec::with_capacity(n);
    let mut queue = VecDeque::new();
    for (done, &source) in sources.iter().enumerate() {
        if guard.stop_now() {
            break;
        }
        if done % 16 == 0 {
            guard.advanced(done as u64, sources.len() as u64);
        }
        for &v in &order {
            let v: usize = v;
            sigma[v] = 0.0;
            distance[v] = -1;
            delta[v] = 0.0;
            predecessors[v].clear();
        }
        order.clear();
        sigma[source] = 1.0;
        distance[source] = 0;
        queue.push_back(source);
        while let Some(v) = queue.pop_front() {
            order.push(v);
            for &w in &adjacency[v] {
                let w = w as usize;
                if distance[w] < 0 {
                    distance[w] = distance[v] + 1;
                    queue.push_back(w);
                }
                if distance[w] == distance[v] + 1 {
                    sigma[w] += sigma[v];
                    predecessors[w].push(v as u32);
                }
            }
        }
        for &w in order.iter().rev() {
            for &v in &predecessors[w] {
                let v = v as usize;
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
            }
            if w != source {
                betweenness[w] += delta[w];
            }
        }
    }
    let scale = if sampled { active.len() as f64 / sources.len() as f64 } else { 1.0 };
    // Undirected: each pair was counted from both ends; normalise to [0, 1].
    let pairs = if active.len() > 2 { ((active.len() - 1) * (active.len() - 2)) as f64 } else { 1.0 };
    let ranked = active.into_iter().map(|i| (NodeIndex::new(i), degree[i], betweenness[i] * scale / pairs)).collect();
    (ranked, sampled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paths::projection::tests_support::{projection_from, projection_of};

    fn walk(filter: &EdgeFilter) -> Walk<'_> {
        Walk::new(filter, false)
    }

    fn names(p: &Projection, path: &Path) -> Vec<String> {
        path.nodes().iter().map(|n| p.iri(*n).into_owned()).collect()
    }

    #[test]
    fn shortest_path_ignores_direction_unless_asked() {
        let p = projection_from(&[("a", "r", "b"), ("c", "r", "b"), ("c", "r", "d")]);
        let filter = EdgeFilter::default();
        let path = shortest_path(&p, p.node("a").unwrap(), p.node("d").unwrap(), &walk(&filter)).unwrap();
        assert_eq!(names(&p, &path), ["a", "b", "c", "d"]);
        assert_eq!(path.steps.iter().map(|s| s.forward).collect::<Vec<_>>(), [true, false, true]);
        let directed = Walk::new(&filter, true);
        assert!(shortest_path(&p, p.node("a").unwrap(), p.node("d").unwrap(), &directed).is_none());
    }

    #[test]
    fn shortest_path_handles_cycles_self_loops_and_disconnected_parts() {
        let p = projection_from(&[("a", "r", "a"), ("a", "r", "b"), ("b", "r", "c"), ("c", "r", "a"), ("x", "r", "y")]);
        let filter = EdgeFilter::default();
        let w = walk(&filter);
        let path = shortest_path(&p, p.node("a").unwrap(), p.node("c").unwrap(), &w).unwrap();
        assert_eq!(path.len(), 1);
        assert!(shortest_path(&p, p.node("a").unwrap(), p.node("y").unwrap(), &w).is_none());
        assert!(shortest_path(&p, p.node("a").unwrap(), p.node("a").unwrap(), &w).unwrap().is_empty());
    }

    #[test]
    fn avoid_forces_a_detour() {
        let p = projection_from(&[("a", "r", "b"), ("b", "r", "d"), ("a", "r", "c"), ("c", "r", "e"), ("e", "r", "d")]);
        let mut filter = EdgeFilter::default();
        filter.avoid.insert(p.node("b").unwrap());
        let path = shortest_path(&p, p.node("a").unwrap(), p.node("d").unwrap(), &walk(&filter)).unwrap();
        assert_eq!(names(&p, &path), ["a", "c", "e", "d"]);
    }

    #[test]
    fn yen_finds_routes_in_order_and_parallel_edges_are_one_route() {
        let p = projection_from(&[
            ("a", "r", "b"),
            ("a", "s", "b"),
            ("b", "r", "d"),
            ("a", "r", "c"),
            ("c", "r", "e"),
            ("e", "r", "d"),
        ]);
        let filter = EdgeFilter::default();
        let paths = k_shortest_paths(&p, p.node("a").unwrap(), p.node("d").unwrap(), 5, &walk(&filter));
        let lengths: Vec<usize> = paths.iter().map(Path::len).collect();
        assert_eq!(lengths, [2, 3], "a-b-d once, though two relations join a and b");
        let unique: HashSet<_> = paths.iter().map(Path::nodes).collect();
        assert_eq!(unique.len(), 2);
        let a = p.node("a").unwrap();
        let first = paths[0].steps[0];
        let parallel = hops_between(&p, a, &first, &walk(&filter));
        assert_eq!(parallel.len(), 2, "both relations of the a-b hop");
        assert_eq!(parallel[0], first);
        for path in &paths {
            let nodes = path.nodes();
            let distinct: HashSet<_> = nodes.iter().collect();
            assert_eq!(distinct.len(), nodes.len(), "paths are simple");
        }
    }

    #[test]
    fn all_paths_are_bounded() {
        let p = projection_from(&[("a", "r", "b"), ("b", "r", "c"), ("a", "r", "c"), ("a", "s", "c"), ("c", "r", "d")]);
        let filter = EdgeFilter::default();
        let w = walk(&filter);
        let (paths, stopped) = all_simple_paths(&p, p.node("a").unwrap(), p.node("d").unwrap(), 3, 100, 1_000, &w);
        assert_eq!(paths.iter().map(Path::len).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(stopped, None);
        let (paths, stopped) = all_simple_paths(&p, p.node("a").unwrap(), p.node("d").unwrap(), 3, 1, 1_000, &w);
        assert_eq!((paths.len(), stopped), (1, Some(Stopped::Limit)));
    }

    #[test]
    fn betweenness_of_a_star_centre() {
        let p = projection_from(&[("c", "r", "a"), ("c", "r", "b"), ("c", "r", "d")]);
        let (ranked, sampled) = centrality(&p, &EdgeFilter::default(), 100, &Guard::none());
        assert!(!sampled);
        let centre = ranked.iter().find(|(n, _, _)| p.iri(*n) == "c").unwrap();
        assert_eq!(centre.1, 3);
        assert!((centre.2 - 1.0).abs() < 1e-9, "{}", centre.2);
    }

    /// Property tests: on random small graphs, every algorithm agrees with a brute-force
    /// reference written here without the projection's machinery.
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// A random simple graph: `n` nodes named `n0..`, edges without loops or parallels.
        fn graph() -> impl Strategy<Value = (usize, Vec<(usize, usize)>)> {
            (2usize..10).prop_flat_map(|n| {
                (Just(n), proptest::collection::vec((0..n, 0..n), 0..24)).prop_map(|(n, raw)| {
                    let mut seen = HashSet::default();
                    let edges = raw
                        .into_iter()
                        .filter(|(a, b)| a != b && seen.insert((*a.min(b), *a.max(b))))
                        .collect::<Vec<_>>();
                    (n, edges)
                })
            })
        }

        fn build(n: usize, edges: &[(usize, usize)]) -> (Projection, Vec<Node>) {
            let names: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
            let triples: Vec<(&str, &str, &str)> =
                edges.iter().map(|(a, b)| (names[*a].as_str(), "p", names[*b].as_str())).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let p = projection_of(&names, &triples);
            let nodes = names.iter().map(|name| p.node(name).expect("interned")).collect();
            (p, nodes)
        }

        /// The same graph with every edge doubled by a second relation, some reversed: the
        /// parallel relations an article's facts often give one pair of entities.
        fn build_doubled(n: usize, edges: &[(usize, usize)]) -> (Projection, Vec<Node>) {
            let names: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
            let mut triples: Vec<(&str, &str, &str)> = Vec::new();
            for (i, (a, b)) in edges.iter().enumerate() {
                triples.push((names[*a].as_str(), "p", names[*b].as_str()));
                if i % 2 == 0 {
                    triples.push((names[*a].as_str(), "q", names[*b].as_str()));
                } else {
                    triples.push((names[*b].as_str(), "q", names[*a].as_str()));
                }
            }
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let p = projection_of(&names, &triples);
            let nodes = names.iter().map(|name| p.node(name).expect("interned")).collect();
            (p, nodes)
        }

        /// Undirected adjacency by index.
        fn adjacency(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
            let mut adj = vec![Vec::new(); n];
            for (a, b) in edges {
                adj[*a].push(*b);
                adj[*b].push(*a);
            }
            adj
        }

        fn distances(adj: &[Vec<usize>], from: usize) -> Vec<Option<usize>> {
            let mut dist = vec![None; adj.len()];
            dist[from] = Some(0);
            let mut queue = VecDeque::from([from]);
            while let Some(u) = queue.pop_front() {
                for &v in &adj[u] {
                    if dist[v].is_none() {
                        dist[v] = Some(dist[u].unwrap() + 1);
                        queue.push_back(v);
                    }
                }
            }
            dist
        }

        /// Every simple path from `from` to `to`, as node index lists.
        fn simple_paths(adj: &[Vec<usize>], from: usize, to: usize) -> Vec<Vec<usize>> {
            fn go(adj: &[Vec<usize>], path: &mut Vec<usize>, to: usize, out: &mut Vec<Vec<usize>>) {
                let last = *path.last().unwrap();
                if last == to {
                    out.push(path.clone());
                    return;
                }
                for &next in &adj[last] {
                    if !path.contains(&next) {
                        path.push(next);
                        go(adj, path, to, out);
                        path.pop();
                    }
                }
            }
            let mut out = Vec::new();
            go(adj, &mut vec![from], to, &mut out);
            out
        }

        fn indexes(path: &Path, nodes: &[Node]) -> Vec<usize> {
            path.nodes().iter().map(|n| nodes.iter().position(|m| m == n).unwrap()).collect()
        }

        proptest! {
            #[test]
            fn shortest_path_has_the_breadth_first_length((n, edges) in graph(), a in 0usize..10, b in 0usize..10) {
                // Two different nodes, without rejecting cases.
                let (a, b) = (a % n, (a % n + 1 + b % (n - 1)) % n);
                let (p, nodes) = build(n, &edges);
                let filter = EdgeFilter::default();
                let found = shortest_path(&p, nodes[a], nodes[b], &walk(&filter));
                let expected = distances(&adjacency(n, &edges), a)[b];
                prop_assert_eq!(found.as_ref().map(Path::len), expected);
                if let Some(path) = found {
                    let hops = indexes(&path, &nodes);
                    prop_assert_eq!(hops.first(), Some(&a));
                    prop_assert_eq!(hops.last(), Some(&b));
                }
            }

            #[test]
            fn k_shortest_are_the_k_shortest_simple_paths((n, edges) in graph(), a in 0usize..10, b in 0usize..10, k in 1usize..6) {
                // Two different nodes, without rejecting cases.
                let (a, b) = (a % n, (a % n + 1 + b % (n - 1)) % n);
                let (p, nodes) = build(n, &edges);
                let filter = EdgeFilter::default();
                let found = k_shortest_paths(&p, nodes[a], nodes[b], k, &walk(&filter));
                let mut all = simple_paths(&adjacency(n, &edges), a, b);
                all.sort_by_key(Vec::len);
                prop_assert_eq!(found.len(), k.min(all.len()));
                let lengths: Vec<usize> = found.iter().map(Path::len).collect();
                let best: Vec<usize> = all.iter().take(k).map(|p| p.len() - 1).collect();
                prop_assert_eq!(lengths, best, "the k shortest lengths");
                let distinct: HashSet<Vec<usize>> = found.iter().map(|p| indexes(p, &nodes)).collect();
                prop_assert_eq!(distinct.len(), found.len(), "no path twice");
                for path in &found {
                    let hops = indexes(path, &nodes);
                    prop_assert!(all.contains(&hops), "a simple path of the graph: {:?}", hops);
                }
            }

            #[test]
            fn parallel_relations_do_not_change_the_routes((n, edges) in graph(), a in 0usize..10, b in 0usize..10, k in 1usize..6) {
                let (a, b) = (a % n, (a % n + 1 + b % (n - 1)) % n);
                let filter = EdgeFilter::default();
                let (single, single_nodes) = build(n, &edges);
                let (doubled, doubled_nodes) = build_doubled(n, &edges);
                let routes = |p: &Projection, nodes: &[Node]| -> Vec<Vec<usize>> {
                    k_shortest_paths(p, nodes[a], nodes[b], k, &walk(&filter)).iter().map(|path| indexes(path, nodes)).collect()
                };
                let plain = routes(&single, &single_nodes);
                let twice = routes(&doubled, &doubled_nodes);
                prop_assert_eq!(plain.iter().map(Vec::len).collect::<Vec<_>>(), twice.iter().map(Vec::len).collect::<Vec<_>>());
                let distinct: HashSet<&Vec<usize>> = twice.iter().collect();
                prop_assert_eq!(distinct.len(), twice.len(), "no route twice through parallel relations");
                let all = |p: &Projection, nodes: &[Node]| -> Vec<Vec<usize>> {
                    let (found, _) = all_simple_paths(p, nodes[a], nodes[b], n, usize::MAX, u64::MAX, &walk(&filter));
                    let mut got: Vec<Vec<usize>> = found.iter().map(|path| indexes(path, nodes)).collect();
                    got.sort();
                    got
                };
                prop_assert_eq!(all(&single, &single_nodes), all(&doubled, &doubled_nodes));
            }

            #[test]
            fn all_simple_paths_are_every_simple_path((n, edges) in graph(), a in 0usize..10, b in 0usize..10) {
                // Two different nodes, without rejecting cases.
                let (a, b) = (a % n, (a % n + 1 + b % (n - 1)) % n);
                let (p, nodes) = build(n, &edges);
                let filter = EdgeFilter::default();
                let (found, stopped) = all_simple_paths(&p, nodes[a], nodes[b], n, usize::MAX, u64::MAX, &walk(&filter));
                prop_assert!(stopped.is_none());
                let mut got: Vec<Vec<usize>> = found.iter().map(|p| indexes(p, &nodes)).collect();
                let lengths: Vec<usize> = got.iter().map(Vec::len).collect();
                prop_assert!(lengths.windows(2).all(|w| w[0] <= w[1]), "shortest first");
                let mut want = simple_paths(&adjacency(n, &edges), a, b);
                got.sort();
                want.sort();
                prop_assert_eq!(got, want);
            }

            #[test]
            fn neighborhood_is_every_node_within_the_depth((n, edges) in graph(), a in 0usize..10, depth in 1usize..4) {
                let a = a % n;
                let (p, nodes) = build(n, &edges);
                let filter = EdgeFilter::default();
                let mut got: Vec<(usize, usize)> = neighborhood(&p, nodes[a], depth, &walk(&filter))
                    .into_iter()
                    .map(|(node, d, _, _)| (nodes.iter().position(|m| *m == node).unwrap(), d))
                    .collect();
                got.sort_unstable();
                let want: Vec<(usize, usize)> = distances(&adjacency(n, &edges), a)
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, d)| d.filter(|d| *d >= 1 && *d <= depth).map(|d| (i, d)))
                    .collect();
                prop_assert_eq!(got, want);
            }

            #[test]
            fn upstream_reach_follows_edges_backwards((n, edges) in graph(), a in 0usize..10) {
                let a = a % n;
                let (p, nodes) = build(n, &edges);
                let filter = EdgeFilter::default();
                let mut got: Vec<(usize, usize)> = reach(&p, nodes[a], true, usize::MAX, &filter, &Guard::none())
                    .into_iter()
                    .enumerate()
                    .flat_map(|(tier, found)| found.into_iter().map(move |(node, _, _)| (node, tier + 1)))
                    .map(|(node, tier)| (nodes.iter().position(|m| *m == node).unwrap(), tier))
                    .collect();
                got.sort_unstable();
                // Without hierarchy annotations every edge points downstream, subject to
                // object: upstream of a node are its predecessors, tier by tier.
                let mut reverse = vec![Vec::new(); n];
                for (s, o) in &edges {
                    reverse[*o].push(*s);
                }
                let want: Vec<(usize, usize)> = distances(&reverse, a)
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, d)| d.filter(|d| *d >= 1).map(|d| (i, d)))
                    .collect();
                prop_assert_eq!(got, want);
            }
        }
    }
}
