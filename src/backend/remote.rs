//! The remote backend: a SPARQL 1.1 Protocol endpoint for queries and updates, and the Graph
//! Store Protocol for loads, over plain HTTP with Basic, Digest or bearer credentials from the
//! environment or a netrc file (never from the command line).
//!
//! Network faults become one clear error naming the endpoint (exit 3): refused, unknown
//! host, time-out, 401/403 with a hint about credentials, the engine's own message for other
//! 4xx, 5xx after bounded retries with backoff, a truncated body or a wrong content type.

use super::contract::{Answer, Evaluation, LoadContents, LoadInput, LoadObserver};
use crate::error::Error;
use crate::facts::lower::Lowered;
use oxhttp::model::{Body, Method, Request, StatusCode};
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::{
    BlankNode, GraphName, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term, TermRef, Triple, Variable,
};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How to reach a remote engine.
#[derive(Debug, Clone, Default)]
pub struct RemoteOptions {
    /// The SPARQL query endpoint.
    pub endpoint: String,
    /// The SPARQL update endpoint (default: the query endpoint).
    pub update_endpoint: Option<String>,
    /// The Graph Store Protocol endpoint used by `push` (default: SPARQL updates).
    pub graph_store: Option<String>,
    /// Scope every query to this named graph, and write pushes into it.
    pub graph: Option<String>,
    /// Refuse writes.
    pub read_only: bool,
    /// Credentials, read from the environment or a netrc file by the face.
    pub credentials: Option<Credentials>,
    /// The time limit of every request that gives none of its own (`--timeout`).
    pub timeout: Option<Duration>,
}

/// Credentials for the endpoint.
#[derive(Clone, Default)]
pub struct Credentials {
    pub user: Option<String>,
    pub password: Option<String>,
    /// A bearer token, sent as `Authorization: Bearer ...`.
    pub token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("user", &self.user).finish_non_exhaustive()
    }
}

impl Credentials {
    /// Credentials for `url` from `STRATAGRAPH_ENDPOINT_TOKEN`, `STRATAGRAPH_ENDPOINT_USER` and
    /// `STRATAGRAPH_ENDPOINT_PASSWORD`, else from the netrc file (`STRATAGRAPH_NETRC`, or
    /// `~/.netrc`) entry of the URL's host.
    pub fn from_environment(url: &str) -> Option<Credentials> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let token = var("STRATAGRAPH_ENDPOINT_TOKEN");
        let user = var("STRATAGRAPH_ENDPOINT_USER");
        let password = var("STRATAGRAPH_ENDPOINT_PASSWORD");
        if token.is_some() || user.is_some() {
            return Some(Credentials { user, password, token });
        }
        let path = var("STRATAGRAPH_NETRC")
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".netrc")))?;
        let text = std::fs::read_to_string(path).ok()?;
        let host = url::Url::parse(url).ok()?.host_str()?.to_owned();
        netrc_entry(&text, &host).map(|(user, password)| Credentials { user: Some(user), password, token: None })
    }
}

/// The login and password of `host` (or of `default`) in a netrc text.
fn netrc_entry(text: &str, host: &str) -> Option<(String, Option<String>)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut found: Option<(String, Option<String>)> = None;
    let mut i = 0;
    while i < words.len() {
        let matches = match words[i] {
            "machine" => {
                i += 1;
                words.get(i) == Some(&host)
            }
            "default" => found.is_none(),
            _ => {
                i += 1;
                continue;
            }
        };
        i += 1;
        if !matches {
            continue;
        }
        let (mut login, mut password) = (None, None);
        while i < words.len() && !matches!(words[i], "machine" | "default") {
            match words[i] {
                "login" => login = words.get(i + 1).map(|w| (*w).to_owned()),
                "password" => password = words.get(i + 1).map(|w| (*w).to_owned()),
                _ => {}
            }
            i += 2;
        }
        if let Some(login) = login {
            found = Some((login, password));
        }
    }
    found
}

/// A remote SPARQL engine.
pub struct Remote {
    options: RemoteOptions,
    /// The last state token and when it was read: reused for a few seconds, so one command
    /// asks once; forgotten at once after a write of ours.
    state: Mutex<Option<(String, std::time::Instant)>>,
    /// The last Digest challenge, reused so later requests authenticate at once.
    digest: Mutex<Option<digest_auth::WwwAuthenticateHeader>>,
}

