// `#[utoipa::path]` below `#[cors]` would document the function `#[cors]`
// keeps inside the handler's struct: an error that says to write it above.
use route_cors::cors;

#[cors(origins = ["https://app.example.com"])]
#[utoipa::path(get, path = "/users", responses((status = 200)))]
async fn list_users() -> &'static str {
    "[]"
}

fn main() {}
