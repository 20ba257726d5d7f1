#![allow(dead_code)] // each fuzz binary uses one of these bodies
//! The bodies of the fuzz targets, shared by the libFuzzer binaries in `fuzz_targets/` and
//! by the integration test that replays every kept input under `regressions/`. Each body
//! may return an error for bad input; it must never panic, hang or grow without bound.

use stratagraph::backend::Backend;
use stratagraph::cli::ReplLine;
use stratagraph::facts::FactFile;
use stratagraph::repl::line;
use stratagraph::resolve::EntityIndex;

use clap::Parser as _;

thread_local! {
    /// The built-in graph, opened once per process: the fact-file target checks against
    /// its ontology and entities, the resolver target searches its labels.
    static BUILTIN: (Backend, EntityIndex) = {
        let graph = Backend::builtin(false).expect("the built-in graph opens");
        let schema = graph.read_schema().expect("the built-in schema reads");
        let index = EntityIndex::build(&graph, &schema).expect("the built-in index builds");
        (graph, index)
    };
}

/// A fact file from raw bytes: decoding, TOML parsing with locations, and lowering to quads
/// against the built-in ontology and entities (everything a load does but the commit).
pub fn fact_file(data: &[u8]) {
    let Ok(text) = String::from_utf8(data.to_vec()) else { return };
    let Ok(file) = FactFile::parse("fuzz.toml", None, text) else { return };
    BUILTIN.with(|(graph, _)| {
        let _ = graph.check_facts(&[file], None, stratagraph::facts::lower::DraftPolicy::Report);
    });
}

/// One REPL entry: the SPARQL-or-command decision, the completeness checks that decide
/// whether to read another line, prefix declarations, the word splitter and the shared
/// clap grammar.
pub fn repl_line(data: &[u8]) {
    let Ok(entry) = std::str::from_utf8(data) else { return };
    let _ = line::entry_complete(entry);
    if line::is_sparql(entry) {
        let _ = line::sparql_complete(entry);
        let _ = line::prefix_declarations(entry);
        let _ = line::only_declarations(entry);
        return;
    }
    let Ok(words) = line::split_words(entry) else { return };
    if let Err(error) = ReplLine::try_parse_from(&words) {
        let _ = error.render().to_string();
    }
}

/// A saved report's text: the `# key: value` header and its parameters, and the query.
pub fn report_header(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = stratagraph::reports::parse_report("fuzz.rq", "fuzz", text);
}

/// A name typed for an entity: resolution (ids, IRIs, prefixed names, labels in either
/// language, aliases) and the fuzzy search behind its hints.
pub fn entity_resolver(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    BUILTIN.with(|(graph, index)| {
        let _ = index.resolve(graph, text);
        let _ = index.search(text, 10);
    });
}

/// SPARQL text through the project's own guard and parser: the bracket-nesting bound, the
/// parse (on a deep-stack thread for long texts) and the algebra-depth bound.
pub fn sparql_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = stratagraph::sparql::parse(text, &stratagraph::sparql::QueryOptions::default());
}

/// RDF input as `load` reads it: the first byte picks RDF/XML (through the entity-expansion
/// check) or Turtle, then the rest is parsed to the end.
pub fn rdf_input(data: &[u8]) {
    use oxigraph::io::{RdfFormat, RdfParser};
    let Some((selector, body)) = data.split_first() else { return };
    let format = if selector % 2 == 0 { RdfFormat::RdfXml } else { RdfFormat::Turtle };
    if format == RdfFormat::RdfXml && stratagraph::input::check_rdfxml_entities("fuzz.rdf", body).is_err() {
        return;
    }
    for quad in RdfParser::from_format(format).for_slice(body) {
        if quad.is_err() {
            return;
        }
    }
}

/// An `-o` file name: the extension's choice of format for every command that writes, and
/// (for a plain name inside a temporary folder) the whole-or-nothing write itself.
pub fn output_path(data: &[u8]) {
    use stratagraph::formats::{choose, AnswerFormat, GraphFormat};
    let Ok(name) = std::str::from_utf8(data) else { return };
    let path = std::path::Path::new(name);
    let _ = choose(None, Some(path), AnswerFormat::from_extension, AnswerFormat::agrees);
    let _ = choose(Some(AnswerFormat::Json), Some(path), AnswerFormat::from_extension, AnswerFormat::agrees);
    let _ = choose(Some(GraphFormat::Turtle), Some(path), GraphFormat::from_extension, |a, b| a == b);
    let _ = choose(None, Some(path), stratagraph::export::ExportFormat::from_extension, |a, b| a == b);
    let plain = !name.is_empty() && !name.contains(['/', '\0']) && name != "." && name != "..";
    if plain && name.len() < 200 {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let _ = stratagraph::output::write_atomic(&dir.path().join(name), b"contents");
    }
}
