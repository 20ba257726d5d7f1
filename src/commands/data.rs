//! The commands that move data: `check`, `load`, `push`, `pull`, `dump` and `validate`.
//! Loads are all or nothing; what a long write reports as it goes is the face's to show.

use super::{Artifact, Body, Outcome, Reply, Validated, Verdict};
use crate::backend::{rdf_format, Backend, LoadContents, LoadInput, LoadObserver, LoadReport, QuotePolicy};
use crate::cli::{CheckArgs, DumpArgs, LoadArgs, PullArgs, PushArgs};
use crate::error::Error;
use crate::facts::lower::DraftPolicy;
use crate::facts::quotes::SourceTexts;
use crate::facts::FactFile;
use crate::input::read_text;
use crate::session::Session;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How a face shows a long write's progress (a bar on a terminal, nothing in a server).
pub trait Progress {
    /// A write over `total_bytes` of input begins; the observer hears how it goes.
    fn begin(&self, total_bytes: u64) -> Option<Arc<dyn LoadObserver>>;
    /// The write ended, well or not.
    fn end(&self);

    /// A long computation (`what`, e.g. `central`) begins; its observer hears how it goes.
    fn work(&self, _what: &'static str) -> Option<Arc<dyn crate::paths::guard::WorkObserver>> {
        None
    }
}

/// Shows nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _total_bytes: u64) -> Option<Arc<dyn LoadObserver>> {
        None
    }

    fn end(&self) {}
}

/// `load FILES`.
pub fn load(session: &Session, args: &LoadArgs, progress: &dyn Progress) -> Result<Outcome, Error> {
    let inputs = load_inputs(&args.files, args.format.as_deref())?;
    let policy = quote_policy(&args.source_text, args.no_verify_quotes)?;
    let report = load_with_progress(session, &inputs, &policy, draft_policy(args.allow_draft), progress)?;
    let summary = format!(
        "loaded {} file{}: {} entities, {} facts{}; the store holds {} quads ({:+})",
        report.files,
        plural(report.files),
        report.entities,
        report.facts,
        quotes_phrase(&report),
        report.quads_after,
        report.quads_after as i64 - report.quads_before as i64
    );
    Ok(loaded(report, summary))
}

/// `push [FILES]`: the built-in data when no files are given.
pub fn push(session: &Session, args: &PushArgs, progress: &dyn Progress) -> Result<Outcome, Error> {
    if !matches!(*session.backend, Backend::Remote(_)) {
        return Err(Error::input(
            "push uploads to a remote engine",
            Some("give --endpoint URL (and --graph-store URL for the Graph Store Protocol)".to_owned()),
        ));
    }
    // The built-in files were checked when the binary was built (a test runs `check`).
    let (inputs, policy) = if args.files.is_empty() {
        (crate::backend::embedded::builtin_inputs(), QuotePolicy::Skip)
    } else {
        (load_inputs(&args.files, args.format.as_deref())?, quote_policy(&args.source_text, args.no_verify_quotes)?)
    };
    let report = load_with_progress(session, &inputs, &policy, draft_policy(args.allow_draft), progress)?;
    let summary = format!(
        "pushed {} input{} to {}: {} entities, {} facts{}; it holds {} triples ({:+})",
        report.files,
        plural(report.files),
        session.backend.location(),
        report.entities,
        report.facts,
        quotes_phrase(&report),
        report.quads_after,
        report.quads_after as i64 - report.quads_before as i64
    );
    Ok(loaded(report, summary))
}

/// `pull --into DIR`: the remote graph copied into a local store.
pub fn pull(session: &Session, args: &PullArgs) -> Result<Outcome, Error> {
    if !matches!(*session.backend, Backend::Remote(_)) {
        return Err(Error::input("pull copies from a remote engine", Some("give --endpoint URL".to_owned())));
    }
    let mut file =
        tempfile::NamedTempFile::new().map_err(|e| Error::store(format!("cannot make a temporary file: {e}"), None))?;
    session.backend.dump(oxigraph::io::RdfFormat::NTriples, file.as_file_mut())?;
    let local = Backend::Embedded(crate::backend::Embedded::open(&crate::backend::StoreOptions {
        path: Some(args.into.clone()),
        read_only: false,
        bare: true,
    })?);
    let inputs = vec![LoadInput {
        name: session.backend.location(),
        base_dir: None,
        contents: LoadContents::RdfFile(file.path().to_path_buf(), oxigraph::io::RdfFormat::NTriples),
    }];
    let report = local.load(&inputs, &QuotePolicy::Skip, DraftPolicy::Refuse, None)?;
    let summary = format!(
        "pulled {} into {}: it holds {} quads ({:+})",
        session.backend.location(),
        args.into.display(),
        report.quads_after,
        report.quads_after as i64 - report.quads_before as i64
    );
    Ok(Outcome::found(Reply::Loaded(report)).with_note(summary))
}

/// `dump`: the whole graph as RDF, streamed while it is written.
pub fn dump(session: &Session, args: &DumpArgs) -> Outcome {
    let format = args.format.unwrap_or(crate::formats::GraphFormat::Nquads).rdf_format();
    let backend = session.backend.clone();
    Outcome::found(Reply::Artifact(Artifact {
        media_type: format.media_type(),
        body: Body::Stream(Box::new(move |out| backend.dump(format, out))),
    }))
}

