//! A body with inner attributes, and a handler, its state and its argument
//! types all declared inside a function body, written with `self::`,
//! `super::` and `crate::` paths: the body is kept as written, and the
//! generated impls see the names the function sees.

use axum::extract::State;
use axum::Router;
use route_cors::{cors, CorsRouter};

mod types {
    pub mod inner {
        use axum::extract::State;

        #[derive(Clone)]
        pub struct Shared;

        pub type Body = String;

        /// A handler whose argument types name their module relatively.
        #[route_cors::cors(origins = ["https://app.example.com"], methods = [POST])]
        #[tracing::instrument(skip(_state))]
        pub async fn relative(
            State(_state): State<self::Shared>,
            body: super::inner::Body,
        ) -> crate::types::inner::Body {
            #![allow(unused_variables)]
            let unused = 1;
            body
        }
    }
}

fn main() {
    #[derive(Clone)]
    struct LocalState;

    /// A handler declared inside `main`.
    #[cors(origins = ["https://app.example.com"])]
    async fn local(State(_state): State<LocalState>) -> &'static str {
        #![allow(clippy::let_and_return)]
        let answer = "local";
        answer
    }

    let _local: Router = CorsRouter::new()
        .route("/local", route_cors::get(local))
        .with_state(LocalState)
        .into_router();
    let _relative: Router = CorsRouter::new()
        .route("/relative", route_cors::post(types::inner::relative))
        .with_state(types::inner::Shared)
        .into_router();
}
