//! Stopping a Cartesian product on time on the embedded store. oxigraph looks at a query's
//! cancellation token only when it reads a quad, and a product of patterns that share no
//! variable yields the rows of its inner side again and again without reading: a cancelled
//! `{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }` would go on for hours on its worker thread. Before
//! evaluation, each such product is wrapped in a FILTER calling [`ALIVE`], a function the
//! evaluator is given, which is asked once per row the product makes: it answers `true`
//! while the query lives and, once the token is cancelled, unwinds the evaluation with
//! [`Stopped`], which the worker catches. The filter's argument is a variable bound nowhere
//! (under COALESCE, so the call still happens), so the optimizer can push the filter into
//! neither side of the product.

use spargebra::algebra::{Expression, Function, GraphPattern};
use spargebra::term::{Literal, NamedNode, TermPattern, TriplePattern, Variable};

/// The IRI of the check; internal, added by [`guard_products`] and never meaningful in a
/// user's query.
pub(super) const ALIVE: &str = "urn:x-stratagraph:internal:alive";

/// The variable the check's argument names, bound by no pattern.
const NEVER_BOUND: &str = "stratagraph_internal_never_bound";

/// The unwinding payload of a product stopped by its cancelled token.
pub(super) struct Stopped;

/// Rewrites `pattern` so that every Cartesian product in it asks [`ALIVE`] once per row: a
/// basic graph pattern whose triple patterns fall into groups sharing no variable becomes
/// the join of the groups, and each join of two sides that share no variable is filtered.
pub(super) fn guard_products(pattern: &mut GraphPattern) {
    let _ = crate::algebra::children_mut(pattern, &mut |child| {
        guard_products(child);
        Ok::<(), ()>(())
    });
    match pattern {
        GraphPattern::Bgp { patterns } if patterns.len() > 1 => {
            let groups = groups_by_variable(patterns);
            if groups.len() > 1 {
                let mut groups = groups.into_iter().map(|patterns| GraphPattern::Bgp { patterns });
                let first = groups.next().expect("more than one group");
                *pattern = groups.fold(first, |left, right| {
                    guarded(GraphPattern::Join { left: Box::new(left), right: Box::new(right) })
                });
            }
        }
        GraphPattern::Join { left, right } if is_product(left, right) => {
            let join = std::mem::replace(pattern, GraphPattern::Bgp { patterns: Vec::new() });
            *pattern = guarded(join);
        }
        _ => {}
    }
}

/// `join` under the per-row check.
fn guarded(join: GraphPattern) -> GraphPattern {
    let never = Expression::Variable(Variable::new_unchecked(NEVER_BOUND));
    let zero = Expression::Literal(Literal::new_typed_literal("0", NamedNode::new_unchecked(XSD_INTEGER)));
    GraphPattern::Filter {
        expr: Expression::FunctionCall(
            Function::Custom(NamedNode::new_unchecked(ALIVE)),
            vec![Expression::Coalesce(vec![never, zero])],
        ),
        inner: Box::new(join),
    }
}

const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";

/// Whether a join of these sides multiplies their rows: they share no variable, and each
/// side can yield more than one row (a one-row VALUES, as report parameters are bound, or
/// an empty group cannot).
fn is_product(left: &GraphPattern, right: &GraphPattern) -> bool {
    let small = |side: &GraphPattern| match side {
        GraphPattern::Values { bindings, .. } => bindings.len() <= 1,
        GraphPattern::Bgp { patterns } => patterns.is_empty(),
        _ => false,
    };
    if small(left) || small(right) {
        return false;
    }
    let mut on_left = std::collections::HashSet::new();
    left.on_in_scope_variable(|v| {
        on_left.insert(v.clone());
    });
    let mut shared = false;
    right.on_in_scope_variable(|v| shared |= on_left.contains(v));
    !shared
}

/// The triple patterns in groups joined by shared variables (blank nodes count as
/// variables), in the order of their first pattern. A quoted triple keeps the whole
/// pattern in one group: it is rare, and one group is always correct.
fn groups_by_variable(patterns: &[TriplePattern]) -> Vec<Vec<TriplePattern>> {
    let names = |pattern: &TriplePattern| -> Option<Vec<String>> {
        let mut names = Vec::new();
        for term in [&pattern.subject, &pattern.object] {
            match term {
                TermPattern::Variable(v) => names.push(format!("?{}", v.as_str())),
                TermPattern::BlankNode(b) => names.push(format!("_:{}", b.as_str())),
                TermPattern::NamedNode(_) | TermPattern::Literal(_) => {}
                #[allow(unreachable_patterns)]
                _ => return None,
            }
        }
        if let spargebra::term::NamedNodePattern::Variable(v) = &pattern.predicate {
            names.push(format!("?{}", v.as_str()));
        }
        Some(names)
    };
    let mut named = Vec::with_capacity(patterns.len());
    for pattern in patterns {
        match names(pattern) {
            Some(list) => named.push(list),
            None => return vec![patterns.to_vec()],
        }
    }
    // Union-find over the patterns, joined through the first pattern naming each name.
    let mut parent: Vec<usize> = (0..patterns.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut first_with: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, list) in named.iter().enumerate() {
        for name in list {
            match first_with.get(name.as_str()) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a.max(b)] = a.min(b);
                }
                None => {
                    first_with.insert(name, i);
                }
            }
        }
    }
    let mut group_of: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    let mut groups: Vec<Vec<TriplePattern>> = Vec::new();
    for (i, pattern) in patterns.iter().enumerate() {
        let r = root(&mut parent, i);
        let g = *group_of.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(pattern.clone());
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern_of(query: &str) -> GraphPattern {
        match spargebra::SparqlParser::new().parse_query(query).unwrap() {
            spargebra::Query::Select { pattern, .. } => pattern,
            _ => unreachable!(),
        }
    }

    fn checks(pattern: &GraphPattern) -> usize {
        pattern.to_string().matches(ALIVE).count()
    }

    #[test]
    fn products_are_guarded_and_joins_are_not() {
        let mut p = pattern_of("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }");
        guard_products(&mut p);
        assert_eq!(checks(&p), 2, "{p}");
        let mut p = pattern_of("SELECT * WHERE { ?a ?b ?c . ?c ?e ?f . _:x ?h ?a }");
        guard_products(&mut p);
        assert_eq!(checks(&p), 0, "{p}");
        let mut p = pattern_of("SELECT * WHERE { ?a ?b ?c . _:x ?h ?i . _:x ?j ?a }");
        guard_products(&mut p);
        assert_eq!(checks(&p), 0, "blank nodes join: {p}");
        let mut p = pattern_of("SELECT * WHERE { { ?a ?b ?c } UNION { ?x ?y ?z } { ?d ?e ?f } }");
        guard_products(&mut p);
        assert_eq!(checks(&p), 1, "{p}");
        let mut p = pattern_of("SELECT * WHERE { VALUES ?v { 1 } ?a ?b ?c }");
        guard_products(&mut p);
        assert_eq!(checks(&p), 0, "a one-row VALUES is not a product: {p}");
    }
}
