use route_cors::cors;

#[cors(origins = ["https://app.example.com"], expose = "*", credentials)]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
