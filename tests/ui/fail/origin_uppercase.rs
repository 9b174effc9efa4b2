use route_cors::cors;

#[cors(origins = ["https://App.Example.com"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
