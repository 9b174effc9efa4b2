//! Plain axum handlers.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::Router;

/// The app's state.
#[derive(Clone)]
pub struct AppState {
    /// A greeting.
    pub greeting: &'static str,
}

/// No `.await` in the body, as many handlers have none.
pub async fn hello() -> &'static str {
    "hello"
}

/// State and a path parameter.
pub async fn greet(State(state): State<AppState>, Path(name): Path<String>) -> String {
    format!("{} {name}", state.greeting)
}

/// A body.
pub async fn echo(body: String) -> String {
    body
}

pub async fn undocumented() -> &'static str {
    "no docs"
}

async fn private() -> &'static str {
    "private"
}

/// A lint in the body fires in both files: the body is the user's code.
pub async fn total() -> String {
    let sum = 1.to_string();
    sum
}

/// The routes.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/hello", get(hello))
        .route("/greet/{name}", get(greet))
        .route("/echo", post(echo))
        .route("/undocumented", get(undocumented))
        .route("/private", get(private))
        .with_state(state)
}
