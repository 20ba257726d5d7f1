//! `stratagraph serve` driven as clients would: the SPARQL protocol (GET, form and direct
//! POST, content negotiation, errors), the command API checked against its OpenAPI file,
//! the limits, the token, CORS, timeouts and the graceful stop. Every test starts the real
//! binary on a free loopback port.

use crate::util::binary;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `stratagraph serve`, stopped when dropped.
pub struct Served {
    child: Child,
    pub address: String,
    _dir: tempfile::TempDir,
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Served {
    /// Starts the server with these extra arguments (and environment) on a free port.
    pub fn start(args: &[&str], env: &[(&str, &str)]) -> Served {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(binary());
        command
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(args)
            .current_dir(dir.path())
            .env_remove("STRATAGRAPH_STORE")
            .env_remove("STRATAGRAPH_ENDPOINT")
            .env_remove("STRATAGRAPH_SERVE_TOKEN")
            .env("STRATAGRAPH_NETRC", "/nonexistent")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn stratagraph serve");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let address = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| {
                let mut stderr = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
                panic!("the server did not start: {line}{stderr}")
            })
            .to_owned();
        Served { child, address, _dir: dir }
    }

    /// The default server on the built-in data.
    pub fn builtin() -> Served {
        Served::start(&[], &[])
    }

    /// Sends a raw request and reads the whole answer.
    pub fn raw(&self, request: &[u8]) -> Answer {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        stream.write_all(request).unwrap();
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        parse_answer(&bytes)
    }

    /// A request with headers and a body.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.address);
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        if !body.is_empty() || method == "POST" || method == "PUT" {
            request.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body);
        self.raw(&bytes)
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        self.request("GET", path, headers, b"")
    }

    /// The CPU time the server has used so far, in clock ticks (Linux).
    pub fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // The fields after the command name, which is in brackets: utime and stime are the
        // 12th and 13th of them.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = rest.split(' ').collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    }

    /// Sends SIGTERM and waits (bounded) for the exit code.
    pub fn terminate(mut self) -> i32 {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the server did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_answer(bytes: &[u8]) -> Answer {
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP answer");
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer { status, headers, body: bytes[split + 4..].to_vec() }
}

/// Percent-encodes a query-string value.
pub fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

const PLATFORMS: &str = "SELECT ?p WHERE { ?p a sg:Platform } ORDER BY ?p LIMIT 3";

#[test]
fn queries_by_get_form_and_direct_post_give_the_same_answer() {
    let server = Served::builtin();
    let get = server.get(&format!("/sparql?query={}", encode(PLATFORMS)), &[]);
    assert_eq!(get.status, 200, "{}", get.text());
    assert_eq!(get.header("content-type"), Some("application/sparql-results+json"));
    let rows = get.json()["results"]["bindings"].as_array().unwrap().len();
    assert_eq!(rows, 3);
    let form = server.request(
        "POST",
        "/query",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        format!("query={}", encode(PLATFORMS)).as_bytes(),
    );
    let direct =
        server.request("POST", "/sparql", &[("Content-Type", "application/sparql-query")], PLATFORMS.as_bytes());
    assert_eq!(form.body, get.body);
    assert_eq!(direct.body, get.body);
}

#[test]
fn the_accept_header_chooses_the_format_by_q_value() {
    let server = Served::builtin();
    let path = format!("/sparql?query={}", encode(PLATFORMS));
    let csv = server.get(&path, &[("Accept", "application/sparql-results+json;q=0.5, text/csv")]);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.text().starts_with("p\r\n"), "{}", csv.text());
    let tsv = server.get(&path, &[("Accept", "text/*;q=0.2, text/tab-separated-values;q=0.9")]);
    assert!(tsv.header("content-type").unwrap().starts_with("text/tab-separated-values"));
    let xml = server.get(&path, &[("Accept", "application/sparql-results+xml")]);
    assert!(xml.text().contains("<sparql"), "{}", xml.text());
    let refused = server.get(&path, &[("Accept", "image/png")]);
    assert_eq!(refused.status, 406);
    let construct =
        format!("/sparql?query={}", encode("CONSTRUCT { entity:choice ?p ?o } WHERE { entity:choice ?p ?o }"));
    for (accept, expected) in [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
    ] {
        let answer = server.get(&construct, &[("Accept", accept)]);
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("content-type"), Some(expected));
        assert!(answer.text().contains("choice"), "{accept}: {}", answer.text());
    }
    // A graph cannot be sent as a results format.
    assert_eq!(server.get(&construct, &[("Accept", "text/csv")]).status, 406);
}

