use axum::Router;
use route_cors::{cors, CorsRouter};

// Every mistake is reported at once, each on its own token, and the handler
// still registers without any further error.
#[cors(
    origins = ["https://x.com/", "https://app.example.com:443", "*"],
    methods = [get, TRACE],
    headers = ["cookie"],
    expose = ["set-cookie"],
    max_age = 86401,
    allow_credentials,
)]
async fn handler() -> &'static str {
    "ok"
}

fn main() {
    let _app: Router = CorsRouter::new().route("/", route_cors::get(handler)).into_router();
}
