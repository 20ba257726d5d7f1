//! The REPL: scripted over standard input, and interactive through a pseudo-terminal
//! (multi-line queries, Tab completion of a Chinese label, Ctrl-C cancelling a slow query,
//! history surviving a restart).

use crate::util::{binary, Test};
use rexpect::session::{spawn_command, PtySession};
use std::process::Command;

#[test]
fn scripted_session_runs_commands_and_multi_line_sparql() {
    let script = "describe AIDC\nSELECT ?p WHERE {\n  entity:aidc sg:operates ?p\n}\nsearch 淘宝\n";
    Test::new()
        .args(["repl"])
        .stdin(script)
        .run()
        .success()
        .stdout_has("Alibaba International Digital Commerce Group")
        .stdout_has("entity:aliexpress")
        .stdout_has("淘天海外")
        .stdout_lacks("stratagraph>");
}

#[test]
fn scripted_session_keeps_going_after_an_error_and_exits_non_zero() {
    let outcome = Test::new()
        .args(["repl"])
        .stdin("describe NoSuchThing\nsearch Choice\n")
        .run()
        .code(2)
        .stderr_has("unknown entity `NoSuchThing`");
    assert!(outcome.stdout.contains("Choice"), "{}", outcome.stdout);
}

#[test]
fn scripted_prefixes_persist_for_the_session() {
    Test::new()
        .args(["repl"])
        .stdin("PREFIX e: <https://w3id.org/stratagraph/id/>\nASK { e:aidc sg:operates e:aliexpress }\n")
        .run()
        .success()
        .stdout_has("true");
}

#[test]
fn scripted_settings_change_later_commands() {
    Test::new()
        .args(["repl"])
        .stdin("lang zh\npath 'Jiang Fan' 1688overseas\nformat csv\nSELECT ?x WHERE { VALUES ?x { 1 } }\n")
        .run()
        .success()
        .stdout_has("蒋凡 —")
        .stdout_has("x\r\n1\r\n");
}

#[test]
fn cli_and_repl_give_the_same_output_for_the_same_words() {
    let cli = Test::new().args(["neighbors", "Choice", "--via", "supply"]).run().success();
    let repl = Test::new().args(["repl"]).stdin("neighbors Choice --via supply\n").run().success();
    assert_eq!(cli.stdout, repl.stdout);
}

#[test]
fn scripted_help_lists_session_commands_and_command_help_works() {
    Test::new().args(["repl"]).stdin("help\nhelp path\n").run().success().stdout_has("timing").stdout_has("--via");
}

