// The handler's function is a method (`handler.call(..)`), so its path
// cannot be given to axum in place of the handler, which would drop the
// policy without a word.
use axum::Router;
use route_cors::cors;

#[cors(origins = ["https://app.example.com"])]
async fn handler() -> &'static str {
    "hi"
}

fn main() {
    let _app: Router = Router::new().route("/", axum::routing::get(handler::call));
}
