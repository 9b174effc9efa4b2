//! A route's policy holds whatever answers (`CorsRouter`'s docs and the guide's "middleware" page): CORS sits
//! outside every layer added through route-cors, answers preflights before
//! any of them runs, and writes the route's policy on the responses their
//! middleware make: an authentication check's `401`, a timeout's `408`, a
//! caught panic's `500`. Layers added to the returned `Router` sit outside
//! CORS and see every request.

#[path = "support/oneshot.rs"]
mod oneshot;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{Method, StatusCode};
use oneshot::{assert_cors, body_text, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, CorsRouter, Policy};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

const ADMIN: &str = "https://admin.example.com";
const APP: &str = "https://app.example.com";
const GLOBAL: &str = "https://global.example.com";

#[cors(
    origins = ["https://admin.example.com"],
    methods = [GET, POST],
    headers = ["authorization", "content-type"],
    credentials
)]
async fn secret() -> &'static str {
    "secret"
}

#[cors(origins = ["https://app.example.com"])]
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(5)).await;
    "slow"
}

#[cors(origins = ["https://app.example.com"])]
async fn boom() -> &'static str {
    panic!("the handler failed")
}

async fn require_bearer(req: Request, next: Next) -> Response {
    match req.headers().get("authorization") {
        Some(value) if value == "Bearer let-me-in" => next.run(req).await,
        _ => (
            StatusCode::UNAUTHORIZED,
            [("www-authenticate", "Bearer")],
            "unauthorized",
        )
            .into_response(),
    }
}

fn default_policy() -> Policy {
    Policy::builder()
        .origins([GLOBAL])
        .methods(["GET", "POST"])
        .headers(["content-type"])
        .build()
        .expect("the test's default policy is valid")
}

/// Each route group with its own middleware as a route layer, merged into
/// one app with a default, as an axum user writes it.
fn app() -> axum::Router {
    let secure = CorsRouter::new()
        .route("/secure", route_cors::get(secret).post(secret))
        .route_layer(middleware::from_fn(require_bearer));
    #[allow(deprecated)]
    let timeout =
        TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_millis(20));
    let slow_routes = CorsRouter::new()
        .route("/slow", route_cors::get(slow))
        .route_layer(timeout);
    let boom_routes = CorsRouter::new()
        .route("/boom", route_cors::get(boom))
        .route_layer(CatchPanicLayer::new());
    CorsRouter::new()
        .merge(secure)
        .merge(slow_routes)
        .merge(boom_routes)
        .route("/plain", get(|| async { "plain" }))
        .default_policy(default_policy())
        .into_router()
}

fn get_from(path: &str, origin: &str) -> http::Request<Body> {
    http::Request::get(path)
        .header("origin", origin)
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn an_auth_middlewares_401_carries_the_routes_grant_for_its_origin() {
    let res = send(app(), get_from("/secure", ADMIN)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", ADMIN),
            ("access-control-allow-credentials", "true"),
            ("vary", "origin"),
        ],
    );
    assert_eq!(body_text(res).await, "unauthorized");
}

#[tokio::test]
async fn an_auth_middlewares_401_grants_neither_another_origin_nor_the_defaults() {
    for origin in [APP, GLOBAL] {
        let res = send(app(), get_from("/secure", origin)).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_cors(&res, &[("vary", "origin")]);
    }
}

#[tokio::test]
async fn an_authorized_request_reaches_the_handler_under_the_routes_policy() {
    let req = http::Request::post("/secure")
        .header("origin", ADMIN)
        .header("authorization", "Bearer let-me-in")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", ADMIN),
            ("access-control-allow-credentials", "true"),
            ("vary", "origin"),
        ],
    );
    assert_eq!(body_text(res).await, "secret");
}

