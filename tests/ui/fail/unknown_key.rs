use axum::Router;
use route_cors::cors;

#[cors(allow_origins = ["https://app.example.com"])]
async fn handler(body: String) -> String {
    body
}

fn main() {
    let _app: Router = Router::new().route("/", route_cors::post(handler).into());
}
