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
use crate::check::Refusal;
use crate::decide::{Decision, Judge};
use crate::policy::Policy;
use crate::preflight;
use crate::request::{is_preflight, requested_method_value};
use crate::writes;

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
    /// Refused preflights are answered with the grants computed so far
    /// (development only).
    pub(crate) debug_mode: bool,
    pub(crate) inner: T,
}

/// [`Decide`] as a layer, for what route-cors cannot see route by route:
/// a plain router's routes, a nested service, the unmatched paths.
#[derive(Clone)]
pub(crate) struct DecideLayer {
    pub(crate) judge: Arc<Judge>,
    pub(crate) debug_mode: bool,
}

impl Layer<Route> for DecideLayer {
    type Service = Decide<Route>;

    fn layer(&self, inner: Route) -> Decide<Route> {
        Decide {
            judge: self.judge.clone(),
            debug_mode: self.debug_mode,
            inner,
        }
    }
}

/// Which kind of request a refusal's event is about.
#[derive(Clone, Copy)]
enum Judged {
    Preflight,
    Write,
    Actual,
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
            self.preflight(req)
        } else {
            self.actual(req)
        }
    }
}

impl<T: Inner> Decide<T> {
    fn preflight(&mut self, req: Request) -> CorsFuture {
        // A missing, repeated or malformed requested method matches no
        // handler; whatever decides then refuses it.
        let requested = requested_method_value(req.headers());
        let method = requested.map(HeaderValue::as_bytes).unwrap_or_default();
        let mut snapshot = None;
        // A method no handler of the path serves is refused, whatever the
        // default allows: nothing would answer the request.
        let decision = self
            .judge
            .preflight_decider(method)
            .map_or(Decision::Uncovered, |decider| decider.decide(&mut snapshot));
        let (judged, policy) = match decision {
            Decision::PassThrough => return self.forward(req, Outcome::Untouched),
            Decision::Uncovered => (
                Err(Refusal::uncovered(
                    requested.and_then(preflight::requested_method),
                )),
                None,
            ),
            Decision::Policy(policy) => (preflight::judge(policy, req.headers()), Some(policy)),
        };
        let method = String::from_utf8_lossy(method);
        let answer = match judged {
            Ok(grant) => {
                self.granted(Judged::Preflight, &req, &method);
                preflight::grant(grant)
            }
            Err(refusal) => {
                self.refused(Judged::Preflight, &req, &method, &refusal, policy);
                if self.debug_mode {
                    preflight::refuse_for_debugging(refusal)
                } else {
                    preflight::refuse(&refusal)
                }
            }
        };
        answered(answer)
    }

    fn actual(&mut self, req: Request) -> CorsFuture {
        let mut snapshot = None;
        let policy = match self
            .judge
            .decider(req.method().as_str().as_bytes())
            .decide(&mut snapshot)
        {
            Decision::PassThrough => return self.forward(req, Outcome::Untouched),
            Decision::Uncovered => None,
            Decision::Policy(policy) => Some(policy),
        };
        let method = req.method().as_str();
        if writes::is_unsafe(req.method()) && writes::from_another_origin(&req) {
            if let Err(refusal) = writes::judge(policy, &req) {
                self.refused(Judged::Write, &req, method, &refusal, policy);
                return answered(writes::refuse(&refusal));
            }
        }
        let judged = match policy {
            Some(policy) => actual::judge(policy, req.method(), req.headers()),
            None => Err(Refusal::uncovered(Some(req.method().clone()))),
        };
        let outcome = match judged {
            Ok(grant) => {
                self.granted(Judged::Actual, &req, method);
                Outcome::Judged(Some(grant))
            }
            Err(refusal) => {
                // A request without an `Origin` is not a cross-origin one:
                // nothing to explain.
                if req.headers().contains_key(ORIGIN) {
                    self.refused(Judged::Actual, &req, method, &refusal, policy);
                }
                match policy {
                    Some(_) => Outcome::Judged(None),
                    None => Outcome::Uncovered,
                }
            }
        };
        self.forward(req, outcome)
    }

    fn forward(&mut self, req: Request, outcome: Outcome) -> CorsFuture {
        CorsFuture {
            kind: Kind::App {
                future: self.inner.call(req),
                outcome,
            },
        }
    }

    /// The refusal's event (target `route_cors`, level debug). The fields
    /// are computed only when the event is enabled: each is inside the
    /// macro, which checks first. (A separate `enabled!` would be one more
    /// callsite whose interest a test's scoped subscriber can miss.)
    fn refused(
        &self,
        judged: Judged,
        req: &Request,
        method: &str,
        refusal: &Refusal,
        policy: Option<&Policy>,
    ) {
        let judge = &self.judge;
        macro_rules! refusal_event {
            ([$($method:tt)*], [$($reason:tt)*], $message:literal) => {
                tracing::debug!(
                    target: "route_cors",
                    path = &*full_path(judge, req),
                    $($method)*,
                    origin = ?origin(req.headers()),
                    check = refusal.check().as_str(),
                    $($reason)*
                    allowed = %refusal.allowed(policy),
                    $message
                )
            };
        }
        match judged {
            // The requested method is a header value: printed as read.
            Judged::Preflight => refusal_event!(
                [method = %method],
                [reason = %refusal.reason,],
                "preflight refused"
            ),
            Judged::Write => refusal_event!(
                [method],
                [reason = %refusal.reason,],
                "cross-origin write refused"
            ),
            Judged::Actual => refusal_event!([method], [], "actual request gets no grant"),
        }
    }

    /// The grant's event (target `route_cors`, level trace).
    fn granted(&self, judged: Judged, req: &Request, method: &str) {
        let path = || full_path(&self.judge, req);
        match judged {
            Judged::Preflight => tracing::trace!(
                target: "route_cors",
                path = &*path(),
                method = %method,
                origin = ?origin(req.headers()),
                "preflight granted"
            ),
            Judged::Write | Judged::Actual => tracing::trace!(
                target: "route_cors",
                path = &*path(),
                method,
                origin = ?origin(req.headers()),
                "actual request granted"
            ),
        }
    }
}

/// A preflight's answer, or a write's refusal: the app is not called.
fn answered(answer: Response) -> CorsFuture {
    CorsFuture {
        kind: Kind::Answered {
            answer: Some(answer),
        },
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
