//! The project's own SERVICEs, evaluated locally on the session's cached views, so that one
//! SPARQL query combines path search or ranked text search with graph patterns, on the
//! embedded store and on a remote engine alike (docs/services.md):
//!
//! - `SERVICE sgpath: { [] sgpath:source S ; sgpath:target T ; ... }` finds routes on the
//!   path projection (shortest, k shortest, or all up to a length; grouped or by property;
//!   directed or not; as of `--as-of`'s day) and binds each route, its length and each of its
//!   edges (subject, property, object, position);
//! - `SERVICE sgtext: { [] sgtext:query "..." ; sgtext:hit ?h ; sgtext:score ?s ... }` binds
//!   the ranked hits of `search --in quotes`.
//!
//! A SERVICE's inputs are constants: it is evaluated once, before the rest of the query, and
//! its answer joins the query as a VALUES table (what a remote engine receives too).

use crate::error::Error;
use crate::paths::algo::{self, Walk};
use crate::paths::guard::Guard;
use crate::paths::EdgeFilter;
use crate::session::{Session, Settings};
use crate::sparql::{LocalService, QueryOptions};
use crate::vocab;
use oxigraph::model::{Literal, NamedNode, Term, Variable};
use spargebra::algebra::GraphPattern;
use spargebra::term::{GroundTerm, NamedNodePattern, TermPattern};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The most rows one SERVICE call may bind.
const MAX_SERVICE_ROWS: usize = 100_000;

/// Gives `options` the project's SERVICEs for this session and settings.
pub fn attach(options: &mut QueryOptions, session: &Session, settings: &Settings) {
    options.local_services = vec![
        (
            vocab::PATH_SERVICE.to_owned(),
            Arc::new(PathService { session: session.clone(), settings: settings.clone() }),
        ),
        (vocab::TEXT_SERVICE.to_owned(), Arc::new(TextService { session: session.clone() })),
    ];
    if settings.as_of.is_some() {
        options.repeated_paths =
            Some(Arc::new(ProjectionPaths { session: session.clone(), settings: settings.clone() }));
    }
}

/// A SERVICE's triples, by the local name of their predicate: each a constant or a variable.
struct Call {
    service: &'static str,
    inputs: BTreeMap<String, Vec<Term>>,
    outputs: BTreeMap<String, Variable>,
}

impl Call {
    fn read(service: &'static str, namespace: &str, pattern: &GraphPattern) -> Result<Call, Error> {
        let GraphPattern::Bgp { patterns } = pattern else {
            return Err(Error::input(
                format!("SERVICE {service}: takes triples of one node, like [] {service}:source entity:x ; ..."),
                Some("see docs/services.md".to_owned()),
            ));
        };
        let mut call = Call { service, inputs: BTreeMap::new(), outputs: BTreeMap::new() };
        for tp in patterns {
            let NamedNodePattern::NamedNode(predicate) = &tp.predicate else {
                return Err(Error::input(format!("SERVICE {service}: a predicate must be a {service}: term"), None));
            };
            let Some(name) = predicate.as_str().strip_prefix(namespace) else {
                return Err(Error::input(
                    format!("SERVICE {service}: `{predicate}` is not a {service}: term"),
                    Some("see docs/services.md for the terms".to_owned()),
                ));
            };
            match &tp.object {
                TermPattern::Variable(v) => {
                    call.outputs.insert(name.to_owned(), v.clone());
                }
                TermPattern::NamedNode(n) => {
                    call.inputs.entry(name.to_owned()).or_default().push(Term::NamedNode(n.clone()))
                }
                TermPattern::Literal(l) => {
                    call.inputs.entry(name.to_owned()).or_default().push(Term::Literal(l.clone()))
                }
                _ => {
                    return Err(Error::input(
                        format!("SERVICE {service}: `{name}` takes an IRI, a literal or a variable"),
                        None,
                    ))
                }
            }
        }
        Ok(call)
    }

