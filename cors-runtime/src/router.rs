//! Registration: a wrapper of axum's `Router` that reads like it and
//! collects every route's per-method policies by full path, through `nest`
//! and `merge`, then hands back a plain `Router` with CORS outermost.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::Route;
use axum::Router;
use tower_layer::Layer;
use tower_service::Service;

use crate::handler::CorsHandler;
use crate::policy::Policy;
use crate::route::CorsRoute;
use crate::service::CorsService;
use crate::table::{PathEntry, Table};

/// An axum [`Router`] that knows each route's CORS policy.
///
/// Register routes as with axum; [`into_router`](CorsRouter::into_router)
/// hands back a plain `Router` for `axum::serve`, `oneshot` and everything
/// else that takes one, with the CORS decision outside every layer added
/// here:
///
/// ```
/// use axum::middleware::{self, Next};
/// use axum::{extract::Request, response::Response, routing::get, Router};
/// use http::StatusCode;
/// use route_cors::{cors, CorsRouter, Policy};
///
/// #[cors(origins = ["https://admin.example.com"], headers = ["authorization"], credentials)]
/// async fn secret() -> &'static str { "secret" }
///
/// async fn auth(req: Request, next: Next) -> Result<Response, StatusCode> {
///     if req.headers().contains_key("authorization") {
///         Ok(next.run(req).await)
///     } else {
///         Err(StatusCode::UNAUTHORIZED)
///     }
/// }
///
/// let app: Router = CorsRouter::new()
///     .route("/secret", route_cors::get(secret))
///     // The auth check's 401 still carries the route's grant, and it never
///     // sees a preflight: route-cors answers those first.
///     .route_layer(middleware::from_fn(auth))
///     .route("/health", get(|| async { "ok" }))
///     .default_policy(Policy::builder().origins(["https://app.example.com"]).build()?)
///     .into_router();
/// # Ok::<(), route_cors::PolicyError>(())
/// ```
///
/// - Layers added with [`layer`](CorsRouter::layer) and
///   [`route_layer`](CorsRouter::route_layer) sit inside CORS: whatever
///   their middleware answers gets the route's policy, and they never see a
///   preflight that route-cors answers.
/// - Layers added to the returned `Router` sit outside CORS and see every
///   request, preflights included: the place for tracing, metrics, request
///   ids and rate limits.
#[must_use = "hand it to axum with `into_router`"]
pub struct CorsRouter<S = ()> {
    router: Router<S>,
    paths: Vec<PathEntry>,
    fallback: Option<&'static Policy>,
    default: Option<Arc<Policy>>,
}

