//! The projection's graph as compressed sparse rows over both directions: each node's
//! outgoing and incoming edges lie side by side in two flat arrays, so a search reads them
//! in order instead of following a linked list through the edge array.
//!
//! The edges keep the ids they were added with, and a node's edges come out newest first,
//! as petgraph's `Graph` gives them, so every tie an algorithm breaks is broken as before.

use crate::columns::Column;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

/// A directed multigraph with `u16` edge weights (property ids), fixed once built. Its
/// arrays are [`Column`]s, so a graph read back from a view file is used in place.
#[derive(Debug, Clone, Default)]
pub struct Csr {
    nodes: u32,
    /// Edge `e` runs from `sources[e]` to `targets[e]` with weight `weights[e]`.
    sources: Column<u32>,
    targets: Column<u32>,
    weights: Column<u16>,
    /// Node `n`'s outgoing edges are `outgoing[out_starts[n]..out_starts[n + 1]]`, each as
    /// [target, edge], by edge id.
    out_starts: Column<u32>,
    outgoing: Column<[u32; 2]>,
    /// The same for incoming edges, each as [source, edge].
    in_starts: Column<u32>,
    incoming: Column<[u32; 2]>,
}

/// The arrays of a [`Csr`], in the order [`Csr::columns`] gives and [`Csr::from_columns`]
/// takes them.
pub struct CsrColumns {
    pub sources: Column<u32>,
    pub targets: Column<u32>,
    pub weights: Column<u16>,
    pub out_starts: Column<u32>,
    pub outgoing: Column<[u32; 2]>,
    pub in_starts: Column<u32>,
    pub incoming: Column<[u32; 2]>,
}

/// One edge, as `edges_directed` and `edge_references` give it.
#[derive(Debug, Clone, Copy)]
pub struct EdgeReference<'a> {
    id: u32,
    source: u32,
    target: u32,
    weight: &'a u16,
}

impl<'a> EdgeRef for EdgeReference<'a> {
    type NodeId = NodeIndex<u32>;
    type EdgeId = EdgeIndex<u32>;
    type Weight = u16;

    fn source(&self) -> NodeIndex<u32> {
        NodeIndex::new(self.source as usize)
    }
    fn target(&self) -> NodeIndex<u32> {
        NodeIndex::new(self.target as usize)
    }
    fn weight(&self) -> &u16 {
        self.weight
    }
    fn id(&self) -> EdgeIndex<u32> {
        EdgeIndex::new(self.id as usize)
    }
}

/// Groups `(node, other, edge)` by node, in edge order within a node (a counting sort).
fn rows(nodes: usize, entries: impl Iterator<Item = (u32, u32, u32)> + Clone) -> (Vec<u32>, Vec<[u32; 2]>) {
    let mut starts = vec![0u32; nodes + 1];
    for (node, ..) in entries.clone() {
        starts[node as usize + 1] += 1;
    }
    for i in 0..nodes {
        starts[i + 1] += starts[i];
    }
    let mut next: Vec<u32> = starts[..nodes].to_vec();
    let mut cells = vec![[0u32; 2]; starts[nodes] as usize];
    for (node, other, edge) in entries {
        let slot = &mut next[node as usize];
        cells[*slot as usize] = [other, edge];
        *slot += 1;
    }
    (starts, cells)
}

impl Csr {
    /// The graph of `nodes` nodes and these `(source, target, weight)` edges, whose ids are
    /// their positions. `None` when an edge names a node out of range or there are more
    /// edges than a `u32` counts.
    pub fn from_edges(nodes: u32, edges: &[(u32, u32, u16)]) -> Option<Csr> {
        u32::try_from(edges.len()).ok()?;
        if edges.iter().any(|(s, t, _)| *s >= nodes || *t >= nodes) {
            return None;
        }
        let n = nodes as usize;
        let numbered = edges.iter().enumerate().map(|(e, (s, t, _))| (*s, *t, e as u32));
        let (out_starts, outgoing) = rows(n, numbered.clone());
        let (in_starts, incoming) = rows(n, numbered.map(|(s, t, e)| (t, s, e)));
        Some(Csr {
            nodes,
            sources: edges.iter().map(|e| e.0).collect::<Vec<_>>().into(),
            targets: edges.iter().map(|e| e.1).collect::<Vec<_>>().into(),
            weights: edges.iter().map(|e| e.2).collect::<Vec<_>>().into(),
            out_starts: out_starts.into(),
            outgoing: outgoing.into(),
            in_starts: in_starts.into(),
            incoming: incoming.into(),
        })
    }

    /// The graph's arrays, to keep.
    pub fn columns(&self) -> CsrColumns {
        CsrColumns {
            sources: self.sources.clone(),
            targets: self.targets.clone(),
            weights: self.weights.clone(),
            out_starts: self.out_starts.clone(),
            outgoing: self.outgoing.clone(),
            in_starts: self.in_starts.clone(),
            incoming: self.incoming.clone(),
        }
    }

    /// The graph of `nodes` nodes in these arrays (as [`Csr::columns`] gave them); `None`
    /// unless every array has its length and every edge's ends are nodes. The rows are not
    /// read here (a graph read from a mapped file is read only where a query goes):
    /// [`Csr::edges_directed`] gives only the cells of a row that name a node and an edge,
    /// so no query on a broken graph can index out of bounds.
    pub fn from_columns(nodes: u32, columns: CsrColumns) -> Option<Csr> {
        let CsrColumns { sources, targets, weights, out_starts, outgoing, in_starts, incoming } = columns;
        let edges = weights.len();
        let n = nodes as usize;
        u32::try_from(edges).ok()?;
        let lengths_fit = sources.len() == edges
            && targets.len() == edges
            && outgoing.len() == edges
            && incoming.len() == edges
            && out_starts.len() == n + 1
            && in_starts.len() == n + 1;
        // A plain maximum, which the compiler vectorizes: a few milliseconds at 10M edges.
        let ends_fit = || sources.iter().chain(targets.iter()).copied().max().is_none_or(|most| most < nodes);
        (lengths_fit && ends_fit()).then_some(Csr {
            nodes,
            sources,
            targets,
            weights,
            out_starts,
            outgoing,
            in_starts,
            incoming,
        })
    }

