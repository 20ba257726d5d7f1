//! RDF → petgraph: entities become nodes, entity-to-entity relations become directed edges
//! labelled by an interned property. Labels, literals, types and provenance stay out.
//!
//! Architecture Invariant: which properties count, and their relation group, comes from the
//! ontology (`sg:inGroup`, `sg:BookkeepingProperty`); any other IRI-to-IRI property of a
//! user's RDF is followed too.

use super::csr::Csr;
use crate::backend::Backend;
use crate::error::Error;
use crate::schema::{Hierarchy, Schema};
use crate::vocab::{self, std_terms::RDF_TYPE};
use hashbrown::HashTable;
use oxigraph::model::TermRef;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::Direction;
use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::Hasher;

/// One interned property.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PropertyEntry {
    pub iri: String,
    pub group: Option<String>,
    /// `up` when the edge points from a part to its whole, `down` for the reverse.
    pub hierarchy: Option<Hierarchy>,
}

/// A projection's arrays as they are kept on disk between processes.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct StoredProjection {
    properties: Vec<PropertyEntry>,
    names: String,
    starts: Vec<u32>,
    nodes: u32,
    /// (source, target, property) in edge order, so a loaded projection is the built one.
    edges: Vec<(u32, u32, u16)>,
}

/// The projected graph.
pub struct Projection {
    /// Edge weights index `properties`; a node's id is its index.
    pub graph: Csr,
    pub properties: Vec<PropertyEntry>,
    /// The node IRIs, end to end, each with the entity namespace shortened to one byte.
    names: String,
    /// Node `i`'s name is `names[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    /// Node ids, found by the hash of their name: the lookup table without a second copy of
    /// the names.
    index: HashTable<u32>,
}

/// Stands for the entity namespace at the start of a stored name.
const ENTITY_MARK: char = '\u{1}';

fn name_hash(name: &str) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(name.as_bytes());
    hasher.finish()
}

/// Writes the stored form of `iri` into `out`.
fn encode(iri: &str, out: &mut String) {
    out.clear();
    match iri.strip_prefix(vocab::ENTITY) {
        Some(local) => {
            out.push(ENTITY_MARK);
            out.push_str(local);
        }
        None => out.push_str(iri),
    }
}

fn name_of<'a>(names: &'a str, starts: &[u32], id: u32) -> &'a str {
    &names[starts[id as usize] as usize..starts[id as usize + 1] as usize]
}

/// Which edges a traversal may use.
#[derive(Debug, Clone, Default)]
pub struct EdgeFilter {
    /// Allowed properties (indexes); `None` allows all.
    pub properties: Option<HashSet<u16>>,
    /// Nodes that may not be visited.
    pub avoid: HashSet<NodeIndex<u32>>,
}

impl EdgeFilter {
    /// True when an edge with this property may be used.
    pub fn allows(&self, property: u16) -> bool {
        self.properties.as_ref().is_none_or(|set| set.contains(&property))
    }
}

impl Projection {
    /// Projects every IRI-to-IRI triple whose property is not bookkeeping.
    pub fn build(backend: &Backend, schema: &Schema) -> Result<Projection, Error> {
        let mut projection = Projection::empty();
        let mut scratch = String::new();
        let mut edges: Vec<(u32, u32, u16)> = Vec::new();
        // The distinct predicates come first (a cheap SPARQL question); then only the triples
        // of projected predicates are read, in bulk, so labels and types, most of a graph,
        // are never decoded.
        for predicate in backend.predicates()? {
            let iri = predicate.as_str();
            if predicate.as_ref() == RDF_TYPE || schema.is_bookkeeping(iri) {
                continue;
            }
            let mut property = None;
            backend.scan_predicate(predicate.as_ref(), &mut |subject, object| {
                let TermRef::NamedNode(object) = object else {
                    return Ok(());
                };
                let id = match property {
                    Some(id) => id,
                    None => {
                        let id = u16::try_from(projection.properties.len())
                            .map_err(|_| Error::input("more than 65535 distinct relation properties", None))?;
                        projection.properties.push(PropertyEntry {
                            iri: iri.to_owned(),
                            group: schema.group_of(iri).map(str::to_owned),
                            hierarchy: schema.hierarchy_of(iri),
                        });
                        property = Some(id);
                        id
                    }
                };
                let from = projection.intern_with(subject, &mut scratch)?;
                let to = projection.intern_with(object.as_str(), &mut scratch)?;
                edges.push((from.index() as u32, to.index() as u32, id));
                Ok(())
            })?;
        }
        u32::try_from(edges.len()).map_err(|_| Error::input("more than 4 billion relations", None))?;
        projection.canonicalize(edges);
        projection.names.shrink_to_fit();
        projection.starts.shrink_to_fit();
        projection.index.shrink_to(0, |id| name_hash(name_of(&projection.names, &projection.starts, *id)));
        Ok(projection)
    }

