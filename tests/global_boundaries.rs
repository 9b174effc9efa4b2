//! Where the default policy meets routes with their own policy through
//! middleware in between, nested defaults, and malformed requested methods:
//! each test asserts the grant it expects and the absence of the wrong one.

#[path = "support/oneshot.rs"]
mod oneshot;

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use http::StatusCode;
use oneshot::{assert_cors, body_text, cors_lines, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, CorsRouter, Policy};
use tower_http::timeout::TimeoutLayer;

const APP: &str = "https://app.example.com";
const GLOBAL: &str = "https://global.example.com";
const PARTNER: &str = "https://partner.example.com";

#[cors(origins = ["https://app.example.com"], methods = [GET])]
async fn users() -> &'static str {
    "users"
}

#[cors(origins = ["https://app.example.com"], methods = [GET])]
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(200)).await;
    "slow"
}

fn global() -> Policy {
    Policy::builder()
        .origins([GLOBAL])
        .methods(["GET", "POST"])
        .build()
        .unwrap()
}

async fn require_token(req: Request, next: Next) -> Result<Response, StatusCode> {
    if req.headers().contains_key("x-token") {
        Ok(next.run(req).await)
    } else {
        Err(StatusCode::UNAUTHORIZED)
    }
}

fn get_req(path: &str, origin: &str) -> Request<Body> {
    http::Request::get(path)
        .header("origin", origin)
        .body(Body::empty())
        .unwrap()
}

