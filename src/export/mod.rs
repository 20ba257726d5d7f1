//! Export for visualization tools and as RDF: pick a subgraph (everything, around an
//! entity, along paths, by relation group, or from a CONSTRUCT query), then render it.

mod formats;
mod png;
pub mod svg;

use crate::error::Error;
use crate::paths::algo::{self, Walk};
use crate::paths::EdgeFilter;
use crate::schema::{Lang, Schema};
use crate::session::{Session, Settings};
use crate::vocab::std_terms::{RDFS_LABEL, RDF_TYPE};
use clap::{Args, ValueEnum};
use oxigraph::model::{NamedNode, Term, Triple};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Graphviz DOT.
    Dot,
    /// GraphML with declared keys (Gephi, yEd, Cytoscape, networkx).
    Graphml,
    /// Cytoscape.js elements JSON.
    Cytoscape,
    /// A Mermaid flowchart.
    Mermaid,
    /// An SVG picture laid out by stratagraph itself.
    Svg,
    /// The SVG picture as a PNG (twice its size), drawn in-process.
    Png,
    Turtle,
    Ntriples,
    Jsonld,
}

/// Arguments of `export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The format (dot unless the -o file's extension names another).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Write to a file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only the neighbourhood of this entity.
    #[arg(long, value_name = "ENTITY")]
    pub around: Option<String>,
    /// How far --around reaches.
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// Only these relation groups or properties (comma separated).
    #[arg(long, value_name = "GROUP|PROPERTY,...", value_delimiter = ',')]
    pub via: Vec<String>,
    /// Only the routes `path FROM TO` finds.
    #[arg(long, num_args = 2, value_names = ["FROM", "TO"])]
    pub path: Option<Vec<String>>,
    /// With --path: the N shortest routes.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub k: usize,
    /// The graph a CONSTRUCT query builds.
    #[arg(long, value_name = "FILE.rq", conflicts_with_all = ["around", "path"])]
    pub construct: Option<PathBuf>,
    /// The CONSTRUCT query's text itself (from the server's API; not a command-line flag).
    #[arg(skip)]
    pub construct_text: Option<String>,
    /// A title for the picture formats (default: one naming the selection).
    #[arg(long)]
    pub title: Option<String>,
    /// The picture's shape for svg and png: an aspect ratio such as 16:9 or 4:3, or a size
    /// in pixels such as 1920x1080.
    #[arg(long, value_name = "W:H|WxH")]
    pub size: Option<svg::PictureSize>,
}

/// A node to draw.
#[derive(Debug, Clone)]
pub struct ExportNode {
    pub iri: String,
    pub label: String,
    pub class: Option<String>,
    pub class_label: Option<String>,
    pub colour: String,
}

/// An edge to draw.
#[derive(Debug, Clone)]
pub struct ExportEdge {
    pub source: usize,
    pub target: usize,
    pub property: String,
    pub label: String,
    pub group: Option<String>,
}

/// The subgraph an export renders.
#[derive(Debug, Clone, Default)]
pub struct Subgraph {
    pub nodes: Vec<ExportNode>,
    pub edges: Vec<ExportEdge>,
    pub title: String,
    /// Relation groups in a fixed order, for edge colours and the legend.
    pub groups: Vec<(String, String)>,
}

const DEFAULT_COLOUR: &str = "#e0e0e0";

/// What an export produced: a picture or graph-tool format as text, or RDF triples for
/// the one RDF renderer.
pub enum Exported {
    Text { text: String, media_type: &'static str },
    Binary { bytes: Vec<u8>, media_type: &'static str },
    Rdf { triples: Vec<Triple>, format: crate::formats::GraphFormat },
}

impl ExportFormat {
    /// The format a file name's extension names.
    pub fn from_extension(extension: &str) -> Option<ExportFormat> {
        Some(match extension {
            "dot" | "gv" => ExportFormat::Dot,
            "graphml" => ExportFormat::Graphml,
            "json" | "cyjs" => ExportFormat::Cytoscape,
            "mmd" | "mermaid" => ExportFormat::Mermaid,
            "svg" => ExportFormat::Svg,
            "png" => ExportFormat::Png,
            "ttl" => ExportFormat::Turtle,
            "nt" => ExportFormat::Ntriples,
            "jsonld" => ExportFormat::Jsonld,
            _ => return None,
        })
    }

    /// The RDF syntax of an RDF format, `None` for the others.
    pub fn graph_format(self) -> Option<crate::formats::GraphFormat> {
        use crate::formats::GraphFormat;
        match self {
            ExportFormat::Turtle => Some(GraphFormat::Turtle),
            ExportFormat::Ntriples => Some(GraphFormat::Ntriples),
            ExportFormat::Jsonld => Some(GraphFormat::Jsonld),
            _ => None,
        }
    }

    /// The media type of this format.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::Dot => "text/vnd.graphviz",
            ExportFormat::Graphml => "application/graphml+xml",
            ExportFormat::Cytoscape => "application/json",
            ExportFormat::Mermaid => "text/plain; charset=utf-8",
            ExportFormat::Svg => "image/svg+xml",
            ExportFormat::Png => "image/png",
            ExportFormat::Turtle => "text/turtle",
            ExportFormat::Ntriples => "application/n-triples",
            ExportFormat::Jsonld => "application/ld+json",
        }
    }
}