#[test]
fn a_syntax_error_is_400_with_its_line_and_column() {
    let server = Served::builtin();
    let answer = server.get(&format!("/sparql?query={}", encode("SELECT ?x\nWHERE { ?x ?y }")), &[]);
    assert_eq!(answer.status, 400);
    assert!(answer.text().contains("sparql syntax error at 2:"), "{}", answer.text());
    let api = server.request(
        "POST",
        "/api/export?format=cytoscape",
        &[("Content-Type", "application/sparql-query")],
        b"CONSTRUCT WHERE { ?s ?p }",
    );
    assert_eq!(api.status, 400);
    assert_eq!(api.json()["line"], 1);
    assert!(api.json()["column"].as_u64().is_some());
}

#[test]
fn a_bare_get_is_the_service_description() {
    let server = Served::builtin();
    let answer = server.get("/sparql", &[("Accept", "text/turtle")]);
    assert_eq!(answer.status, 200);
    let text = answer.text();
    assert!(text.contains("sparql-service-description#Service"), "{text}");
    assert!(text.contains("SPARQL11Query"));
    assert!(!text.contains("SPARQL11Update"), "a read-only server offers no updates");
}

#[test]
fn the_graph_store_serves_the_default_and_named_graphs() {
    let server = Served::builtin();
    let default = server.get("/store?default", &[("Accept", "application/n-triples")]);
    assert_eq!(default.status, 200);
    assert!(default.text().lines().count() > 1000, "the built-in data is in the default graph");
    assert_eq!(server.get("/store?graph=urn:nothing", &[]).status, 404);
    assert_eq!(server.get("/store", &[]).status, 400);
}

#[test]
fn writes_need_update_and_the_token() {
    let read_only = Served::builtin();
    let update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }";
    let form = format!("update={}", encode(update));
    let refused =
        read_only.request("POST", "/update", &[("Content-Type", "application/x-www-form-urlencoded")], form.as_bytes());
    assert_eq!(refused.status, 403, "{}", refused.text());

    let token = "a-test-token-of-some-length";
    let server = Served::start(&["--update"], &[("STRATAGRAPH_SERVE_TOKEN", token)]);
    let form_type = ("Content-Type", "application/x-www-form-urlencoded");
    let without = server.request("POST", "/update", &[form_type], form.as_bytes());
    assert_eq!(without.status, 401);
    assert!(without.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")));
    let wrong = server.request("POST", "/update", &[form_type, ("Authorization", "Bearer wrong")], form.as_bytes());
    assert_eq!(wrong.status, 401);
    let bearer = format!("Bearer {token}");
    let done = server.request("POST", "/update", &[form_type, ("Authorization", &bearer)], form.as_bytes());
    assert_eq!(done.status, 204, "{}", done.text());
    let ask = server.get(&format!("/sparql?query={}", encode("ASK { <urn:a> <urn:b> <urn:c> }")), &[]);
    assert_eq!(ask.json()["boolean"], true);
    // A query sent as an update, and an update sent to the query endpoint, are refused.
    let query_form = format!("update={}", encode("SELECT * WHERE { ?s ?p ?o }"));
    let misdirected =
        server.request("POST", "/update", &[form_type, ("Authorization", &bearer)], query_form.as_bytes());
    assert_eq!(misdirected.status, 400);
    let to_query = server.request("POST", "/query", &[form_type, ("Authorization", &bearer)], form.as_bytes());
    assert_eq!(to_query.status, 400);
    // Graph Store writes: PUT replaces a named graph, GET reads it back, DELETE drops it.
    let put = server.request(
        "PUT",
        "/store?graph=urn:g",
        &[("Content-Type", "application/n-triples"), ("Authorization", &bearer)],
        b"<urn:x> <urn:y> \"z\" .\n",
    );
    assert_eq!(put.status, 204, "{}", put.text());
    let read = server.get("/store?graph=urn:g", &[("Accept", "application/n-triples")]);
    assert_eq!(read.text().trim(), "<urn:x> <urn:y> \"z\" .");
    let put_without = server.request("PUT", "/store?graph=urn:g", &[("Content-Type", "application/n-triples")], b"");
    assert_eq!(put_without.status, 401);
    let delete = server.request("DELETE", "/store?graph=urn:g", &[("Authorization", &bearer)], b"");
    assert_eq!(delete.status, 204);
    assert_eq!(server.get("/store?graph=urn:g", &[]).status, 404);
}

#[test]
fn update_without_a_real_token_does_not_start() {
    let outcome = crate::util::Test::new().args(["serve", "--update"]).run();
    assert_eq!(outcome.code, 2);
    assert!(outcome.stderr.contains("bearer token"), "{}", outcome.stderr);
}

