//! Walking a query's algebra: the one place that knows which parts of a pattern hold other
//! patterns, for the rewrites (local SERVICEs; and, with their own rules, the as-of view and
//! inference).

use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, OrderExpression};

/// Calls `visit` on every pattern directly inside `pattern`, including those in its
/// expressions' EXISTS filters. A SERVICE's own pattern is not visited: it belongs to the
/// engine it names.
pub fn children_mut<E>(
    pattern: &mut GraphPattern,
    visit: &mut dyn FnMut(&mut GraphPattern) -> Result<(), E>,
) -> Result<(), E> {
    use GraphPattern as P;
    match pattern {
        P::Bgp { .. } | P::Path { .. } | P::Values { .. } | P::Service { .. } => Ok(()),
        P::Join { left, right } | P::Union { left, right } | P::Minus { left, right } | P::Lateral { left, right } => {
            visit(left)?;
            visit(right)
        }
        P::LeftJoin { left, right, expression } => {
            visit(left)?;
            visit(right)?;
            match expression {
                Some(expression) => exists_mut(expression, visit),
                None => Ok(()),
            }
        }
        P::Filter { expr, inner } => {
            visit(inner)?;
            exists_mut(expr, visit)
        }
        P::Extend { inner, expression, .. } => {
            visit(inner)?;
            exists_mut(expression, visit)
        }
        P::OrderBy { inner, expression } => {
            visit(inner)?;
            for order in expression {
                match order {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => exists_mut(e, visit)?,
                }
            }
            Ok(())
        }
        P::Group { inner, aggregates, .. } => {
            visit(inner)?;
            for (_, aggregate) in aggregates {
                if let AggregateExpression::FunctionCall { expr, .. } = aggregate {
                    exists_mut(expr, visit)?;
                }
            }
            Ok(())
        }
        P::Graph { inner, .. }
        | P::Project { inner, .. }
        | P::Distinct { inner }
        | P::Reduced { inner }
        | P::Slice { inner, .. } => visit(inner),
    }
}

/// Calls `visit` on the pattern of every EXISTS inside `expression`.
pub fn exists_mut<E>(
    expression: &mut Expression,
    visit: &mut dyn FnMut(&mut GraphPattern) -> Result<(), E>,
) -> Result<(), E> {
    use Expression as X;
    match expression {
        X::Exists(pattern) => visit(pattern),
        X::Or(a, b)
        | X::And(a, b)
        | X::Equal(a, b)
        | X::SameTerm(a, b)
        | X::Greater(a, b)
        | X::GreaterOrEqual(a, b)
        | X::Less(a, b)
        | X::LessOrEqual(a, b)
        | X::Add(a, b)
        | X::Subtract(a, b)
        | X::Multiply(a, b)
        | X::Divide(a, b) => {
            exists_mut(a, visit)?;
            exists_mut(b, visit)
        }
        X::UnaryPlus(a) | X::UnaryMinus(a) | X::Not(a) => exists_mut(a, visit),
        X::If(a, b, c) => {
            exists_mut(a, visit)?;
            exists_mut(b, visit)?;
            exists_mut(c, visit)
        }
        X::In(a, list) => {
            exists_mut(a, visit)?;
            list.iter_mut().try_for_each(|e| exists_mut(e, visit))
        }
        X::Coalesce(list) | X::FunctionCall(_, list) => list.iter_mut().try_for_each(|e| exists_mut(e, visit)),
        X::NamedNode(_) | X::Literal(_) | X::Variable(_) | X::Bound(_) => Ok(()),
    }
}
