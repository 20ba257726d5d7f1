//! `check`: fact files validated against the ontology and the graph, and every quote
//! looked up in the text of the source it cites, when that text is at hand.

use crate::backend::Backend;
use crate::error::Error;
use crate::facts::quotes::SourceTexts;
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
        let texts = SourceTexts { overrides: source_texts.clone(), read_own_paths: read_texts };
        let quotes = crate::facts::quotes::verify(lowered, files, &texts, &|p| crate::input::read_text(p).ok());
        report.quotes_verified = quotes.verified;
        report.quotes_unverified = quotes.unverified;
        problems.extend(quotes.problems);
    }
    report.errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    report.problems = problems.iter().map(ToString::to_string).collect();
    Ok(report)
}
