//! The server's HTTP vocabulary: responses, errors mapped to statuses, content negotiation
//! with q-values, query strings and bounded request bodies.

use crate::commands::Body as ReplyBody;
use crate::error::Error;
use oxhttp::model::{Body, HeaderValue, StatusCode};
use std::io::Read as _;

pub(crate) type Request = oxhttp::model::Request<Body>;
pub(crate) type Response = oxhttp::model::Response<Body>;

/// A response with a body and its media type.
pub(crate) fn bytes(status: StatusCode, media_type: &str, body: Vec<u8>) -> Response {
    let mut response = oxhttp::model::Response::new(Body::from(body));
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(media_type) {
        response.headers_mut().insert("content-type", value);
    }
    response
}

/// A plain-text error.
pub(crate) fn error_text(status: StatusCode, text: &str) -> Response {
    bytes(status, "text/plain; charset=utf-8", text.as_bytes().to_vec())
}

/// The status an error becomes.
pub(crate) fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::Input { .. } | Error::Facts(_) | Error::Syntax { .. } => StatusCode::BAD_REQUEST,
        Error::NoResult(_) => StatusCode::NOT_FOUND,
        Error::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error as plain text (the SPARQL protocol's way): the message, the excerpt, the hint.
pub(crate) fn error_plain(error: &Error) -> Response {
    error_text(status_of(error), &error.report())
}

/// An error as JSON (the command API's way): `error`, `hint`, `line` and `column` of a syntax
/// error, the located `problems` of a fact file.
pub(crate) fn error_json(error: &Error) -> Response {
    let mut value = serde_json::json!({ "error": error.to_string() });
    match error {
        Error::Input { hint: Some(hint), .. } | Error::Store { hint: Some(hint), .. } => {
            value["hint"] = hint.clone().into();
        }
        Error::Syntax { position: Some((line, column)), .. } => {
            value["line"] = (*line).into();
            value["column"] = (*column).into();
        }
        Error::Facts(problems) => {
            value["problems"] = problems.iter().map(ToString::to_string).collect::<Vec<_>>().into();
        }
        _ => {}
    }
    json(status_of(error), &value)
}

/// A JSON response.
pub(crate) fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    let text = serde_json::to_string_pretty(value).unwrap_or_default() + "\n";
    bytes(status, "application/json", text.into_bytes())
}

/// A rendered reply body as a response, unless it is over the result limit.
pub(crate) fn reply(media_type: &str, body: ReplyBody, limit: u64) -> Result<Response, Error> {
    let mut bytes_out = Vec::new();
    body.write_to(&mut LimitedWriter { inner: &mut bytes_out, left: limit })?;
    Ok(bytes(StatusCode::OK, media_type, bytes_out))
}

/// A writer that refuses to grow past its limit.
struct LimitedWriter<'a> {
    inner: &'a mut Vec<u8>,
    left: u64,
}

impl std::io::Write for LimitedWriter<'_> {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        if buffer.len() as u64 > self.left {
            return Err(std::io::Error::other("result too large"));
        }
        self.left -= buffer.len() as u64;
        self.inner.extend_from_slice(buffer);
        Ok(buffer.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The error of a result over the limit.
pub(crate) fn too_large(limit: u64) -> Error {
    Error::input(
        format!("the result is over the server's limit of {} MiB", limit >> 20),
        Some("ask for less: add LIMIT, or narrow the command".to_owned()),
    )
}

/// A CORS preflight answer: the methods and headers a browser may use, when the origin is
/// allowed; a bare 204 otherwise (so the browser refuses).
pub(crate) fn preflight(allowed: bool) -> Response {
    let mut response = bytes(StatusCode::NO_CONTENT, "text/plain", Vec::new());
    if allowed {
        let headers = response.headers_mut();
        headers
            .insert("access-control-allow-methods", HeaderValue::from_static("GET, HEAD, POST, PUT, DELETE, OPTIONS"));
        headers.insert("access-control-allow-headers", HeaderValue::from_static("Accept, Authorization, Content-Type"));
        headers.insert("access-control-max-age", HeaderValue::from_static("600"));
    }
    response
}

/// The query string's pairs, decoded.
pub(crate) fn query_pairs(request: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes()).into_owned().collect()
}

