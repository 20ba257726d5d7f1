//! The embedded backend: an oxigraph store (in memory with the built-in data, or RocksDB on
//! disk), the all-or-nothing loader, dumps, and query evaluation on a worker thread.
//!
//! Architecture Invariant: every write is one commit (a transaction or an atomic bulk load);
//! a load that fails anywhere leaves the store as it was.

use super::contract::{Answer, Evaluation, LoadContents, LoadInput, LoadObserver};
use crate::error::Error;
use crate::facts::lower::{lower, DraftPolicy, LowerContext, Lowered};
use crate::facts::FactFile;
use crate::schema::Schema;
use oxigraph::io::{RdfFormat, RdfParseError, RdfParser};
use oxigraph::model::{Graph as LocalGraph, GraphNameRef, NamedNodeRef, NamedOrBlankNodeRef, TermRef};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator};
use oxigraph::store::{LoaderError, Store};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// The files compiled into the binary.
pub mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// How to open the graph.
#[derive(Debug, Clone, Default)]
pub struct StoreOptions {
    /// A RocksDB folder; `None` is the in-memory store with the built-in data.
    pub path: Option<PathBuf>,
    /// Open an existing store without taking the write lock.
    pub read_only: bool,
    /// Seed a new store with the ontology only, not the built-in article data.
    pub bare: bool,
}

/// The embedded store.
pub struct Embedded {
    store: Store,
    location: Option<PathBuf>,
    read_only: bool,
    /// Incremented on every write, so derived views (schema, projection) know when to rebuild.
    version: AtomicU64,
    /// For a read-only store: the fingerprint of its files just before it was opened, which
    /// names the state it shows (later writes by another process are not seen).
    opened_fingerprint: Option<String>,
}

/// The folder inside a store where derived views are kept between processes.
pub const VIEWS_DIR: &str = "stratagraph-views";

/// The names, sizes and modification times of a store's files: any write changes it (the
/// write-ahead log grows, or new table files appear), so a view saved under it is current
/// exactly while it matches. RocksDB's info logs, its lock and the views are left out.
pub fn files_fingerprint(dir: &Path) -> Option<String> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("LOG") || name == "LOCK" || name == VIEWS_DIR || name.starts_with('.') {
            continue;
        }
        let metadata = entry.metadata().ok()?;
        let modified = metadata.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        entries.push(format!("{name} {} {modified}", metadata.len()));
    }
    entries.sort();
    Some(entries.join("\n"))
}

impl Embedded {
    /// Opens the graph as `options` say. A new disk store is seeded with the ontology and,
    /// unless `bare`, the built-in data, in one commit.
    pub fn open(options: &StoreOptions) -> Result<Embedded, Error> {
        let Some(path) = &options.path else {
            return Embedded::builtin(options.bare);
        };
        let exists = path.join("CURRENT").exists();
        if path.exists() && !path.is_dir() {
            return Err(Error::store(
                format!("{} is a file, not a store folder", path.display()),
                Some("give --store a folder; it is created when missing".to_owned()),
            ));
        }
        let holds_other_files = !exists && std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_some());
        if holds_other_files {
            return Err(Error::store(
                format!("{} is not a store: it holds other files", path.display()),
                Some("give --store a new or empty folder, or an existing store".to_owned()),
            ));
        }
        open_on_disk(path, options, exists)
    }
}

#[cfg(not(feature = "rocksdb"))]
fn open_on_disk(path: &Path, _options: &StoreOptions, _exists: bool) -> Result<Embedded, Error> {
    Err(Error::store(
        format!("cannot open {}: this build of stratagraph has no on-disk stores", path.display()),
        Some("rebuild with the default `rocksdb` feature".to_owned()),
    ))
}

#[cfg(feature = "rocksdb")]
fn open_on_disk(path: &Path, options: &StoreOptions, exists: bool) -> Result<Embedded, Error> {
    if options.read_only {
        if !exists {
            return Err(Error::store(
                format!("no store at {}", path.display()),
                Some("create it first, e.g. with `stratagraph load FILE --store DIR`".to_owned()),
            ));
        }
        let fingerprint = files_fingerprint(path);
        let mut graph = Embedded::wrap(open_read_only(path)?, Some(path.to_path_buf()), true);
        graph.opened_fingerprint = fingerprint;
        return Ok(graph);
    }
    let store = Store::open(path).map_err(|e| store_open_error(path, e))?;
    tidy_store_folder(path);
    let graph = Embedded::wrap(store, Some(path.to_path_buf()), false);
    if !exists || graph.store.is_empty()? {
        graph.seed(options.bare)?;
    }
    Ok(graph)
}

