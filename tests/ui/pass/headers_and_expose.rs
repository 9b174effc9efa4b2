//! `headers` and `expose`: lists, `"*"`, any case.

use axum::Router;
use route_cors::{cors, CorsRouter};

#[cors(
    origins = ["https://app.example.com"],
    headers = ["content-type", "Authorization", "x-request-id"],
    expose = ["x-request-id", "X-Total-Count", "etag"],
)]
async fn lists() {}

#[cors(origins = ["https://app.example.com"], headers = "*", expose = "*")]
async fn any() {}

#[cors(origins = ["https://app.example.com"], headers = ["*"], expose = ["*"])]
async fn any_in_a_list() {}

#[cors(origins = ["https://app.example.com"], headers = [], expose = [])]
async fn none() {}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/lists", route_cors::get(lists))
        .route("/any", route_cors::get(any))
        .route("/any-in-a-list", route_cors::get(any_in_a_list))
        .route("/none", route_cors::get(none)).into_router();
}
