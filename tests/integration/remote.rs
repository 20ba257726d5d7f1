//! The backend seam, tested as a team would use it: the article's data pushed to a real
//! SPARQL engine (Virtuoso, oxigraph server), then every command run on the embedded store
//! and on the engine, with the same answers asserted. Network faults are played by a small
//! local server that refuses, stalls, truncates and errs.
//!
//! The engines come from `.ci/run`, which starts them and names them in environment
//! variables. Without them a test prints why it skips; under CI (`CI` set) it fails instead.

use crate::util::Test;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A remote engine under test: how to reach it and with what credentials.
struct Engine {
    name: &'static str,
    endpoint: String,
    update: Option<String>,
    graph_store: Option<String>,
    user: Option<String>,
    password: Option<String>,
    token: Option<String>,
}

/// The engine named by `STRATAGRAPH_TEST_<NAME>`, or `None` with a printed reason; under CI
/// a missing engine is a failure, never a silent skip.
fn engine(name: &'static str) -> Option<Engine> {
    let key = format!("STRATAGRAPH_TEST_{}", name.to_ascii_uppercase());
    let var = |suffix: &str| std::env::var(format!("{key}{suffix}")).ok().filter(|v| !v.is_empty());
    let Some(endpoint) = var("") else {
        if std::env::var_os("CI").is_some() {
            panic!("{key} is not set: under CI, .ci/run must start {name} and name its endpoint");
        }
        eprintln!("skipped: {key} is not set (start {name} as .ci/run does to run this test)");
        return None;
    };
    Some(Engine {
        name,
        endpoint,
        update: var("_UPDATE"),
        graph_store: var("_GSP"),
        user: var("_USER"),
        password: var("_PASSWORD"),
        token: None,
    })
}

impl Engine {
    /// A graph of this test's own, so tests and runs do not meet.
    fn fresh_graph(&self, test: &str) -> String {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        format!("https://w3id.org/stratagraph/test/{}/{test}/{}-{nanos}", self.name, std::process::id())
    }

    /// The connection flags, scoped to `graph`.
    fn flags(&self, graph: &str) -> Vec<String> {
        let mut flags = vec!["--endpoint".to_owned(), self.endpoint.clone(), "--graph".to_owned(), graph.to_owned()];
        if let Some(update) = &self.update {
            flags.extend(["--update-endpoint".to_owned(), update.clone()]);
        }
        if let Some(store) = &self.graph_store {
            flags.extend(["--graph-store".to_owned(), store.clone()]);
        }
        flags
    }

    /// A run against the engine with its credentials in the environment.
    fn test(&self, graph: &str) -> Test {
        let mut test = Test::new().args(self.flags(graph));
        if let Some(user) = &self.user {
            test = test.env("STRATAGRAPH_ENDPOINT_USER", user);
        }
        if let Some(password) = &self.password {
            test = test.env("STRATAGRAPH_ENDPOINT_PASSWORD", password);
        }
        if let Some(token) = &self.token {
            test = test.env("STRATAGRAPH_ENDPOINT_TOKEN", token);
        }
        test
    }

    /// Removes the test's graph.
    fn drop_graph(&self, graph: &str) {
        let _ = self.test(graph).args(["query", "--update", &format!("DROP SILENT GRAPH <{graph}>")]).run();
    }
}

