use route_cors::cors;

#[cors(origins = ["https://app.example.com"])]
async fn handler<T: Default>() -> &'static str {
    let _ = T::default();
    "ok"
}

fn main() {}
