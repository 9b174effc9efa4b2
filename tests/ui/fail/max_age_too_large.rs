use route_cors::cors;

#[cors(origins = ["https://app.example.com"], max_age = 86401)]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
