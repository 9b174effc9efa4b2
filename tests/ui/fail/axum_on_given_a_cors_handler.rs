// A `#[cors]` handler given to axum's own `on`: its policy would be lost, so
// it does not compile, and the error names route-cors's registration.
use axum::Router;
use route_cors::cors;

#[cors(origins = ["https://app.example.com"])]
async fn handler() -> &'static str {
    "hi"
}

fn main() {
    let _app: Router = Router::new().route("/", axum::routing::on(axum::routing::MethodFilter::PATCH, handler));
}
