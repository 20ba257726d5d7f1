//! The graph as of a day: the facts in force on that day, as a view every command reads.
//!
//! The rule (docs/as-of.md):
//! - a relation or attribute claim with `schema:startDate` and `schema:endDate` is in force on
//!   day D when it has no start or its start's first day ≤ D, and it has no end, or D < its end
//!   when the end is a day, or D ≤ the end's last day when the end is only a month or a year
//!   (a partial date covers its whole period);
//! - a figure (a metric observation) is in force over the period it is stated for: from its
//!   `sg:periodStart` (or its `sg:date`) to its `sg:periodEnd` (or the last day of its
//!   `sg:date`), both ends included; a figure with only a start holds from then on;
//! - undated facts, entities, labels and sources are always in force.
//!
//! A view is computed once per store state and day with two SPARQL questions any engine
//! answers: the claim and observation nodes out of force, and the asserted triples that no
//! claim in force (nor an undated claim) still supports. Queries see the view through a
//! rewrite of their algebra, never of their text: every triple pattern that could match a
//! hidden triple is followed by a `MINUS` of the hidden rows (a FILTER on a remote engine), so
//! the same query runs on the embedded store and on a remote engine. A fixed-length property
//! path is written out step by step; a repeated one over changing facts is answered by a
//! `RepeatedPaths` the caller gives (the projection of the day) and joins as VALUES. The path commands read the projection without the
//! hidden edges, and `describe` drops them from the neighbourhood it reads.

use crate::backend::Backend;
use crate::error::Error;
use crate::facts::dates::FactDate;
use crate::vocab::std_terms::*;
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNode, Term, Triple, Variable};
use spargebra::algebra::{Expression, GraphPattern, PropertyPathExpression};
use spargebra::term::{GroundTerm, NamedNodePattern, TermPattern, TriplePattern};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

type Fact = (NamedNode, NamedNode, Term);

/// A calendar day, (year, month, day).
pub type Day = (i32, u32, u32);

/// Parses an `--as-of` day: `YYYY-MM-DD`, a real date.
pub fn parse_day(text: &str) -> Result<Day, Error> {
    match FactDate::parse(text) {
        Ok(FactDate::Day(y, m, d)) => Ok((y, m, d)),
        Ok(_) => Err(Error::input(
            format!("--as-of needs a day, not `{}`", text.trim()),
            Some("write the day in full, e.g. --as-of 2024-06-30".to_owned()),
        )),
        Err(message) => Err(Error::input(
            format!("--as-of: {message}"),
            Some("write the day as YYYY-MM-DD, e.g. --as-of 2024-06-30".to_owned()),
        )),
    }
}

/// The day as `YYYY-MM-DD`.
pub fn day_text(day: Day) -> String {
    format!("{:04}-{:02}-{:02}", day.0, day.1, day.2)
}

/// Whether a relation or attribute claim with these dates is in force on `day`.
pub fn claim_in_force(start: Option<FactDate>, end: Option<FactDate>, day: Day) -> bool {
    let started = start.is_none_or(|s| s.first_day() <= day);
    let not_ended = match end {
        None => true,
        Some(FactDate::Day(y, m, d)) => day < (y, m, d),
        Some(partial) => day <= partial.last_day(),
    };
    started && not_ended
}

/// Whether a figure stated for this period is in force on `day` (both ends included).
pub fn figure_in_force(start: Option<FactDate>, end: Option<FactDate>, day: Day) -> bool {
    start.is_none_or(|s| s.first_day() <= day) && end.is_none_or(|e| day <= e.last_day())
}

/// A date literal as a typed date: `xsd:date`, `xsd:gYearMonth`, `xsd:gYear` or the day of an
/// `xsd:dateTime`. Anything else is no date (and so never hides a fact).
fn literal_date(term: &Term) -> Option<FactDate> {
    let Term::Literal(literal) = term else { return None };
    let text = literal.value();
    let text = if literal.datatype() == XSD_DATE_TIME { text.get(..10)? } else { text };
    FactDate::parse(text).ok()
}

