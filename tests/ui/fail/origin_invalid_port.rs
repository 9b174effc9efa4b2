use route_cors::cors;

#[cors(origins = ["https://app.example.com:65536"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