/// How long a remote state token is trusted before it is read again.
const STATE_TTL: Duration = Duration::from_secs(5);
/// How many times a request that met a 5xx or a dropped connection is retried.
const RETRIES: u32 = 3;
/// The HTTP time limit when the command gives none.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Rows per page when a predicate is read in bulk.
const PAGE: usize = 100_000;
/// Triples per Graph Store Protocol request of a push.
const PUSH_BATCH: usize = 20_000;
/// Triples per INSERT DATA when no Graph Store endpoint is given.
const UPDATE_BATCH: usize = 2_000;

/// One HTTP answer, fully read.
struct Reply {
    content_type: String,
    body: Vec<u8>,
}

impl Remote {
    /// Checks the endpoint URLs; no request is made until a command needs one.
    pub fn new(options: RemoteOptions) -> Result<Remote, Error> {
        for (flag, url) in [
            ("--endpoint", Some(&options.endpoint)),
            ("--update-endpoint", options.update_endpoint.as_ref()),
            ("--graph-store", options.graph_store.as_ref()),
        ] {
            let Some(url) = url else { continue };
            let parsed =
                url::Url::parse(url).map_err(|e| Error::input(format!("{flag} `{url}` is not a URL: {e}"), None))?;
            if parsed.scheme() != "http" {
                return Err(Error::input(
                    format!("{flag} `{url}`: only http:// endpoints are supported"),
                    Some("reach an https endpoint through a local proxy or tunnel".to_owned()),
                ));
            }
        }
        if let Some(graph) = &options.graph {
            NamedNode::new(graph.as_str())
                .map_err(|e| Error::input(format!("--graph `{graph}` is not an IRI: {e}"), None))?;
        }
        Ok(Remote { options, state: Mutex::new(None), digest: Mutex::new(None) })
    }

    /// The endpoint, and the graph when scoped to one.
    pub fn location(&self) -> String {
        match &self.options.graph {
            Some(graph) => format!("{} (graph <{graph}>)", self.options.endpoint),
            None => self.options.endpoint.clone(),
        }
    }

    /// True unless opened read-only.
    pub fn can_write(&self) -> bool {
        !self.options.read_only
    }

    /// Fails when opened read-only.
    pub fn ensure_writable(&self) -> Result<(), Error> {
        if self.options.read_only {
            return Err(Error::input(
                format!("{} is open read-only", self.options.endpoint),
                Some("drop --read-only to change it".to_owned()),
            ));
        }
        Ok(())
    }

    /// The number of triples in scope, as the state token, read again when older than
    /// `STATE_TTL` or after a write made through this backend.
    pub fn state(&self) -> Result<String, Error> {
        if let Ok(last) = self.state.lock() {
            if let Some((token, when)) = last.as_ref() {
                if when.elapsed() < STATE_TTL {
                    return Ok(token.clone());
                }
            }
        }
        let token = format!("remote:{}:{}", self.location(), self.len()?);
        if let Ok(mut last) = self.state.lock() {
            *last = Some((token.clone(), std::time::Instant::now()));
        }
        Ok(token)
    }

    /// Forgets the state token, after a write.
    fn forget_state(&self) {
        if let Ok(mut last) = self.state.lock() {
            *last = None;
        }
    }

    /// Counts the triples in scope.
    pub fn len(&self) -> Result<usize, Error> {
        let query = spargebra::SparqlParser::new()
            .parse_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            .map_err(|e| Error::Internal(e.to_string()))?;
        match self.query(&query, &Evaluation::default())? {
            Answer::Solutions { rows, .. } => match rows.first().and_then(|row| row.first()).cloned().flatten() {
                Some(Term::Literal(count)) => count.value().parse::<usize>().map_err(|_| {
                    self.fault(&self.options.endpoint, format!("answered a count that is not a number: {}", count))
                }),
                _ => Err(self.fault(&self.options.endpoint, "answered a count query without a count".to_owned())),
            },
            _ => Err(self.fault(&self.options.endpoint, "answered a SELECT with something else".to_owned())),
        }
    }

