//! Every form `methods` takes, and leaving it out.

use axum::Router;
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"])]
async fn routed() {}

#[cors(origins = ["https://app.example.com"], methods = [GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS])]
async fn idents() {}

#[cors(origins = ["https://app.example.com"], methods = [GET, "PURGE"])]
async fn extension() {}

#[cors(origins = ["https://app.example.com"], methods = "*")]
async fn any() {}

#[cors(origins = ["https://app.example.com"], methods = ["*"])]
async fn any_in_a_list() {}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/routed", route_cors::get(routed))
        .route("/idents", route_cors::post(idents))
        .route("/extension", route_cors::get(extension))
        .route("/any", route_cors::put(any))
        .route("/any-in-a-list", route_cors::patch(any_in_a_list)).into_router();
}
