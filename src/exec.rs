//! The one executor: a parsed `Command` and a session in, rendered output out. The CLI and
//! the REPL both call `execute`; neither has a second implementation of any command.

use crate::backend::{rdf_format, Backend, LoadContents, LoadInput};
use crate::check::check;
use crate::cli::{Command, SettingsArgs};
use crate::describe::describe;
use crate::error::Error;
use crate::facts::FactFile;
use crate::render::{self, TextFormat};
use crate::session::{to_json, Output, Session, Settings};
use crate::sparql::{self, Answer};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Runs one command.
pub fn execute(session: &mut Session, command: Command, args: &SettingsArgs) -> Result<Output, Error> {
    let settings = args.apply(&session.settings)?;
    match command {
        Command::Query(query) => run_query(session, &settings, query),
        Command::Describe(describe_args) => {
            let iri = session.resolve(&describe_args.entity)?;
            let schema = session.schema()?;
            let index = session.index()?;
            let description = describe(&session.backend, &schema, &index, &iri, settings.lang)?;
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
            let report = load_with_progress(session, &inputs, settings.quiet)?;
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
            let backend = session.backend.clone();
            match &dump.output {
                Some(path) => {
                    crate::output::write_atomic_with(path, |writer| {
                        backend.dump(format, writer).map_err(|e| std::io::Error::other(e.to_string()))
                    })?;
                    Ok(Output { notes: vec![format!("wrote {}", path.display())], ..Output::default() })
                }
                None => {
                    let mut bytes = Vec::new();
                    backend.dump(format, &mut bytes)?;
                    Ok(Output::text(String::from_utf8_lossy(&bytes).into_owned()))
                }
            }
        }
        Command::Push(push) => {
            if !matches!(*session.backend, Backend::Remote(_)) {
                return Err(Error::input(
                    "push uploads to a remote engine",
                    Some("give --endpoint URL (and --graph-store URL for the Graph Store Protocol)".to_owned()),
                ));
            }
            let inputs = if push.files.is_empty() {
                crate::backend::embedded::builtin_inputs()
            } else {
                load_inputs(&push.files, push.format.as_deref())?
            };
            let report = load_with_progress(session, &inputs, settings.quiet)?;
            let mut output = Output::default();
            output.notes.extend(report.warnings.iter().cloned());
            output.notes.push(format!(
                "pushed {} input{} to {}: {} entities, {} facts; it holds {} triples ({:+})",
                report.files,
                if report.files == 1 { "" } else { "s" },
                session.backend.location(),
                report.entities,
                report.facts,
                report.quads_after,
                report.quads_after as i64 - report.quads_before as i64
            ));
            Ok(output)
        }
        Command::Pull(pull) => {
            if !matches!(*session.backend, Backend::Remote(_)) {
                return Err(Error::input("pull copies from a remote engine", Some("give --endpoint URL".to_owned())));
            }
            let mut file = tempfile::NamedTempFile::new()
                .map_err(|e| Error::store(format!("cannot make a temporary file: {e}"), None))?;
            session.backend.dump(oxigraph::io::RdfFormat::NTriples, file.as_file_mut())?;
            let local = Backend::Embedded(crate::backend::Embedded::open(&crate::backend::StoreOptions {
                path: Some(pull.into.clone()),
                read_only: false,
                bare: true,
            })?);
            let inputs = vec![LoadInput {
                name: session.backend.location(),
                base_dir: None,
                contents: LoadContents::RdfFile(file.path().to_path_buf(), oxigraph::io::RdfFormat::NTriples),
            }];
            let report = local.load(&inputs, None)?;
            Ok(Output {
                notes: vec![format!(
                    "pulled {} into {}: it holds {} quads ({:+})",
                    session.backend.location(),
                    pull.into.display(),
                    report.quads_after,
                    report.quads_after as i64 - report.quads_before as i64
                )],
                ..Output::default()
            })
        }
        Command::Path(args) => crate::commands::paths::run_path(session, &settings, args),
        Command::Neighbors(args) => crate::commands::paths::run_neighbors(session, &settings, args),
        Command::Reach(args) => crate::commands::paths::run_reach(session, &settings, args),
        Command::Common(args) => crate::commands::paths::run_common(session, &settings, args),
        Command::Central(args) => crate::commands::paths::run_central(session, &settings, args),
        Command::Report(report) => crate::reports::execute(session, &settings, report),
        Command::Export(args) => crate::export::execute(session, &settings, args),
        Command::Gen(args) => crate::gen::execute(&settings, args),
        Command::Measure(command) => crate::measure::execute(session, command),
        Command::Validate => {
            let quads = session.backend.validate()?;
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
        // Standard input belongs to the face: the CLI reads it into `query` before calling
        // here; a REPL script's own lines are never taken for a query.
        (None, None) => {
            return Err(Error::input(
                "`query` needs the query text",
                Some("give it as an argument or with -f FILE (in the REPL, type the SPARQL directly)".to_owned()),
            ))
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
    let answer = sparql::run(&session.backend, &text, &options)?;
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
        crate::backend::builtin_fact_files()?
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
        return check_against(&Backend::builtin(true)?, &files, &overrides, args.format);
    }
    // A file that declares the source of a built-in file is a new version of it: it is
    // checked against the ontology and the other built-in files, not against itself.
    let declared: BTreeSet<&str> =
        files.iter().flat_map(|f| f.doc.source.iter().map(|s| s.get_ref().id.get_ref().as_str())).collect();
    let (replaced, kept): (Vec<FactFile>, Vec<FactFile>) = crate::backend::builtin_fact_files()?
        .into_iter()
        .partition(|f| f.doc.source.iter().any(|s| declared.contains(s.get_ref().id.get_ref().as_str())));
    let mut holds_replaced = false;
    for entity in replaced.iter().flat_map(|f| f.doc.entity.first()) {
        holds_replaced |= session.backend.has_entity(entity.get_ref().id.get_ref())?;
    }
    if holds_replaced {
        let graph = Backend::builtin(true)?;
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
    check_against(&session.backend, &files, &overrides, args.format)
}

fn check_against(
    graph: &Backend,
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
    decode(&path.display().to_string(), bytes)
}

/// Decodes a file's bytes as UTF-8; invalid bytes are reported as `name:line:column`.
fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
        let (line, column) = crate::facts::line_column(&valid, offset);
        Error::input(
            format!("{name}:{line}:{column}: invalid UTF-8 (byte {offset})"),
            Some("save the file as UTF-8".to_owned()),
        )
    })
}

/// Loads (or pushes) `inputs` with a progress bar on a terminal.
fn load_with_progress(
    session: &Session,
    inputs: &[LoadInput],
    quiet: bool,
) -> Result<crate::backend::LoadReport, Error> {
    let progress = crate::progress::LoadProgress::new(quiet, inputs.iter().map(LoadInput::size).sum());
    let report = session.backend.load(inputs, progress.observer());
    progress.finish();
    report
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