    /// Sends a query and reads the whole answer.
    pub fn query(&self, query: &spargebra::Query, evaluation: &Evaluation) -> Result<Answer, Error> {
        let graph_query = matches!(query, spargebra::Query::Construct { .. } | spargebra::Query::Describe { .. });
        let accept = if graph_query {
            "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
        } else {
            "application/sparql-results+json, application/sparql-results+xml;q=0.9"
        };
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("query", &query.to_string());
        if let Some(graph) = &self.options.graph {
            form.append_pair("default-graph-uri", graph);
        }
        let endpoint = &self.options.endpoint;
        let reply = self.send(
            Method::POST,
            endpoint,
            Some("application/x-www-form-urlencoded"),
            accept,
            form.finish().into_bytes(),
            evaluation,
        )?;
        if graph_query {
            let format = rdf_format_of(&reply.content_type)
                .ok_or_else(|| self.wrong_type(endpoint, &reply.content_type, "an RDF graph"))?;
            let mut triples = Vec::new();
            for quad in RdfParser::from_format(format).for_slice(&reply.body) {
                let quad =
                    quad.map_err(|e| self.fault(endpoint, format!("sent a malformed or truncated graph: {e}")))?;
                triples.push(Triple::from(quad));
                if evaluation.over(triples.len()) {
                    return Err(evaluation.too_many_rows());
                }
            }
            return Ok(Answer::Graph(triples));
        }
        let format = results_format_of(&reply.content_type)
            .ok_or_else(|| self.wrong_type(endpoint, &reply.content_type, "SPARQL results"))?;
        let malformed =
            |e: &dyn std::fmt::Display| self.fault(endpoint, format!("sent malformed or truncated results: {e}"));
        match QueryResultsParser::from_format(format).for_slice(&reply.body).map_err(|e| malformed(&e))? {
            SliceQueryResultsParserOutput::Boolean(value) => Ok(Answer::Boolean(value)),
            SliceQueryResultsParserOutput::Solutions(solutions) => {
                let variables: Vec<Variable> = solutions.variables().to_vec();
                let mut rows = Vec::new();
                for solution in solutions {
                    let solution = solution.map_err(|e| malformed(&e))?;
                    rows.push(variables.iter().map(|v| solution.get(v).cloned()).collect());
                    if evaluation.over(rows.len()) {
                        return Err(evaluation.too_many_rows());
                    }
                }
                Ok(Answer::Solutions { variables, rows })
            }
        }
    }

    /// Sends an update to the update endpoint.
    pub fn update(&self, update: &spargebra::Update, evaluation: &Evaluation) -> Result<Answer, Error> {
        let quads_before = self.len()?;
        let sent = self.send_update(&update.to_string(), evaluation);
        self.forget_state();
        sent?;
        Ok(Answer::Updated { quads_before, quads_after: self.len()? })
    }

    fn send_update(&self, text: &str, evaluation: &Evaluation) -> Result<(), Error> {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("update", text);
        let endpoint = self.options.update_endpoint.as_ref().unwrap_or(&self.options.endpoint);
        self.send(
            Method::POST,
            endpoint,
            Some("application/x-www-form-urlencoded"),
            "*/*",
            form.finish().into_bytes(),
            evaluation,
        )?;
        Ok(())
    }

