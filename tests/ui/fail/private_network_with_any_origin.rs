use route_cors::cors;

#[cors(origins = "*", private_network)]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
