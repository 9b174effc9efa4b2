//! Letting preflights past middleware that would refuse them.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::Request;
use tower_layer::Layer;
use tower_service::Service;

use crate::request::is_preflight;

/// Applies a layer to every request except CORS preflights, which go
/// straight to the service below it.
///
/// A preflight carries no credentials, so an authentication middleware
/// refuses it, and the browser then refuses the real request. Wrap such a
/// middleware in `ExceptPreflight`: route-cors answers the preflight below
/// it without running any handler, and paths without an `OPTIONS` handler
/// answer `405`.
///
/// A handler that accepts `OPTIONS` itself (`any(...)`, a router fallback, a
/// plain axum `options(...)`) would run unauthenticated for anyone who sends
/// `Origin` and `Access-Control-Request-Method`: keep such routes out from
/// under `ExceptPreflight`.
///
/// ```
/// use axum::{extract::Request, middleware::{self, Next}, response::Response, Router};
/// use http::StatusCode;
/// use route_cors::{cors, ExceptPreflight};
///
/// async fn require_token(req: Request, next: Next) -> Result<Response, StatusCode> {
///     if req.headers().contains_key("x-token") {
///         Ok(next.run(req).await)
///     } else {
///         Err(StatusCode::UNAUTHORIZED)
///     }
/// }
///
/// #[cors(origins = ["https://app.example.com"], headers = ["x-token"])]
/// async fn secret() -> &'static str { "secret" }
///
/// let app: Router = Router::new()
///     .route("/secret", route_cors::get(secret).into())
///     .layer(ExceptPreflight::new(middleware::from_fn(require_token)));
/// ```
#[derive(Clone, Debug)]
pub struct ExceptPreflight<L> {
    layer: L,
}

impl<L> ExceptPreflight<L> {
    pub fn new(layer: L) -> Self {
        ExceptPreflight { layer }
    }
}

impl<L, S> Layer<S> for ExceptPreflight<L>
where
    L: Layer<S>,
    S: Clone,
{
    type Service = ExceptPreflightService<S, L::Service>;

    fn layer(&self, inner: S) -> Self::Service {
        ExceptPreflightService {
            preflight: inner.clone(),
            layered: self.layer.layer(inner),
        }
    }
}

/// The service of [`ExceptPreflight`].
#[derive(Clone, Debug)]
pub struct ExceptPreflightService<S, T> {
    preflight: S,
    layered: T,
}

impl<S, T, B> Service<Request<B>> for ExceptPreflightService<S, T>
where
    S: Service<Request<B>>,
    T: Service<Request<B>, Response = S::Response, Error = S::Error>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = EitherFuture<S::Future, T::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match self.preflight.poll_ready(cx)? {
            Poll::Ready(()) => self.layered.poll_ready(cx),
            Poll::Pending => Poll::Pending,
        }
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        if is_preflight(req.method(), req.headers()) {
            EitherFuture::Preflight {
                fut: self.preflight.call(req),
            }
        } else {
            EitherFuture::Layered {
                fut: self.layered.call(req),
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`ExceptPreflightService`].
    #[project = EitherProj]
    pub enum EitherFuture<A, B> {
        Preflight { #[pin] fut: A },
        Layered { #[pin] fut: B },
    }
}

impl<A, B, R> Future for EitherFuture<A, B>
where
    A: Future<Output = R>,
    B: Future<Output = R>,
{
    type Output = R;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        match self.project() {
            EitherProj::Preflight { fut } => fut.poll(cx),
            EitherProj::Layered { fut } => fut.poll(cx),
        }
    }
}
