use route_cors::cors;

#[cors(origins = ["https://app.example.com/api"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