    /// Reads every triple of `predicate` in pages of a bounded size, in a stable order.
    pub fn scan_predicate(
        &self,
        predicate: NamedNodeRef<'_>,
        each: &mut dyn FnMut(&str, TermRef<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut offset = 0usize;
        loop {
            let text = format!(
                "SELECT ?s ?o WHERE {{ ?s <{}> ?o FILTER(isIRI(?s)) }} ORDER BY ?s ?o LIMIT {PAGE} OFFSET {offset}",
                predicate.as_str()
            );
            let query =
                spargebra::SparqlParser::new().parse_query(&text).map_err(|e| Error::Internal(e.to_string()))?;
            let Answer::Solutions { rows, .. } = self.query(&query, &Evaluation::default())? else {
                return Err(self.fault(&self.options.endpoint, "answered a SELECT with something else".to_owned()));
            };
            let n_rows = rows.len();
            for row in rows {
                if let [Some(Term::NamedNode(subject)), Some(object)] = row.as_slice() {
                    each(subject.as_str(), object.as_ref())?;
                }
            }
            if n_rows < PAGE {
                return Ok(());
            }
            offset += PAGE;
        }
    }

    /// Uploads the inputs and the lowered facts in batches. Blank nodes are replaced by IRIs
    /// made from the input's content, so pushing the same data twice changes nothing.
    pub fn push(
        &self,
        inputs: &[LoadInput],
        lowered: &Lowered,
        observer: Option<Arc<dyn LoadObserver>>,
    ) -> Result<(), Error> {
        self.ensure_writable()?;
        // Whatever part of the push went through, the state token read before is stale.
        let pushed = self.push_batches(inputs, lowered, observer);
        self.forget_state();
        pushed
    }

    fn push_batches(
        &self,
        inputs: &[LoadInput],
        lowered: &Lowered,
        observer: Option<Arc<dyn LoadObserver>>,
    ) -> Result<(), Error> {
        let target = self.options.graph.as_ref().map(|g| NamedNode::new_unchecked(g.as_str()));
        let mut batches = Batches { remote: self, target, pending: BTreeMap::new(), written: 0, observer };
        for input in inputs {
            let (parser, bytes): (RdfParser, Box<dyn Read>) = match &input.contents {
                LoadContents::Facts(text) => {
                    if let Some(observer) = &batches.observer {
                        observer.bytes_read(text.len() as u64);
                    }
                    continue;
                }
                LoadContents::RdfText(text, format) => {
                    (RdfParser::from_format(*format), Box::new(std::io::Cursor::new(text.clone().into_bytes())))
                }
                LoadContents::RdfFile(path, format) => (
                    RdfParser::from_format(*format),
                    Box::new(std::fs::File::open(path).map_err(|e| {
                        Error::store(format!("cannot read {}: {e}", path.display()), Some("check the path".to_owned()))
                    })?),
                ),
            };
            let salt = skolem_salt(&input.name, input.size());
            for quad in parser.for_reader(std::io::BufReader::new(bytes)) {
                let quad = quad.map_err(|e| Error::input(format!("{}: {e}", input.name), None))?;
                batches.add(skolemize(quad, &salt))?;
            }
            if let Some(observer) = &batches.observer {
                observer.bytes_read(input.size());
            }
        }
        for quad in &lowered.quads {
            batches.add(quad.clone())?;
        }
        batches.flush_all()
    }

    /// Writes the triples in scope as RDF.
    pub fn dump(&self, format: RdfFormat, writer: &mut dyn std::io::Write) -> Result<(), Error> {
        let query = spargebra::SparqlParser::new()
            .parse_query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            .map_err(|e| Error::Internal(e.to_string()))?;
        let Answer::Graph(triples) = self.query(&query, &Evaluation::default())? else {
            return Err(self.fault(&self.options.endpoint, "answered a CONSTRUCT with something else".to_owned()));
        };
        let mut serializer = RdfSerializer::from_format(format);
        if matches!(format, RdfFormat::Turtle | RdfFormat::TriG) {
            for (prefix, iri) in crate::vocab::PREFIXES {
                serializer = serializer.with_prefix(*prefix, *iri).map_err(|e| Error::Internal(e.to_string()))?;
            }
        }
        let mut out = serializer.for_writer(writer);
        for triple in &triples {
            out.serialize_triple(triple)?;
        }
        out.finish()?;
        Ok(())
    }

    /// Sends one request, answering Basic or Digest challenges with the credentials and
    /// retrying 5xx answers and dropped connections with backoff.
    fn send(
        &self,
        method: Method,
        url: &str,
        content_type: Option<&str>,
        accept: &str,
        body: Vec<u8>,
        evaluation: &Evaluation,
    ) -> Result<Reply, Error> {
        let evaluation = &Evaluation {
            timeout: evaluation.timeout.or(self.options.timeout),
            allow_service: evaluation.allow_service,
            cancel: evaluation.cancel.clone(),
            max_rows: evaluation.max_rows,
            max_memory: evaluation.max_memory,
        };
        let timeout = evaluation.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let client = oxhttp::Client::new().with_global_timeout(timeout).with_redirection_limit(3);
        let mut attempt = 0;
        let mut authorization = self.known_authorization(&method, url, &body);
        loop {
            if evaluation.cancel.as_ref().is_some_and(|c| c.is_cancelled()) {
                return Err(Error::Timeout("the request was cancelled".to_owned()));
            }
            let mut builder = Request::builder().method(method.clone()).uri(url).header("accept", accept);
            if let Some(content_type) = content_type {
                builder = builder.header("content-type", content_type);
            }
            if let Some(value) = &authorization {
                builder = builder.header("authorization", value.as_str());
            }
            let request = builder
                .body(Body::from(body.clone()))
                .map_err(|e| Error::input(format!("cannot make a request to {url}: {e}"), None))?;
            let response = match client.request(request) {
                Ok(response) => response,
                Err(error) => {
                    let retry = matches!(
                        error.kind(),
                        std::io::ErrorKind::ConnectionReset
                            | std::io::ErrorKind::ConnectionAborted
                            | std::io::ErrorKind::UnexpectedEof
                            | std::io::ErrorKind::BrokenPipe
                    );
                    if retry && attempt < RETRIES {
                        attempt += 1;
                        backoff(attempt);
                        continue;
                    }
                    return Err(self.network_error(url, &error, evaluation));
                }
            };
            let status = response.status();
            let reply_type =
                response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let challenge = response.headers().get("www-authenticate").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let declared_length =
                response.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
            let mut reply_body = Vec::new();
            if let Err(error) = response.into_body().read_to_end(&mut reply_body) {
                if attempt < RETRIES && status.is_server_error() {
                    attempt += 1;
                    backoff(attempt);
                    continue;
                }
                return Err(self.fault(url, format!("sent a truncated answer: {error}")));
            }
            if declared_length.is_some_and(|n| n != reply_body.len()) {
                return Err(self.fault(
                    url,
                    format!("sent a truncated answer ({} of {} bytes)", reply_body.len(), declared_length.unwrap_or(0)),
                ));
            }
            if status == StatusCode::UNAUTHORIZED && challenge.is_some() && attempt == 0 {
                if let Some(value) =
                    self.answer_challenge(challenge.as_deref().unwrap_or_default(), &method, url, &body)
                {
                    if authorization.as_deref() != Some(value.as_str()) {
                        authorization = Some(value);
                        attempt += 1;
                        continue;
                    }
                }
            }
            if status.is_success() {
                return Ok(Reply { content_type: reply_type, body: reply_body });
            }
            if status.is_server_error() && attempt < RETRIES {
                attempt += 1;
                backoff(attempt);
                continue;
            }
            return Err(self.status_error(url, status, &reply_body));
        }
    }

    /// An Authorization value to send before any challenge: a bearer token, or a Digest
    /// answer to the last challenge of this endpoint.
    fn known_authorization(&self, method: &Method, url: &str, body: &[u8]) -> Option<String> {
        let credentials = self.options.credentials.as_ref()?;
        if let Some(token) = &credentials.token {
            return Some(format!("Bearer {token}"));
        }
        let mut last = self.digest.lock().ok()?;
        let prompt = last.as_mut()?;
        digest_answer(prompt, credentials, method, url, body)
    }

    /// The Authorization value that answers a 401 challenge, when credentials are at hand.
    fn answer_challenge(&self, challenge: &str, method: &Method, url: &str, body: &[u8]) -> Option<String> {
        let credentials = self.options.credentials.as_ref()?;
        let user = credentials.user.as_deref()?;
        let scheme = challenge.split_whitespace().next().unwrap_or_default().to_ascii_lowercase();
        if scheme == "basic" {
            use base64::Engine as _;
            let pair = format!("{user}:{}", credentials.password.as_deref().unwrap_or_default());
            return Some(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair)));
        }
        if scheme == "digest" {
            let mut prompt = digest_auth::parse(challenge).ok()?;
            let value = digest_answer(&mut prompt, credentials, method, url, body);
            if let Ok(mut last) = self.digest.lock() {
                *last = Some(prompt);
            }
            return value;
        }
        None
    }

    fn network_error(&self, url: &str, error: &std::io::Error, evaluation: &Evaluation) -> Error {
        let text = error.to_string();
        let (what, hint) = match error.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                ("refused the connection".to_owned(), "check that the engine is running and the port is right")
            }
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                if let Some(timeout) = evaluation.timeout {
                    return Error::Timeout(format!(
                        "{url} did not answer within the {}s timeout",
                        timeout.as_secs_f64()
                    ));
                }
                (
                    format!("did not answer within {}s", DEFAULT_TIMEOUT.as_secs()),
                    "raise --timeout, or check the engine",
                )
            }
            _ if text.contains("lookup") || text.contains("resolve") || text.contains("Name or service") => {
                (format!("cannot be found: {text}"), "check the host name in the URL")
            }
            _ => (format!("cannot be reached: {text}"), "check the URL and the network"),
        };
        Error::store(format!("endpoint {url} {what}"), Some(hint.to_owned()))
    }

    fn status_error(&self, url: &str, status: StatusCode, body: &[u8]) -> Error {
        let message: String =
            String::from_utf8_lossy(body).split_whitespace().collect::<Vec<_>>().join(" ").chars().take(300).collect();
        let detail = if message.is_empty() { String::new() } else { format!(": {message}") };
        match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Error::store(
                format!("endpoint {url} refused the request ({status}){detail}"),
                Some(
                    "set STRATAGRAPH_ENDPOINT_USER and STRATAGRAPH_ENDPOINT_PASSWORD (or STRATAGRAPH_ENDPOINT_TOKEN), \
                     or add the host to ~/.netrc"
                        .to_owned(),
                ),
            ),
            s if s.is_server_error() => Error::store(
                format!("endpoint {url} failed ({status}) after {} tries{detail}", RETRIES + 1),
                Some("the engine reported an error of its own; try again later or check its log".to_owned()),
            ),
            _ => Error::store(format!("endpoint {url} rejected the request ({status}){detail}"), None),
        }
    }

    fn fault(&self, url: &str, what: String) -> Error {
        Error::store(format!("endpoint {url} {what}"), Some("check that the URL is a SPARQL endpoint".to_owned()))
    }

    fn wrong_type(&self, url: &str, content_type: &str, wanted: &str) -> Error {
        let shown = if content_type.is_empty() { "no content type" } else { content_type };
        self.fault(url, format!("answered with {shown} where {wanted} were asked for"))
    }
}

