//! Where route-cors meets a request: before any of the app's middleware for
//! that request, it answers preflights itself and writes the deciding
//! policy's headers on whatever response comes back. Every refusal is a
//! `tracing` event (target `route_cors`, level debug; grants at trace
//! level).

use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::future::RouteFuture;
use axum::routing::Route;
use axum::Router;
use http::header::ORIGIN;
use http::{HeaderMap, HeaderValue};
use tower_layer::Layer;
use tower_service::Service;

use crate::actual::{self, Outcome};
use crate::decide::{Decision, Judge};
use crate::preflight::{self, Refusal, Refused};
use crate::request::{is_preflight, requested_method_value};
use crate::writes;

/// The `allowed` of a refusal's event where no policy covers the method.
const NO_POLICY: &str = "no policy covers this method";

/// What a service of route-cors wraps: a path's `MethodRouter`, the
/// fallback, or (as a layer) a route of a plain router.
pub(crate) trait Inner:
    Service<Request, Response = Response, Error = Infallible, Future = RouteFuture<Infallible>>
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<T> Inner for T where
    T: Service<Request, Response = Response, Error = Infallible, Future = RouteFuture<Infallible>>
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// One route's decision in front of what serves it.
#[derive(Clone)]
pub(crate) struct Decide<T> {
    pub(crate) judge: Arc<Judge>,
    pub(crate) inner: T,
}

/// [`Decide`] as a layer, for what route-cors cannot see route by route:
/// a plain router's routes, a nested service, the unmatched paths.
#[derive(Clone)]
pub(crate) struct DecideLayer(pub(crate) Arc<Judge>);

impl Layer<Route> for DecideLayer {
    type Service = Decide<Route>;

    fn layer(&self, inner: Route) -> Decide<Route> {
        Decide {
            judge: self.0.clone(),
            inner,
        }
    }
}

impl<T: Inner> Service<Request> for Decide<T> {
    type Response = Response;
    type Error = Infallible;
    type Future = CorsFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> CorsFuture {
        if is_preflight(req.method(), req.headers()) {
            return self.preflight(req);
        }
        let judge = &self.judge;
        let mut snapshot = None;
        let decision = judge
            .decider(req.method().as_str().as_bytes())
            .decide(&mut snapshot);
        if writes::is_unsafe(req.method()) && writes::from_another_origin(&req) {
            if let Some(refusal) = writes::judge(&decision, &req) {
                tracing::debug!(
                    target: "route_cors",
                    path = &*full_path(judge, &req),
                    method = req.method().as_str(),
                    origin = ?origin(req.headers()),
                    check = refusal.check(),
                    reason = %refusal,
                    allowed = %match decision {
                        Decision::Policy(policy) => policy.setting(refusal.check()),
                        _ => NO_POLICY.to_owned(),
                    },
                    "cross-origin write refused"
                );
                return CorsFuture {
                    kind: Kind::Answered {
                        answer: Some(writes::refuse(&refusal)),
                    },
                };
            }
        }
        let outcome = match &decision {
            Decision::Policy(policy) => actual::judge(policy, req.method(), req.headers()),
            Decision::Refuse => Outcome::Refused,
            Decision::PassThrough => Outcome::Untouched,
        };
        match &outcome {
            Outcome::Judged(None) | Outcome::Refused
                if req.headers().contains_key(ORIGIN)
                    && tracing::enabled!(target: "route_cors", tracing::Level::DEBUG) =>
            {
                let (check, allowed) = match decision {
                    Decision::Policy(policy)
                        if !policy.allows_method(req.method().as_str().as_bytes()) =>
                    {
                        ("method", policy.setting("method"))
                    }
                    Decision::Policy(policy) => ("origin", policy.setting("origin")),
                    _ => ("method", NO_POLICY.to_owned()),
                };
                tracing::debug!(
                    target: "route_cors",
                    path = &*full_path(judge, &req),
                    method = req.method().as_str(),
                    origin = ?origin(req.headers()),
                    check,
                    allowed = %allowed,
                    "actual request gets no grant"
                );
            }
            Outcome::Judged(Some(_)) => tracing::trace!(
                target: "route_cors",
                path = &*full_path(judge, &req),
                method = req.method().as_str(),
                origin = ?origin(req.headers()),
                "actual request granted"
            ),
            _ => {}
        }
        self.forward(req, outcome)
    }
}

