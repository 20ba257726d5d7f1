//! Quotes looked up in the text of the source they cite, when that text is at hand: the
//! one verification both `check` and `load` run.

use super::lower::Lowered;
use super::{FactFile, Problem, Severity};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where the texts of sources are found.
#[derive(Debug, Clone, Default)]
pub struct SourceTexts {
    /// Texts named on the command line (`--source-text ID=PATH`), overriding a file's own
    /// `text` path.
    pub overrides: BTreeMap<String, PathBuf>,
    /// Whether a source's own `text` path is read: not for an upload to the server, whose
    /// paths would name the server's files.
    pub read_own_paths: bool,
}

/// What the verification found.
#[derive(Debug, Clone, Default)]
pub struct QuoteCheck {
    pub verified: usize,
    /// Quotes whose source text was not at hand.
    pub unverified: usize,
    /// Quotes not found (errors) and texts not found (warnings), located.
    pub problems: Vec<Problem>,
}

/// Looks every quote of `lowered` up in its source's text, each text read once through
/// `read_text` (the caller's bounded reader; `None` when the text cannot be read).
pub fn verify(
    lowered: &Lowered,
    files: &[FactFile],
    texts: &SourceTexts,
    read_text: &dyn Fn(&std::path::Path) -> Option<String>,
) -> QuoteCheck {
    let mut found = QuoteCheck::default();
    let mut read: BTreeMap<String, Option<String>> = BTreeMap::new();
    for quote in &lowered.quotes {
        let text = read.entry(quote.source.clone()).or_insert_with(|| {
            let path = match texts.overrides.get(&quote.source) {
                Some(path) => Some(path.clone()),
                None if texts.read_own_paths => {
                    let (file_index, text) = lowered.sources.get(&quote.source)?;
                    let relative = text.as_ref()?.get_ref();
                    let base = files[*file_index].base_dir.clone().unwrap_or_default();
                    Some(base.join(relative))
                }
                None => None,
            }?;
            match read_text(&path) {
                Some(text) => Some(normalize(&text)),
                None => {
                    found.problems.push(Problem {
                        file: path.display().to_string(),
                        line: 0,
                        column: 0,
                        message: format!("text of source `{}` not found, its quotes are not verified", quote.source),
                        hint: Some(format!("pass --source-text {}=PATH", quote.source)),
                        severity: Severity::Warning,
                    });
                    None
                }
            }
        });
        match text {
            Some(text) if text.contains(&normalize(&quote.quote)) => found.verified += 1,
            Some(_) => found.problems.push(files[quote.file].problem_at(
                quote.span.clone(),
                format!("quote not found in the text of source `{}`", quote.source),
                Some("copy the words exactly as the source writes them".to_owned()),
            )),
            None => found.unverified += 1,
        }
    }
    found
}

/// Collapses runs of white space, so a quote matches across line breaks.
fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
