//! `#[tracing::instrument]` above and below `#[cors]`.

use axum::Router;
use route_cors::{cors, CorsRouter};

#[tracing::instrument]
#[cors(origins = ["https://app.example.com"])]
async fn above(body: String) -> String {
    tracing::info!("above");
    body
}

#[cors(origins = ["https://app.example.com"])]
#[tracing::instrument(skip(body))]
async fn below(body: String) -> String {
    tracing::info!("below");
    body
}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/a", route_cors::post(above))
        .route("/b", route_cors::post(below))
        .into_router();
}
