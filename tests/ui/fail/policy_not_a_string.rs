// `#[cors(policy = "name")]`: policy not a string.
use route_cors::cors;

#[cors(policy = partner)]
async fn handler() -> &'static str {
    "hi"
}

fn main() {}
