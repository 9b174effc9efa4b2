//! The per-path preflight dispatcher seen from the edges: what a grant
//! names, and what a non-preflight `OPTIONS` gets.

#[path = "support/oneshot.rs"]
mod oneshot;

use axum::body::Body;
use axum::routing::MethodRouter;
use axum::Router;
use http::StatusCode;
use oneshot::{cors_lines, preflight, send};
use route_cors::cors;

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
/// browser per (origin, URL, method) for `max_age` seconds; answering `*`
/// (or any method other than the one the dispatcher judged) lets APP send a
/// DELETE without its preflight, which the DELETE policy refuses.
#[tokio::test]
async fn a_grant_names_only_the_requested_method() {
    let app: Router = Router::new().route("/doc", route_cors::get(read).delete(remove).into());

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
    assert_eq!(
        get.headers()["access-control-allow-methods"],
        "GET",
        "{:?}",
        cors_lines(&get)
    );
}

#[cors(origins = ["https://app.example.com"])]
async fn list() -> &'static str {
    "list"
}

/// A non-preflight `OPTIONS` gets axum's own 405 with its `Allow` header
/// (DESIGN.md section 3), methods added after `.into()` included.
#[tokio::test]
async fn allow_of_a_non_preflight_options_lists_every_routed_method() {
    let route: MethodRouter = route_cors::get(list).into();
    let app: Router = Router::new().route("/list", route.post(|| async { "posted" }));

    let options = send(
        app.clone(),
        http::Request::options("/list").body(Body::empty()).unwrap(),
    )
    .await;
    let patch = send(
        app,
        http::Request::patch("/list").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(options.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(patch.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = |res: &http::Response<Body>| {
        res.headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let options_allow = allow(&options);
    assert!(
        options_allow.contains("POST"),
        "OPTIONS Allow {options_allow:?}, axum's own 405 says {:?}",
        allow(&patch)
    );
}
