//! Replays the inputs kept for the fuzz targets (`tests/fuzz/regressions/TARGET/*`, crashes
//! once found and edge cases worth keeping) and the built-in files through the same bodies
//! the fuzzers run, so a fixed crash stays fixed without a fuzzer installed.

#[path = "../fuzz/targets.rs"]
mod targets;

use crate::util::repo;

fn kept(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = repo().join("tests/fuzz/regressions").join(target);
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("entry").path();
            (path.display().to_string(), std::fs::read(&path).expect("read"))
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no kept inputs for {target}");
    inputs
}

fn builtin(dir: &str, ext: &str) -> Vec<(String, Vec<u8>)> {
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(repo().join(dir))
        .expect("dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == ext))
        .map(|path| (path.display().to_string(), std::fs::read(&path).expect("read")))
        .collect();
    inputs.sort();
    inputs
}

fn replay(inputs: &[(String, Vec<u8>)], body: fn(&[u8])) {
    for (name, data) in inputs {
        let outcome = std::panic::catch_unwind(|| body(data));
        assert!(outcome.is_ok(), "{name} panics");
    }
}

#[test]
fn fact_file_inputs_do_not_panic() {
    replay(&kept("fact_file"), targets::fact_file);
    replay(&builtin("data", "toml"), targets::fact_file);
}

#[test]
fn repl_line_inputs_do_not_panic() {
    replay(&kept("repl_line"), targets::repl_line);
}

#[test]
fn report_header_inputs_do_not_panic() {
    replay(&kept("report_header"), targets::report_header);
    replay(&builtin("queries", "rq"), targets::report_header);
}

#[test]
fn entity_resolver_inputs_do_not_panic() {
    replay(&kept("entity_resolver"), targets::entity_resolver);
}

#[test]
fn sparql_text_inputs_do_not_panic() {
    replay(&kept("sparql_text"), targets::sparql_text);
    replay(&builtin("queries", "rq"), targets::sparql_text);
}

#[test]
fn rdf_inputs_do_not_panic() {
    replay(&kept("rdf_input"), targets::rdf_input);
}

#[test]
fn output_path_inputs_do_not_panic() {
    replay(&kept("output_path"), targets::output_path);
}
