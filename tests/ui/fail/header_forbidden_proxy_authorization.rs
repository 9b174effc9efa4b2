use route_cors::cors;

#[cors(origins = ["https://app.example.com"], headers = ["proxy-authorization"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
