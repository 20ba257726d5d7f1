//! Hostile input, crash safety and concurrency: every case is answered with a clear error
//! or a correct result, never a panic, a hang or a half-written store.

use crate::util::{binary, count_quads, Test};
use std::process::{Command, Stdio};
use std::time::Duration;

fn count(store: &std::path::Path) -> usize {
    count_quads(&["--store", store.to_str().unwrap()])
}

#[test]
fn killed_loads_leave_the_store_before_or_after_never_between() {
    let setup = Test::new().args(["gen", "--entities", "30000", "-o", "big.nt"]).run().success();
    let nt = setup.dir.join("big.nt");
    let triples = std::fs::read_to_string(&nt).unwrap().lines().count();
    let store = setup.dir.join("store");
    Test::new()
        .file("empty.nt", "")
        .args(["--bare", "--store", store.to_str().unwrap(), "load", "empty.nt"])
        .run()
        .success();
    let before = count(&store);
    let mut loaded_once = false;
    for delay_ms in [30u64, 120, 300, 700, 1500] {
        let mut child = Command::new(binary())
            .args(["--store", store.to_str().unwrap(), "-q", "load", nt.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        Test::new().args(["--store", store.to_str().unwrap(), "validate"]).run().success().stdout_has("store is valid");
        let now = count(&store);
        assert!(
            now == before || now == before + triples,
            "after a kill at {delay_ms} ms: {now} quads, expected {before} or {}",
            before + triples
        );
        loaded_once |= now == before + triples;
        if loaded_once {
            break;
        }
    }
    if !loaded_once {
        Test::new().args(["--store", store.to_str().unwrap(), "-q", "load", nt.to_str().unwrap()]).run().success();
        assert_eq!(count(&store), before + triples);
    }
}

#[test]
fn a_second_writer_is_told_the_store_is_in_use_and_readers_still_read() {
    let setup = Test::new().file("empty.nt", "").args(["--store", "kb", "load", "empty.nt"]).run().success();
    let store = setup.dir.join("kb");
    let mut holder = Command::new(binary())
        .args(["--store", store.to_str().unwrap(), "repl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // An answered query proves the holder has the store open for writing.
    {
        use std::io::{BufRead, Write};
        let stdin = holder.stdin.as_mut().unwrap();
        stdin.write_all(b"ASK { entity:aidc sg:operates entity:aliexpress }\n").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(holder.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "true", "the holder did not open the store");
    }
    let outcome = Test::new()
        .file("x.ttl", "<x:a> <x:b> <x:c> .")
        .args(["--store", store.to_str().unwrap(), "load", "x.ttl"])
        .run();
    let refused = (outcome.code == 3).then_some(outcome);
    let refused = refused.expect("a second writer is refused while the first holds the store");
    assert!(refused.stderr.contains("in use"), "{}", refused.stderr);
    assert!(refused.stderr.contains("--read-only"), "the hint names --read-only: {}", refused.stderr);
    Test::new()
        .args(["--store", store.to_str().unwrap(), "--read-only", "describe", "AliExpress"])
        .run()
        .success()
        .stdout_has("速卖通");
    drop(holder.stdin.take());
    let _ = holder.wait();
}

#[test]
fn many_threads_reading_one_store_agree_with_one_reader() {
    use stratagraph::sparql::{run, Answer, QueryOptions};
    let graph = std::sync::Arc::new(stratagraph::backend::Backend::builtin(false).unwrap());
    let query = "SELECT ?s ?o WHERE { ?s sg:operates|org:subOrganizationOf ?o } ORDER BY ?s ?o";
    let render = |answer: Answer| format!("{answer:?}");
    let expected = render(run(&graph, query, &QueryOptions::default()).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let graph = graph.clone();
            std::thread::spawn(move || {
                (0..20).map(|_| render(run(&graph, query, &QueryOptions::default()).unwrap())).collect::<Vec<_>>()
            })
        })
        .collect();
    for thread in threads {
        for answer in thread.join().unwrap() {
            assert_eq!(answer, expected);
        }
    }
}

#[test]
fn deeply_nested_sparql_is_refused_not_a_stack_overflow() {
    let query = format!("SELECT * WHERE {}?s ?p ?o{}", "{ ".repeat(100_000), " }".repeat(100_000));
    Test::new().file("deep.rq", query).args(["query", "-f", "deep.rq"]).run().code(2).stderr_has("nests brackets");
    let parens = format!("SELECT * WHERE {{ FILTER({}1{}) }}", "(".repeat(50_000), ")".repeat(50_000));
    Test::new().args(["query", &parens]).run().code(2).stderr_has("nests brackets");
    // Nesting within the limit still runs.
    let fine = format!("ASK {{ FILTER({}true{}) }}", "(".repeat(150), ")".repeat(150));
    Test::new().args(["query", &fine]).run().success().stdout_has("true");
}

#[test]
fn deeply_nested_fact_file_is_refused() {
    let text = format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    Test::new().file("deep.toml", text).args(["check", "deep.toml"]).run().code(2).stderr_has("nests brackets");
}

#[test]
fn cartesian_product_is_cancelled_by_the_timeout() {
    Test::new()
        .args(["--timeout", "1", "query", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"])
        .run()
        .code(4)
        .stderr_has("timeout");
}

/// The case: a cartesian product over the 1M-triple generated graph, sorted (oxigraph
/// sorts without looking at its cancellation token), under `--timeout 2`. The bound on the
/// wall time is a hang guard, ten times the timeout, not a benchmark: unanswered, the query
/// would run for days.
#[test]
fn a_sorted_cartesian_product_on_a_million_triples_stops_at_its_timeout() {
    let setup = Test::new().args(["gen", "--entities", "232000", "-o", "big.nt", "-q"]).run().success();
    let store = setup.dir.join("kb");
    let store = store.to_str().unwrap();
    let big = setup.dir.join("big.nt");
    Test::new().args(["--bare", "--store", store, "-q", "load", big.to_str().unwrap()]).run().success();
    let started = std::time::Instant::now();
    Test::new()
        .args(["--store", store, "--timeout", "2", "query", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"])
        .run()
        .code(4)
        .stderr_has("timeout");
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(20), "the 2 s timeout answered after {waited:?}");
}

#[test]
fn network_access_is_refused_without_permission() {
    Test::new()
        .args(["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"])
        .run()
        .code(2)
        .stderr_has("--allow-service");
    Test::new()
        .args(["query", "--update", "LOAD <http://127.0.0.1:9/data.ttl>"])
        .run()
        .code(2)
        .stderr_has("--allow-service");
}

#[test]
fn huge_strings_in_a_fact_file_load() {
    let long = "长".repeat(100_000);
    let text = format!(
        "[[source]]\nid = \"s\"\ntitle = \"t\"\n\n[[entity]]\nid = \"e\"\nclass = \"Company\"\nen = \"E\"\nzh = \"{long}\"\n\n[[relation]]\nsubject = \"e\"\nproperty = \"competesWith\"\nobject = \"aliexpress\"\nquote = \"{long}\"\n"
    );
    Test::new().file("long.toml", text).args(["--store", "kb", "load", "long.toml"]).run().success();
}

#[test]
fn garbage_files_are_bad_input_and_load_nothing() {
    let mut garbage = Vec::with_capacity(8 << 20);
    let mut state: u64 = 1;
    while garbage.len() < 8 << 20 {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        garbage.extend_from_slice(&state.to_le_bytes());
    }
    let setup = Test::new().file("empty.nt", "").args(["--store", "kb", "load", "empty.nt"]).run().success();
    let store = setup.dir.join("kb");
    let before = count(&store);
    for name in ["garbage.nt", "garbage.ttl", "garbage.toml"] {
        let path = setup.dir.join(name);
        std::fs::write(&path, &garbage).unwrap();
        let outcome = Test::new().args(["--store", store.to_str().unwrap(), "load", path.to_str().unwrap()]).run();
        assert_eq!(outcome.code, 2, "{name}: {}", outcome.stderr);
        assert_eq!(count(&store), before, "{name} loaded nothing");
    }
    // A gigabyte: 8 MiB of garbage, then (sparse, so the disk is spared) zeros up to 1 GiB.
    // RDF is streamed and fails at the first bad byte; a fact file that large is refused
    // before it is read, so memory stays bounded.
    for name in ["huge.nt", "huge.toml"] {
        let path = setup.dir.join(name);
        let file = std::fs::File::create(&path).unwrap();
        std::io::Write::write_all(&mut &file, &garbage).unwrap();
        file.set_len(1 << 30).unwrap();
        let outcome = Test::new().args(["--store", store.to_str().unwrap(), "load", path.to_str().unwrap()]).run();
        assert_eq!(outcome.code, 2, "{name}: {}", outcome.stderr);
        assert_eq!(count(&store), before, "{name} loaded nothing");
        if name.ends_with(".toml") {
            assert!(outcome.stderr.contains("more than the 256 MiB"), "{}", outcome.stderr);
        }
    }
}

#[test]
fn cyclic_organization_hierarchies_do_not_hang() {
    let text = "[[source]]\nid = \"s\"\ntitle = \"t\"\n\n\
        [[entity]]\nid = \"a\"\nclass = \"Company\"\nen = \"Cycle A\"\nzh = \"甲\"\n\n\
        [[entity]]\nid = \"b\"\nclass = \"Company\"\nen = \"Cycle B\"\nzh = \"乙\"\n\n\
        [[relation]]\nsubject = \"a\"\nproperty = \"org:subOrganizationOf\"\nobject = \"b\"\nquote = \"q1\"\n\n\
        [[relation]]\nsubject = \"b\"\nproperty = \"org:subOrganizationOf\"\nobject = \"a\"\nquote = \"q2\"\n";
    let setup = Test::new().file("cycle.toml", text).args(["--store", "kb", "load", "cycle.toml"]).run().success();
    let store = setup.dir.join("kb");
    let store = store.to_str().unwrap();
    Test::new()
        .args(["--store", store, "reach", "Cycle A", "--direction", "upstream"])
        .run()
        .success()
        .stdout_has("Cycle B");
    // Each is the other's parent, so neither has an ancestor the other lacks: no result.
    Test::new().args(["--store", store, "common", "Cycle A", "Cycle B"]).run().code(1).stderr_has("share no ancestor");
    Test::new().args(["--store", store, "path", "Cycle A", "Cycle B", "--all", "--max-len", "5"]).run().success();
}

#[test]
fn all_paths_on_a_dense_graph_stops_within_its_budget() {
    let mut turtle = String::new();
    for a in 0..25 {
        for b in 0..25 {
            if a != b {
                turtle.push_str(&format!("<urn:n{a}> <urn:linked> <urn:n{b}> .\n"));
            }
        }
    }
    let setup =
        Test::new().file("dense.nt", turtle).args(["--bare", "--store", "kb", "load", "dense.nt"]).run().success();
    let store = setup.dir.join("kb");
    let store = store.to_str().unwrap();
    Test::new()
        .args(["--store", store, "path", "urn:n0", "urn:n1", "--all", "--max-len", "50"])
        .run()
        .code(2)
        .stderr_has("--limit");
    Test::new()
        .args([
            "--store",
            store,
            "path",
            "urn:n0",
            "urn:n1",
            "--all",
            "--max-len",
            "50",
            "--limit",
            "100000000",
            "--format",
            "json",
        ])
        .run()
        .success()
        .stderr_has("budget");
}

#[test]
fn report_parameters_cannot_inject_sparql() {
    let hostile = "x\" } } ; DROP ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> } #";
    let created = Test::new().file("empty.nt", "").args(["--store", "kb", "load", "empty.nt"]).run().success();
    let kb = created.dir.join("kb");
    let setup = Test::new()
        .file("q/names.rq", "# title: Names\n# param: name\nSELECT ?e WHERE { ?e rdfs:label ?name }\n")
        .args([
            "--store",
            kb.to_str().unwrap(),
            "report",
            "run",
            "names",
            "--queries",
            "q",
            "--param",
            &format!("name={hostile}"),
            "--format",
            "csv",
        ])
        .run()
        .success();
    assert_eq!(setup.stdout.trim(), "e", "the hostile value is a literal that matches nothing");
    let store = kb;
    Test::new().args(["--store", store.to_str().unwrap(), "query", "ASK { <urn:a> <urn:b> <urn:c> }"]).run().code(1);
    Test::new().args(["--store", store.to_str().unwrap(), "describe", "AliExpress"]).run().success();
}

#[test]
fn invalid_utf8_and_bom_and_crlf_in_fact_files() {
    let good = "\u{feff}[[source]]\r\nid = \"s\"\r\ntitle = \"t\"\r\n\r\n[[entity]]\r\nid = \"e\"\r\nclass = \"Company\"\r\nen = \"E\"\r\nzh = \"乙\"\r\n";
    Test::new().file("crlf.toml", good).args(["check", "crlf.toml"]).run().success();
    let mut bad = b"[[source]]\nid = \"s\"\ntitle = \"".to_vec();
    bad.extend_from_slice(&[0xff, 0xfe, 0x80]);
    bad.extend_from_slice(b"\"\n");
    Test::new().file("bad.toml", bad).args(["check", "bad.toml"]).run().code(2).stderr_has("invalid UTF-8");
}

#[test]
fn an_unexpected_panic_is_one_line_and_exit_code_5() {
    let out = Test::new()
        .env("STRATAGRAPH_TEST_PANIC", "1")
        .env("RUST_BACKTRACE", "0")
        .args(["query", "ASK {}"])
        .run()
        .code(5)
        .stderr_has("internal error: panic requested by STRATAGRAPH_TEST_PANIC")
        .stderr_has("please report it");
    assert_eq!(out.stderr.trim_end().lines().count(), 1, "more than one line:\n{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn rust_backtrace_still_shows_the_trace() {
    Test::new()
        .env("STRATAGRAPH_TEST_PANIC", "1")
        .env("RUST_BACKTRACE", "1")
        .args(["query", "ASK {}"])
        .run()
        .code(5)
        .stderr_has("stack backtrace")
        .stderr_has("please report it");
}

/// Runs the binary under a shell with this umask, in a temporary folder.
fn with_umask(umask: &str, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(binary())
        .args(args)
        .current_dir(dir)
        .env("STRATAGRAPH_NETRC", "/nonexistent")
        .output()
        .expect("run under sh")
}

#[cfg(unix)]
#[test]
fn output_files_honour_the_umask_and_keep_an_existing_mode() {
    // Regression (issue 16, class 6; issue 17): files written with -o were created 0600.
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |name: &str| std::fs::metadata(dir.path().join(name)).unwrap().permissions().mode() & 0o777;
    for (umask, expected) in [("022", 0o644), ("027", 0o640), ("077", 0o600)] {
        let name = format!("graph-{umask}.dot");
        let out = with_umask(umask, dir.path(), &["export", "--around", "Choice", "-o", &name]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(mode(&name), expected, "umask {umask}");
    }
    // A file that is replaced keeps its mode.
    let kept = dir.path().join("kept.tsv");
    std::fs::write(&kept, "old").unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o664)).unwrap();
    let out = with_umask("077", dir.path(), &["query", "ASK {}", "--format", "tsv", "-o", "kept.tsv"]);
    assert!(out.status.success());
    assert_eq!(mode("kept.tsv"), 0o664);
    assert_ne!(std::fs::read_to_string(&kept).unwrap(), "old");
}

#[test]
fn a_full_disk_on_standard_output_is_an_error_but_a_closed_pipe_is_not() {
    // Regression (issue 16, class 7): `dump > /dev/full` exited 0 with no message.
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("skipping: no /dev/full here");
        return;
    }
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(binary()).args(["dump"]).stdout(full).stderr(Stdio::piped()).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write to standard output"), "{stderr}");
    // `| head` closes the pipe early: that ends quietly.
    let mut child =
        Command::new(binary()).args(["dump"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_corrupted_store_says_so_and_is_not_in_use() {
    // Regression (issue 16, class 9): "block checksum" was read as a lock problem.
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kb");
    let store_arg = store.to_str().unwrap();
    let empty = dir.path().join("empty.nt");
    std::fs::write(&empty, "").unwrap();
    Test::new().args(["load", "--store", store_arg, "--bare", empty.to_str().unwrap()]).run().success();
    let manifest = std::fs::read_dir(&store)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("MANIFEST"))
        .expect("a MANIFEST file")
        .path();
    let mut bytes = std::fs::read(&manifest).unwrap();
    for byte in bytes.iter_mut().skip(8) {
        *byte ^= 0x5a;
    }
    std::fs::write(&manifest, bytes).unwrap();
    let out = Test::new().args(["query", "--store", store_arg, "ASK {}"]).run();
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("corrupt"), "{}", out.stderr);
    assert!(!out.stderr.contains("in use"), "{}", out.stderr);
}

#[test]
fn impossible_sizes_are_usage_errors() {
    // Regression (issue 16, classes 10 and 13): a 32 TB allocation aborted; --limit 0 said "no path".
    let huge = Test::new().args(["gen", "--entities", "1000000000000"]).run();
    assert_eq!(huge.code, 2, "{}", huge.stderr);
    assert!(huge.stderr.contains("--entities"), "{}", huge.stderr);
    let zero = Test::new().args(["path", "Choice", "Temu", "--all", "--max-len", "3", "--limit", "0"]).run();
    assert_eq!(zero.code, 2, "{}", zero.stderr);
    assert!(zero.stderr.contains("--limit must be at least 1"), "{}", zero.stderr);
}

#[cfg(unix)]
#[test]
fn pipes_and_devices_are_refused_where_a_file_is_expected() {
    // Regression (issue 16, class 3): a FIFO blocked `load` forever, holding the write lock;
    // /dev/zero grew without bound.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.nt");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let fifo = fifo.to_str().unwrap().to_owned();
    let store = dir.path().join("kb").to_str().unwrap().to_owned();
    let cases: Vec<Vec<String>> = vec![
        vec!["load".into(), fifo.clone(), "--store".into(), store.clone()],
        vec!["check".into(), fifo.clone()],
        vec!["query".into(), "-f".into(), fifo.clone()],
        vec!["query".into(), "-f".into(), "/dev/zero".into()],
        vec!["check".into(), "/dev/zero".into()],
        vec!["export".into(), "--construct".into(), "/dev/zero".into()],
    ];
    for args in cases {
        let mut child = Command::new(binary())
            .args(&args)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("`{}` did not end", args.join(" "));
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(2), "`{}`: {stderr}", args.join(" "));
        assert!(stderr.contains("not a regular file"), "`{}`: {stderr}", args.join(" "));
    }
}

/// `n` copies of `item` joined by `separator`.
fn chain(item: &str, separator: &str, n: usize) -> String {
    vec![item; n].join(separator)
}

#[test]
fn queries_deep_without_brackets_are_refused_not_a_crash() {
    // Regression (issue 16, class 1): flat syntax builds deep algebra, which overflowed the
    // stack and aborted the process (exit 134). Every construct at 20,000.
    let n = 20_000;
    let cases = [
        ("operators", format!("SELECT ({} AS ?x) WHERE {{}}", chain("1", "+", n))),
        ("or", format!("SELECT * WHERE {{ ?s ?p ?o FILTER({}) }}", chain("?o", " || ", n))),
        ("union", format!("SELECT * WHERE {{ {} }}", chain("{ ?s ?p ?o }", " UNION ", n))),
        ("optional", format!("SELECT * WHERE {{ ?s ?p ?o {} }}", chain("OPTIONAL { ?s ?p ?o }", " ", n))),
        ("minus", format!("SELECT * WHERE {{ ?s ?p ?o {} }}", chain("MINUS { ?s ?p ?o }", " ", n))),
        ("filters", format!("SELECT * WHERE {{ ?s ?p ?o {} }}", chain("FILTER(?o)", " ", n))),
        ("path steps", format!("SELECT * WHERE {{ ?s {} ?o }}", chain("sg:operates", "/", n))),
        (
            "patterns",
            format!(
                "SELECT * WHERE {{ {} }}",
                (0..n).map(|i| format!("?s{i} sg:operates ?o{i} .")).collect::<Vec<_>>().join(" ")
            ),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, query) in &cases {
        let out = Test::new().args(["query"]).stdin(query.as_bytes()).run();
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert!(out.stderr.contains("operations deep"), "{name}: {}", out.stderr);
        // The same text as a saved report, and as a line of a REPL script.
        std::fs::write(
            dir.path().join(format!("deep-{}.rq", name.replace(' ', "-"))),
            format!("# title: deep\n{query}\n"),
        )
        .unwrap();
    }
    let listed = Test::new().args(["report", "list", "--queries", dir.path().to_str().unwrap()]).run().success();
    assert!(listed.stderr.contains("operations deep"), "{}", listed.stderr);
    let script = format!("{}\ndescribe Choice\n", cases[2].1);
    let repl = Test::new().args(["repl"]).stdin(script).run();
    assert_ne!(repl.code, 134);
    assert!(repl.stdout.contains("Choice"), "the script goes on after the refused line");
    // Below the bound, a long chain still runs.
    let fine =
        format!("SELECT (COUNT(*) AS ?n) WHERE {{ {} }}", chain("{ entity:aidc sg:operates ?o }", " UNION ", 300));
    Test::new().args(["query"]).stdin(fine.as_bytes()).run().success();
}

/// An RDF/XML document with this DTD internal subset and this body inside one property.
fn rdfxml(dtd: &str, value: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n{dtd}\n]>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:ex=\"http://example.org/\">\n  <rdf:Description rdf:about=\"http://example.org/s\"><ex:p>{value}</ex:p></rdf:Description>\n</rdf:RDF>\n"
    )
}

/// Regression (issue 16, class 4): a 1 KB "billion laughs" file expanded to gigabytes.
#[test]
fn rdfxml_entities_cannot_expand_without_bound() {
    let laughs = rdfxml(
        " <!ENTITY a \"aaaaaaaaaa\">\n <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">",
        "&c;",
    );
    let many = rdfxml(&format!(" <!ENTITY big \"{}\">", "x".repeat(1000)), &"&big;".repeat(70_000));
    let parameter = rdfxml(" <!ENTITY % p \"x\">", "text");
    let external = rdfxml(" <!ENTITY e SYSTEM \"file:///etc/passwd\">", "&e;");
    let cases = [
        (&laughs, "bad.rdf:4:2:", "nested entities are refused"),
        (&many, "bad.rdf:3:2:", "would expand to more than 64 MiB"),
        (&parameter, "bad.rdf:3:2:", "parameter entities are refused"),
        (&external, "bad.rdf:3:2:", "external entities are not read"),
    ];
    for (text, location, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("kb");
        Test::new()
            .file("empty.nt", "")
            .args(["load", "--bare", "--store", store.to_str().unwrap(), "empty.nt"])
            .run()
            .success();
        let before = count(&store);
        let out = Test::new()
            .file("bad.rdf", text)
            .args(["load", "--store", store.to_str().unwrap(), "bad.rdf"])
            .run()
            .code(2);
        assert!(out.stderr.contains(location) && out.stderr.contains(message), "{location} {message}: {}", out.stderr);
        assert_eq!(count(&store), before, "a refused load changes nothing");
    }
    // Flat entities, as OWL files use for namespaces, still load.
    let flat = rdfxml(" <!ENTITY ex \"http://example.org/\">", "&ex;name");
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kb");
    Test::new()
        .file("ok.rdf", flat)
        .args(["load", "--bare", "--store", store.to_str().unwrap(), "ok.rdf"])
        .run()
        .success();
    let out = Test::new()
        .args([
            "query",
            "--store",
            store.to_str().unwrap(),
            "--format",
            "csv",
            "SELECT ?o WHERE { <http://example.org/s> ?p ?o }",
        ])
        .run()
        .success();
    assert!(out.stdout.contains("http://example.org/name"), "{}", out.stdout);
}

/// Regression (issue 16, class 12): a term over the parser's 16 MiB was exit 3 "cannot
/// read", with no location. It is bad input, located.
#[test]
fn an_overlong_literal_or_iri_is_bad_input_with_its_location() {
    let huge = "x".repeat(17 << 20);
    let literal = format!("<http://e/a> <http://e/b> \"ok\" .\n<http://e/a> <http://e/b> \"{huge}\" .\n");
    let iri = format!("@prefix e: <http://e/> .\ne:a e:b e:c .\ne:a e:b <http://e/{huge}> .\n");
    for (name, text, location) in [("big.nt", literal, "big.nt:2:27:"), ("big.ttl", iri, "big.ttl:3:9:")] {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("kb");
        Test::new()
            .file("empty.nt", "")
            .args(["load", "--bare", "--store", store.to_str().unwrap(), "empty.nt"])
            .run()
            .success();
        let before = count(&store);
        let out = Test::new().file(name, &text).args(["load", "--store", store.to_str().unwrap(), name]).run().code(2);
        assert!(
            out.stderr.contains(location) && out.stderr.contains("longer than the 16 MiB"),
            "{location}: {}",
            out.stderr
        );
        assert_eq!(count(&store), before);
    }
}

/// Regression (issue 16, class 11): every dangling reference was compared with every
/// declared id for its "did you mean", so 20,000 of them took 50 s to check.
#[test]
fn thousands_of_dangling_references_are_reported_in_linear_work() {
    let mut text = String::from("[[source]]\nid = \"s\"\ntitle = \"t\"\n\n");
    for i in 0..2000 {
        text.push_str(&format!(
            "[[entity]]\nid = \"entity-number-{i}\"\nclass = \"Company\"\nen = \"E{i}\"\nzh = \"乙{i}\"\n\n"
        ));
    }
    for i in 0..20_000 {
        text.push_str(&format!(
            "[[relation]]\nsubject = \"entity-number-{}\"\nproperty = \"operates\"\nobject = \"entity-numbr-{i}\"\nquote = \"q\"\n\n",
            i % 2000
        ));
    }
    let out = Test::new().file("dangling.toml", &text).args(["check", "dangling.toml"]).run().code(2);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert_eq!(all.matches("unknown object id").count(), 20_000, "every dangling reference is reported");
    let suggested = all.matches("did you mean").count();
    assert!(suggested > 0 && suggested <= 100, "suggestions are capped: {suggested}");
    assert!(all.contains("suggestions stop after 100 unknown ids"));
}

/// Issue 16, class 13: error messages echoed whole inputs, control characters raw.
#[test]
fn error_messages_cut_long_inputs_and_escape_control_characters() {
    let out = Test::new().args(["describe", "\u{1b}[31mred\u{7}"]).run().code(2);
    assert!(!out.stderr.contains('\u{1b}') && !out.stderr.contains('\u{7}'), "{:?}", out.stderr);
    assert!(out.stderr.contains("\\u{1b}[31mred\\u{7}"), "{:?}", out.stderr);
    let long = format!("SELECT * WHERE {{ ?s ?p ?o }} {}", "garbage ".repeat(200_000));
    let out = Test::new().args(["query"]).stdin(&long).run().code(2);
    assert!(out.stderr.len() < 4000, "the error quotes {} bytes", out.stderr.len());
    assert!(out.stderr.contains("sparql syntax error at 1:"), "{}", out.stderr);
    assert!(out.stderr.contains('^'), "the caret still points: {}", out.stderr);
    let name = "x".repeat(100_000);
    let out = Test::new().args(["describe", &name]).run().code(2);
    assert!(out.stderr.len() < 4000 && out.stderr.contains("more characters"), "{} bytes", out.stderr.len());
}

/// Issue 16, class 8: a killed bulk load left its `bulk-*.sst` files in the store forever,
/// and killed `-o` runs their temporary files.
#[test]
fn what_killed_runs_leave_behind_is_removed_later() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kb");
    Test::new()
        .file("empty.nt", "")
        .args(["load", "--bare", "--store", store.to_str().unwrap(), "empty.nt"])
        .run()
        .success();
    let dead = store.join("bulk-123456789.sst");
    std::fs::write(&dead, b"left by a loader that was killed").unwrap();
    Test::new()
        .file("one.nt", "<urn:a> <urn:b> <urn:c> .\n")
        .args(["load", "--store", store.to_str().unwrap(), "one.nt"])
        .run()
        .success();
    assert!(!dead.exists(), "the next writable open removes a dead loader's files");
    // Temporary files of ours, an hour old, go; a fresh one (another run's) stays.
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let stale = out_dir.join(".stratagraph-killed.tmp");
    let fresh = out_dir.join(".stratagraph-running.tmp");
    std::fs::write(&stale, b"x").unwrap();
    std::fs::write(&fresh, b"x").unwrap();
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options().write(true).open(&stale).unwrap().set_modified(two_hours_ago).unwrap();
    Test::new().args(["query", "-o", out_dir.join("r.csv").to_str().unwrap(), "ASK {}"]).run().success();
    assert!(!stale.exists() && fresh.exists());
}

/// Issue 16, class 6: `-o` through a symbolic link replaced the link, and to a device or a
/// pipe would have replaced the device node with a file.
#[test]
fn output_through_links_and_pipes_keeps_what_it_points_at() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.csv");
    let link = dir.path().join("link.csv");
    std::fs::write(&real, "old\n").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    Test::new().args(["query", "-o", link.to_str().unwrap(), "SELECT ?x WHERE { VALUES ?x { 1 } }"]).run().success();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "x\r\n1\r\n", "the file it points to is replaced");
    // A hard-linked file is rewritten in place: both names see the new contents.
    let other = dir.path().join("other-name.csv");
    std::fs::hard_link(&real, &other).unwrap();
    Test::new().args(["query", "-o", real.to_str().unwrap(), "SELECT ?y WHERE { VALUES ?y { 2 } }"]).run().success();
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "y\r\n2\r\n", "the other name sees the new contents");
    // A FIFO is written to, not replaced.
    let fifo = dir.path().join("pipe");
    let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    Test::new()
        .args(["export", "--format", "mermaid", "--around", "Temu", "-o", fifo.to_str().unwrap()])
        .run()
        .success();
    assert!(reader.join().unwrap().contains("flowchart"), "the reader got the export");
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a pipe");
}