/// The commands of the contract: each must answer the same on every backend.
const CONTRACT: &[&[&str]] = &[
    &["describe", "AliExpress"],
    &["describe", "蒋凡", "--format", "json"],
    &["describe", "Choice", "--lang", "zh"],
    &["search", "速卖"],
    &["search", "Taobao", "--format", "json"],
    &["query", "SELECT ?p ?o WHERE { entity:aidc ?p ?o } ORDER BY ?p ?o", "--format", "csv"],
    &["query", "SELECT ?platform WHERE { entity:aidc sg:operates ?platform }", "--format", "json"],
    &["query", "ASK { entity:aidc sg:operates entity:aliexpress }"],
    &["query", "SELECT (COUNT(*) AS ?n) WHERE { ?claim a sg:Claim }", "--format", "tsv"],
    &["path", "Jiang Fan", "1688overseas", "--evidence"],
    &["path", "蒋凡", "1688overseas", "--k", "3", "--lang", "zh"],
    &["path", "AIDC", "Temu", "--format", "json"],
    &["neighbors", "AIDC", "--depth", "2", "--via", "organization"],
    &["reach", "Choice", "--via", "supply", "--direction", "upstream"],
    &["common", "Taotian Overseas", "AliExpress", "--via", "organization"],
    &["central", "--top", "10"],
    &["report", "list"],
    &["report", "run", "person-role", "--param", "person=蒋凡"],
    &["report", "all"],
    &["export", "--format", "dot", "--around", "AliExpress", "--depth", "2"],
    &["export", "--format", "mermaid", "--via", "organization,supply"],
    &["export", "--format", "cytoscape", "--path", "Jiang Fan", "1688overseas"],
    &["export", "--format", "turtle", "--around", "Choice", "--depth", "1"],
    // The graph as of a day: the same rewrite and views on every engine.
    &["query", "SELECT ?org WHERE { entity:jiang-fan org:headOf ?org } ORDER BY ?org", "--as-of", "2024-06-30", "--format", "csv"],
    &["query", "SELECT ?name WHERE { entity:jiang-fan org:headOf/rdfs:label ?name } ORDER BY ?name", "--as-of", "2025-01-01", "--format", "csv"],
    &["query", "SELECT ?v WHERE { ?n sg:observationOf entity:choice ; sg:value ?v } ORDER BY ?v", "--as-of", "2023-06-30", "--format", "csv"],
    &["describe", "蒋凡", "--as-of", "2025-01-01", "--format", "json"],
    &["timeline", "AliExpress"],
    &["path", "Jiang Fan", "AliExpress", "--as-of", "2025-01-01"],
    &["report", "run", "person-role", "--param", "person=蒋凡", "--as-of", "2025-01-01"],
    // Inference by rewriting, alone and with the day.
    &["query", "SELECT ?unit WHERE { ?unit schema:parentOrganization entity:alibaba } ORDER BY ?unit", "--infer", "rdfs", "--format", "csv"],
    &["query", "SELECT ?o WHERE { entity:jiang-fan org:memberOf ?o } ORDER BY ?o", "--infer", "rdfs", "--as-of", "2025-01-01", "--format", "csv"],
    &["query", "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a schema:Organization }", "--infer", "rdfs", "--format", "csv"],
    &["query", "SELECT ?x WHERE { entity:jiang-fan org:headOf+ ?x } ORDER BY ?x", "--as-of", "2024-06-30", "--format", "csv"],
    // The project's SERVICEs, answered locally and joined on the engine.
    &["query", "SELECT DISTINCT ?platform ?length WHERE { SERVICE sgpath: { [] sgpath:source entity:alibaba-1688 ; sgpath:target ?platform ; sgpath:via \"supply\" ; sgpath:maxLength 3 ; sgpath:length ?length } ?platform sg:competesWith|^sg:competesWith entity:temu } ORDER BY ?platform", "--format", "csv"],
    &["query", "SELECT ?about ?text WHERE { SERVICE sgtext: { [] sgtext:query \"托管\" ; sgtext:limit 20 ; sgtext:text ?text ; sgtext:about ?about } ?about a sg:Program } ORDER BY ?about ?text", "--format", "csv"],
];

/// Lines of a CONSTRUCT answer in a stable order (engines order triples as they like).
fn sorted_lines(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines.join("\n")
}

/// The first line where two outputs differ, for a readable failure.
fn first_difference(here: &str, there: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (here.lines().collect(), there.lines().collect());
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).copied().unwrap_or("<end>"), b.get(i).copied().unwrap_or("<end>"));
        if x != y {
            return format!("line {}:\n  embedded: {x}\n  remote:   {y}", i + 1);
        }
    }
    "the same lines".to_owned()
}