/// A middleware that answers before the handler runs (an auth check's 401)
/// is inside CORS: the route's policy decides its response, not the
/// default.
#[tokio::test]
async fn response_made_before_the_handler_runs_gets_the_routes_policy() {
    let app = CorsRouter::new()
        .route("/users", route_cors::get(users))
        .route_layer(middleware::from_fn(require_token))
        .default_policy(global())
        .into_router();
    let res = send(app.clone(), get_req("/users", APP)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_cors(
        &res,
        &[("access-control-allow-origin", APP), ("vary", "origin")],
    );
    let res = send(app, get_req("/users", GLOBAL)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_cors(&res, &[("vary", "origin")]);
}

/// `TimeoutLayer` between CORS and a route with its own policy: its 408 gets
/// the route's grant, never the default's.
#[tokio::test]
async fn response_made_after_the_handler_started_gets_the_routes_policy() {
    #[allow(deprecated)]
    let timeout =
        TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_millis(20));
    let app = CorsRouter::new()
        .route("/slow", route_cors::get(slow))
        .layer(timeout)
        .default_policy(global())
        .into_router();
    let res = send(app.clone(), get_req("/slow", GLOBAL)).await;
    assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
    assert_cors(&res, &[("vary", "origin")]);
    let res = send(app, get_req("/slow", APP)).await;
    assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
    assert_cors(
        &res,
        &[("access-control-allow-origin", APP), ("vary", "origin")],
    );
}

/// A middleware that refuses every `OPTIONS` (a method filter) never sees a
/// preflight: the route's policy answers it.
#[tokio::test]
async fn a_middleware_that_refuses_options_never_sees_a_preflight() {
    async fn no_options(req: Request, next: Next) -> Response {
        if req.method() == http::Method::OPTIONS {
            let mut res = Response::new(Body::empty());
            *res.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            return res;
        }
        next.run(req).await
    }
    let app = CorsRouter::new()
        .route("/users", route_cors::get(users))
        .layer(middleware::from_fn(no_options))
        .default_policy(global())
        .into_router();
    let res = send(
        app.clone(),
        preflight("/users", APP, "GET").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "GET"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
    let res = send(
        app,
        preflight("/users", GLOBAL, "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
}

/// A group's router with a default of its own, nested in a site with
/// another: the group's default decides its routes, for the preflight and
/// the actual request alike; the site's decides the rest.
#[tokio::test]
async fn a_nested_routers_default_decides_its_own_routes() {
    let partner = CorsRouter::new()
        .route(
            "/things",
            get(|| async { "partner" }).put(|| async { "put" }),
        )
        .default_policy(
            Policy::builder()
                .origins([PARTNER])
                .methods(["GET", "PUT"])
                .headers(["content-type"])
                .build()
                .unwrap(),
        );
    let app = CorsRouter::new()
        .nest("/partner", partner)
        .route("/plain", get(|| async { "plain" }))
        .default_policy(global())
        .into_router();

    let req = preflight("/partner/things", PARTNER, "PUT")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .unwrap();
    let res = send(app.clone(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", PARTNER),
            ("access-control-allow-methods", "PUT"),
            ("access-control-allow-headers", "content-type"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
    let put = |origin: &str| {
        http::Request::put("/partner/things")
            .header("origin", origin)
            .body(Body::empty())
            .unwrap()
    };
    let res = send(app.clone(), put(PARTNER)).await;
    assert_cors(
        &res,
        &[("access-control-allow-origin", PARTNER), ("vary", "origin")],
    );
    // The site's default does not reach the group's routes...
    let res = send(app.clone(), put(GLOBAL)).await;
    assert_cors(&res, &[("vary", "origin")]);
    // ...and the group's does not reach the site's.
    let res = send(app.clone(), get_req("/plain", PARTNER)).await;
    assert_cors(&res, &[("vary", "origin")]);
    let res = send(app, get_req("/plain", GLOBAL)).await;
    assert_cors(
        &res,
        &[("access-control-allow-origin", GLOBAL), ("vary", "origin")],
    );
}

/// Malformed input gets no grant (the guide's "answers" page), even from a default
/// that allows any method: an empty, non-token or repeated
/// Access-Control-Request-Method is refused, while a well-formed one is
/// granted.
#[tokio::test]
async fn malformed_requested_method_is_refused_by_an_any_method_default() {
    let any = Policy::builder()
        .origins([GLOBAL])
        .any_method()
        .build()
        .unwrap();
    let app: Router = CorsRouter::new()
        .route("/plain", get(|| async { "plain" }))
        .default_policy(any)
        .into_router();
    let mut granted = Vec::new();
    for methods in [vec![""], vec!["G E T"], vec!["GET", "DELETE"]] {
        let mut req = http::Request::options("/plain").header("origin", GLOBAL);
        for m in &methods {
            req = req.header("access-control-request-method", *m);
        }
        let res = send(app.clone(), req.body(Body::empty()).unwrap()).await;
        if res.status() != StatusCode::FORBIDDEN {
            granted.push((methods, res.status(), cors_lines(&res)));
        }
    }
    assert!(granted.is_empty(), "malformed ACRM granted: {granted:#?}");
    let res = send(
        app,
        preflight("/plain", GLOBAL, "PURGE")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()["access-control-allow-methods"], "PURGE");
}

/// Same on a path with a route policy: a repeated
/// `Access-Control-Request-Method` is refused, so no default can grant it.
#[tokio::test]
async fn repeated_requested_method_on_a_policy_route_is_refused() {
    let any = Policy::builder()
        .origins([GLOBAL, APP])
        .any_method()
        .build()
        .unwrap();
    let app = CorsRouter::new()
        .route("/users", route_cors::get(users))
        .default_policy(any)
        .into_router();
    let req = http::Request::options("/users")
        .header("origin", APP)
        .header("access-control-request-method", "GET")
        .header("access-control-request-method", "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
}

/// The default's methods bound actual requests too: a plain DELETE under a
/// default that allows GET and POST gets no grant, while its GET does.
#[tokio::test]
async fn actual_request_with_a_method_the_default_does_not_allow_gets_no_grant() {
    let app = CorsRouter::new()
        .route(
            "/plain",
            get(|| async { "plain" }).delete(|| async { "deleted" }),
        )
        .default_policy(global())
        .into_router();
    // Sent from the page's own origin, the handler runs, without a grant.
    let res = send(
        app.clone(),
        http::Request::delete("/plain")
            .header("origin", GLOBAL)
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[("vary", "origin")]);
    // Sent from another site, the write is refused before the handler.
    let res = send(
        app.clone(),
        http::Request::delete("/plain")
            .header("origin", GLOBAL)
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", "origin")]);
    assert_eq!(
        body_text(res).await,
        "cross-origin write refused: method DELETE not allowed"
    );
    let res = send(app, get_req("/plain", GLOBAL)).await;
    assert_cors(
        &res,
        &[("access-control-allow-origin", GLOBAL), ("vary", "origin")],
    );
}
