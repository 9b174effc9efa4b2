// A `#[cors]` handler given to axum's own `Router::fallback`: its policy
// would be lost, so it does not compile; `CorsRouter::fallback` takes it.
use axum::Router;
use route_cors::cors;

#[cors(origins = ["https://app.example.com"])]
async fn not_found() -> &'static str {
    "not found"
}

fn main() {
    let _app: Router = Router::new().fallback(not_found);
}
