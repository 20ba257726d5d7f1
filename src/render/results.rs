//! Query answers in every output format: the W3C results formats through oxigraph's
//! serializers, and text and Markdown tables of our own.

use super::table::{markdown_table, text_table};
use super::{term_text, GraphFormat, TableFormat};
use crate::error::Error;
use crate::paths::guard::Guard;
use crate::sparql::Answer;
use oxigraph::io::RdfSerializer;
use oxigraph::model::{Term, Triple, Variable};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};

/// Renders an answer; graphs use `graph_format`, everything else `table_format`. A large
/// answer's rendering stops at the guard's deadline.
pub fn render_answer(
    answer: &Answer,
    table_format: TableFormat,
    graph_format: GraphFormat,
    guard: &Guard,
) -> Result<String, Error> {
    match answer {
        Answer::Solutions { variables, rows } => render_solutions(variables, rows, table_format, guard),
        Answer::Boolean(value) => render_boolean(*value, table_format),
        Answer::Graph(triples) => render_triples(triples, graph_format, guard),
        Answer::Updated { quads_before, quads_after } => {
            Ok(format!("update done: {quads_before} → {quads_after} quads\n"))
        }
    }
}

/// Renders a SELECT answer.
pub fn render_solutions(
    variables: &[Variable],
    rows: &[Vec<Option<Term>>],
    format: TableFormat,
    guard: &Guard,
) -> Result<String, Error> {
    const WHAT: &str = "writing the answer";
    let w3c = match format {
        TableFormat::Json => Some(QueryResultsFormat::Json),
        TableFormat::Xml => Some(QueryResultsFormat::Xml),
        TableFormat::Csv => Some(QueryResultsFormat::Csv),
        TableFormat::Tsv => Some(QueryResultsFormat::Tsv),
        TableFormat::Table | TableFormat::Markdown | TableFormat::Records => None,
    };
    if let Some(w3c) = w3c {
        let mut serializer =
            QueryResultsSerializer::from_format(w3c).serialize_solutions_to_writer(Vec::new(), variables.to_vec())?;
        for row in rows {
            if guard.stop() {
                return guard.check(WHAT).map(|()| String::new());
            }
            let pairs = variables.iter().zip(row).filter_map(|(v, t)| t.as_ref().map(|t| (v.as_ref(), t.as_ref())));
            serializer.serialize(pairs)?;
        }
        let bytes = serializer.finish()?;
        let mut text = String::from_utf8(bytes).map_err(|e| Error::store(e.to_string(), None))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        return Ok(text);
    }
    let header: Vec<String> = variables.iter().map(|v| v.as_str().to_owned()).collect();
    let mut cells: Vec<Vec<String>> = Vec::with_capacity(rows.len());
    for row in rows {
        if guard.stop() {
            break;
        }
        cells.push(row.iter().map(|t| t.as_ref().map(term_text).unwrap_or_default()).collect());
    }
    guard.check(WHAT)?;
    let text = match format {
        TableFormat::Markdown => markdown_table(&header, &cells),
        TableFormat::Records => {
            let mut text = super::table::records(&header, &cells, super::table::output_width());
            text.push_str(&format!("{} row{}\n", rows.len(), if rows.len() == 1 { "" } else { "s" }));
            text
        }
        _ if too_wide_for_a_table(&header, &cells) => {
            let mut text = super::table::records(&header, &cells, super::table::output_width());
            text.push_str(&format!(
                "{} row{} (as records: a table would not fit)\n",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            ));
            text
        }
        _ => {
            let mut text = text_table(&header, &cells);
            text.push_str(&format!("\n{} row{}\n", rows.len(), if rows.len() == 1 { "" } else { "s" }));
            text
        }
    };
    // Laying out the table is linear in its cells; the deadline is read once more after.
    if guard.stop_now() {
        guard.check(WHAT)?;
    }
    Ok(text)
}

/// Whether a table of these cells, squeezed into the output width, would leave its columns
/// too narrow to read (under about 12 columns each): then records read better.
fn too_wide_for_a_table(header: &[String], cells: &[Vec<String>]) -> bool {
    use unicode_width::UnicodeWidthStr;
    let Some(width) = super::table::output_width() else { return false };
    let natural: usize = (0..header.len())
        .map(|i| {
            let widest = cells.iter().filter_map(|r| r.get(i)).map(|c| c.width()).max().unwrap_or(0);
            widest.max(header[i].width()) + 3
        })
        .sum();
    natural > width && header.len() * 12 > width
}

fn render_boolean(value: bool, format: TableFormat) -> Result<String, Error> {
    let w3c = match format {
        TableFormat::Json => QueryResultsFormat::Json,
        TableFormat::Xml => QueryResultsFormat::Xml,
        TableFormat::Csv => QueryResultsFormat::Csv,
        TableFormat::Tsv => QueryResultsFormat::Tsv,
        TableFormat::Table | TableFormat::Markdown | TableFormat::Records => return Ok(format!("{value}\n")),
    };
    let bytes = QueryResultsSerializer::from_format(w3c).serialize_boolean_to_writer(Vec::new(), value)?;
    let mut text = String::from_utf8(bytes).map_err(|e| Error::store(e.to_string(), None))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Renders triples in an RDF syntax, with the predeclared prefixes where the syntax has them.
pub fn render_triples(triples: &[Triple], format: GraphFormat, guard: &Guard) -> Result<String, Error> {
    let mut serializer = RdfSerializer::from_format(format.rdf_format());
    if matches!(format, GraphFormat::Turtle | GraphFormat::Trig) {
        for (prefix, iri) in crate::vocab::PREFIXES {
            serializer = serializer.with_prefix(*prefix, *iri).expect("prefix IRIs are valid");
        }
    }
    let mut writer = serializer.for_writer(Vec::new());
    for triple in triples {
        if guard.stop() {
            return guard.check("writing the graph").map(|()| String::new());
        }
        writer.serialize_triple(triple)?;
    }
    let bytes = writer.finish()?;
    let mut text = String::from_utf8(bytes).map_err(|e| Error::store(e.to_string(), None))?;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passed_deadline_stops_writing_a_large_answer() {
        let variables = vec![Variable::new_unchecked("x")];
        let rows: Vec<Vec<Option<Term>>> =
            (0..5000).map(|i| vec![Some(Term::from(oxigraph::model::Literal::from(i)))]).collect();
        let expired = Guard::new(Some(std::time::Duration::ZERO), None, None);
        for format in [TableFormat::Table, TableFormat::Csv, TableFormat::Json, TableFormat::Markdown] {
            assert!(
                matches!(render_solutions(&variables, &rows, format, &expired), Err(Error::Timeout(_))),
                "{format:?}"
            );
            assert!(render_solutions(&variables, &rows, format, &Guard::none()).is_ok());
        }
        let triples: Vec<Triple> = (0..5000)
            .map(|i| {
                Triple::new(
                    oxigraph::model::NamedNode::new_unchecked(format!("http://example.org/{i}")),
                    oxigraph::model::NamedNode::new_unchecked("http://example.org/p"),
                    oxigraph::model::Literal::from(i),
                )
            })
            .collect();
        assert!(matches!(render_triples(&triples, GraphFormat::Turtle, &expired), Err(Error::Timeout(_))));
    }
}