fn digest_answer(
    prompt: &mut digest_auth::WwwAuthenticateHeader,
    credentials: &Credentials,
    method: &Method,
    url: &str,
    body: &[u8],
) -> Option<String> {
    let user = credentials.user.as_deref()?;
    let parsed = url::Url::parse(url).ok()?;
    let path = match parsed.query() {
        Some(query) => format!("{}?{query}", parsed.path()),
        None => parsed.path().to_owned(),
    };
    let method = match *method {
        Method::GET => digest_auth::HttpMethod::GET,
        Method::PUT => digest_auth::HttpMethod::PUT,
        Method::DELETE => digest_auth::HttpMethod::DELETE,
        _ => digest_auth::HttpMethod::POST,
    };
    let context = digest_auth::AuthContext::new_with_method(
        user,
        credentials.password.as_deref().unwrap_or_default(),
        path,
        Some(body),
        method,
    );
    prompt.respond(&context).ok().map(|answer| answer.to_header_string())
}

fn backoff(attempt: u32) {
    std::thread::sleep(Duration::from_millis(100 << attempt.min(5)));
}

/// The quads of a push, grouped by target graph and sent when a batch is full.
struct Batches<'a> {
    remote: &'a Remote,
    /// The graph that default-graph quads go to (`--graph`), or the endpoint's default graph.
    target: Option<NamedNode>,
    pending: BTreeMap<Option<NamedNode>, Vec<Triple>>,
    written: u64,
    observer: Option<Arc<dyn LoadObserver>>,
}

