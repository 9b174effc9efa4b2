use route_cors::cors;

#[cors(origins = ["https://app.example.com"], headers = ["content-type", "Content-Type"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
