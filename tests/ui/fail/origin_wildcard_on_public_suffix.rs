use route_cors::cors;

#[cors(origins = ["https://*.co.uk"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
