//! The one executor: a parsed `Command` and a session in, rendered output out. The CLI and
//! the REPL both call `execute`; neither has a second implementation of any command.

use crate::check::check;
use crate::cli::{Command, SettingsArgs};
use crate::describe::describe;
use crate::error::Error;
use crate::facts::FactFile;
use crate::render::{self, TableFormat, TextFormat};
use crate::resolve::EntityIndex;
use crate::schema::{Lang, Schema};
use crate::sparql::{self, Answer, QueryOptions};
use crate::store::{rdf_format, Graph, LoadContents, LoadInput};
use oxigraph::sparql::CancellationToken;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

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
}

impl Settings {
    /// These settings with a command line's flags applied.
    pub fn with(&self, args: &SettingsArgs) -> Result<Settings, Error> {
        let mut settings = self.clone();
        if let Some(lang) = args.lang {
            settings.lang = lang;
        }
        if let Some(seconds) = args.timeout {
            settings.timeout = Some(timeout_duration(seconds)?);
        }
        settings.allow_service |= args.allow_service;
        settings.quiet |= args.quiet;
        Ok(settings)
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

/// A view derived from the graph, rebuilt when the graph's version changes.
struct Cached<T> {
    version: u64,
    value: Arc<T>,
}

/// The graph and what the session knows about it.
pub struct Session {
    pub graph: Graph,
    pub settings: Settings,
    /// Prefixes declared during the session (REPL `PREFIX` lines).
    pub prefixes: Vec<(String, String)>,
    /// Folders of the user's own saved reports, searched after the built-in ones.
    pub query_dirs: Vec<PathBuf>,
    /// Cancelled by a face to stop the running command (Ctrl-C in the REPL).
    pub cancel: Option<CancellationToken>,
    schema: Option<Cached<Schema>>,
    index: Option<Cached<EntityIndex>>,
    projection: Option<Cached<crate::paths::Projection>>,
}

/// What a command produced: text for standard output and the exit status it implies.
#[derive(Debug, Default)]
pub struct Output {
    pub text: String,
    /// Lines for standard error (summaries, warnings); faces may hide them with --quiet.
    pub notes: Vec<String>,
    /// 0, or `exit::NO_RESULT` when the answer is empty where that matters.
    pub status: i32,
}

impl Output {
    fn text(text: String) -> Output {
        Output { text, ..Output::default() }
    }
}

impl Session {
    /// A session on `graph` with `settings`.
    pub fn new(graph: Graph, settings: Settings) -> Session {
        Session {
            graph,
            settings,
            prefixes: Vec::new(),
            query_dirs: Vec::new(),
            cancel: None,
            schema: None,
            index: None,
            projection: None,
        }
    }

    /// The ontology, read once per graph state.
    pub fn schema(&mut self) -> Result<Arc<Schema>, Error> {
        let version = self.graph.version();
        if let Some(cached) = &self.schema {
            if cached.version == version {
                return Ok(cached.value.clone());
            }
        }
        let value = Arc::new(Schema::read(self.graph.store())?);
        self.schema = Some(Cached { version, value: value.clone() });
        Ok(value)
    }

    /// The entity label index, built once per graph state.
    pub fn index(&mut self) -> Result<Arc<EntityIndex>, Error> {
        let version = self.graph.version();
        if let Some(cached) = &self.index {
            if cached.version == version {
                return Ok(cached.value.clone());
            }
        }
        let value = Arc::new(EntityIndex::build(self.graph.store())?);
        self.index = Some(Cached { version, value: value.clone() });
        Ok(value)
    }

    /// The path projection, built once per graph state and shared by every path command.
    pub fn projection(&mut self) -> Result<Arc<crate::paths::Projection>, Error> {
        let version = self.graph.version();
        if let Some(cached) = &self.projection {
            if cached.version == version {
                return Ok(cached.value.clone());
            }
        }
        let schema = self.schema()?;
        let value = Arc::new(crate::paths::Projection::build(self.graph.store(), &schema)?);
        self.projection = Some(Cached { version, value: value.clone() });
        Ok(value)
    }

    /// Resolves a user's entity name.
    pub fn resolve(&mut self, name: &str) -> Result<String, Error> {
        let index = self.index()?;
        index.resolve(self.graph.store(), name)
    }

    /// The query options for these settings.
    pub fn query_options(&self, settings: &Settings) -> QueryOptions {
        QueryOptions {
            timeout: settings.timeout,
            allow_update: false,
            allow_service: settings.allow_service,
            prefixes: self.prefixes.clone(),
            cancel: self.cancel.clone(),
            substitutions: Vec::new(),
        }
    }
}

/// Runs one command.
pub fn execute(session: &mut Session, command: Command, args: &SettingsArgs) -> Result<Output, Error> {
    let settings = session.settings.with(args)?;
    match command {
        Command::Query(query) => run_query(session, &settings, query),
        Command::Describe(describe_args) => {
            let iri = session.resolve(&describe_args.entity)?;
            let schema = session.schema()?;
            let index = session.index()?;
            let description = describe(session.graph.store(), &schema, &index, &iri, settings.lang)?;
            Ok(Output::text(match describe_args.format {
                TextFormat::Text => render::describe::description_text(&description, &schema, settings.lang),
                TextFormat::Json => to_json(&description)?,
            }))
        }
        Command::Search(search) => {
            if search.text.trim().is_empty() {
                return Err(Error::input("empty search text", Some("give a name in English or Chinese".to_owned())));
            }
            if search.limit == 0 {
                return Err(Error::input("--limit must be at least 1", None));
            }
            let index = session.index()?;
            let hits = index.search(&search.text, search.limit);
            let mut output = Output::text(match search.format {
                TextFormat::Text if hits.is_empty() => String::new(),
                TextFormat::Text => render::describe::hits_text(&hits),
                TextFormat::Json => to_json(&hits)?,
            });
            if hits.is_empty() {
                output.notes.push(format!("no entity matches `{}`", search.text));
                output.status = crate::error::exit::NO_RESULT;
            }
            Ok(output)
        }
        Command::Check(check_args) => run_check(session, check_args),
        Command::Load(load) => {
            let inputs = load_inputs(&load.files, load.format.as_deref())?;
            let progress = crate::progress::LoadProgress::new(settings.quiet, inputs.iter().map(LoadInput::size).sum());
            let report = session.graph.load(&inputs, progress.observer());
            progress.finish();
            let report = report?;
            let mut output = Output::default();
            output.notes.extend(report.warnings.iter().cloned());
            output.notes.push(format!(
                "loaded {} file{}: {} entities, {} facts; the store holds {} quads ({:+})",
                report.files,
                if report.files == 1 { "" } else { "s" },
                report.entities,
                report.facts,
                report.quads_after,
                report.quads_after as i64 - report.quads_before as i64
            ));
            Ok(output)
        }
        Command::Dump(dump) => {
            let format = dump.format.rdf_format();
            let store = session.graph.store();
            let write = |writer: &mut dyn std::io::Write| -> std::io::Result<()> {
                if matches!(dump.format, render::GraphFormat::Turtle | render::GraphFormat::Trig) {
                    // The syntaxes with prefixes get the predeclared ones, for readable dumps.
                    let mut serializer = oxigraph::io::RdfSerializer::from_format(format);
                    for (prefix, iri) in crate::vocab::PREFIXES {
                        serializer = serializer.with_prefix(*prefix, *iri).map_err(std::io::Error::other)?;
                    }
                    let mut out = serializer.for_writer(writer);
                    let graph = (!format.supports_datasets()).then_some(oxigraph::model::GraphNameRef::DefaultGraph);
                    for quad in store.quads_for_pattern(None, None, None, graph) {
                        out.serialize_quad(&quad.map_err(std::io::Error::other)?)?;
                    }
                    out.finish()?;
                    Ok(())
                } else if format.supports_datasets() {
                    store.dump_to_writer(format, writer).map(|_| ()).map_err(std::io::Error::other)
                } else {
                    store
                        .dump_graph_to_writer(oxigraph::model::GraphNameRef::DefaultGraph, format, writer)
                        .map(|_| ())
                        .map_err(std::io::Error::other)
                }
            };
            match &dump.output {
                Some(path) => {
                    crate::output::write_atomic_with(path, write)?;
                    Ok(Output { notes: vec![format!("wrote {}", path.display())], ..Output::default() })
                }
                None => {
                    let mut bytes = Vec::new();
                    write(&mut bytes)?;
                    Ok(Output::text(String::from_utf8_lossy(&bytes).into_owned()))
                }
            }
        }
        Command::Path(args) => crate::paths::cli::run_path(session, &settings, args),
        Command::Neighbors(args) => crate::paths::cli::run_neighbors(session, &settings, args),
        Command::Reach(args) => crate::paths::cli::run_reach(session, &settings, args),
        Command::Common(args) => crate::paths::cli::run_common(session, &settings, args),
        Command::Central(args) => crate::paths::cli::run_central(session, &settings, args),
        Command::Report(report) => crate::reports::execute(session, &settings, report),
        Command::Export(args) => crate::export::execute(session, &settings, args),
        Command::Gen(args) => crate::gen::execute(&settings, args),
        Command::Measure(command) => crate::measure::execute(session, command),
        Command::Validate => {
            session.graph.store().validate()?;
            let quads = session.graph.store().len()?;
            Ok(Output::text(format!("store is valid: {quads} quads\n")))
        }
        Command::Repl(_) => {
            Err(Error::input("the REPL is already open", Some("type `help` for the commands".to_owned())))
        }
    }
}

fn run_query(session: &mut Session, settings: &Settings, query: crate::cli::QueryArgs) -> Result<Output, Error> {
    let text = match (&query.query, &query.file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) => read_text(path)?,
        (None, None) => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            text
        }
    };
    if text.trim().is_empty() {
        return Err(Error::input(
            "empty query",
            Some("pass the query as an argument, with -f FILE or on stdin".to_owned()),
        ));
    }
    let mut options = session.query_options(settings);
    options.allow_update = query.update;
    let answer = sparql::run(&session.graph, &text, &options)?;
    let format = query.format.or(settings.format).unwrap_or_default();
    let rendered = render::results::render_answer(&answer, format, query.graph_format)?;
    let status = match &answer {
        Answer::Boolean(false) => crate::error::exit::NO_RESULT,
        _ => 0,
    };
    match &query.output {
        Some(path) => {
            crate::output::write_atomic(path, rendered.as_bytes())?;
            Ok(Output { notes: vec![format!("wrote {}", path.display())], status, ..Output::default() })
        }
        None => Ok(Output { text: rendered, status, ..Output::default() }),
    }
}