fn contract(engine: &Engine) {
    let graph = engine.fresh_graph("contract");
    let pushed = engine.test(&graph).args(["push"]).run().success();
    assert!(pushed.stderr.contains("pushed 2"), "{}", pushed.stderr);
    // A second push of the same data changes nothing.
    let again = engine.test(&graph).args(["push"]).run().success();
    assert!(again.stderr.contains("(+0)"), "a second push changed the graph: {}", again.stderr);
    for command in CONTRACT {
        let local = Test::new().args(*command).run();
        let remote = engine.test(&graph).args(*command).run();
        assert!(
            local.code == remote.code && local.stdout == remote.stdout,
            "`{}` differs on {}: exit {} here, {} there\n{}\nremote stderr: {}",
            command.join(" "),
            engine.name,
            local.code,
            remote.code,
            first_difference(&local.stdout, &remote.stdout),
            remote.stderr
        );
    }
    let construct =
        ["query", "CONSTRUCT { ?s sg:operates ?o } WHERE { ?s sg:operates ?o }", "--graph-format", "ntriples"];
    let local = Test::new().args(construct).run().success();
    let remote = engine.test(&graph).args(construct).run().success();
    assert_eq!(sorted_lines(&local.stdout), sorted_lines(&remote.stdout));
    // The REPL on the engine, scripted.
    let script = "describe Choice\nSELECT ?p WHERE { entity:aidc sg:operates ?p }\npath AIDC Taobao\n";
    let local = Test::new().args(["repl"]).stdin(script).run().success();
    let remote = engine.test(&graph).args(["repl"]).stdin(script).run().success();
    assert_eq!(local.stdout, remote.stdout);
    // An update reaches the engine and the views follow it.
    let update = "INSERT DATA { GRAPH <GRAPH> { entity:zz-test a sg:Platform ; rdfs:label \"Zeta Test\"@en } }"
        .replace("GRAPH>", &format!("{graph}>"));
    engine.test(&graph).args(["query", "--update", &update]).run().success();
    engine.test(&graph).args(["search", "Zeta Test"]).run().success().stdout_has("Zeta Test");
    // pull copies the graph into a local store that answers the same.
    let pulled = engine.test(&graph).args(["pull", "--into", "kb"]).run().success();
    let store = pulled.dir.join("kb");
    let from_store = Test::new().args(["--store", store.to_str().unwrap(), "describe", "AliExpress"]).run().success();
    let from_memory = Test::new().args(["describe", "AliExpress"]).run().success();
    assert_eq!(from_store.stdout, from_memory.stdout);
    engine.drop_graph(&graph);
}

#[test]
fn every_command_answers_the_same_on_virtuoso() {
    if let Some(engine) = engine("virtuoso") {
        contract(&engine);
    }
}

#[test]
fn every_command_answers_the_same_on_oxigraph_server() {
    if let Some(engine) = engine("oxigraph") {
        contract(&engine);
    }
}

#[test]
fn every_command_answers_the_same_on_stratagraph_serve() {
    // stratagraph's own server is a SPARQL engine like the others: started here, on a new
    // store holding only the ontology, with updates guarded by a token.
    let token = "contract-suite-token-0123456789";
    let server =
        crate::serve::Served::start(&["--update", "--store", "kb", "--bare"], &[("STRATAGRAPH_SERVE_TOKEN", token)]);
    let base = format!("http://{}", server.address);
    let engine = Engine {
        name: "stratagraph",
        endpoint: format!("{base}/query"),
        update: Some(format!("{base}/update")),
        graph_store: Some(format!("{base}/store")),
        user: None,
        password: None,
        token: Some(token.to_owned()),
    };
    contract(&engine);
}

#[test]
fn pushing_fact_files_checks_them_first_and_loads_nothing_on_error() {
    let Some(engine) = engine("oxigraph") else { return };
    let graph = engine.fresh_graph("bad-push");
    let bad = "[[source]]\nid = \"src-x\"\ntitle = \"X\"\n\n[[relation]]\nsubject = \"nobody\"\nproperty = \"operates\"\nobject = \"aliexpress\"\nquote = \"x\"\nsource = \"src-x\"\n";
    engine.test(&graph).file("bad.toml", bad).args(["push", "bad.toml"]).run().code(2);
    let count = engine
        .test(&graph)
        .args(["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "tsv"])
        .run()
        .success();
    assert!(count.stdout.lines().nth(1).is_some_and(|n| n.trim() == "0"), "{}", count.stdout);
}

/// A local stand-in for a misbehaving engine: answers each connection with `respond`.
struct FakeEngine {
    url: String,
    requests: Arc<AtomicUsize>,
}

fn fake_engine(respond: impl Fn(usize, &str) -> Option<Vec<u8>> + Send + Sync + 'static) -> FakeEngine {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/sparql", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            match respond(n, &head) {
                Some(reply) => {
                    let _ = stream.write_all(&reply);
                }
                // Stall: hold the connection without answering.
                None => std::thread::sleep(std::time::Duration::from_secs(10)),
            }
        }
    });
    FakeEngine { url, requests }
}

fn reply(status: &str, headers: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
        .into_bytes()
}

const ONE_ROW: &str =
    r#"{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://example.org/a"}}]}}"#;

