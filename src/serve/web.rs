//! The web page: built from `web/` by `web/build.sh` (npm packages bundled with esbuild) and
//! embedded in the binary, so it works with no network at run time.

use super::http::{self, Response};
use oxhttp::model::{HeaderValue, StatusCode};

const PAGE: &str = include_str!("../../web/dist/index.html");
const SCRIPT: &str = include_str!("../../web/dist/app.js");
const STYLE: &str = include_str!("../../web/dist/app.css");

/// `/`: the page.
pub(crate) fn page() -> Response {
    let mut response = http::bytes(StatusCode::OK, "text/html; charset=utf-8", PAGE.as_bytes().to_vec());
    // The page loads only its own assets and talks only to this server.
    response.headers_mut().insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'",
        ),
    );
    response
}

/// `/assets/...`: the bundled script and the style sheet.
pub(crate) fn asset(path: &str) -> Response {
    match path {
        "/assets/app.js" => http::bytes(StatusCode::OK, "text/javascript; charset=utf-8", SCRIPT.as_bytes().to_vec()),
        "/assets/app.css" => http::bytes(StatusCode::OK, "text/css; charset=utf-8", STYLE.as_bytes().to_vec()),
        _ => http::error_text(StatusCode::NOT_FOUND, "no such asset\n"),
    }
}
