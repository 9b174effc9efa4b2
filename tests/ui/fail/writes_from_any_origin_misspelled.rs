use route_cors::cors;

#[cors(origins = ["https://app.example.com"], allow_cross_origin_writes)]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
