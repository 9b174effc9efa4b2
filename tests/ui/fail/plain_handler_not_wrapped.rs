// A handler without a policy beside `#[cors]` ones must say so with
// `route_cors::plain`.
use axum::Router;
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"])]
async fn listed() -> &'static str {
    "listed"
}

async fn delete() -> &'static str {
    "deleted"
}

fn main() {
    let _app: Router = CorsRouter::new().route("/", route_cors::get(listed).delete(delete)).into_router();
}
