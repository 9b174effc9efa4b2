use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"])]
fn handler() -> &'static str {
    "ok"
}

// Registered anyway: the only error is the one on the function.
fn main() {
    let _app: axum::Router = CorsRouter::new().route("/", route_cors::get(handler)).into_router();
}
