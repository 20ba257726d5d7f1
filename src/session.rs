//! The session: a backend with the views derived from it (schema, entity index, path
//! projection), each cached per state token, and the settings a command runs with. Cloning a
//! session is cheap and clones share the views.

use crate::backend::Backend;
use crate::describe::Description;
use crate::error::Error;
use crate::formats::TableFormat;
use crate::resolve::EntityIndex;
use crate::schema::{Lang, Schema};
use crate::sparql::QueryOptions;
use oxigraph::sparql::CancellationToken;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Session-wide settings; a command's own flags override them for that command.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub lang: Lang,
    pub format: Option<TableFormat>,
    pub timeout: Option<Duration>,
    pub allow_service: bool,
    pub quiet: bool,
    /// Print the elapsed time after each command (REPL).
    pub timing: bool,
    /// SPARQL updates typed in the REPL run (`repl --update`, or `update on`).
    pub allow_update: bool,
    /// The most rows a SPARQL answer may hold (`--max-rows`); `None`: the standard cap.
    pub max_rows: Option<usize>,
    /// Read the graph as of this day (`--as-of`, the REPL's `asof`).
    pub as_of: Option<crate::asof::Day>,
    /// Answer SPARQL with what the ontology entails (`--infer rdfs`, the REPL's `infer`).
    pub infer: bool,
    /// How much a query may grow the process's memory, in bytes (`--max-memory`); `None`:
    /// the standard bound.
    pub max_memory: Option<u64>,
    /// When the running command's `timeout` ends: set once as the command starts (see
    /// [`Settings::started`]), so that every phase of it (queries, searches, rendering)
    /// shares one deadline instead of each getting the whole timeout.
    pub deadline: Option<Instant>,
}

impl Settings {
    /// These settings for a command starting now: its deadline is now plus the timeout.
    /// A deadline already running (a server request's) stays when it is the earlier.
    pub fn started(mut self) -> Settings {
        let now = self.timeout.map(|timeout| Instant::now() + timeout);
        self.deadline = match (self.deadline, now) {
            (Some(running), Some(now)) => Some(running.min(now)),
            (running, now) => running.or(now),
        };
        self
    }

    /// The time the command has left: `None` without a timeout, the whole timeout when the
    /// command's clock was not started, and a timeout error once the deadline has passed.
    pub fn time_left(&self) -> Result<Option<Duration>, Error> {
        let Some(deadline) = self.deadline else {
            return Ok(self.timeout);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Error::Timeout("the command ran past its timeout".to_owned()));
        }
        Ok(Some(left))
    }

    /// The deadline of the command, or of one that would start now.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline.or_else(|| self.timeout.map(|timeout| Instant::now() + timeout))
    }
}

/// Checks a `--timeout` value.
pub fn timeout_duration(seconds: f64) -> Result<Duration, Error> {
    if seconds.is_finite() && seconds > 0.0 && seconds < 1e9 {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(Error::input(format!("--timeout must be a positive number of seconds, not {seconds}"), None))
    }
}

/// A view derived from the data, rebuilt when the backend's state token changes.
struct Cached<T> {
    state: String,
    value: Arc<T>,
}

/// The derived views of one backend, each kept with the state it was built at. Shared by
/// every clone of a session, so concurrent readers build a view once.
#[derive(Default)]
struct Views {
    schema: Mutex<Option<Cached<Schema>>>,
    index: Mutex<Option<Cached<EntityIndex>>>,
    /// The entity index's names read in place (`labels`), when kept at the state: `None`
    /// inside when no current one is kept.
    labels: Mutex<Option<Cached<Option<crate::labels::LabelTable>>>>,
    /// The entity index's names laid out for search (`nametable`).
    names: Mutex<Option<Cached<crate::nametable::NameTable>>>,
    projection: Mutex<Option<Cached<crate::paths::Projection>>>,
    /// Descriptions already built at `state`, by entity and language (the server describes
    /// the same entities again and again; each costs a CONSTRUCT and hundreds of term reads).
    descriptions: Mutex<Descriptions>,
    /// The as-of views asked for at `state`, by day, each with the projection it implies.
    as_of: Mutex<AsOfViews>,
    /// The word index of quotes, notes, descriptions, labels and aliases (`search --in quotes`).
    text_index: Mutex<Option<Cached<crate::textsearch::TextIndex>>>,
    /// The ontology's hierarchy, closed, for `--infer rdfs`.
    entailment: Mutex<Option<Cached<crate::infer::Entailment>>>,
}

