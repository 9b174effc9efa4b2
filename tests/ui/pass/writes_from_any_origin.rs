// A route every page may write to (a sign-in provider's form post): the
// flag alone or with a value, checked like every key.
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"], writes_from_any_origin)]
async fn callback(body: String) -> String {
    body
}

#[cors(origins = ["https://app.example.com"], methods = [POST], writes_from_any_origin = false)]
async fn strict(body: String) -> String {
    body
}

fn main() {
    let _app: axum::Router = CorsRouter::new()
        .route("/callback", route_cors::post(callback))
        .route("/strict", route_cors::post(strict))
        .into_router();
}
