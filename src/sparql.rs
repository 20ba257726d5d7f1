//! SPARQL evaluation: predeclared prefixes, read-only unless asked, SERVICE and LOAD only
//! when allowed, a timeout and cancellation, and syntax errors shown with a caret.

use crate::error::Error;
use crate::store::Graph;
use crate::vocab;
use oxigraph::model::{Term, Triple, Variable};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use spargebra::{GraphUpdateOperation, SparqlParser, SparqlSyntaxError};
use std::sync::mpsc;
use std::time::{Duration, Instant};

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
}

/// A query's answer, fully read.
#[derive(Debug, Clone)]
pub enum Answer {
    /// SELECT: variables and rows (unbound cells are `None`).
    Solutions { variables: Vec<Variable>, rows: Vec<Vec<Option<Term>>> },
    /// ASK.
    Boolean(bool),
    /// CONSTRUCT or DESCRIBE.
    Graph(Vec<Triple>),
    /// An update ran.
    Updated { quads_before: usize, quads_after: usize },
}

/// The deepest bracket nesting a query may have; deeper ones are refused before parsing,
/// so a hostile query cannot exhaust the parser's stack.
pub const MAX_NESTING: usize = 200;

/// Parses and runs `text` on `graph`.
pub fn run(graph: &Graph, text: &str, options: &QueryOptions) -> Result<Answer, Error> {
    let depth = crate::limits::nesting_depth(text);
    if depth > MAX_NESTING {
        return Err(Error::input(
            format!("the query nests brackets {depth} deep, more than the {MAX_NESTING} allowed"),
            Some("flatten the query".to_owned()),
        ));
    }
    match parser(options).parse_query(text) {
        Ok(query) => run_query(graph, query, options),
        Err(query_error) => match parser(options).parse_update(text) {
            Ok(update) => run_update(graph, update, options),
            Err(update_error) => {
                let looks_like_update =
                    first_keyword(text).is_some_and(|k| UPDATE_KEYWORDS.contains(&k.to_ascii_uppercase().as_str()));
                Err(syntax_error(text, if looks_like_update { &update_error } else { &query_error }))
            }
        },
    }
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

fn parser(options: &QueryOptions) -> SparqlParser {
    let mut parser = SparqlParser::new();
    for (prefix, iri) in vocab::PREFIXES
        .iter()
        .map(|(p, i)| (*p, *i))
        .chain(options.prefixes.iter().map(|(p, i)| (p.as_str(), i.as_str())))
    {
        parser = parser.with_prefix(prefix, iri).expect("prefix IRIs are valid");
    }
    parser
}

fn evaluator(options: &QueryOptions, token: &CancellationToken) -> SparqlEvaluator {
    let evaluator = SparqlEvaluator::new().with_cancellation_token(token.clone());
    if options.allow_service {
        evaluator
    } else {
        evaluator.without_default_http_service_handler()
    }
}

/// Cancels `token` when the timeout passes, unless dropped first.
struct Deadline {
    done: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Deadline {
    fn start(timeout: Option<Duration>, token: &CancellationToken) -> Deadline {
        let Some(timeout) = timeout else {
            return Deadline { done: None, thread: None };
        };
        let (done, wait) = mpsc::channel::<()>();
        let token = token.clone();
        let thread = std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(timeout) {
                token.cancel();
            }
        });
        Deadline { done: Some(done), thread: Some(thread) }
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Runs a query on a worker thread and waits for its answer, its deadline or its
/// cancellation, whichever comes first. oxigraph checks the cancellation token only between
/// steps of its evaluation, and some steps (sorting, large joins) run long; the caller gets
/// its answer on time regardless, and the worker, its token cancelled, stops at its next
/// check. Updates do not take this path: a write is never abandoned mid-way.
fn run_query(graph: &Graph, query: spargebra::Query, options: &QueryOptions) -> Result<Answer, Error> {
    let token = options.cancel.clone().unwrap_or_default();
    let mut query = query;
    bind_values(&mut query, &options.substitutions)?;
    let (send, receive) = mpsc::channel();
    let store = graph.store().clone();
    let worker_options = options.clone();
    let worker_token = token.clone();
    let worker = std::thread::Builder::new()
        .name("sparql".to_owned())
        .stack_size(16 << 20)
        .spawn(move || {
            let answer = evaluate(&store, query, &worker_options, &worker_token);
            // The store handle goes before the answer, so that a caller holding the answer
            // never races this thread's last use of the store.
            drop(store);
            let _ = send.send(answer);
        })
        .map_err(|e| Error::store(format!("cannot start a query thread: {e}"), None))?;
    let deadline = options.timeout.map(|timeout| Instant::now() + timeout);
    loop {
        let wait = match deadline {
            Some(deadline) => deadline.saturating_duration_since(Instant::now()).min(POLL),
            None => POLL,
        };
        match receive.recv_timeout(wait) {
            Ok(answer) => {
                let _ = worker.join();
                return answer;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if token.is_cancelled() || deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                    token.cancel();
                    ABANDONED.store(true, std::sync::atomic::Ordering::SeqCst);
                    return Err(evaluation_error(QueryEvaluationError::Cancelled, options));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Error::Internal("the query thread stopped without an answer".to_owned()));
            }
        }
    }
}

/// Set once a query worker was left running after its timeout or cancellation.
static ABANDONED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True when a cancelled query may still be running on its worker thread. The process must
/// then leave without running C++ static destructors (RocksDB's), which the worker may still
/// be using: see `run::exit`.
pub fn workers_abandoned() -> bool {
    ABANDONED.load(std::sync::atomic::Ordering::SeqCst)
}

/// How often a waiting query looks at its cancellation token (Ctrl-C in the REPL).
const POLL: Duration = Duration::from_millis(25);

fn evaluate(
    store: &Store,
    query: spargebra::Query,
    options: &QueryOptions,
    token: &CancellationToken,
) -> Result<Answer, Error> {
    let prepared = evaluator(options, token).for_query(query);
    let results = prepared.on_store(store).execute().map_err(|e| evaluation_error(e, options))?;
    match results {
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            let mut rows = Vec::new();
            for solution in solutions {
                if token.is_cancelled() {
                    return Err(evaluation_error(QueryEvaluationError::Cancelled, options));
                }
                let solution = solution.map_err(|e| evaluation_error(e, options))?;
                rows.push(variables.iter().map(|v| solution.get(v).cloned()).collect());
            }
            Ok(Answer::Solutions { variables, rows })
        }
        QueryResults::Boolean(value) => Ok(Answer::Boolean(value)),
        QueryResults::Graph(triples) => {
            let mut out = Vec::new();
            for triple in triples {
                if token.is_cancelled() {
                    return Err(evaluation_error(QueryEvaluationError::Cancelled, options));
                }
                out.push(triple.map_err(|e| evaluation_error(e, options))?);
            }
            Ok(Answer::Graph(out))
        }
    }
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

fn run_update(graph: &Graph, update: spargebra::Update, options: &QueryOptions) -> Result<Answer, Error> {
    if !options.allow_update {
        return Err(Error::input(
            "this is a SPARQL update and queries are read-only",
            Some("add --update to change the store".to_owned()),
        ));
    }
    graph.ensure_writable()?;
    if !options.allow_service && update.operations.iter().any(|op| matches!(op, GraphUpdateOperation::Load { .. })) {
        return Err(Error::input(
            "LOAD fetches a document over the network, which is off",
            Some("use `stratagraph load FILE` for local files, or add --allow-service".to_owned()),
        ));
    }
    let token = options.cancel.clone().unwrap_or_default();
    let _deadline = Deadline::start(options.timeout, &token);
    let quads_before = graph.store().len()?;
    evaluator(options, &token).for_update(update).on_store(graph.store()).execute().map_err(|e| {
        let text = e.to_string();
        if text.to_lowercase().contains("cancel") {
            Error::Timeout("the update was cancelled; nothing was changed".to_owned())
        } else {
            Error::input(format!("update failed: {}", text.lines().next().unwrap_or_default()), None)
        }
    })?;
    graph.touch();
    Ok(Answer::Updated { quads_before, quads_after: graph.store().len()? })
}

fn evaluation_error(error: QueryEvaluationError, options: &QueryOptions) -> Error {
    match error {
        QueryEvaluationError::Cancelled => match options.timeout {
            Some(timeout) => {
                Error::Timeout(format!("the query was cancelled after the {}s timeout", timeout.as_secs_f64()))
            }
            None => Error::Timeout("the query was cancelled".to_owned()),
        },
        QueryEvaluationError::UnsupportedService(name) if !options.allow_service => Error::input(
            format!("SERVICE {name} would call the network, which is off"),
            Some("add --allow-service to allow federated queries".to_owned()),
        ),
        QueryEvaluationError::NotExistingSubstitutedVariable(variable) => Error::input(
            format!("the query has no variable ?{}", variable.as_str()),
            Some("a parameter must name a variable of the query".to_owned()),
        ),
        other => Error::input(format!("query failed: {}", other.to_string().lines().next().unwrap_or_default()), None),
    }
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
        let caret_offset: usize = source_line
            .chars()
            .take(column.saturating_sub(1))
            .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(1))
            .sum();
        Some(format!("{line:>4} | {source_line}\n     | {}^", " ".repeat(caret_offset)))
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
    Error::Syntax { message, excerpt }
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
