//! Where the global default layer meets routes with their own policy through
//! middleware in between: what it can know (the route was reached) and what
//! it cannot (a middleware answered before the route), and nested defaults.

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
use oneshot::{cors_lines, preflight, send};
use route_cors::{cors, GlobalCors, Policy};
use tower_http::timeout::TimeoutLayer;

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

fn global() -> GlobalCors {
    GlobalCors::new(
        Policy::builder()
            .origins([GLOBAL])
            .methods(["GET", "POST"])
            .build()
            .unwrap(),
    )
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

fn acao<B>(res: &http::Response<B>) -> Option<String> {
    res.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

/// A middleware that answers before the route is reached (an auth check's
/// 401) leaves no trace of the route: the default policy decides that
/// response. Documented in the README ("Mixing with other middleware"),
/// with the fix: extractor-based auth, or the auth layer outside the global
/// one.
#[tokio::test]
async fn response_made_before_the_route_is_reached_gets_the_default() {
    let app = Router::new()
        .route("/users", route_cors::get(users).into())
        .route_layer(middleware::from_fn(require_token))
        .layer(global());
    let res = send(app, get_req("/users", GLOBAL)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        acao(&res).as_deref(),
        Some(GLOBAL),
        "{:?}",
        cors_lines(&res)
    );
}

/// With the auth layer outside the global layer, its 401 carries no CORS
/// header at all.
#[tokio::test]
async fn auth_outside_the_global_layer_answers_without_cors_headers() {
    let app = Router::new()
        .route("/users", route_cors::get(users).into())
        .layer(global())
        .layer(middleware::from_fn(require_token));
    let res = send(app, get_req("/users", GLOBAL)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(cors_lines(&res).is_empty(), "{:?}", cors_lines(&res));
}

/// `TimeoutLayer` between the global layer and a route with its own policy:
/// the route was reached, so its policy decides the 408, not the default.
#[tokio::test]
async fn response_made_after_the_route_is_reached_gets_the_routes_policy() {
    #[allow(deprecated)]
    let timeout =
        TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_millis(20));
    let app = Router::new()
        .route("/slow", route_cors::get(slow).into())
        .layer(timeout)
        .layer(global());
    let res = send(app, get_req("/slow", GLOBAL)).await;
    assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(
        acao(&res),
        None,
        "default policy granted a route that has its own: {:?}",
        cors_lines(&res)
    );
}

/// A `405` to a preflight is how a path without any `OPTIONS` handler
/// answers, so the default answers it, even when a middleware below (a
/// method filter) made that `405` on a path with a dispatcher. Documented.
#[tokio::test]
async fn a_405_to_a_preflight_is_answered_by_the_default() {
    async fn no_options(req: Request, next: Next) -> Response {
        if req.method() == http::Method::OPTIONS {
            let mut res = Response::new(Body::empty());
            *res.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            return res;
        }
        next.run(req).await
    }
    let app = Router::new()
        .route("/users", route_cors::get(users).into())
        .layer(middleware::from_fn(no_options))
        .layer(global());
    let req = preflight("/users", GLOBAL, "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        acao(&res).as_deref(),
        Some(GLOBAL),
        "{:?}",
        cors_lines(&res)
    );
}

/// Two global layers (a group default inside a site default): the inner one
/// decides, for the preflight and the actual request alike.
#[tokio::test]
async fn nested_global_layers_agree_the_inner_default_decides() {
    let partner = GlobalCors::new(
        Policy::builder()
            .origins([PARTNER])
            .methods(["GET", "PUT"])
            .headers(["content-type"])
            .build()
            .unwrap(),
    );
    let app = Router::new()
        .route(
            "/partner",
            get(|| async { "partner" }).put(|| async { "put" }),
        )
        .layer(partner)
        .layer(global());

    let req = preflight("/partner", PARTNER, "PUT")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .unwrap();
    let pre = send(app.clone(), req).await;
    let actual = send(
        app,
        http::Request::put("/partner")
            .header("origin", PARTNER)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let preflight_granted = pre.status() == StatusCode::NO_CONTENT;
    let actual_granted = acao(&actual).as_deref() == Some(PARTNER);
    assert_eq!(
        preflight_granted,
        actual_granted,
        "preflight {:?} {:?} vs actual {:?}",
        pre.status(),
        cors_lines(&pre),
        cors_lines(&actual)
    );
}

/// Malformed input gets no grant (DESIGN.md section 3), even from a default
/// that allows any method: an empty, non-token or repeated
/// Access-Control-Request-Method is refused.
#[tokio::test]
async fn malformed_requested_method_is_refused_by_an_any_method_default() {
    let any = GlobalCors::new(
        Policy::builder()
            .origins([GLOBAL])
            .any_method()
            .build()
            .unwrap(),
    );
    let app = Router::new()
        .route("/plain", get(|| async { "plain" }))
        .layer(any);
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
}

/// Same through a route-cors path: the dispatcher refuses a repeated
/// `Access-Control-Request-Method` itself, so the default cannot grant it.
#[tokio::test]
async fn repeated_requested_method_on_a_policy_route_is_refused_by_the_route() {
    let any = GlobalCors::new(
        Policy::builder()
            .origins([GLOBAL])
            .any_method()
            .build()
            .unwrap(),
    );
    let app = Router::new()
        .route("/users", route_cors::get(users).into())
        .layer(any);
    let req = http::Request::options("/users")
        .header("origin", GLOBAL)
        .header("access-control-request-method", "GET")
        .header("access-control-request-method", "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "{:?}",
        cors_lines(&res)
    );
}

/// The default's methods bound actual requests too: a plain DELETE under a
/// default that allows GET and POST gets no grant.
#[tokio::test]
async fn actual_request_with_a_method_the_default_does_not_allow_gets_no_grant() {
    let app = Router::new()
        .route(
            "/plain",
            get(|| async { "plain" }).delete(|| async { "deleted" }),
        )
        .layer(global());
    let res = send(
        app.clone(),
        http::Request::delete("/plain")
            .header("origin", GLOBAL)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(acao(&res), None, "{:?}", cors_lines(&res));
    let res = send(app, get_req("/plain", GLOBAL)).await;
    assert_eq!(acao(&res).as_deref(), Some(GLOBAL));
}