/// Issue 16, class 5: a SERVICE endpoint that never answers held the query forever.
#[test]
fn a_silent_service_endpoint_is_given_up_on() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream); // accepted, never answered
        }
    });
    let query = format!("SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}");
    let mut child = Command::new(binary())
        .args(["query", "--allow-service", "--timeout", "1", &query])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the query still waits on a silent SERVICE endpoint after a minute");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(!status.success(), "a SERVICE that never answers is an error");
}

/// Issue 16, class 5: a 10 MB cell made the table layout crawl; terminal tables cut long
/// cells, machine formats keep them whole.
#[test]
fn terminal_tables_cut_huge_cells_and_csv_keeps_them() {
    let value = "y".repeat(200_000);
    let query = format!("SELECT ?v WHERE {{ VALUES ?v {{ \"{value}\" }} }}");
    let table = Test::new().args(["query"]).stdin(&query).run().success();
    assert!(
        table.stdout.len() < 40_000 && table.stdout.contains("198000 more characters"),
        "{} bytes",
        table.stdout.len()
    );
    let csv = Test::new().args(["query", "--format", "csv"]).stdin(&query).run().success();
    assert!(csv.stdout.contains(&value));
    // A name thousands of characters long is simply not found.
    Test::new().args(["search", &"速".repeat(2000)]).run().code(1);
}