/// rexpect reads the terminal byte by byte, one char per byte: expect UTF-8 text that way.
fn raw(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

fn interactive(home: &std::path::Path, extra: &[&str]) -> PtySession {
    let mut command = Command::new(binary());
    command.arg("repl").args(extra).env("XDG_DATA_HOME", home).env("NO_COLOR", "1").env("TERM", "xterm");
    let mut session = spawn_command(command, Some(30_000)).expect("spawn the REPL in a pty");
    session.exp_string("Type `help`").expect("banner");
    session.exp_string("stratagraph> ").expect("prompt");
    session
}

#[test]
fn interactive_multi_line_query_and_chinese_completion() {
    let home = tempfile::tempdir().unwrap();
    let mut repl = interactive(home.path(), &[]);
    repl.send_line("SELECT ?p WHERE {").unwrap();
    repl.send_line("entity:aidc sg:operates ?p }").unwrap();
    repl.exp_string("entity:aliexpress").expect("multi-line query answered");
    repl.exp_string("stratagraph> ").unwrap();
    repl.send("describe 速卖\t").unwrap();
    repl.flush().unwrap();
    repl.exp_string(&raw("速卖通")).expect("completion offers 速卖通");
    repl.send_line("").unwrap();
    repl.exp_string(&raw("AliExpress · 速卖通")).expect("completed name resolved");
    repl.send_control('d').unwrap();
    repl.exp_eof().unwrap();
}

#[test]
fn interactive_completion_of_report_and_entity_names() {
    let home = tempfile::tempdir().unwrap();
    let mut repl = interactive(home.path(), &[]);
    // A unique prefix completes in place; Enter runs the completed line.
    repl.send("report run entities-per-cl\t").unwrap();
    repl.flush().unwrap();
    repl.exp_string("entities-per-class").expect("the report name completes");
    repl.send_line("").unwrap();
    repl.exp_string("stratagraph> ").unwrap();
    repl.send("describe entity:aliexpr\t").unwrap();
    repl.flush().unwrap();
    repl.exp_string("entity:aliexpress").expect("the entity id completes");
    repl.send_line("").unwrap();
    repl.exp_string(&raw("AliExpress · 速卖通")).expect("the completed id resolves");
    repl.send_line("decsribe Temu").unwrap();
    repl.exp_string("did you mean `describe`?").expect("a mistyped command gets a suggestion");
    repl.send_line("quit").unwrap();
    repl.exp_eof().unwrap();
}

#[test]
fn interactive_ctrl_d_abandons_an_unfinished_query() {
    let home = tempfile::tempdir().unwrap();
    let mut repl = interactive(home.path(), &[]);
    repl.send_line("SELECT ?p WHERE {").unwrap();
    repl.send_control('d').unwrap();
    repl.exp_string("stratagraph> ").expect("the unfinished query is abandoned and the prompt is back");
    repl.send_line("search Temu").unwrap();
    repl.exp_string("entity:temu").expect("the session goes on");
    repl.exp_string("stratagraph> ").unwrap();
    repl.send_control('d').unwrap();
    repl.exp_eof().expect("Ctrl-D on an empty line leaves");
}

#[test]
fn interactive_ctrl_c_cancels_a_slow_query_and_the_session_goes_on() {
    let home = tempfile::tempdir().unwrap();
    let mut repl = interactive(home.path(), &[]);
    repl.send_line("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    repl.send_control('c').unwrap();
    repl.exp_string("cancelled").expect("the query is cancelled");
    repl.exp_string("stratagraph> ").unwrap();
    repl.send_line("search Temu").unwrap();
    repl.exp_string("entity:temu").expect("the session goes on");
    repl.send_line("quit").unwrap();
    repl.exp_eof().unwrap();
}

#[test]
fn interactive_history_survives_a_restart() {
    let home = tempfile::tempdir().unwrap();
    let mut first = interactive(home.path(), &[]);
    first.send_line("search Lazada").unwrap();
    first.exp_string("entity:lazada").unwrap();
    first.exp_string("stratagraph> ").unwrap();
    first.send_line("quit").unwrap();
    first.exp_eof().unwrap();
    let mut second = interactive(home.path(), &[]);
    second.send_line("history").unwrap();
    second.exp_string("search Lazada").expect("history from the first session");
    second.exp_string("stratagraph> ").unwrap();
    second.send_line("quit").unwrap();
    second.exp_eof().unwrap();
    let mut without = interactive(home.path(), &["--no-history"]);
    without.send_line("history").unwrap();
    let seen = without.exp_string("1  history").expect("only this session's command is listed");
    assert!(!seen.contains("Lazada"), "--no-history must not load history: {seen}");
    without.send_line("quit").unwrap();
    without.exp_eof().unwrap();
}

/// A large load on a terminal shows a progress bar; on a pipe or with `--quiet` it does not.
#[test]
fn a_large_load_shows_a_progress_bar_on_a_terminal_only() {
    let setup = Test::new().args(["gen", "--entities", "20000", "-o", "big.nt"]).run().success();
    let nt = setup.dir.join("big.nt");
    let load = |store: &str, quiet: bool| {
        let mut command = Command::new(binary());
        command.arg("--store").arg(setup.dir.join(store)).arg("--bare");
        if quiet {
            command.arg("--quiet");
        }
        command.arg("load").arg(&nt).env("NO_COLOR", "1").env("TERM", "xterm");
        let mut session = spawn_command(command, Some(60_000)).expect("spawn load in a pty");
        session.exp_eof().expect("the load ends")
    };
    let shown = load("shown", false);
    assert!(shown.contains("loading") && shown.contains('%'), "no bar on a terminal: {shown:?}");
    assert!(shown.contains("loaded 1 file"), "{shown:?}");
    let quiet = load("quiet", true);
    assert!(!quiet.contains("loading"), "a bar despite --quiet: {quiet:?}");
    let piped = Test::new().args(["--bare", "--store", "kb", "load", nt.to_str().unwrap()]).run().success();
    assert!(!piped.stderr.contains("loading"), "a bar on a pipe: {}", piped.stderr);
    assert!(piped.stderr.contains("loaded 1 file"));
}

#[test]
fn central_honours_the_timeout_and_shows_progress_on_a_terminal_after_a_second() {
    let setup = Test::new().args(["gen", "--entities", "20000", "--seed", "3", "-o", "big.nt"]).run().success();
    let store = setup.dir.join("kb");
    let store = store.to_str().unwrap();
    Test::new()
        .args(["load", "--bare", "--quiet", "--store", store, setup.dir.join("big.nt").to_str().unwrap()])
        .run()
        .success();
    // Piped: the timeout stops it with exit 4 and says how to narrow it; no bar.
    let out = Test::new().args(["central", "--store", store, "--read-only", "--timeout", "0.2"]).run().code(4);
    assert!(out.stderr.contains("central stopped at the 0.2s timeout"), "{}", out.stderr);
    assert!(!out.stderr.contains("/2000"), "no bar on a pipe: {}", out.stderr);
    // On a terminal, the bar appears after a second (the run is cut at 3 s).
    let mut command = Command::new(binary());
    command
        .args(["central", "--store", store, "--read-only", "--timeout", "3"])
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut session = spawn_command(command, Some(60_000)).expect("spawn central in a pty");
    let shown = session.exp_eof().expect("central ends");
    assert!(shown.contains("central") && shown.contains("/2000"), "no progress bar on a terminal: {shown:?}");
    assert!(shown.contains("timeout"), "{shown:?}");
}

/// Regression: a bare `query` in a piped script waited for standard input, which the script
/// loop itself was holding, and hung forever.
#[test]
fn a_bare_query_in_a_script_is_an_error_not_a_hang() {
    let out = Test::new().args(["repl"]).stdin("query\ndescribe Choice\n").run();
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("`query` needs the query text"), "{}", out.stderr);
    assert!(out.stdout.contains("Choice"), "the next line still ran:\n{}", out.stdout);
}

#[test]
fn a_one_shot_query_still_reads_standard_input() {
    Test::new()
        .args(["query", "--format", "csv"])
        .stdin("SELECT ?p WHERE { entity:aidc sg:operates ?p }")
        .run()
        .success()
        .stdout_has("aliexpress");
}

#[test]
fn typed_updates_need_repl_update() {
    // Regression (issue 17): a typed DELETE emptied a persistent store without --update.
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kb");
    let store = store.to_str().unwrap();
    let empty = dir.path().join("empty.nt");
    std::fs::write(&empty, "").unwrap();
    Test::new().args(["load", "--store", store, empty.to_str().unwrap()]).run().success();
    let count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }";
    let before = Test::new().args(["query", "--store", store, "--format", "tsv", count]).run().success().stdout;
    let refused = Test::new().args(["repl", "--store", store]).stdin("DELETE WHERE { ?s ?p ?o }\n").run();
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("add --update"), "{}", refused.stderr);
    let turned_on = Test::new().args(["repl", "--store", store]).stdin("update on\n").run();
    assert!(turned_on.stderr.contains("repl --update"), "{}", turned_on.stderr);
    let after = Test::new().args(["query", "--store", store, "--format", "tsv", count]).run().success().stdout;
    assert_eq!(before, after, "nothing was deleted");
    let insert = "INSERT DATA { <urn:repl:a> <urn:repl:b> <urn:repl:c> }\n";
    Test::new().args(["repl", "--store", store, "--update"]).stdin(insert).run().success().stdout_has("update done");
    Test::new().args(["query", "--store", store, "ASK { <urn:repl:a> <urn:repl:b> <urn:repl:c> }"]).run().success();
}

/// Issue 16, class 13: a REPL session, a script above all, has a timeout by default.
#[test]
fn a_repl_session_has_a_default_timeout_that_can_be_lifted_or_changed() {
    Test::new().args(["repl"]).stdin("timeout\n").run().success().stdout_has("300s");
    Test::new().args(["repl", "--timeout", "7"]).stdin("timeout\n").run().success().stdout_has("7s");
    Test::new().args(["repl"]).stdin("timeout off\ntimeout\n").run().success().stdout_has("off");
}
