//! `check`: fact files validated against the ontology and the graph, and every quote
//! looked up in the text of the source it cites, when that text is at hand.

use crate::backend::Backend;
use crate::error::Error;
use crate::facts::{FactFile, Problem, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a check found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CheckReport {
    pub files: usize,
    pub entities: usize,
    pub facts: usize,
    pub quotes_verified: usize,
    pub quotes_unverified: usize,
    pub problems: Vec<String>,
    pub errors: usize,
}

/// Checks `files` against `graph`. `source_texts` maps a source id to a text overriding the
/// file's own `text` path. Without `read_texts` no source text is read (a file uploaded to
/// the server names paths of the server's disk): quotes are then counted as not verified.
pub fn check(
    graph: &Backend,
    files: &[FactFile],
    source_texts: &BTreeMap<String, PathBuf>,
    read_texts: bool,
) -> Result<CheckReport, Error> {
    let mut problems: Vec<Problem> = Vec::new();
    let lowered = match graph.check_facts(files, None) {
        Ok(lowered) => Some(lowered),
        Err(Error::Facts(found)) => {
            problems.extend(found);
            None
        }
        Err(other) => return Err(other),
    };
    let mut report = CheckReport {
        files: files.len(),
        entities: files.iter().map(|f| f.doc.entity.len()).sum(),
        facts: files.iter().map(FactFile::fact_count).sum(),
        quotes_verified: 0,
        quotes_unverified: 0,
        problems: Vec::new(),
        errors: 0,
    };
    if let Some(lowered) = &lowered {
        problems.extend(lowered.warnings.iter().cloned());
        let mut texts: BTreeMap<String, Option<String>> = BTreeMap::new();
        for quote in &lowered.quotes {
            let text = texts.entry(quote.source.clone()).or_insert_with(|| {
                let path = source_texts.get(&quote.source).cloned().or_else(|| {
                    let (file_index, text) = lowered.sources.get(&quote.source)?;
                    let relative = text.as_ref()?.get_ref();
                    let base = files[*file_index].base_dir.clone().unwrap_or_default();
                    Some(base.join(relative))
                });
                let path = path.filter(|_| read_texts)?;
                match crate::input::read_text(&path) {
                    Ok(text) => Some(normalize(&text)),
                    Err(_) => {
                        problems.push(Problem {
                            file: path.display().to_string(),
                            line: 0,
                            column: 0,
                            message: format!(
                                "text of source `{}` not found, its quotes are not verified",
                                quote.source
                            ),
                            hint: Some(format!("pass --source-text {}=PATH", quote.source)),
                            severity: Severity::Warning,
                        });
                        None
                    }
                }
            });
            match text {
                Some(text) if text.contains(&normalize(&quote.quote)) => report.quotes_verified += 1,
                Some(_) => problems.push(files[quote.file].problem_at(
                    quote.span.clone(),
                    format!("quote not found in the text of source `{}`", quote.source),
                    Some("copy the words exactly as the source writes them".to_owned()),
                )),
                None => report.quotes_unverified += 1,
            }
        }
    }
    report.errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    report.problems = problems.iter().map(ToString::to_string).collect();
    Ok(report)
}

/// Collapses runs of white space, so a quote matches across line breaks.
fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
