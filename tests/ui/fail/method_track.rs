use route_cors::cors;

#[cors(origins = ["https://app.example.com"], methods = ["TRACK"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
