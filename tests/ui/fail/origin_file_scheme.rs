use route_cors::cors;

#[cors(origins = ["file:///home/me/index.html"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