fn run_check(session: &mut Session, args: crate::cli::CheckArgs) -> Result<Output, Error> {
    let mut overrides = BTreeMap::new();
    for pair in &args.source_text {
        let (id, path) =
            pair.split_once('=').ok_or_else(|| Error::input(format!("--source-text `{pair}` is not ID=PATH"), None))?;
        overrides.insert(id.to_owned(), PathBuf::from(path));
    }
    let files = if args.files.is_empty() {
        crate::store::builtin_fact_files()?
    } else {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for path in &args.files {
            let text = read_text(path)?;
            match FactFile::parse(path.display().to_string(), path.parent().map(Path::to_path_buf), text) {
                Ok(file) => files.push(file),
                Err(problem) => problems.push(problem),
            }
        }
        if !problems.is_empty() {
            return Err(Error::Facts(problems));
        }
        files
    };
    // The built-in files are checked against the ontology alone (against the built-in graph
    // they would meet their own ids); other files against the graph they would join.
    if args.files.is_empty() {
        return check_against(&Graph::builtin(true)?, &files, &overrides, args.format);
    }
    // A file that declares the source of a built-in file is a new version of it: it is
    // checked against the ontology and the other built-in files, not against itself.
    let declared: BTreeSet<&str> =
        files.iter().flat_map(|f| f.doc.source.iter().map(|s| s.get_ref().id.get_ref().as_str())).collect();
    let (replaced, kept): (Vec<FactFile>, Vec<FactFile>) = crate::store::builtin_fact_files()?
        .into_iter()
        .partition(|f| f.doc.source.iter().any(|s| declared.contains(s.get_ref().id.get_ref().as_str())));
    let holds_replaced =
        replaced.iter().flat_map(|f| f.doc.entity.first()).any(|e| session.graph.has_entity(e.get_ref().id.get_ref()));
    if holds_replaced {
        let graph = Graph::builtin(true)?;
        let inputs: Vec<LoadInput> = kept
            .iter()
            .map(|f| LoadInput {
                name: f.name.clone(),
                base_dir: f.base_dir.clone(),
                contents: LoadContents::Facts(f.text().to_owned()),
            })
            .collect();
        if !inputs.is_empty() {
            graph.load(&inputs, None)?;
        }
        return check_against(&graph, &files, &overrides, args.format);
    }
    check_against(&session.graph, &files, &overrides, args.format)
}

