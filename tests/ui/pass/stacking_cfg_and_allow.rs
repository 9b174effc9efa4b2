//! `#[cfg]` and `#[allow]` above and below `#[cors]`: a handler compiled out
//! takes everything `#[cors]` generates for it along.

use axum::Router;
use route_cors::{cors, CorsRouter};

#[cfg(any())]
#[cors(origins = ["https://app.example.com"])]
async fn gone_above() -> &'static str {
    "never compiled"
}

#[cors(origins = ["https://app.example.com"])]
#[cfg(any())]
async fn gone_below() -> &'static str {
    "never compiled"
}

#[cors(origins = ["https://app.example.com"])]
#[cfg(all())]
#[allow(unused_variables)]
async fn kept() -> &'static str {
    let unused = 1;
    "kept"
}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/", route_cors::get(kept))
        .into_router();
}