    fn check_names(&self, inputs: &[&str], outputs: &[&str]) -> Result<(), Error> {
        for name in self.inputs.keys() {
            if !inputs.contains(&name.as_str()) {
                let hint = if outputs.contains(&name.as_str()) {
                    format!("`{}:{name}` binds a variable", self.service)
                } else {
                    format!("its inputs: {}", inputs.join(", "))
                };
                return Err(Error::input(format!("SERVICE {}: `{name}` is not an input", self.service), Some(hint)));
            }
        }
        for name in self.outputs.keys() {
            if !outputs.contains(&name.as_str()) {
                let hint = if inputs.contains(&name.as_str()) {
                    format!("`{}:{name}` takes a constant: the SERVICE runs before the rest of the query", self.service)
                } else {
                    format!("its outputs: {}", outputs.join(", "))
                };
                return Err(Error::input(format!("SERVICE {}: `{name}` cannot be bound", self.service), Some(hint)));
            }
        }
        Ok(())
    }

    fn text(&self, name: &str) -> Option<String> {
        self.inputs.get(name)?.first().map(|t| match t {
            Term::Literal(l) => l.value().to_owned(),
            Term::NamedNode(n) => n.as_str().to_owned(),
            other => other.to_string(),
        })
    }

    fn number(&self, name: &str, default: usize) -> Result<usize, Error> {
        match self.text(name) {
            None => Ok(default),
            Some(text) => text.parse().map_err(|_| {
                Error::input(format!("SERVICE {}: `{name}` takes a whole number, not `{text}`", self.service), None)
            }),
        }
    }

    fn flag(&self, name: &str) -> Result<bool, Error> {
        match self.text(name).as_deref() {
            None | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(other) => Err(Error::input(
                format!("SERVICE {}: `{name}` takes true or false, not `{other}`", self.service),
                None,
            )),
        }
    }

    /// The answer as a VALUES table over the output variables, in `columns` order.
    fn table(&self, columns: &[&str], rows: Vec<BTreeMap<&'static str, Term>>) -> Result<GraphPattern, Error> {
        if rows.len() > MAX_SERVICE_ROWS {
            return Err(Error::input(
                format!("SERVICE {} would bind {} rows, more than {MAX_SERVICE_ROWS}", self.service, rows.len()),
                Some("narrow it with a limit, a maxLength or a via".to_owned()),
            ));
        }
        let used: Vec<(&str, &Variable)> =
            columns.iter().filter_map(|c| self.outputs.get(*c).map(|v| (*c, v))).collect();
        let mut variables: Vec<Variable> = Vec::new();
        for (_, v) in &used {
            if !variables.contains(v) {
                variables.push((*v).clone());
            }
        }
        let mut bindings = Vec::with_capacity(rows.len());
        let mut seen = std::collections::HashSet::new();
        for row in rows {
            let cells: Vec<Option<GroundTerm>> = variables
                .iter()
                .map(|variable| {
                    used.iter().find(|(_, v)| *v == variable).and_then(|(column, _)| match row.get(column) {
                        Some(Term::NamedNode(n)) => Some(GroundTerm::NamedNode(n.clone())),
                        Some(Term::Literal(l)) => Some(GroundTerm::Literal(l.clone())),
                        _ => None,
                    })
                })
                .collect();
            if seen.insert(cells.clone()) {
                bindings.push(cells);
            }
        }
        Ok(GraphPattern::Values { variables, bindings })
    }
}

fn integer(value: usize) -> Term {
    Term::Literal(Literal::from(value as i64))
}

struct PathService {
    session: Session,
    settings: Settings,
}

const PATH_INPUTS: &[&str] = &["source", "target", "via", "avoid", "directed", "algorithm", "k", "maxLength", "limit"];
const PATH_OUTPUTS: &[&str] =
    &["target", "route", "length", "edgeSubject", "edgeProperty", "edgeObject", "position", "forward"];

