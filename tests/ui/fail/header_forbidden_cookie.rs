use route_cors::cors;

#[cors(origins = ["https://app.example.com"], headers = ["cookie"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