fn check_against(
    graph: &Graph,
    files: &[FactFile],
    overrides: &BTreeMap<String, PathBuf>,
    format: TextFormat,
) -> Result<Output, Error> {
    let report = check(graph, files, overrides)?;
    let summary = format!(
        "checked {} file{}: {} entities, {} facts, {} quote{} verified, {} not verified, {} error{}",
        report.files,
        if report.files == 1 { "" } else { "s" },
        report.entities,
        report.facts,
        report.quotes_verified,
        if report.quotes_verified == 1 { "" } else { "s" },
        report.quotes_unverified,
        report.errors,
        if report.errors == 1 { "" } else { "s" },
    );
    let mut output = match format {
        TextFormat::Json => Output::text(to_json(&report)?),
        TextFormat::Text => {
            let mut text = String::new();
            for problem in &report.problems {
                text.push_str(problem);
                text.push('\n');
            }
            text.push_str(&summary);
            text.push('\n');
            Output::text(text)
        }
    };
    if report.errors > 0 {
        output.status = crate::error::exit::BAD_INPUT;
    }
    Ok(output)
}

fn read_text(path: &Path) -> Result<String, Error> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > crate::limits::MAX_TEXT_FILE_BYTES {
        return Err(Error::input(
            format!(
                "{} is {} MiB, more than the {} MiB a fact or query file may have",
                path.display(),
                size >> 20,
                crate::limits::MAX_TEXT_FILE_BYTES >> 20
            ),
            Some("split it into several files, or give the data as N-Triples, which is streamed".to_owned()),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::store(format!("cannot read {}: {e}", path.display()), Some("check the path".to_owned())))?;
    crate::facts::decode(&path.display().to_string(), bytes)
}

/// Turns paths into load inputs, choosing each file's kind by extension or `--format`.
pub fn load_inputs(paths: &[PathBuf], format: Option<&str>) -> Result<Vec<LoadInput>, Error> {
    paths
        .iter()
        .map(|path| {
            let name = path.display().to_string();
            let base_dir = path.parent().map(Path::to_path_buf);
            let is_facts = format.is_none() && path.extension().is_some_and(|e| e == "toml")
                || format.is_some_and(|f| f.eq_ignore_ascii_case("facts") || f.eq_ignore_ascii_case("toml"));
            if is_facts {
                return Ok(LoadInput { name, base_dir, contents: LoadContents::Facts(read_text(path)?) });
            }
            if !path.exists() {
                return Err(Error::store(
                    format!("cannot read {name}: no such file"),
                    Some("check the path".to_owned()),
                ));
            }
            let rdf = rdf_format(path, format).ok_or_else(|| {
                Error::input(
                    match format {
                        Some(format) => format!("unknown format `{format}`"),
                        None => format!("cannot tell the format of {name}"),
                    },
                    Some("use .toml .ttl .nt .nq .trig .rdf .jsonld, or pass --format".to_owned()),
                )
            })?;
            Ok(LoadInput { name, base_dir, contents: LoadContents::RdfFile(path.clone(), rdf) })
        })
        .collect()
}

/// Pretty JSON with a final newline.
pub fn to_json(value: &impl serde::Serialize) -> Result<String, Error> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Error::store(e.to_string(), None))?;
    text.push('\n');
    Ok(text)
}