/// The facts hidden on one day.
#[derive(Debug, Default)]
pub struct AsOfView {
    pub day: Day,
    /// Claim and observation nodes not in force: every triple they are the subject of.
    hidden_nodes: BTreeSet<NamedNode>,
    /// Asserted triples whose every claim is out of force, by predicate.
    hidden_triples: BTreeMap<NamedNode, Vec<(NamedNode, Term)>>,
    /// Predicates the hidden nodes carry (a pattern with another predicate cannot meet them).
    node_predicates: BTreeSet<NamedNode>,
    /// The hidden triples between IRIs, as strings, for the projection's edges.
    hidden_edges: HashSet<(String, String, String)>,
    /// Every hidden triple, (subject, predicate, object), for `keeps`.
    hidden_lookup: HashSet<Fact>,
}

/// A view as it is kept between processes: terms in N-Triples syntax.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct StoredView {
    day: Day,
    hidden_nodes: Vec<String>,
    /// (predicate, subject, object).
    hidden_triples: Vec<(String, String, String)>,
    node_predicates: Vec<String>,
}

/// How many rows go into one VALUES block of the view's own queries.
const BATCH: usize = 400;

impl AsOfView {
    /// Reads which facts are out of force on `day`.
    pub fn build(backend: &Backend, day: Day) -> Result<AsOfView, Error> {
        let mut view = AsOfView { day, ..AsOfView::default() };
        // Dated relation and attribute claims.
        let claims = backend.select(
            "SELECT ?c ?s ?p ?o ?start ?end WHERE {
               ?c a sg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
               OPTIONAL { ?c schema:startDate ?start }
               OPTIONAL { ?c schema:endDate ?end }
               FILTER(BOUND(?start) || BOUND(?end))
             }",
        )?;
        // Per asserted triple: whether some dated claim of it is still in force.
        let mut supported: HashMap<Fact, bool> = HashMap::new();
        for row in claims {
            let [Some(Term::NamedNode(claim)), Some(Term::NamedNode(s)), Some(Term::NamedNode(p)), Some(o), start, end] =
                <[Option<Term>; 6]>::try_from(row).unwrap_or_default()
            else {
                continue;
            };
            let start = start.as_ref().and_then(literal_date);
            let end = end.as_ref().and_then(literal_date);
            if start.is_none() && end.is_none() {
                continue;
            }
            let in_force = claim_in_force(start, end, day);
            if !in_force {
                view.hidden_nodes.insert(claim);
            }
            if matches!(o, Term::BlankNode(_)) {
                continue;
            }
            *supported.entry((s, p, o)).or_insert(false) |= in_force;
        }
        // Dated figures.
        let figures = backend.select(
            "SELECT ?n ?date ?start ?end WHERE {
               ?n a sg:MetricObservation .
               OPTIONAL { ?n sg:date ?date }
               OPTIONAL { ?n sg:periodStart ?start }
               OPTIONAL { ?n sg:periodEnd ?end }
               FILTER(BOUND(?date) || BOUND(?start) || BOUND(?end))
             }",
        )?;
        for row in figures {
            let [Some(Term::NamedNode(node)), date, start, end] =
                <[Option<Term>; 4]>::try_from(row).unwrap_or_default()
            else {
                continue;
            };
            let date = date.as_ref().and_then(literal_date);
            let start = start.as_ref().and_then(literal_date).or(date);
            let end = end.as_ref().and_then(literal_date).or(date);
            if (start.is_some() || end.is_some()) && !figure_in_force(start, end, day) {
                view.hidden_nodes.insert(node);
            }
        }
        // A triple out of force by every dated claim may still have an undated claim.
        let mut candidates: Vec<Fact> =
            supported.into_iter().filter(|(_, in_force)| !in_force).map(|(t, _)| t).collect();
        candidates.sort_by_cached_key(|(s, p, o)| (s.clone(), p.clone(), o.to_string()));
        let mut undated: HashSet<Fact> = HashSet::new();
        for chunk in candidates.chunks(BATCH) {
            let rows: String = chunk.iter().map(|(s, p, o)| format!("({s} {p} {o}) ")).collect();
            let query = format!(
                "SELECT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {rows} }}
                   ?c rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                   FILTER NOT EXISTS {{ ?c schema:startDate ?a }}
                   FILTER NOT EXISTS {{ ?c schema:endDate ?b }} }}"
            );
            for row in backend.select(&query)? {
                if let [Some(Term::NamedNode(s)), Some(Term::NamedNode(p)), Some(o)] =
                    <[Option<Term>; 3]>::try_from(row).unwrap_or_default()
                {
                    undated.insert((s, p, o));
                }
            }
        }
        for (s, p, o) in candidates {
            if undated.contains(&(s.clone(), p.clone(), o.clone())) {
                continue;
            }
            if let Term::NamedNode(object) = &o {
                view.hidden_edges.insert((s.as_str().to_owned(), p.as_str().to_owned(), object.as_str().to_owned()));
            }
            view.hidden_lookup.insert((s.clone(), p.clone(), o.clone()));
            view.hidden_triples.entry(p).or_default().push((s, o));
        }
        // The predicates the hidden nodes carry.
        let nodes: Vec<&NamedNode> = view.hidden_nodes.iter().collect();
        for chunk in nodes.chunks(BATCH) {
            let query = format!(
                "SELECT DISTINCT ?p WHERE {{ {} ?n ?p ?x }}",
                crate::backend::values_clause("n", chunk.iter().map(|n| n.as_str()))
            );
            for row in backend.select(&query)? {
                if let Some(Some(Term::NamedNode(p))) = row.into_iter().next() {
                    view.node_predicates.insert(p);
                }
            }
        }
        Ok(view)
    }

    /// The view in the form kept on disk.
    pub fn to_stored(&self) -> StoredView {
        StoredView {
            day: self.day,
            hidden_nodes: self.hidden_nodes.iter().map(|n| n.as_str().to_owned()).collect(),
            hidden_triples: self
                .hidden_triples
                .iter()
                .flat_map(|(p, rows)| {
                    rows.iter().map(move |(s, o)| (p.as_str().to_owned(), s.as_str().to_owned(), o.to_string()))
                })
                .collect(),
            node_predicates: self.node_predicates.iter().map(|n| n.as_str().to_owned()).collect(),
        }
    }

    /// The view back from its kept form; `None` when a term does not parse.
    pub fn from_stored(stored: StoredView) -> Option<AsOfView> {
        let mut view = AsOfView { day: stored.day, ..AsOfView::default() };
        for node in stored.hidden_nodes {
            view.hidden_nodes.insert(NamedNode::new(node).ok()?);
        }
        for (p, s, o) in stored.hidden_triples {
            let (p, s) = (NamedNode::new(p).ok()?, NamedNode::new(s).ok()?);
            let o: Term = o.parse().ok()?;
            if let Term::NamedNode(object) = &o {
                view.hidden_edges.insert((s.as_str().to_owned(), p.as_str().to_owned(), object.as_str().to_owned()));
            }
            view.hidden_lookup.insert((s.clone(), p.clone(), o.clone()));
            view.hidden_triples.entry(p).or_default().push((s, o));
        }
        for p in stored.node_predicates {
            view.node_predicates.insert(NamedNode::new(p).ok()?);
        }
        Some(view)
    }

    /// How many claim and observation nodes, and asserted triples, the day hides.
    pub fn hidden_counts(&self) -> (usize, usize) {
        (self.hidden_nodes.len(), self.hidden_triples.values().map(Vec::len).sum())
    }

    /// Whether the triple is in the view.
    pub fn keeps(&self, subject: &NamedOrBlankNode, predicate: &NamedNode, object: &Term) -> bool {
        if let NamedOrBlankNode::NamedNode(s) = subject {
            if self.hidden_nodes.contains(s) {
                return false;
            }
            if self.hidden_triples.contains_key(predicate) {
                return !self.hidden_lookup.contains(&(s.clone(), predicate.clone(), object.clone()));
            }
        }
        true
    }

    /// Whether an edge of the projection is hidden.
    pub fn hides_edge(&self, subject: &str, property: &str, object: &str) -> bool {
        !self.hidden_edges.is_empty()
            && self.hidden_edges.contains(&(subject.to_owned(), property.to_owned(), object.to_owned()))
    }

    /// Whether the day hides any relation between two entities.
    pub fn hides_edges(&self) -> bool {
        !self.hidden_edges.is_empty()
    }

    /// Whether nothing is hidden on this day.
    pub fn is_empty(&self) -> bool {
        self.hidden_nodes.is_empty() && self.hidden_triples.is_empty()
    }

    /// The triples of a graph answer that are in the view.
    pub fn filter_triples(&self, triples: Vec<Triple>) -> Vec<Triple> {
        triples.into_iter().filter(|t| self.keeps(&t.subject, &t.predicate, &t.object)).collect()
    }

    /// Rewrites a query's algebra so that it reads the view. `portable` writes the hidden
    /// rows as FILTERs, which every engine evaluates alike (Virtuoso 7 ignores a MINUS whose
    /// right side is a VALUES table); without it they are a MINUS, a hash anti-join on the
    /// embedded store, so the cost does not grow with the rows hidden.
    pub fn restrict(
        &self,
        query: &mut spargebra::Query,
        portable: bool,
        repeated: Option<&dyn RepeatedPaths>,
    ) -> Result<(), Error> {
        if self.is_empty() {
            return Ok(());
        }
        let pattern = match query {
            spargebra::Query::Select { pattern, .. }
            | spargebra::Query::Construct { pattern, .. }
            | spargebra::Query::Describe { pattern, .. }
            | spargebra::Query::Ask { pattern, .. } => pattern,
        };
        let mut affected: HashSet<NamedNode> = self.hidden_triples.keys().cloned().collect();
        affected.extend(self.node_predicates.iter().cloned());
        let mut rewriter = Rewriter { view: self, affected, fresh: 0, portable, repeated };
        rewriter.pattern(pattern)
    }
}

