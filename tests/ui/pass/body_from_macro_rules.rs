//! A handler written by a `macro_rules!` macro, its body passed in as a
//! `$body:block` fragment (which reaches `#[cors]` wrapped in an invisible
//! group), registers like any other.

use axum::Router;
use route_cors::{cors, CorsRouter};

macro_rules! handler {
    ($name:ident, $body:block) => {
        #[cors(origins = ["https://app.example.com"])]
        async fn $name() -> &'static str $body
    };
}

handler!(hello, { "hello" });
handler!(bye, {
    let word = "bye";
    word
});

fn main() {
    let _app: Router = CorsRouter::new()
        .route("/hello", route_cors::get(hello))
        .route("/bye", route_cors::get(bye))
        .into_router();
}