/// How many of RocksDB's old logs (`LOG.old.*`, one per writable open) a store keeps.
const OLD_LOGS_KEPT: usize = 4;

/// Removes what earlier runs left in the store's folder: the sorted files (`bulk-*.sst`) of
/// a bulk load killed before its commit, and all but the newest few of RocksDB's old logs,
/// which it would otherwise keep by the thousand (oxigraph does not expose the option).
/// Called right after a writable open: holding the store's lock, this process is the only
/// writer, and it has not begun a load, so every such file is dead.
fn tidy_store_folder(path: &Path) {
    let Ok(entries) = std::fs::read_dir(path) else { return };
    let mut old_logs = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("bulk-") && name.ends_with(".sst") {
            let _ = std::fs::remove_file(entry.path());
        } else if name.starts_with("LOG.old.") {
            old_logs.push(name.into_owned());
        }
    }
    // The suffix is the time the log was set aside, in microseconds: names sort by age.
    old_logs.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let surplus = old_logs.len().saturating_sub(OLD_LOGS_KEPT);
    for name in &old_logs[..surplus] {
        let _ = std::fs::remove_file(path.join(name));
    }
}

impl Embedded {
    /// The in-memory graph with the built-in ontology and (unless `bare`) data.
    pub fn builtin(bare: bool) -> Result<Embedded, Error> {
        let graph = Embedded::wrap(Store::new()?, None, false);
        graph.seed(bare)?;
        Ok(graph)
    }

    /// An empty store with no seed, in memory or in a new folder (the benchmark command's).
    pub fn empty(path: Option<&Path>) -> Result<Embedded, Error> {
        let store = match path {
            #[cfg(feature = "rocksdb")]
            Some(dir) => Store::open(dir).map_err(|e| store_open_error(dir, e))?,
            #[cfg(not(feature = "rocksdb"))]
            Some(_) => return Err(Error::store("this build has no on-disk stores", None)),
            None => Store::new()?,
        };
        Ok(Embedded::wrap(store, path.map(Path::to_path_buf), false))
    }

    /// An in-memory store holding just these triples, for a query over a small local graph.
    pub fn scratch(graph: &LocalGraph) -> Result<Embedded, Error> {
        let store = Store::new()?;
        for triple in graph.iter() {
            store.insert(triple.in_graph(oxigraph::model::GraphNameRef::DefaultGraph))?;
        }
        Ok(Embedded::wrap(store, None, false))
    }

    fn wrap(store: Store, location: Option<PathBuf>, read_only: bool) -> Embedded {
        Embedded { store, location, read_only, version: AtomicU64::new(0), opened_fingerprint: None }
    }

    /// Where this store keeps derived views, and the fingerprint of the state they must
    /// match; `None` for a store in memory.
    pub fn views_key(&self) -> Option<(PathBuf, String)> {
        let location = self.location.as_ref()?;
        let fingerprint = if self.read_only { self.opened_fingerprint.clone()? } else { files_fingerprint(location)? };
        Some((location.join(VIEWS_DIR), fingerprint))
    }

    fn seed(&self, bare: bool) -> Result<(), Error> {
        let mut quads = Vec::new();
        for (name, text) in builtin::ONTOLOGY {
            for quad in RdfParser::from_format(RdfFormat::Turtle).for_slice(text.as_bytes()) {
                quads.push(quad.map_err(|e| Error::store(format!("built-in {name} is broken: {e}"), None))?);
            }
        }
        if !bare {
            let ontology: LocalGraph = quads.iter().map(|q| oxigraph::model::Triple::from(q.clone())).collect();
            let schema = Schema::from_graph(&ontology);
            let files = builtin_fact_files()?;
            let lowered =
                lower(&files, &LowerContext { schema: &schema, known_entity: &|_| None, drafts: DraftPolicy::Refuse })
                    .map_err(Error::Facts)?;
            quads.extend(lowered.quads);
        }
        self.store.extend(quads)?;
        self.touch();
        Ok(())
    }

