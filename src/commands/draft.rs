//! `draft ARTICLE`: an article read into a fact file for a person to finish, against the
//! entities and ontology of the session's graph.

use super::{Outcome, Reply};
use crate::cli::DraftArgs;
use crate::draft::{Cues, KnownEntity, Request};
use crate::error::Error;
use crate::session::Session;
use std::path::{Component, Path, PathBuf};

/// `draft ARTICLE --source-id ID`.
pub fn draft(session: &Session, args: &DraftArgs) -> Result<Outcome, Error> {
    if !crate::facts::is_valid_id(&args.source_id) {
        return Err(Error::input(
            format!("`{}` is not a valid source id", args.source_id),
            Some("use lowercase ascii letters, digits and hyphens, e.g. `latepost-2025-05`".to_owned()),
        ));
    }
    if let Some(date) = &args.date {
        crate::facts::dates::FactDate::parse(date)
            .map_err(|message| Error::input(format!("--date {date}: {message}"), Some("write YYYY-MM-DD".to_owned())))?;
    }
    let text = crate::input::read_text(&args.article)?;
    let draft = build(session, &text, &request(args))?;
    let note = format!(
        "drafted {} sentences: {} known entities named, {} candidate entities, {} candidate relations, {} figures",
        draft.sentences,
        draft.mentions.len(),
        draft.candidates.len(),
        draft.relations.len(),
        draft.figures.len()
    );
    Ok(Outcome::found(Reply::Draft(Box::new(draft))).with_note(note))
}

/// The draft of `text` against the session's graph.
pub fn build(session: &Session, text: &str, request: &Request) -> Result<crate::draft::Draft, Error> {
    let schema = session.schema()?;
    let index = session.index()?;
    let metrics: std::collections::BTreeSet<String> = session
        .backend
        .select("SELECT ?m WHERE { ?m a sg:Metric }")?
        .into_iter()
        .filter_map(|row| match row.into_iter().next().flatten() {
            Some(oxigraph::model::Term::NamedNode(node)) => Some(node.into_string()),
            _ => None,
        })
        .collect();
    let known: Vec<KnownEntity> = index
        .entities()
        .iter()
        .filter_map(|names| {
            let id = names.iri.strip_prefix(crate::vocab::ENTITY)?;
            crate::facts::is_valid_id(id).then(|| KnownEntity {
                id: id.to_owned(),
                names: names.en.iter().chain(names.zh.iter()).chain(names.aliases.iter()).cloned().collect(),
                is_metric: metrics.contains(&names.iri),
            })
        })
        .collect();
    Ok(crate::draft::draft(text, request, &known, &Cues::from_schema(&schema)))
}

fn request(args: &DraftArgs) -> Request {
    Request {
        source_id: args.source_id.clone(),
        title: args.title.clone(),
        date: args.date.clone(),
        url: args.url.clone(),
        text_path: Some(text_path(&args.article, args.output.as_deref())),
    }
}

/// The article's path as the fact file names it: relative to the file's folder when both are
/// known, so `check` finds the text again.
fn text_path(article: &Path, output: Option<&Path>) -> String {
    let absolute = |p: &Path| -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
        }
    };
    let article_abs = lexical(&absolute(article));
    let Some(output) = output else {
        return article_abs.display().to_string();
    };
    let out_dir = lexical(&absolute(output));
    let out_dir = out_dir.parent().unwrap_or(Path::new("/"));
    let a: Vec<Component> = article_abs.components().collect();
    let b: Vec<Component> = out_dir.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut relative = PathBuf::new();
    for _ in common..b.len() {
        relative.push("..");
    }
    for part in &a[common..] {
        relative.push(part.as_os_str());
    }
    relative.display().to_string()
}

/// `a/./b/../c` → `a/c`, without touching the disk.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
