//! The macro keeps the function as `name::call`, for unit tests.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use route_cors::cors;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct User {
    name: String,
}

#[cors(origins = ["https://app.example.com"])]
async fn hello() -> &'static str {
    "hello"
}

#[cors(origins = ["https://app.example.com"], headers = ["content-type"])]
async fn rename(
    State(suffix): State<&'static str>,
    Path(id): Path<u32>,
    Json(user): Json<User>,
) -> Result<Json<User>, StatusCode> {
    if id == 0 {
        return Err(StatusCode::NOT_FOUND);
    }
    Ok(Json(User {
        name: format!("{}{suffix}", user.name),
    }))
}

#[tokio::main]
async fn main() {
    assert_eq!(hello.call().await, "hello");
    let user = || Json(User { name: "ada".into() });
    let Json(renamed) = rename.call(State("!"), Path(1), user()).await.unwrap();
    assert_eq!(
        renamed,
        User {
            name: "ada!".into()
        }
    );
    assert_eq!(
        rename.call(State("!"), Path(0), user()).await.unwrap_err(),
        StatusCode::NOT_FOUND,
    );
}
