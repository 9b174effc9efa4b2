use route_cors::cors;

#[cors(origins = ["https://app.example.com"], methods = [GET, CONNECT])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
