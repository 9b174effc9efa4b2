use route_cors::cors;

#[cors(origins = ["https://app.example.com"])]
fn handler() -> &'static str {
    "ok"
}

// Registered anyway: the only error is the one on the function.
fn main() {
    let _app: axum::Router = axum::Router::new().route("/", route_cors::get(handler).into());
}
