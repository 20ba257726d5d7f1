//! The W3C SPARQL 1.1 syntax suites (query and update, positive and negative) through the
//! real binary: `query -f FILE`, the file's URL as the base. The suite is read where it
//! sits (`$STRATAGRAPH_W3C_DIR`, else `../shared/w3c/sparql11` beside the repository),
//! never copied into the project; without it the test says so and skips.

use crate::util::{binary, repo};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedOrBlankNode, Term, Triple};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const MF: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// Positive tests that parse but whose running is refused, each by design and with its
/// reason. The binary runs what it parses, so these end in an evaluation error (never a
/// syntax error, which the test checks).
const REFUSED_BY_DESIGN: &[(&str, &str)] = &[
    ("syntax-update-1/syntax-update-01.ru", "LOAD over the network needs --allow-service"),
    ("syntax-update-1/syntax-update-02.ru", "LOAD over the network needs --allow-service"),
    ("syntax-update-1/syntax-update-03.ru", "LOAD over the network needs --allow-service"),
    ("syntax-update-1/syntax-update-04.ru", "LOAD over the network needs --allow-service"),
    ("syntax-update-1/syntax-update-37.ru", "LOAD over the network needs --allow-service"),
    ("syntax-query/syntax-select-expr-04.rq", "calls <http://example/function>, which no engine defines"),
    (
        "syntax-update-1/syntax-update-08.ru",
        "CLEAR of a graph the store lacks fails without SILENT (SPARQL 1.1 Update 3.2.2)",
    ),
    (
        "syntax-update-1/syntax-update-18.ru",
        "DROP of a graph the store lacks fails without SILENT (SPARQL 1.1 Update 3.2.4)",
    ),
];

fn suite() -> Option<PathBuf> {
    let dir = match std::env::var_os("STRATAGRAPH_W3C_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => repo().join("../shared/w3c/sparql11"),
    };
    dir.join("syntax-query/manifest.ttl").is_file().then_some(dir)
}

/// One test of a manifest: its kind (the mf: class's local name), name and file.
struct Case {
    kind: String,
    name: String,
    file: PathBuf,
}

fn cases(manifest: &Path) -> Vec<Case> {
    let base = format!("file://{}", manifest.canonicalize().unwrap().display());
    let text = std::fs::read(manifest).unwrap();
    let triples: Vec<Triple> = RdfParser::from_format(RdfFormat::Turtle)
        .with_base_iri(&base)
        .unwrap()
        .for_slice(&text)
        .map(|q| Triple::from(q.expect("the manifest parses")))
        .collect();
    let object = |subject: &NamedOrBlankNode, property: &str| -> Option<Term> {
        triples.iter().find(|t| &t.subject == subject && t.predicate.as_str() == property).map(|t| t.object.clone())
    };
    let mut out = Vec::new();
    for triple in &triples {
        if triple.predicate.as_str() != format!("{RDF}type") {
            continue;
        }
        let Term::NamedNode(class) = &triple.object else { continue };
        let Some(kind) = class.as_str().strip_prefix(MF).filter(|k| k.contains("SyntaxTest")) else { continue };
        let Some(Term::NamedNode(action)) = object(&triple.subject, &format!("{MF}action")) else { continue };
        let name = match object(&triple.subject, &format!("{MF}name")) {
            Some(Term::Literal(name)) => name.value().to_owned(),
            _ => action.as_str().rsplit('/').next().unwrap_or_default().to_owned(),
        };
        let file = PathBuf::from(action.as_str().strip_prefix("file://").expect("a file action"));
        out.push(Case { kind: kind.to_owned(), name, file });
    }
    out
}

/// Runs one case; returns what went wrong, if anything.
fn run(case: &Case) -> Option<String> {
    let update = case.kind.contains("Update");
    let positive = case.kind.starts_with("Positive");
    let mut command = Command::new(binary());
    command.args(["query", "--bare", "--timeout", "10", "-f"]).arg(&case.file);
    if update {
        command.arg("--update");
    }
    let output = command
        .env("NO_COLOR", "1")
        .env_remove("STRATAGRAPH_STORE")
        .env_remove("STRATAGRAPH_ENDPOINT")
        .stdin(Stdio::null())
        .output()
        .expect("run stratagraph");
    let code = output.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let syntax_error = code == 2 && stderr.contains("syntax error");
    if positive && !(code == 0 || code == 1) {
        return Some(format!("exit {code}: {}", stderr.trim()));
    }
    if !positive && !syntax_error {
        return Some(format!("a negative test was not refused as a syntax error (exit {code}): {}", stderr.trim()));
    }
    None
}

#[test]
fn w3c_sparql11_syntax_suites_pass() {
    let Some(suite) = suite() else {
        eprintln!(
            "skipped: the W3C SPARQL 1.1 syntax suite was not found (set STRATAGRAPH_W3C_DIR, or put it at ../shared/w3c/sparql11)"
        );
        return;
    };
    let refused: BTreeSet<&str> = REFUSED_BY_DESIGN.iter().map(|(name, _)| *name).collect();
    let mut ran = 0;
    let mut failures = Vec::new();
    let mut refused_seen = BTreeSet::new();
    for folder in ["syntax-query", "syntax-update-1", "syntax-update-2"] {
        for case in cases(&suite.join(folder).join("manifest.ttl")) {
            ran += 1;
            let id = format!("{folder}/{}", case.name);
            match run(&case) {
                Some(problem) if refused.contains(id.as_str()) && problem.contains("syntax error") => {
                    failures.push(format!("{id}: refused as a syntax error: {problem}"))
                }
                Some(_) if refused.contains(id.as_str()) => {
                    refused_seen.insert(id);
                }
                Some(problem) => failures.push(format!("{id}: {problem}")),
                None if refused.contains(id.as_str()) => failures.push(format!("{id}: listed as refused but passes")),
                None => {}
            }
        }
    }
    assert!(failures.is_empty(), "{} of {ran} W3C syntax tests failed:\n{}", failures.len(), failures.join("\n"));
    assert!(ran >= 140, "only {ran} tests were found in {}", suite.display());
    assert_eq!(refused_seen.len(), refused.len(), "every test refused by design is still in the suite");
}
