use route_cors::cors;

#[cors(origins = ["https://x.com/"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
