//! The backend seam: one contract for the embedded oxigraph store and for a remote SPARQL 1.1
//! engine (Virtuoso, Fuseki, GraphDB, oxigraph server, ...).
//!
//! The contract is small: evaluate a parsed query or update, load inputs all or nothing,
//! dump, scan one predicate in bulk, a state token that changes when the data does, and the
//! capabilities commands consult instead of assuming. Readers above this module ask SPARQL
//! questions (a few per command, batched with `VALUES`), so they cost the same on both.
//!
//! Architecture Invariant: only this module sees `oxigraph::store::Store` or speaks HTTP.
//! A closed enum, every operation a `match`: a third backend is a third arm, found by the
//! compiler everywhere it matters.

pub mod contract;
pub mod embedded;
mod products;
pub mod remote;
mod watchdog;

pub use contract::{Answer, Capabilities, Evaluation, LoadContents, LoadInput, LoadObserver, LoadReport, QuotePolicy};
pub use embedded::{builtin_fact_files, rdf_format, Embedded, StoreOptions};
pub use remote::{Remote, RemoteOptions};

use crate::error::Error;
use crate::facts::lower::Lowered;
use crate::facts::FactFile;
use crate::schema::Schema;
use oxigraph::io::RdfFormat;
use oxigraph::model::{Graph as LocalGraph, NamedNode, NamedNodeRef, Term, TermRef};
use std::sync::Arc;

/// Where the data lives.
pub enum Backend {
    /// The embedded oxigraph store: in memory with the built-in data, or RocksDB on disk.
    Embedded(Embedded),
    /// A SPARQL 1.1 Protocol endpoint, with the Graph Store Protocol for loads.
    Remote(Remote),
}

/// How to open a backend: an embedded store, or an endpoint.
#[derive(Debug, Clone, Default)]
pub struct BackendOptions {
    pub store: StoreOptions,
    /// A remote endpoint; exclusive with a store folder.
    pub remote: Option<RemoteOptions>,
}

impl Backend {
    /// Opens the backend the options name.
    pub fn open(options: &BackendOptions) -> Result<Backend, Error> {
        match &options.remote {
            Some(remote) => {
                if options.store.path.is_some() {
                    return Err(Error::input(
                        "--store and --endpoint name two different graphs",
                        Some("give one of them".to_owned()),
                    ));
                }
                Ok(Backend::Remote(Remote::new(remote.clone())?))
            }
            None => Ok(Backend::Embedded(Embedded::open(&options.store)?)),
        }
    }

    /// An in-memory graph of just these triples, for a query over a small local graph.
    pub fn scratch(graph: &LocalGraph) -> Result<Backend, Error> {
        Ok(Backend::Embedded(Embedded::scratch(graph)?))
    }

    /// The in-memory graph with the built-in ontology and (unless `bare`) data.
    pub fn builtin(bare: bool) -> Result<Backend, Error> {
        Ok(Backend::Embedded(Embedded::builtin(bare)?))
    }

    /// A short phrase naming where the data is, for banners and messages.
    pub fn location(&self) -> String {
        match self {
            Backend::Embedded(embedded) => match embedded.location() {
                Some(path) => path.display().to_string(),
                None => "the built-in data (in memory)".to_owned(),
            },
            Backend::Remote(remote) => remote.location(),
        }
    }

    /// What this backend can do.
    pub fn capabilities(&self) -> Capabilities {
        match self {
            Backend::Embedded(_) => {
                Capabilities { atomic_load: true, validate: true, read_only_lock: true, cheap_len: true }
            }
            Backend::Remote(_) => {
                Capabilities { atomic_load: false, validate: false, read_only_lock: false, cheap_len: false }
            }
        }
    }

    /// A token that changes whenever the data changes: the version counter of the embedded
    /// store, a count of the remote graph's triples otherwise.
    pub fn state(&self) -> Result<String, Error> {
        match self {
            Backend::Embedded(embedded) => Ok(format!("embedded:{}", embedded.version())),
            Backend::Remote(remote) => remote.state(),
        }
    }

