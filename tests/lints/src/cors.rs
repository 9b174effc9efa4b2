//! The same handlers with `#[cors]`.

use axum::extract::{Path, State};
use axum::Router;
use route_cors::{cors, CorsRouter};

use crate::plain::AppState;

/// No `.await` in the body, as many handlers have none.
#[cors(origins = ["https://app.example.com"])]
pub async fn hello() -> &'static str {
    "hello"
}

/// State and a path parameter.
#[cors(origins = ["https://app.example.com"], credentials)]
pub async fn greet(State(state): State<AppState>, Path(name): Path<String>) -> String {
    format!("{} {name}", state.greeting)
}

/// A body.
#[cors(origins = ["https://app.example.com"], methods = [POST], headers = ["content-type"])]
pub async fn echo(body: String) -> String {
    body
}

#[cors(origins = ["https://app.example.com"])]
pub async fn undocumented() -> &'static str {
    "no docs"
}

#[cors(policy = "partner")]
async fn private() -> &'static str {
    "private"
}

/// A lint in the body fires in both files: the body is the user's code.
#[cors(origins = ["https://app.example.com"])]
pub async fn total() -> String {
    let sum = 1.to_string();
    sum
}

/// The routes.
pub fn app(state: AppState) -> Router {
    CorsRouter::new()
        .route("/hello", route_cors::get(hello))
        .route("/greet/{name}", route_cors::get(greet))
        .route("/echo", route_cors::post(echo))
        .route("/undocumented", route_cors::get(undocumented))
        .route("/private", route_cors::get(private))
        .with_state(state)
        .into_router()
}
