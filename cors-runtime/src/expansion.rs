//! What `#[cors]` expands to when it cannot accept the function.

use std::future::{ready, Ready};

use axum::extract::Request;
use axum::handler::Handler;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// Stands for a handler that `#[cors]` could not accept (not `async`,
/// generic, ...): the struct still registers, so the only errors are the
/// ones on the handler itself. The program does not compile, so it never
/// runs.
#[derive(Clone, Copy, Debug)]
pub struct InvalidHandler;

impl<S> Handler<((),), S> for InvalidHandler {
    type Future = Ready<Response>;

    fn call(self, _req: Request, _state: S) -> Self::Future {
        ready(StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}
