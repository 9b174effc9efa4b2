//! Several methods on one path, each with its policy, seen from the edges:
//! what a preflight grant names, and what a non-preflight `OPTIONS` gets.

#[path = "support/oneshot.rs"]
mod oneshot;

use axum::body::Body;
use axum::Router;
use http::StatusCode;
use oneshot::{assert_cors, cors_lines, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, CorsRouter};

const APP: &str = "https://app.example.com";

/// GET is open to any origin and any method (no credentials)...
#[cors(origins = "*", methods = "*", headers = "*", max_age = 600)]
async fn read() -> &'static str {
    "read"
}

/// ...while DELETE on the same path is only for the admin origin.
#[cors(origins = ["https://admin.example.com"], methods = [DELETE])]
async fn remove() -> &'static str {
    "deleted"
}

/// The GET preflight's `Access-Control-Allow-Methods` is cached by the
/// browser per (origin, URL) for `max_age` seconds; answering `*` (or any
/// method other than the one judged) would let APP send a DELETE without
/// its preflight, which the DELETE policy refuses.
#[tokio::test]
async fn a_grant_names_only_the_requested_method() {
    let app: Router = CorsRouter::new()
        .route("/doc", route_cors::get(read).delete(remove))
        .into_router();

    let delete = send(
        app.clone(),
        preflight("/doc", APP, "DELETE")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        delete.status(),
        StatusCode::FORBIDDEN,
        "DELETE's policy refuses APP"
    );
    assert_cors(&delete, &[("vary", PREFLIGHT_VARY)]);

    // A GET needs a preflight when it carries a custom header; any
    // non-safelisted request header would do, `*` allows it.
    let get = send(
        app,
        preflight("/doc", APP, "GET")
            .header("access-control-request-headers", "x-requested-with")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(get.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &get,
        &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "GET"),
            ("access-control-allow-headers", "*"),
            ("access-control-max-age", "600"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[cors(origins = ["https://app.example.com"])]
async fn list() -> &'static str {
    "list"
}

/// A non-preflight `OPTIONS` gets axum's own 405 with its `Allow` header
/// (the guide's "answers" page), naming every routed method, those of a plain
/// `MethodRouter` registered on the same path included.
#[tokio::test]
async fn allow_of_a_non_preflight_options_lists_every_routed_method() {
    let app: Router = CorsRouter::new()
        .route("/list", route_cors::get(list))
        .route("/list", axum::routing::post(|| async { "posted" }))
        .into_router();

    let options = send(
        app.clone(),
        http::Request::options("/list").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(options.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        options.headers()["allow"],
        "GET,HEAD,POST",
        "{:?}",
        cors_lines(&options)
    );
    let patch = send(
        app,
        http::Request::patch("/list").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(patch.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(patch.headers()["allow"], "GET,HEAD,POST");
}
