// `#[cors(policy = "name")]`: policy name reserved.
use route_cors::cors;

#[cors(policy = "default")]
async fn handler() -> &'static str {
    "hi"
}

fn main() {}
