use route_cors::cors;

#[cors(origins = ["https://app.example.com"])]
fn handler() -> &'static str {
    "ok"
}

fn main() {}
