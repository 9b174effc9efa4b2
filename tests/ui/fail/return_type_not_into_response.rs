use route_cors::cors;

struct NotAResponse;

#[cors(origins = ["https://app.example.com"])]
async fn handler() -> NotAResponse {
    NotAResponse
}

fn main() {}