impl<S> CorsRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// An empty router.
    pub fn new() -> Self {
        CorsRouter {
            router: Router::new(),
            paths: Vec::new(),
            fallback: None,
            default: None,
        }
    }

    /// Adds a route, as [`Router::route`]: the handlers of one path built
    /// with [`get`](crate::get), [`post`](crate::post), ... or a plain axum
    /// `MethodRouter`, whose methods have no policy of their own.
    ///
    /// Panics where axum's `route` panics (an invalid path, a method routed
    /// twice).
    pub fn route(mut self, path: &str, route: impl Into<CorsRoute<S>>) -> Self {
        let route = route.into();
        self.router = self.router.route(path, route.router);
        match self.paths.iter_mut().find(|entry| entry.path == path) {
            // axum merges the method routers of a path given twice.
            Some(entry) => entry.methods.extend(route.methods),
            None => self
                .paths
                .push(PathEntry::new(path.to_owned(), route.methods)),
        }
        self
    }

    /// Nests another `CorsRouter` under `path`, as [`Router::nest`]: its
    /// routes keep their policies under their full paths.
    pub fn nest(mut self, path: &str, router: CorsRouter<S>) -> Self {
        let CorsRouter {
            router: inner,
            paths,
            fallback: _,
            default,
        } = router;
        self.router = self.router.nest(path, inner);
        for mut entry in paths {
            entry.path = nested_path(path, &entry.path);
            entry.default = entry.default.or_else(|| default.clone());
            self.paths.push(entry);
        }
        self
    }

    /// Nests a service under `path`, as [`Router::nest_service`]: a plain
    /// axum `Router` (after `with_state`), `ServeDir`, ... Its paths have no
    /// policy of their own, so the default decides them.
    pub fn nest_service<T>(mut self, path: &str, service: T) -> Self
    where
        T: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        T::Response: IntoResponse,
        T::Future: Send + 'static,
    {
        self.router = self.router.nest_service(path, service);
        let prefix = path.trim_end_matches('/');
        for path in [
            prefix.to_owned(),
            format!("{prefix}/"),
            format!("{prefix}/{{*__route_cors_rest}}"),
        ] {
            let mut entry = PathEntry::new(path, Vec::new());
            entry.synthetic = true;
            self.paths.push(entry);
        }
        self
    }

    /// Merges another `CorsRouter`'s routes into this one, as
    /// [`Router::merge`].
    pub fn merge(mut self, other: CorsRouter<S>) -> Self {
        let CorsRouter {
            router,
            paths,
            fallback,
            default,
        } = other;
        self.router = self.router.merge(router);
        for mut entry in paths {
            entry.default = entry.default.or_else(|| default.clone());
            match self.paths.iter_mut().find(|e| e.path == entry.path) {
                Some(existing) => existing.methods.extend(entry.methods),
                None => self.paths.push(entry),
            }
        }
        // axum has already refused two fallbacks.
        self.fallback = self.fallback.or(fallback);
        self
    }

    /// The handler for paths that match no route, as [`Router::fallback`]:
    /// a `#[cors]` handler, whose policy then decides those paths, or a
    /// [`plain`](crate::plain) one, under the default.
    pub fn fallback<H, T>(mut self, handler: H) -> Self
    where
        H: CorsHandler<T, S>,
        T: 'static,
    {
        self.fallback = handler.policy();
        self.router = self.router.fallback(handler.into_handler());
        self
    }

    /// The default policy: it decides every method without a policy of its
    /// own (plain handlers, methods a path does not route) and every path
    /// that matches no route, unless the fallback has a policy. Without
    /// `methods`, it allows the CORS-safelisted ones, `GET`, `HEAD` and
    /// `POST`.
    ///
    /// On a router that is nested or merged into another, it decides the
    /// routes registered on that router; the outermost router's decides the
    /// rest.
    pub fn default_policy(mut self, policy: Policy) -> Self {
        self.default = Some(Arc::new(policy.into_default()));
        self
    }

    /// Applies a layer to every route and the fallback, as
    /// [`Router::layer`]. It sits inside CORS.
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

    /// Applies a layer to the routes registered so far, as
    /// [`Router::route_layer`]. It sits inside CORS.
    pub fn route_layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        self.router = self.router.route_layer(layer);
        self
    }

    /// Provides the state, as [`Router::with_state`].
    pub fn with_state<S2>(self, state: S) -> CorsRouter<S2> {
        CorsRouter {
            router: self.router.with_state(state),
            paths: self.paths,
            fallback: self.fallback,
            default: self.default,
        }
    }
}

impl CorsRouter {
    /// The app as a plain axum `Router`, with CORS outermost: it answers
    /// preflights before any layer added here runs, and writes the route's
    /// policy on every response, whoever made it.
    pub fn into_router(self) -> Router {
        let table = Table::new(self.paths, self.fallback, self.default);
        let cors = CorsService {
            table: Arc::new(table),
            app: self.router,
        };
        Router::new().fallback_service(cors)
    }
}

impl From<CorsRouter> for Router {
    fn from(router: CorsRouter) -> Self {
        router.into_router()
    }
}

impl<S> Default for CorsRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<S> fmt::Debug for CorsRouter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsRouter")
            .field("paths", &self.paths)
            .field("fallback", &self.fallback)
            .field("default", &self.default)
            .finish_non_exhaustive()
    }
}

/// A nested route's full path, as axum joins it.
fn nested_path(prefix: &str, path: &str) -> String {
    if prefix.ends_with('/') {
        format!("{prefix}{}", path.trim_start_matches('/'))
    } else if path == "/" {
        prefix.to_owned()
    } else {
        format!("{prefix}{path}")
    }
}
