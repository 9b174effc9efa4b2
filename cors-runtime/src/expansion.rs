//! What `#[cors]`'s expansion names besides `CorsFn`: the guard that makes
//! giving a `#[cors]` handler to axum directly an error that says what to
//! do, the future of handlers that are never called, and the marker that
//! puts a deprecation warning on a key.

use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// Used by `#[cors]` at a `private_network` key, so that rustc warns on
/// the key.
#[deprecated(
    note = "`private_network` is deprecated: Chrome 142 replaced Private Network Access preflights with a permission prompt (Local Network Access), and `Access-Control-Allow-Private-Network` does nothing in current Chromium; remove it"
)]
pub const PRIVATE_NETWORK: () = ();

/// What a `#[cors]` handler's state would have to implement for the handler
/// to be given to axum directly; nothing does, so `axum::routing::get(handler)`
/// is an error with this message instead of axum's bare "`Handler` is not
/// satisfied". (The bound is on the state, not the handler, so that it is
/// not trivially false where it is written, and is judged after the state
/// is known.)
#[diagnostic::on_unimplemented(
    message = "`{H}` is a `#[cors]` handler: register it with route-cors, not with axum's own functions",
    label = "given to axum directly, `{H}` would lose its CORS policy",
    note = "write `route_cors::get({H})` (or `post`, `put`, `any`, `on`, ...) in `CorsRouter::route`, or `CorsRouter::fallback({H})`; call it directly in tests as `{H}.call(...)`"
)]
pub trait RegisterWithRouteCors<H> {}

/// The marker of that impl, for axum's `Handler<T, S>`.
#[derive(Debug)]
pub struct NotAHandler;

/// The future of handlers that are never called: that impl, and the
/// stand-in for a function `#[cors]` could not accept (the program does not
/// compile, so it never runs).
#[derive(Debug)]
pub struct Unreachable;

impl std::future::Future for Unreachable {
    type Output = Response;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Response> {
        std::task::Poll::Ready(StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}