    /// A number that changes whenever the graph is written.
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::SeqCst)
    }

    /// Records a write made through the store directly (a SPARQL update).
    pub fn touch(&self) {
        self.version.fetch_add(1, Ordering::SeqCst);
    }

    /// The store folder, or `None` for the in-memory graph.
    pub fn location(&self) -> Option<&Path> {
        self.location.as_deref()
    }

    /// True when the graph was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Fails with a clear message when the graph may not be written.
    pub fn ensure_writable(&self) -> Result<(), Error> {
        if self.read_only {
            return Err(Error::input(
                "the store is open read-only",
                Some("open it without --read-only to change it".to_owned()),
            ));
        }
        Ok(())
    }

    /// The number of quads.
    pub fn len(&self) -> Result<usize, Error> {
        Ok(self.store.len()?)
    }

    /// Writes every input and the lowered facts in one bulk-load commit: nothing is written
    /// unless every input parsed.
    pub(super) fn commit(
        &self,
        inputs: &[LoadInput],
        lowered: &Lowered,
        observer: Option<Arc<dyn LoadObserver>>,
    ) -> Result<(), Error> {
        self.ensure_writable()?;
        let mut loader = self.store.bulk_loader();
        if let Some(observer) = observer.clone() {
            loader = loader.on_progress(move |triples| observer.triples_written(triples));
        }
        let observer = observer.as_deref();
        for input in inputs {
            match &input.contents {
                LoadContents::RdfFile(path, format) => {
                    let file = Counted { inner: open_input(path)?, observer };
                    loader
                        .load_from_reader(
                            RdfParser::from_format(*format),
                            std::io::BufReader::with_capacity(1 << 20, file),
                        )
                        .map_err(|e| loader_error(&input.name, Some(path), e))?;
                }
                LoadContents::RdfText(text, format) => {
                    loader
                        .load_from_slice(RdfParser::from_format(*format), text.as_bytes())
                        .map_err(|e| loader_error(&input.name, None, e))?;
                    if let Some(observer) = observer {
                        observer.bytes_read(text.len() as u64);
                    }
                }
                LoadContents::Facts(text) => {
                    if let Some(observer) = observer {
                        observer.bytes_read(text.len() as u64);
                    }
                }
            }
        }
        loader.load_quads(lowered.quads.iter().cloned())?;
        loader.commit()?;
        self.touch();
        Ok(())
    }

    /// Bulk-loads N-Triples from a reader in one commit (the benchmark command's path).
    pub fn bulk_load_ntriples(&self, reader: impl std::io::Read) -> Result<usize, Error> {
        let mut loader = self.store.bulk_loader();
        loader.load_from_reader(RdfFormat::NTriples, reader).map_err(|e| Error::input(e.to_string(), None))?;
        loader.commit()?;
        self.touch();
        self.len()
    }

    /// Checks every index of the store; answers the number of quads.
    pub fn validate(&self) -> Result<usize, Error> {
        self.store.validate()?;
        self.len()
    }

    /// The triples the schema is read from (see `schema::schema_query`), from the indexes.
    pub(super) fn schema_graph(&self) -> Result<LocalGraph, Error> {
        use crate::schema::{SCHEMA_PROPERTIES, SCHEMA_TYPES};
        use crate::vocab::{sg, std_terms::RDF_TYPE};
        let mut subjects = std::collections::HashSet::new();
        for class in SCHEMA_TYPES {
            for quad in self.store.quads_for_pattern(None, Some(RDF_TYPE), Some((*class).into()), None) {
                subjects.insert(quad?.subject);
            }
        }
        for quad in self.store.quads_for_pattern(None, Some(sg::IN_GROUP), None, None) {
            subjects.insert(quad?.subject);
        }
        let mut graph = LocalGraph::new();
        for subject in &subjects {
            for predicate in SCHEMA_PROPERTIES {
                for quad in self.store.quads_for_pattern(Some(subject.as_ref()), Some(*predicate), None, None) {
                    graph.insert(&oxigraph::model::Triple::from(quad?));
                }
            }
        }
        Ok(graph)
    }

    /// Reads every triple of `predicate` from the predicate index.
    pub(super) fn scan_predicate(
        &self,
        predicate: NamedNodeRef<'_>,
        each: &mut dyn FnMut(&str, TermRef<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        for quad in self.store.quads_for_pattern(None, Some(predicate), None, None) {
            let quad = quad?;
            if let NamedOrBlankNodeRef::NamedNode(subject) = quad.subject.as_ref() {
                each(subject.as_str(), quad.object.as_ref())?;
            }
        }
        Ok(())
    }

    /// Writes the store: every quad for the dataset formats, the default graph otherwise;
    /// Turtle and TriG get the predeclared prefixes.
    pub(super) fn dump(&self, format: RdfFormat, writer: &mut dyn std::io::Write) -> Result<(), Error> {
        let store = &self.store;
        let result = (|| -> std::io::Result<()> {
            if matches!(format, RdfFormat::Turtle | RdfFormat::TriG) {
                let mut serializer = oxigraph::io::RdfSerializer::from_format(format);
                for (prefix, iri) in crate::vocab::PREFIXES {
                    serializer = serializer.with_prefix(*prefix, *iri).map_err(std::io::Error::other)?;
                }
                let mut out = serializer.for_writer(&mut *writer);
                let graph = (!format.supports_datasets()).then_some(GraphNameRef::DefaultGraph);
                for quad in store.quads_for_pattern(None, None, None, graph) {
                    out.serialize_quad(&quad.map_err(std::io::Error::other)?)?;
                }
                out.finish()?;
                Ok(())
            } else if format.supports_datasets() {
                store.dump_to_writer(format, &mut *writer).map(|_| ()).map_err(std::io::Error::other)
            } else {
                store
                    .dump_graph_to_writer(GraphNameRef::DefaultGraph, format, &mut *writer)
                    .map(|_| ())
                    .map_err(std::io::Error::other)
            }
        })();
        result.map_err(Error::from)
    }

    /// Runs a query on a worker thread and waits for its answer, its deadline or its
    /// cancellation, whichever comes first. oxigraph checks the cancellation token only
    /// between steps of its evaluation, and some steps (sorting, large joins) run long; the
    /// caller gets its answer on time regardless, and the worker, its token cancelled, stops
    /// at its next check. Updates do not take this path: a write is never abandoned mid-way.
    pub(super) fn query(&self, query: spargebra::Query, evaluation: &Evaluation) -> Result<Answer, Error> {
        let token = evaluation.cancel.clone().unwrap_or_default();
        if IN_PLACE.with(std::cell::Cell::get) {
            return self.query_in_place(query, evaluation, token);
        }
        let (send, receive) = mpsc::channel();
        let store = self.store.clone();
        let worker_evaluation = evaluation.clone();
        let worker_token = token.clone();
        run_on_worker(Box::new(move || {
            let answer = evaluate(&store, query, &worker_evaluation, &worker_token);
            // The store handle goes before the answer, so that a caller holding the answer
            // never races this thread's last use of the store.
            drop(store);
            let _ = send.send(answer);
        }))?;
        let deadline = evaluation.timeout.map(|timeout| Instant::now() + timeout);
        // The memory bound is on growth: what the process held before the query (views,
        // caches, other requests) is not the query's.
        let memory_ceiling = evaluation
            .max_memory
            .and_then(|max| crate::limits::resident_bytes().map(|before| before.saturating_add(max)));
        loop {
            let wait = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()).min(POLL),
                None => POLL,
            };
            match receive.recv_timeout(wait) {
                Ok(answer) => return answer,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if token.is_cancelled() || deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                        token.cancel();
                        ABANDONED.store(true, Ordering::SeqCst);
                        return Err(evaluation_error(QueryEvaluationError::Cancelled, evaluation));
                    }
                    if memory_ceiling
                        .is_some_and(|ceiling| crate::limits::resident_bytes().is_some_and(|now| now > ceiling))
                    {
                        token.cancel();
                        ABANDONED.store(true, Ordering::SeqCst);
                        return Err(evaluation.too_much_memory());
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(Error::Internal("the query thread stopped without an answer".to_owned()));
                }
            }
        }
    }

    /// Runs a query on this thread, its deadline and memory bound kept by the watchdog
    /// (see [`evaluate_in_place`]).
    fn query_in_place(
        &self,
        query: spargebra::Query,
        evaluation: &Evaluation,
        token: CancellationToken,
    ) -> Result<Answer, Error> {
        let deadline = evaluation.timeout.map(|timeout| Instant::now() + timeout);
        let Some(watch) = super::watchdog::watch(deadline, evaluation.max_memory, &token) else {
            return Err(Error::store("cannot start the query watchdog's thread", None));
        };
        let answer = evaluate(&self.store, query, evaluation, &token);
        match watch.fired() {
            Some(super::watchdog::Fired::Memory) => Err(evaluation.too_much_memory()),
            Some(super::watchdog::Fired::Deadline) => {
                Err(evaluation_error(QueryEvaluationError::Cancelled, evaluation))
            }
            None => answer,
        }
    }

    /// Runs an update in one transaction, in place (never abandoned).
    pub(super) fn update(&self, update: spargebra::Update, evaluation: &Evaluation) -> Result<Answer, Error> {
        self.ensure_writable()?;
        let token = evaluation.cancel.clone().unwrap_or_default();
        let deadline = evaluation.timeout.map(|timeout| Instant::now() + timeout);
        let _watch = super::watchdog::watch(deadline, None, &token)
            .ok_or_else(|| Error::store("cannot start the query watchdog's thread", None))?;
        let quads_before = self.store.len()?;
        evaluator(evaluation, &token).for_update(update).on_store(&self.store).execute().map_err(|e| {
            let text = e.to_string();
            if text.to_lowercase().contains("cancel") {
                Error::Timeout("the update was cancelled; nothing was changed".to_owned())
            } else {
                Error::input(format!("update failed: {}", text.lines().next().unwrap_or_default()), None)
            }
        })?;
        self.touch();
        Ok(Answer::Updated { quads_before, quads_after: self.store.len()? })
    }
}