#[derive(Default)]
struct AsOfViews {
    state: String,
    by_day: std::collections::HashMap<crate::asof::Day, Arc<crate::asof::AsOfView>>,
    projections: std::collections::HashMap<crate::asof::Day, Arc<crate::paths::Projection>>,
}

/// The most days whose views are kept; past it the cache starts again.
const MAX_AS_OF_DAYS: usize = 64;

#[derive(Default)]
struct Descriptions {
    state: String,
    by_entity: std::collections::HashMap<(String, Lang, Option<crate::asof::Day>), Arc<Description>>,
}

/// The kind of the kept view of the entity index's names (`labels`).
const LABELS_VIEW: &str = "entity-labels";

/// Above this many IRIs to label, the whole entity index is cheaper than label queries.
const MAX_LABELS_BY_QUERY: usize = 3000;

/// The most descriptions kept; past it the cache starts again.
const MAX_DESCRIPTIONS: usize = 4096;

/// The backend and what the session knows about it: a cheap `Clone + Send + Sync` handle,
/// so many commands (the server's requests) can read at once. The REPL's settings and
/// prefixes live beside it, per clone.
#[derive(Clone)]
pub struct Session {
    pub backend: Arc<Backend>,
    pub settings: Settings,
    /// Prefixes declared during the session (REPL `PREFIX` lines).
    pub prefixes: Vec<(String, String)>,
    /// Folders of the user's own saved reports, searched after the built-in ones.
    pub query_dirs: Vec<PathBuf>,
    /// Cancelled by a face to stop the running command (Ctrl-C in the REPL).
    pub cancel: Option<CancellationToken>,
    /// Set by faces that answer many commands (the REPL, the server): names and labels
    /// then come from the entity index, built or read once, rather than from a query per
    /// command, which is what a one-shot command on a large store wants.
    pub long_lived: bool,
    views: Arc<Views>,
}

impl Session {
    /// A session on `backend` with `settings`.
    pub fn new(backend: Backend, settings: Settings) -> Session {
        Session {
            backend: Arc::new(backend),
            settings,
            prefixes: Vec::new(),
            query_dirs: Vec::new(),
            cancel: None,
            long_lived: false,
            views: Arc::default(),
        }
    }

    /// The backend's state token, read once per view request.
    fn state(&self) -> Result<String, Error> {
        self.backend.state()
    }

