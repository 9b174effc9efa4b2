//! `Path` and `Json` extractors, and `Json` responses.

use axum::extract::Path;
use axum::{Json, Router};
use route_cors::{cors, CorsRouter};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Serialize)]
struct User {
    name: String,
}

#[cors(origins = ["https://app.example.com"])]
async fn get_user(Path(id): Path<u32>) -> Json<User> {
    Json(User {
        name: format!("user {id}"),
    })
}

#[cors(origins = ["https://app.example.com"], headers = ["content-type"])]
async fn put_user(Path((team, id)): Path<(String, u32)>, Json(user): Json<User>) -> Json<User> {
    Json(User {
        name: format!("{team}/{id}: {}", user.name),
    })
}

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/users/{id}", route_cors::get(get_user))
        .route("/teams/{team}/users/{id}", route_cors::put(put_user)).into_router();
}
