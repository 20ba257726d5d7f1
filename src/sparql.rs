//! SPARQL evaluation: predeclared prefixes, read-only unless asked, SERVICE and LOAD only
//! when allowed, a timeout and cancellation, and syntax errors shown with a caret.

pub use crate::backend::embedded::workers_abandoned;
pub use crate::backend::Answer;
use crate::backend::{query_pattern, uses_service, Backend, Evaluation};
use crate::error::Error;
use crate::vocab;
use oxigraph::model::{Term, Variable};
use oxigraph::sparql::CancellationToken;
use spargebra::{GraphUpdateOperation, SparqlParser, SparqlSyntaxError};
use std::time::Duration;

/// How to evaluate a query.
#[derive(Clone, Default)]
pub struct QueryOptions {
    /// Cancel the query after this long.
    pub timeout: Option<Duration>,
    /// Allow SPARQL updates (INSERT, DELETE, ...).
    pub allow_update: bool,
    /// Allow SERVICE calls and LOAD of remote documents over the network.
    pub allow_service: bool,
    /// Prefixes declared in the session, on top of the predeclared ones.
    pub prefixes: Vec<(String, String)>,
    /// A token a face can cancel (Ctrl-C in the REPL).
    pub cancel: Option<CancellationToken>,
    /// Values substituted for variables (report parameters), never pasted into the text.
    pub substitutions: Vec<(Variable, Term)>,
    /// The base IRI relative IRIs resolve against.
    pub base: Option<String>,
    /// The most rows or triples the answer may hold (users' queries; internal reads have none).
    pub max_rows: Option<usize>,
    /// How many bytes the query may grow the process by while it is evaluated (embedded
    /// store; a remote engine bounds its own memory).
    pub max_memory: Option<u64>,
    /// Read the graph as of a day (`--as-of`): the query's algebra is restricted to the facts
    /// in force then.
    pub as_of: Option<std::sync::Arc<crate::asof::AsOfView>>,
    /// Find what the ontology entails (`--infer rdfs`): the query is rewritten over the
    /// hierarchy read once per store state.
    pub infer: Option<std::sync::Arc<crate::infer::Entailment>>,
    /// SERVICEs answered here, by IRI: each evaluated once and joined as a VALUES table
    /// (the path and text SERVICEs of `services`).
    pub local_services: Vec<(String, std::sync::Arc<dyn LocalService>)>,
    /// Answers repeated property paths as of `as_of`'s day, on the relations in force then.
    pub repeated_paths: Option<std::sync::Arc<dyn crate::asof::RepeatedPaths>>,
}

/// A SERVICE evaluated by the program itself: its group pattern in, a VALUES table out.
pub trait LocalService: Send + Sync {
    /// The solutions of the SERVICE's pattern, as a VALUES table.
    fn evaluate(&self, pattern: &spargebra::algebra::GraphPattern) -> Result<spargebra::algebra::GraphPattern, Error>;
}

/// The deepest bracket nesting a query may have; deeper ones are refused before parsing,
/// so a hostile query cannot exhaust the parser's stack.
pub const MAX_NESTING: usize = 200;

impl QueryOptions {
    /// What the backend needs of these options to evaluate.
    pub fn evaluation(&self) -> Evaluation {
        Evaluation {
            timeout: self.timeout,
            allow_service: self.allow_service,
            cancel: self.cancel.clone(),
            max_rows: self.max_rows,
            max_memory: self.max_memory,
        }
    }
}

/// Parses and runs `text` on `backend`.
pub fn run(backend: &Backend, text: &str, options: &QueryOptions) -> Result<Answer, Error> {
    match parse(text, options)? {
        Parsed::Query(query) => run_query(backend, query, options),
        Parsed::Update(update) => run_update(backend, update, options),
    }
}

