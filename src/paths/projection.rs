//! RDF → petgraph: entities become nodes, entity-to-entity relations become directed edges
//! labelled by an interned property. Labels, literals, types and provenance stay out.
//!
//! Architecture Invariant: which properties count, and their relation group, comes from the
//! ontology (`sg:inGroup`, `sg:BookkeepingProperty`); any other IRI-to-IRI property of a
//! user's RDF is followed too.

use super::csr::{Csr, CsrColumns};
use crate::backend::Backend;
use crate::columns::{as_bytes, Column};
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

/// The projected graph. Its arrays are [`Column`]s: built in memory, or read in place from
/// the view file an earlier process kept (`Projection::to_bytes`, `Projection::from_map`).
pub struct Projection {
    /// Edge weights index `properties`; a node's id is its index.
    pub graph: Csr,
    pub properties: Vec<PropertyEntry>,
    /// The node IRIs, end to end, each with the entity namespace shortened to one byte, in
    /// IRI order (`canonical`).
    names: Column<u8>,
    /// Node `i`'s name is `names[starts[i]..starts[i + 1]]`.
    starts: Column<u32>,
    /// Node ids by the hash of their name: an open-addressing table with linear probing,
    /// a power of two long and at most half full, `EMPTY` where no node is.
    slots: Column<u32>,
}

/// Stands for the entity namespace at the start of a stored name.
const ENTITY_MARK: char = '\u{1}';

/// An unused place in the name table's slots.
const EMPTY: u32 = u32::MAX;

/// The number of columns in a kept projection: the properties (postcard), the names, their
/// starts, the name slots and the seven arrays of the graph.
const STORED_COLUMNS: usize = 11;

fn name_hash(name: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(name);
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

/// Node `id`'s name; empty where a broken kept file puts it outside the names.
fn name_of<'a>(names: &'a [u8], starts: &[u32], id: u32) -> &'a [u8] {
    let at = id as usize;
    match (starts.get(at), starts.get(at + 1)) {
        (Some(&a), Some(&b)) => names.get(a as usize..b as usize).unwrap_or_default(),
        _ => &[],
    }
}

/// The slots of the name table for these names (see [`Projection::slots`]).
fn slots_for(names: &[u8], starts: &[u32]) -> Vec<u32> {
    let n = starts.len() - 1;
    let size = (2 * n).next_power_of_two().max(2);
    let mask = size - 1;
    let mut slots = vec![EMPTY; size];
    for id in 0..n as u32 {
        let mut at = name_hash(name_of(names, starts, id)) as usize & mask;
        while slots[at] != EMPTY {
            at = (at + 1) & mask;
        }
        slots[at] = id;
    }
    slots
}

/// Node names while a projection is read from a backend: each new IRI gets the next id.
#[derive(Default)]
struct Interner {
    names: String,
    starts: Vec<u32>,
    index: HashTable<u32>,
}

impl Interner {
    fn new() -> Interner {
        Interner { starts: vec![0], ..Interner::default() }
    }

