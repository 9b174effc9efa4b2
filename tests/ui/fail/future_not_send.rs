use route_cors::cors;

async fn elsewhere() {}

#[cors(origins = ["https://app.example.com"])]
async fn handler() -> &'static str {
    let local = std::rc::Rc::new(1);
    elsewhere().await;
    drop(local);
    "hi"
}

fn main() {}
