use route_cors::cors;

#[cors(origins = ["http://127.000.000.001:8080"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
