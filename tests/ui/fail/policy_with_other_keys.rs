// `#[cors(policy = "name")]`: policy with other keys.
use route_cors::cors;

#[cors(policy = "partner", origins = ["https://app.example.com"], credentials)]
async fn handler() -> &'static str {
    "hi"
}

fn main() {}
