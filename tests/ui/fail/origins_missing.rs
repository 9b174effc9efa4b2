use axum::Router;
use route_cors::cors;

#[cors(methods = [POST])]
async fn handler(body: String) -> String {
    body
}

fn main() {
    let _app: Router = Router::new().route("/", route_cors::post(handler).into());
}
