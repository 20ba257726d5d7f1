//! `stratagraph serve`: the HTTP face. The SPARQL 1.1 Protocol (`/sparql`, `/query`,
//! `/update`, Graph Store reads at `/store`), the command API (`/api/...`, JSON in the public
//! reply shapes, described at `/api/openapi.json`) and the web page (`/`). Like the CLI and
//! the REPL it is thin: every route turns its request into a typed command, runs it on a
//! clone of the one session, and renders the reply with the one renderer.
//!
//! Safe by default: loopback unless told otherwise, read-only unless `--update` (and then
//! writes need the bearer token), no SERVICE, no LOAD, no file access from requests, a
//! server-wide timeout that cancels the work, limits on request bodies and results, CORS only
//! for the origins given, and a graceful stop on SIGTERM.

mod api;
mod http;
mod listen;
mod protocol;
mod web;

use crate::cli::ServeArgs;
use crate::error::{exit, Error};
use crate::session::Session;
use http::{Request, Response};
use oxhttp::model::{HeaderValue, Method, StatusCode};
use oxigraph::sparql::CancellationToken;
use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the server was started with.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: SocketAddr,
    /// Updates are allowed, with this bearer token; `None` for a read-only server.
    pub update_token: Option<String>,
    /// Origins allowed to call from a browser (CORS); none by default.
    pub cors: Vec<String>,
    /// The largest request body.
    pub max_body: u64,
    /// The largest response a query or command may produce.
    pub max_result: u64,
    /// The longest a request may run; a request's own `timeout=` is capped by it.
    pub timeout: Duration,
    /// The most connections served at once.
    pub max_connections: usize,
}

/// The token's environment variable, the other way to give it than `--token-file`.
pub const TOKEN_VARIABLE: &str = "STRATAGRAPH_SERVE_TOKEN";

impl ServeOptions {
    /// Checks the arguments and reads the token.
    pub fn from_args(args: &ServeArgs, timeout: Option<Duration>) -> Result<ServeOptions, Error> {
        let bind: SocketAddr = args.bind.parse().map_err(|_| {
            Error::input(
                format!("--bind `{}` is not an address and port", args.bind),
                Some("give it as 127.0.0.1:7878 (or [::1]:7878)".to_owned()),
            )
        })?;
        let update_token = if args.update {
            let token = match &args.token_file {
                Some(path) => crate::input::read_text(path)?.trim().to_owned(),
                None => std::env::var(TOKEN_VARIABLE).unwrap_or_default().trim().to_owned(),
            };
            if token.len() < 16 {
                return Err(Error::input(
                    "--update needs a bearer token of at least 16 characters",
                    Some(format!("put one in a file given with --token-file FILE, or in {TOKEN_VARIABLE}")),
                ));
            }
            Some(token)
        } else {
            None
        };
        if args.max_body_mib == 0 || args.max_result_mib == 0 || args.max_connections == 0 {
            return Err(Error::input(
                "--max-body-mib, --max-result-mib and --max-connections must be at least 1",
                None,
            ));
        }
        Ok(ServeOptions {
            bind,
            update_token,
            cors: args.cors.clone(),
            max_body: args.max_body_mib << 20,
            max_result: args.max_result_mib << 20,
            timeout: timeout.unwrap_or(Duration::from_secs(30)),
            max_connections: args.max_connections,
        })
    }
}

/// The running server's shared state.
pub(crate) struct Server {
    session: Session,
    options: ServeOptions,
    stopping: AtomicBool,
    in_flight: AtomicUsize,
    next_request: AtomicU64,
    running: Mutex<HashMap<u64, CancellationToken>>,
}