/// `text` with its dataset set to these graphs: the SPARQL protocol's `default-graph-uri` and
/// `named-graph-uri`, which override the query's own FROM and FROM NAMED.
pub fn with_dataset(text: &str, default: &[String], named: &[String], options: &QueryOptions) -> Result<String, Error> {
    let Parsed::Query(mut query) = parse(text, options)? else {
        return Err(Error::input("an update cannot name a dataset with default-graph-uri", None));
    };
    let iris = |list: &[String]| {
        list.iter()
            .map(|iri| {
                oxigraph::model::NamedNode::new(iri.as_str())
                    .map_err(|e| Error::input(format!("`{iri}` is not an IRI: {e}"), None))
            })
            .collect::<Result<Vec<_>, Error>>()
    };
    let dataset = spargebra::algebra::QueryDataset {
        default: iris(default)?,
        named: if named.is_empty() { None } else { Some(iris(named)?) },
    };
    match &mut query {
        spargebra::Query::Select { dataset: slot, .. }
        | spargebra::Query::Construct { dataset: slot, .. }
        | spargebra::Query::Describe { dataset: slot, .. }
        | spargebra::Query::Ask { dataset: slot, .. } => *slot = Some(dataset),
    }
    Ok(query.to_string())
}

const UPDATE_KEYWORDS: &[&str] =
    &["INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"];

/// The first keyword after the prologue (PREFIX and BASE declarations and comments).
pub fn first_keyword(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.starts_with('#') {
            rest = rest.split_once('\n').map_or("", |(_, after)| after);
            continue;
        }
        let word_end = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        let word = &rest[..word_end];
        if word.eq_ignore_ascii_case("PREFIX") || word.eq_ignore_ascii_case("BASE") {
            let close = rest.find('>')?;
            rest = &rest[close + 1..];
            continue;
        }
        return (!word.is_empty()).then_some(word);
    }
}

/// A parser with the predeclared prefixes, declared once per process: declaring them parses
/// each prefix's IRI, which is a visible part of a small query's cost on a busy server.
fn predeclared_parser() -> &'static SparqlParser {
    static PARSER: std::sync::OnceLock<SparqlParser> = std::sync::OnceLock::new();
    PARSER.get_or_init(|| {
        vocab::PREFIXES.iter().fold(SparqlParser::new(), |parser, (prefix, iri)| {
            parser.with_prefix(*prefix, *iri).expect("the predeclared prefixes are valid IRIs")
        })
    })
}

fn parser(options: &QueryOptions) -> Result<SparqlParser, Error> {
    let mut parser = predeclared_parser().clone();
    if let Some(base) = &options.base {
        parser = parser.with_base_iri(base).map_err(|e| {
            Error::input(
                format!("the base IRI `{base}` is not valid: {e}"),
                Some("give an absolute IRI, e.g. --base http://example.org/".to_owned()),
            )
        })?;
    }
    for (prefix, iri) in options.prefixes.iter().map(|(p, i)| (p.as_str(), i.as_str())) {
        parser = parser
            .with_prefix(prefix, iri)
            .map_err(|e| Error::input(format!("the prefix `{prefix}:` has an invalid IRI: {e}"), None))?;
    }
    Ok(parser)
}

/// Runs a query on the backend, after the policy: parameters bound in the algebra, and no
/// SERVICE unless allowed (checked here, so it holds on every backend).
fn run_query(backend: &Backend, query: spargebra::Query, options: &QueryOptions) -> Result<Answer, Error> {
    let mut query = query;
    bind_values(&mut query, &options.substitutions)?;
    if !options.local_services.is_empty() {
        let pattern = match &mut query {
            spargebra::Query::Select { pattern, .. }
            | spargebra::Query::Construct { pattern, .. }
            | spargebra::Query::Describe { pattern, .. }
            | spargebra::Query::Ask { pattern, .. } => pattern,
        };
        answer_local_services(pattern, &options.local_services)?;
    }
    if !options.allow_service && uses_service(query_pattern(&query)) {
        return Err(Error::input(
            "SERVICE would call the network, which is off",
            Some("add --allow-service to allow federated queries".to_owned()),
        ));
    }
    if let Some(entailment) = &options.infer {
        entailment.rewrite(&mut query);
    }
    let Some(view) = &options.as_of else {
        return backend.query(query, &options.evaluation());
    };
    view.restrict(&mut query, matches!(backend, Backend::Remote(_)), options.repeated_paths.as_deref())?;
    // DESCRIBE's description is the engine's own reading of the store: the view is applied
    // to its triples after.
    let describe = matches!(query, spargebra::Query::Describe { .. });
    match backend.query(query, &options.evaluation())? {
        Answer::Graph(triples) if describe => Ok(Answer::Graph(view.filter_triples(triples))),
        answer => Ok(answer),
    }
}