/// What hides rows of one triple pattern.
enum Exclusion {
    /// Nothing it can match is hidden.
    Nothing,
    /// Every match is hidden (a pattern of constants naming a hidden triple).
    Everything,
    /// The rows to take away.
    Rows(GraphPattern),
}

struct Rewriter<'a> {
    view: &'a AsOfView,
    /// Predicates with something hidden.
    affected: HashSet<NamedNode>,
    fresh: usize,
    /// Hidden rows as FILTERs rather than MINUS.
    portable: bool,
    /// Answers repeated paths over changing facts, when the caller can.
    repeated: Option<&'a dyn RepeatedPaths>,
}

fn ground(term: &Term) -> Option<GroundTerm> {
    match term {
        Term::NamedNode(n) => Some(GroundTerm::NamedNode(n.clone())),
        Term::Literal(l) => Some(GroundTerm::Literal(l.clone())),
        _ => None,
    }
}

impl Rewriter<'_> {
    fn fresh_variable(&mut self) -> Variable {
        self.fresh += 1;
        Variable::new_unchecked(format!("_asof{}", self.fresh))
    }

    fn pattern(&mut self, pattern: &mut GraphPattern) -> Result<(), Error> {
        use GraphPattern as P;
        match pattern {
            P::Bgp { patterns } => {
                let patterns = std::mem::take(patterns);
                *pattern = self.bgp(patterns);
            }
            P::Path { subject, path, object } => {
                if self.path_affected(path) {
                    let mut expanded = self.expand_path(subject.clone(), path, object.clone())?;
                    self.pattern(&mut expanded)?;
                    *pattern = expanded;
                }
            }
            _ => crate::algebra::children_mut(pattern, &mut |child| self.pattern(child))?,
        }
        Ok(())
    }

    /// A basic graph pattern, followed by a MINUS of the hidden rows of each of its triple
    /// patterns that could match one. Blank nodes become fresh variables first (a blank node
    /// in a pattern is a variable that cannot be named elsewhere).
    fn bgp(&mut self, patterns: Vec<TriplePattern>) -> GraphPattern {
        let mut blanks: HashMap<String, Variable> = HashMap::new();
        let mut named = |term: TermPattern, this: &mut Self| -> TermPattern {
            match term {
                TermPattern::BlankNode(b) => TermPattern::Variable(
                    blanks.entry(b.as_str().to_owned()).or_insert_with(|| this.fresh_variable()).clone(),
                ),
                other => other,
            }
        };
        let mut rewritten = Vec::with_capacity(patterns.len());
        for tp in patterns {
            let subject = named(tp.subject, self);
            let object = named(tp.object, self);
            rewritten.push(TriplePattern { subject, predicate: tp.predicate, object });
        }
        let mut exclusions = Vec::new();
        let mut everything = false;
        for tp in &rewritten {
            for exclusion in [self.hidden_triple_rows(tp), self.hidden_node_rows(tp)] {
                match exclusion {
                    Exclusion::Nothing => {}
                    Exclusion::Everything => everything = true,
                    Exclusion::Rows(rows) => exclusions.push(rows),
                }
            }
        }
        let mut result = GraphPattern::Bgp { patterns: rewritten };
        if everything {
            return GraphPattern::Filter { expr: Expression::Literal(Literal::from(false)), inner: Box::new(result) };
        }
        for rows in exclusions {
            result = if self.portable {
                GraphPattern::Filter { expr: Expression::Not(Box::new(rows_expression(rows))), inner: Box::new(result) }
            } else {
                GraphPattern::Minus { left: Box::new(result), right: Box::new(rows) }
            };
        }
        result
    }

    /// The hidden asserted triples this pattern could match, as a VALUES table over its
    /// variables.
    fn hidden_triple_rows(&self, tp: &TriplePattern) -> Exclusion {
        let candidates: Vec<(&NamedNode, &NamedNode, &Term)> = match &tp.predicate {
            NamedNodePattern::NamedNode(p) => match self.view.hidden_triples.get(p) {
                Some(rows) => rows.iter().map(|(s, o)| (p, s, o)).collect(),
                None => return Exclusion::Nothing,
            },
            NamedNodePattern::Variable(_) => {
                self.view.hidden_triples.iter().flat_map(|(p, rows)| rows.iter().map(move |(s, o)| (p, s, o))).collect()
            }
        };
        let mut variables: Vec<Variable> = Vec::new();
        let mut rows: Vec<Vec<Option<GroundTerm>>> = Vec::new();
        let positions: [(Option<&Variable>, Option<Term>); 3] = [
            term_position(&tp.subject),
            match &tp.predicate {
                NamedNodePattern::NamedNode(p) => (None, Some(Term::NamedNode(p.clone()))),
                NamedNodePattern::Variable(v) => (Some(v), None),
            },
            term_position(&tp.object),
        ];
        if positions.iter().any(|(v, c)| v.is_none() && c.is_none()) {
            return Exclusion::Nothing; // a position no hidden triple can fill (e.g. a quoted triple)
        }
        for (v, _) in &positions {
            if let Some(v) = v {
                if !variables.contains(v) {
                    variables.push((*v).clone());
                }
            }
        }
        'rows: for (p, s, o) in candidates {
            let values = [Term::NamedNode(s.clone()), Term::NamedNode(p.clone()), o.clone()];
            let mut row: Vec<Option<GroundTerm>> = vec![None; variables.len()];
            let mut bound: Vec<Option<&Term>> = vec![None; variables.len()];
            for ((variable, constant), value) in positions.iter().zip(values.iter()) {
                match (variable, constant) {
                    (Some(v), _) => {
                        let column = variables.iter().position(|x| x == *v).expect("variable listed");
                        if let Some(previous) = bound[column] {
                            if previous != value {
                                continue 'rows;
                            }
                        }
                        bound[column] = Some(value);
                        let Some(term) = ground(value) else { continue 'rows };
                        row[column] = Some(term);
                    }
                    (None, Some(constant)) => {
                        if constant != value {
                            continue 'rows;
                        }
                    }
                    (None, None) => continue 'rows,
                }
            }
            rows.push(row);
        }
        if rows.is_empty() {
            Exclusion::Nothing
        } else if variables.is_empty() {
            Exclusion::Everything
        } else {
            Exclusion::Rows(GraphPattern::Values { variables, bindings: rows })
        }
    }

    /// The hidden claim and observation nodes this pattern's subject could be.
    fn hidden_node_rows(&self, tp: &TriplePattern) -> Exclusion {
        if self.view.hidden_nodes.is_empty() {
            return Exclusion::Nothing;
        }
        if let NamedNodePattern::NamedNode(p) = &tp.predicate {
            if !self.view.node_predicates.contains(p) {
                return Exclusion::Nothing;
            }
        }
        match &tp.subject {
            TermPattern::Variable(v) => Exclusion::Rows(GraphPattern::Values {
                variables: vec![v.clone()],
                bindings: self.view.hidden_nodes.iter().map(|n| vec![Some(GroundTerm::NamedNode(n.clone()))]).collect(),
            }),
            TermPattern::NamedNode(n) if self.view.hidden_nodes.contains(n) => Exclusion::Everything,
            _ => Exclusion::Nothing,
        }
    }

    /// Whether a property path could step on a hidden triple.
    fn path_affected(&self, path: &PropertyPathExpression) -> bool {
        use PropertyPathExpression as Path;
        match path {
            Path::NamedNode(p) => self.affected.contains(p),
            Path::NegatedPropertySet(excluded) => self.affected.iter().any(|p| !excluded.contains(p)),
            Path::Reverse(p) | Path::ZeroOrMore(p) | Path::OneOrMore(p) | Path::ZeroOrOne(p) => self.path_affected(p),
            Path::Sequence(a, b) | Path::Alternative(a, b) => self.path_affected(a) || self.path_affected(b),
        }
    }

    /// A path of fixed length written out as triple patterns, joins and unions, so that each
    /// step reads the view; a repeated step over facts that change in time cannot be.
    fn expand_path(
        &mut self,
        subject: TermPattern,
        path: &PropertyPathExpression,
        object: TermPattern,
    ) -> Result<GraphPattern, Error> {
        use PropertyPathExpression as Path;
        if !self.path_affected(path) {
            return Ok(GraphPattern::Path { subject, path: path.clone(), object });
        }
        Ok(match path {
            Path::NamedNode(p) => GraphPattern::Bgp {
                patterns: vec![TriplePattern { subject, predicate: NamedNodePattern::NamedNode(p.clone()), object }],
            },
            Path::Reverse(inner) => self.expand_path(object, inner, subject)?,
            Path::Sequence(a, b) => {
                let middle = TermPattern::Variable(self.fresh_variable());
                GraphPattern::Join {
                    left: Box::new(self.expand_path(subject, a, middle.clone())?),
                    right: Box::new(self.expand_path(middle, b, object)?),
                }
            }
            Path::Alternative(a, b) => GraphPattern::Union {
                left: Box::new(self.expand_path(subject.clone(), a, object.clone())?),
                right: Box::new(self.expand_path(subject, b, object)?),
            },
            Path::NegatedPropertySet(excluded) => {
                let predicate = self.fresh_variable();
                GraphPattern::Filter {
                    expr: Expression::Not(Box::new(Expression::In(
                        Box::new(Expression::Variable(predicate.clone())),
                        excluded.iter().map(|p| Expression::NamedNode(p.clone())).collect(),
                    ))),
                    inner: Box::new(GraphPattern::Bgp {
                        patterns: vec![TriplePattern {
                            subject,
                            predicate: NamedNodePattern::Variable(predicate),
                            object,
                        }],
                    }),
                }
            }
            Path::ZeroOrMore(inner) | Path::OneOrMore(inner) | Path::ZeroOrOne(inner) if self.repeated.is_some() => {
                let Some(steps) = simple_steps(inner) else {
                    return Err(Error::input(
                        format!("--as-of cannot restrict the repeated property path `{path}`: only a repeated property, its inverse or alternatives of them can be"),
                        Some("write the steps out (p/p/p), or find the route with `path --as-of`".to_owned()),
                    ));
                };
                let (min, max) = match path {
                    Path::OneOrMore(_) => (1, None),
                    Path::ZeroOrOne(_) => (0, Some(1)),
                    _ => (0, None),
                };
                let constant = |t: &TermPattern| match t {
                    TermPattern::NamedNode(n) => Some(n.clone()),
                    _ => None,
                };
                let request = RepeatedPath { steps, from: constant(&subject), to: constant(&object), min, max };
                let pairs = self.repeated.expect("checked").pairs(&request)?;
                return Ok(pairs_table(&subject, &object, pairs));
            }
            Path::ZeroOrMore(_) | Path::OneOrMore(_) | Path::ZeroOrOne(_) => {
                return Err(Error::input(
                    format!(
                        "--as-of cannot restrict the repeated property path `{path}`: facts it steps on change in time"
                    ),
                    Some(
                        "write the steps out (p/p/p), or find the route with `path --as-of`, which reads the \
                         graph as of the day"
                            .to_owned(),
                    ),
                ))
            }
        })
    }
}

