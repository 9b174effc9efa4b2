//! The global default policy: a tower layer for every route without a
//! policy of its own, that steps aside where a route has one.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use crate::actual::{self, Verdict};
use crate::marker::{GlobalPresent, RouteDecision};
use crate::policy::Policy;
use crate::preflight::{self, MethodGrant};
use crate::request::{is_preflight, requested_method};

/// What the global default allows when its `methods` are left out: the
/// CORS-safelisted methods.
const DEFAULT_METHODS: &str = "GET, HEAD, POST";

/// A layer that applies a default [`Policy`] to every route without a
/// `#[cors]` policy of its own, for preflights and actual requests alike,
/// and leaves routes that have one alone.
///
/// ```
/// use axum::{routing::get, Router};
/// use route_cors::{GlobalCors, Policy};
///
/// let default = Policy::builder()
///     .origins(["https://app.example.com"])
///     .methods(["GET", "POST"])
///     .build()?;
/// let app: Router = Router::new()
///     .route("/plain", get(|| async { "plain" }))
///     .layer(GlobalCors::new(default));
/// # Ok::<(), route_cors::PolicyError>(())
/// ```
///
/// Add it with `Router::layer` after the routes (as any axum layer), or wrap
/// the whole router in it. A preflight for a route without a policy is
/// answered by the layer when what lies below it has no answer of its own:
/// the path's route-cors dispatcher says there is no per-route policy for the
/// method, or axum answers `405` (no `OPTIONS` handler). If your own `OPTIONS`
/// handler or a middleware answers first, its answer stands.
#[derive(Clone, Debug)]
pub struct GlobalCors {
    policy: Arc<Policy>,
    default_methods: HeaderValue,
}

impl GlobalCors {
    pub fn new(policy: Policy) -> Self {
        GlobalCors {
            policy: Arc::new(policy),
            default_methods: HeaderValue::from_static(DEFAULT_METHODS),
        }
    }

    fn preflight_answer(&self, request: &HeaderMap) -> (StatusCode, HeaderMap) {
        let method = requested_method(request).unwrap_or_default();
        let grant = MethodGrant {
            method,
            routed: matches!(method, b"GET" | b"HEAD" | b"POST"),
            routed_value: &self.default_methods,
        };
        preflight::answer(&self.policy, grant, request)
    }
}

impl<S> Layer<S> for GlobalCors {
    type Service = GlobalCorsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        GlobalCorsService {
            inner,
            global: self.clone(),
        }
    }
}

/// The service of [`GlobalCors`].
#[derive(Clone, Debug)]
pub struct GlobalCorsService<S> {
    inner: S,
    global: GlobalCors,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for GlobalCorsService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = GlobalFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<ReqBody>) -> Self::Future {
        let pending = if is_preflight(req.method(), req.headers()) {
            Pending::Preflight(Some(self.global.preflight_answer(req.headers())))
        } else {
            Pending::Actual(actual::judge(&self.global.policy, req.headers()))
        };
        req.extensions_mut().insert(GlobalPresent);
        GlobalFuture {
            inner: self.inner.call(req),
            policy: Arc::clone(&self.global.policy),
            pending,
        }
    }
}

enum Pending {
    /// The layer's own answer, used if nothing below has one.
    Preflight(Option<(StatusCode, HeaderMap)>),
    Actual(Verdict),
}

pin_project_lite::pin_project! {
    /// The future of [`GlobalCorsService`].
    pub struct GlobalFuture<F> {
        #[pin]
        inner: F,
        policy: Arc<Policy>,
        pending: Pending,
    }
}

impl<F, B, E> Future for GlobalFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut res = ready!(this.inner.poll(cx))?;
        let decision = res.extensions().get::<RouteDecision>().copied();
        match this.pending {
            Pending::Preflight(answer) => {
                let nothing_below = decision == Some(RouteDecision::NoPolicy)
                    || (decision.is_none() && res.status() == StatusCode::METHOD_NOT_ALLOWED);
                if nothing_below {
                    if let Some(answer) = answer.take() {
                        return Poll::Ready(Ok(preflight::respond(answer)));
                    }
                }
            }
            Pending::Actual(verdict) => {
                if decision.is_none() {
                    actual::apply(this.policy, verdict, res.headers_mut());
                }
            }
        }
        Poll::Ready(Ok(res))
    }
}
