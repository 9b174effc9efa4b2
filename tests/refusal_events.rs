//! Every kind of refusal is a `tracing` event (target `route_cors`, level
//! debug) naming the path, the method (the requested one, for a preflight),
//! the origin, the failed check and the policy's setting it compared
//! against; a grant is a trace event; nothing is written at info level.
//!
//! Every test here captures from its first line: the one subscriber of the
//! binary is installed before any event's callsite is first reached.

#[path = "support/captured.rs"]
mod captured;
#[path = "support/oneshot.rs"]
mod oneshot;

use axum::body::Body;
use axum::Router;
use captured::Captured;
use oneshot::{preflight, send};
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"], methods = [GET], headers = ["content-type"])]
async fn items() -> &'static str {
    "items"
}

#[allow(deprecated)] // `private_network` is deprecated, still tested
#[cors(origins = ["https://*.example.com"], private_network)]
async fn device() -> &'static str {
    "device"
}

#[cors(origins = ["https://app.example.com"])]
async fn transfer() -> &'static str {
    "transferred"
}

fn app() -> Router {
    CorsRouter::new()
        .route(
            "/items",
            route_cors::get(items).put(route_cors::plain(|| async { "put" })),
        )
        .route("/device", route_cors::get(device))
        .route("/transfer", route_cors::post(transfer))
        .into_router()
}

/// The events `req` produces at `level` and above, one line each.
async fn events(level: tracing::Level, req: http::Request<Body>) -> String {
    let captured = Captured::start(level);
    send(app(), req).await;
    captured.text()
}

#[track_caller]
fn assert_one_event(log: &str, fields: &[&str]) {
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 1, "one event: {log}");
    for field in fields {
        assert!(lines[0].contains(field), "{field} in {}", lines[0]);
    }
}

#[tokio::test]
async fn a_refused_origin_is_an_event_with_the_allowed_origins() {
    let log = events(
        tracing::Level::DEBUG,
        preflight("/items", "https://evil.example", "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_one_event(
        &log,
        &[
            "DEBUG route_cors: preflight refused",
            "path=\"/items\"",
            "method=GET",
            "origin=[\"https://evil.example\"]",
            "check=\"origin\"",
            "reason=origin not allowed",
            "allowed=origins: https://app.example.com",
        ],
    );
}

#[tokio::test]
async fn a_refused_method_is_an_event_with_the_requested_method() {
    let log = events(
        tracing::Level::DEBUG,
        preflight("/items", "https://app.example.com", "PUT")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_one_event(
        &log,
        &[
            "preflight refused",
            "method=PUT",
            "check=\"method\"",
            "reason=method PUT not allowed",
            "allowed=no policy covers this method",
        ],
    );
}

#[tokio::test]
async fn a_refused_header_is_an_event_naming_the_header_and_the_allowed_ones() {
    let log = events(
        tracing::Level::DEBUG,
        preflight("/items", "https://app.example.com", "GET")
            .header("access-control-request-headers", "content-type, x-foo")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_one_event(
        &log,
        &[
            "check=\"header\"",
            "reason=header x-foo not allowed",
            "allowed=headers: content-type",
        ],
    );
}

#[tokio::test]
async fn a_refused_private_network_request_is_an_event() {
    let log = events(
        tracing::Level::DEBUG,
        preflight("/items", "https://app.example.com", "GET")
            .header("access-control-request-private-network", "true")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_one_event(
        &log,
        &[
            "check=\"private-network\"",
            "reason=private network access not allowed",
            "allowed=private_network: false",
        ],
    );
}

#[tokio::test]
async fn malformed_input_is_an_event_saying_what_was_malformed() {
    let req = http::Request::options("/items")
        .header("origin", "https://app.example.com")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "GET")
        .body(Body::empty())
        .unwrap();
    let log = events(tracing::Level::DEBUG, req).await;
    assert_one_event(&log, &["check=\"origin\"", "reason=origin header repeated"]);
}

#[tokio::test]
async fn an_actual_request_from_a_disallowed_origin_is_an_event() {
    let req = http::Request::get("/device")
        .header("origin", "https://example.org")
        .body(Body::empty())
        .unwrap();
    let log = events(tracing::Level::DEBUG, req).await;
    assert_one_event(
        &log,
        &[
            "DEBUG route_cors: actual request gets no grant",
            "path=\"/device\"",
            "method=\"GET\"",
            "origin=[\"https://example.org\"]",
            "check=\"origin\"",
            "allowed=origins: https://*.example.com",
        ],
    );
}

#[tokio::test]
async fn grants_are_trace_events_and_nothing_is_written_at_info() {
    let granted = || {
        preflight("/items", "https://app.example.com", "GET")
            .body(Body::empty())
            .unwrap()
    };
    let log = events(tracing::Level::TRACE, granted()).await;
    assert_one_event(
        &log,
        &["TRACE route_cors: preflight granted", "path=\"/items\""],
    );
    assert_eq!(events(tracing::Level::DEBUG, granted()).await, "");
    let refused = preflight("/items", "https://evil.example", "GET")
        .body(Body::empty())
        .unwrap();
    assert_eq!(events(tracing::Level::INFO, refused).await, "");
}

#[tokio::test]
async fn a_refused_write_is_a_debug_event_with_path_method_origin_and_check() {
    // A form post from another site: no preflight, and the origin is not
    // the policy's.
    let req = http::Request::post("/transfer")
        .header("host", "api.example.com")
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("amount=100"))
        .unwrap();
    let log = events(tracing::Level::DEBUG, req).await;
    assert_eq!(
        log,
        "DEBUG route_cors: cross-origin write refused path=\"/transfer\" method=\"POST\" \
         origin=[\"https://evil.example\"] check=\"origin\" reason=origin not allowed \
         allowed=origins: https://app.example.com\n"
    );
}