/// A repeated path over relations, asked of the graph as of the day: what `RepeatedPaths`
/// answers.
pub struct RepeatedPath {
    /// The properties a step may take, each forward (`p`) or backward (`^p`).
    pub steps: Vec<(NamedNode, bool)>,
    /// A constant start or end, when the pattern has one.
    pub from: Option<NamedNode>,
    pub to: Option<NamedNode>,
    /// The fewest and most steps (`+`: 1 and none, `*`: 0 and none, `?`: 0 and 1).
    pub min: usize,
    pub max: Option<usize>,
}

/// Answers repeated property paths on the relations in force on the day (the projection as
/// of the day): the (start, end) pairs of the path.
pub trait RepeatedPaths: Send + Sync {
    fn pairs(&self, request: &RepeatedPath) -> Result<Vec<(NamedNode, NamedNode)>, Error>;
}

/// The steps of `p`, `^p` and alternatives of them; `None` for anything else.
fn simple_steps(path: &PropertyPathExpression) -> Option<Vec<(NamedNode, bool)>> {
    use PropertyPathExpression as Path;
    match path {
        Path::NamedNode(p) => Some(vec![(p.clone(), true)]),
        Path::Reverse(inner) => match inner.as_ref() {
            Path::NamedNode(p) => Some(vec![(p.clone(), false)]),
            _ => None,
        },
        Path::Alternative(a, b) => {
            let mut steps = simple_steps(a)?;
            steps.extend(simple_steps(b)?);
            Some(steps)
        }
        _ => None,
    }
}