    /// Renumbers the nodes in IRI order and re-adds the edges in (source, target, property)
    /// order, so the projection, and every tie an algorithm breaks on it, is the same
    /// whatever order a backend read the triples in.
    fn canonicalize(&mut self, edges: Vec<(u32, u32, u16)>) {
        let n = self.starts.len() - 1;
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by(|a, b| {
            name_of(&self.names, &self.starts, *a).cmp(name_of(&self.names, &self.starts, *b))
        });
        let mut new_id = vec![0u32; n];
        for (new, old) in order.iter().enumerate() {
            new_id[*old as usize] = new as u32;
        }
        let mut edges: Vec<(u32, u32, u16)> =
            edges.into_iter().map(|(s, t, p)| (new_id[s as usize], new_id[t as usize], p)).collect();
        edges.sort_unstable();
        let mut names = String::with_capacity(self.names.len());
        let mut starts = Vec::with_capacity(n + 1);
        starts.push(0u32);
        for old in &order {
            names.push_str(name_of(&self.names, &self.starts, *old));
            starts.push(names.len() as u32);
        }
        let mut index = HashTable::with_capacity(n);
        for id in 0..n as u32 {
            index.insert_unique(name_hash(name_of(&names, &starts, id)), id, |id| {
                name_hash(name_of(&names, &starts, *id))
            });
        }
        let graph = Csr::from_edges(n as u32, &edges).expect("interned nodes and counted edges");
        self.names = names;
        self.starts = starts;
        self.index = index;
        self.graph = graph;
    }

    /// The projection as plain arrays, to keep on disk (`views`).
    pub fn to_stored(&self) -> StoredProjection {
        StoredProjection {
            properties: self.properties.clone(),
            names: self.names.clone(),
            starts: self.starts.clone(),
            nodes: self.graph.node_count() as u32,
            edges: self.graph.raw_edges().collect(),
        }
    }

    /// This projection without the edges `hidden(subject, property, object)` names (IRIs):
    /// the same nodes and the remaining edges in the same order, so it stays canonical.
    pub fn without_edges(&self, hidden: impl Fn(&str, &str, &str) -> bool) -> Projection {
        let mut stored = self.to_stored();
        stored.edges.retain(|(s, t, p)| {
            let subject = self.iri(NodeIndex::new(*s as usize));
            let object = self.iri(NodeIndex::new(*t as usize));
            !hidden(&subject, &self.properties[*p as usize].iri, &object)
        });
        Projection::from_stored(stored).expect("a projection's own arrays fit together")
    }

    /// The projection back from its stored arrays; `None` when they do not fit together.
    pub fn from_stored(stored: StoredProjection) -> Option<Projection> {
        let StoredProjection { properties, names, starts, nodes, edges } = stored;
        let n = nodes as usize;
        if starts.len() != n + 1 || starts.last().copied() != Some(names.len() as u32) {
            return None;
        }
        if starts.windows(2).any(|w| w[0] > w[1] || !names.is_char_boundary(w[1] as usize)) {
            return None;
        }
        if edges.iter().any(|(_, _, p)| *p as usize >= properties.len()) {
            return None;
        }
        let graph = Csr::from_edges(nodes, &edges)?;
        let mut index = HashTable::with_capacity(n);
        for id in 0..nodes {
            let hash = name_hash(name_of(&names, &starts, id));
            index.insert_unique(hash, id, |id| name_hash(name_of(&names, &starts, *id)));
        }
        Some(Projection { graph, properties, names, starts, index })
    }

    fn empty() -> Projection {
        Projection {
            graph: Csr::default(),
            properties: Vec::new(),
            names: String::new(),
            starts: vec![0],
            index: HashTable::new(),
        }
    }

    #[cfg(test)]
    pub(crate) fn intern(&mut self, iri: &str) -> NodeIndex<u32> {
        self.intern_with(iri, &mut String::new()).expect("a small test graph")
    }

    /// The node of `iri`, added when new; `scratch` is reused between calls.
    fn intern_with(&mut self, iri: &str, scratch: &mut String) -> Result<NodeIndex<u32>, Error> {
        encode(iri, scratch);
        let hash = name_hash(scratch);
        let Projection { names, starts, index, .. } = self;
        if let Some(id) = index.find(hash, |id| name_of(names, starts, *id) == scratch.as_str()) {
            return Ok(NodeIndex::new(*id as usize));
        }
        let id = u32::try_from(starts.len() - 1).map_err(|_| Error::input("more than 4 billion entities", None))?;
        names.push_str(scratch);
        let end = u32::try_from(names.len())
            .map_err(|_| Error::input("the entity names exceed the projection's 4 GiB name table", None))?;
        starts.push(end);
        index.insert_unique(hash, id, |id| name_hash(name_of(names, starts, *id)));
        Ok(NodeIndex::new(id as usize))
    }

