//! The Graph: an oxigraph store (in memory with the built-in data, or RocksDB on disk),
//! the all-or-nothing loader, and dumps.
//!
//! Architecture Invariant: every write is one commit (a transaction or an atomic bulk load);
//! a load that fails anywhere leaves the store as it was.

use crate::error::Error;
use crate::facts::lower::{lower, LowerContext, Lowered};
use crate::facts::FactFile;
use crate::schema::Schema;
use crate::vocab::{self, std_terms::RDF_TYPE};
use oxigraph::io::{RdfFormat, RdfParseError, RdfParser};
use oxigraph::model::{NamedNodeRef, Quad};
use oxigraph::store::{LoaderError, Store};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

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

/// The graph the commands run on.
pub struct Graph {
    store: Store,
    location: Option<PathBuf>,
    read_only: bool,
    /// Incremented on every write, so derived views (schema, projection) know when to rebuild.
    version: AtomicU64,
}

/// One file to load.
#[derive(Debug, Clone)]
pub struct LoadInput {
    /// The name shown in messages.
    pub name: String,
    /// Where relative paths inside the file are resolved.
    pub base_dir: Option<PathBuf>,
    pub contents: LoadContents,
}

/// What a load input holds.
#[derive(Debug, Clone)]
pub enum LoadContents {
    /// A TOML fact file's text.
    Facts(String),
    /// An RDF file to stream from disk.
    RdfFile(PathBuf, RdfFormat),
    /// RDF text held in memory.
    RdfText(String, RdfFormat),
}

/// What a load did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LoadReport {
    pub files: usize,
    pub quads_before: usize,
    pub quads_after: usize,
    pub entities: usize,
    pub facts: usize,
    pub warnings: Vec<String>,
}

