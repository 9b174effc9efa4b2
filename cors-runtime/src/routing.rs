//! Registering `#[cors]` handlers: builders that read like axum's
//! (`get(a).post(b)`), record each method's policy, and become one axum
//! `MethodRouter` with the path's preflight dispatcher in its method
//! fallback (or its `OPTIONS` slot, beside the user's own `OPTIONS` handler).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::Request;
use axum::handler::Handler;
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter};
use http::StatusCode;

use crate::handler::{CorsHandler, WithPolicy};
use crate::marker::{self, Reached};
use crate::policy::Policy;
use crate::preflight::{self, MethodGrant};
use crate::request::{self, is_preflight};

/// The handlers of one path, with their policies, on their way to becoming an
/// axum [`MethodRouter`]. Start one with [`get`], [`post`], ... and convert
/// it with `.into()` where axum wants a `MethodRouter`:
///
/// ```
/// use axum::Router;
/// use route_cors::cors;
///
/// #[cors(origins = ["https://app.example.com"], methods = [GET])]
/// async fn list_users() -> &'static str { "[]" }
///
/// #[cors(origins = ["https://admin.example.com"], methods = [POST], credentials)]
/// async fn create_user(body: String) -> String { body }
///
/// let app: Router = Router::new()
///     .route("/users", route_cors::get(list_users).post(create_user).into());
/// ```
///
/// Registering two handlers for one method panics, as in axum.
#[must_use = "convert it into an axum `MethodRouter` with `.into()` and give it to `Router::route`"]
pub struct CorsRoute<S = ()> {
    router: MethodRouter<S>,
    entries: Vec<Entry>,
    options: Option<OptionsHandler<S>>,
}

/// One registered method and what decides its preflights.
#[derive(Clone)]
struct Entry {
    method: &'static str,
    policy: Option<&'static Policy>,
}

type BoxFuture = Pin<Box<dyn Future<Output = Response> + Send>>;
type OptionsHandler<S> = Arc<dyn Fn(Request, S) -> BoxFuture + Send + Sync>;

macro_rules! method_fns {
    ($($name:ident $method:ident $filter:ident;)*) => {
        $(
            #[doc = concat!("Starts a path's handlers with a `", stringify!($method), "` one.")]
            pub fn $name<H, T, S>(handler: H) -> CorsRoute<S>
            where
                H: CorsHandler<T, S>,
                T: 'static,
                S: Clone + Send + Sync + 'static,
            {
                CorsRoute::new().$name(handler)
            }
        )*

        impl<S> CorsRoute<S>
        where
            S: Clone + Send + Sync + 'static,
        {
            $(
                #[doc = concat!("Adds the path's `", stringify!($method), "` handler.")]
                pub fn $name<H, T>(self, handler: H) -> Self
                where
                    H: CorsHandler<T, S>,
                    T: 'static,
                {
                    self.add(stringify!($method), MethodFilter::$filter, handler)
                }
            )*
        }
    };
}

method_fns! {
    get GET GET;
    head HEAD HEAD;
    post POST POST;
    put PUT PUT;
    patch PATCH PATCH;
    delete DELETE DELETE;
}

/// Starts a path's handlers with its own `OPTIONS` handler. It answers
/// `OPTIONS` requests that are not preflights; preflights go to the
/// dispatcher and never reach it.
pub fn options<H, T, S>(handler: H) -> CorsRoute<S>
where
    H: CorsHandler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    CorsRoute::new().options(handler)
}

impl<S> CorsRoute<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn new() -> Self {
        CorsRoute {
            router: MethodRouter::new(),
            entries: Vec::new(),
            options: None,
        }
    }

    /// Adds the path's own `OPTIONS` handler, for `OPTIONS` requests that
    /// are not preflights.
    pub fn options<H, T>(mut self, handler: H) -> Self
    where
        H: CorsHandler<T, S>,
        T: 'static,
    {
        assert!(
            self.options.is_none(),
            "Overlapping method route. Cannot add two method routes that both handle `OPTIONS`"
        );
        let policy = handler.policy();
        let handler = handler.into_handler();
        let call: OptionsHandler<S> = match policy {
            Some(policy) => Arc::new(move |req, state| {
                Box::pin(
                    WithPolicy {
                        handler: handler.clone(),
                        policy,
                    }
                    .call(req, state),
                )
            }),
            None => Arc::new(move |req, state| Box::pin(handler.clone().call(req, state))),
        };
        self.options = Some(call);
        self.record("OPTIONS", policy);
        self
    }

    fn add<H, T>(mut self, method: &'static str, filter: MethodFilter, handler: H) -> Self
    where
        H: CorsHandler<T, S>,
        T: 'static,
    {
        let policy = handler.policy();
        let handler = handler.into_handler();
        self.router = match policy {
            Some(policy) => self.router.on(filter, WithPolicy { handler, policy }),
            None => self.router.on(filter, handler),
        };
        self.record(method, policy);
        self
    }

    fn record(&mut self, method: &'static str, policy: Option<&'static Policy>) {
        self.entries.push(Entry { method, policy });
    }
}