/// The pairs of a repeated path as the pattern that binds them: a VALUES table over the
/// pattern's variables (the rows matching its constants).
fn pairs_table(subject: &TermPattern, object: &TermPattern, pairs: Vec<(NamedNode, NamedNode)>) -> GraphPattern {
    let mut variables: Vec<Variable> = Vec::new();
    for term in [subject, object] {
        if let TermPattern::Variable(v) = term {
            if !variables.contains(v) {
                variables.push(v.clone());
            }
        }
    }
    let mut seen = HashSet::new();
    let mut bindings = Vec::new();
    'pairs: for (s, o) in pairs {
        let mut row: Vec<Option<GroundTerm>> = vec![None; variables.len()];
        for (term, value) in [(subject, &s), (object, &o)] {
            match term {
                TermPattern::Variable(v) => {
                    let column = variables.iter().position(|x| x == v).expect("listed");
                    let value = GroundTerm::NamedNode(value.clone());
                    if row[column].as_ref().is_some_and(|previous| *previous != value) {
                        continue 'pairs;
                    }
                    row[column] = Some(value);
                }
                TermPattern::NamedNode(n) if n == value => {}
                _ => continue 'pairs,
            }
        }
        if seen.insert(row.clone()) {
            bindings.push(row);
        }
    }
    GraphPattern::Values { variables, bindings }
}

