use route_cors::cors;

struct Users;

impl Users {
    #[cors(origins = ["https://app.example.com"])]
    async fn list(&self) -> &'static str {
        "[]"
    }
}

fn main() {}
