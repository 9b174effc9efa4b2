use route_cors::cors;

#[cors(origins = ["https://app.example.com"])]
struct Handler;

fn main() {
    let _ = Handler;
}