impl ExportArgs {
    /// The format asked for, or the default.
    pub fn chosen_format(&self) -> ExportFormat {
        self.format.unwrap_or(ExportFormat::Dot)
    }
}

/// Runs `export`: picks the subgraph and renders it in the asked format.
pub fn export(session: &Session, settings: &Settings, args: &ExportArgs) -> Result<Exported, Error> {
    let format = args.chosen_format();
    let schema = session.schema()?;
    let lang = settings.lang;
    let guard = crate::paths::guard::Guard::until(settings.deadline(), session.cancel.clone(), None);
    let stopped = |guard: &crate::paths::guard::Guard| -> Result<(), Error> {
        match guard.interrupted() {
            Some(_) => Err(Error::Timeout("the export's selection stopped at the timeout or was cancelled".to_owned())),
            None => Ok(()),
        }
    };
    let label = |iri: &str| -> Result<String, Error> { Ok(session.labels_for([iri.to_owned()])?.label(iri, lang)) };
    // (subject, property, object) triples between entities, chosen by the options.
    let construct = match (&args.construct_text, &args.construct) {
        (Some(text), _) => Some(("the query".to_owned(), text.clone())),
        (None, Some(path)) => Some((path.display().to_string(), crate::input::read_text(path)?)),
        (None, None) => None,
    };
    let triples: Vec<(String, String, String)> = if let Some((name, text)) = &construct {
        let mut options = session.query_options(settings)?;
        crate::services::attach(&mut options, session, settings);
        let answer = crate::sparql::run(&session.backend, text, &options)?;
        let crate::sparql::Answer::Graph(graph) = answer else {
            return Err(Error::input(
                format!("{name} is not a CONSTRUCT query"),
                Some("--construct takes a CONSTRUCT or DESCRIBE query".to_owned()),
            ));
        };
        if matches!(format, ExportFormat::Turtle | ExportFormat::Ntriples | ExportFormat::Jsonld) {
            return Ok(Exported::Rdf { triples: graph, format: format.graph_format().unwrap_or_default() });
        }
        graph
            .iter()
            .filter_map(|t| match (&t.subject, &t.object) {
                (oxigraph::model::NamedOrBlankNode::NamedNode(s), Term::NamedNode(o))
                    if !schema.is_bookkeeping(t.predicate.as_str()) && t.predicate != RDF_TYPE =>
                {
                    Some((s.as_str().to_owned(), t.predicate.as_str().to_owned(), o.as_str().to_owned()))
                }
                _ => None,
            })
            .collect()
    } else {
        let projection = session.projection_for(settings)?;
        let filter = EdgeFilter { properties: projection.filter_for(&schema, &args.via)?, ..EdgeFilter::default() };
        let edge_triple = |edge: petgraph::graph::EdgeIndex<u32>| {
            let (s, o) = projection.graph.edge_endpoints(edge).expect("edge exists");
            (projection.iri(s).into_owned(), projection.property(edge).iri.clone(), projection.iri(o).into_owned())
        };
        if let Some(ends) = &args.path {
            let from = session.resolve(&ends[0])?;
            let to = session.resolve(&ends[1])?;
            let (Some(from_node), Some(to_node)) = (projection.node(&from), projection.node(&to)) else {
                return Err(Error::NoResult(format!("no path from {} to {}", label(&from)?, label(&to)?)));
            };
            let paths = algo::k_shortest_paths(
                &projection,
                from_node,
                to_node,
                args.k.max(1),
                &Walk::new(&filter, false).guarded(&guard),
            );
            stopped(&guard)?;
            if paths.is_empty() {
                return Err(Error::NoResult(format!("no path from {} to {}", label(&from)?, label(&to)?)));
            }
            paths.iter().flat_map(|p| p.steps.iter().map(|s| edge_triple(s.edge))).collect()
        } else if let Some(center) = &args.around {
            let iri = session.resolve(center)?;
            let Some(node) = projection.node(&iri) else {
                return Err(Error::NoResult(format!("{} has no relations to draw", label(&iri)?)));
            };
            let mut keep: HashSet<_> =
                algo::neighborhood(&projection, node, args.depth, &Walk::new(&filter, false).guarded(&guard))
                    .into_iter()
                    .map(|(n, ..)| n)
                    .collect();
            stopped(&guard)?;
            keep.insert(node);
            projection
                .graph
                .edge_indices()
                .filter(|e| {
                    let (s, o) = projection.graph.edge_endpoints(*e).expect("edge exists");
                    filter.allows(projection.graph[*e]) && keep.contains(&s) && keep.contains(&o)
                })
                .map(edge_triple)
                .collect()
        } else {
            projection.graph.edge_indices().filter(|e| filter.allows(projection.graph[*e])).map(edge_triple).collect()
        }
    };
    let mut unique = BTreeSet::new();
    let triples: Vec<_> = triples.into_iter().filter(|t| unique.insert(t.clone())).collect();
    if matches!(format, ExportFormat::Turtle | ExportFormat::Ntriples | ExportFormat::Jsonld) {
        let graph = rdf_subgraph(session, &triples)?;
        return Ok(Exported::Rdf { triples: graph, format: format.graph_format().unwrap_or_default() });
    }
    let index = session.labels_for(triples.iter().flat_map(|(s, _, o)| [s.clone(), o.clone()]))?;
    let title = match &args.title {
        Some(title) => title.clone(),
        None => default_title(session, args, lang, construct.as_ref().map(|(name, _)| name.as_str()))?,
    };
    let subgraph = build_subgraph(session, &schema, &index, lang, &triples, title)?;
    let size = args.size.unwrap_or(svg::PictureSize::Natural);
    let text = match format {
        ExportFormat::Dot => formats::dot(&subgraph),
        ExportFormat::Graphml => formats::graphml(&subgraph),
        ExportFormat::Cytoscape => formats::cytoscape(&subgraph)?,
        ExportFormat::Mermaid => formats::mermaid(&subgraph),
        ExportFormat::Svg => svg::render(&subgraph, lang, size, &guard)?,
        ExportFormat::Png => {
            let picture = svg::render(&subgraph, lang, size, &guard)?;
            let needs_cjk = subgraph
                .nodes
                .iter()
                .map(|n| n.label.as_str())
                .chain(subgraph.edges.iter().map(|e| e.label.as_str()))
                .chain([subgraph.title.as_str()])
                .any(|text| {
                    text.chars().any(|c| !c.is_ascii() && unicode_width::UnicodeWidthChar::width(c) == Some(2))
                });
            return Ok(Exported::Binary { bytes: png::render(&picture, needs_cjk)?, media_type: format.media_type() });
        }
        _ => unreachable!("RDF formats return above"),
    };
    Ok(Exported::Text { text, media_type: format.media_type() })
}