#[test]
fn service_and_load_are_refused_in_requests() {
    let server = Served::builtin();
    let service = server.get(
        &format!("/sparql?query={}", encode("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")),
        &[],
    );
    assert_eq!(service.status, 400, "{}", service.text());
    assert!(service.text().contains("SERVICE"), "{}", service.text());
}

#[test]
fn oversized_bodies_are_413() {
    let server = Served::start(&["--max-body-mib", "1"], &[]);
    let big = vec![b'#'; 2 << 20];
    let answer = server.request("POST", "/sparql", &[("Content-Type", "application/sparql-query")], &big);
    assert_eq!(answer.status, 413);
}

#[test]
fn a_query_that_would_run_for_minutes_is_stopped_at_the_timeout() {
    let server = Served::start(&[], &[]);
    let endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";
    let answer = server.get(&format!("/sparql?query={}&timeout=1", encode(endless)), &[]);
    assert_eq!(answer.status, 503, "{}", answer.text());
    assert!(answer.text().contains("cancelled"), "{}", answer.text());
    // The work itself stops, not only the answer: a Cartesian product makes rows without
    // reading the store, and a worker left making them would keep a core busy for hours.
    // The bound is a hang guard (the process must go idle within 30 s), not a timing.
    let started = Instant::now();
    loop {
        let before = server.cpu_ticks();
        std::thread::sleep(Duration::from_millis(500));
        let spent = server.cpu_ticks() - before;
        // 500 ms is 50 ticks at the usual 100 per second; a busy worker spends them all.
        if spent < 20 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the cancelled query still runs ({spent} ticks in 500 ms)"
        );
    }
    // The server is still answering.
    assert_eq!(server.get(&format!("/sparql?query={}", encode("ASK {}")), &[]).status, 200);
    let bad = server.get(&format!("/sparql?query={}&timeout=-3", encode("ASK {}")), &[]);
    assert_eq!(bad.status, 400);
}

/// Queries run on the request's own thread; the watchdog that keeps their deadline keeps
/// the memory bound too: a query that would fill the memory is stopped near it.
#[test]
fn a_query_that_would_fill_the_memory_is_stopped_at_the_bound() {
    if !std::path::Path::new("/proc/self/status").exists() {
        eprintln!("skipped: the memory bound is read from /proc, which this system lacks");
        return;
    }
    let server = Served::start(&["--max-memory", "64"], &[]);
    let greedy = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f";
    let answer = server.get(&format!("/sparql?query={}", encode(greedy)), &[]);
    assert_eq!(answer.status, 400, "{}", answer.text());
    assert!(answer.text().contains("more than 64 MiB of memory"), "{}", answer.text());
    assert_eq!(server.get(&format!("/sparql?query={}", encode("ASK {}")), &[]).status, 200);
}

#[test]
fn cors_only_for_the_origins_given() {
    let closed = Served::builtin();
    let answer = closed.get("/api/info", &[("Origin", "https://example.org")]);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("access-control-allow-origin"), None);
    let open = Served::start(&["--cors", "https://example.org"], &[]);
    let allowed = open.get("/api/info", &[("Origin", "https://example.org")]);
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://example.org"));
    let other = open.get("/api/info", &[("Origin", "https://evil.example")]);
    assert_eq!(other.header("access-control-allow-origin"), None);
    let preflight = open.request(
        "OPTIONS",
        "/sparql",
        &[
            ("Origin", "https://example.org"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        b"",
    );
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("https://example.org"));
    let methods = preflight.header("access-control-allow-methods").unwrap();
    for method in ["GET", "POST", "PUT", "DELETE"] {
        assert!(methods.contains(method), "{method} missing from {methods}");
    }
    assert!(preflight.header("access-control-allow-headers").unwrap().to_ascii_lowercase().contains("content-type"));
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let server = Served::builtin();
    assert_eq!(server.get("/api/info", &[]).status, 200);
    assert_eq!(server.terminate(), 0);
}

