//! The handlers of one path: builders that read like axum's
//! (`get(a).post(b)`) and record each method's policy beside the axum
//! `MethodRouter` they build.

use std::convert::Infallible;
use std::fmt;

use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::{MethodFilter, MethodRouter, Route};
use http::Method;
use tower_layer::Layer;
use tower_service::Service;

use crate::decide::{RoutePolicy, Routed, Served};
use crate::handler::CorsHandler;

/// The handlers of one path with their policies, for
/// [`CorsRouter::route`](crate::CorsRouter::route). Start one with [`get`],
/// [`post`], ...:
///
/// ```
/// use route_cors::{cors, CorsRouter};
///
/// #[cors(origins = ["https://app.example.com"], methods = [GET])]
/// async fn list_users() -> &'static str { "[]" }
///
/// #[cors(origins = ["https://admin.example.com"], methods = [POST], credentials)]
/// async fn create_user(body: String) -> String { body }
///
/// let app: axum::Router = CorsRouter::new()
///     .route("/users", route_cors::get(list_users).post(create_user))
///     .into_router();
/// ```
///
/// A plain axum `MethodRouter` converts into one whose methods have no
/// policy of their own. Registering two handlers for one method panics, as
/// in axum.
#[doc = include_str!("../docs/route.md")]
#[must_use = "give it to `CorsRouter::route`"]
pub struct CorsRoute<S = ()> {
    pub(crate) router: MethodRouter<S>,
    /// Each method registered through the builders, with its handler's
    /// policy.
    pub(crate) methods: Vec<(Routed, RoutePolicy)>,
    pub(crate) served: Served,
}

macro_rules! method_fns {
    ($($name:ident $method:ident;)*) => {
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
                    self.on(MethodFilter::$method, handler)
                }
            )*
        }
    };
}

method_fns! {
    get GET;
    head HEAD;
    post POST;
    put PUT;
    patch PATCH;
    delete DELETE;
    options OPTIONS;
}

/// Starts a path's handlers with one for every method, as axum's `any`:
/// it gets the methods no other handler of the path is routed for.
pub fn any<H, T, S>(handler: H) -> CorsRoute<S>
where
    H: CorsHandler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    let policy = RoutePolicy::from(handler.policy());
    CorsRoute {
        router: axum::routing::any(handler.into_handler()),
        methods: vec![(Routed::AnyOther, policy)],
        served: Served::Known,
    }
}

/// Starts a path's handlers with one for the methods of `filter`, as axum's
/// `on` (`MethodFilter::GET.or(MethodFilter::POST)`).
pub fn on<H, T, S>(filter: MethodFilter, handler: H) -> CorsRoute<S>
where
    H: CorsHandler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    CorsRoute::new().on(filter, handler)
}

/// The methods a `MethodFilter` can hold.
const FILTERABLE: [(MethodFilter, Method); 9] = [
    (MethodFilter::CONNECT, Method::CONNECT),
    (MethodFilter::DELETE, Method::DELETE),
    (MethodFilter::GET, Method::GET),
    (MethodFilter::HEAD, Method::HEAD),
    (MethodFilter::OPTIONS, Method::OPTIONS),
    (MethodFilter::PATCH, Method::PATCH),
    (MethodFilter::POST, Method::POST),
    (MethodFilter::PUT, Method::PUT),
    (MethodFilter::TRACE, Method::TRACE),
];

impl<S> CorsRoute<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// No handler yet: the builders add them, each method seen.
    fn new() -> Self {
        CorsRoute {
            router: MethodRouter::new(),
            methods: Vec::new(),
            served: Served::Known,
        }
    }

    /// Adds a handler for the methods of `filter`, as axum's
    /// `MethodRouter::on`.
    pub fn on<H, T>(mut self, filter: MethodFilter, handler: H) -> Self
    where
        H: CorsHandler<T, S>,
        T: 'static,
    {
        let policy = RoutePolicy::from(handler.policy());
        self.router = self.router.on(filter, handler.into_handler());
        for (one, method) in FILTERABLE {
            if filter.or(one) == filter {
                self.methods.push((Routed::Method(method), policy.clone()));
            }
        }
        self
    }

    /// Adds a handler for every method no other handler of the path is
    /// routed for, as axum's `MethodRouter::fallback`.
    pub fn any<H, T>(mut self, handler: H) -> Self
    where
        H: CorsHandler<T, S>,
        T: 'static,
    {
        let policy = RoutePolicy::from(handler.policy());
        self.router = self.router.fallback(handler.into_handler());
        self.methods
            .retain(|(routed, _)| *routed != Routed::AnyOther);
        self.methods.push((Routed::AnyOther, policy));
        self
    }

    /// Applies a layer to the handlers added so far and to the path's
    /// method fallback (the `405` for a method none of them serves), as
    /// [`MethodRouter::layer`]. It sits inside CORS: it never sees a
    /// preflight, and whatever it answers gets the route's policy.
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        self.router = self.router.layer(layer);
        self
    }

    /// Applies a layer to the handlers added so far, not to the method
    /// fallback, as [`MethodRouter::route_layer`]: authentication on a
    /// path's `POST` while its `GET` stays public,
    /// `route_cors::post(create).route_layer(auth).get(list)`. It sits
    /// inside CORS.
    #[track_caller]
    pub fn route_layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        self.router = self.router.route_layer(layer);
        self
    }
}

/// A plain axum `MethodRouter`: its methods have no policy of their own, so
/// the app's default policy decides them.
impl<S> From<MethodRouter<S>> for CorsRoute<S> {
    fn from(router: MethodRouter<S>) -> Self {
        CorsRoute {
            router,
            methods: Vec::new(),
            served: Served::Unknown,
        }
    }
}

impl<S> fmt::Debug for CorsRoute<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let methods: Vec<(&str, bool)> = self
            .methods
            .iter()
            .map(|(routed, policy)| (routed.name(), policy.is_some()))
            .collect();
        f.debug_struct("CorsRoute")
            .field("methods_with_policy", &methods)
            .finish_non_exhaustive()
    }
}
