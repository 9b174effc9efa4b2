// `#[cors(policy = "name")]`: policy name uppercase.
use route_cors::cors;

#[cors(policy = "Partner")]
async fn handler() -> &'static str {
    "hi"
}

fn main() {}