impl LocalService for PathService {
    fn evaluate(&self, pattern: &GraphPattern) -> Result<GraphPattern, Error> {
        let call = Call::read("sgpath", vocab::PATH_SERVICE, pattern)?;
        call.check_names(PATH_INPUTS, PATH_OUTPUTS)?;
        let session = &self.session;
        let projection = session.projection_for(&self.settings)?;
        let schema = session.schema()?;
        let names = |key: &str| -> Vec<String> {
            call.inputs
                .get(key)
                .into_iter()
                .flatten()
                .map(|t| match t {
                    Term::NamedNode(n) => n.as_str().to_owned(),
                    Term::Literal(l) => l.value().to_owned(),
                    other => other.to_string(),
                })
                .collect()
        };
        let via: Vec<String> = names("via").iter().flat_map(|v| v.split(',').map(|s| s.trim().to_owned())).collect();
        let mut filter = EdgeFilter { properties: projection.filter_for(&schema, &via)?, ..EdgeFilter::default() };
        for name in names("avoid") {
            if let Some(node) = projection.node(&session.resolve(&name)?) {
                filter.avoid.insert(node);
            }
        }
        let directed = call.flag("directed")?;
        let algorithm = call.text("algorithm").unwrap_or_else(|| "shortest".to_owned());
        let k = call.number("k", 5)?.max(1);
        let limit = call.number("limit", 1000)?.max(1);
        let sources = names("source");
        if sources.is_empty() {
            return Err(Error::input(
                "SERVICE sgpath: needs a sgpath:source",
                Some("for example [] sgpath:source entity:1688 ; sgpath:target ?t ; sgpath:maxLength 3".to_owned()),
            ));
        }
        let targets = names("target");
        let any_target = call.outputs.contains_key("target");
        if targets.is_empty() && !any_target {
            return Err(Error::input(
                "SERVICE sgpath: needs a sgpath:target, a constant or a variable",
                Some("a variable target finds a shortest route to every entity within sgpath:maxLength".to_owned()),
            ));
        }
        let guard = Guard::until(self.settings.deadline(), session.cancel.clone(), None);
        let walk = Walk::new(&filter, directed).guarded(&guard);
        let mut routes: Vec<algo::Path> = Vec::new();
        for source in &sources {
            let from_iri = session.resolve(source)?;
            let Some(from) = projection.node(&from_iri) else { continue };
            if any_target {
                let max_length = call.number("maxLength", 3)?;
                if algorithm != "shortest" {
                    return Err(Error::input(
                        "SERVICE sgpath: a variable target takes the shortest route to each entity",
                        Some("name the target to ask for kShortest or all".to_owned()),
                    ));
                }
                // The BFS tree: each reached entity's route is its parent's plus one hop.
                let reached = algo::neighborhood(&projection, from, max_length, &walk);
                let mut parent: std::collections::HashMap<_, (algo::Step, _)> = std::collections::HashMap::new();
                for (node, _, step, previous) in &reached {
                    parent.insert(*node, (*step, *previous));
                }
                for (node, ..) in reached.iter().take(limit) {
                    let mut steps = Vec::new();
                    let mut at = *node;
                    while let Some((step, previous)) = parent.get(&at) {
                        steps.push(*step);
                        at = *previous;
                    }
                    steps.reverse();
                    routes.push(algo::Path { start: from, steps });
                }
            } else {
                for target in &targets {
                    let to_iri = session.resolve(target)?;
                    let Some(to) = projection.node(&to_iri) else { continue };
                    match algorithm.as_str() {
                        "shortest" => routes.extend(algo::shortest_path(&projection, from, to, &walk)),
                        "kShortest" => routes.extend(algo::k_shortest_paths(&projection, from, to, k, &walk)),
                        "all" => {
                            let max_length = call.number("maxLength", 4)?;
                            let (found, _) =
                                algo::all_simple_paths(&projection, from, to, max_length, limit, 5_000_000, &walk);
                            routes.extend(found);
                        }
                        other => {
                            return Err(Error::input(
                                format!("SERVICE sgpath: unknown algorithm `{other}`"),
                                Some("shortest, kShortest or all".to_owned()),
                            ))
                        }
                    }
                }
            }
        }
        if guard.interrupted().is_some() {
            return Err(Error::Timeout("the path SERVICE stopped at the timeout or was cancelled".to_owned()));
        }
        routes.truncate(limit);
        let per_edge = ["edgeSubject", "edgeProperty", "edgeObject", "position", "forward"]
            .iter()
            .any(|c| call.outputs.contains_key(*c));
        let node_term = |node| Term::NamedNode(NamedNode::new_unchecked(projection.iri(node).into_owned()));
        let mut rows = Vec::new();
        for (index, route) in routes.iter().enumerate() {
            let end = route.steps.last().map_or(route.start, |s| s.to);
            let mut base: BTreeMap<&'static str, Term> = BTreeMap::new();
            base.insert("route", integer(index + 1));
            base.insert("length", integer(route.len()));
            base.insert("target", node_term(end));
            if !per_edge {
                rows.push(base);
                continue;
            }
            for (position, step) in route.steps.iter().enumerate() {
                let (s, o) = projection.graph.edge_endpoints(step.edge).expect("edge exists");
                let mut row = base.clone();
                row.insert("edgeSubject", node_term(s));
                row.insert(
                    "edgeProperty",
                    Term::NamedNode(NamedNode::new_unchecked(projection.property(step.edge).iri.clone())),
                );
                row.insert("edgeObject", node_term(o));
                row.insert("position", integer(position + 1));
                row.insert("forward", Term::Literal(Literal::from(step.forward)));
                rows.push(row);
            }
        }
        call.table(PATH_OUTPUTS, rows)
    }
}

