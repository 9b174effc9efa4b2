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
use http::Method;
use tower_layer::Layer;
use tower_service::Service;

use crate::handler::CorsHandler;
use crate::policies::{Policies, PoliciesError, PolicySet, Problem};
use crate::policy::Policy;
use crate::route::CorsRoute;
use crate::service::CorsService;
use crate::table::{
    FallbackEntry, MethodEntry, PathEntry, RoutePolicy, Source, Table, FALLBACK_TAIL,
};

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
    fallbacks: Vec<FallbackEntry>,
    policies: Option<Policies>,
    debug_mode: bool,
}

/// axum's names for the paths a nested service and a fallback cover.
const NEST_TAIL: &str = "{*__private__axum_nest_tail_param}";

impl<S> CorsRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// An empty router.
    pub fn new() -> Self {
        CorsRouter {
            router: Router::new(),
            paths: Vec::new(),
            fallbacks: Vec::new(),
            policies: None,
            debug_mode: false,
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
        let methods = route
            .methods
            .into_iter()
            .map(|(method, policy)| MethodEntry {
                method,
                policy,
                source: None,
            })
            .collect();
        self.add_path(PathEntry {
            path: path.to_owned(),
            methods,
            source: None,
        });
        self
    }

    /// Nests another `CorsRouter` under `path`, as [`Router::nest`]: its
    /// routes keep their policies under their full paths, and its fallback,
    /// if it has one, covers the paths under `path` that match no route.
    pub fn nest(mut self, path: &str, router: CorsRouter<S>) -> Self {
        let CorsRouter {
            router: inner,
            paths,
            fallbacks,
            policies,
            debug_mode: _,
        } = router;
        self.router = self.router.nest(path, inner);
        for mut entry in inherit(paths, policies.as_ref()) {
            entry.path = nested_path(path, &entry.path);
            self.add_path(entry);
        }
        for mut fallback in fallbacks {
            fallback.path = nested_path(path, &fallback.path);
            fallback.source = fallback.source.or_else(|| policies.clone());
            self.fallbacks.push(fallback);
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
        // The paths axum registers for it.
        let mut covered = vec![path.to_owned()];
        if path.ends_with('/') {
            covered.push(format!("{path}{NEST_TAIL}"));
        } else {
            covered.push(format!("{path}/{NEST_TAIL}"));
            covered.push(format!("{path}/"));
        }
        for path in covered {
            self.add_path(PathEntry {
                path,
                methods: Vec::new(),
                source: None,
            });
        }
        self
    }

    /// Merges another `CorsRouter`'s routes into this one, as
    /// [`Router::merge`].
    pub fn merge(mut self, other: CorsRouter<S>) -> Self {
        let CorsRouter {
            router,
            paths,
            fallbacks,
            policies,
            debug_mode: _,
        } = other;
        self.router = self.router.merge(router);
        for entry in inherit(paths, policies.as_ref()) {
            self.add_path(entry);
        }
        // axum has refused two fallbacks for the same paths.
        for mut fallback in fallbacks {
            fallback.source = fallback.source.or_else(|| policies.clone());
            self.fallbacks.push(fallback);
        }
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
        let policy = RoutePolicy::from(handler.policy());
        self.router = self.router.fallback(handler.into_handler());
        // A new fallback replaces the one before, as in axum.
        self.fallbacks
            .retain(|f| f.path != "/" && f.path != FALLBACK_TAIL);
        for path in ["/", FALLBACK_TAIL] {
            self.fallbacks.push(FallbackEntry {
                path: path.to_owned(),
                policy: policy.clone(),
                source: None,
            });
        }
        self
    }

    /// A fixed default policy: it decides every method without a policy of
    /// its own (plain handlers, methods a path does not route) and every
    /// path that matches no route, unless the fallback has a policy.
    /// Without `methods`, it allows the CORS-safelisted ones, `GET`, `HEAD`
    /// and `POST`. Short for
    /// `.policies(Policies::new(PolicySet::new().with_default(policy)))`.
    ///
    /// On a router that is nested or merged into another, it decides the
    /// routes registered on that router; the outermost router's decides the
    /// rest.
    pub fn default_policy(self, policy: Policy) -> Self {
        self.policies(Policies::new(PolicySet::new().with_default(policy)))
    }

    /// The run-time policies: the default, if the set has one, and the
    /// named policies that `#[cors(policy = "name")]` handlers refer to.
    /// Keep a clone of the handle to replace them while the server runs.
    /// As with [`default_policy`](CorsRouter::default_policy), a nested or
    /// merged router's own decide the routes registered on it.
    pub fn policies(mut self, policies: Policies) -> Self {
        self.policies = Some(policies);
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
            fallbacks: self.fallbacks,
            policies: self.policies,
            debug_mode: self.debug_mode,
        }
    }

    /// **For development only.** Answers a refused preflight with `204` and
    /// the grants of the checks it passed, instead of `403` and nothing, so
    /// that the browser's console names the failing rule ("Request header
    /// field x-foo is not allowed by Access-Control-Allow-Headers in
    /// preflight response"): Chromium and Firefox name a rule only after an
    /// ok status and a passing `Access-Control-Allow-Origin`. It shows what
    /// a policy allows to anyone who asks, the one exception to "nothing of
    /// the policy leaks"; the refusal is still refused, and still logged.
    /// Off by default. Set on the outermost router.
    pub fn debug_mode(mut self, enabled: bool) -> Self {
        self.debug_mode = enabled;
        self
    }

    /// Every route's policy, one line each (method, path, and what decides
    /// it: its own policy's origins, methods, headers, credentials and max
    /// age; a named policy as the set in force now defines it; the
    /// default), then what decides the paths that match no route: what a
    /// security review asks for. Print it at start-up, or serve it from an
    /// admin endpoint.
    ///
    /// ```
    /// use route_cors::{cors, CorsRouter};
    ///
    /// #[cors(origins = ["https://app.example.com"], methods = [GET], max_age = 600)]
    /// async fn list_users() -> &'static str { "[]" }
    ///
    /// let app = CorsRouter::<()>::new().route("/users", route_cors::get(list_users));
    /// assert_eq!(
    ///     app.describe(),
    ///     "GET /users: origins: https://app.example.com; methods: GET; headers: none; \
    ///      expose: none; credentials: no; max_age: 600\n\
    ///      other methods of /users: refused (no policy, no default)\n\
    ///      paths that match no route: untouched (no policy, no default)\n"
    /// );
    /// ```
    pub fn describe(&self) -> String {
        // The table the app would be served with, so that the description
        // is what the service decides.
        let table = Table::new(
            self.paths.clone(),
            self.fallbacks.clone(),
            self.policies.clone(),
            self.debug_mode,
        );
        table.describe()
    }

    /// Adds a path's entry, merging it into the entry of a path registered
    /// before, as axum's router merges the method routers of one path.
    fn add_path(&mut self, entry: PathEntry) {
        match self.paths.iter_mut().find(|e| e.path == entry.path) {
            Some(existing) => {
                if !same_source(&existing.source, &entry.source) {
                    // Routers with different defaults share the path: its
                    // unrouted methods go to the app's.
                    existing.source = None;
                }
                existing.methods.extend(entry.methods);
            }
            None => self.paths.push(entry),
        }
    }
}

