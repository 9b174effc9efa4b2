use route_cors::cors;

// The attribute's mistakes and the item's are reported together.
#[cors(origins = ["https://x.com/"], methods = [get])]
fn handler() -> &'static str {
    "ok"
}

fn main() {}
