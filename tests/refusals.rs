//! Every refused preflight says why, in one `text/plain` line naming the
//! first check that failed: a request value is repeated only where it is a
//! valid token (a method, a header name), never the `Origin`, and nothing
//! of what the policy allows is said.

#[path = "support/oneshot.rs"]
mod oneshot;

use axum::body::Body;
use axum::Router;
use http::{HeaderValue, StatusCode};
use oneshot::{assert_cors, body_text, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, plain, CorsRouter};

const APP: &str = "https://app.example.com";

#[cors(origins = ["https://app.example.com"], methods = [GET, POST], headers = ["content-type"])]
async fn items() -> &'static str {
    "items"
}

#[cors(origins = ["https://app.example.com"])]
async fn remove() -> &'static str {
    "removed"
}

fn app() -> Router {
    CorsRouter::new()
        .route(
            "/items",
            route_cors::get(items)
                .post(items)
                .put(plain(|| async { "put" })),
        )
        .route("/other", route_cors::delete(remove))
        .into_router()
}

/// Sends the preflight and returns the refusal's body, after checking that
/// it is a `403` with nothing but `Vary` and a `text/plain` type.
async fn refusal(req: http::request::Builder) -> String {
    let res = send(app(), req.body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
    body_text(res).await
}

#[tokio::test]
async fn a_disallowed_origin_is_named_as_the_check_without_repeating_it() {
    let body = refusal(preflight("/items", "https://evil.example", "GET")).await;
    assert_eq!(body, "origin not allowed");
}

#[tokio::test]
async fn several_origin_lines_are_named_as_malformed() {
    let req = preflight("/items", APP, "GET").header("origin", APP);
    assert_eq!(refusal(req).await, "origin header repeated");
}

#[tokio::test]
async fn a_method_the_policy_does_not_list_is_named() {
    let body = refusal(preflight("/other", APP, "PATCH")).await;
    assert_eq!(body, "method PATCH not allowed");
}

#[tokio::test]
async fn a_method_without_a_policy_on_the_path_is_named() {
    // PUT is a plain handler, and the app has no default.
    assert_eq!(
        refusal(preflight("/items", APP, "PUT")).await,
        "method PUT not allowed"
    );
}

#[tokio::test]
async fn a_malformed_requested_method_is_not_repeated() {
    let req = http::Request::options("/items")
        .header("origin", APP)
        .header("access-control-request-method", "G<E>T");
    assert_eq!(
        refusal(req).await,
        "malformed access-control-request-method"
    );
}

#[tokio::test]
async fn the_first_disallowed_header_is_named_in_lowercase() {
    let req = preflight("/items", APP, "POST").header(
        "access-control-request-headers",
        "content-type, X-Foo, x-bar",
    );
    assert_eq!(refusal(req).await, "header x-foo not allowed");
}

#[tokio::test]
async fn a_requested_header_that_is_not_a_name_is_not_repeated() {
    let req = preflight("/items", APP, "POST").header(
        "access-control-request-headers",
        HeaderValue::from_static("content-type, x<script>"),
    );
    assert_eq!(
        refusal(req).await,
        "malformed access-control-request-headers"
    );
}

#[tokio::test]
async fn requested_headers_over_the_limit_are_named() {
    let long = "x-a,".repeat(route_cors::MAX_REQUEST_HEADERS_LEN / 4 + 1);
    let req = preflight("/items", APP, "POST").header("access-control-request-headers", long);
    assert_eq!(
        refusal(req).await,
        "access-control-request-headers too long"
    );
}

#[tokio::test]
async fn private_network_access_without_the_key_is_named() {
    let req =
        preflight("/items", APP, "GET").header("access-control-request-private-network", "true");
    assert_eq!(refusal(req).await, "private network access not allowed");
}

#[tokio::test]
async fn a_requested_method_longer_than_any_method_is_not_repeated() {
    let long = "G".repeat(1000);
    let req = preflight("/other", APP, &long);
    assert_eq!(refusal(req).await, "method not allowed");
}