#[tokio::test]
async fn a_preflight_is_granted_without_credentials_and_never_reaches_the_auth_middleware() {
    let req = preflight("/secure", ADMIN, "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(res.headers().get("www-authenticate").is_none());
    assert!(res.headers().get("allow").is_none());
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", ADMIN),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "POST"),
            (
                "access-control-allow-headers",
                "authorization, content-type",
            ),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn a_refused_preflight_carries_neither_allow_nor_www_authenticate() {
    let req = preflight("/secure", GLOBAL, "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get("allow").is_none());
    assert!(res.headers().get("www-authenticate").is_none());
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
}

#[tokio::test]
async fn a_timeouts_408_carries_the_routes_grant_and_not_the_defaults() {
    let res = send(app(), get_from("/slow", APP)).await;
    assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
    assert_cors(
        &res,
        &[("access-control-allow-origin", APP), ("vary", "origin")],
    );
    let res = send(app(), get_from("/slow", GLOBAL)).await;
    assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
    assert_cors(&res, &[("vary", "origin")]);
}

#[tokio::test]
async fn a_caught_panics_500_carries_the_routes_grant_and_not_the_defaults() {
    let res = send(app(), get_from("/boom", APP)).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_cors(
        &res,
        &[("access-control-allow-origin", APP), ("vary", "origin")],
    );
    let res = send(app(), get_from("/boom", GLOBAL)).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_cors(&res, &[("vary", "origin")]);
}

#[tokio::test]
async fn a_path_that_matches_no_route_gets_the_default() {
    let res = send(app(), get_from("/nowhere", GLOBAL)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_cors(
        &res,
        &[("access-control-allow-origin", GLOBAL), ("vary", "origin")],
    );
    let req = preflight("/nowhere", GLOBAL, "POST")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", GLOBAL),
            ("access-control-allow-methods", "POST"),
            ("access-control-allow-headers", "content-type"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn a_method_without_a_policy_on_a_policied_path_gets_the_default() {
    // `/secure` routes GET and POST; nothing routes PUT there.
    let req = preflight("/secure", GLOBAL, "POST")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "POST has its own policy"
    );
    let req = http::Request::put("/secure")
        .header("origin", GLOBAL)
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    // The default does not allow PUT: judged, no grant.
    assert_cors(&res, &[("vary", "origin")]);
    let req = preflight("/secure", GLOBAL, "PUT")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let req = preflight("/plain", GLOBAL, "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()["access-control-allow-origin"], GLOBAL);
}

/// Records the method of every request a middleware sees.
fn recorder(
    seen: Arc<Mutex<Vec<Method>>>,
) -> impl Fn(Request, Next) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>
       + Clone {
    move |req: Request, next: Next| {
        let seen = Arc::clone(&seen);
        Box::pin(async move {
            seen.lock().unwrap().push(req.method().clone());
            next.run(req).await
        })
    }
}

#[tokio::test]
async fn layers_inside_cors_never_see_a_preflight_and_layers_outside_see_it_as_sent() {
    let inside_layer = Arc::new(Mutex::new(Vec::new()));
    let inside_route_layer = Arc::new(Mutex::new(Vec::new()));
    let outside = Arc::new(Mutex::new(Vec::new()));
    let app = CorsRouter::new()
        .route("/secure", route_cors::get(secret))
        .route_layer(middleware::from_fn(recorder(Arc::clone(
            &inside_route_layer,
        ))))
        .layer(middleware::from_fn(recorder(Arc::clone(&inside_layer))))
        .into_router()
        .layer(middleware::from_fn(recorder(Arc::clone(&outside))));
    for method in ["GET", "DELETE"] {
        let req = preflight("/secure", ADMIN, method)
            .body(Body::empty())
            .unwrap();
        send(app.clone(), req).await;
    }
    let res = send(app, get_from("/secure", ADMIN)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        *outside.lock().unwrap(),
        vec![Method::OPTIONS, Method::OPTIONS, Method::GET]
    );
    assert_eq!(*inside_layer.lock().unwrap(), vec![Method::GET]);
    assert_eq!(*inside_route_layer.lock().unwrap(), vec![Method::GET]);
}

#[tokio::test]
async fn an_auth_layer_outside_cors_answers_without_cors_headers() {
    let app = CorsRouter::new()
        .route("/secure", route_cors::get(secret))
        .default_policy(default_policy())
        .into_router()
        .layer(middleware::from_fn(require_bearer));
    let res = send(app, get_from("/secure", ADMIN)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_cors(&res, &[]);
}

#[tokio::test]
async fn a_handler_never_runs_for_a_preflight_even_on_a_method_without_a_policy() {
    let runs = Arc::new(Mutex::new(0));
    let counted = {
        let runs = Arc::clone(&runs);
        move || async move {
            *runs.lock().unwrap() += 1;
            "ran"
        }
    };
    let app = CorsRouter::new()
        .route(
            "/secure",
            route_cors::get(secret).options(route_cors::plain(counted)),
        )
        .into_router();
    for method in ["GET", "OPTIONS", "PATCH"] {
        let req = preflight("/secure", ADMIN, method)
            .body(Body::empty())
            .unwrap();
        send(app.clone(), req).await;
    }
    assert_eq!(*runs.lock().unwrap(), 0);
}