    pub fn node_count(&self) -> usize {
        self.nodes as usize
    }

    pub fn edge_count(&self) -> usize {
        self.weights.len()
    }

    /// Bytes held by the arrays.
    pub fn bytes(&self) -> usize {
        self.sources.bytes()
            + self.targets.bytes()
            + self.weights.bytes()
            + self.out_starts.bytes()
            + self.in_starts.bytes()
            + self.outgoing.bytes()
            + self.incoming.bytes()
    }

    pub fn edge_endpoints(&self, edge: EdgeIndex<u32>) -> Option<(NodeIndex<u32>, NodeIndex<u32>)> {
        let e = edge.index();
        Some((NodeIndex::new(*self.sources.get(e)? as usize), NodeIndex::new(self.targets[e] as usize)))
    }

    pub fn node_indices(&self) -> impl Iterator<Item = NodeIndex<u32>> {
        (0..self.nodes as usize).map(NodeIndex::new)
    }

    pub fn edge_indices(&self) -> impl Iterator<Item = EdgeIndex<u32>> {
        (0..self.edge_count()).map(EdgeIndex::new)
    }

    /// Every edge, by id, as `(source, target, weight)`.
    pub fn raw_edges(&self) -> impl Iterator<Item = (u32, u32, u16)> + '_ {
        (0..self.edge_count()).map(|e| (self.sources[e], self.targets[e], self.weights[e]))
    }

    pub fn edge_references(&self) -> impl Iterator<Item = EdgeReference<'_>> {
        (0..self.edge_count()).map(|e| EdgeReference {
            id: e as u32,
            source: self.sources[e],
            target: self.targets[e],
            weight: &self.weights[e],
        })
    }

    /// The edges leaving (`Outgoing`) or reaching (`Incoming`) `node`, newest first.
    pub fn edges_directed(
        &self,
        node: NodeIndex<u32>,
        direction: Direction,
    ) -> impl Iterator<Item = EdgeReference<'_>> + Clone {
        let n = node.index();
        let (starts, cells) = match direction {
            Direction::Outgoing => (&*self.out_starts, &*self.outgoing),
            Direction::Incoming => (&*self.in_starts, &*self.incoming),
        };
        let row = match (starts.get(n), starts.get(n + 1)) {
            (Some(&a), Some(&b)) => cells.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        };
        let node = n as u32;
        let (nodes, weights) = (self.nodes, &*self.weights);
        // Every cell of a graph built here names a node and an edge; one read from a broken
        // file may not, and is passed over.
        row.iter().rev().filter_map(move |&[other, edge]| {
            let weight = weights.get(edge as usize).filter(|_| other < nodes)?;
            let (source, target) = match direction {
                Direction::Outgoing => (node, other),
                Direction::Incoming => (other, node),
            };
            Some(EdgeReference { id: edge, source, target, weight })
        })
    }
}

impl std::ops::Index<EdgeIndex<u32>> for Csr {
    type Output = u16;
    fn index(&self, edge: EdgeIndex<u32>) -> &u16 {
        &self.weights[edge.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::graph::DiGraph;
    use proptest::prelude::*;

    proptest! {
        /// Every query gives what petgraph's `Graph` gives for the same edges, in its order.
        #[test]
        fn agrees_with_petgraph(nodes in 1u32..12, edges in prop::collection::vec((0u32..12, 0u32..12, 0u16..4), 0..40)) {
            let edges: Vec<(u32, u32, u16)> = edges.into_iter().map(|(s, t, w)| (s % nodes, t % nodes, w)).collect();
            let csr = Csr::from_edges(nodes, &edges).expect("edges in range");
            let mut graph: DiGraph<u32, u16, u32> = DiGraph::default();
            for id in 0..nodes {
                graph.add_node(id);
            }
            for (s, t, w) in &edges {
                graph.add_edge(NodeIndex::new(*s as usize), NodeIndex::new(*t as usize), *w);
            }
            prop_assert_eq!(csr.node_count(), graph.node_count());
            prop_assert_eq!(csr.edge_count(), graph.edge_count());
            let flat = |e: EdgeReference<'_>| (e.id(), e.source(), e.target(), *e.weight());
            for node in graph.node_indices() {
                for direction in [Direction::Outgoing, Direction::Incoming] {
                    let ours: Vec<_> = csr.edges_directed(node, direction).map(flat).collect();
                    let theirs: Vec<_> = graph
                        .edges_directed(node, direction)
                        .map(|e| (e.id(), e.source(), e.target(), *e.weight()))
                        .collect();
                    prop_assert_eq!(ours, theirs);
                }
            }
            for edge in graph.edge_indices() {
                prop_assert_eq!(csr.edge_endpoints(edge), graph.edge_endpoints(edge));
                prop_assert_eq!(csr[edge], graph[edge]);
            }
        }
    }

    #[test]
    fn refuses_edges_out_of_range() {
        assert!(Csr::from_edges(2, &[(0, 2, 0)]).is_none());
        assert!(Csr::from_edges(0, &[]).is_some());
    }
}
