//! Sending one request through a router in-process, and reading the CORS
//! headers of the answer exactly.

#![allow(dead_code)]

use axum::body::Body;
use axum::Router;
use http::{Request, Response};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PREFLIGHT_VARY: &str = "origin, access-control-request-method, access-control-request-headers, access-control-request-private-network";

/// `OPTIONS path` with `Origin` and `Access-Control-Request-Method`.
pub fn preflight(path: &str, origin: &str, method: &str) -> http::request::Builder {
    Request::options(path)
        .header("origin", origin)
        .header("access-control-request-method", method)
}

pub async fn send(app: Router, req: Request<Body>) -> Response<Body> {
    match app.oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    }
}

pub async fn body_text(res: Response<Body>) -> String {
    let bytes = res
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Every `access-control-*` and `vary` line of a response, in order.
pub fn cors_lines<B>(res: &Response<B>) -> Vec<(String, String)> {
    res.headers()
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("access-control-") || name.as_str() == "vary")
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// Asserts that the response's `access-control-*` and `vary` lines are
/// exactly `expected` (order of names ignored, one line each).
#[track_caller]
pub fn assert_cors<B>(res: &Response<B>, expected: &[(&str, &str)]) {
    let mut actual = cors_lines(res);
    actual.sort();
    let mut expected: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(actual, expected, "CORS headers of the response");
}
