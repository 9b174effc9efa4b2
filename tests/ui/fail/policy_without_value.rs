// `#[cors(policy = "name")]`: policy without value.
use route_cors::cors;

#[cors(policy)]
async fn handler() -> &'static str {
    "hi"
}

fn main() {}
