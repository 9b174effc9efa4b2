// A `#[cors]` handler given to axum's own `get`: its policy would be lost,
// so it does not compile. Register it with `route_cors::get` instead.
use axum::Router;
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"])]
async fn handler() -> &'static str {
    "hi"
}

fn main() {
    let _app: Router = CorsRouter::new().route("/", axum::routing::get(handler)).into_router();
}
