use route_cors::cors;

#[cors(origins = ["https://app.example.com"], methods = [TRACE])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
