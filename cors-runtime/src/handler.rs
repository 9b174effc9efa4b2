//! Handlers as route-cors sees them: an axum handler plus, for `#[cors]`
//! ones, the policy that decides their CORS headers.

use axum::handler::Handler;

use crate::compiled::CompiledPolicy;

/// A handler that route-cors can register: a `#[cors]` handler, or a plain
/// axum handler wrapped in [`plain`].
///
/// `#[cors]` implements it on the unit struct it turns the handler into. It
/// is what lets the route builders ([`get`](crate::get), [`post`](crate::post),
/// ...) collect each handler's policy before axum erases the handler's type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a route-cors handler",
    label = "not a `#[cors]` handler",
    note = "annotate the handler with `#[cors(...)]`, or wrap a handler without a policy in `route_cors::plain(...)`"
)]
pub trait CorsHandler<T, S>: Sized {
    /// The handler's own policy.
    fn policy(&self) -> HandlerPolicy;

    /// The axum handler.
    fn into_handler(self) -> impl Handler<T, S>;
}

/// Where a handler's policy comes from.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum HandlerPolicy {
    /// None of its own ([`plain`]): the default decides.
    None,
    /// Written in `#[cors(...)]`, checked at compile time; built into a
    /// [`Policy`] when the handler is registered.
    Static(&'static CompiledPolicy),
    /// `#[cors(policy = "name")]`: the run-time policy of that name
    /// ([`Policies`](crate::Policies)).
    Named(&'static str),
}

impl HandlerPolicy {
    /// Whether the handler has a policy of its own.
    pub fn is_some(&self) -> bool {
        !matches!(self, HandlerPolicy::None)
    }
}

/// A handler without a policy of its own, registered beside `#[cors]`
/// handlers on one path. The default policy, if the app has one, decides
/// its CORS headers; without one, it gets no grant.
///
/// ```
/// # use route_cors::{cors, CorsRouter};
/// #[cors(origins = ["https://app.example.com"])]
/// async fn list() -> &'static str { "[]" }
/// async fn delete() -> &'static str { "gone" }
///
/// let app: axum::Router = CorsRouter::new()
///     .route("/items", route_cors::get(list).delete(route_cors::plain(delete)))
///     .into_router();
/// # let _ = app;
/// ```
pub fn plain<H>(handler: H) -> Plain<H> {
    Plain(handler)
}

/// See [`plain`].
#[derive(Clone, Copy, Debug)]
pub struct Plain<H>(H);

impl<H, T, S> CorsHandler<T, S> for Plain<H>
where
    H: Handler<T, S>,
{
    fn policy(&self) -> HandlerPolicy {
        HandlerPolicy::None
    }

    fn into_handler(self) -> impl Handler<T, S> {
        self.0
    }
}
