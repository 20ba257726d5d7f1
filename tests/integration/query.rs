//! `query`: SELECT in every result format, ASK and its exit code, CONSTRUCT in every graph
//! format, predeclared prefixes, query sources (-f, stdin), -o, updates, SERVICE/LOAD
//! refusal, syntax errors with a caret, timeouts and queryable provenance.

use crate::util::{entity, select, Test};

const PLATFORMS: &str =
    r#"SELECT ?id ?en WHERE { ?id a sg:Platform ; rdfs:label ?en FILTER(lang(?en) = "en") } ORDER BY ?en LIMIT 3"#;
const AIDC_OPERATES: &str = "ASK { entity:aidc sg:operates entity:aliexpress }";
const ALIEXPRESS_OPERATES_AIDC: &str = "ASK { entity:aliexpress sg:operates entity:aidc }";
const OPERATES: &str = "CONSTRUCT { ?s sg:operates ?o } WHERE { ?s sg:operates ?o }";

/// Display width of a string in a terminal: East Asian wide characters count 2.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// The lines of an aligned table, without the trailing "N rows" line.
fn table_lines(stdout: &str) -> Vec<&str> {
    stdout.lines().filter(|l| !l.trim().is_empty() && !l.ends_with(" rows") && !l.ends_with(" row")).collect()
}

#[test]
fn select_table_is_aligned_and_counts_rows() {
    let out = Test::new().args(["query", "--format", "table", PLATFORMS]).run().success();
    let lines = table_lines(&out.stdout);
    assert!(lines.len() >= 6, "header, rule, 3 rows and borders expected:\n{}", out.stdout);
    let first = width(lines[0]);
    assert!(lines.iter().all(|l| width(l) == first), "table lines differ in width:\n{}", out.stdout);
    let out = out.stdout_has("entity:aliexpress").stdout_has("AliExpress").stdout_has("1688");
    assert_eq!(out.stdout.lines().last(), Some("3 rows"));
}

#[test]
fn select_table_is_the_default_format() {
    Test::new().args(["query", PLATFORMS]).run().success().stdout_has("┆").stdout_has("3 rows");
}

#[test]
fn select_table_says_1_row_and_0_rows() {
    let one = Test::new().args(["query", "SELECT ?x WHERE { BIND(1 AS ?x) }"]).run().success();
    assert_eq!(one.stdout.lines().last(), Some("1 row"));
    let none = Test::new().args(["query", "SELECT ?x WHERE { ?x a sg:NoSuchClass }"]).run().success();
    assert_eq!(none.stdout.lines().last(), Some("0 rows"));
}

#[test]
fn select_table_stays_aligned_with_chinese_cells() {
    let query =
        "SELECT ?who ?quote WHERE { ?c a sg:Claim ; rdf:subject entity:aliexpress ; rdf:predicate sg:launched ; \
                 rdf:object entity:anniversary-sale ; sg:quote ?quote ; prov:wasAttributedTo ?who }";
    let out = Test::new().args(["query", query]).run().success().stdout_has("速卖通刚刚完成其3月周年庆大促");
    let lines = table_lines(&out.stdout);
    let first = width(lines[0]);
    assert!(lines.iter().all(|l| width(l) == first), "CJK cells break the alignment:\n{}", out.stdout);
}

#[test]
fn select_csv_has_header_and_full_iris() {
    let out = Test::new().args(["query", "--format", "csv", PLATFORMS]).run().success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0].trim_end(), "id,en");
    assert_eq!(lines[1].trim_end(), format!("{},1688", entity("alibaba-1688")));
    assert_eq!(lines[2].trim_end(), format!("{},AliExpress", entity("aliexpress")));
    assert_eq!(lines.len(), 4);
}

