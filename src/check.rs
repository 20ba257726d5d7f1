//! `check`: fact files validated against the ontology and the graph, and every quote
//! looked up in the text of the source it cites, when that text is at hand.

use crate::backend::Backend;
use crate::error::Error;
use crate::facts::lower::{FactNode, Lowered};
use crate::facts::quotes::SourceTexts;
use crate::facts::{FactFile, Problem, Severity};
use crate::vocab::{sg, std_terms::RDF_SUBJECT};
use oxigraph::model::{Graph as LocalGraph, Term, TripleRef};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// What a check found.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CheckReport {
    pub files: usize,
    pub entities: usize,
    pub facts: usize,
    pub quotes_verified: usize,
    pub quotes_unverified: usize,
    /// Tables still marked `draft = true`.
    pub drafts: usize,
    /// Facts that disagree with another source's (in these files or in the store).
    pub conflicts: usize,
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
    let lowered = match graph.check_facts(files, None, crate::facts::lower::DraftPolicy::Report) {
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
        drafts: 0,
        conflicts: 0,
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
        report.drafts = lowered.drafts;
        let found = conflicts_with_sources(graph, lowered, files)?;
        report.conflicts = found.len();
        problems.extend(found);
    }
    report.errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    report.problems = problems.iter().map(ToString::to_string).collect();
    Ok(report)
}

/// The facts of these files that another source gives differently, each a warning at the
/// file's table: the files' own facts and the store's facts about the same entities are
/// gathered into one small graph and the `conflicts` rule is run on it.
fn conflicts_with_sources(graph: &Backend, lowered: &Lowered, files: &[FactFile]) -> Result<Vec<Problem>, Error> {
    if lowered.fact_nodes.is_empty() {
        return Ok(Vec::new());
    }
    let mut local = LocalGraph::new();
    let mut subjects: BTreeSet<String> = BTreeSet::new();
    for quad in &lowered.quads {
        local.insert(TripleRef::new(quad.subject.as_ref(), quad.predicate.as_ref(), quad.object.as_ref()));
        if quad.predicate == RDF_SUBJECT || quad.predicate == sg::OBSERVATION_OF {
            if let Term::NamedNode(node) = &quad.object {
                subjects.insert(node.as_str().to_owned());
            }
        }
    }
    let subjects: Vec<String> = subjects.into_iter().collect();
    for batch in subjects.chunks(200) {
        let query = format!(
            "CONSTRUCT {{ ?f ?p ?o }} WHERE {{ {} {{ ?f rdf:subject ?s }} UNION {{ ?f sg:observationOf ?s }} ?f ?p ?o }}",
            crate::backend::values_clause("s", batch)
        );
        for triple in graph.construct(&query)?.iter() {
            local.insert(triple);
        }
    }
    let here: BTreeMap<&str, &FactNode> = lowered.fact_nodes.iter().map(|f| (f.node.as_str(), f)).collect();
    let mut problems = Vec::new();
    for conflict in crate::conflicts::find_in(&local)? {
        let [first, second] = [&conflict.sides[0], &conflict.sides[1]];
        // Located at this batch's side; when both sides are in the batch, at the second.
        let (mine, other) = match (here.get(second.fact.as_str()), here.get(first.fact.as_str())) {
            (Some(node), _) => (*node, first),
            (None, Some(node)) => (*node, second),
            (None, None) => continue,
        };
        let value = if mine.node.as_str() == first.fact { &first.value } else { &second.value };
        let source = other.source.strip_prefix(crate::vocab::ENTITY).unwrap_or(&other.source);
        let what = match conflict.kind.as_str() {
            "figure" => "figure disagrees",
            "dates" => "relation's dates disagree",
            _ => "value disagrees",
        };
        let mut problem = files[mine.file].problem_at(
            mine.span.clone(),
            format!(
                "this {what} with source `{source}`: {value} here, {} there (“{}”)",
                other.value, other.quote
            ),
            Some("keep both if the sources really differ (`report run conflicts` lists them); otherwise correct the wrong one".into()),
        );
        problem.severity = Severity::Warning;
        problems.push(problem);
    }
    Ok(problems)
}
