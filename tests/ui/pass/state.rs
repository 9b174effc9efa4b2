//! `State`, with `Router::with_state`.

use std::sync::Arc;

use axum::extract::State;
use axum::Router;
use route_cors::{cors, CorsRouter};

#[derive(Clone, Default)]
struct AppState {
    users: Arc<Vec<String>>,
}

#[cors(origins = ["https://app.example.com"], methods = [GET])]
async fn list_users(State(state): State<AppState>) -> String {
    state.users.join(",")
}

#[cors(origins = ["https://admin.example.com"], methods = [POST], credentials)]
async fn create_user(State(state): State<AppState>, body: String) -> String {
    format!("{} + {body}", state.users.len())
}

fn main() {
    let _app: Router = CorsRouter::new()
        .route(
            "/users",
            route_cors::get(list_users).post(create_user),
        )
        .with_state(AppState::default()).into_router();
}
