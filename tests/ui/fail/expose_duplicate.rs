use route_cors::cors;

#[cors(origins = ["https://app.example.com"], expose = ["x-request-id", "X-Request-Id"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