/// A VALUES table as the expression "the solution is one of these rows": `?v IN (...)` for
/// one column, else a balanced OR of each row's `sameTerm`s (balanced so that the text an
/// engine parses nests only logarithmically deep).
fn rows_expression(rows: GraphPattern) -> Expression {
    let GraphPattern::Values { variables, bindings } = rows else {
        return Expression::Literal(Literal::from(false));
    };
    let constant = |term: GroundTerm| match term {
        GroundTerm::NamedNode(n) => Expression::NamedNode(n),
        GroundTerm::Literal(l) => Expression::Literal(l),
        #[allow(unreachable_patterns)]
        _ => Expression::Literal(Literal::from(false)),
    };
    if variables.len() == 1 && bindings.iter().all(|row| matches!(row.first(), Some(Some(GroundTerm::NamedNode(_))))) {
        let list = bindings.into_iter().filter_map(|row| row.into_iter().next().flatten()).map(constant).collect();
        return Expression::In(Box::new(Expression::Variable(variables[0].clone())), list);
    }
    let matches: Vec<Expression> = bindings
        .into_iter()
        .map(|row| {
            let tests: Vec<Expression> = variables
                .iter()
                .zip(row)
                .filter_map(|(variable, value)| {
                    value.map(|value| {
                        Expression::SameTerm(
                            Box::new(Expression::Variable(variable.clone())),
                            Box::new(constant(value)),
                        )
                    })
                })
                .collect();
            balanced(tests, Expression::And, Expression::Literal(Literal::from(true)))
        })
        .collect();
    balanced(matches, Expression::Or, Expression::Literal(Literal::from(false)))
}

