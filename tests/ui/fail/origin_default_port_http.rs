use route_cors::cors;

#[cors(origins = ["http://app.example.com:80"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
