use route_cors::cors;

#[cors(origins = ["https://bücher.example"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
