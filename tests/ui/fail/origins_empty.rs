use route_cors::cors;

#[cors(origins = [])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
