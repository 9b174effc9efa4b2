//! `credentials`, `private_network` and `max_age`.

use axum::Router;
use route_cors::{cors, CorsRouter};

#[cors(
    origins = ["https://app.example.com"],
    methods = [GET, POST],
    headers = ["content-type"],
    expose = ["x-request-id"],
    credentials,
    max_age = 600,
)]
async fn with_credentials() {}

#[cors(origins = ["https://app.example.com"], credentials = true, max_age = 0)]
async fn credentials_true() {}

// Without credentials, every `*` is allowed.
#[cors(
    origins = "*",
    methods = "*",
    headers = "*",
    expose = "*",
    credentials = false
)]
async fn credentials_false() {}

#[cors(origins = ["https://app.example.com"], private_network, max_age = 86400)]
async fn private_network() {}

#[cors(origins = ["http://intranet.localhost:8080"], private_network = true, credentials)]
async fn private_network_true() {}

#[cors(origins = "*", private_network = false)]
async fn private_network_false() {}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/credentials", route_cors::get(with_credentials))
        .route(
            "/credentials-true",
            route_cors::get(credentials_true),
        )
        .route(
            "/credentials-false",
            route_cors::get(credentials_false),
        )
        .route("/private-network", route_cors::get(private_network))
        .route(
            "/private-network-true",
            route_cors::get(private_network_true),
        )
        .route(
            "/private-network-false",
            route_cors::get(private_network_false),
        ).into_router();
}

/// `insecure_origins`: an `http://` intranet page with credentials, allowed
/// knowingly.
#[cors(origins = ["http://intranet.example.com"], credentials, insecure_origins)]
async fn intranet() -> &'static str {
    "intranet"
}

#[allow(dead_code)]
fn intranet_route() -> axum::Router {
    route_cors::CorsRouter::new()
        .route("/intranet", route_cors::get(intranet))
        .into_router()
}