impl CorsRouter {
    /// The app as a plain axum `Router`, with CORS outermost: it answers
    /// preflights before any layer added here runs, and writes the route's
    /// policy on every response, whoever made it.
    ///
    /// Panics where [`try_into_router`](CorsRouter::try_into_router) returns
    /// an error: a route refers to a named policy that is not defined.
    pub fn into_router(self) -> Router {
        self.try_into_router().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The app as a plain axum `Router`, or the routes that refer to a named
    /// policy that is not defined, each with the policy's name.
    pub fn try_into_router(self) -> Result<Router, PoliciesError> {
        self.try_into_service()
            .map(|cors| Router::new().fallback_service(cors))
    }

    /// The app as route-cors's own service, without the outer axum `Router`
    /// that [`into_router`](CorsRouter::into_router) puts around it: the
    /// same answers, about 250 to 300 ns and 2 or 3 allocations less per
    /// request
    /// (BENCHMARKS.md), for `axum::serve(listener,
    /// app.into_service().into_make_service())`. Use `into_router` for what
    /// only a `Router` offers (`into_make_service_with_connect_info`,
    /// merging into another `Router`).
    ///
    /// Panics where [`try_into_service`](CorsRouter::try_into_service)
    /// returns an error.
    pub fn into_service(self) -> CorsService {
        self.try_into_service().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The app as route-cors's own service, or the routes that refer to a
    /// named policy that is not defined.
    pub fn try_into_service(self) -> Result<CorsService, PoliciesError> {
        let mut problems = Vec::new();
        let named = self.paths.iter().flat_map(|entry| {
            entry.methods.iter().map(move |m| {
                let method = m.method.as_ref().map_or("any", Method::as_str);
                let route = format!("{method} {}", entry.path);
                (&m.policy, m.source.as_ref(), route)
            })
        });
        let fallbacks = self.fallbacks.iter().map(|f| {
            (
                &f.policy,
                f.source.as_ref(),
                format!("the fallback at {}", f.path),
            )
        });
        for (policy, source, route) in named.chain(fallbacks) {
            let RoutePolicy::Named(name) = *policy else {
                continue;
            };
            match source.or(self.policies.as_ref()) {
                Some(policies) => problems.extend(policies.require(name, &route)),
                None => problems.push(Problem::Missing {
                    name: name.to_owned(),
                    routes: vec![route],
                }),
            }
        }
        if !problems.is_empty() {
            return Err(PoliciesError::new(problems));
        }
        let table = Table::new(self.paths, self.fallbacks, self.policies, self.debug_mode);
        Ok(CorsService {
            table: Arc::new(table),
            app: self.router,
        })
    }
}

impl From<CorsRouter> for Router {
    fn from(router: CorsRouter) -> Self {
        router.into_router()
    }
}

/// Entries registered on a router with its own run-time policies keep them
/// when the router is nested or merged.
fn inherit(paths: Vec<PathEntry>, policies: Option<&Policies>) -> Vec<PathEntry> {
    let Some(policies) = policies else {
        return paths;
    };
    paths
        .into_iter()
        .map(|mut entry| {
            entry.source.get_or_insert_with(|| policies.clone());
            for method in &mut entry.methods {
                method.source.get_or_insert_with(|| policies.clone());
            }
            entry
        })
        .collect()
}

fn same_source(a: &Source, b: &Source) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.same(b),
        _ => false,
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
            .field("fallbacks", &self.fallbacks)
            .field("policies", &self.policies)
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
