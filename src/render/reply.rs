//! The one entry from a command's typed reply to bytes: every reply type in text (what the
//! terminal shows) and in JSON (its public `serde` shape); SPARQL answers in the W3C result
//! formats and RDF syntaxes.

use super::{describe, paths, results, table, to_json};
use crate::commands::{Body, Reply};
use crate::error::Error;
use crate::formats::{GraphFormat, TableFormat};
use crate::paths::guard::Guard;
use crate::schema::Lang;
use std::fmt::Write as _;

/// How a face wants a reply shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presentation {
    /// Readable text for a terminal.
    Text,
    /// The reply's JSON shape.
    Json,
    /// SPARQL answers in these formats (other replies as text).
    Results { table: TableFormat, graph: GraphFormat },
    /// A web page (the brief).
    Html,
}

/// A reply made into bytes, with their media type.
pub struct Rendered {
    pub media_type: &'static str,
    pub body: Body,
}

const TEXT: &str = "text/plain; charset=utf-8";
const JSON: &str = "application/json";

fn text(text: String) -> Rendered {
    Rendered { media_type: TEXT, body: Body::Bytes(text.into_bytes()) }
}

fn json(value: &impl serde::Serialize) -> Result<Rendered, Error> {
    Ok(Rendered { media_type: JSON, body: Body::Bytes(to_json(value)?.into_bytes()) })
}

/// The media type of an answer in these formats.
pub fn answer_media_type(answer: &crate::backend::Answer, table: TableFormat, graph: GraphFormat) -> &'static str {
    use crate::backend::Answer;
    match answer {
        Answer::Graph(_) => graph.rdf_format().media_type(),
        Answer::Updated { .. } => TEXT,
        Answer::Solutions { .. } | Answer::Boolean(_) => match table {
            TableFormat::Table => TEXT,
            TableFormat::Csv => "text/csv; charset=utf-8",
            TableFormat::Tsv => "text/tab-separated-values; charset=utf-8",
            TableFormat::Json => "application/sparql-results+json",
            TableFormat::Xml => "application/sparql-results+xml",
            TableFormat::Markdown => "text/markdown; charset=utf-8",
            TableFormat::Records => TEXT,
        },
    }
}