/// Replaces each SERVICE the program answers itself (in patterns and EXISTS filters) by the
/// VALUES table it evaluates to.
fn answer_local_services(
    pattern: &mut spargebra::algebra::GraphPattern,
    services: &[(String, std::sync::Arc<dyn LocalService>)],
) -> Result<(), Error> {
    use spargebra::algebra::GraphPattern as P;
    if let P::Service { name: spargebra::term::NamedNodePattern::NamedNode(name), inner, silent } = pattern {
        if let Some((_, service)) = services.iter().find(|(iri, _)| iri == name.as_str()) {
            let answer = match service.evaluate(inner) {
                Ok(answer) => answer,
                Err(_) if *silent => P::Values { variables: Vec::new(), bindings: vec![Vec::new()] },
                Err(error) => return Err(error),
            };
            *pattern = answer;
            return Ok(());
        }
    }
    crate::algebra::children_mut(pattern, &mut |child| answer_local_services(child, services))
}

/// Binds variables by joining a one-row VALUES block at the heart of the query's pattern:
/// the value is a term, never text pasted into the query, and the variable need not be
/// projected.
fn bind_values(query: &mut spargebra::Query, substitutions: &[(Variable, Term)]) -> Result<(), Error> {
    use spargebra::algebra::GraphPattern;
    use spargebra::term::GroundTerm;
    if substitutions.is_empty() {
        return Ok(());
    }
    let mut row = Vec::new();
    for (variable, term) in substitutions {
        row.push(Some(match term {
            Term::NamedNode(n) => GroundTerm::NamedNode(n.clone()),
            Term::Literal(l) => GroundTerm::Literal(l.clone()),
            _ => return Err(Error::input(format!("?{} cannot be bound to a blank node", variable.as_str()), None)),
        }));
    }
    let values =
        GraphPattern::Values { variables: substitutions.iter().map(|(v, _)| v.clone()).collect(), bindings: vec![row] };
    let pattern = match query {
        spargebra::Query::Select { pattern, .. }
        | spargebra::Query::Construct { pattern, .. }
        | spargebra::Query::Describe { pattern, .. }
        | spargebra::Query::Ask { pattern, .. } => pattern,
    };
    let mut current = pattern;
    loop {
        match current {
            GraphPattern::Slice { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Project { inner, .. }
            | GraphPattern::OrderBy { inner, .. }
            | GraphPattern::Group { inner, .. }
            | GraphPattern::Filter { inner, .. }
            | GraphPattern::Extend { inner, .. } => current = inner,
            other => {
                let placeholder = GraphPattern::Values { variables: Vec::new(), bindings: Vec::new() };
                let old = std::mem::replace(other, placeholder);
                *other = GraphPattern::Join { left: Box::new(values), right: Box::new(old) };
                return Ok(());
            }
        }
    }
}

fn run_update(backend: &Backend, update: spargebra::Update, options: &QueryOptions) -> Result<Answer, Error> {
    if options.infer.is_some() {
        return Err(Error::input(
            "--infer answers queries with what the ontology entails; an update cannot use it",
            Some("run the update without --infer".to_owned()),
        ));
    }
    if options.as_of.is_some() {
        return Err(Error::input(
            "--as-of reads the graph as of a day; an update cannot run on that view",
            Some("run the update without --as-of".to_owned()),
        ));
    }
    if !options.allow_update {
        return Err(Error::input(
            "this is a SPARQL update and queries are read-only",
            Some("add --update to change the store".to_owned()),
        ));
    }
    backend.ensure_writable()?;
    if !options.allow_service && update.operations.iter().any(|op| matches!(op, GraphUpdateOperation::Load { .. })) {
        return Err(Error::input(
            "LOAD fetches a document over the network, which is off",
            Some("use `stratagraph load FILE` for local files, or add --allow-service".to_owned()),
        ));
    }
    let uses_service_in_where = update.operations.iter().any(|op| match op {
        GraphUpdateOperation::DeleteInsert { pattern, .. } => uses_service(pattern),
        _ => false,
    });
    if !options.allow_service && uses_service_in_where {
        return Err(Error::input(
            "SERVICE would call the network, which is off",
            Some("add --allow-service to allow federated queries".to_owned()),
        ));
    }
    backend.update(update, &options.evaluation())
}

/// A syntax error with the offending line and a caret under the position.
pub fn syntax_error(text: &str, error: &SparqlSyntaxError) -> Error {
    let message = error.to_string();
    let position = parse_position(&message);
    let excerpt = position.and_then(|(line, column)| {
        let lines: Vec<&str> = text.lines().collect();
        let wanted = line.checked_sub(1)?;
        // An error at the very end of input may sit on an empty last line: show the last
        // line with text and put the caret after it.
        let (line, source_line, column) = match lines.get(wanted) {
            Some(found) if !found.trim().is_empty() => (line, *found, column),
            _ => {
                let (index, last) = lines.iter().enumerate().rev().find(|(_, l)| !l.trim().is_empty())?;
                (index + 1, *last, last.chars().count() + 1)
            }
        };
        // A long line is shown as a window of about 140 characters around the error.
        let chars: Vec<char> = source_line.chars().collect();
        let at = column.saturating_sub(1).min(chars.len());
        let (from, to) =
            if chars.len() <= 160 { (0, chars.len()) } else { (at.saturating_sub(70), (at + 70).min(chars.len())) };
        let shown: String = chars[from..to].iter().collect();
        let (lead, tail) = (if from > 0 { "…" } else { "" }, if to < chars.len() { "…" } else { "" });
        let caret_offset: usize = lead.len().min(1)
            + chars[from..at].iter().map(|c| unicode_width::UnicodeWidthChar::width(*c).unwrap_or(1)).sum::<usize>();
        Some(format!("{line:>4} | {lead}{shown}{tail}\n     | {}^", " ".repeat(caret_offset)))
    });
    let mut detail = message.split_once(": ").map_or(message.as_str(), |(_, rest)| rest).replace('\n', " ");
    if detail.contains("Prefix not found") {
        let word = position.and_then(|(line, column)| {
            let source_line = text.lines().nth(line.checked_sub(1)?)?;
            let before: String = source_line.chars().take(column.saturating_sub(1)).collect();
            let word = before.rsplit(|c: char| c.is_whitespace() || "{}().;,".contains(c)).next()?.to_owned();
            word.split_once(':').map(|(prefix, _)| prefix.to_owned())
        });
        detail = match word {
            Some(prefix) => format!("unknown prefix `{prefix}:`; declare it with PREFIX {prefix}: <...>"),
            None => "unknown prefix; declare it with PREFIX".to_owned(),
        };
    } else if detail.chars().count() > 160 {
        // peg lists every character class it would accept; the start says enough.
        detail = format!("{}…", detail.chars().take(120).collect::<String>());
    }
    let message = match position {
        Some((line, column)) => format!("sparql syntax error at {line}:{column}: {detail}"),
        None => format!("sparql syntax error: {detail}"),
    };
    Error::Syntax { message, excerpt, position }
}

/// Reads "L:C" out of oxigraph's "error at L:C: ..." message.
fn parse_position(message: &str) -> Option<(usize, usize)> {
    let after = &message[message.find("at ")? + 3..];
    let end = after.find(|c: char| !(c.is_ascii_digit() || c == ':')).unwrap_or(after.len());
    let mut parts = after[..end].trim_end_matches(':').split(':');
    let line = parts.next()?.parse().ok()?;
    let column = parts.next()?.parse().ok()?;
    Some((line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_read_from_messages() {
        assert_eq!(parse_position("error at 3:15: expected one of"), Some((3, 15)));
        assert_eq!(parse_position("no position"), None);
    }

    #[test]
    fn first_keyword_skips_the_prologue() {
        assert_eq!(first_keyword("# c\nPREFIX a: <x:>\n insert data {}"), Some("insert"));
        assert_eq!(first_keyword("SELECT * {}"), Some("SELECT"));
    }
}

/// The deepest algebra a query or update may have: nested operators, chained UNION,
/// OPTIONAL, MINUS or FILTER, property-path steps, and the patterns of one group (which the
/// optimizer turns into a chain of joins) all count. Deeper ones are refused (exit 2), so
/// the recursive optimizer and evaluator cannot exhaust their stack.
pub const MAX_ALGEBRA_DEPTH: usize = 400;

/// Texts longer than this are parsed, measured and (when refused) dropped on a thread with a
/// deep stack: a short text cannot nest deep enough to need it.
const LONG_TEXT: usize = 2_000;
/// The stack of that thread (reserved address space; only what is used is committed).
const PARSE_STACK: usize = 1 << 30;

/// A parsed request.
pub enum Parsed {
    Query(spargebra::Query),
    Update(spargebra::Update),
}

/// Parses `text` as a query, else as an update, within the nesting and depth bounds.
pub fn parse(text: &str, options: &QueryOptions) -> Result<Parsed, Error> {
    let depth = crate::limits::nesting_depth(text);
    if depth > MAX_NESTING {
        return Err(Error::input(
            format!("the query nests brackets {depth} deep, more than the {MAX_NESTING} allowed"),
            Some("flatten the query".to_owned()),
        ));
    }
    if text.len() <= LONG_TEXT {
        return parse_and_measure(text, options);
    }
    // The parser cannot be interrupted; waiting for it can. Past the timeout (or on
    // cancellation) the caller gets its answer and the thread, which holds nothing but its
    // copy of the text, finishes alone.
    let owned = text.to_owned();
    let syntax =
        QueryOptions { base: options.base.clone(), prefixes: options.prefixes.clone(), ..QueryOptions::default() };
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("sparql-parse".to_owned())
        .stack_size(PARSE_STACK)
        .spawn(move || {
            let parsed = parse_and_measure(&owned, &syntax);
            // A refused or abandoned tree is dropped here, on this deep stack.
            if let Err(std::sync::mpsc::SendError(parsed)) = send.send(parsed) {
                drop(parsed);
            }
        })
        .map_err(|e| Error::store(format!("cannot start a parsing thread: {e}"), None))?;
    let deadline = options.timeout.map(|timeout| std::time::Instant::now() + timeout);
    loop {
        let wait =
            deadline.map_or(PARSE_POLL, |d| d.saturating_duration_since(std::time::Instant::now()).min(PARSE_POLL));
        match receive.recv_timeout(wait) {
            Ok(parsed) => return parsed,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if options.cancel.as_ref().is_some_and(CancellationToken::is_cancelled) {
                    return Err(Error::Timeout("parsing the query was cancelled".to_owned()));
                }
                if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                    return Err(Error::Timeout("parsing the query ran past the timeout".to_owned()));
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::Internal("the parsing thread stopped".to_owned()))
            }
        }
    }
}

/// How often a wait for the parsing thread looks at the clock and the cancellation token.
const PARSE_POLL: Duration = Duration::from_millis(25);

fn parse_and_measure(text: &str, options: &QueryOptions) -> Result<Parsed, Error> {
    // The first keyword tells a query from an update: a long text is parsed once, as what
    // it says it is, not twice.
    let keyword = first_keyword(text).map(str::to_ascii_uppercase);
    let says_update = keyword.as_deref().is_some_and(|k| UPDATE_KEYWORDS.contains(&k));
    let says_query = keyword.as_deref().is_some_and(|k| ["SELECT", "CONSTRUCT", "DESCRIBE", "ASK"].contains(&k));
    if says_update {
        return match parser(options)?.parse_update(text) {
            Ok(update) => measured(Parsed::Update(update)),
            Err(error) => Err(syntax_error(text, &error)),
        };
    }
    if says_query {
        return match parser(options)?.parse_query(text) {
            Ok(query) => measured(Parsed::Query(query)),
            Err(error) => Err(syntax_error(text, &error)),
        };
    }
    let parsed = match parser(options)?.parse_query(text) {
        Ok(query) => Parsed::Query(query),
        Err(query_error) => match parser(options)?.parse_update(text) {
            Ok(update) => Parsed::Update(update),
            Err(update_error) => {
                let looks_like_update =
                    first_keyword(text).is_some_and(|k| UPDATE_KEYWORDS.contains(&k.to_ascii_uppercase().as_str()));
                return Err(syntax_error(text, if looks_like_update { &update_error } else { &query_error }));
            }
        },
    };
    measured(parsed)
}

/// The parsed text, unless its algebra is deeper than the bound.
fn measured(parsed: Parsed) -> Result<Parsed, Error> {
    let depth = match &parsed {
        Parsed::Query(query) => pattern_depth(query_pattern(query), 0),
        Parsed::Update(update) => update
            .operations
            .iter()
            .map(|operation| match operation {
                GraphUpdateOperation::DeleteInsert { pattern, .. } => pattern_depth(pattern, 0),
                _ => 0,
            })
            .max()
            .unwrap_or(0),
    };
    if depth > MAX_ALGEBRA_DEPTH {
        // Dropping the tree recurses too: it goes here, on this thread's deep stack.
        drop(parsed);
        return Err(Error::input(
            format!("the query is more than {MAX_ALGEBRA_DEPTH} operations deep"),
            Some("split it: chains of thousands of operators, UNIONs, OPTIONALs, FILTERs or path steps, or thousands of patterns in one group, are refused".to_owned()),
        ));
    }
    Ok(parsed)
}

/// How deep a pattern's algebra goes, from `level`; stops counting past the bound.
fn pattern_depth(pattern: &spargebra::algebra::GraphPattern, level: usize) -> usize {
    use spargebra::algebra::GraphPattern as P;
    if level > MAX_ALGEBRA_DEPTH {
        return level;
    }
    let next = level + 1;
    match pattern {
        P::Bgp { patterns } => level + patterns.len(),
        P::Path { path, .. } => path_depth(path, next),
        P::Values { .. } => next,
        P::Join { left, right } | P::Union { left, right } | P::Minus { left, right } | P::Lateral { left, right } => {
            pattern_depth(left, next).max(pattern_depth(right, next))
        }
        P::LeftJoin { left, right, expression } => pattern_depth(left, next)
            .max(pattern_depth(right, next))
            .max(expression.as_ref().map_or(0, |e| expression_depth(e, next))),
        P::Filter { expr, inner } => pattern_depth(inner, next).max(expression_depth(expr, next)),
        P::Extend { inner, expression, .. } => pattern_depth(inner, next).max(expression_depth(expression, next)),
        P::OrderBy { inner, expression } => pattern_depth(inner, next).max(
            expression
                .iter()
                .map(|o| match o {
                    spargebra::algebra::OrderExpression::Asc(e) | spargebra::algebra::OrderExpression::Desc(e) => {
                        expression_depth(e, next)
                    }
                })
                .max()
                .unwrap_or(0),
        ),
        P::Group { inner, aggregates, .. } => pattern_depth(inner, next).max(
            aggregates
                .iter()
                .map(|(_, a)| match a {
                    spargebra::algebra::AggregateExpression::FunctionCall { expr, .. } => expression_depth(expr, next),
                    spargebra::algebra::AggregateExpression::CountSolutions { .. } => 0,
                })
                .max()
                .unwrap_or(0),
        ),
        P::Graph { inner, .. }
        | P::Project { inner, .. }
        | P::Distinct { inner }
        | P::Reduced { inner }
        | P::Slice { inner, .. }
        | P::Service { inner, .. } => pattern_depth(inner, next),
    }
}

fn expression_depth(expression: &spargebra::algebra::Expression, level: usize) -> usize {
    use spargebra::algebra::Expression as E;
    if level > MAX_ALGEBRA_DEPTH {
        return level;
    }
    let next = level + 1;
    let all = |items: &[E]| items.iter().map(|e| expression_depth(e, next)).max().unwrap_or(next);
    match expression {
        E::NamedNode(_) | E::Literal(_) | E::Variable(_) | E::Bound(_) => level,
        E::Or(a, b)
        | E::And(a, b)
        | E::Equal(a, b)
        | E::SameTerm(a, b)
        | E::Greater(a, b)
        | E::GreaterOrEqual(a, b)
        | E::Less(a, b)
        | E::LessOrEqual(a, b)
        | E::Add(a, b)
        | E::Subtract(a, b)
        | E::Multiply(a, b)
        | E::Divide(a, b) => expression_depth(a, next).max(expression_depth(b, next)),
        E::UnaryPlus(a) | E::UnaryMinus(a) | E::Not(a) => expression_depth(a, next),
        E::In(a, list) => expression_depth(a, next).max(all(list)),
        E::Exists(pattern) => pattern_depth(pattern, next),
        E::If(a, b, c) => expression_depth(a, next).max(expression_depth(b, next)).max(expression_depth(c, next)),
        E::Coalesce(list) | E::FunctionCall(_, list) => all(list),
    }
}

fn path_depth(path: &spargebra::algebra::PropertyPathExpression, level: usize) -> usize {
    use spargebra::algebra::PropertyPathExpression as Path;
    if level > MAX_ALGEBRA_DEPTH {
        return level;
    }
    let next = level + 1;
    match path {
        Path::NamedNode(_) | Path::NegatedPropertySet(_) => level,
        Path::Reverse(p) | Path::ZeroOrMore(p) | Path::OneOrMore(p) | Path::ZeroOrOne(p) => path_depth(p, next),
        Path::Sequence(a, b) | Path::Alternative(a, b) => path_depth(a, next).max(path_depth(b, next)),
    }
}