struct TextService {
    session: Session,
}

const TEXT_INPUTS: &[&str] = &["query", "limit"];
const TEXT_OUTPUTS: &[&str] = &["hit", "score", "text", "field", "about"];

impl LocalService for TextService {
    fn evaluate(&self, pattern: &GraphPattern) -> Result<GraphPattern, Error> {
        let call = Call::read("sgtext", vocab::TEXT_SERVICE, pattern)?;
        call.check_names(TEXT_INPUTS, TEXT_OUTPUTS)?;
        let Some(query) = call.text("query") else {
            return Err(Error::input(
                "SERVICE sgtext: needs a sgtext:query",
                Some("[] sgtext:query \"托管\" ; sgtext:hit ?h".to_owned()),
            ));
        };
        let limit = call.number("limit", 100)?.max(1);
        let index = self.session.text_index()?;
        let mut rows = Vec::new();
        for (score, doc) in index.search(&query, limit) {
            let hit = index.hit(score, doc, |iri| iri.to_owned());
            let mut row: BTreeMap<&'static str, Term> = BTreeMap::new();
            row.insert("hit", Term::NamedNode(NamedNode::new_unchecked(hit.node)));
            row.insert("score", Term::Literal(Literal::from(hit.score)));
            row.insert("text", Term::Literal(Literal::new_simple_literal(hit.text)));
            row.insert("field", Term::Literal(Literal::new_simple_literal(hit.field)));
            if let Some(about) = hit.about {
                row.insert("about", Term::NamedNode(NamedNode::new_unchecked(about)));
            }
            rows.push(row);
        }
        call.table(TEXT_OUTPUTS, rows)
    }
}

/// Repeated property paths as of `--as-of`'s day, answered on the projection of that day.
struct ProjectionPaths {
    session: Session,
    settings: Settings,
}

