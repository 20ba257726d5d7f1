//! RDFS inference on request (`--infer rdfs`), answered by query rewriting.
//!
//! The ontology's hierarchy is read once per store state: `rdfs:subPropertyOf` and
//! `rdfs:subClassOf` closed transitively, and `rdfs:domain` and `rdfs:range`. A query's
//! algebra is then rewritten so that it finds what the RDFS rules entail:
//! - a triple pattern with a property that has subproperties matches any of them
//!   (`org:memberOf` finds `sg:memberOf` and `org:headOf`);
//! - `?x rdf:type C` matches the instances of C's subclasses, and the subjects (objects) of
//!   the properties whose domain (range) is C or below it;
//! - each rewritten pattern is DISTINCT over its variables, as the entailed graph is a set.
//!
//! Patterns with a variable predicate, or `rdf:type` with a variable class, read the stated
//! triples only (docs/inference.md). Nothing is materialised, so the store is unchanged and
//! the same rewrite runs on a remote engine.

use crate::backend::Backend;
use crate::error::Error;
use crate::vocab::std_terms::RDF_TYPE;
use oxigraph::model::{NamedNode, Term, Variable};
use spargebra::algebra::{GraphPattern, PropertyPathExpression};
use spargebra::term::{NamedNodePattern, TermPattern, TriplePattern};
use std::collections::{BTreeMap, BTreeSet};

/// What the ontology entails, closed.
#[derive(Debug, Default)]
pub struct Entailment {
    /// Property → every property below it (not itself).
    sub_properties: BTreeMap<NamedNode, BTreeSet<NamedNode>>,
    /// Class → every class below it (not itself).
    sub_classes: BTreeMap<NamedNode, BTreeSet<NamedNode>>,
    /// Property → its declared domains and ranges.
    domains: BTreeMap<NamedNode, BTreeSet<NamedNode>>,
    ranges: BTreeMap<NamedNode, BTreeSet<NamedNode>>,
}

fn pairs(backend: &Backend, predicate: &str) -> Result<Vec<(NamedNode, NamedNode)>, Error> {
    Ok(backend
        .select(&format!("SELECT DISTINCT ?a ?b WHERE {{ ?a {predicate} ?b }}"))?
        .into_iter()
        .filter_map(|row| match <[Option<Term>; 2]>::try_from(row).ok()? {
            [Some(Term::NamedNode(a)), Some(Term::NamedNode(b))] if a != b => Some((a, b)),
            _ => None,
        })
        .collect())
}

/// Everything below each node of a `below → above` relation, transitively.
fn closure(edges: &[(NamedNode, NamedNode)]) -> BTreeMap<NamedNode, BTreeSet<NamedNode>> {
    let mut direct: BTreeMap<&NamedNode, Vec<&NamedNode>> = BTreeMap::new();
    for (below, above) in edges {
        direct.entry(above).or_default().push(below);
    }
    let mut out = BTreeMap::new();
    for &top in direct.keys() {
        let mut seen: BTreeSet<NamedNode> = BTreeSet::new();
        let mut stack = vec![top];
        while let Some(node) = stack.pop() {
            for &below in direct.get(node).map(Vec::as_slice).unwrap_or_default() {
                if below != top && seen.insert(below.clone()) {
                    stack.push(below);
                }
            }
        }
        out.insert(top.clone(), seen);
    }
    out
}

impl Entailment {
    /// Reads the hierarchy the store's ontology declares.
    pub fn build(backend: &Backend) -> Result<Entailment, Error> {
        let group = |edges: Vec<(NamedNode, NamedNode)>| {
            let mut map: BTreeMap<NamedNode, BTreeSet<NamedNode>> = BTreeMap::new();
            for (a, b) in edges {
                map.entry(a).or_default().insert(b);
            }
            map
        };
        Ok(Entailment {
            sub_properties: closure(&pairs(backend, "rdfs:subPropertyOf")?),
            sub_classes: closure(&pairs(backend, "rdfs:subClassOf")?),
            domains: group(pairs(backend, "rdfs:domain")?),
            ranges: group(pairs(backend, "rdfs:range")?),
        })
    }