impl Batches<'_> {
    fn add(&mut self, quad: Quad) -> Result<(), Error> {
        let graph = match quad.graph_name {
            GraphName::NamedNode(ref name) => Some(name.clone()),
            _ => self.target.clone(),
        };
        let batch = self.pending.entry(graph.clone()).or_default();
        batch.push(Triple::from(quad));
        let limit = if self.remote.options.graph_store.is_some() { PUSH_BATCH } else { UPDATE_BATCH };
        if batch.len() >= limit {
            let batch = std::mem::take(batch);
            self.send(graph.as_ref(), &batch)?;
        }
        Ok(())
    }

    fn flush_all(&mut self) -> Result<(), Error> {
        for (graph, batch) in std::mem::take(&mut self.pending) {
            if !batch.is_empty() {
                self.send(graph.as_ref(), &batch)?;
            }
        }
        Ok(())
    }

    fn send(&mut self, graph: Option<&NamedNode>, triples: &[Triple]) -> Result<(), Error> {
        let mut text = String::new();
        for triple in triples {
            text.push_str(&triple.to_string());
            text.push_str(" .\n");
        }
        let remote = self.remote;
        match &remote.options.graph_store {
            Some(store) => {
                let mut url = url::Url::parse(store).map_err(|e| Error::input(format!("--graph-store: {e}"), None))?;
                match graph {
                    Some(graph) => url.query_pairs_mut().append_pair("graph", graph.as_str()),
                    None => url.query_pairs_mut().append_key_only("default"),
                };
                // N-Triples is Turtle, and every engine takes Turtle.
                remote.send(
                    Method::POST,
                    url.as_str(),
                    Some("text/turtle"),
                    "*/*",
                    text.into_bytes(),
                    &Evaluation::default(),
                )?;
            }
            None => {
                let update = match graph {
                    Some(graph) => format!("INSERT DATA {{ GRAPH <{}> {{\n{text}}} }}", graph.as_str()),
                    None => format!("INSERT DATA {{\n{text}}}"),
                };
                remote.send_update(&update, &Evaluation::default())?;
            }
        }
        self.written += triples.len() as u64;
        if let Some(observer) = &self.observer {
            observer.triples_written(self.written);
        }
        Ok(())
    }
}