/// A title naming what the export shows, in the output language.
fn default_title(session: &Session, args: &ExportArgs, lang: Lang, construct: Option<&str>) -> Result<String, Error> {
    let label = |name: &str| -> Result<String, Error> {
        let iri = session.resolve(name)?;
        Ok(session.labels_for([iri.clone()])?.label(&iri, lang))
    };
    let via = if args.via.is_empty() { String::new() } else { format!(" ({})", args.via.join(", ")) };
    Ok(match (construct, &args.path, &args.around, lang) {
        (Some(name), _, _, Lang::En) => format!("The graph {name} builds"),
        (Some(name), _, _, Lang::Zh) => format!("{name} 构造的图"),
        (None, Some(ends), _, Lang::En) => format!("How {} reaches {}{via}", label(&ends[0])?, label(&ends[1])?),
        (None, Some(ends), _, Lang::Zh) => format!("从{}到{}的路径{via}", label(&ends[0])?, label(&ends[1])?),
        (None, None, Some(centre), Lang::En) => {
            let hops = if args.depth == 1 { "one hop".to_owned() } else { format!("{} hops", args.depth) };
            format!("{} and everything within {hops}{via}", label(centre)?)
        }
        (None, None, Some(centre), Lang::Zh) => format!("{}及其{}跳以内的关系{via}", label(centre)?, args.depth),
        (None, None, None, Lang::En) => format!("The whole graph{via}"),
        (None, None, None, Lang::Zh) => format!("全图{via}"),
    })
}

