use route_cors::cors;

#[cors(origins = ["null"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
