// A handler argument that is not an extractor: the error names the type
// and the trait it lacks.
use route_cors::{cors, CorsRouter};

struct NotAnExtractor;

#[cors(origins = ["https://app.example.com"])]
async fn handler(_x: NotAnExtractor) -> &'static str {
    "hi"
}

fn main() {
    let _app: axum::Router = CorsRouter::new()
        .route("/", route_cors::get(handler))
        .into_router();
}
