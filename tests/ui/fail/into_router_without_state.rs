// A router whose handlers take `State` needs it before it is built: the
// error says to call `with_state`.
use axum::extract::State;
use route_cors::{cors, CorsRouter};

#[derive(Clone)]
struct AppState;

#[cors(origins = ["https://app.example.com"])]
async fn handler(State(_state): State<AppState>) -> &'static str {
    "hi"
}

fn main() {
    let _app = CorsRouter::new()
        .route("/", route_cors::get(handler))
        .into_router();
}