    /// The ontology, read once per state of the data.
    pub fn schema(&self) -> Result<Arc<Schema>, Error> {
        let state = self.state()?;
        cached(&self.views.schema, &state, || {
            // Kept between processes as N-Triples: on a large RocksDB store, reading these
            // triples from the indexes (a lookup per term and property) took a third of a
            // one-shot `path`.
            let graph = crate::views::remembered(
                &self.backend,
                "schema-graph",
                || self.backend.schema_graph(),
                |graph| graph.to_string(),
                |text: String| {
                    let mut graph = oxigraph::model::Graph::new();
                    for triple in oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::NTriples)
                        .for_slice(text.as_bytes())
                    {
                        graph.insert(&oxigraph::model::Triple::from(triple.ok()?));
                    }
                    Some(graph)
                },
            )?;
            Ok(Schema::from_graph(&graph))
        })
    }

    /// The entity label index, built once per state of the data.
    pub fn index(&self) -> Result<Arc<EntityIndex>, Error> {
        let state = self.state()?;
        let schema = self.schema()?;
        cached(&self.views.index, &state, || {
            let index = crate::views::remembered(
                &self.backend,
                "entity-index",
                || EntityIndex::build(&self.backend, &schema),
                |index| index.to_stored().to_vec(),
                EntityIndex::from_stored,
            )?;
            // Kept beside it, its names laid out to be read in place by later one-shot
            // commands (`labels_for`).
            let kept = crate::views::read_mapped(
                &self.backend,
                LABELS_VIEW,
                crate::views::Reading::Sparse,
                crate::labels::LabelTable::from_map,
            );
            if kept.is_none() {
                if let Some(bytes) = crate::labels::LabelTable::bytes_of(&index) {
                    crate::views::keep_mapped(&self.backend, LABELS_VIEW, &bytes);
                }
            }
            Ok(index)
        })
    }

    /// The kept table of the entity index's names, when one is kept at this state.
    fn label_table(&self, state: &str) -> Result<Arc<Option<crate::labels::LabelTable>>, Error> {
        cached(&self.views.labels, state, || {
            Ok(crate::views::read_mapped(
                &self.backend,
                LABELS_VIEW,
                crate::views::Reading::Sparse,
                crate::labels::LabelTable::from_map,
            ))
        })
    }

    /// The names of every entity laid out for search, built once per state of the data
    /// (from the entity index) and kept on disk beside it.
    pub fn name_table(&self) -> Result<Arc<crate::nametable::NameTable>, Error> {
        let state = self.state()?;
        cached(&self.views.names, &state, || {
            crate::views::remembered_mapped(
                &self.backend,
                "name-table",
                crate::views::Reading::Sparse,
                || Ok(crate::nametable::NameTable::build(&*self.index()?)),
                |table| std::borrow::Cow::Borrowed(table.bytes()),
                crate::nametable::NameTable::from_map,
            )
        })
    }

    /// Entities whose names match `text`, best first: the name table's ranking, with the
    /// hits' names read for those entities only.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<crate::resolve::Hit>, Error> {
        let found = self.name_table()?.search(text, limit);
        let names = self.labels_for(found.iter().map(|f| f.iri.clone()))?;
        Ok(found.iter().map(|f| crate::nametable::hit(f, &names)).collect())
    }

    /// The word index of quotes, notes, descriptions, labels and aliases, built once per state of the data.
    pub fn text_index(&self) -> Result<Arc<crate::textsearch::TextIndex>, Error> {
        let state = self.state()?;
        cached(&self.views.text_index, &state, || {
            crate::views::remembered(
                &self.backend,
                "text-index",
                || crate::textsearch::TextIndex::build(&self.backend),
                Clone::clone,
                Some,
            )
        })
    }

    /// The path projection, built once per state and shared by every path command.
    pub fn projection(&self) -> Result<Arc<crate::paths::Projection>, Error> {
        let state = self.state()?;
        let schema = self.schema()?;
        cached(&self.views.projection, &state, || {
            // Kept as one block of arrays and mapped back in place: decoding the kept form
            // and rebuilding its rows and name index was most of a one-shot `path` at 1M.
            crate::views::remembered_mapped(
                &self.backend,
                "projection",
                crate::views::Reading::Sparse,
                || crate::paths::Projection::build(&self.backend, &schema),
                |projection| projection.to_bytes().into(),
                crate::paths::Projection::from_map,
            )
        })
    }

    /// Everything known about `iri` (as of the settings' day, if any), built once per state
    /// of the data, language and day.
    pub fn description(&self, iri: &str, settings: &Settings) -> Result<Arc<Description>, Error> {
        let lang = settings.lang;
        let view = self.as_of_view(settings)?;
        let state = self.state()?;
        let key = (iri.to_owned(), lang, settings.as_of);
        {
            let cache = self.views.descriptions.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if cache.state == state {
                if let Some(found) = cache.by_entity.get(&key) {
                    return Ok(found.clone());
                }
            }
        }
        let schema = self.schema()?;
        let bounds = crate::backend::Evaluation {
            timeout: settings.time_left()?,
            cancel: self.cancel.clone(),
            ..crate::backend::Evaluation::default()
        };
        let description = Arc::new(crate::describe::describe(
            &self.backend,
            &schema,
            iri,
            lang,
            view.as_deref(),
            &bounds,
            &|iris| self.labels_for(iris.iter().cloned()),
        )?);
        let mut cache = self.views.descriptions.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.state != state || cache.by_entity.len() >= MAX_DESCRIPTIONS {
            cache.by_entity.clear();
            cache.state = state;
        }
        cache.by_entity.insert(key, description.clone());
        Ok(description)
    }

    /// Names for these IRIs: the entity index when it is already built at this state (or the
    /// set is large), else the labels of just these entities, read with a few queries, so a
    /// one-shot command on a big store need not index every entity to label its answer.
    pub fn labels_for(&self, iris: impl IntoIterator<Item = String>) -> Result<Arc<EntityIndex>, Error> {
        let iris: std::collections::BTreeSet<String> = iris.into_iter().collect();
        let state = self.state()?;
        {
            let slot = self.views.index.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(found) = slot.as_ref() {
                if found.state == state {
                    return Ok(found.value.clone());
                }
            }
        }
        if self.long_lived || iris.len() > MAX_LABELS_BY_QUERY {
            return self.index();
        }
        let iris: Vec<String> = iris.into_iter().collect();
        // The entity index's names kept in place answer what the label queries would.
        if let Some(table) = self.label_table(&state)?.as_ref() {
            return Ok(Arc::new(table.index_for(&iris)));
        }
        let schema = self.schema()?;
        Ok(Arc::new(EntityIndex::for_iris(&self.backend, &schema, &iris)?))
    }

    /// Resolves a user's entity name: an IRI, prefixed name or id with one ASK, anything else
    /// with the entity index.
    pub fn resolve(&self, name: &str) -> Result<String, Error> {
        // An id with a label resolves to itself (what the ASK below would say): a warm
        // index knows that without asking the store.
        if self.long_lived && crate::facts::is_valid_id(name.trim()) {
            let iri = crate::vocab::entity_iri(name.trim());
            if self.index()?.names(&iri).is_some() {
                return Ok(iri);
            }
        }
        if let Some(iri) = crate::resolve::resolve_explicit(&self.backend, name)? {
            return Ok(iri);
        }
        let text = name.trim();
        if text.is_empty() {
            return Err(Error::input("empty entity name", None));
        }
        if crate::resolve::explicit_iri(text).is_some() {
            return Err(crate::resolve::unknown(text, &self.search(text, 3)?));
        }
        match self.name_table()?.resolve(text) {
            crate::nametable::Resolved::One(iri) => Ok(iri),
            crate::nametable::Resolved::Unknown => Err(crate::resolve::unknown(text, &self.search(text, 3)?)),
            crate::nametable::Resolved::Many(iris) => {
                let names = self.labels_for(iris.iter().cloned())?;
                let hits: Vec<crate::resolve::Hit> = iris
                    .iter()
                    .map(|iri| {
                        let entity = names.names(iri);
                        crate::resolve::Hit {
                            iri: iri.clone(),
                            en: entity.and_then(|e| e.en.clone()),
                            zh: entity.and_then(|e| e.zh.clone()),
                            matched: text.to_owned(),
                            how: "exact",
                            score: 1.0,
                        }
                    })
                    .collect();
                Err(crate::resolve::ambiguous(text, &hits))
            }
        }
    }

    /// The view of the graph as of the settings' day, built once per state and day; `None`
    /// without `--as-of`.
    pub fn as_of_view(&self, settings: &Settings) -> Result<Option<Arc<crate::asof::AsOfView>>, Error> {
        let Some(day) = settings.as_of else { return Ok(None) };
        let state = self.state()?;
        let mut cache = self.views.as_of.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if cache.state != state || cache.by_day.len() >= MAX_AS_OF_DAYS {
            *cache = AsOfViews { state, ..AsOfViews::default() };
        }
        if let Some(found) = cache.by_day.get(&day) {
            return Ok(Some(found.clone()));
        }
        let view = Arc::new(crate::views::remembered(
            &self.backend,
            &format!("as-of-{}", crate::asof::day_text(day)),
            || crate::asof::AsOfView::build(&self.backend, day),
            crate::asof::AsOfView::to_stored,
            crate::asof::AsOfView::from_stored,
        )?);
        cache.by_day.insert(day, view.clone());
        Ok(Some(view))
    }

    /// The path projection as of the settings' day: the whole projection without the edges
    /// out of force then (the same nodes, so node numbers agree).
    pub fn projection_for(&self, settings: &Settings) -> Result<Arc<crate::paths::Projection>, Error> {
        let whole = self.projection()?;
        let Some(view) = self.as_of_view(settings)? else { return Ok(whole) };
        if !view.hides_edges() {
            return Ok(whole);
        }
        let day = view.day;
        {
            let cache = self.views.as_of.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(found) = cache.projections.get(&day) {
                return Ok(found.clone());
            }
        }
        let restricted = Arc::new(crate::views::remembered_mapped(
            &self.backend,
            &format!("projection-as-of-{}", crate::asof::day_text(day)),
            crate::views::Reading::Sparse,
            || Ok(whole.without_edges(|s, p, o| view.hides_edge(s, p, o))),
            |projection| projection.to_bytes().into(),
            crate::paths::Projection::from_map,
        )?);
        let mut cache = self.views.as_of.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.projections.insert(day, restricted.clone());
        Ok(restricted)
    }

    /// The draft of `text` against the graph's entities and ontology (`draft`).
    pub fn draft(&self, text: &str, request: &crate::draft::Request) -> Result<crate::draft::Draft, Error> {
        let schema = self.schema()?;
        let index = self.index()?;
        let metrics: std::collections::BTreeSet<String> = self
            .backend
            .select("SELECT ?m WHERE { ?m a sg:Metric }")?
            .into_iter()
            .filter_map(|row| match row.into_iter().next().flatten() {
                Some(oxigraph::model::Term::NamedNode(node)) => Some(node.into_string()),
                _ => None,
            })
            .collect();
        let known: Vec<crate::draft::KnownEntity> = index
            .entities()
            .iter()
            .filter_map(|names| {
                let id = names.iri.strip_prefix(crate::vocab::ENTITY)?;
                crate::facts::is_valid_id(id).then(|| crate::draft::KnownEntity {
                    id: id.to_owned(),
                    names: names.en.iter().chain(names.zh.iter()).chain(names.aliases.iter()).cloned().collect(),
                    is_metric: metrics.contains(&names.iri),
                })
            })
            .collect();
        Ok(crate::draft::draft(text, request, &known, &crate::draft::Cues::from_schema(&schema)))
    }

    /// The query options for these settings.
    pub fn query_options(&self, settings: &Settings) -> Result<QueryOptions, Error> {
        Ok(QueryOptions {
            timeout: settings.time_left()?,
            allow_update: false,
            allow_service: settings.allow_service,
            prefixes: self.prefixes.clone(),
            cancel: self.cancel.clone(),
            substitutions: Vec::new(),
            base: None,
            max_rows: Some(settings.max_rows.unwrap_or(crate::limits::MAX_ANSWER_ROWS)),
            max_memory: Some(settings.max_memory.unwrap_or(crate::limits::MAX_QUERY_MEMORY)),
            as_of: self.as_of_view(settings)?,
            infer: if settings.infer {
                let state = self.state()?;
                Some(cached(&self.views.entailment, &state, || crate::infer::Entailment::build(&self.backend))?)
            } else {
                None
            },
            local_services: Vec::new(),
            repeated_paths: None,
        })
    }
}

