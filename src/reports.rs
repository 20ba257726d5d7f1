//! Saved SPARQL reports: `.rq` files with a comment header (title, description,
//! parameters), built into the binary or found in the user's `--queries` folders, run by
//! name with parameters bound by variable substitution, never by pasting text.

use crate::backend::embedded::builtin;
use crate::error::Error;
use crate::session::{Session, Settings};
use crate::sparql::{self, Answer};
use crate::vocab::std_terms::*;
use clap::{Args, Subcommand};
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Term, Variable};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The `report` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum ReportCommand {
    /// List the reports: name, title, parameters.
    List(ListArgs),
    /// Show a report's description, parameters and query.
    Show(ShowArgs),
    /// Run a report.
    Run(RunArgs),
    /// Run every report into one Markdown brief, with the sources its facts cite.
    All(AllArgs),
}

/// Where user reports are.
#[derive(Debug, Clone, Args, Default)]
pub struct QueriesArgs {
    /// A folder of your own `.rq` reports, searched after the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub queries: Vec<PathBuf>,
}

/// Arguments of `report list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub queries: QueriesArgs,
    #[arg(long, value_enum, default_value = "text")]
    pub format: crate::formats::TextFormat,
}

/// Arguments of `report show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    pub name: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: crate::formats::TextFormat,
    #[command(flatten)]
    pub queries: QueriesArgs,
}

/// Arguments of `report run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    pub name: String,
    /// A parameter value: NAME=VALUE (an IRI, prefixed name, entity name, number or text).
    #[arg(long, value_name = "NAME=VALUE")]
    pub param: Vec<String>,
    /// Output format, as `query --format` takes it (the -o file's extension chooses when absent).
    #[arg(long, value_enum)]
    pub format: Option<crate::formats::AnswerFormat>,
    /// Write to a file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Keep every column as the query makes it (both languages, empty ones too).
    #[arg(long)]
    pub all_columns: bool,
    #[command(flatten)]
    pub queries: QueriesArgs,
}

/// Arguments of `report all`.
#[derive(Debug, Clone, Args)]
pub struct AllArgs {
    /// Write the brief to this file (whole or not at all) instead of standard output:
    /// Markdown, or HTML when the name ends in .html.
    #[arg(long, value_name = "FILE.md|FILE.html")]
    pub out: Option<PathBuf>,
    /// Keep every column as the queries make them (both languages, empty ones too).
    #[arg(long)]
    pub all_columns: bool,
    #[command(flatten)]
    pub queries: QueriesArgs,
}

/// One declared parameter.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Param {
    pub name: String,
    pub default: Option<String>,
}

/// A parsed report file.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    pub name: String,
    pub title: String,
    pub description: String,
    pub params: Vec<Param>,
    /// Where it came from: `builtin:queries/x.rq` or a path.
    pub origin: String,
    /// The SPARQL text.
    pub query: String,
}

