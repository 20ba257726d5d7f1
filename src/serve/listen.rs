//! The server's transport: HTTP/1.1 by hyper on a small tokio runtime that lives in this
//! module only. Every request's body is read here (bounded in size and in time), then the one
//! synchronous handler runs on a blocking thread and its whole response is written back.
//! The rest of the server sees plain `Request`/`Response` values and never an async type.
//!
//! hyper writes the headers it is given, so CORS preflights carry
//! `Access-Control-Allow-Methods`; connections that stall are dropped after the idle time;
//! at most `max_connections` are served at once (the rest wait in the listen backlog); a stop
//! closes idle connections at once and lets the busy ones finish their request.

use super::http::{Request, Response};
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::{oneshot, Semaphore};

/// What the transport enforces itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Connections served at once.
    pub max_connections: usize,
    /// The longest a connection may stall in reading or writing.
    pub idle: Duration,
    /// The most body bytes read for a request; one byte more is read so that the handler sees
    /// the body is too large and answers 413.
    pub max_body: u64,
    /// The longest a handler may take: past it the request is answered 503 and its thread
    /// is left to stop at its next check of the request's token.
    pub answer_within: Duration,
}

/// A running listener; `stop_accepting` then `wait` end it.
pub(crate) struct Listening {
    stop: Option<oneshot::Sender<Duration>>,
    thread: Option<JoinHandle<()>>,
}

impl Listening {
    /// Stops accepting and closes idle connections; busy ones get `grace` to send their
    /// responses.
    pub(crate) fn stop_accepting(&mut self, grace: Duration) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(grace);
        }
    }

    /// Waits for the listener's thread to end (after `stop_accepting`).
    pub(crate) fn wait(mut self) {
        self.stop_accepting(Duration::ZERO);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(Duration::ZERO);
        }
    }
}

/// Binds `bind` now (so that a taken port is an error here) and serves every request with
/// `handler` on a thread of its own until stopped.
pub(crate) fn listen<F>(bind: SocketAddr, limits: Limits, handler: F) -> std::io::Result<Listening>
where
    F: Fn(&mut Request) -> Response + Send + Sync + 'static,
{
    let listener = std::net::TcpListener::bind(bind)?;
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(limits.max_connections.max(1))
        // Handlers evaluate queries on these threads (`evaluate_in_place`): as deep a stack
        // as a query worker's, for oxigraph's recursive evaluation.
        .thread_stack_size(16 << 20)
        .thread_name("stratagraph-http")
        .enable_io()
        .enable_time()
        .build()?;
    let listener = {
        let _entered = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    let (stop, stopped) = oneshot::channel::<Duration>();
    let handler = Arc::new(handler);
    let thread = std::thread::Builder::new().name("stratagraph-listen".to_owned()).spawn(move || {
        runtime.block_on(accept(listener, limits, handler, stopped));
        // A handler still running (its work is cancelled by then) is not waited for.
        runtime.shutdown_timeout(Duration::from_millis(500));
    })?;
    Ok(Listening { stop: Some(stop), thread: Some(thread) })
}

async fn accept<F>(
    listener: tokio::net::TcpListener,
    limits: Limits,
    handler: Arc<F>,
    mut stopped: oneshot::Receiver<Duration>,
) where
    F: Fn(&mut Request) -> Response + Send + Sync + 'static,
{
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let grace = loop {
        let slot = tokio::select! {
            grace = &mut stopped => break grace.unwrap_or(Duration::ZERO),
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break Duration::ZERO,
            },
        };
        let stream = tokio::select! {
            grace = &mut stopped => break grace.unwrap_or(Duration::ZERO),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of descriptors or a connection reset before it was taken: wait a
                    // little rather than spin.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
        stream.set_read_timeout(Some(limits.idle));
        stream.set_write_timeout(Some(limits.idle));
        let io = TokioIo::new(Box::pin(stream));
        let handler = handler.clone();
        let service = hyper::service::service_fn(move |request| respond(handler.clone(), limits, request));
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.idle)
            .serve_connection(io, service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    };
    drop(listener);
    let _ = tokio::time::timeout(grace, graceful.shutdown()).await;
}

/// One request: its body read (bounded), the handler run on a blocking thread, the response
/// returned whole.
async fn respond<F>(
    handler: Arc<F>,
    limits: Limits,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible>
where
    F: Fn(&mut Request) -> Response + Send + Sync + 'static,
{
    let (parts, body) = request.into_parts();
    let body = match tokio::time::timeout(limits.idle, read_bounded(body, limits.max_body.saturating_add(1))).await {
        Ok(Ok(body)) => body,
        Ok(Err(e)) => return Ok(plain(400, &format!("cannot read the request body: {e}\n"))),
        Err(_) => return Ok(plain(408, "the request body did not arrive in time\n")),
    };
    let answered = tokio::time::timeout(
        limits.answer_within,
        tokio::task::spawn_blocking(move || {
            let mut request = Request::from_parts(parts, oxhttp::model::Body::from(body));
            let (parts, body) = (*handler)(&mut request).into_parts();
            (parts, body.to_vec())
        }),
    )
    .await;
    Ok(match answered {
        Ok(Ok((parts, Ok(body)))) => hyper::Response::from_parts(parts, Full::new(Bytes::from(body))),
        Ok(Ok((_, Err(e)))) => plain(500, &format!("cannot write the response: {e}\n")),
        Ok(Err(_)) => plain(500, "internal error; this is a bug in stratagraph\n"),
        Err(_) => {
            // The handler's own deadline is earlier; it is still running only because a step
            // of the engine has not looked at its token yet.
            crate::backend::embedded::note_abandoned();
            plain(503, "the request ran past the server's timeout and was cancelled\n")
        }
    })
}

/// Reads at most `cap` bytes of a body; a longer body is cut there (the handler refuses it).
async fn read_bounded(mut body: Incoming, cap: u64) -> Result<Vec<u8>, hyper::Error> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            let room = cap.saturating_sub(bytes.len() as u64) as usize;
            bytes.extend_from_slice(&data[..data.len().min(room)]);
            if bytes.len() as u64 >= cap {
                break;
            }
        }
    }
    Ok(bytes)
}

fn plain(status: u16, text: &str) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(text.to_owned())));
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}
