//! `crate = "..."`: the facade reached through a re-export.

mod reexport {
    pub use route_cors;
}

use axum::Router;
use reexport::route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"], crate = "reexport::route_cors")]
async fn handler() -> &'static str {
    "ok"
}

#[cors(crate = "::route_cors", origins = "*")]
async fn absolute() -> &'static str {
    "ok"
}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/", reexport::route_cors::get(handler))
        .route("/absolute", route_cors::get(absolute)).into_router();
}