impl<T: Inner> Decide<T> {
    fn preflight(&mut self, req: Request) -> CorsFuture {
        // A missing, repeated or malformed requested method matches no
        // handler; whatever decides then refuses it.
        let requested = requested_method_value(req.headers());
        let method = requested.map(HeaderValue::as_bytes).unwrap_or_default();
        let judge = &self.judge;
        let mut snapshot = None;
        // A method no handler of the path serves is refused, whatever the
        // default allows: nothing would answer the request.
        let decision = judge
            .preflight_decider(method)
            .map_or(Decision::Refuse, |decider| decider.decide(&mut snapshot));
        let (judged, policy) = match decision {
            Decision::Policy(policy) => (preflight::judge(policy, req.headers()), Some(policy)),
            Decision::Refuse => {
                let refusal = match requested {
                    Some(method) => Refusal::Method(method.clone()),
                    None => Refusal::MalformedMethod,
                };
                let refused = Refused {
                    refusal,
                    grants_so_far: HeaderMap::new(),
                };
                (Err(refused), None)
            }
            Decision::PassThrough => return self.forward(req, Outcome::Untouched),
        };
        let answer = match judged {
            Ok(grant) => {
                tracing::trace!(
                    target: "route_cors",
                    path = &*full_path(judge, &req),
                    method = %String::from_utf8_lossy(method),
                    origin = ?origin(req.headers()),
                    "preflight granted"
                );
                preflight::grant(grant)
            }
            Err(refused) => {
                let refusal = &refused.refusal;
                tracing::debug!(
                    target: "route_cors",
                    path = &*full_path(judge, &req),
                    method = %String::from_utf8_lossy(method),
                    origin = ?origin(req.headers()),
                    check = refusal.check(),
                    reason = %refusal,
                    allowed = %policy.map_or_else(
                        || NO_POLICY.to_owned(),
                        |policy| policy.setting(refusal.check()),
                    ),
                    "preflight refused"
                );
                if judge.debug_mode {
                    preflight::refuse_for_debugging(refused)
                } else {
                    preflight::refuse(refusal)
                }
            }
        };
        CorsFuture {
            kind: Kind::Answered {
                answer: Some(answer),
            },
        }
    }

    fn forward(&mut self, req: Request, outcome: Outcome) -> CorsFuture {
        CorsFuture {
            kind: Kind::App {
                future: self.inner.call(req),
                outcome,
            },
        }
    }
}

/// The path the client asked for: under a nested router, axum has taken
/// the prefix off before the request gets here.
fn full_path<'a>(judge: &Judge, req: &'a Request) -> Cow<'a, str> {
    match judge.prefix.as_str() {
        "" => Cow::Borrowed(req.uri().path()),
        prefix => Cow::Owned(format!("{prefix}{}", req.uri().path())),
    }
}

/// The request's `Origin` lines for a log, escaped by `Debug`: a request
/// value is never written raw.
fn origin(headers: &HeaderMap) -> Vec<&HeaderValue> {
    headers.get_all(ORIGIN).iter().collect()
}

pin_project_lite::pin_project! {
    /// The response of route-cors's services: a preflight answer at once,
    /// or the app's response with the deciding policy's headers.
    pub struct CorsFuture {
        #[pin]
        kind: Kind,
    }
}

pin_project_lite::pin_project! {
    #[project = KindProj]
    enum Kind {
        Answered { answer: Option<Response> },
        App { #[pin] future: RouteFuture<Infallible>, outcome: Outcome },
        Router { #[pin] future: RouteFuture<Infallible> },
    }
}

impl Future for CorsFuture {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProj::Answered { answer } => Poll::Ready(Ok(answer
                .take()
                .expect("a preflight answer is taken once: the future is not polled after Ready"))),
            KindProj::App { future, outcome } => {
                let mut res = ready!(future.poll(cx))?;
                actual::apply(outcome, res.headers_mut());
                Poll::Ready(Ok(res))
            }
            KindProj::Router { future } => future.poll(cx),
        }
    }
}

/// The app as a service of its own type:
/// what [`CorsRouter::into_service`](crate::CorsRouter::into_service) hands
/// back. It serves exactly what [`into_router`](crate::CorsRouter::into_router)'s
/// `Router` serves.
#[derive(Clone)]
pub struct CorsService {
    pub(crate) app: Router,
}

impl fmt::Debug for CorsService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsService").finish_non_exhaustive()
    }
}

impl CorsService {
    /// For `axum::serve`: every connection gets a clone of the service.
    pub fn into_make_service(self) -> IntoMakeService {
        IntoMakeService(self)
    }
}

/// See [`CorsService::into_make_service`].
#[derive(Clone, Debug)]
pub struct IntoMakeService(CorsService);

impl<T> Service<T> for IntoMakeService {
    type Response = CorsService;
    type Error = Infallible;
    type Future = std::future::Ready<Result<CorsService, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _target: T) -> Self::Future {
        std::future::ready(Ok(self.0.clone()))
    }
}

impl<B> Service<http::Request<B>> for CorsService
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = CorsFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> CorsFuture {
        CorsFuture {
            kind: Kind::Router {
                future: self.app.call(req.map(Body::new)),
            },
        }
    }
}
