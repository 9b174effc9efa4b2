use route_cors::cors;

#[cors(origins = ["https://app.example.com:443"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
