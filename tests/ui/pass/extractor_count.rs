//! No extractor, several, and as many as axum allows (16).

use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, Method, Uri, Version};
use axum::Router;
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"])]
async fn none() -> &'static str {
    "none"
}

#[cors(origins = ["https://app.example.com"])]
async fn several(
    State(prefix): State<String>,
    Path(id): Path<u32>,
    Extension(tenant): Extension<u8>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: String,
) -> String {
    format!(
        "{prefix} {id} {tenant} {method} {uri} {} {body}",
        headers.len()
    )
}

#[cors(origins = ["https://app.example.com"])]
#[allow(clippy::too_many_arguments)]
async fn sixteen(
    _: Method,
    _: Uri,
    _: Version,
    _: HeaderMap,
    _: Method,
    _: Uri,
    _: Version,
    _: HeaderMap,
    _: Method,
    _: Uri,
    _: Version,
    _: HeaderMap,
    _: Method,
    _: Uri,
    _: Version,
    body: String,
) -> String {
    body
}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/none", route_cors::get(none))
        .route("/several/{id}", route_cors::post(several))
        .route("/sixteen", route_cors::post(sixteen))
        .layer(Extension(7u8))
        .with_state(String::from("prefix")).into_router();
}
