use axum::Router;
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"], headers = [CONTENT_TYPE])]
async fn handler(body: String) -> String {
    body
}

fn main() {
    let _app: Router = CorsRouter::new().route("/", route_cors::post(handler)).into_router();
}
