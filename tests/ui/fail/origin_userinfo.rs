use route_cors::cors;

#[cors(origins = ["https://admin@app.example.com"])]
async fn handler() -> &'static str {
    "ok"
}

fn main() {}