fn query_on(url: &str) -> Test {
    Test::new().args(["--endpoint", url, "query", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv"])
}

#[test]
fn a_refused_connection_names_the_endpoint() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/sparql", listener.local_addr().unwrap());
    drop(listener);
    query_on(&url).run().code(3).stderr_has(&url).stderr_has("refused the connection");
}

#[test]
fn an_engine_that_does_not_answer_times_out() {
    let fake = fake_engine(|_, _| None);
    Test::new()
        .args(["--endpoint", &fake.url, "--timeout", "1", "describe", "AliExpress"])
        .run()
        .code(4)
        .stderr_has("did not answer within the 1s timeout");
}

#[test]
fn a_401_asks_for_credentials_and_basic_credentials_are_sent() {
    let fake = fake_engine(|_, head| {
        let authorized = head.lines().any(|l| l.to_ascii_lowercase().starts_with("authorization: basic "));
        Some(if authorized {
            reply("200 OK", "Content-Type: application/sparql-results+json\r\n", ONE_ROW)
        } else {
            reply("401 Unauthorized", "WWW-Authenticate: Basic realm=\"kb\"\r\n", "who are you")
        })
    });
    query_on(&fake.url).run().code(3).stderr_has("401").stderr_has("STRATAGRAPH_ENDPOINT_USER");
    query_on(&fake.url)
        .env("STRATAGRAPH_ENDPOINT_USER", "ana")
        .env("STRATAGRAPH_ENDPOINT_PASSWORD", "secret")
        .run()
        .success()
        .stdout_has("http://example.org/a");
}

#[test]
fn credentials_come_from_a_netrc_file() {
    let fake = fake_engine(|_, head| {
        // "ana:secret" in base64.
        let authorized = head.lines().any(|l| l.trim_end() == "authorization: Basic YW5hOnNlY3JldA==");
        Some(if authorized {
            reply("200 OK", "Content-Type: application/sparql-results+json\r\n", ONE_ROW)
        } else {
            reply("401 Unauthorized", "WWW-Authenticate: Basic realm=\"kb\"\r\n", "")
        })
    });
    query_on(&fake.url)
        .file("netrc", "machine 127.0.0.1 login ana password secret\n")
        .env("STRATAGRAPH_NETRC", "netrc")
        .run()
        .success()
        .stdout_has("http://example.org/a");
}

#[test]
fn a_4xx_shows_the_engines_message() {
    let fake =
        fake_engine(|_, _| Some(reply("400 Bad Request", "Content-Type: text/plain\r\n", "Parse error near LIMTI")));
    query_on(&fake.url).run().code(3).stderr_has("400").stderr_has("Parse error near LIMTI");
}

#[test]
fn a_5xx_is_retried_with_backoff_then_reported() {
    let fake = fake_engine(|_, _| Some(reply("503 Service Unavailable", "", "overloaded")));
    query_on(&fake.url).run().code(3).stderr_has("503").stderr_has("after 4 tries");
    assert_eq!(fake.requests.load(Ordering::SeqCst), 4);
    let flaky = fake_engine(|n, _| {
        Some(if n < 2 {
            reply("500 Internal Server Error", "", "")
        } else {
            reply("200 OK", "Content-Type: application/sparql-results+json\r\n", ONE_ROW)
        })
    });
    query_on(&flaky.url).run().success().stdout_has("http://example.org/a");
}

#[test]
fn a_truncated_or_mistyped_answer_is_an_error() {
    let truncated = fake_engine(|_, _| {
        let mut bytes = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n".to_vec();
        bytes.extend_from_slice(&ONE_ROW.as_bytes()[..30]);
        Some(bytes)
    });
    query_on(&truncated.url).run().code(3).stderr_has("truncated");
    let html = fake_engine(|_, _| Some(reply("200 OK", "Content-Type: text/html\r\n", "<html>login</html>")));
    query_on(&html.url).run().code(3).stderr_has("text/html");
}

#[test]
fn an_unknown_host_is_a_clear_error() {
    query_on("http://no-such-host.invalid/sparql").run().code(3).stderr_has("no-such-host.invalid");
}

#[test]
fn remote_mode_refuses_service_calls_before_sending() {
    let fake = fake_engine(|_, _| Some(reply("200 OK", "Content-Type: application/sparql-results+json\r\n", ONE_ROW)));
    Test::new()
        .args(["--endpoint", &fake.url, "query", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"])
        .run()
        .code(2)
        .stderr_has("--allow-service");
    assert_eq!(fake.requests.load(Ordering::SeqCst), 0);
}

#[test]
fn store_and_endpoint_are_exclusive_and_push_needs_an_endpoint() {
    Test::new().args(["--store", "kb", "--endpoint", "http://127.0.0.1:1/sparql", "describe", "Choice"]).run().code(2);
    Test::new().args(["push"]).run().code(2).stderr_has("--endpoint");
}
