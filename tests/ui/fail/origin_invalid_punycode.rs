use route_cors::cors;

#[cors(origins = ["https://app.example.com", "http://xn--f"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