    /// The node of an IRI, when it takes part in any relation.
    pub fn node(&self, iri: &str) -> Option<NodeIndex<u32>> {
        let mut name = String::new();
        encode(iri, &mut name);
        self.index
            .find(name_hash(&name), |id| name_of(&self.names, &self.starts, *id) == name)
            .map(|id| NodeIndex::new(*id as usize))
    }

    /// The IRI of a node.
    pub fn iri(&self, node: NodeIndex<u32>) -> Cow<'_, str> {
        let name = name_of(&self.names, &self.starts, node.index() as u32);
        match name.strip_prefix(ENTITY_MARK) {
            Some(local) => Cow::Owned(format!("{}{local}", vocab::ENTITY)),
            None => Cow::Borrowed(name),
        }
    }

    /// The property entry of an edge.
    pub fn property(&self, edge: EdgeIndex<u32>) -> &PropertyEntry {
        &self.properties[self.graph[edge] as usize]
    }

    /// Number of nodes and edges.
    pub fn size(&self) -> (usize, usize) {
        (self.graph.node_count(), self.graph.edge_count())
    }

    /// Bytes held per edge: the graph's node and edge arrays, the name table and its index.
    pub fn bytes_per_edge(&self) -> f64 {
        let edges = self.graph.edge_count().max(1) as f64;
        let name_bytes = self.names.capacity()
            + self.starts.capacity() * 4
            // hashbrown: one u32 and one control byte per bucket.
            + self.index.capacity() * 5;
        (name_bytes + self.graph.bytes()) as f64 / edges
    }

    /// The properties matching names given to `--via`: a relation group key or label, or a
    /// property (prefixed name, local name, IRI or label).
    pub fn filter_for(&self, schema: &Schema, via: &[String]) -> Result<Option<HashSet<u16>>, Error> {
        if via.is_empty() {
            return Ok(None);
        }
        let mut allowed = HashSet::new();
        for name in via.iter().flat_map(|v| v.split(',')).map(str::trim).filter(|v| !v.is_empty()) {
            if let Some(group) = schema.find_group(name) {
                allowed.extend(
                    self.properties
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| p.group.as_deref() == Some(group))
                        .map(|(i, _)| i as u16),
                );
                continue;
            }
            let by_name = schema.resolve_property(name).ok().or_else(|| {
                schema.properties.iter().find_map(|(iri, info)| {
                    (info.labels.en.as_deref() == Some(name) || info.labels.zh.as_deref() == Some(name))
                        .then(|| iri.clone())
                })
            });
            match by_name {
                Some(iri) => allowed
                    .extend(self.properties.iter().enumerate().filter(|(_, p)| p.iri == iri).map(|(i, _)| i as u16)),
                None => {
                    let groups: Vec<&str> = schema.groups.keys().map(String::as_str).collect();
                    return Err(Error::input(
                        format!("`{name}` is neither a relation group nor a property"),
                        Some(format!("groups: {}", groups.join(", "))),
                    ));
                }
            }
        }
        Ok(Some(allowed))
    }

    /// Edges at a node in both directions, with the neighbour and whether the edge points
    /// away from the node.
    pub fn incident(
        &self,
        node: NodeIndex<u32>,
        directed: bool,
    ) -> impl Iterator<Item = (EdgeIndex<u32>, NodeIndex<u32>, bool)> + '_ {
        use petgraph::visit::EdgeRef;
        let outgoing = self.graph.edges_directed(node, Direction::Outgoing).map(|e| (e.id(), e.target(), true));
        let incoming = (!directed)
            .then(|| self.graph.edges_directed(node, Direction::Incoming).map(|e| (e.id(), e.source(), false)))
            .into_iter()
            .flatten();
        outgoing.chain(incoming)
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// A projection made from `(subject, property, object)` names, for algorithm tests.
    pub(crate) fn projection_from(edges: &[(&str, &str, &str)]) -> Projection {
        projection_of(&[], edges)
    }

    /// A projection of these nodes (in this order, related or not) and the nodes the edges
    /// name.
    pub(crate) fn projection_of(nodes: &[&str], edges: &[(&str, &str, &str)]) -> Projection {
        let mut projection = Projection::empty();
        for node in nodes {
            projection.intern(node);
        }
        let mut numbered = Vec::new();
        for (subject, property, object) in edges {
            let id = match projection.properties.iter().position(|p| p.iri == *property) {
                Some(id) => id as u16,
                None => {
                    projection.properties.push(PropertyEntry {
                        iri: (*property).to_owned(),
                        group: None,
                        hierarchy: None,
                    });
                    (projection.properties.len() - 1) as u16
                }
            };
            let from = projection.intern(subject);
            let to = projection.intern(object);
            numbered.push((from.index() as u32, to.index() as u32, id));
        }
        projection.graph = Csr::from_edges(projection.starts.len() as u32 - 1, &numbered).expect("interned nodes");
        projection
    }
}