/// The views that [`refresh_kept_views`] brings up to date, in the order it builds them:
/// the others (a day's view) are built when a command asks for them.
const REFRESHED_VIEWS: [&str; 6] =
    ["schema-graph", "entity-index", "entity-labels", "name-table", "projection", "text-index"];

/// Brings the views kept beside the store at `path` up to date after a write through
/// stratagraph: each kind kept there before the write is built again from the store, opened
/// read-only so that what is built is saved under the store's new state. A kind never kept
/// is left for the first command that needs it. Returns the kinds brought up to date.
pub fn refresh_kept_views(
    path: &std::path::Path,
    observer: Option<&dyn crate::paths::guard::WorkObserver>,
) -> Result<Vec<&'static str>, Error> {
    let kept = crate::views::kept_kinds(&path.join(crate::backend::embedded::VIEWS_DIR));
    let due: Vec<&'static str> = REFRESHED_VIEWS.into_iter().filter(|kind| kept.iter().any(|k| k == kind)).collect();
    if due.is_empty() {
        return Ok(due);
    }
    let store = crate::backend::StoreOptions { path: Some(path.to_owned()), read_only: true, bare: true };
    let backend = Backend::open(&crate::backend::BackendOptions { store, remote: None })?;
    let session = Session::new(backend, Settings::default());
    for (done, kind) in due.iter().enumerate() {
        if let Some(observer) = observer {
            observer.advanced(done as u64, due.len() as u64);
        }
        match *kind {
            "schema-graph" => drop(session.schema()?),
            "entity-index" | "entity-labels" => drop(session.index()?),
            "name-table" => drop(session.name_table()?),
            "projection" => drop(session.projection()?),
            _ => drop(session.text_index()?),
        }
    }
    if let Some(observer) = observer {
        observer.finished();
    }
    Ok(due)
}

/// The cached view for `state`, built (once, under its lock) when missing or stale.
fn cached<T>(
    slot: &Mutex<Option<Cached<T>>>,
    state: &str,
    build: impl FnOnce() -> Result<T, Error>,
) -> Result<Arc<T>, Error> {
    let mut slot = slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(found) = slot.as_ref() {
        if found.state == state {
            return Ok(found.value.clone());
        }
    }
    let value = Arc::new(build()?);
    *slot = Some(Cached { state: state.to_owned(), value: value.clone() });
    Ok(value)
}
