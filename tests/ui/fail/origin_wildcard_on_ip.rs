use route_cors::cors;

#[cors(origins = ["http://*.192.168.0.1"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
