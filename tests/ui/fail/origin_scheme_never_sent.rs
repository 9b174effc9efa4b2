use route_cors::cors;

#[cors(origins = ["wss://app.example.com"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
