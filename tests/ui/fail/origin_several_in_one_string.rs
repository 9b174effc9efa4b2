use route_cors::cors;

#[cors(origins = ["https://a.example.com, https://b.example.com"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
