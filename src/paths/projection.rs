//! RDF → petgraph: entities become nodes, entity-to-entity relations become directed edges
//! labelled by an interned property. Labels, literals, types and provenance stay out.
//!
//! Architecture Invariant: which properties count, and their relation group, comes from the
//! ontology (`sg:inGroup`, `sg:BookkeepingProperty`); any other IRI-to-IRI property of a
//! user's RDF is followed too.

use crate::error::Error;
use crate::schema::Schema;
use crate::vocab::std_terms::RDF_TYPE;
use oxigraph::model::{NamedOrBlankNodeRef, TermRef};
use oxigraph::store::Store;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::Direction;
use std::collections::{HashMap, HashSet};

/// One interned property.
#[derive(Debug, Clone)]
pub struct PropertyEntry {
    pub iri: String,
    pub group: Option<String>,
    /// `up` when the edge points from a part to its whole, `down` for the reverse.
    pub hierarchy: Option<Hierarchy>,
}

/// Which way a hierarchical property points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hierarchy {
    Up,
    Down,
}

/// The projected graph.
pub struct Projection {
    /// Node weights are indexes into `nodes`; edge weights into `properties`.
    pub graph: DiGraph<u32, u16, u32>,
    pub nodes: Vec<String>,
    pub properties: Vec<PropertyEntry>,
    node_ids: HashMap<String, NodeIndex<u32>>,
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
    pub fn build(store: &Store, schema: &Schema) -> Result<Projection, Error> {
        let mut projection = Projection {
            graph: DiGraph::default(),
            nodes: Vec::new(),
            properties: Vec::new(),
            node_ids: HashMap::new(),
        };
        let mut property_ids: HashMap<String, Option<u16>> = HashMap::new();
        for quad in store.iter() {
            let quad = quad?;
            let (NamedOrBlankNodeRef::NamedNode(subject), TermRef::NamedNode(object)) =
                (quad.subject.as_ref(), quad.object.as_ref())
            else {
                continue;
            };
            if quad.predicate == RDF_TYPE {
                continue;
            }
            let property = match property_ids.get(quad.predicate.as_str()) {
                Some(known) => *known,
                None => {
                    let iri = quad.predicate.as_str();
                    let id = if schema.is_bookkeeping(iri) {
                        None
                    } else {
                        let id = u16::try_from(projection.properties.len())
                            .map_err(|_| Error::input("more than 65535 distinct relation properties", None))?;
                        projection.properties.push(PropertyEntry {
                            iri: iri.to_owned(),
                            group: schema.group_of(iri).map(str::to_owned),
                            hierarchy: schema.hierarchy_of(iri),
                        });
                        Some(id)
                    };
                    property_ids.insert(iri.to_owned(), id);
                    id
                }
            };
            let Some(property) = property else { continue };
            let from = projection.intern(subject.as_str());
            let to = projection.intern(object.as_str());
            projection.graph.add_edge(from, to, property);
        }
        projection.graph.shrink_to_fit();
        projection.nodes.shrink_to_fit();
        Ok(projection)
    }

    pub(crate) fn intern(&mut self, iri: &str) -> NodeIndex<u32> {
        if let Some(index) = self.node_ids.get(iri) {
            return *index;
        }
        let id = self.nodes.len() as u32;
        self.nodes.push(iri.to_owned());
        let index = self.graph.add_node(id);
        self.node_ids.insert(iri.to_owned(), index);
        index
    }

    /// The node of an IRI, when it takes part in any relation.
    pub fn node(&self, iri: &str) -> Option<NodeIndex<u32>> {
        self.node_ids.get(iri).copied()
    }

    /// The IRI of a node.
    pub fn iri(&self, node: NodeIndex<u32>) -> &str {
        &self.nodes[self.graph[node] as usize]
    }

    /// The property entry of an edge.
    pub fn property(&self, edge: EdgeIndex<u32>) -> &PropertyEntry {
        &self.properties[self.graph[edge] as usize]
    }

    /// Number of nodes and edges.
    pub fn size(&self) -> (usize, usize) {
        (self.graph.node_count(), self.graph.edge_count())
    }

    /// Approximate bytes held per edge (graph, node table and index included).
    pub fn bytes_per_edge(&self) -> f64 {
        let edges = self.graph.edge_count().max(1) as f64;
        let node_bytes: usize = self.nodes.iter().map(|n| n.capacity() + 24).sum::<usize>()
            + self.node_ids.capacity() * (24 + 4 + 8)
            + self.node_ids.keys().map(String::capacity).sum::<usize>()
            + self.graph.node_count() * 12;
        let edge_bytes = self.graph.edge_count() * std::mem::size_of::<petgraph::graph::Edge<u16, u32>>();
        (node_bytes + edge_bytes) as f64 / edges
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
        let mut projection = Projection {
            graph: DiGraph::default(),
            nodes: Vec::new(),
            properties: Vec::new(),
            node_ids: HashMap::new(),
        };
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
            projection.graph.add_edge(from, to, id);
        }
        projection
    }
}