    /// The number of quads (a count query on a remote engine).
    pub fn len(&self) -> Result<usize, Error> {
        match self {
            Backend::Embedded(embedded) => embedded.len(),
            Backend::Remote(remote) => remote.len(),
        }
    }

    /// True when no quad is stored.
    pub fn is_empty(&self) -> Result<bool, Error> {
        Ok(self.len()? == 0)
    }

    /// True when writes are refused.
    pub fn is_read_only(&self) -> bool {
        match self {
            Backend::Embedded(embedded) => embedded.is_read_only(),
            Backend::Remote(remote) => !remote.can_write(),
        }
    }

    /// Fails with a clear message when the data may not be written.
    pub fn ensure_writable(&self) -> Result<(), Error> {
        match self {
            Backend::Embedded(embedded) => embedded.ensure_writable(),
            Backend::Remote(remote) => remote.ensure_writable(),
        }
    }

    /// Evaluates a parsed query. The caller has applied the policy (prefixes, SERVICE).
    pub fn query(&self, query: spargebra::Query, evaluation: &Evaluation) -> Result<Answer, Error> {
        match self {
            Backend::Embedded(embedded) => embedded.query(query, evaluation),
            Backend::Remote(remote) => remote.query(&query, evaluation),
        }
    }

    /// Runs a parsed update as one transaction (one request on a remote engine).
    pub fn update(&self, update: spargebra::Update, evaluation: &Evaluation) -> Result<Answer, Error> {
        self.ensure_writable()?;
        match self {
            Backend::Embedded(embedded) => embedded.update(update, evaluation),
            Backend::Remote(remote) => remote.update(&update, evaluation),
        }
    }

    /// Evaluates a query the program wrote itself, with the predeclared prefixes.
    pub fn internal_query(&self, text: &str) -> Result<Answer, Error> {
        let query = internal_parser()
            .parse_query(text)
            .map_err(|e| Error::Internal(format!("an internal query does not parse: {e}")))?;
        self.query(query, &Evaluation::default())
    }

    /// The triples of a CONSTRUCT written by the program, as a small in-memory graph to walk.
    pub fn construct(&self, text: &str) -> Result<LocalGraph, Error> {
        self.construct_within(text, &Evaluation::default())
    }

    /// The same, within a command's time and cancellation.
    pub fn construct_within(&self, text: &str, evaluation: &Evaluation) -> Result<LocalGraph, Error> {
        let query = internal_parser()
            .parse_query(text)
            .map_err(|e| Error::Internal(format!("an internal query does not parse: {e}")))?;
        match self.query(query, evaluation)? {
            Answer::Graph(triples) => Ok(triples.into_iter().collect()),
            _ => Err(Error::Internal("an internal CONSTRUCT answered something else".to_owned())),
        }
    }

    /// The rows of a SELECT written by the program.
    pub fn select(&self, text: &str) -> Result<Vec<Vec<Option<Term>>>, Error> {
        match self.internal_query(text)? {
            Answer::Solutions { rows, .. } => Ok(rows),
            _ => Err(Error::Internal("an internal SELECT answered something else".to_owned())),
        }
    }

    /// The answer of an ASK written by the program.
    pub fn ask(&self, text: &str) -> Result<bool, Error> {
        match self.internal_query(text)? {
            Answer::Boolean(value) => Ok(value),
            _ => Err(Error::Internal("an internal ASK answered something else".to_owned())),
        }
    }

    /// Every predicate used in the data.
    pub fn predicates(&self) -> Result<Vec<NamedNode>, Error> {
        let mut out: Vec<NamedNode> = self
            .select("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")?
            .into_iter()
            .filter_map(|mut row| match row.pop().flatten() {
                Some(Term::NamedNode(p)) => Some(p),
                _ => None,
            })
            .collect();
        out.sort();
        Ok(out)
    }

