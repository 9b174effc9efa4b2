//! Any `IntoResponse` return type.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"])]
async fn unit() {}

#[cors(origins = ["https://app.example.com"])]
async fn impl_into_response() -> impl IntoResponse {
    (StatusCode::CREATED, [("x-request-id", "1")], "created")
}

#[cors(origins = ["https://app.example.com"])]
async fn result(body: String) -> Result<String, StatusCode> {
    if body.is_empty() {
        Err(StatusCode::BAD_REQUEST)
    } else {
        Ok(body)
    }
}

#[cors(origins = ["https://app.example.com"])]
async fn result_of_impl() -> Result<impl IntoResponse, (StatusCode, String)> {
    Ok::<_, (StatusCode, String)>("fine")
}

#[cors(origins = ["https://app.example.com"])]
async fn response() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/unit", route_cors::get(unit))
        .route("/impl", route_cors::get(impl_into_response))
        .route("/result", route_cors::post(result))
        .route("/result-of-impl", route_cors::get(result_of_impl))
        .route("/response", route_cors::delete(response)).into_router();
}