/// Parses a report file's header and checks its query and parameters.
pub fn parse_report(origin: &str, name: &str, text: &str) -> Result<Report, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut title = None;
    let mut description = String::new();
    let mut params: Vec<(Param, usize)> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line_number = number + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let Some(comment) = trimmed.strip_prefix('#') else { break };
        let comment = comment.trim();
        let Some((key, value)) = comment.split_once(':') else { continue };
        let value = value.trim();
        match key.trim() {
            "title" => title = Some(value.to_owned()),
            "description" => {
                if !description.is_empty() {
                    description.push(' ');
                }
                description.push_str(value);
            }
            "param" => {
                let mut words = value.split_whitespace();
                let Some(param_name) = words.next() else {
                    return Err(Error::input(
                        format!("{origin}:{line_number}:1: `# param:` needs a name"),
                        Some("write `# param: NAME [DEFAULT]`".to_owned()),
                    ));
                };
                let param_name = param_name.trim_start_matches(['?', '$']).to_owned();
                let default = words.next().map(str::to_owned);
                params.push((Param { name: param_name, default }, line_number));
            }
            _ => {}
        }
    }
    let Some(title) = title.filter(|t| !t.is_empty()) else {
        return Err(Error::input(
            format!("{origin}:1:1: report has no title"),
            Some("start the file with `# title: ...`".to_owned()),
        ));
    };
    let located = |error: Error| match error {
        Error::Syntax { message, excerpt, position } => {
            Error::Syntax { message: format!("{origin}: {message}"), excerpt, position }
        }
        Error::Input { message, hint } => Error::Input { message: format!("{origin}: {message}"), hint },
        other => other,
    };
    let query = match sparql::parse(text, &sparql::QueryOptions::default()).map_err(located)? {
        sparql::Parsed::Query(query) => query,
        sparql::Parsed::Update(_) => {
            return Err(Error::input(format!("{origin}: a report is a query, not an update"), None));
        }
    };
    let variables = query_variables(&query.to_string());
    for (param, line) in &params {
        if !variables.contains(&param.name) {
            return Err(Error::input(
                format!("{origin}:{line}:1: parameter `{}` is not a variable of the query", param.name),
                Some(format!("use ?{} in the query, or remove the `# param:` line", param.name)),
            ));
        }
    }
    Ok(Report {
        name: name.to_owned(),
        title,
        description,
        params: params.into_iter().map(|(p, _)| p).collect(),
        origin: origin.to_owned(),
        query: text.to_owned(),
    })
}

fn query_variables(query: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let chars: Vec<char> = query.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '?' || chars[i] == '$' {
            let start = i + 1;
            let mut end = start;
            while end < chars.len() && (chars[end].is_alphanumeric() || chars[end] == '_') {
                end += 1;
            }
            if end > start {
                out.insert(chars[start..end].iter().collect());
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Every report: the built-in ones, then those in `dirs`, and the user files that could not
/// be read as reports. One broken file does not hide the others: it is named when listed
/// and is an error only when it is asked for by name.
pub struct Catalog {
    pub reports: Vec<Report>,
    pub broken: Vec<(String, Error)>,
}

/// Reads the built-in reports and those in `dirs`.
pub fn catalog(dirs: &[PathBuf]) -> Result<Catalog, Error> {
    let mut reports = Vec::new();
    let mut broken = Vec::new();
    for (path, text) in builtin::QUERIES {
        let name = path.trim_start_matches("queries/").trim_end_matches(".rq");
        reports.push(parse_report(&format!("builtin:{path}"), name, text)?);
    }
    for dir in dirs {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Error::store(format!("cannot read the reports folder {}: {e}", dir.display()), None))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "rq"))
            .collect();
        paths.sort();
        for path in paths {
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let parsed = std::fs::read_to_string(&path)
                .map_err(|e| Error::store(format!("cannot read {}: {e}", path.display()), None))
                .and_then(|text| parse_report(&path.display().to_string(), &name, &text));
            match parsed {
                Ok(report) => {
                    // A user report of the same name replaces the built-in one.
                    reports.retain(|r: &Report| r.name != report.name);
                    reports.push(report);
                }
                Err(error) => broken.push((name, error)),
            }
        }
    }
    Ok(Catalog { reports, broken })
}

impl Catalog {
    /// One line per broken file, for the notes of `list` and `all`.
    pub fn warnings(&self) -> Vec<String> {
        self.broken
            .iter()
            .map(|(name, error)| {
                format!("warning: report `{name}` is skipped: {}", error.to_string().replace('\n', " "))
            })
            .collect()
    }

    /// The report called `name`, or the error that keeps it from being read.
    pub fn find(self, name: &str) -> Result<Report, Error> {
        if let Some((_, error)) = self.broken.into_iter().find(|(n, _)| n == name) {
            return Err(error);
        }
        find(self.reports, name)
    }
}