    /// Calls `each` with the subject IRI and the object of every triple of `predicate` whose
    /// subject is an IRI: the bulk read the projection and the entity index are built from.
    /// The embedded store reads its predicate index; a remote engine is read in pages.
    pub fn scan_predicate(
        &self,
        predicate: NamedNodeRef<'_>,
        each: &mut dyn FnMut(&str, TermRef<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        match self {
            Backend::Embedded(embedded) => embedded.scan_predicate(predicate, each),
            Backend::Remote(remote) => remote.scan_predicate(predicate, each),
        }
    }

    /// True when an entity or source with this fact-file id has a type in the data.
    pub fn has_entity(&self, id: &str) -> Result<bool, Error> {
        let iri = crate::vocab::entity_iri(id);
        self.ask(&format!("ASK {{ <{iri}> a ?type }}"))
    }

    /// Where derived views of this backend are kept between processes, and the fingerprint
    /// of the state they must match (embedded stores on disk only).
    pub fn views_key(&self) -> Option<(std::path::PathBuf, String)> {
        match self {
            Backend::Embedded(embedded) => embedded.views_key(),
            Backend::Remote(_) => None,
        }
    }

    /// True when the IRI appears as a subject or an object.
    pub fn mentions(&self, iri: &str) -> Result<bool, Error> {
        if !is_plain_iri(iri) {
            return Ok(false);
        }
        self.ask(&format!("ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}"))
    }

    /// The ontology terms of the data: one CONSTRUCT fetches the typed terms with the
    /// properties the schema uses, then they are read locally.
    pub fn read_schema(&self) -> Result<Schema, Error> {
        Ok(Schema::from_graph(&self.schema_graph()?))
    }

    /// The triples the schema is read from (see `schema::schema_query`).
    pub fn schema_graph(&self) -> Result<LocalGraph, Error> {
        match self {
            // The same triples the CONSTRUCT would give, read from the indexes directly: the
            // schema is read by every process, so this is on the one-shot path.
            Backend::Embedded(embedded) => embedded.schema_graph(),
            Backend::Remote(_) => self.construct(&crate::schema::schema_query()),
        }
    }

    /// Checks fact files against this data's ontology and entities, without writing.
    pub fn check_facts(
        &self,
        files: &[FactFile],
        extra_schema: Option<&Schema>,
        drafts: crate::facts::lower::DraftPolicy,
    ) -> Result<Lowered, Error> {
        let mut schema = self.read_schema()?;
        if let Some(extra) = extra_schema {
            schema.merge(extra.clone());
        }
        // Lowered in passes: each records the ids the files refer to without declaring
        // them, one batched query per few hundred ids finds those the store holds, and the
        // next pass lowers against that answer (a reference met only once an earlier one
        // resolves is asked in a later pass). No query per id; ends when nothing new is asked.
        let mut known = std::collections::HashMap::<String, String>::new();
        let mut asked_before = std::collections::BTreeSet::<String>::new();
        loop {
            let asked = std::cell::RefCell::new(std::collections::BTreeSet::<String>::new());
            let probe = |id: &str| -> Option<String> {
                if let Some(canonical) = known.get(id) {
                    return Some(canonical.clone());
                }
                asked.borrow_mut().insert(id.to_owned());
                None
            };
            let lowered = crate::facts::lower::lower(
                files,
                &crate::facts::lower::LowerContext { schema: &schema, known_entity: &probe, drafts },
            );
            let new: std::collections::BTreeSet<String> =
                asked.into_inner().into_iter().filter(|id| !asked_before.contains(id)).collect();
            if new.is_empty() {
                return lowered.map_err(Error::Facts);
            }
            known.extend(self.existing_entities(&new)?);
            asked_before.extend(new);
        }
    }

    /// Which of these fact-file ids name an entity (something with a type) in the store,
    /// each with the id it names there: itself, or the entity an `owl:sameAs` merged it into.
    fn existing_entities(
        &self,
        ids: &std::collections::BTreeSet<String>,
    ) -> Result<std::collections::HashMap<String, String>, Error> {
        let mut found = std::collections::HashMap::new();
        let ids: Vec<&String> = ids.iter().collect();
        for batch in ids.chunks(400) {
            let by_iri: std::collections::HashMap<String, &String> =
                batch.iter().map(|id| (crate::vocab::entity_iri(id), *id)).collect();
            let query = format!(
                "CONSTRUCT {{ ?e a ?type . ?e owl:sameAs ?same }} WHERE {{ {} {{ ?e a ?type }} UNION {{ ?e owl:sameAs ?same }} }}",
                values_clause("e", by_iri.keys())
            );
            let graph = self.construct(&query)?;
            for triple in graph.iter() {
                let oxigraph::model::NamedOrBlankNodeRef::NamedNode(node) = triple.subject else { continue };
                let Some(id) = by_iri.get(node.as_str()) else { continue };
                if triple.predicate == crate::vocab::std_terms::OWL_SAME_AS {
                    if let Some(target) = term_entity_id(triple.object) {
                        found.insert((*id).clone(), target);
                    }
                } else {
                    found.entry((*id).clone()).or_insert_with(|| (*id).clone());
                }
            }
        }
        Ok(found)
    }

    /// Loads every input, all fact files checked first (their quotes too, unless `quotes`
    /// says to skip them; their drafts as `drafts` says): one commit on the embedded store; on a remote engine, batches
    /// through the Graph Store Protocol (or SPARQL updates), idempotent but not atomic.
    pub fn load(
        &self,
        inputs: &[LoadInput],
        quotes: &QuotePolicy,
        drafts: crate::facts::lower::DraftPolicy,
        observer: Option<Arc<dyn LoadObserver>>,
    ) -> Result<LoadReport, Error> {
        self.ensure_writable()?;
        let quads_before = self.len()?;
        let mut fact_files = Vec::new();
        let mut fact_problems = Vec::new();
        for input in inputs {
            if let LoadContents::Facts(text) = &input.contents {
                match FactFile::parse(&input.name, input.base_dir.clone(), text.as_str()) {
                    Ok(file) => fact_files.push(file),
                    Err(problem) => fact_problems.push(problem),
                }
            }
        }
        if !fact_problems.is_empty() {
            return Err(Error::Facts(fact_problems));
        }
        let lowered = if fact_files.is_empty() {
            Lowered::default()
        } else {
            // Ontology terms in RDF files of the same batch count for the fact files' names.
            let mut batch = LocalGraph::new();
            for input in inputs {
                embedded::parse_input_into(input, &mut batch)?;
            }
            self.check_facts(&fact_files, Some(&Schema::from_graph(&batch)), drafts)?
        };
        let mut warnings: Vec<String> = lowered.warnings.iter().map(ToString::to_string).collect();
        let (mut quotes_verified, mut quotes_unverified) = (0, lowered.quotes.len());
        if let QuotePolicy::Verify(texts) = quotes {
            let found =
                crate::facts::quotes::verify(&lowered, &fact_files, texts, &|p| crate::input::read_text(p).ok());
            if found.problems.iter().any(|p| p.severity == crate::facts::Severity::Error) {
                return Err(Error::Facts(found.problems));
            }
            warnings.extend(found.problems.iter().map(ToString::to_string));
            (quotes_verified, quotes_unverified) = (found.verified, found.unverified);
        }
        match self {
            Backend::Embedded(embedded) => embedded.commit(inputs, &lowered, observer)?,
            Backend::Remote(remote) => remote.push(inputs, &lowered, observer)?,
        }
        Ok(LoadReport {
            files: inputs.len(),
            quads_before,
            quads_after: self.len()?,
            entities: lowered.n_entities,
            facts: lowered.n_facts,
            quotes_verified,
            quotes_unverified,
            quotes_checked: matches!(quotes, QuotePolicy::Verify(_)),
            warnings,
        })
    }

    /// Writes every quad (one graph for the formats without datasets) to `writer`.
    pub fn dump(&self, format: RdfFormat, writer: &mut dyn std::io::Write) -> Result<(), Error> {
        match self {
            Backend::Embedded(embedded) => embedded.dump(format, writer),
            Backend::Remote(remote) => remote.dump(format, writer),
        }
    }

    /// Checks the store's indexes, when the backend can.
    pub fn validate(&self) -> Result<usize, Error> {
        match self {
            Backend::Embedded(embedded) => embedded.validate(),
            Backend::Remote(remote) => Err(Error::input(
                format!("{} cannot be validated from here", remote.location()),
                Some("validate checks an embedded store's indexes; use the engine's own tools".to_owned()),
            )),
        }
    }

    /// The embedded store, for the few callers that are embedded-only (benchmarks).
    pub fn embedded(&self) -> Option<&Embedded> {
        match self {
            Backend::Embedded(embedded) => Some(embedded),
            Backend::Remote(_) => None,
        }
    }
}

/// A SPARQL parser with the predeclared prefixes, for the program's own queries.
/// The fact-file id of an entity IRI term, when it is one.
fn term_entity_id(term: TermRef<'_>) -> Option<String> {
    match term {
        TermRef::NamedNode(node) => node.as_str().strip_prefix(crate::vocab::ENTITY).map(str::to_owned),
        _ => None,
    }
}

fn internal_parser() -> spargebra::SparqlParser {
    let mut parser = spargebra::SparqlParser::new();
    for (prefix, iri) in crate::vocab::PREFIXES {
        parser = parser.with_prefix(*prefix, *iri).expect("prefix IRIs are valid");
    }
    parser
}

/// `VALUES ?var { <a> <b> ... }` for IRIs; IRIs that could break out of the brackets are
/// left out (they cannot name anything in the data).
pub fn values_clause(variable: &str, iris: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let mut text = format!("VALUES ?{variable} {{");
    for iri in iris {
        let iri = iri.as_ref();
        if !is_plain_iri(iri) {
            continue;
        }
        text.push_str(" <");
        text.push_str(iri);
        text.push('>');
    }
    text.push_str(" }");
    text
}

/// True for an IRI that can be written between angle brackets in a query the program builds:
/// anything else cannot name a node of the data, and is never spliced into query text.
pub fn is_plain_iri(iri: &str) -> bool {
    !iri.is_empty() && !iri.contains(['<', '>', '"', '{', '}', '|', '\\', '^', '`', ' ', '\n', '\r', '\t'])
}

/// True when the algebra calls SERVICE anywhere (in patterns or EXISTS filters): the
/// `--allow-service` rule is checked on the algebra, so it holds on every backend.
pub fn uses_service(pattern: &spargebra::algebra::GraphPattern) -> bool {
    use spargebra::algebra::GraphPattern as P;
    match pattern {
        P::Service { .. } => true,
        P::Bgp { .. } | P::Path { .. } | P::Values { .. } => false,
        P::Join { left, right } | P::Union { left, right } | P::Minus { left, right } | P::Lateral { left, right } => {
            uses_service(left) || uses_service(right)
        }
        P::LeftJoin { left, right, expression } => {
            uses_service(left) || uses_service(right) || expression.as_ref().is_some_and(expression_uses_service)
        }
        P::Filter { expr, inner } => uses_service(inner) || expression_uses_service(expr),
        P::Extend { inner, expression, .. } => uses_service(inner) || expression_uses_service(expression),
        P::Graph { inner, .. }
        | P::OrderBy { inner, .. }
        | P::Project { inner, .. }
        | P::Distinct { inner }
        | P::Reduced { inner }
        | P::Slice { inner, .. }
        | P::Group { inner, .. } => uses_service(inner),
    }
}

fn expression_uses_service(expression: &spargebra::algebra::Expression) -> bool {
    use spargebra::algebra::Expression as E;
    match expression {
        E::Exists(pattern) => uses_service(pattern),
        E::NamedNode(_) | E::Literal(_) | E::Variable(_) | E::Bound(_) => false,
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
        | E::Divide(a, b) => expression_uses_service(a) || expression_uses_service(b),
        E::In(a, list) => expression_uses_service(a) || list.iter().any(expression_uses_service),
        E::UnaryPlus(a) | E::UnaryMinus(a) | E::Not(a) => expression_uses_service(a),
        E::If(a, b, c) => expression_uses_service(a) || expression_uses_service(b) || expression_uses_service(c),
        E::Coalesce(list) | E::FunctionCall(_, list) => list.iter().any(expression_uses_service),
    }
}

/// The query's top pattern.
pub fn query_pattern(query: &spargebra::Query) -> &spargebra::algebra::GraphPattern {
    match query {
        spargebra::Query::Select { pattern, .. }
        | spargebra::Query::Construct { pattern, .. }
        | spargebra::Query::Describe { pattern, .. }
        | spargebra::Query::Ask { pattern, .. } => pattern,
    }
}