    /// The property and every property below it.
    fn properties_under(&self, property: &NamedNode) -> BTreeSet<NamedNode> {
        let mut all = self.sub_properties.get(property).cloned().unwrap_or_default();
        all.insert(property.clone());
        all
    }

    /// The class and every class below it.
    fn classes_under(&self, class: &NamedNode) -> BTreeSet<NamedNode> {
        let mut all = self.sub_classes.get(class).cloned().unwrap_or_default();
        all.insert(class.clone());
        all
    }

    /// The properties (with their subproperties) whose domain, or range, is the class or
    /// below it.
    fn typing_properties(
        &self,
        class: &NamedNode,
        declared: &BTreeMap<NamedNode, BTreeSet<NamedNode>>,
    ) -> BTreeSet<NamedNode> {
        let classes = self.classes_under(class);
        declared
            .iter()
            .filter(|(_, classes_of)| classes_of.iter().any(|c| classes.contains(c)))
            .flat_map(|(p, _)| self.properties_under(p))
            .collect()
    }

    /// Rewrites a query so that it finds what the ontology entails.
    pub fn rewrite(&self, query: &mut spargebra::Query) {
        let pattern = match query {
            spargebra::Query::Select { pattern, .. }
            | spargebra::Query::Construct { pattern, .. }
            | spargebra::Query::Describe { pattern, .. }
            | spargebra::Query::Ask { pattern, .. } => pattern,
        };
        let mut rewriter = Rewriter { entailment: self, fresh: 0 };
        rewriter.pattern(pattern);
    }
}

struct Rewriter<'a> {
    entailment: &'a Entailment,
    fresh: usize,
}

