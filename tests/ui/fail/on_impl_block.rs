use route_cors::cors;

struct Users;

#[cors(origins = ["https://app.example.com"])]
impl Users {
    async fn list(&self) -> &'static str {
        "[]"
    }
}

fn main() {
    let _ = Users.list();
}
