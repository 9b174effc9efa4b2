//! The conformance routes and policies. This file follows the repository's
//! `CONFORMANCE.md` (at the repository root), which fixes every route,
//! handler, policy and middleware below: change them there first, never
//! only here.

use std::time::Duration;

use axum::extract::{Path, Request};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get as plain_get;
use axum::Router;
use route_cors::{cors, CorsRouter, Policies, PoliciesError, Policy, PolicyError, PolicySet};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;

#[cors(origins = "*", expose = ["x-request-id"])]
async fn public() -> impl IntoResponse {
    ([("x-request-id", "42")], "public")
}

#[cors(origins = ["http://app.localhost:8001"], methods = [GET], max_age = 600)]
async fn list_users() -> &'static str {
    "users"
}

#[cors(
    origins = ["http://admin.localhost:8001"],
    methods = [POST],
    headers = ["content-type", "x-token"],
    credentials
)]
async fn create_user(body: String) -> String {
    body
}

async fn delete_users() -> &'static str {
    "deleted"
}

#[cors(
    origins = ["http://app.localhost:8001", "http://admin.localhost:8001"],
    methods = [PUT],
    headers = ["content-type", "authorization"],
    expose = ["x-request-id", "x-total-count"],
    credentials,
    max_age = 7200
)]
async fn put_item(Path(id): Path<String>) -> impl IntoResponse {
    (
        [
            ("x-request-id", "7"),
            ("x-total-count", "1"),
            ("vary", "accept-encoding"),
        ],
        format!("item {id}"),
    )
}

// `private_network` is deprecated; CONFORMANCE.md keeps the route as it was.
#[allow(deprecated)]
#[cors(origins = ["https://*.example.com"], private_network)]
async fn wild() -> &'static str {
    "wild"
}

#[cors(origins = ["http://app.localhost:8001"])]
async fn teapot() -> impl IntoResponse {
    (
        StatusCode::IM_A_TEAPOT,
        [("access-control-allow-origin", "*")],
        "teapot",
    )
}

#[cors(origins = ["http://app.localhost:8001"], headers = "*")]
async fn any_headers() -> &'static str {
    "any"
}

async fn plain() -> &'static str {
    "plain"
}

async fn echo(body: String) -> String {
    body
}

// --- Routes behind middleware ----------------------------------------------

#[cors(
    origins = ["http://admin.localhost:8001"],
    methods = [GET, POST],
    headers = ["authorization", "content-type"],
    credentials
)]
async fn secure() -> &'static str {
    "secret"
}

#[cors(
    origins = ["http://admin.localhost:8001"],
    methods = [GET, POST],
    headers = ["authorization", "content-type"],
    credentials
)]
async fn secure_echo(body: String) -> String {
    body
}

/// The token `/secure` wants, as `Authorization: Bearer let-me-in`.
const TOKEN: &str = "Bearer let-me-in";

/// Authentication: without the token, `401` with `www-authenticate:
/// Bearer`. route-cors answers preflights before this runs, so it never
/// sees one.
async fn require_token(req: Request, next: Next) -> Response {
    let authorized = req
        .headers()
        .get(header::AUTHORIZATION)
        .is_some_and(|value| value == TOKEN);
    if authorized {
        next.run(req).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "unauthorized",
        )
            .into_response()
    }
}

#[cors(origins = ["http://app.localhost:8001"])]
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(2)).await;
    "slow"
}

#[cors(origins = ["http://app.localhost:8001"])]
async fn boom() -> &'static str {
    panic!("boom: the conformance server's /boom handler always panics")
}

#[cors(origins = ["http://admin.localhost:8001"])]
async fn v1_users() -> &'static str {
    "v1 users"
}

// --- Cross-origin writes ------------------------------------------------------

#[cors(origins = ["http://app.localhost:8001"], writes_from_any_origin)]
async fn callback(body: String) -> String {
    body
}

#[cors(policy = "partner")]
async fn partner() -> &'static str {
    "partner"
}

/// The global default policy, built at run time.
pub fn default_policy() -> Result<Policy, PolicyError> {
    Policy::builder()
        .origins(["http://global.localhost:8001"])
        .methods(["GET", "POST"])
        .headers(["content-type"])
        .build()
}

/// The built-in `partner` policy, used where `CORS_CONFIG` leaves it out.
fn partner_policy() -> Result<Policy, PolicyError> {
    Policy::builder()
        .origins(["http://admin.localhost:8001"])
        .methods(["GET"])
        .build()
}

/// The run-time policies: `default` and `partner` from the `CORS_CONFIG`
/// file where it defines them, the built-in ones otherwise. Other names in
/// the file are checked and unused. Every problem is in the error.
pub fn load_policies(config: Option<&std::path::Path>) -> Result<PolicySet, String> {
    let file = match config {
        Some(path) => {
            let json = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read CORS_CONFIG {}: {e}", path.display()))?;
            PolicySet::from_json(&json).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => PolicySet::new(),
    };
    let default = match file.default_policy() {
        Some(policy) => policy.clone(),
        None => default_policy().map_err(|e| e.to_string())?,
    };
    let partner_named = match file.get("partner") {
        Some(policy) => policy.clone(),
        None => partner_policy().map_err(|e| e.to_string())?,
    };
    PolicySet::new()
        .with_default(default)
        .with_policy("partner", partner_named)
        .map_err(|e| e.to_string())
}

pub fn app(policies: Policies) -> Result<Router, PoliciesError> {
    // Each group of routes behind middleware is its own router, with the
    // middleware as a route layer over its routes only.
    let secure_routes = CorsRouter::new()
        .route("/secure", route_cors::get(secure).post(secure_echo))
        .route_layer(middleware::from_fn(require_token));
    let slow_routes = CorsRouter::new()
        .route("/slow", route_cors::get(slow))
        .route_layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_millis(100),
        ));
    let boom_routes = CorsRouter::new()
        .route("/boom", route_cors::get(boom))
        .route_layer(CatchPanicLayer::new());
    let api_v1 = CorsRouter::new().route("/users", route_cors::get(v1_users));

    CorsRouter::new()
        .route("/public", route_cors::get(public))
        .route(
            "/users",
            route_cors::get(list_users)
                .post(create_user)
                .delete(route_cors::plain(delete_users)),
        )
        .route("/items/{id}", route_cors::put(put_item))
        .route("/wild", route_cors::get(wild))
        .route("/teapot", route_cors::get(teapot))
        .route("/any-headers", route_cors::get(any_headers))
        .route("/plain", plain_get(plain).post(echo))
        .merge(secure_routes)
        .merge(slow_routes)
        .merge(boom_routes)
        .nest("/api/v1", api_v1)
        .route("/partner", route_cors::get(partner))
        .route("/callback", route_cors::post(callback))
        .policies(policies)
        .try_into_router()
}
