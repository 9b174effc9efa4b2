// A handler without a policy beside `#[cors]` ones must say so with
// `route_cors::plain`.
use axum::Router;
use route_cors::cors;

#[cors(origins = ["https://app.example.com"])]
async fn listed() -> &'static str {
    "listed"
}

async fn delete() -> &'static str {
    "deleted"
}

fn main() {
    let _app: Router = Router::new().route("/", route_cors::get(listed).delete(delete).into());
}
