//! The conformance routes and policies, exactly as `shared/CONFORMANCE.md`
//! fixes them.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get as plain_get, MethodRouter};
use axum::Router;
use route_cors::{cors, GlobalCors, Policy, PolicyError};

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

/// The global default policy, built at run time.
pub fn default_policy() -> Result<Policy, PolicyError> {
    Policy::builder()
        .origins(["http://global.localhost:8001"])
        .methods(["GET", "POST"])
        .headers(["content-type"])
        .build()
}

pub fn app() -> Result<Router, PolicyError> {
    let users: MethodRouter = route_cors::get(list_users)
        .post(create_user)
        .delete(route_cors::plain(delete_users))
        .into();
    Ok(Router::new()
        .route("/public", route_cors::get(public).into())
        .route("/users", users)
        .route("/items/{id}", route_cors::put(put_item).into())
        .route("/wild", route_cors::get(wild).into())
        .route("/teapot", route_cors::get(teapot).into())
        .route("/any-headers", route_cors::get(any_headers).into())
        .route("/plain", plain_get(plain).post(echo))
        .layer(GlobalCors::new(default_policy()?)))
}
