use route_cors::cors;

#[cors(origins = ["https://app.example.com"], headers = ["content-type", "Host"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
