//! The global default policy: a tower layer for every route without a
//! policy of its own, that steps aside where a route has one.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use crate::actual;
use crate::marker::{Reached, RouteSlot};
use crate::policy::Policy;
use crate::preflight::{self, MethodGrant};
use crate::request::{is_preflight, requested_method, single_origin};

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
/// the whole router in it. Route-cors code below writes into a slot on the
/// request when the request reaches it: a request that reached a handler
/// with its own policy gets that policy, a preflight a dispatcher answered
/// is left alone, anything else gets the default. A preflight is answered by
/// the layer when the path's dispatcher has no policy for the method, or
/// when the answer below is `405` (no `OPTIONS` handler). A response that a
/// middleware makes before the request reaches the route gets the default:
/// the README's "A global default policy" says what to do about it.
#[derive(Clone, Debug)]
pub struct GlobalCors {
    policy: Arc<Policy>,
}

impl GlobalCors {
    /// The layer for `policy`, built at run time with [`Policy::builder`] or
    /// from configuration.
    pub fn new(policy: Policy) -> Self {
        GlobalCors {
            policy: Arc::new(policy),
        }
    }

    fn preflight_answer(&self, request: &HeaderMap) -> (StatusCode, HeaderMap) {
        let method = requested_method(request);
        // Left out, the default's methods are the CORS-safelisted ones.
        let grant = MethodGrant {
            method,
            routed: method.is_some_and(is_safelisted),
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
            Pending::Actual {
                method: req.method().clone(),
                origin: single_origin(req.headers()).cloned(),
            }
        };
        let slot = RouteSlot::default();
        let outer = req.extensions_mut().insert(slot.clone());
        GlobalFuture {
            inner: self.inner.call(req),
            policy: Arc::clone(&self.global.policy),
            pending,
            slot,
            outer,
        }
    }
}

enum Pending {
    /// The layer's own answer, used if nothing below has one.
    Preflight(Option<(StatusCode, HeaderMap)>),
    /// The request's method and one `Origin`, judged once the slot shows
    /// which policy decides.
    Actual {
        method: Method,
        origin: Option<HeaderValue>,
    },
}

pin_project_lite::pin_project! {
    /// The future of [`GlobalCorsService`].
    pub struct GlobalFuture<F> {
        #[pin]
        inner: F,
        policy: Arc<Policy>,
        pending: Pending,
        // What route-cors code below reached.
        slot: RouteSlot,
        // The slot of a global layer above this one, told that this one
        // decided.
        outer: Option<RouteSlot>,
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
        if let Some(outer) = this.outer {
            outer.set(Reached::NestedDefault);
        }
        let reached = this.slot.get();
        match this.pending {
            Pending::Preflight(answer) => {
                // Nothing below answers: the dispatcher has no policy for
                // the method, or the path has no `OPTIONS` handler at all.
                let nothing_below = match reached {
                    Some(Reached::PreflightWithoutPolicy) => true,
                    None => res.status() == StatusCode::METHOD_NOT_ALLOWED,
                    Some(_) => false,
                };
                if nothing_below {
                    if let Some(answer) = answer.take() {
                        return Poll::Ready(Ok(preflight::respond(answer)));
                    }
                }
            }
            Pending::Actual { method, origin } => match reached {
                // The route's policy again: the response may have been made
                // by a middleware after the route was reached (a timeout).
                // Applying a policy twice gives the same headers.
                Some(Reached::RoutePolicy(policy)) => {
                    let allowed = policy.allows_actual_method(method, true);
                    let verdict = actual::judge_origin(policy, allowed, origin.as_ref());
                    actual::apply(policy, &verdict, res.headers_mut());
                }
                Some(Reached::NestedDefault) => {}
                _ => {
                    let safelisted = is_safelisted(method.as_str().as_bytes());
                    let allowed = this.policy.allows_actual_method(method, safelisted);
                    let verdict = actual::judge_origin(this.policy, allowed, origin.as_ref());
                    actual::apply(this.policy, &verdict, res.headers_mut());
                }
            },
        }
        Poll::Ready(Ok(res))
    }
}

/// The CORS-safelisted methods: what a default without `methods` allows.
fn is_safelisted(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}