/// Parses an RDF input of a batch into `graph` (fact files are skipped): the batch's own
/// ontology terms, which the batch's fact files may name.
pub(super) fn parse_input_into(input: &LoadInput, graph: &mut LocalGraph) -> Result<(), Error> {
    let quads: Box<dyn Iterator<Item = Result<oxigraph::model::Quad, RdfParseError>>> = match &input.contents {
        LoadContents::RdfText(text, format) => Box::new(
            RdfParser::from_format(*format)
                .for_slice(text.as_bytes())
                .map(|r| r.map_err(RdfParseError::from))
                .collect::<Vec<_>>()
                .into_iter(),
        ),
        LoadContents::RdfFile(path, format) => {
            Box::new(RdfParser::from_format(*format).for_reader(std::io::BufReader::new(open_input(path)?)))
        }
        LoadContents::Facts(_) => return Ok(()),
    };
    let path = match &input.contents {
        LoadContents::RdfFile(path, _) => Some(path.as_path()),
        _ => None,
    };
    for quad in quads {
        let quad = quad.map_err(|e| loader_error(&input.name, path, LoaderError::Parsing(e)))?;
        graph.insert(&oxigraph::model::Triple::from(quad));
    }
    Ok(())
}

/// How long a SERVICE call may wait for its endpoint when no `--timeout` is given.
const SERVICE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