/// A stable name for the blank nodes of one input: its name and size.
fn skolem_salt(name: &str, size: u64) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (name, size).hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Replaces blank nodes by IRIs under the project's skolem namespace.
fn skolemize(quad: Quad, salt: &str) -> Quad {
    let iri = |node: &BlankNode| NamedNode::new_unchecked(crate::vocab::skolem_iri(salt, node.as_str()));
    let subject = match quad.subject {
        NamedOrBlankNode::BlankNode(node) => NamedOrBlankNode::NamedNode(iri(&node)),
        other => other,
    };
    let object = match quad.object {
        Term::BlankNode(node) => Term::NamedNode(iri(&node)),
        other => other,
    };
    Quad::new(subject, quad.predicate, object, quad.graph_name)
}

/// The RDF syntax of a response's content type.
fn rdf_format_of(content_type: &str) -> Option<RdfFormat> {
    let media = content_type.split(';').next()?.trim().to_ascii_lowercase();
    match media.as_str() {
        "application/n-triples" | "text/plain" => Some(RdfFormat::NTriples),
        "text/turtle" | "application/x-turtle" => Some(RdfFormat::Turtle),
        "application/rdf+xml" => Some(RdfFormat::RdfXml),
        "application/n-quads" => Some(RdfFormat::NQuads),
        "application/ld+json" => Some(RdfFormat::JsonLd { profile: oxigraph::io::JsonLdProfileSet::empty() }),
        _ => RdfFormat::from_media_type(&media),
    }
}

/// The results syntax of a response's content type.
fn results_format_of(content_type: &str) -> Option<QueryResultsFormat> {
    let media = content_type.split(';').next()?.trim().to_ascii_lowercase();
    match media.as_str() {
        "application/sparql-results+json" | "application/json" => Some(QueryResultsFormat::Json),
        "application/sparql-results+xml" | "application/xml" => Some(QueryResultsFormat::Xml),
        "text/tab-separated-values" => Some(QueryResultsFormat::Tsv),
        "text/csv" => Some(QueryResultsFormat::Csv),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netrc_entries_are_found_by_host() {
        let text = "machine a.example login alice password one\nmachine b.example login bob password two\n";
        assert_eq!(netrc_entry(text, "b.example"), Some(("bob".to_owned(), Some("two".to_owned()))));
        assert_eq!(netrc_entry(text, "c.example"), None);
        let with_default = "default login anon password x\nmachine a.example login alice password one";
        assert_eq!(netrc_entry(with_default, "a.example"), Some(("alice".to_owned(), Some("one".to_owned()))));
    }

    #[test]
    fn media_types_choose_parsers() {
        assert_eq!(results_format_of("application/sparql-results+json; charset=utf-8"), Some(QueryResultsFormat::Json));
        assert_eq!(rdf_format_of("text/turtle;charset=UTF-8"), Some(RdfFormat::Turtle));
        assert_eq!(results_format_of("text/html"), None);
    }
}
