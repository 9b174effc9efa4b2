use route_cors::cors;

#[cors(origins = ["https://app.example.com"], headers = ["x token"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