/// The types and labels of `nodes`, read in batches of a few hundred per CONSTRUCT.
fn types_and_labels<'a>(
    session: &Session,
    nodes: impl IntoIterator<Item = &'a String>,
) -> Result<oxigraph::model::Graph, Error> {
    let nodes: Vec<&String> = nodes.into_iter().collect();
    let mut out = oxigraph::model::Graph::new();
    for batch in nodes.chunks(300) {
        let query = format!(
            "CONSTRUCT {{ ?n ?p ?o }} WHERE {{ {} ?n ?p ?o FILTER(?p IN (rdf:type, rdfs:label)) }}",
            crate::backend::values_clause("n", batch)
        );
        for triple in session.backend.construct(&query)?.iter() {
            out.insert(triple);
        }
    }
    Ok(out)
}

/// The selected relations with the types and labels of their entities.
fn rdf_subgraph(session: &Session, triples: &[(String, String, String)]) -> Result<Vec<Triple>, Error> {
    let mut out = Vec::new();
    let mut nodes = BTreeSet::new();
    for (s, p, o) in triples {
        out.push(Triple::new(NamedNode::new_unchecked(s), NamedNode::new_unchecked(p), NamedNode::new_unchecked(o)));
        nodes.insert(s.clone());
        nodes.insert(o.clone());
    }
    let local = types_and_labels(session, &nodes)?;
    for node in &nodes {
        let subject = NamedNode::new_unchecked(node.as_str());
        for predicate in [RDF_TYPE, RDFS_LABEL] {
            let mut objects: Vec<Term> =
                local.objects_for_subject_predicate(subject.as_ref(), predicate).map(|o| o.into_owned()).collect();
            objects.sort_by_cached_key(|o| o.to_string());
            for object in objects {
                out.push(Triple::new(subject.clone(), predicate.into_owned(), object));
            }
        }
    }
    Ok(out)
}

fn build_subgraph(
    session: &Session,
    schema: &Schema,
    index: &crate::resolve::EntityIndex,
    lang: Lang,
    triples: &[(String, String, String)],
    title: String,
) -> Result<Subgraph, Error> {
    let local = types_and_labels(session, triples.iter().flat_map(|(s, _, o)| [s, o]).collect::<BTreeSet<_>>())?;
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut subgraph = Subgraph {
        title,
        groups: schema.groups.iter().map(|(k, g)| (k.clone(), g.labels.get(lang).unwrap_or(k).to_owned())).collect(),
        ..Subgraph::default()
    };
    let mut node_of = |iri: &str, subgraph: &mut Subgraph| -> Result<usize, Error> {
        if let Some(id) = ids.get(iri) {
            return Ok(*id);
        }
        let mut classes = Vec::new();
        for object in local.objects_for_subject_predicate(NamedNode::new_unchecked(iri).as_ref(), RDF_TYPE) {
            if let oxigraph::model::TermRef::NamedNode(class) = object {
                if schema.classes.contains_key(class.as_str()) {
                    classes.push(class.as_str().to_owned());
                }
            }
        }
        classes.sort();
        // The most specific class: one that is not a parent of another listed class.
        let class = classes
            .iter()
            .find(|c| !classes.iter().any(|other| schema.classes.get(other).is_some_and(|i| i.parents.contains(c))))
            .cloned();
        let colour = class.as_deref().and_then(|c| schema.class_colour(c)).unwrap_or(DEFAULT_COLOUR).to_owned();
        let id = subgraph.nodes.len();
        subgraph.nodes.push(ExportNode {
            iri: iri.to_owned(),
            label: index.label(iri, lang),
            class_label: class.as_deref().map(|c| schema.term_label(c, lang)),
            class,
            colour,
        });
        ids.insert(iri.to_owned(), id);
        Ok(id)
    };
    for (s, p, o) in triples {
        let source = node_of(s, &mut subgraph)?;
        let target = node_of(o, &mut subgraph)?;
        subgraph.edges.push(ExportEdge {
            source,
            target,
            property: p.clone(),
            label: schema.term_label(p, lang),
            group: schema.group_of(p).map(str::to_owned),
        });
    }
    Ok(subgraph)
}