fn evaluator(evaluation: &Evaluation, token: &CancellationToken) -> SparqlEvaluator {
    let evaluator = SparqlEvaluator::new().with_cancellation_token(token.clone());
    if evaluation.allow_service {
        // A SERVICE call waits at most the query's own timeout, else a minute, for the
        // remote endpoint: a silent server cannot hold the query forever.
        evaluator.with_http_timeout(evaluation.timeout.unwrap_or(SERVICE_TIMEOUT))
    } else {
        evaluator.without_default_http_service_handler()
    }
}

/// Set once a query worker was left running after its timeout or cancellation.
static ABANDONED: AtomicBool = AtomicBool::new(false);

/// A job for a query worker.
type Job = Box<dyn FnOnce() + Send>;

/// Query workers waiting for a job: threads with a stack deep enough for oxigraph's
/// recursive evaluation, kept and reused, since starting one per query was most of a small
/// query's cost under load. A worker that finishes offers itself back, up to this many.
static IDLE_WORKERS: Mutex<Vec<mpsc::Sender<Job>>> = Mutex::new(Vec::new());
const MAX_IDLE_WORKERS: usize = 32;

/// Runs `job` on an idle worker, or on a new one.
fn run_on_worker(job: Job) -> Result<(), Error> {
    let mut job = job;
    loop {
        let idle = IDLE_WORKERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
        let Some(worker) = idle else { break };
        match worker.send(job) {
            Ok(()) => return Ok(()),
            // That worker is gone; the job comes back.
            Err(mpsc::SendError(returned)) => job = returned,
        }
    }
    std::thread::Builder::new()
        .name("sparql".to_owned())
        .stack_size(16 << 20)
        .spawn(move || {
            let (offer, jobs) = mpsc::channel::<Job>();
            let mut job = job;
            loop {
                job();
                {
                    let mut idle = IDLE_WORKERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    if idle.len() >= MAX_IDLE_WORKERS {
                        return;
                    }
                    idle.push(offer.clone());
                }
                match jobs.recv() {
                    Ok(next) => job = next,
                    Err(_) => return,
                }
            }
        })
        .map(|_| ())
        .map_err(|e| Error::store(format!("cannot start a query thread: {e}"), None))
}

