// A stateless `CorsRouter` is served as it is, as a `Router` is; a router
// with state after `with_state`.
use axum::extract::State;
use route_cors::{cors, CorsRouter};

#[derive(Clone)]
struct AppState;

#[cors(origins = ["https://app.example.com"])]
async fn hello() -> &'static str {
    "hi"
}

#[cors(origins = ["https://app.example.com"])]
async fn stateful(State(_state): State<AppState>) -> &'static str {
    "hi"
}

#[allow(dead_code)]
async fn serve() {
    let app = CorsRouter::new().route("/", route_cors::get(hello));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    axum::serve(listener, app).await.unwrap();

    let app = CorsRouter::new()
        .route("/", route_cors::get(stateful))
        .with_state(AppState);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    axum::serve(listener, app).await.unwrap();
}

fn main() {}