    /// The id of `iri`, added when new; `scratch` is reused between calls.
    fn intern(&mut self, iri: &str, scratch: &mut String) -> Result<u32, Error> {
        encode(iri, scratch);
        let hash = name_hash(scratch.as_bytes());
        let Interner { names, starts, index } = self;
        let name_at =
            |names: &str, starts: &[u32], id: u32| -> u64 { name_hash(name_of(names.as_bytes(), starts, id)) };
        if let Some(id) = index.find(hash, |id| name_of(names.as_bytes(), starts, *id) == scratch.as_bytes()) {
            return Ok(*id);
        }
        let id = u32::try_from(starts.len() - 1).map_err(|_| Error::input("more than 4 billion entities", None))?;
        names.push_str(scratch);
        let end = u32::try_from(names.len())
            .map_err(|_| Error::input("the entity names exceed the projection's 4 GiB name table", None))?;
        starts.push(end);
        index.insert_unique(hash, id, |id| name_at(names, starts, *id));
        Ok(id)
    }
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
        let mut interner = Interner::new();
        let mut properties: Vec<PropertyEntry> = Vec::new();
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
                        let id = u16::try_from(properties.len())
                            .map_err(|_| Error::input("more than 65535 distinct relation properties", None))?;
                        properties.push(PropertyEntry {
                            iri: iri.to_owned(),
                            group: schema.group_of(iri).map(str::to_owned),
                            hierarchy: schema.hierarchy_of(iri),
                        });
                        property = Some(id);
                        id
                    }
                };
                let from = interner.intern(subject, &mut scratch)?;
                let to = interner.intern(object.as_str(), &mut scratch)?;
                edges.push((from, to, id));
                Ok(())
            })?;
        }
        u32::try_from(edges.len()).map_err(|_| Error::input("more than 4 billion relations", None))?;
        Ok(Projection::canonical(properties, interner, edges))
    }

    /// The projection with its nodes renumbered in IRI order and its edges added in
    /// (source, target, property) order, so it, and every tie an algorithm breaks on it, is
    /// the same whatever order a backend read the triples in.
    fn canonical(properties: Vec<PropertyEntry>, interner: Interner, edges: Vec<(u32, u32, u16)>) -> Projection {
        let Interner { names: old_names, starts: old_starts, index } = interner;
        drop(index);
        let old_names = old_names.into_bytes();
        let n = old_starts.len() - 1;
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_unstable_by(|a, b| name_of(&old_names, &old_starts, *a).cmp(name_of(&old_names, &old_starts, *b)));
        let mut new_id = vec![0u32; n];
        for (new, old) in order.iter().enumerate() {
            new_id[*old as usize] = new as u32;
        }
        let mut edges: Vec<(u32, u32, u16)> =
            edges.into_iter().map(|(s, t, p)| (new_id[s as usize], new_id[t as usize], p)).collect();
        edges.sort_unstable();
        let mut names = Vec::with_capacity(old_names.len());
        let mut starts = Vec::with_capacity(n + 1);
        starts.push(0u32);
        for old in &order {
            names.extend_from_slice(name_of(&old_names, &old_starts, *old));
            starts.push(names.len() as u32);
        }
        Projection::assemble(properties, names, starts, &edges)
    }

    /// The projection of these nodes and `(source, target, property)` edges, in this order.
    fn assemble(
        properties: Vec<PropertyEntry>,
        names: Vec<u8>,
        starts: Vec<u32>,
        edges: &[(u32, u32, u16)],
    ) -> Projection {
        let slots = slots_for(&names, &starts);
        let graph = Csr::from_edges(starts.len() as u32 - 1, edges).expect("interned nodes and counted edges");
        Projection { graph, properties, names: names.into(), starts: starts.into(), slots: slots.into() }
    }

    /// The projection as one block of bytes, to keep on disk (`views`) and map back with
    /// [`Projection::from_map`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let properties = postcard::to_allocvec(&self.properties).expect("property entries serialize");
        let graph = self.graph.columns();
        crate::columns::write_block(&[
            &properties,
            &self.names,
            as_bytes(&self.starts),
            as_bytes(&self.slots),
            as_bytes(&graph.sources),
            as_bytes(&graph.targets),
            as_bytes(&graph.weights),
            as_bytes(&graph.out_starts),
            as_bytes(&graph.outgoing),
            as_bytes(&graph.in_starts),
            as_bytes(&graph.incoming),
        ])
    }

    /// The projection kept in a mapped view file from `offset` on, read in place; `None`
    /// when its arrays do not fit together (a broken or foreign file), so that nothing read
    /// from it can index out of bounds.
    pub fn from_map(map: memmap2::Mmap, offset: usize) -> Option<Projection> {
        let map = std::sync::Arc::new(map);
        let ranges = crate::columns::read_block(&map, offset, STORED_COLUMNS)?;
        let properties: Vec<PropertyEntry> = postcard::from_bytes(map.get(ranges[0].clone())?).ok()?;
        let names: Column<u8> = Column::mapped(&map, ranges[1].clone())?;
        let starts: Column<u32> = Column::mapped(&map, ranges[2].clone())?;
        let slots: Column<u32> = Column::mapped(&map, ranges[3].clone())?;
        let graph = CsrColumns {
            sources: Column::mapped(&map, ranges[4].clone())?,
            targets: Column::mapped(&map, ranges[5].clone())?,
            weights: Column::mapped(&map, ranges[6].clone())?,
            out_starts: Column::mapped(&map, ranges[7].clone())?,
            outgoing: Column::mapped(&map, ranges[8].clone())?,
            in_starts: Column::mapped(&map, ranges[9].clone())?,
            incoming: Column::mapped(&map, ranges[10].clone())?,
        };
        let nodes = u32::try_from(starts.len().checked_sub(1)?).ok()?;
        if graph.weights.iter().copied().max().is_some_and(|most| most as usize >= properties.len()) {
            return None;
        }
        let graph = Csr::from_columns(nodes, graph)?;
        // The names are read where a query goes, not here: `name_of` and `iri` pass over a
        // name a broken file places outside the text or in the middle of a character, and
        // `node` probes at most every slot.
        let fits = starts.first() == Some(&0)
            && starts.last().map(|&s| s as usize) == Some(names.len())
            && slots.len().is_power_of_two()
            && slots.len() > nodes as usize;
        fits.then_some(Projection { graph, properties, names, starts, slots })
    }

    /// This projection without the edges `hidden(subject, property, object)` names (IRIs):
    /// the same nodes and the remaining edges in the same order, so it stays canonical.
    pub fn without_edges(&self, hidden: impl Fn(&str, &str, &str) -> bool) -> Projection {
        let edges: Vec<(u32, u32, u16)> = self
            .graph
            .raw_edges()
            .filter(|(s, t, p)| {
                let subject = self.iri(NodeIndex::new(*s as usize));
                let object = self.iri(NodeIndex::new(*t as usize));
                !hidden(&subject, &self.properties[*p as usize].iri, &object)
            })
            .collect();
        Projection {
            graph: Csr::from_edges(self.graph.node_count() as u32, &edges).expect("a projection's own nodes"),
            properties: self.properties.clone(),
            names: self.names.clone(),
            starts: self.starts.clone(),
            slots: self.slots.clone(),
        }
    }

    /// The node of an IRI, when it takes part in any relation.
    pub fn node(&self, iri: &str) -> Option<NodeIndex<u32>> {
        let mut name = String::new();
        encode(iri, &mut name);
        let mask = self.slots.len() - 1;
        let mut at = name_hash(name.as_bytes()) as usize & mask;
        // A table built here is at most half full, so the probe ends at an empty slot; one
        // read from a broken file ends after every slot at the latest.
        for _ in 0..self.slots.len() {
            let id = self.slots[at];
            if id == EMPTY {
                return None;
            }
            if (id as usize) < self.graph.node_count() && name_of(&self.names, &self.starts, id) == name.as_bytes() {
                return Some(NodeIndex::new(id as usize));
            }
            at = (at + 1) & mask;
        }
        None
    }

    /// The IRI of a node.
    pub fn iri(&self, node: NodeIndex<u32>) -> Cow<'_, str> {
        // A name that is not UTF-8 (a broken kept file) reads as empty.
        let name = std::str::from_utf8(name_of(&self.names, &self.starts, node.index() as u32)).unwrap_or_default();
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
        let name_bytes = self.names.bytes() + self.starts.bytes() + self.slots.bytes();
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
        let mut interner = Interner::new();
        let mut scratch = String::new();
        let mut properties: Vec<PropertyEntry> = Vec::new();
        for node in nodes {
            interner.intern(node, &mut scratch).expect("a small test graph");
        }
        let mut numbered = Vec::new();
        for (subject, property, object) in edges {
            let id = match properties.iter().position(|p| p.iri == *property) {
                Some(id) => id as u16,
                None => {
                    properties.push(PropertyEntry { iri: (*property).to_owned(), group: None, hierarchy: None });
                    (properties.len() - 1) as u16
                }
            };
            let from = interner.intern(subject, &mut scratch).expect("a small test graph");
            let to = interner.intern(object, &mut scratch).expect("a small test graph");
            numbered.push((from, to, id));
        }
        Projection::assemble(properties, interner.names.into_bytes(), interner.starts, &numbered)
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::projection_from;
    use super::*;

    fn mapped(bytes: &[u8]) -> Option<Projection> {
        let mut file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut file, bytes).unwrap();
        // SAFETY: a private temporary file, not changed while mapped.
        let map = unsafe { memmap2::Mmap::map(&file).unwrap() };
        Projection::from_map(map, 0)
    }

    fn edges_of(projection: &Projection) -> Vec<(String, String, String)> {
        projection
            .graph
            .raw_edges()
            .map(|(s, t, p)| {
                let iri = |n: u32| projection.iri(NodeIndex::new(n as usize)).into_owned();
                (iri(s), projection.properties[p as usize].iri.clone(), iri(t))
            })
            .collect()
    }

    #[test]
    fn a_kept_projection_maps_back_as_it_was() {
        let entity = |id: &str| format!("{}{id}", vocab::ENTITY);
        let (a, b, c) = (entity("a"), entity("b"), entity("中文-c"));
        let built = projection_from(&[(&a, "urn:p", &b), (&b, "urn:q", &c), (&c, "urn:p", "urn:outside")]);
        let read = mapped(&built.to_bytes()).expect("a projection's own bytes map back");
        assert_eq!(read.size(), built.size());
        assert_eq!(edges_of(&read), edges_of(&built));
        for iri in [&a, &b, &c, "urn:outside"] {
            assert_eq!(read.node(iri), built.node(iri), "{iri}");
            assert!(read.node(iri).is_some());
        }
        assert_eq!(read.node("urn:missing"), None);
        for node in built.graph.node_indices() {
            let ours: Vec<_> = read.incident(node, false).collect();
            let theirs: Vec<_> = built.incident(node, false).collect();
            assert_eq!(ours, theirs);
        }
        let hidden = read.without_edges(|_, p, _| p == "urn:q");
        assert_eq!(hidden.size(), (4, 2));
    }

    #[test]
    fn a_broken_kept_projection_is_refused() {
        let built = projection_from(&[("urn:a", "urn:p", "urn:b"), ("urn:b", "urn:p", "urn:c")]);
        let bytes = built.to_bytes();
        assert!(mapped(&bytes[..bytes.len() - 1]).is_none(), "a cut file");
        assert!(mapped(b"not a view at all").is_none());
        // Every single flipped byte is refused or still gives a graph that answers without
        // panicking.
        for at in 0..bytes.len() {
            let mut broken = bytes.clone();
            broken[at] ^= 0xff;
            if let Some(projection) = mapped(&broken) {
                for node in projection.graph.node_indices() {
                    let _ = projection.incident(node, false).count();
                    let _ = projection.node(&projection.iri(node));
                }
            }
        }
    }
}