impl<S> fmt::Debug for CorsRoute<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let methods: Vec<(&str, bool)> = self
            .entries
            .iter()
            .map(|e| (e.method, e.policy.is_some()))
            .collect();
        f.debug_struct("CorsRoute")
            .field("methods_with_policy", &methods)
            .finish_non_exhaustive()
    }
}

impl<S> From<CorsRoute<S>> for MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn from(route: CorsRoute<S>) -> Self {
        let has_options = route.options.is_some();
        let dispatcher = Dispatcher {
            table: Arc::new(Table {
                entries: route.entries,
                options: route.options,
            }),
        };
        if has_options {
            // The user's `OPTIONS` handler gets what is not a preflight.
            route.router.options(dispatcher)
        } else {
            // As the method fallback, the dispatcher sees `OPTIONS` (no one
            // else handles it) and answers anything else with a bare `405`,
            // to which axum adds its own `Allow`, exactly as without
            // route-cors.
            route.router.fallback(dispatcher)
        }
    }
}

/// The preflight dispatcher of a path with `#[cors]` handlers, in its
/// `OPTIONS` slot or as its method fallback: preflights are answered by the
/// policy of the handler routed for the requested method; other requests go
/// where they would without route-cors.
struct Dispatcher<S> {
    table: Arc<Table<S>>,
}

impl<S> Clone for Dispatcher<S> {
    fn clone(&self) -> Self {
        Dispatcher {
            table: Arc::clone(&self.table),
        }
    }
}

struct Table<S> {
    entries: Vec<Entry>,
    options: Option<OptionsHandler<S>>,
}

impl<S> Table<S> {
    /// The entry routed for `method`; `HEAD` falls back to `GET` as in axum.
    fn entry(&self, method: &[u8]) -> Option<&Entry> {
        let find = |m: &[u8]| self.entries.iter().find(|e| e.method.as_bytes() == m);
        find(method).or_else(|| {
            if method == b"HEAD" {
                find(b"GET")
            } else {
                None
            }
        })
    }

    fn preflight(&self, req: &Request) -> Response {
        let Some(method) = request::requested_method(req.headers()) else {
            // Repeated or malformed: refused here, so no default can grant it.
            marker::report(req.extensions(), Reached::PreflightAnswered);
            return preflight::refuse();
        };
        match self.entry(method) {
            Some(Entry {
                method,
                policy: Some(policy),
            }) => {
                marker::report(req.extensions(), Reached::PreflightAnswered);
                let grant = MethodGrant {
                    method: Some(method.as_bytes()),
                    routed: true,
                };
                preflight::respond(preflight::answer(policy, grant, req.headers()))
            }
            _ => {
                marker::report(req.extensions(), Reached::PreflightWithoutPolicy);
                preflight::refuse()
            }
        }
    }

    /// axum's default fallback: a bare `405`; axum adds `Allow`.
    fn method_not_allowed(&self) -> Response {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        res
    }
}

/// The dispatcher's marker for axum's `Handler<T, S>`.
#[doc(hidden)]
pub struct DispatchPreflight;

impl<S> Handler<DispatchPreflight, S> for Dispatcher<S>
where
    S: Clone + Send + Sync + 'static,
{
    type Future = DispatchFuture;

    fn call(self, req: Request, state: S) -> Self::Future {
        if is_preflight(req.method(), req.headers()) {
            return DispatchFuture::Ready(Some(self.table.preflight(&req)));
        }
        match &self.table.options {
            Some(options) => DispatchFuture::Forward(options(req, state)),
            None => DispatchFuture::Ready(Some(self.table.method_not_allowed())),
        }
    }
}

/// The future of the dispatcher: ready at once for a preflight.
#[doc(hidden)]
pub enum DispatchFuture {
    Ready(Option<Response>),
    Forward(BoxFuture),
}

impl Future for DispatchFuture {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response> {
        match self.get_mut() {
            DispatchFuture::Ready(res) => Poll::Ready(res.take().unwrap_or_else(preflight::refuse)),
            DispatchFuture::Forward(fut) => fut.as_mut().poll(cx),
        }
    }
}
