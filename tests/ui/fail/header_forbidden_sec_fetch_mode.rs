use route_cors::cors;

#[cors(origins = ["https://app.example.com"], headers = ["sec-fetch-mode"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