/// `items` joined by a binary operator as a balanced tree; `empty` when there are none.
fn balanced(
    mut items: Vec<Expression>,
    join: fn(Box<Expression>, Box<Expression>) -> Expression,
    empty: Expression,
) -> Expression {
    match items.len() {
        0 => empty,
        1 => items.pop().expect("one item"),
        n => {
            let right = items.split_off(n / 2);
            join(Box::new(balanced(items, join, empty.clone())), Box::new(balanced(right, join, empty)))
        }
    }
}

/// A pattern position: its variable, or its constant term.
fn term_position(term: &TermPattern) -> (Option<&Variable>, Option<Term>) {
    match term {
        TermPattern::Variable(v) => (Some(v), None),
        TermPattern::NamedNode(n) => (None, Some(Term::NamedNode(n.clone()))),
        TermPattern::Literal(l) => (None, Some(Term::Literal(l.clone()))),
        _ => (None, None),
    }
}

/// A literal for a day, typed `xsd:date`.
pub fn day_literal(day: Day) -> Literal {
    Literal::new_typed_literal(day_text(day), XSD_DATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Option<FactDate> {
        Some(FactDate::parse(text).unwrap())
    }

    #[test]
    fn partial_dates_cover_their_whole_period() {
        // Ended "2024-11": in force through 30 November, not on 1 December.
        assert!(claim_in_force(None, d("2024-11"), (2024, 11, 30)));
        assert!(!claim_in_force(None, d("2024-11"), (2024, 12, 1)));
        // Ended on a day: that day is the first it no longer holds.
        assert!(claim_in_force(None, d("2024-11-21"), (2024, 11, 20)));
        assert!(!claim_in_force(None, d("2024-11-21"), (2024, 11, 21)));
        // Started in 2024: in force from 1 January.
        assert!(claim_in_force(d("2024"), None, (2024, 1, 1)));
        assert!(!claim_in_force(d("2024"), None, (2023, 12, 31)));
        // Figures hold over their period, both ends included.
        assert!(figure_in_force(d("2024-10-21"), d("2024-10-24"), (2024, 10, 24)));
        assert!(!figure_in_force(d("2024-10-21"), d("2024-10-24"), (2024, 10, 25)));
        assert!(figure_in_force(d("2025-04"), d("2025-04"), (2025, 4, 30)));
    }

    #[test]
    fn days_must_be_whole() {
        assert_eq!(parse_day("2024-06-30").unwrap(), (2024, 6, 30));
        assert!(parse_day("2024-06").is_err());
        assert!(parse_day("2024-02-30").is_err());
        assert!(parse_day("yesterday").is_err());
    }
}
