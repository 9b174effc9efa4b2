//! Every form `origins` takes.

use axum::Router;
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"])]
async fn one() {}

#[cors(origins = [
    "https://app.example.com",
    "https://admin.example.com:8443",
    "http://localhost:3000",
    "http://127.0.0.1:8080",
    "http://[::1]:8080",
    "https://xn--bcher-kva.example",
    "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
    "tauri://localhost",
])]
async fn several() {}

#[cors(origins = "*")]
async fn any() {}

#[cors(origins = ["*"])]
async fn any_in_a_list() {}

#[cors(origins = ["https://*.example.com", "https://*.example.co.uk:8443"])]
async fn subdomains() {}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/one", route_cors::get(one))
        .route("/several", route_cors::get(several))
        .route("/any", route_cors::get(any))
        .route("/any-in-a-list", route_cors::get(any_in_a_list))
        .route("/subdomains", route_cors::get(subdomains)).into_router();
}
