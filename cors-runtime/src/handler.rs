//! Handlers as route-cors sees them: an axum handler plus, for `#[cors]`
//! ones, the policy that decides their CORS headers.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::extract::Request;
use axum::handler::Handler;
use axum::response::Response;

use crate::actual::{self, Verdict};
use crate::marker::{self, Reached};
use crate::policy::Policy;

/// A handler that route-cors can register: a `#[cors]` handler, or a plain
/// axum handler wrapped in [`plain`].
///
/// `#[cors]` implements it on the unit struct it turns the handler into. It
/// is what lets the builders ([`get`](crate::get), [`post`](crate::post), ...)
/// collect each handler's policy before axum erases the handler's type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a route-cors handler",
    label = "not a `#[cors]` handler",
    note = "annotate the handler with `#[cors(...)]`, or wrap a handler without a policy in `route_cors::plain(...)`"
)]
pub trait CorsHandler<T, S>: Sized {
    /// The handler's own policy; `None` for [`plain`] handlers.
    fn policy(&self) -> Option<&'static Policy>;

    /// The axum handler.
    fn into_handler(self) -> impl Handler<T, S>;
}

/// A handler without a policy of its own, registered beside `#[cors]`
/// handlers on one path. The global default layer, if any, applies to it.
///
/// ```
/// # use route_cors::cors;
/// #[cors(origins = ["https://app.example.com"])]
/// async fn list() -> &'static str { "[]" }
/// async fn delete() -> &'static str { "gone" }
///
/// let route: axum::routing::MethodRouter = route_cors::get(list).delete(route_cors::plain(delete)).into();
/// # let _ = route;
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
    fn policy(&self) -> Option<&'static Policy> {
        None
    }

    fn into_handler(self) -> impl Handler<T, S> {
        self.0
    }
}

/// A `#[cors]` handler as registered: its policy rewrites the CORS headers
/// of every response it gives.
#[derive(Clone)]
pub(crate) struct WithPolicy<H> {
    pub(crate) handler: H,
    pub(crate) policy: &'static Policy,
}

impl<H, T, S> Handler<T, S> for WithPolicy<H>
where
    H: Handler<T, S>,
{
    type Future = ActualResponse<H::Future>;

    fn call(self, req: Request, state: S) -> Self::Future {
        let verdict = actual::judge(self.policy, req.method(), req.headers());
        marker::report(req.extensions(), Reached::RoutePolicy(self.policy));
        ActualResponse {
            inner: self.handler.call(req, state),
            policy: self.policy,
            verdict,
        }
    }
}

pin_project_lite::pin_project! {
    /// The handler's response, with the policy's CORS headers.
    pub(crate) struct ActualResponse<F> {
        #[pin]
        inner: F,
        policy: &'static Policy,
        verdict: Verdict,
    }
}

impl<F: Future<Output = Response>> Future for ActualResponse<F> {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        let this = self.project();
        let mut res = ready!(this.inner.poll(cx));
        actual::apply(this.policy, this.verdict, res.headers_mut());
        Poll::Ready(res)
    }
}
