use route_cors::cors;

#[cors(origins = ["https://app.example.com"], expose = ["x-request-id", "access-control-allow-origin"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
