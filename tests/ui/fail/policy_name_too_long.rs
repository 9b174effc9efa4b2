// `#[cors(policy = "name")]`: policy name too long.
use route_cors::cors;

#[cors(policy = "a-name-that-goes-on-and-on-and-on-far-beyond-the-sixty-four-characters-allowed")]
async fn handler() -> &'static str {
    "hi"
}

fn main() {}