/// Renders `reply` as `presentation` asks, labels in `lang`; SPARQL answers stop at the
/// guard's deadline (the rest is linear in what an already bounded command returned).
pub fn render(reply: Reply, presentation: Presentation, lang: Lang, guard: &Guard) -> Result<Rendered, Error> {
    let as_json = presentation == Presentation::Json;
    match reply {
        Reply::Artifact(artifact) => Ok(Rendered { media_type: artifact.media_type, body: artifact.body }),
        Reply::Answer(answer) => {
            let (table, graph) = match presentation {
                Presentation::Results { table, graph } => (table, graph),
                Presentation::Json => (TableFormat::Json, GraphFormat::Jsonld),
                Presentation::Text | Presentation::Html => (TableFormat::Table, GraphFormat::Turtle),
            };
            let body = results::render_answer(&answer, table, graph, guard)?;
            Ok(Rendered { media_type: answer_media_type(&answer, table, graph), body: Body::Bytes(body.into_bytes()) })
        }
        Reply::ReportTable(report) => {
            let (table, graph) = match presentation {
                Presentation::Results { table, graph } => (table, graph),
                Presentation::Json => (TableFormat::Json, GraphFormat::Jsonld),
                Presentation::Text | Presentation::Html => (TableFormat::Table, GraphFormat::Turtle),
            };
            let body = results::render_answer(&report.answer, table, graph, guard)?;
            Ok(Rendered {
                media_type: answer_media_type(&report.answer, table, graph),
                body: Body::Bytes(body.into_bytes()),
            })
        }
        Reply::Brief(brief) if presentation == Presentation::Html => Ok(Rendered {
            media_type: "text/html; charset=utf-8",
            body: Body::Bytes(super::brief::brief_html(&brief)?.into_bytes()),
        }),
        Reply::Brief(brief) => Ok(Rendered {
            media_type: "text/markdown; charset=utf-8",
            body: Body::Bytes(super::brief::brief_markdown(&brief)?.into_bytes()),
        }),
        Reply::Description(description) if as_json => json(&description),
        Reply::Description(description) => Ok(text(describe::description_text(&description, lang))),
        Reply::TextHits(hits) if as_json => json(&hits),
        Reply::TextHits(hits) if hits.is_empty() => Ok(text(String::new())),
        Reply::TextHits(hits) => Ok(text(describe::text_hits_text(&hits))),
        Reply::Timeline(timeline) if as_json => json(&timeline),
        Reply::Timeline(timeline) => Ok(text(describe::timeline_text(&timeline, lang))),
        Reply::Hits(hits) if as_json => json(&hits),
        Reply::Hits(hits) if hits.is_empty() => Ok(text(String::new())),
        Reply::Hits(hits) => Ok(text(describe::hits_text(&hits))),
        Reply::Paths(reply) if as_json => json(&reply),
        Reply::Paths(reply) => Ok(text(paths::paths_text(&reply, lang))),
        Reply::Neighbors(reply) if as_json => json(&reply),
        Reply::Neighbors(reply) => Ok(text(paths::neighbors_text(&reply, lang))),
        Reply::Tiers(reply) if as_json => json(&reply),
        Reply::Tiers(reply) => Ok(text(paths::tiers_text(&reply))),
        Reply::Common(reply) if as_json => json(&reply),
        Reply::Common(reply) => Ok(text(paths::common_text(&reply))),
        Reply::Ranking(rows) if as_json => json(&rows),
        Reply::Ranking(rows) => Ok(text(paths::ranking_text(&rows))),
        Reply::Reports(reports) if as_json => json(&reports),
        Reply::Reports(reports) => {
            let header = ["name", "title", "parameters"].map(str::to_owned);
            let rows: Vec<Vec<String>> = reports
                .iter()
                .map(|r| vec![r.name.clone(), r.title.clone(), crate::reports::params_text(&r.params)])
                .collect();
            Ok(text(table::text_table(&header, &rows) + "\n"))
        }
        Reply::ReportSource(report) if as_json => json(&report),
        Reply::ReportSource(report) => {
            let mut out = format!("{}: {}\n{}\n", report.name, report.title, report.description);
            if !report.params.is_empty() {
                let _ = writeln!(out, "parameters: {}", crate::reports::params_text(&report.params));
            }
            let _ = writeln!(out, "from: {}\n\n{}", report.origin, report.query.trim_end());
            Ok(text(out))
        }
        Reply::Draft(draft) if as_json => json(&draft),
        Reply::Draft(draft) => Ok(text(crate::draft::to_toml(&draft))),
        Reply::Check(report) if as_json => json(&report),
        Reply::Check(report) => Ok(text(check_text(&report))),
        Reply::Loaded(report) if as_json => json(&report),
        Reply::Loaded(_) => Ok(text(String::new())),
        Reply::Validated(validated) if as_json => json(&validated),
        Reply::Validated(validated) => Ok(text(format!("store is valid: {} quads\n", validated.quads))),
    }
}

/// A check's problems, one per line, and its summary.
fn check_text(report: &crate::check::CheckReport) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut out = String::new();
    for problem in &report.problems {
        out.push_str(problem);
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "checked {} file{}: {} entities, {} facts, {} quote{} verified, {} not verified, {} error{}",
        report.files,
        plural(report.files),
        report.entities,
        report.facts,
        report.quotes_verified,
        plural(report.quotes_verified),
        report.quotes_unverified,
        report.errors,
        plural(report.errors),
    );
    if report.drafts > 0 || report.conflicts > 0 {
        out.pop();
        if report.drafts > 0 {
            let _ = write!(out, ", {} unconfirmed draft{}", report.drafts, plural(report.drafts));
        }
        if report.conflicts > 0 {
            let _ = write!(out, ", {} conflict{} with other sources", report.conflicts, plural(report.conflicts));
        }
        out.push('\n');
    }
    out
}