thread_local! {
    /// Set on a thread whose queries are evaluated where they are asked (`evaluate_in_place`).
    static IN_PLACE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// While the returned guard lives, the queries this thread asks of an embedded store are
/// evaluated on this thread, not handed to a query worker, their deadline and memory bound
/// kept by the watchdog: the server's request threads, where the two thread hops of a
/// worker were a large part of a small query's cost. Such a thread must be one whose
/// caller gets an answer on time without it (the server's listener answers 503 once the
/// server's timeout has passed); evaluation stops at its next check of the token.
pub fn evaluate_in_place() -> InPlace {
    InPlace { before: IN_PLACE.with(|cell| cell.replace(true)) }
}

/// Ends in-place evaluation on this thread when dropped (see [`evaluate_in_place`]).
pub struct InPlace {
    before: bool,
}

impl Drop for InPlace {
    fn drop(&mut self) {
        IN_PLACE.with(|cell| cell.set(self.before));
    }
}

/// Notes that a request's thread was left running past its answer (the server's listener
/// answered for it at its timeout): the process must then leave as after an abandoned
/// query worker.
pub fn note_abandoned() {
    ABANDONED.store(true, Ordering::SeqCst);
}

/// True when a cancelled query may still be running on its worker thread. The process must
/// then leave without running C++ static destructors (RocksDB's), which the worker may still
/// be using: see `run::exit`.
pub fn workers_abandoned() -> bool {
    ABANDONED.load(Ordering::SeqCst)
}

/// How often a waiting query looks at its cancellation token (Ctrl-C in the REPL).
const POLL: Duration = Duration::from_millis(25);

/// Evaluates `query`, its Cartesian products made to stop when `token` is cancelled (see
/// `products`): their check unwinds the evaluation, and the unwinding ends here.
fn evaluate(
    store: &Store,
    query: spargebra::Query,
    evaluation: &Evaluation,
    token: &CancellationToken,
) -> Result<Answer, Error> {
    let mut query = query;
    match &mut query {
        spargebra::Query::Select { pattern, .. }
        | spargebra::Query::Construct { pattern, .. }
        | spargebra::Query::Describe { pattern, .. }
        | spargebra::Query::Ask { pattern, .. } => super::products::guard_products(pattern),
    }
    let run = std::panic::AssertUnwindSafe(|| evaluate_guarded(store, query, evaluation, token));
    match std::panic::catch_unwind(run) {
        Ok(answer) => answer,
        Err(payload) if payload.is::<super::products::Stopped>() => {
            Err(evaluation_error(QueryEvaluationError::Cancelled, evaluation))
        }
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

fn evaluate_guarded(
    store: &Store,
    query: spargebra::Query,
    evaluation: &Evaluation,
    token: &CancellationToken,
) -> Result<Answer, Error> {
    let alive = token.clone();
    let prepared = evaluator(evaluation, token)
        .with_custom_function(oxigraph::model::NamedNode::new_unchecked(super::products::ALIVE), move |_| {
            if alive.is_cancelled() {
                // Not a panic: no hook runs; `evaluate` catches it.
                std::panic::resume_unwind(Box::new(super::products::Stopped));
            }
            Some(oxigraph::model::Literal::from(true).into())
        })
        .for_query(query);
    let results = prepared.on_store(store).execute().map_err(|e| evaluation_error(e, evaluation))?;
    match results {
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            let mut rows = Vec::new();
            for solution in solutions {
                if token.is_cancelled() {
                    return Err(evaluation_error(QueryEvaluationError::Cancelled, evaluation));
                }
                let solution = solution.map_err(|e| evaluation_error(e, evaluation))?;
                // Solutions share the query's variables, in order: their values are the row.
                rows.push(if solution.variables() == variables.as_slice() {
                    solution.values().to_vec()
                } else {
                    variables.iter().map(|v| solution.get(v).cloned()).collect()
                });
                if evaluation.over(rows.len()) {
                    return Err(evaluation.too_many_rows());
                }
            }
            Ok(Answer::Solutions { variables, rows })
        }
        QueryResults::Boolean(value) => Ok(Answer::Boolean(value)),
        QueryResults::Graph(triples) => {
            let mut out = Vec::new();
            for triple in triples {
                if token.is_cancelled() {
                    return Err(evaluation_error(QueryEvaluationError::Cancelled, evaluation));
                }
                out.push(triple.map_err(|e| evaluation_error(e, evaluation))?);
                if evaluation.over(out.len()) {
                    return Err(evaluation.too_many_rows());
                }
            }
            Ok(Answer::Graph(out))
        }
    }
}

/// The error a failed or cancelled evaluation ends with.
pub(super) fn evaluation_error(error: QueryEvaluationError, evaluation: &Evaluation) -> Error {
    match error {
        QueryEvaluationError::Cancelled => super::contract::timeout_error(evaluation),
        QueryEvaluationError::UnsupportedService(name) if !evaluation.allow_service => Error::input(
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

/// The built-in fact files, parsed.
pub fn builtin_fact_files() -> Result<Vec<FactFile>, Error> {
    let data_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    builtin::DATA
        .iter()
        .map(|(name, text)| {
            FactFile::parse(format!("builtin:{name}"), Some(data_dir.clone()), *text).map_err(|p| Error::Facts(vec![p]))
        })
        .collect()
}

/// The built-in ontology and fact files as load inputs (what `push` sends by default).
pub fn builtin_inputs() -> Vec<LoadInput> {
    let data_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let ontology = builtin::ONTOLOGY.iter().map(|(name, text)| LoadInput {
        name: format!("builtin:{name}"),
        base_dir: None,
        contents: LoadContents::RdfText((*text).to_owned(), RdfFormat::Turtle),
    });
    let data = builtin::DATA.iter().map(|(name, text)| LoadInput {
        name: format!("builtin:{name}"),
        base_dir: Some(data_dir.clone()),
        contents: LoadContents::Facts((*text).to_owned()),
    });
    ontology.chain(data).collect()
}

/// Picks the RDF format of a file from `--format` or its extension.
pub fn rdf_format(path: &Path, explicit: Option<&str>) -> Option<RdfFormat> {
    let name = match explicit {
        Some(name) => name.to_ascii_lowercase(),
        None => path.extension()?.to_str()?.to_ascii_lowercase(),
    };
    match name.as_str() {
        "ttl" | "turtle" => Some(RdfFormat::Turtle),
        "nt" | "ntriples" | "n-triples" => Some(RdfFormat::NTriples),
        "nq" | "nquads" | "n-quads" => Some(RdfFormat::NQuads),
        "trig" => Some(RdfFormat::TriG),
        "rdf" | "xml" | "owl" | "rdfxml" | "rdf-xml" => Some(RdfFormat::RdfXml),
        "jsonld" | "json-ld" | "json" => Some(RdfFormat::JsonLd { profile: oxigraph::io::JsonLdProfileSet::empty() }),
        "n3" => Some(RdfFormat::N3),
        _ => None,
    }
}

/// A reader that tells the observer how many bytes went through it.
struct Counted<'a, R> {
    inner: R,
    observer: Option<&'a dyn LoadObserver>,
}

impl<R: std::io::Read> std::io::Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(observer) = self.observer {
            observer.bytes_read(n as u64);
        }
        Ok(n)
    }
}

fn open_input(path: &Path) -> Result<std::fs::File, Error> {
    std::fs::File::open(path).map_err(|e| {
        Error::store(
            format!("cannot read {}: {e}", path.display()),
            Some("check the path and its permissions".to_owned()),
        )
    })
}

/// The size of the parser's token buffer: no term may be longer.
const OVERLONG: usize = 16 << 20;

/// The line and column of the first line longer than a term may be, at the term's start
/// (the last quote or angle bracket before the limit).
fn overlong_line(path: &Path) -> Option<(usize, usize)> {
    use std::io::Read as _;
    let mut file = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    let mut buffer = vec![0u8; 1 << 16];
    let (mut line, mut length, mut start) = (1usize, 0usize, None::<usize>);
    loop {
        let read = file.read(&mut buffer).ok()?;
        if read == 0 {
            return None;
        }
        for &byte in &buffer[..read] {
            if byte == b'\n' {
                line += 1;
                length = 0;
                start = None;
                continue;
            }
            // The term being read when the limit is reached began at the last opener.
            if byte == b'"' || byte == b'<' || byte == b'\'' {
                start = Some(length + 1);
            }
            length += 1;
            if length > OVERLONG {
                return Some((line, start.unwrap_or(1)));
            }
        }
    }
}

fn loader_error(name: &str, path: Option<&Path>, error: LoaderError) -> Error {
    match error {
        // The parser holds one token in a buffer of at most 16 MiB: a longer literal or IRI
        // is bad input, located by finding the over-long line.
        LoaderError::Parsing(RdfParseError::Io(io)) if io.kind() == std::io::ErrorKind::OutOfMemory => {
            let location = path
                .and_then(overlong_line)
                .map(|(line, column)| format!("{name}:{line}:{column}"))
                .unwrap_or_else(|| name.to_owned());
            Error::input(
                format!("{location}: a literal or IRI is longer than the {} MiB a term may have", OVERLONG >> 20),
                Some("split the value, or keep such long texts outside the graph; nothing was loaded".to_owned()),
            )
        }
        LoaderError::Parsing(RdfParseError::Syntax(syntax)) => {
            let location = syntax
                .location()
                .map(|l| format!("{name}:{}:{}", l.start.line + 1, l.start.column + 1))
                .unwrap_or_else(|| name.to_owned());
            Error::input(
                format!("{location}: {}", syntax.to_string().lines().next().unwrap_or_default()),
                Some("fix the file and load again; nothing was loaded".to_owned()),
            )
        }
        LoaderError::Parsing(RdfParseError::Io(io)) => Error::store(format!("cannot read {name}: {io}"), None),
        LoaderError::Storage(storage) => storage.into(),
        other => Error::input(format!("{name}: {other}"), None),
    }
}

/// Opens a store for reading only. A writer in another process may be flushing or
/// compacting while the reader lists the store's files, so a file named in the manifest can
/// vanish before it is opened: that race is retried for up to two seconds before it counts
/// as an error.
#[cfg(feature = "rocksdb")]
fn open_read_only(path: &Path) -> Result<Store, Error> {
    let mut attempt = 0;
    loop {
        match Store::open_read_only(path) {
            Ok(store) => return Ok(store),
            Err(error) => {
                let text = error.to_string();
                let raced = text.contains("No such file") || text.contains("Corruption");
                attempt += 1;
                if !raced || attempt >= 40 {
                    return Err(store_open_error(path, error));
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }
}

#[cfg(feature = "rocksdb")]
fn store_open_error(path: &Path, error: oxigraph::store::StorageError) -> Error {
    let converted = Error::from(error);
    match converted {
        Error::Store { message, hint } => Error::Store { message: format!("{} ({})", message, path.display()), hint },
        other => other,
    }
}