impl Rewriter<'_> {
    fn fresh_variable(&mut self) -> TermPattern {
        self.fresh += 1;
        TermPattern::Variable(Variable::new_unchecked(format!("_infer{}", self.fresh)))
    }

    fn pattern(&mut self, pattern: &mut GraphPattern) {
        use GraphPattern as P;
        match pattern {
            P::Bgp { patterns } => {
                let patterns = std::mem::take(patterns);
                *pattern = self.bgp(patterns);
            }
            P::Path { path, .. } => self.path(path),
            _ => {
                let _ = crate::algebra::children_mut(pattern, &mut |child| -> Result<(), std::convert::Infallible> {
                    self.pattern(child);
                    Ok(())
                });
            }
        }
    }

    /// A property path step over a property with subproperties steps over any of them.
    fn path(&mut self, path: &mut PropertyPathExpression) {
        use PropertyPathExpression as Path;
        match path {
            Path::NamedNode(p) => {
                let all = self.entailment.properties_under(p);
                if all.len() > 1 {
                    let mut steps = all.into_iter().map(Path::NamedNode);
                    let first = steps.next().expect("one property");
                    *path = steps.fold(first, |a, b| Path::Alternative(Box::new(a), Box::new(b)));
                }
            }
            Path::Reverse(p) | Path::ZeroOrMore(p) | Path::OneOrMore(p) | Path::ZeroOrOne(p) => self.path(p),
            Path::Sequence(a, b) | Path::Alternative(a, b) => {
                self.path(a);
                self.path(b);
            }
            Path::NegatedPropertySet(_) => {}
        }
    }

    /// The triple patterns that entailment widens become DISTINCT unions joined to the
    /// rest of the basic graph pattern.
    fn bgp(&mut self, patterns: Vec<TriplePattern>) -> GraphPattern {
        // A blank node joins the patterns of its BGP like a variable; once patterns are split
        // into separate parts it must be one.
        let mut blanks: BTreeMap<String, TermPattern> = BTreeMap::new();
        let mut named = |term: TermPattern, this: &mut Self| match term {
            TermPattern::BlankNode(b) => {
                blanks.entry(b.as_str().to_owned()).or_insert_with(|| this.fresh_variable()).clone()
            }
            other => other,
        };
        let patterns: Vec<TriplePattern> = patterns
            .into_iter()
            .map(|tp| {
                let subject = named(tp.subject, self);
                let object = named(tp.object, self);
                TriplePattern { subject, predicate: tp.predicate, object }
            })
            .collect();
        let mut kept = Vec::new();
        let mut widened = Vec::new();
        for tp in patterns {
            match self.alternatives(&tp) {
                Some(alternatives) => widened.push(distinct_union(&tp, alternatives)),
                None => kept.push(tp),
            }
        }
        widened.into_iter().fold(GraphPattern::Bgp { patterns: kept }, |left, right| GraphPattern::Join {
            left: Box::new(left),
            right: Box::new(right),
        })
    }

    /// The patterns whose union is what `tp` entails, or `None` when it entails no more
    /// than it states.
    fn alternatives(&mut self, tp: &TriplePattern) -> Option<Vec<GraphPattern>> {
        let NamedNodePattern::NamedNode(predicate) = &tp.predicate else { return None };
        let single = |subject: TermPattern, predicate: NamedNode, object: TermPattern| GraphPattern::Bgp {
            patterns: vec![TriplePattern { subject, predicate: NamedNodePattern::NamedNode(predicate), object }],
        };
        if predicate.as_ref() == RDF_TYPE {
            let TermPattern::NamedNode(class) = &tp.object else { return None };
            let classes = self.entailment.classes_under(class);
            let by_domain = self.entailment.typing_properties(class, &self.entailment.domains);
            let by_range = self.entailment.typing_properties(class, &self.entailment.ranges);
            if classes.len() == 1 && by_domain.is_empty() && by_range.is_empty() {
                return None;
            }
            let mut out: Vec<GraphPattern> = classes
                .into_iter()
                .map(|c| single(tp.subject.clone(), RDF_TYPE.into_owned(), TermPattern::NamedNode(c)))
                .collect();
            for p in by_domain {
                let other = self.fresh_variable();
                out.push(single(tp.subject.clone(), p, other));
            }
            for p in by_range {
                let other = self.fresh_variable();
                out.push(single(other, p, tp.subject.clone()));
            }
            return Some(out);
        }
        let all = self.entailment.properties_under(predicate);
        if all.len() == 1 {
            return None;
        }
        Some(all.into_iter().map(|p| single(tp.subject.clone(), p, tp.object.clone())).collect())
    }
}

/// `SELECT DISTINCT (the pattern's variables) { a } UNION { b } ...`.
fn distinct_union(tp: &TriplePattern, alternatives: Vec<GraphPattern>) -> GraphPattern {
    let mut variables: Vec<Variable> = Vec::new();
    for term in [&tp.subject, &tp.object] {
        if let TermPattern::Variable(v) = term {
            if !variables.contains(v) {
                variables.push(v.clone());
            }
        }
    }
    let mut alternatives = alternatives.into_iter();
    let first = alternatives.next().unwrap_or(GraphPattern::Bgp { patterns: Vec::new() });
    let union = alternatives.fold(first, |a, b| GraphPattern::Union { left: Box::new(a), right: Box::new(b) });
    GraphPattern::Distinct { inner: Box::new(GraphPattern::Project { inner: Box::new(union), variables }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(name: &str) -> NamedNode {
        NamedNode::new_unchecked(format!("http://example.org/{name}"))
    }

    #[test]
    fn closure_is_transitive_and_skips_cycles() {
        let edges = vec![(n("a"), n("b")), (n("b"), n("c")), (n("c"), n("a"))];
        let closed = closure(&edges);
        assert_eq!(closed[&n("c")], [n("a"), n("b")].into_iter().collect());
        assert_eq!(closed[&n("b")], [n("a"), n("c")].into_iter().collect());
    }
}
