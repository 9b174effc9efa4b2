//! A custom extractor implementing `FromRequestParts`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Router;
use route_cors::{cors, CorsRouter};

struct ApiKey(String);

impl<S: Send + Sync> FromRequestParts<S> for ApiKey {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .map(|v| ApiKey(v.to_owned()))
            .ok_or(StatusCode::UNAUTHORIZED)
    }
}

#[cors(origins = ["https://app.example.com"], headers = ["x-api-key"])]
async fn whoami(ApiKey(key): ApiKey) -> String {
    key
}

#[cors(origins = ["https://app.example.com"], headers = ["x-api-key", "content-type"])]
async fn post(key: Result<ApiKey, StatusCode>, body: String) -> String {
    format!(
        "{}: {body}",
        key.map_or_else(|status| status.to_string(), |k| k.0)
    )
}

fn main() {
    let _app: Router = CorsRouter::new().route("/me", route_cors::get(whoami).post(post)).into_router();
}