/// The request's media type, lowercased, without parameters.
pub(crate) fn content_type(request: &Request) -> String {
    request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Reads the body, refusing one over `limit` bytes with 413.
pub(crate) fn read_body(request: &mut Request, limit: u64) -> Result<Vec<u8>, Response> {
    let too_large = || {
        error_text(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the request body is over the server's limit of {} MiB\n", limit >> 20),
        )
    };
    if request.body().len().is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    if let Err(e) = request.body_mut().take(limit + 1).read_to_end(&mut body) {
        return Err(error_text(StatusCode::BAD_REQUEST, &format!("cannot read the request body: {e}\n")));
    }
    if body.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(body)
}

/// The body as UTF-8 text.
pub(crate) fn body_text(body: Vec<u8>) -> Result<String, Response> {
    String::from_utf8(body).map_err(|_| error_text(StatusCode::BAD_REQUEST, "the request body is not UTF-8\n"))
}

/// One entry of an Accept header.
struct Accepted {
    kind: String,
    subtype: String,
    q: f32,
}

fn accepted(request: &Request) -> Vec<Accepted> {
    let header = request.headers().get("accept").and_then(|v| v.to_str().ok()).unwrap_or("*/*");
    let header = if header.trim().is_empty() { "*/*" } else { header };
    header
        .split(',')
        .filter_map(|entry| {
            let mut parts = entry.split(';');
            let range = parts.next()?.trim().to_ascii_lowercase();
            let (kind, subtype) = range.split_once('/')?;
            let mut q = 1.0;
            for parameter in parts {
                if let Some(value) = parameter.trim().strip_prefix("q=") {
                    q = value.trim().parse().unwrap_or(0.0);
                }
            }
            Some(Accepted { kind: kind.to_owned(), subtype: subtype.to_owned(), q })
        })
        .collect()
}

/// The best of `offers` (media types, in the server's order of preference) for the request's
/// Accept header: highest q, then the most specific range, then the server's order. `None`
/// when nothing offered is acceptable (406).
pub(crate) fn negotiate<'a>(request: &Request, offers: &[&'a str]) -> Option<&'a str> {
    let ranges = accepted(request);
    let mut best: Option<(f32, u8, usize, &'a str)> = None;
    for (order, offer) in offers.iter().enumerate() {
        let (kind, subtype) = offer.split_once('/').unwrap_or((offer, ""));
        // The most specific range that matches decides this offer's q.
        let matched = ranges
            .iter()
            .filter_map(|range| {
                let specificity = match (range.kind.as_str(), range.subtype.as_str()) {
                    (k, s) if k == kind && s == subtype => 3,
                    (k, "*") if k == kind => 2,
                    ("*", "*") => 1,
                    _ => return None,
                };
                Some((specificity, range.q))
            })
            .max_by_key(|(specificity, _)| *specificity);
        let Some((specificity, q)) = matched else { continue };
        if q <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((best_q, best_specificity, _, _)) => q > best_q || (q == best_q && specificity > best_specificity),
        };
        if better {
            best = Some((q, specificity, order, offer));
        }
    }
    best.map(|(.., offer)| offer)
}

/// The 406 answer, listing what the server can send.
pub(crate) fn not_acceptable(offers: &[&str]) -> Response {
    let mut unique: Vec<&str> = Vec::new();
    for offer in offers {
        if !unique.contains(offer) {
            unique.push(offer);
        }
    }
    let offers = unique;
    error_text(
        StatusCode::NOT_ACCEPTABLE,
        &format!(
            "none of the formats in the Accept header can be sent; this resource is available as {}\n",
            offers.join(", ")
        ),
    )
}