impl crate::asof::RepeatedPaths for ProjectionPaths {
    fn pairs(&self, request: &crate::asof::RepeatedPath) -> Result<Vec<(NamedNode, NamedNode)>, Error> {
        use petgraph::visit::EdgeRef;
        use petgraph::Direction;
        let projection = self.session.projection_for(&self.settings)?;
        let schema = self.session.schema()?;
        let mut forward = std::collections::HashSet::new();
        let mut backward = std::collections::HashSet::new();
        for (property, ahead) in &request.steps {
            if schema.is_bookkeeping(property.as_str()) {
                return Err(Error::input(
                    format!("--as-of cannot follow `{property}` repeatedly: it is not a relation between entities"),
                    Some("write the steps out (p/p/p)".to_owned()),
                ));
            }
            if let Some(id) = projection.properties.iter().position(|p| p.iri == property.as_str()) {
                if *ahead {
                    forward.insert(id as u16)
                } else {
                    backward.insert(id as u16)
                };
            }
        }
        let iri = |node: petgraph::graph::NodeIndex<u32>| NamedNode::new_unchecked(projection.iri(node).into_owned());
        // Every node reached from `start` within the bounds, walking `ahead` or against it.
        let walk = |start: petgraph::graph::NodeIndex<u32>, reverse: bool| -> Vec<petgraph::graph::NodeIndex<u32>> {
            let mut seen = std::collections::HashSet::from([start]);
            let mut out = if request.min == 0 { vec![start] } else { Vec::new() };
            let mut frontier = vec![start];
            let mut depth = 0;
            while !frontier.is_empty() && request.max.is_none_or(|max| depth < max) {
                depth += 1;
                let mut next = Vec::new();
                for node in frontier {
                    let (out_set, in_set) = if reverse { (&backward, &forward) } else { (&forward, &backward) };
                    let ahead = projection
                        .graph
                        .edges_directed(node, Direction::Outgoing)
                        .filter(|e| out_set.contains(e.weight()))
                        .map(|e| e.target());
                    let behind = projection
                        .graph
                        .edges_directed(node, Direction::Incoming)
                        .filter(|e| in_set.contains(e.weight()))
                        .map(|e| e.source());
                    for reached in ahead.chain(behind) {
                        if seen.insert(reached) {
                            next.push(reached);
                            if depth >= request.min {
                                out.push(reached);
                            }
                        } else if reached == start && request.min > 0 && !out.contains(&start) {
                            // A cycle back to the start is a path of length ≥ 1 to itself.
                            out.push(start);
                        }
                    }
                }
                frontier = next;
            }
            out
        };
        let mut pairs = Vec::new();
        let push = |pair: (NamedNode, NamedNode), pairs: &mut Vec<(NamedNode, NamedNode)>| -> Result<(), Error> {
            pairs.push(pair);
            if pairs.len() > MAX_SERVICE_ROWS {
                return Err(Error::input(
                    format!("the repeated path would bind more than {MAX_SERVICE_ROWS} pairs as of the day"),
                    Some("give it a constant start or end".to_owned()),
                ));
            }
            Ok(())
        };
        match (&request.from, &request.to) {
            (Some(from), to) => match projection.node(from.as_str()) {
                Some(start) => {
                    for end in walk(start, false) {
                        let end = iri(end);
                        if to.as_ref().is_none_or(|t| *t == end) {
                            push((from.clone(), end), &mut pairs)?;
                        }
                    }
                }
                None if request.min == 0 && to.as_ref().is_none_or(|t| t == from) => {
                    push((from.clone(), from.clone()), &mut pairs)?
                }
                None => {}
            },
            (None, Some(to)) => match projection.node(to.as_str()) {
                Some(end) => {
                    for start in walk(end, true) {
                        push((iri(start), to.clone()), &mut pairs)?;
                    }
                }
                None if request.min == 0 => push((to.clone(), to.clone()), &mut pairs)?,
                None => {}
            },
            (None, None) => {
                for start in projection.graph.node_indices() {
                    for end in walk(start, false) {
                        push((iri(start), iri(end)), &mut pairs)?;
                    }
                }
            }
        }
        Ok(pairs)
    }
}
