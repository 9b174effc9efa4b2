use route_cors::cors;

#[cors(origins = "*", writes_from_any_origin)]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
