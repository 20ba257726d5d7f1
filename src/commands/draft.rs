//! `draft ARTICLE`: an article read into a fact file for a person to finish, against the
//! entities and ontology of the session's graph.

use super::{Outcome, Reply};
use crate::cli::DraftArgs;
use crate::draft::Request;
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
        crate::facts::dates::FactDate::parse(date).map_err(|message| {
            Error::input(format!("--date {date}: {message}"), Some("write YYYY-MM-DD".to_owned()))
        })?;
    }
    let text = crate::input::read_text(&args.article)?;
    let draft = session.draft(&text, &request(args))?;
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
