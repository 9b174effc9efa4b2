//! `#[axum::debug_handler]` below `#[cors]`: axum's checks run on the
//! handler's own signature. (Above `#[cors]` it expands first, before the
//! handler is a struct, and cannot work: write it below.)

use axum::extract::State;
use axum::Router;
use route_cors::{cors, CorsRouter};

#[derive(Clone)]
struct AppState;

#[cors(origins = ["https://app.example.com"])]
#[axum::debug_handler]
async fn plain_one() -> &'static str {
    "one"
}

#[cors(origins = ["https://app.example.com"], methods = [POST])]
#[axum::debug_handler(state = AppState)]
async fn with_state(State(_state): State<AppState>, body: String) -> String {
    body
}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/", route_cors::get(plain_one).post(with_state))
        .with_state(AppState)
        .into_router();
}