impl Graph {
    /// Opens the graph as `options` say. A new disk store is seeded with the ontology and,
    /// unless `bare`, the built-in data, in one commit.
    pub fn open(options: &StoreOptions) -> Result<Graph, Error> {
        let Some(path) = &options.path else {
            return Graph::builtin(options.bare);
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
fn open_on_disk(path: &Path, _options: &StoreOptions, _exists: bool) -> Result<Graph, Error> {
    Err(Error::store(
        format!("cannot open {}: this build of stratagraph has no on-disk stores", path.display()),
        Some("rebuild with the default `rocksdb` feature".to_owned()),
    ))
}

#[cfg(feature = "rocksdb")]
fn open_on_disk(path: &Path, options: &StoreOptions, exists: bool) -> Result<Graph, Error> {
    if options.read_only {
        if !exists {
            return Err(Error::store(
                format!("no store at {}", path.display()),
                Some("create it first, e.g. with `stratagraph load FILE --store DIR`".to_owned()),
            ));
        }
        return Ok(Graph::wrap(open_read_only(path)?, Some(path.to_path_buf()), true));
    }
    let store = Store::open(path).map_err(|e| store_open_error(path, e))?;
    let graph = Graph::wrap(store, Some(path.to_path_buf()), false);
    if !exists || graph.store.is_empty()? {
        graph.seed(options.bare)?;
    }
    Ok(graph)
}

impl Graph {
    /// The in-memory graph with the built-in ontology and (unless `bare`) data.
    pub fn builtin(bare: bool) -> Result<Graph, Error> {
        let graph = Graph::wrap(Store::new()?, None, false);
        graph.seed(bare)?;
        Ok(graph)
    }

    fn wrap(store: Store, location: Option<PathBuf>, read_only: bool) -> Graph {
        Graph { store, location, read_only, version: AtomicU64::new(0) }
    }

    fn seed(&self, bare: bool) -> Result<(), Error> {
        let mut quads = Vec::new();
        for (name, text) in builtin::ONTOLOGY {
            for quad in RdfParser::from_format(RdfFormat::Turtle).for_slice(text.as_bytes()) {
                quads.push(quad.map_err(|e| Error::store(format!("built-in {name} is broken: {e}"), None))?);
            }
        }
        if !bare {
            let ontology = Store::new()?;
            ontology.extend(quads.iter().cloned())?;
            let schema = Schema::read(&ontology)?;
            let files = builtin_fact_files()?;
            let lowered =
                lower(&files, &LowerContext { schema: &schema, known_entity: &|_| false }).map_err(Error::Facts)?;
            quads.extend(lowered.quads);
        }
        self.store.extend(quads)?;
        self.touch();
        Ok(())
    }

    /// The underlying oxigraph store.
    pub fn store(&self) -> &Store {
        &self.store
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

    /// True when an entity or source with this fact-file id is in the graph.
    pub fn has_entity(&self, id: &str) -> bool {
        let iri = vocab::entity_iri(id);
        self.store
            .quads_for_pattern(Some(NamedNodeRef::new_unchecked(&iri).into()), Some(RDF_TYPE), None, None)
            .next()
            .is_some()
    }

    /// Checks fact files against this graph's ontology and entities, without writing.
    pub fn check_facts(&self, files: &[FactFile], extra_schema: Option<&Schema>) -> Result<Lowered, Error> {
        let mut schema = Schema::read(&self.store)?;
        if let Some(extra) = extra_schema {
            schema.merge(extra.clone());
        }
        let known = |id: &str| self.has_entity(id);
        lower(files, &LowerContext { schema: &schema, known_entity: &known }).map_err(Error::Facts)
    }

    /// Loads every input in one commit: a problem in any file loads nothing.
    pub fn load(&self, inputs: &[LoadInput], observer: Option<Arc<dyn LoadObserver>>) -> Result<LoadReport, Error> {
        self.ensure_writable()?;
        let quads_before = self.store.len()?;
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
        // Ontology terms in RDF files of the same batch count for the fact files' names.
        let mut batch_schema = None;
        if !fact_files.is_empty() {
            let staging = Store::new()?;
            for input in inputs {
                match &input.contents {
                    LoadContents::RdfText(text, format) => staging
                        .load_from_slice(RdfParser::from_format(*format), text.as_bytes())
                        .map_err(|e| loader_error(&input.name, e))?,
                    LoadContents::RdfFile(path, format) => {
                        let file = open_input(path)?;
                        staging
                            .load_from_reader(RdfParser::from_format(*format), std::io::BufReader::new(file))
                            .map_err(|e| loader_error(&input.name, e))?
                    }
                    LoadContents::Facts(_) => {}
                }
            }
            batch_schema = Some(Schema::read(&staging)?);
        }
        let lowered = if fact_files.is_empty() {
            Lowered::default()
        } else {
            self.check_facts(&fact_files, batch_schema.as_ref())?
        };
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
                        .map_err(|e| loader_error(&input.name, e))?;
                }
                LoadContents::RdfText(text, format) => {
                    loader
                        .load_from_slice(RdfParser::from_format(*format), text.as_bytes())
                        .map_err(|e| loader_error(&input.name, e))?;
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
        Ok(LoadReport {
            files: inputs.len(),
            quads_before,
            quads_after: self.store.len()?,
            entities: lowered.n_entities,
            facts: lowered.n_facts,
            warnings: lowered.warnings.iter().map(ToString::to_string).collect(),
        })
    }

    /// Inserts quads in one transaction.
    pub fn insert_all(&self, quads: impl IntoIterator<Item = Quad>) -> Result<(), Error> {
        self.ensure_writable()?;
        self.store.extend(quads)?;
        self.touch();
        Ok(())
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

/// What a long load reports as it goes (a progress bar, in the CLI).
pub trait LoadObserver: Send + Sync {
    /// `added` more bytes of the inputs were read.
    fn bytes_read(&self, added: u64);
    /// The bulk loader has written `total` triples so far.
    fn triples_written(&self, total: u64);
}

impl LoadInput {
    /// The input's size in bytes, for a progress bar's length (0 when unknown).
    pub fn size(&self) -> u64 {
        match &self.contents {
            LoadContents::Facts(text) | LoadContents::RdfText(text, _) => text.len() as u64,
            LoadContents::RdfFile(path, _) => std::fs::metadata(path).map_or(0, |m| m.len()),
        }
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

fn loader_error(name: &str, error: LoaderError) -> Error {
    match error {
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