/// Issue 16, class 13: an answer may not grow without bound; the cap is clear and movable.
#[test]
fn answers_are_capped_in_rows_with_a_clear_error() {
    Test::new()
        .args(["--max-rows", "5", "query", "SELECT * WHERE { ?s ?p ?o }"])
        .run()
        .code(2)
        .stderr_has("the answer has more than 5 rows")
        .stderr_has("--max-rows");
    Test::new()
        .args(["--max-rows", "5", "query", "CONSTRUCT WHERE { ?s ?p ?o }"])
        .run()
        .code(2)
        .stderr_has("more than 5 rows");
    Test::new()
        .args(["--max-rows", "5", "query", "--format", "csv", "SELECT * WHERE { ?s ?p ?o } LIMIT 5"])
        .run()
        .success();
    Test::new()
        .args(["--max-rows", "3", "report", "run", "alibaba-structure"])
        .run()
        .code(2)
        .stderr_has("more than 3 rows");
    Test::new().args(["--max-rows", "0", "query", "ASK {}"]).run().code(2).stderr_has("at least 1");
    // The program's own reads are not capped: describe still works under a tiny cap.
    Test::new().args(["--max-rows", "1", "describe", "AliExpress"]).run().success();
}

/// The resident memory of a running process, from /proc (Linux), in KiB.
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A query whose evaluation would fill the memory (a sorted cross join of the built-in
/// graph with itself: tens of millions of rows held for the sort) is stopped once it has
/// grown the process by `--max-memory`, with exit 2 and a hint, and no timeout needed. The
/// child's memory is sampled while it runs: it stays near the bound, where unbounded it
/// would take gigabytes. Another join shape and the flag's own errors are covered too.
#[test]
fn a_query_is_stopped_when_it_grows_past_the_memory_bound() {
    if !std::path::Path::new("/proc/self/status").exists() {
        eprintln!("skipped: the memory bound is read from /proc, which this system lacks");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for query in [
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",
        "SELECT (GROUP_CONCAT(STR(?c)) AS ?all) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    ] {
        let started = std::time::Instant::now();
        let mut child = Command::new(binary())
            .current_dir(dir.path())
            .args(["--max-memory", "64", "query", query])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut peak_kib = 0;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            peak_kib = peak_kib.max(resident_kib(pid).unwrap_or(0));
            if started.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                panic!("{query}: still running after two minutes (peak {peak_kib} KiB)");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(2), "{query}: {stderr}");
        assert!(stderr.contains("more than 64 MiB of memory"), "{query}: {stderr}");
        assert!(stderr.contains("--max-memory"), "{query}: {stderr}");
        // The bound is on growth over what the process held before; allow for that base and
        // for the time between two samples of the watch.
        assert!(peak_kib < 1024 * 1024, "{query}: the process reached {peak_kib} KiB under a 64 MiB bound");
    }
    Test::new().args(["--max-memory", "0", "query", "ASK {}"]).run().code(2).stderr_has("--max-memory");
    // An ordinary query is untouched by a small bound.
    Test::new().args(["--max-memory", "16", "query", "ASK { ?s ?p ?o }"]).run().success().stdout_has("true");
}

/// One deadline for the whole command: a timeout far too short for the command's first
/// phase ends describe, search, a long query's parsing, a report and an SVG export with
/// exit 4, whichever phase it lands in.
#[test]
fn one_deadline_covers_every_phase_of_a_command() {
    let long_query = format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ VALUES (?a ?b) {{ {} }} }}",
        (0..60_000).map(|i| format!("(<http://example.org/{i}> \"v{i}\")")).collect::<Vec<_>>().join(" ")
    );
    let cases: Vec<Vec<String>> = vec![
        vec!["describe".into(), "AliExpress".into()],
        vec!["timeline".into(), "Jiang Fan".into()],
        vec!["query".into(), "-f".into(), "long.rq".into()],
        vec!["report".into(), "run".into(), "entities-per-class".into()],
        vec!["export".into(), "--format".into(), "svg".into(), "-o".into(), "picture.svg".into()],
    ];
    for case in cases {
        let outcome = Test::new()
            .file("long.rq", &long_query)
            .args(["--timeout", "0.000001"])
            .args(&case)
            .run()
            .code(4)
            .stderr_has("timeout");
        assert!(!outcome.dir.join("picture.svg").exists(), "{case:?} left a picture behind");
    }
    // With time enough, the same long query answers.
    Test::new()
        .file("long.rq", &long_query)
        .args(["--timeout", "60", "query", "-f", "long.rq"])
        .run()
        .success()
        .stdout_has("60000");
}

/// Each writable open makes RocksDB set its log aside as `LOG.old.*`; the store keeps the
/// newest few, not one per command forever.
#[test]
fn old_store_logs_do_not_pile_up() {
    let setup = Test::new()
        .file("one.nt", "<http://example.org/a> <http://example.org/b> \"c\" .\n")
        .args(["--bare", "--store", "kb", "-q", "load", "one.nt"])
        .run()
        .success();
    let store = setup.dir.join("kb");
    let store = store.to_str().unwrap();
    for i in 0..10 {
        Test::new()
            .args(["--store", store, "-q", "query", "--update"])
            .args([format!("INSERT DATA {{ <http://example.org/a> <http://example.org/n> {i} }}")])
            .run()
            .success();
    }
    let old_logs = std::fs::read_dir(&store)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("LOG.old."))
        .count();
    assert!(old_logs <= 4, "{old_logs} old logs after ten writes");
    Test::new()
        .args(["--store", store, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://example.org/n> ?o }"])
        .run()
        .success()
        .stdout_has("10");
}