/// `validate`.
pub fn validate(session: &Session) -> Result<Outcome, Error> {
    let quads = session.backend.validate()?;
    Ok(Outcome::found(Reply::Validated(Validated { quads })))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn loaded(report: LoadReport, summary: String) -> Outcome {
    let mut notes = report.warnings.clone();
    notes.push(summary);
    Outcome { reply: Reply::Loaded(report), verdict: Verdict::Answered, notes }
}

/// Loads (or pushes) `inputs`, telling the face's progress display how it goes.
fn load_with_progress(
    session: &Session,
    inputs: &[LoadInput],
    policy: &QuotePolicy,
    drafts: DraftPolicy,
    progress: &dyn Progress,
) -> Result<LoadReport, Error> {
    let observer = progress.begin(inputs.iter().map(LoadInput::size).sum());
    let report = session.backend.load(inputs, policy, drafts, observer);
    progress.end();
    report
}

/// Drafts are refused unless the user allowed them.
fn draft_policy(allow: bool) -> DraftPolicy {
    if allow {
        DraftPolicy::Allow
    } else {
        DraftPolicy::Refuse
    }
}

/// What the summary of a load says of its quotes, when there were any.
fn quotes_phrase(report: &LoadReport) -> String {
    let total = report.quotes_verified + report.quotes_unverified;
    if total == 0 {
        String::new()
    } else if !report.quotes_checked {
        format!(", {total} quotes not verified (--no-verify-quotes)")
    } else if report.quotes_unverified == 0 {
        format!(", {} quotes verified in their sources' texts", report.quotes_verified)
    } else {
        format!(
            ", {} quotes verified, {} not verified (source text not at hand)",
            report.quotes_verified, report.quotes_unverified
        )
    }
}

/// Parses `--source-text ID=PATH` pairs.
fn source_text_overrides(pairs: &[String]) -> Result<BTreeMap<String, PathBuf>, Error> {
    let mut overrides = BTreeMap::new();
    for pair in pairs {
        let (id, path) = pair.split_once('=').ok_or_else(|| {
            Error::input(
                format!("--source-text `{pair}` is not ID=PATH"),
                Some("e.g. --source-text woshipm-6207665=article.md".to_owned()),
            )
        })?;
        overrides.insert(id.to_owned(), PathBuf::from(path));
    }
    Ok(overrides)
}

fn quote_policy(source_text: &[String], skip: bool) -> Result<QuotePolicy, Error> {
    let overrides = source_text_overrides(source_text)?;
    if skip {
        if !overrides.is_empty() {
            return Err(Error::input(
                "--source-text and --no-verify-quotes contradict each other",
                Some("drop one of them".to_owned()),
            ));
        }
        return Ok(QuotePolicy::Skip);
    }
    Ok(QuotePolicy::Verify(SourceTexts { overrides, read_own_paths: true }))
}

/// `check [FILES]`.
pub fn check(session: &Session, args: &CheckArgs) -> Result<Outcome, Error> {
    let overrides = source_text_overrides(&args.source_text)?;
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
    check_files(session, files, !args.files.is_empty(), &overrides, true)
}

/// `check` of a fact file's text that did not come from the local disk (an upload to the
/// server): its source texts are not read, as their paths would name the server's files.
pub fn check_text(session: &Session, name: &str, text: String) -> Result<Outcome, Error> {
    let file = FactFile::parse(name.to_owned(), None, text).map_err(|problem| Error::Facts(vec![problem]))?;
    check_files(session, vec![file], true, &BTreeMap::new(), false)
}

fn check_files(
    session: &Session,
    files: Vec<FactFile>,
    user_files: bool,
    overrides: &BTreeMap<String, PathBuf>,
    read_texts: bool,
) -> Result<Outcome, Error> {
    let check_against = |graph: &Backend, files: &[FactFile]| check_against(graph, files, overrides, read_texts);
    // The built-in files are checked against the ontology alone (against the built-in graph
    // they would meet their own ids); other files against the graph they would join.
    if !user_files {
        return check_against(&Backend::builtin(true)?, &files);
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
            graph.load(&inputs, &QuotePolicy::Skip, DraftPolicy::Refuse, None)?;
        }
        return check_against(&graph, &files);
    }
    check_against(&session.backend, &files)
}

fn check_against(
    graph: &Backend,
    files: &[FactFile],
    overrides: &BTreeMap<String, PathBuf>,
    read_texts: bool,
) -> Result<Outcome, Error> {
    let report = crate::check::check(graph, files, overrides, read_texts)?;
    let verdict = if report.errors > 0 { Verdict::Invalid } else { Verdict::Answered };
    Ok(Outcome::with_verdict(Reply::Check(report), verdict))
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
            // A device or a pipe is refused before the store is touched: reading one could
            // block or grow without end while the load holds the store's write lock.
            if !path.is_file() {
                return Err(Error::input(
                    format!("{name} is not a regular file"),
                    Some("give the path of a file (not a folder, device or pipe)".to_owned()),
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
            if rdf == oxigraph::io::RdfFormat::RdfXml {
                let file = std::fs::File::open(path)
                    .map_err(|e| Error::store(format!("cannot read {name}: {e}"), Some("check the path".to_owned())))?;
                crate::input::check_rdfxml_entities(&name, std::io::BufReader::new(file))?;
            }
            Ok(LoadInput { name, base_dir, contents: LoadContents::RdfFile(path.clone(), rdf) })
        })
        .collect()
}
