//! `#[utoipa::path]` above `#[cors]`, listed in `#[derive(OpenApi)]`.

use axum::Router;
use route_cors::{cors, CorsRouter};
use utoipa::OpenApi;

#[utoipa::path(get, path = "/users", responses((status = 200, description = "The users")))]
#[cors(origins = ["https://app.example.com"])]
async fn list_users() -> &'static str {
    "[]"
}

#[derive(OpenApi)]
#[openapi(paths(list_users))]
struct ApiDoc;

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/users", route_cors::get(list_users))
        .into_router();
    assert!(ApiDoc::openapi().paths.paths.contains_key("/users"));
}