#[test]
fn select_csv_quotes_commas_and_quotes() {
    let out =
        Test::new().args(["query", "--format", "csv", r#"SELECT ?x WHERE { BIND("a,\"b\"" AS ?x) }"#]).run().success();
    assert_eq!(out.stdout.lines().nth(1).map(str::trim_end), Some(r#""a,""b""""#));
}

#[test]
fn select_tsv_uses_rdf_term_syntax() {
    let out = Test::new().args(["query", "--format", "tsv", PLATFORMS]).run().success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "?id\t?en");
    assert_eq!(lines[2], format!("<{}>\t\"AliExpress\"@en", entity("aliexpress")));
}

#[test]
fn select_json_is_w3c_sparql_results() {
    let out = Test::new().args(["query", "--format", "json", PLATFORMS]).run().success();
    let json = out.json();
    assert_eq!(json["head"]["vars"], serde_json::json!(["id", "en"]));
    let bindings = json["results"]["bindings"].as_array().expect("bindings");
    assert_eq!(bindings.len(), 3);
    assert_eq!(bindings[1]["id"]["type"], "uri");
    assert_eq!(bindings[1]["id"]["value"], entity("aliexpress"));
    assert_eq!(bindings[1]["en"]["type"], "literal");
    assert_eq!(bindings[1]["en"]["value"], "AliExpress");
    assert_eq!(bindings[1]["en"]["xml:lang"], "en");
}

#[test]
fn select_xml_is_w3c_sparql_results() {
    Test::new()
        .args(["query", "--format", "xml", PLATFORMS])
        .run()
        .success()
        .stdout_has(r#"<sparql xmlns="http://www.w3.org/2005/sparql-results#">"#)
        .stdout_has(r#"<variable name="id"/><variable name="en"/>"#)
        .stdout_has(&format!(r#"<binding name="id"><uri>{}</uri></binding>"#, entity("aliexpress")))
        .stdout_has(r#"<literal xml:lang="en">AliExpress</literal>"#);
}

#[test]
fn select_markdown_is_a_pipe_table() {
    let out = Test::new().args(["query", "--format", "markdown", PLATFORMS]).run().success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "| id | en |");
    assert_eq!(lines[1], "|---|---|");
    assert_eq!(lines[3], "| entity:aliexpress | AliExpress |");
    assert_eq!(lines.len(), 5);
}

#[test]
fn ask_true_prints_true_and_exits_0() {
    let out = Test::new().args(["query", AIDC_OPERATES]).run().success();
    assert_eq!(out.stdout.trim(), "true");
}

#[test]
fn ask_false_prints_false_and_exits_1() {
    let out = Test::new().args(["query", ALIEXPRESS_OPERATES_AIDC]).run().code(1);
    assert_eq!(out.stdout.trim(), "false");
}

#[test]
fn ask_json_has_boolean_and_keeps_exit_code() {
    let out = Test::new().args(["query", "--format", "json", ALIEXPRESS_OPERATES_AIDC]).run().code(1);
    assert_eq!(out.json()["boolean"], false);
    let out = Test::new().args(["query", "--format", "json", AIDC_OPERATES]).run().success();
    assert_eq!(out.json()["boolean"], true);
}

#[test]
fn construct_turtle_uses_predeclared_prefixes() {
    Test::new()
        .args(["query", OPERATES])
        .run()
        .success()
        .stdout_has("@prefix entity: <https://w3id.org/stratagraph/id/> .")
        .stdout_has("entity:aidc sg:operates entity:aliexpress .")
        .stdout_has("entity:aliexpress sg:operates entity:stone-store .");
}

#[test]
fn construct_ntriples_has_one_full_triple_per_line() {
    let out = Test::new().args(["query", "--graph-format", "ntriples", OPERATES]).run().success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    for line in &lines {
        assert!(line.starts_with('<') && line.ends_with(" ."), "not an N-Triples line: {line}");
        assert_eq!(line.matches('<').count(), 3, "not three IRIs: {line}");
    }
    let expected =
        format!("<{}> <https://w3id.org/stratagraph/ontology#operates> <{}> .", entity("aidc"), entity("aliexpress"));
    assert!(lines.contains(&expected.as_str()), "{}", out.stdout);
}

#[test]
fn construct_nquads_lines_end_with_dot() {
    let out = Test::new().args(["query", "--graph-format", "nquads", OPERATES]).run().success();
    assert_eq!(out.stdout.lines().count(), 2);
    assert!(out.stdout.lines().all(|l| l.ends_with(" .")), "{}", out.stdout);
    let out = out.stdout_has(&format!("<{}>", entity("stone-store")));
    assert!(!out.stdout.contains("@prefix"));
}

#[test]
fn construct_jsonld_parses_as_json_with_ids() {
    let out = Test::new().args(["query", "--graph-format", "jsonld", OPERATES]).run().success();
    let json = out.json();
    let nodes = json.as_array().expect("a JSON-LD array");
    let aidc = nodes.iter().find(|n| n["@id"] == entity("aidc")).expect("aidc node");
    assert_eq!(aidc["https://w3id.org/stratagraph/ontology#operates"][0]["@id"], entity("aliexpress"));
}

#[test]
fn construct_rdfxml_names_both_resources() {
    Test::new()
        .args(["query", "--graph-format", "rdfxml", OPERATES])
        .run()
        .success()
        .stdout_has("<rdf:RDF")
        .stdout_has(&format!(r#"rdf:about="{}""#, entity("aidc")))
        .stdout_has(&format!(r#"rdf:resource="{}""#, entity("aliexpress")));
}

#[test]
fn predeclared_prefixes_work_without_prefix_lines() {
    assert_eq!(
        select("SELECT ?o WHERE { entity:aliexpress org:subOrganizationOf ?o }", &["o"]),
        vec![vec![entity("aidc")]]
    );
    assert_eq!(
        select("SELECT ?d WHERE { entity:aliexpress schema:foundingDate ?d }", &["d"]),
        vec![vec!["2010".to_owned()]]
    );
    let mut labels: Vec<String> =
        select("SELECT ?l WHERE { entity:aliexpress skos:prefLabel ?l }", &["l"]).into_iter().flatten().collect();
    labels.sort();
    assert_eq!(labels, ["AliExpress", "速卖通"]);
    let derived =
        select("SELECT (COUNT(*) AS ?n) WHERE { ?c a sg:Claim ; prov:wasDerivedFrom entity:woshipm-6207665 }", &["n"]);
    assert_ne!(derived[0][0], "0");
}

#[test]
fn query_from_file_with_f() {
    Test::new()
        .file("q.rq", "SELECT ?o WHERE { entity:aidc sg:operates ?o }\n")
        .args(["query", "--format", "csv", "-f", "q.rq"])
        .run()
        .success()
        .stdout_has(&entity("aliexpress"));
}

#[test]
fn query_from_stdin() {
    Test::new()
        .args(["query", "--format", "csv"])
        .stdin("SELECT ?o WHERE { entity:aidc sg:operates ?o }\n")
        .run()
        .success()
        .stdout_has(&entity("aliexpress"));
}

#[test]
fn empty_query_is_refused() {
    Test::new().args(["query"]).stdin("  \n").run().code(2).stderr_has("empty query");
}

#[test]
fn regression_query_file_that_cannot_be_read_exits_3() {
    // Exit 3 is for a file that cannot be read: `check` and `load` use it for a missing
    // file, while `query -f` reported it as bad input (2).
    Test::new().args(["query", "-f", "missing.rq"]).run().code(3).stderr_has("cannot read missing.rq");
}

#[test]
fn query_text_and_file_conflict() {
    Test::new()
        .file("q.rq", "ASK {}")
        .args(["query", "-f", "q.rq", "ASK {}"])
        .run()
        .code(2)
        .stderr_has("cannot be used with");
}

#[test]
fn output_file_gets_the_result_and_stdout_stays_empty() {
    let out = Test::new()
        .args(["query", "--format", "csv", "-o", "out.csv", "SELECT ?o WHERE { entity:aidc sg:operates ?o }"])
        .run()
        .success();
    assert_eq!(out.stdout, "");
    let written = std::fs::read_to_string(out.dir.join("out.csv")).expect("out.csv written");
    assert_eq!(written.lines().map(str::trim_end).collect::<Vec<_>>(), ["o", entity("aliexpress").as_str()]);
}

#[test]
fn output_file_keeps_ask_exit_code() {
    let out = Test::new().args(["query", "--format", "json", "-o", "ask.json", ALIEXPRESS_OPERATES_AIDC]).run().code(1);
    assert_eq!(out.stdout, "");
    let written = std::fs::read_to_string(out.dir.join("ask.json")).expect("ask.json written");
    assert!(written.contains(r#""boolean":false"#), "{written}");
}

#[test]
fn output_file_is_not_created_when_the_query_fails() {
    let out = Test::new().args(["query", "-o", "out.csv", "SELECT ?x WHERE {"]).run().code(2);
    assert!(!out.dir.join("out.csv").exists());
}

#[test]
fn update_without_update_flag_is_refused() {
    Test::new()
        .args(["query", "INSERT DATA { entity:x sg:operates entity:y }"])
        .run()
        .code(2)
        .stderr_has("read-only")
        .stderr_has("--update");
}

#[test]
fn update_insert_data_on_the_in_memory_graph_adds_one_quad() {
    let out = Test::new().args(["query", "--update", "INSERT DATA { entity:x sg:operates entity:y }"]).run().success();
    let text = format!("{}{}", out.stdout, out.stderr);
    let numbers: Vec<usize> = text.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    assert!(text.contains("update done"), "{text}");
    assert_eq!(numbers.len(), 2, "expected `before → after` counts: {text}");
    assert_eq!(numbers[1], numbers[0] + 1, "{text}");
}

#[test]
fn update_delete_where_removes_the_matching_quads() {
    let out = Test::new().args(["query", "--update", "DELETE WHERE { ?s sg:operates ?o }"]).run().success();
    let text = format!("{}{}", out.stdout, out.stderr);
    let numbers: Vec<usize> = text.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    assert_eq!(numbers[0] - numbers[1], 2, "the data has two sg:operates triples: {text}");
}

#[test]
fn service_without_allow_service_is_refused_with_a_hint() {
    Test::new()
        .args(["query", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"])
        .run()
        .code(2)
        .stderr_has("SERVICE")
        .stderr_has("hint:")
        .stderr_has("--allow-service");
}

#[test]
fn load_over_http_is_refused() {
    Test::new()
        .args(["query", "--update", "LOAD <http://example.org/data.ttl>"])
        .run()
        .code(2)
        .stderr_has("LOAD")
        .stderr_has("network");
}

/// Reads "at L:C" from a syntax error and the caret line's offset.
fn syntax_position(stderr: &str) -> (usize, usize) {
    let after = &stderr[stderr.find("sparql syntax error at ").expect("position") + "sparql syntax error at ".len()..];
    let spot = &after[..after.find(": ").expect("L:C: message")];
    let (line, column) = spot.split_once(':').expect("L:C");
    (line.parse().expect("line"), column.parse().expect("column"))
}

fn caret_offset(stderr: &str) -> usize {
    let caret =
        stderr.lines().find(|l| l.trim_end().ends_with('^') && l.trim_start().starts_with('|')).expect("a caret line");
    let bar = caret.find('|').expect("bar");
    caret[bar + 2..].find('^').expect("caret")
}

#[test]
fn syntax_error_shows_position_line_and_caret() {
    let query = "SELECT ?x WHERE { ?x a sg:Platform . FILTR(?x) }";
    let out = Test::new()
        .args(["query", query])
        .run()
        .code(2)
        .stderr_has("sparql syntax error at 1:")
        .stderr_has(&format!("1 | {query}"));
    let (line, column) = syntax_position(&out.stderr);
    assert_eq!(line, 1);
    assert_eq!(caret_offset(&out.stderr), column - 1, "caret not under column {column}:\n{}", out.stderr);
}

#[test]
fn syntax_error_on_a_later_line_shows_that_line() {
    let query = "SELECT ?x\nWHERE { ?x a sg:Platform }\nLIMT 3";
    let out = Test::new()
        .args(["query", query])
        .run()
        .code(2)
        .stderr_has("sparql syntax error at 3:")
        .stderr_has("3 | LIMT 3");
    let (_, column) = syntax_position(&out.stderr);
    assert_eq!(caret_offset(&out.stderr), column - 1);
}

#[test]
fn syntax_error_caret_counts_chinese_as_double_width() {
    let query = r#"SELECT ?x WHERE { ?x rdfs:label "速卖通"@zh } LIMT 3"#;
    let out = Test::new().args(["query", query]).run().code(2);
    let (_, column) = syntax_position(&out.stderr);
    let before: String = query.chars().take(column - 1).collect();
    assert_eq!(caret_offset(&out.stderr), width(&before), "{}", out.stderr);
}

#[test]
fn regression_syntax_error_at_end_of_input_after_trailing_newline_still_shows_a_caret() {
    // A query read from a file or stdin ends with a newline; an error at the very end is
    // reported on the line after it, which has no text, and the excerpt used to vanish.
    let out = Test::new()
        .args(["query"])
        .stdin("SELECT ?x WHERE { ?x a sg:Platform } LIMIT\n")
        .run()
        .code(2)
        .stderr_has("sparql syntax error at ");
    assert!(
        out.stderr.lines().any(|l| l.trim_start().starts_with('|') && l.trim_end().ends_with('^')),
        "no excerpt with a caret:\n{}",
        out.stderr
    );
}

#[test]
fn timeout_cancels_a_heavy_query_with_exit_4() {
    Test::new()
        .args(["query", "--timeout", "0.5", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"])
        .run()
        .code(4)
        .stderr_has("timeout");
}

#[test]
fn timeout_must_be_positive() {
    Test::new()
        .args(["query", "--timeout", "0", "ASK {}"])
        .run()
        .code(2)
        .stderr_has("--timeout must be a positive number");
}

#[test]
fn provenance_of_aidc_operates_aliexpress_is_queryable() {
    let rows = select(
        "SELECT ?quote ?source WHERE { ?c a sg:Claim ; rdf:subject entity:aidc ; rdf:predicate sg:operates ; \
         rdf:object entity:aliexpress ; sg:quote ?quote ; prov:wasDerivedFrom ?source }",
        &["quote", "source"],
    );
    assert_eq!(rows, vec![vec!["阿里国际（AIDC）旗下跨境平台速卖通".to_owned(), entity("woshipm-6207665")]]);
}

#[test]
fn provenance_keeps_relation_dates_on_the_claim() {
    let rows = select(
        "SELECT ?start WHERE { ?c a sg:Claim ; rdf:subject entity:alibaba ; rdf:predicate sg:established ; \
         rdf:object entity:taotian-overseas ; schema:startDate ?start }",
        &["start"],
    );
    assert_eq!(rows, vec![vec!["2016".to_owned()]]);
}

#[test]
fn provenance_of_a_speakers_claim_names_the_speaker_and_asserts_nothing() {
    let rows = select(
        "SELECT ?who ?quote WHERE { ?c a sg:Claim ; rdf:subject entity:aliexpress ; rdf:predicate sg:launched ; \
         rdf:object entity:anniversary-sale ; sg:quote ?quote ; prov:wasAttributedTo ?who }",
        &["who", "quote"],
    );
    assert_eq!(rows, vec![vec![entity("industry-insider"), "速卖通刚刚完成其3月周年庆大促".to_owned()]]);
    Test::new().args(["query", "ASK { entity:aliexpress sg:launched entity:anniversary-sale }"]).run().code(1);
}

#[test]
fn output_file_extension_chooses_the_format() {
    let out = Test::new()
        .args(["query", "-o", "r.csv", "SELECT ?x WHERE { VALUES ?x { 1 2 } }"])
        .run()
        .success()
        .stderr_has("wrote r.csv");
    assert_eq!(std::fs::read_to_string(out.dir.join("r.csv")).unwrap(), "x\r\n1\r\n2\r\n");
    let out = Test::new().args(["dump", "-o", "kb.ttl"]).run().success();
    let text = std::fs::read_to_string(out.dir.join("kb.ttl")).unwrap();
    assert!(text.starts_with("@prefix"), "dump -o kb.ttl writes Turtle: {}", &text[..80]);
    let out = Test::new().args(["export", "-o", "x.svg"]).run().success();
    assert!(std::fs::read_to_string(out.dir.join("x.svg")).unwrap().contains("<svg"), "export -o x.svg writes SVG");
    let out =
        Test::new().args(["query", "-o", "g.nt", "CONSTRUCT { <http://e/a> <http://e/b> 1 } WHERE {}"]).run().success();
    assert_eq!(
        std::fs::read_to_string(out.dir.join("g.nt")).unwrap().trim(),
        "<http://e/a> <http://e/b> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> ."
    );
}

#[test]
fn a_format_the_file_name_contradicts_is_refused_and_nothing_is_written() {
    for args in [
        vec!["query", "-o", "r.csv", "--format", "json", "SELECT * WHERE {}"],
        vec!["export", "-o", "x.svg", "--format", "dot"],
        vec!["dump", "-o", "kb.ttl", "--format", "nquads"],
    ] {
        let out = Test::new().args(&args).run().code(2).stderr_has("contradicts the file name");
        let name = args[2];
        assert!(!out.dir.join(name).exists(), "{name} must not be written");
    }
}

#[test]
fn one_format_flag_takes_result_and_graph_formats() {
    let construct = "CONSTRUCT { <http://e/a> <http://e/b> 1 } WHERE {}";
    Test::new()
        .args(["query", "--format", "ntriples", construct])
        .run()
        .success()
        .stdout_has("<http://e/a> <http://e/b>");
    Test::new()
        .args(["query", "--format", "turtle", construct])
        .run()
        .success()
        .stdout_has("<http://e/a> <http://e/b> 1");
    // json and xml name the graph family's form for a graph.
    Test::new().args(["query", "--format", "json", construct]).run().success().stdout_has("\"@id\"");
    Test::new().args(["query", "--format", "xml", construct]).run().success().stdout_has("rdf:RDF");
    // The older flag still works.
    Test::new()
        .args(["query", "--graph-format", "nt", construct])
        .run()
        .success()
        .stdout_has("<http://e/a> <http://e/b>");
    Test::new()
        .args(["query", "--format", "turtle", "SELECT * WHERE {}"])
        .run()
        .code(2)
        .stderr_has("--format turtle does not fit solutions")
        .stderr_has("table, csv, tsv, json, xml or markdown");
    Test::new()
        .args(["query", "--format", "csv", construct])
        .run()
        .code(2)
        .stderr_has("--format csv does not fit a graph");
}

#[test]
fn relative_iris_resolve_against_the_base() {
    Test::new()
        .args(["query", "--format", "csv", "--base", "http://example.org/dir/", "SELECT (<a> AS ?x) WHERE {}"])
        .run()
        .success()
        .stdout_has("http://example.org/dir/a");
    let out = Test::new()
        .file("q.rq", "SELECT (<a> AS ?x) WHERE {}")
        .args(["query", "--format", "csv", "-f", "q.rq"])
        .run()
        .success();
    let dir = out.dir.canonicalize().unwrap();
    assert!(out.stdout.contains(&format!("file://{}/a", dir.display())), "{}", out.stdout);
    Test::new().args(["query", "--base", "not an iri", "SELECT * WHERE {}"]).run().code(2).stderr_has("base IRI");
}
