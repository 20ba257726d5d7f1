//! Nodes, edges and paths of the projection as the public reply types: IRIs, labels in the
//! output language, properties, directions and evidence.

use super::algo::{hops_between, Path, Step, Walk};
use super::Projection;
use crate::backend::Backend;
use crate::describe::{evidence_for, Evidence};
use crate::error::Error;
use crate::resolve::EntityIndex;
use crate::schema::{Lang, Schema};
use oxigraph::model::NamedNodeRef;
use petgraph::graph::NodeIndex;

type Node = NodeIndex<u32>;
use serde::Serialize;

/// What rendering needs to name things.
pub struct Namer<'a> {
    pub backend: &'a Backend,
    pub schema: &'a Schema,
    pub index: &'a EntityIndex,
    pub projection: &'a Projection,
    pub lang: Lang,
}

/// A node in JSON output.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NodeJson {
    pub iri: String,
    pub label: String,
    pub en: Option<String>,
    pub zh: Option<String>,
}

/// An edge in JSON output.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EdgeJson {
    /// The edge's own subject and object, whatever way the path walks it.
    pub subject: String,
    pub object: String,
    pub property: String,
    pub property_label: String,
    pub group: Option<String>,
    /// The group's label in the output language.
    pub group_label: Option<String>,
    /// `forward` when the path walks the edge from subject to object, else `backward`.
    pub direction: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<Evidence>>,
    /// When the relation began and ended, as its sources date it (when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// The other relations between the same two entities on this hop of a route.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parallel: Vec<EdgeJson>,
}

/// A path in JSON output.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PathJson {
    pub length: usize,
    pub nodes: Vec<NodeJson>,
    pub edges: Vec<EdgeJson>,
}

impl Namer<'_> {
    /// The label of a node.
    pub fn label(&self, iri: &str) -> String {
        self.index.label(iri, self.lang)
    }

    /// A node for JSON.
    pub fn node_json(&self, iri: &str) -> NodeJson {
        let names = self.index.names(iri);
        NodeJson {
            iri: iri.to_owned(),
            label: self.label(iri),
            en: names.and_then(|n| n.en.clone()),
            zh: names.and_then(|n| n.zh.clone()),
        }
    }

    /// The evidence for the triple behind an edge.
    pub fn evidence(&self, step: &Step) -> Result<Vec<Evidence>, Error> {
        let (source, target) = self.projection.graph.edge_endpoints(step.edge).expect("edge exists");
        let property = &self.projection.property(step.edge).iri;
        evidence_for(
            self.backend,
            self.schema,
            self.lang,
            NamedNodeRef::new_unchecked(&self.projection.iri(source)),
            NamedNodeRef::new_unchecked(property),
            NamedNodeRef::new_unchecked(&self.projection.iri(target)).into(),
        )
    }

    /// An edge for JSON.
    pub fn edge_json(&self, step: &Step, with_evidence: bool) -> Result<EdgeJson, Error> {
        let (source, target) = self.projection.graph.edge_endpoints(step.edge).expect("edge exists");
        let property = self.projection.property(step.edge);
        Ok(EdgeJson {
            subject: self.projection.iri(source).into_owned(),
            object: self.projection.iri(target).into_owned(),
            property: property.iri.clone(),
            property_label: self.schema.term_label(&property.iri, self.lang),
            group: property.group.clone(),
            group_label: property.group.as_ref().map(|g| {
                self.schema.groups.get(g).and_then(|g| g.labels.get(self.lang)).unwrap_or(g.as_str()).to_owned()
            }),
            direction: if step.forward { "forward" } else { "backward" },
            evidence: if with_evidence { Some(self.evidence(step)?) } else { None },
            start: None,
            end: None,
            parallel: Vec::new(),
        })
    }

    /// These edges with the dates their sources give them, the evidence of all of them read
    /// together.
    pub fn dated_edges_json(&self, steps: &[Step]) -> Result<Vec<EdgeJson>, Error> {
        let ends: Vec<(String, String, String)> = steps
            .iter()
            .map(|step| {
                let (source, target) = self.projection.graph.edge_endpoints(step.edge).expect("edge exists");
                (
                    self.projection.iri(source).into_owned(),
                    self.projection.property(step.edge).iri.clone(),
                    self.projection.iri(target).into_owned(),
                )
            })
            .collect();
        let triples: Vec<_> = ends
            .iter()
            .map(|(s, p, o)| {
                (NamedNodeRef::new_unchecked(s), NamedNodeRef::new_unchecked(p), NamedNodeRef::new_unchecked(o).into())
            })
            .collect();
        let evidence = crate::describe::evidence_for_each(self.backend, self.schema, self.lang, &triples)?;
        steps
            .iter()
            .zip(evidence)
            .map(|(step, evidence)| {
                let mut edge = self.edge_json(step, false)?;
                edge.start = evidence.iter().filter_map(|e| e.start.clone()).min();
                edge.end = evidence.iter().filter_map(|e| e.end.clone()).max();
                Ok(edge)
            })
            .collect()
    }

    /// One hop of a route from `from`: its edge, with every parallel relation the walk
    /// allows between the same two entities.
    pub fn hop_json(&self, from: Node, step: &Step, walk: &Walk<'_>, with_evidence: bool) -> Result<EdgeJson, Error> {
        let mut hops = hops_between(self.projection, from, step, walk).into_iter();
        let first = hops.next().unwrap_or(*step);
        let mut edge = self.edge_json(&first, with_evidence)?;
        edge.parallel = hops.map(|s| self.edge_json(&s, with_evidence)).collect::<Result<_, _>>()?;
        Ok(edge)
    }

    /// A path for JSON, parallel relations shown on their hop.
    pub fn path_json(&self, path: &Path, walk: &Walk<'_>, with_evidence: bool) -> Result<PathJson, Error> {
        let nodes = path.nodes();
        Ok(PathJson {
            length: path.len(),
            nodes: nodes.iter().map(|n| self.node_json(&self.projection.iri(*n))).collect(),
            edges: path
                .steps
                .iter()
                .zip(&nodes)
                .map(|(s, from)| self.hop_json(*from, s, walk, with_evidence))
                .collect::<Result<_, _>>()?,
        })
    }
}
