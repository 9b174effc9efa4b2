// A syntax error in the body is rustc's own error, alone: `#[cors]` keeps
// the body as written and still writes the handler, so the registration
// below adds nothing.

use axum::Router;
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"])]
async fn broken() -> &'static str {
    let x = ;
    "unreachable"
}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/", route_cors::get(broken))
        .into_router();
}