#[test]
fn a_client_that_disconnects_mid_request_does_not_hurt_the_server() {
    let server = Served::builtin();
    {
        let mut stream = TcpStream::connect(&server.address).unwrap();
        stream.write_all(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nSELECT").unwrap();
    }
    {
        // Asks for the whole graph and hangs up without reading.
        let mut stream = TcpStream::connect(&server.address).unwrap();
        stream.write_all(b"GET /store?default HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    }
    let answer = server.get("/api/search?q=Choice", &[]);
    assert_eq!(answer.status, 200);
}

fn openapi_validator(document: &serde_json::Value, path: &str, status: &str) -> jsonschema::Validator {
    let schema = document["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"].clone();
    assert!(schema.is_object(), "no schema for {path} {status}");
    let mut root = serde_json::json!({ "components": document["components"].clone() });
    root["$ref"] = "#/components/schemas/__reply".into();
    root["components"]["schemas"]["__reply"] = schema;
    jsonschema::draft202012::new(&root).expect("the OpenAPI schema compiles")
}

#[test]
fn the_command_api_answers_as_its_openapi_file_says() {
    let server = Served::builtin();
    let document = server.get("/api/openapi.json", &[]).json();
    assert_eq!(document["openapi"], "3.1.0");
    let cases = [
        ("/api/describe", "/api/describe?entity=Choice"),
        ("/api/describe", "/api/describe?entity=%E8%92%8B%E5%87%A1&lang=zh"),
        ("/api/search", "/api/search?q=%E9%80%9F%E5%8D%96%E9%80%9A"),
        ("/api/path", "/api/path?from=jiang-fan&to=Choice&evidence=true"),
        ("/api/path", "/api/path?from=Taobao&to=Temu&k=3&via=competition,organization"),
        ("/api/neighbors", "/api/neighbors?entity=AliExpress&depth=2"),
        ("/api/reach", "/api/reach?entity=Choice&direction=upstream"),
        ("/api/common", "/api/common?a=Taobao&b=AliExpress"),
        ("/api/central", "/api/central?top=5&by=degree"),
        ("/api/reports", "/api/reports"),
        ("/api/reports/{name}", "/api/reports/alibaba-structure"),
    ];
    for (path, url) in cases {
        let answer = server.get(url, &[]);
        assert_eq!(answer.status, 200, "{url}: {}", answer.text());
        let value = answer.json();
        let validator = openapi_validator(&document, path, "200");
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{url}: {errors:?}");
    }
    // The same JSON as the CLI gives.
    let cli = crate::util::Test::new().args(["describe", "Choice", "--format", "json"]).run().success().json();
    assert_eq!(server.get("/api/describe?entity=Choice", &[]).json(), cli);
    // Errors are JSON with a hint, and match the error schema.
    let unknown = server.get("/api/describe?entity=Nobody%20At%20All", &[]);
    assert_eq!(unknown.status, 400);
    let validator = openapi_validator(&document, "/api/describe", "400");
    assert!(validator.is_valid(&unknown.json()), "{}", unknown.text());
    assert!(unknown.json()["hint"].is_string());
    let missing = server.get("/api/path?from=Choice", &[]);
    assert_eq!(missing.status, 400);
    assert!(missing.json()["error"].as_str().unwrap().contains("`to`"));
    assert_eq!(server.get("/api/nothing-here", &[]).status, 404);
}

#[test]
fn reports_exports_and_checks_over_the_api() {
    let server = Served::builtin();
    let table = server.get("/api/reports/alibaba-structure/run", &[]);
    assert_eq!(table.status, 200);
    assert!(table.json()["results"]["bindings"].as_array().is_some_and(|rows| !rows.is_empty()));
    let csv = server.get("/api/reports/alibaba-structure/run?format=csv", &[]);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let svg = server.get("/api/export?around=Choice&depth=1", &[]);
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"));
    assert!(svg.text().contains("<svg"));
    let cytoscape = server.get("/api/export?format=cytoscape&path=jiang-fan,Temu&k=2", &[]);
    assert!(cytoscape.json()["elements"]["nodes"].as_array().is_some_and(|n| n.len() >= 3));
    let constructed = server.request(
        "POST",
        "/api/export?format=cytoscape",
        &[("Content-Type", "application/sparql-query")],
        b"CONSTRUCT { ?a sg:competesWith ?b } WHERE { ?a sg:competesWith ?b }",
    );
    assert_eq!(constructed.status, 200, "{}", constructed.text());
    assert!(constructed.json()["elements"]["edges"].as_array().is_some_and(|e| !e.is_empty()));
    // A fact file uploaded for checking: its `text` path is not read from the server's disk.
    let upload = "[[source]]\nid = \"upload-src\"\ntitle = \"A test source\"\ndate = \"2025-01-01\"\ntext = \"/etc/passwd\"\n\n[[entity]]\nid = \"upload-co\"\nclass = \"Company\"\nen = \"Upload Co\"\nzh = \"上传公司\"\n\n[[relation]]\nsubject = \"upload-co\"\nproperty = \"competesWith\"\nobject = \"temu\"\nsource = \"upload-src\"\nquote = \"root:x:0:0\"\n";
    let checked = server.request("POST", "/api/check", &[("Content-Type", "application/toml")], upload.as_bytes());
    assert_eq!(checked.status, 200, "{}", checked.text());
    let report = checked.json();
    assert_eq!(report["quotes_verified"], 0, "{report}");
    assert_eq!(report["quotes_unverified"], 1, "{report}");
    let broken = server.request("POST", "/api/check", &[], b"[[entity]\nid = ");
    assert_eq!(broken.status, 400);
    assert!(broken.json()["problems"].as_array().is_some_and(|p| !p.is_empty()), "{}", broken.text());
}

#[test]
fn concurrent_requests_all_get_their_answers() {
    let server = Served::builtin();
    let address = server.address.clone();
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let address = address.clone();
            std::thread::spawn(move || {
                let probe = Served::probe(
                    &address,
                    if i % 2 == 0 { "/api/describe?entity=Choice" } else { "/api/path?from=jiang-fan&to=Temu" },
                );
                assert_eq!(probe, 200);
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

impl Served {
    fn probe(address: &str, path: &str) -> u16 {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes()).unwrap();
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        parse_answer(&bytes).status
    }
}

/// The Python with SPARQLWrapper and rdflib that `.ci/run` installs, or `None` with a reason
/// (a failure under CI).
fn python_clients() -> Option<String> {
    let python = std::env::var("STRATAGRAPH_TEST_PYTHON").ok().filter(|p| !p.is_empty());
    let works = python.as_ref().is_some_and(|python| {
        Command::new(python).args(["-c", "import SPARQLWrapper, rdflib"]).status().is_ok_and(|s| s.success())
    });
    if works {
        return python;
    }
    let reason = "STRATAGRAPH_TEST_PYTHON must name a Python with SPARQLWrapper and rdflib";
    assert!(std::env::var_os("CI").is_none(), "{reason}; .ci/run installs them");
    eprintln!("skipping: {reason}");
    None
}

#[test]
fn standard_python_clients_read_the_endpoint() {
    let Some(python) = python_clients() else { return };
    let server = Served::builtin();
    let script = r#"
import sys
from SPARQLWrapper import SPARQLWrapper, JSON, TURTLE
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
endpoint = sys.argv[1]
client = SPARQLWrapper(endpoint)
client.setQuery("PREFIX sg: <https://w3id.org/stratagraph/ontology#> SELECT ?p WHERE { ?p a sg:Platform } ORDER BY ?p")
client.setReturnFormat(JSON)
rows = client.query().convert()["results"]["bindings"]
print("rows", len(rows), rows[0]["p"]["value"])
client.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5")
client.setReturnFormat(TURTLE)
print("turtle", len(Graph().parse(data=client.query().convert(), format="turtle")))
store = SPARQLStore(endpoint)
graph = Graph(store=store)
answer = list(graph.query("ASK { <https://w3id.org/stratagraph/id/aidc> ?p ?o }"))
print("ask", answer[0])
"#;
    let output =
        Command::new(python).args(["-c", script, &format!("http://{}/sparql", server.address)]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("rows ") && stdout.contains("https://w3id.org/stratagraph/id/"), "{stdout}");
    assert!(stdout.contains("turtle 5"), "{stdout}");
    assert!(stdout.contains("ask True"), "{stdout}");
}

#[test]
fn curl_queries_the_endpoint() {
    if !std::path::Path::new("/usr/bin/curl").exists() {
        assert!(std::env::var_os("CI").is_none(), "curl is missing; .ci/run installs it");
        eprintln!("skipping: no curl");
        return;
    }
    let server = Served::builtin();
    let output = Command::new("curl")
        .args(["-s", "-f", "-H", "Accept: text/tab-separated-values", "--data-urlencode"])
        .arg("query=SELECT ?name WHERE { entity:aliexpress rdfs:label ?name } ORDER BY ?name")
        .arg(format!("http://{}/sparql", server.address))
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("?name\n") && text.contains("速卖通"), "{text}");
}

#[test]
fn a_slow_client_does_not_hold_up_the_others() {
    let server = Served::builtin();
    // Half a request, left open while another client is answered.
    let mut slow = TcpStream::connect(&server.address).unwrap();
    slow.write_all(b"GET /api/search?q=Cho").unwrap();
    let answer = server.get("/api/describe?entity=Choice", &[]);
    assert_eq!(answer.status, 200);
    slow.write_all(b"ice HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut bytes = Vec::new();
    slow.read_to_end(&mut bytes).unwrap();
    assert_eq!(parse_answer(&bytes).status, 200);
}