fn find(reports: Vec<Report>, name: &str) -> Result<Report, Error> {
    let names: Vec<String> = reports.iter().map(|r| r.name.clone()).collect();
    reports.into_iter().find(|r| r.name == name).ok_or_else(|| {
        let mut close: Vec<(f64, &String)> = names.iter().map(|n| (strsim::jaro_winkler(name, n), n)).collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0));
        Error::input(
            format!("no report named `{name}`"),
            Some(match close.first() {
                Some((score, best)) if *score > 0.7 => {
                    format!("did you mean `{best}`? `stratagraph report list` lists them")
                }
                _ => "`stratagraph report list` lists them".to_owned(),
            }),
        )
    })
}

/// The report folders: the session's, then the command's.
pub fn all_dirs(session: &Session, args: &QueriesArgs) -> Vec<PathBuf> {
    session.query_dirs.iter().chain(args.queries.iter()).cloned().collect()
}

/// `a=default, b (required)`.
pub fn params_text(params: &[Param]) -> String {
    params
        .iter()
        .map(|p| match &p.default {
            Some(default) => format!("{}={default}", p.name),
            None => format!("{} (required)", p.name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs one report with `NAME=VALUE` parameters.
pub fn run_report(session: &Session, settings: &Settings, report: &Report, given: &[String]) -> Result<Answer, Error> {
    let mut values: Vec<(String, String)> = Vec::new();
    for pair in given {
        let (name, value) =
            pair.split_once('=').ok_or_else(|| Error::input(format!("--param `{pair}` is not NAME=VALUE"), None))?;
        let name = name.trim().trim_start_matches(['?', '$']);
        if !report.params.iter().any(|p| p.name == name) {
            return Err(Error::input(
                format!("report `{}` has no parameter `{name}` ({})", report.name, report.origin),
                Some(if report.params.is_empty() {
                    "it takes no parameters".to_owned()
                } else {
                    format!("its parameters: {}", params_text(&report.params))
                }),
            ));
        }
        values.push((name.to_owned(), value.to_owned()));
    }
    let mut options = session.query_options(settings)?;
    crate::services::attach(&mut options, session, settings);
    for param in &report.params {
        let value = values
            .iter()
            .rev()
            .find(|(n, _)| *n == param.name)
            .map(|(_, v)| v.clone())
            .or_else(|| param.default.clone());
        let Some(value) = value else {
            return Err(Error::input(
                format!("report `{}` needs the parameter `{}` ({})", report.name, param.name, report.origin),
                Some(format!("add --param {}=VALUE", param.name)),
            ));
        };
        // A parameter whose default names an entity takes entity names only: a name that
        // resolves to nothing is an error with suggestions, not a text that matches nothing.
        let entity = param.default.as_deref().is_some_and(|d| {
            let d = d.trim();
            d.starts_with('<') || crate::vocab::expand_prefixed(d).is_some()
        });
        let term = param_term(session, &value, entity)?;
        options.substitutions.push((Variable::new_unchecked(param.name.clone()), term));
    }
    sparql::run(&session.backend, &report.query, &options)
}

/// A parameter value as a term: IRI, prefixed name, number, entity name, or else text.
fn param_term(session: &Session, value: &str, entity: bool) -> Result<Term, Error> {
    let value = value.trim();
    if let Some(iri) = value.strip_prefix('<').and_then(|v| v.strip_suffix('>')) {
        return NamedNode::new(iri).map(Term::from).map_err(|e| Error::input(format!("bad IRI <{iri}>: {e}"), None));
    }
    if let Some(iri) = crate::vocab::expand_prefixed(value) {
        return Ok(NamedNode::new_unchecked(iri).into());
    }
    if let Ok(integer) = value.parse::<i64>() {
        return Ok(Literal::from(integer).into());
    }
    if value.parse::<f64>().is_ok_and(f64::is_finite) {
        return Ok(Literal::new_typed_literal(value, XSD_DECIMAL).into());
    }
    match session.resolve(value) {
        Ok(iri) => Ok(NamedNode::new_unchecked(iri).into()),
        Err(error) if entity => Err(error),
        Err(_) => Ok(Literal::new_simple_literal(value).into()),
    }
}

/// Every report run for a brief: the runnable ones with their answers and the sources
/// those answers cite, and the ones that need parameters.
#[derive(Debug, Clone)]
pub struct Brief {
    pub quads: usize,
    pub sections: Vec<BriefSection>,
    /// Reports that need a parameter without a default: listed, not run.
    pub need_params: Vec<Report>,
}

/// One report in a brief.
#[derive(Debug, Clone)]
pub struct BriefSection {
    pub report: Report,
    /// The answer, or why the report could not run.
    pub answer: Result<Answer, String>,
    /// Citation lines for the sources behind the entities in the answer.
    pub sources: Vec<String>,
}

/// Runs every report that can run without parameters, for `report all`.
pub fn brief(session: &Session, settings: &Settings, reports: &[Report]) -> Result<Brief, Error> {
    let (runnable, need_params): (Vec<&Report>, Vec<&Report>) =
        reports.iter().partition(|r| r.params.iter().all(|p| p.default.is_some()));
    let mut sections = Vec::new();
    for report in runnable {
        let answer = run_report(session, settings, report, &[]).map_err(|e| e.to_string().replace('\n', " "));
        let sources = match &answer {
            Ok(Answer::Solutions { rows, .. }) => {
                let iris: BTreeSet<String> = rows
                    .iter()
                    .flatten()
                    .flatten()
                    .filter_map(|t| match t {
                        Term::NamedNode(n) => Some(n.as_str().to_owned()),
                        _ => None,
                    })
                    .collect();
                sources_cited(session, &iris)?
            }
            _ => Vec::new(),
        };
        sections.push(BriefSection { report: report.clone(), answer, sources });
    }
    Ok(Brief { quads: session.backend.len()?, sections, need_params: need_params.into_iter().cloned().collect() })
}

/// The sources behind facts about any of `iris`, as citation lines: one CONSTRUCT per batch
/// of entities reads the sources cited by their claims and figures, with title, date and URL.
fn sources_cited(session: &Session, iris: &BTreeSet<String>) -> Result<Vec<String>, Error> {
    let iris: Vec<&String> = iris.iter().collect();
    let mut cited = oxigraph::model::Graph::new();
    for batch in iris.chunks(200) {
        let query = format!(
            "CONSTRUCT {{ ?source ?p ?o }} WHERE {{
  {values}
  {{ ?node a sg:SourceDocument . BIND(?node AS ?source) }}
  UNION {{ VALUES ?role {{ rdf:subject sg:observationOf }} ?claim ?role ?node . ?claim prov:wasDerivedFrom ?source }}
  ?source ?p ?o
  FILTER(?p IN (rdf:type, schema:name, schema:datePublished, schema:url))
}}",
            values = crate::backend::values_clause("node", batch)
        );
        for triple in session.backend.construct(&query)?.iter() {
            cited.insert(triple);
        }
    }
    let mut sources: Vec<NamedNodeRef<'_>> = cited
        .subjects_for_predicate_object(RDF_TYPE, crate::vocab::sg::SOURCE_DOCUMENT)
        .filter_map(|s| match s {
            NamedOrBlankNodeRef::NamedNode(n) => Some(n),
            NamedOrBlankNodeRef::BlankNode(_) => None,
        })
        .collect();
    // A cited source that is not typed still counts, as the claims name it.
    for triple in cited.iter() {
        if let NamedOrBlankNodeRef::NamedNode(n) = triple.subject {
            if !sources.contains(&n) {
                sources.push(n);
            }
        }
    }
    sources.sort_by_key(|n| n.as_str().to_owned());
    let mut lines = Vec::new();
    for node in sources {
        let get = |p| -> Option<String> {
            cited.object_for_subject_predicate(node, p).map(|o| match o {
                oxigraph::model::TermRef::Literal(l) => l.value().to_owned(),
                oxigraph::model::TermRef::NamedNode(n) => n.as_str().to_owned(),
                other => other.to_string(),
            })
        };
        let title = get(SCHEMA_NAME).unwrap_or_else(|| node.as_str().to_owned());
        let mut line = title;
        if let Some(date) = get(SCHEMA_DATE_PUBLISHED) {
            let _ = write!(line, ", {date}");
        }
        if let Some(url) = get(SCHEMA_URL) {
            let _ = write!(line, ", <{url}>");
        }
        lines.push(line);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<(&str, usize), &str>) {
        match (parse_report("r.rq", "r", text), expected) {
            (Ok(report), Ok((title, params))) => {
                assert_eq!((report.title.as_str(), report.params.len()), (title, params))
            }
            (Err(error), Err(fragment)) => assert!(error.to_string().contains(fragment), "{error}"),
            (got, want) => panic!("got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn headers() {
        check("# title: T\n# param: x entity:a\nSELECT ?x {}", Ok(("T", 1)));
        check("# description: no title\nSELECT * {}", Err("r.rq:1:1: report has no title"));
        check("# title: T\n# param: y\nSELECT ?x {}", Err("r.rq:2:1: parameter `y`"));
        check("# title: T\nSELECT ?x { oops }", Err("r.rq: sparql syntax error at 2:"));
    }
}

/// A report's answer shaped for reading: each `X_en`/`X_zh` pair of columns becomes one
/// column `X` in `lang` (the other language's value where the chosen one is missing), and
/// columns empty in every row are dropped. `--all-columns` keeps the answer as the query
/// made it.
pub fn shape_for_reading(answer: Answer, lang: crate::schema::Lang) -> Answer {
    let Answer::Solutions { variables, rows } = answer else { return answer };
    let names: Vec<&str> = variables.iter().map(|v| v.as_str()).collect();
    let (chosen, other) = match lang {
        crate::schema::Lang::En => ("_en", "_zh"),
        crate::schema::Lang::Zh => ("_zh", "_en"),
    };
    // Each output column: its name and the input columns it reads, in order of preference.
    let mut columns: Vec<(String, Vec<usize>)> = Vec::new();
    let mut used = vec![false; names.len()];
    for (i, name) in names.iter().enumerate() {
        if used[i] {
            continue;
        }
        let stem = name.strip_suffix("_en").or_else(|| name.strip_suffix("_zh"));
        let partner = stem.and_then(|stem| {
            names.iter().position(|n| {
                *n != *name && (n.strip_suffix("_en") == Some(stem) || n.strip_suffix("_zh") == Some(stem))
            })
        });
        match (stem, partner) {
            (Some(stem), Some(j)) => {
                used[i] = true;
                used[j] = true;
                let (first, second) = if name.ends_with(chosen) { (i, j) } else { (j, i) };
                debug_assert!(names[second].ends_with(other));
                columns.push((stem.to_owned(), vec![first, second]));
            }
            _ => {
                used[i] = true;
                columns.push(((*name).to_owned(), vec![i]));
            }
        }
    }
    let cell = |row: &[Option<Term>], sources: &[usize]| -> Option<Term> {
        sources.iter().find_map(|&i| row.get(i).cloned().flatten())
    };
    // With no rows every column is empty: the header is kept, to say what would be there.
    let kept: Vec<&(String, Vec<usize>)> = columns
        .iter()
        .filter(|(_, sources)| rows.is_empty() || rows.iter().any(|row| cell(row, sources).is_some()))
        .collect();
    // A stem may clash with a column of its own name: then the pair keeps its suffix.
    let taken: BTreeSet<&str> = names.iter().copied().collect();
    let variables = kept
        .iter()
        .map(|(name, sources)| {
            let name = if sources.len() > 1 && taken.contains(name.as_str()) {
                names[sources[0]].to_owned()
            } else {
                name.clone()
            };
            oxigraph::model::Variable::new_unchecked(name)
        })
        .collect();
    let rows = rows.iter().map(|row| kept.iter().map(|(_, sources)| cell(row, sources)).collect()).collect();
    Answer::Solutions { variables, rows }
}