/// A request being served: counted, and its cancellation token known to the server until
/// it ends.
pub(crate) struct InFlight<'a> {
    server: &'a Server,
    id: u64,
    pub token: CancellationToken,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.server.running.lock() {
            running.remove(&self.id);
        }
        self.server.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Server {
    fn begin(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let id = self.next_request.fetch_add(1, Ordering::Relaxed);
        let token = CancellationToken::new();
        if let Ok(mut running) = self.running.lock() {
            running.insert(id, token.clone());
        }
        InFlight { server: self, id, token }
    }

    /// A clone of the session for one request: its own cancellation token and timeout.
    pub(crate) fn session_for(&self, request: &InFlight<'_>, timeout: Option<Duration>) -> Session {
        let mut session = self.session.clone();
        session.cancel = Some(request.token.clone());
        session.settings.timeout = Some(timeout.map_or(self.options.timeout, |t| t.min(self.options.timeout)));
        session.settings = session.settings.started();
        session
    }

    fn handle(&self, request: &mut Request) -> Response {
        // Queries run on this request's thread: the listener answers on time (see `listen`).
        let _in_place = crate::backend::embedded::evaluate_in_place();
        let origin = request.headers().get("origin").cloned();
        let allowed_origin = origin.filter(|o| self.options.cors.iter().any(|a| a.as_bytes() == o.as_bytes()));
        let mut response = if self.stopping.load(Ordering::SeqCst) {
            http::error_text(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping\n")
        } else if request.method() == Method::OPTIONS {
            http::preflight(allowed_origin.is_some())
        } else {
            let in_flight = self.begin();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.route(request, &in_flight)));
            outcome.unwrap_or_else(|_| {
                http::error_text(StatusCode::INTERNAL_SERVER_ERROR, "internal error; this is a bug in stratagraph\n")
            })
        };
        if let Some(origin) = allowed_origin {
            let headers = response.headers_mut();
            headers.insert("access-control-allow-origin", origin);
            headers.insert("vary", HeaderValue::from_static("Origin"));
        }
        response
    }

    fn route(&self, request: &mut Request, in_flight: &InFlight<'_>) -> Response {
        let path = request.uri().path().to_owned();
        let method = request.method().clone();
        match (path.as_str(), &method) {
            ("/" | "/index.html", &Method::GET | &Method::HEAD) => web::page(),
            (asset, &Method::GET | &Method::HEAD) if asset.starts_with("/assets/") => web::asset(asset),
            ("/sparql", _) => protocol::sparql(self, request, in_flight, protocol::Endpoint::Both),
            ("/query", _) => protocol::sparql(self, request, in_flight, protocol::Endpoint::Query),
            ("/update", _) => protocol::sparql(self, request, in_flight, protocol::Endpoint::Update),
            ("/store", _) => protocol::graph_store(self, request, in_flight),
            ("/api/openapi.json", &Method::GET) => api::openapi(),
            (api_path, _) if api_path.starts_with("/api/") => api::handle(self, request, in_flight, api_path),
            _ => http::error_text(StatusCode::NOT_FOUND, "no such page; the web page is at /, SPARQL at /sparql\n"),
        }
    }

    /// Checks the bearer token of a write; the error response when it is missing or wrong.
    pub(crate) fn authorize_write(&self, request: &Request) -> Result<(), Response> {
        let Some(expected) = &self.options.update_token else {
            return Err(http::error_text(
                StatusCode::FORBIDDEN,
                "this server is read-only; start it with --update (and a token) to accept writes\n",
            ));
        };
        let given = request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim);
        match given {
            Some(given) if constant_time_eq(given.as_bytes(), expected.as_bytes()) => Ok(()),
            _ => {
                let mut response = http::error_text(
                    StatusCode::UNAUTHORIZED,
                    "writes need the server's token: send `Authorization: Bearer TOKEN`\n",
                );
                response
                    .headers_mut()
                    .insert("www-authenticate", HeaderValue::from_static("Bearer realm=\"stratagraph\""));
                Err(response)
            }
        }
    }

    /// The read-only session's backend may be written only by a server started for it.
    pub(crate) fn options(&self) -> &ServeOptions {
        &self.options
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Runs the server until SIGTERM or SIGINT; returns the exit code.
pub fn run(session: Session, options: ServeOptions) -> i32 {
    let bind = match resolve_port(options.bind) {
        Ok(bind) => bind,
        Err(error) => return report(&error),
    };
    if !bind.ip().is_loopback() {
        eprintln!(
            "warning: serving on {bind}, reachable from other machines; anyone who can reach it can read the graph"
        );
    }
    let signals = match signal_hook::iterator::Signals::new([signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT])
    {
        Ok(signals) => signals,
        Err(e) => return report(&Error::store(format!("cannot listen for signals: {e}"), None)),
    };
    let max_connections = options.max_connections;
    let timeout = options.timeout;
    let server = Arc::new(Server {
        session,
        options,
        stopping: AtomicBool::new(false),
        in_flight: AtomicUsize::new(0),
        next_request: AtomicU64::new(0),
        running: Mutex::new(HashMap::new()),
    });
    let handler = server.clone();
    let limits = listen::Limits {
        max_connections,
        // A client that stops sending or reading for this long is dropped.
        idle: timeout + Duration::from_secs(30),
        max_body: server.options.max_body,
        // Every request's deadline is at most the server's timeout; the grace covers
        // rendering and the answer's way out.
        answer_within: timeout + Duration::from_secs(2),
    };
    let mut listening = match listen::listen(bind, limits, move |request| handler.handle(request)) {
        Ok(listening) => listening,
        Err(e) => {
            return report(&Error::store(
                format!("cannot listen on {bind}: {e}"),
                Some("pick another port with --bind 127.0.0.1:PORT".to_owned()),
            ))
        }
    };
    println!(
        "stratagraph serving {} on http://{bind}/ ({}); SPARQL at /sparql, the API at /api, stop with Ctrl-C",
        server.session.backend.location(),
        if server.options.update_token.is_some() { "updates with the token" } else { "read-only" }
    );
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let mut signals = signals;
    let _ = signals.forever().next();
    // No new connections; idle ones close now, busy ones once their response is sent.
    listening.stop_accepting(SHUTDOWN_GRACE + Duration::from_secs(7));
    shut_down(&server);
    listening.wait();
    exit::OK
}

/// How long running requests may go on after a stop before they are cancelled.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Stops taking requests, lets the running ones finish for a few seconds, then cancels them.
fn shut_down(server: &Server) {
    server.stopping.store(true, Ordering::SeqCst);
    let started = Instant::now();
    let grace = SHUTDOWN_GRACE;
    let mut cancelled = false;
    while server.in_flight.load(Ordering::SeqCst) > 0 && started.elapsed() < grace + Duration::from_secs(5) {
        if !cancelled && started.elapsed() >= grace {
            if let Ok(running) = server.running.lock() {
                for token in running.values() {
                    token.cancel();
                }
            }
            cancelled = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("stopped ({} request(s) still running were cancelled)", server.in_flight.load(Ordering::SeqCst));
}

/// Port 0 means any free port: one is picked here, so the address printed is the real one.
fn resolve_port(bind: SocketAddr) -> Result<SocketAddr, Error> {
    if bind.port() != 0 {
        return Ok(bind);
    }
    let listener = TcpListener::bind(bind).map_err(|e| Error::store(format!("cannot listen on {bind}: {e}"), None))?;
    listener.local_addr().map_err(|e| Error::store(format!("cannot listen on {bind}: {e}"), None))
}

/// Prints an error the one way errors are printed (as the CLI does), and returns its exit code.
fn report(error: &Error) -> i32 {
    eprint!("{}", error.report());
    error.exit_code()
}
