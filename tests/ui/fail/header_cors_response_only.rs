use route_cors::cors;

#[cors(origins = ["https://app.example.com"], headers = ["access-control-allow-origin"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
