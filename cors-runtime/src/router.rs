//! Registration: a wrapper of axum's `Router` that reads like it and keeps
//! every route's per-method policies beside the route's own `MethodRouter`,
//! through `nest` and `merge`, then builds a plain `Router` in which each
//! path's service decides CORS before anything of the app runs.

use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, Route};
use axum::Router;
use tower_layer::Layer;
use tower_service::Service;

use crate::decide::{
    Decider, DefaultSource, Judge, RoutePolicy, Routed, Served, Sources, WithoutDefault,
};
use crate::handler::CorsHandler;
use crate::inventory::{Covers, InventoryEntry, Row};
use crate::policies::{Policies, PoliciesError, Problem};
use crate::policy::Policy;
use crate::route::CorsRoute;
use crate::service::{CorsService, Decide, DecideLayer};
use crate::strip_prefix::StripPrefixLayer;

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
/// - What is added to the returned `Router` (layers, routes, a fallback,
///   merged or nested routers) sits outside CORS: the place for tracing,
///   metrics, request ids and rate limits, which should see every request,
///   preflights included. Every route registered here keeps its policy
///   whatever is called on that `Router` afterwards.
#[doc = include_str!("../docs/router.md")]
#[must_use = "hand it to axum with `into_router`"]
pub struct CorsRouter<S = ()> {
    /// In registration order, which `describe()` follows.
    items: Vec<Item<S>>,
    fallback: Option<Fallback<S>>,
    /// axum's `404` for paths that match no route, with the layers added.
    unmatched: Router<S>,
    /// The run-time policies set on this router.
    sources: Sources,
    debug_mode: bool,
    /// The app, once built for `axum::serve(listener, router)`.
    served: Option<Router>,
}

enum Item<S> {
    /// A path route-cors knows, with its handlers.
    Path(PathEntry<S>),
    /// A router nested under a prefix.
    Nested(String, CorsRouter<S>),
    /// A plain axum router (or a nested service): route-cors cannot see
    /// its paths or methods, so the default decides them all.
    Plain {
        router: Router<S>,
        /// What `describe()` calls it.
        label: String,
        sources: Sources,
    },
}

/// One path as registered.
struct PathEntry<S> {
    path: String,
    router: MethodRouter<S>,
    /// The methods registered through route-cors's builders.
    methods: Vec<MethodEntry>,
    /// Whether those are all the methods the path serves.
    served: Served,
    /// What decides the methods the path does not route: the sources of the
    /// router that registered it, or the enclosing ones where routers that
    /// share the path disagree.
    sources: Sources,
}

#[derive(Clone, Debug)]
struct MethodEntry {
    routed: Routed,
    policy: RoutePolicy,
    sources: Sources,
}

struct Fallback<S> {
    router: MethodRouter<S>,
    policy: RoutePolicy,
    sources: Sources,
}

impl<S> CorsRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// An empty router.
    pub fn new() -> Self {
        CorsRouter {
            items: Vec::new(),
            fallback: None,
            unmatched: Router::new(),
            sources: Sources::default(),
            debug_mode: false,
            served: None,
        }
    }

    /// Adds a route, as [`Router::route`]: the handlers of one path built
    /// with [`get`](crate::get), [`post`](crate::post), ... or a plain axum
    /// `MethodRouter`, whose methods have no policy of their own.
    ///
    /// Panics where axum's `route` panics (an invalid path, a method routed
    /// twice), here or when the app is built.
    #[track_caller]
    pub fn route(mut self, path: &str, route: impl Into<CorsRoute<S>>) -> Self {
        let route = route.into();
        assert!(
            path.starts_with('/'),
            "Paths must start with a `/`. Use \"/\" for root routes"
        );
        let methods = route
            .methods
            .into_iter()
            .map(|(routed, policy)| MethodEntry {
                routed,
                policy,
                sources: Sources::default(),
            })
            .collect();
        self.add_path(PathEntry {
            path: path.to_owned(),
            router: route.router,
            methods,
            served: route.served,
            sources: Sources::default(),
        });
        self
    }

    /// Nests a router under `path`, as [`Router::nest`]: another
    /// `CorsRouter`, whose routes keep their policies under their full
    /// paths and whose fallback, if it has one, covers the paths under
    /// `path` that match no route; or a plain axum `Router`, whose routes
    /// the default decides.
    #[track_caller]
    pub fn nest(mut self, path: &str, router: impl Into<CorsRouter<S>>) -> Self {
        assert!(
            !path.is_empty() && path != "/",
            "Nesting at the root is no longer supported. Use merge instead."
        );
        self.items
            .push(Item::Nested(path.to_owned(), router.into()));
        self
    }

    /// Nests a service under `path`, as [`Router::nest_service`]: a plain
    /// axum `Router` (after `with_state`), `ServeDir`, ... Its paths have no
    /// policy of their own, so the default decides them.
    #[track_caller]
    pub fn nest_service<T>(mut self, path: &str, service: T) -> Self
    where
        T: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        T::Response: IntoResponse,
        T::Future: Send + 'static,
    {
        self.items.push(Item::Plain {
            router: Router::new().nest_service(path, service),
            label: format!("the service nested at {path}"),
            sources: Sources::default(),
        });
        self
    }

    /// Merges another router's routes into this one, as [`Router::merge`]:
    /// another `CorsRouter`, whose routes keep their policies (and its
    /// run-time policies, if it has its own, keep deciding them), or a plain
    /// axum `Router`, whose routes the default decides.
    ///
    /// A path that both routers have merges its handlers, as in axum. A
    /// plain `Router`'s paths are not known to route-cors: one that is also
    /// a path registered here panics when the app is built, as axum panics
    /// on conflicting routes; register such a path's handlers with
    /// [`route`](CorsRouter::route).
    #[track_caller]
    pub fn merge(mut self, other: impl Into<CorsRouter<S>>) -> Self {
        let CorsRouter {
            items,
            fallback,
            unmatched: _,
            sources,
            debug_mode: _,
            served: _,
        } = other.into();
        for item in items {
            match item {
                Item::Path(mut entry) => {
                    entry.sources = entry.sources.within(&sources);
                    for method in &mut entry.methods {
                        method.sources = method.sources.within(&sources);
                    }
                    self.add_path(entry);
                }
                Item::Nested(path, mut router) => {
                    router.sources = router.sources.within(&sources);
                    self.items.push(Item::Nested(path, router));
                }
                Item::Plain {
                    router,
                    label,
                    sources: own,
                } => self.items.push(Item::Plain {
                    router,
                    label,
                    sources: own.within(&sources),
                }),
            }
        }
        if let Some(mut fallback) = fallback {
            assert!(
                self.fallback.is_none(),
                "Cannot merge two `CorsRouter`s that both have a fallback"
            );
            fallback.sources = fallback.sources.within(&sources);
            self.fallback = Some(fallback);
        }
        self
    }

    /// The handler for paths that match no route, as [`Router::fallback`]:
    /// a `#[cors]` handler, whose policy then decides those paths, or a
    /// [`plain`](crate::plain) one, under the default.
    ///
    /// A fallback added to the `Router` that
    /// [`into_router`](CorsRouter::into_router) returns replaces this one
    /// and sits outside CORS: put the fallback that the default should
    /// cover here.
    pub fn fallback<H, T>(mut self, handler: H) -> Self
    where
        H: CorsHandler<T, S>,
        T: 'static,
    {
        let policy = RoutePolicy::from(handler.policy());
        self.fallback = Some(Fallback {
            router: axum::routing::any(handler.into_handler()),
            policy,
            sources: Sources::default(),
        });
        self
    }

    /// A service for paths that match no route, as
    /// [`Router::fallback_service`]: `ServeDir` for a single-page app, say.
    /// It has no policy of its own, so the default decides those paths.
    pub fn fallback_service<T>(mut self, service: T) -> Self
    where
        T: Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
        T::Response: IntoResponse,
        T::Future: Send + 'static,
    {
        self.fallback = Some(Fallback {
            router: axum::routing::any_service(service),
            policy: RoutePolicy::None,
            sources: Sources::default(),
        });
        self
    }

    /// A fixed default policy: it decides every method without a policy of
    /// its own (plain handlers, methods a path does not route) and every
    /// path that matches no route, unless the fallback has a policy.
    /// Without `methods`, it allows the CORS-safelisted ones, `GET`, `HEAD`
    /// and `POST`.
    ///
    /// It holds beside [`policies`](CorsRouter::policies), in either order:
    /// the named policies come from the set, the default from here. Building
    /// the app fails if the set has a default of its own too.
    ///
    /// On a router that is nested or merged into another, it decides the
    /// routes registered on that router; the outermost router's decides the
    /// rest.
    #[doc = include_str!("../docs/router/default_policy.md")]
    pub fn default_policy(mut self, policy: Policy) -> Self {
        self.sources.default = Some(DefaultSource::Fixed(Arc::new(policy.into_default())));
        self
    }

    /// The run-time policies: the named policies that
    /// `#[cors(policy = "name")]` handlers refer to, and the default, if the
    /// set has one (unless [`default_policy`](CorsRouter::default_policy)
    /// sets one). Keep a clone of the handle to replace them while the
    /// server runs. As with `default_policy`, a nested or merged router's
    /// own decide the routes registered on it.
    pub fn policies(mut self, policies: Policies) -> Self {
        if !matches!(self.sources.default, Some(DefaultSource::Fixed(_))) {
            self.sources.default = Some(DefaultSource::Set(policies.clone()));
        }
        self.sources.named = Some(policies);
        self
    }

    /// Applies a layer to every route and the fallback, as
    /// [`Router::layer`]. It sits inside CORS.
    pub fn layer<L>(self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        self.apply(&layer, Reach::Everything)
    }

    /// Applies a layer to the routes registered so far, not to the
    /// fallback, as [`Router::route_layer`]. It sits inside CORS.
    ///
    /// Panics if there are no routes yet, as axum does.
    #[track_caller]
    pub fn route_layer<L>(self, layer: L) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        assert!(
            !self.items.is_empty(),
            "Adding a route_layer before any routes is a no-op. \
             Add the routes you want the layer to apply to first."
        );
        self.apply(&layer, Reach::Routes)
    }

    /// A layer over each route (as axum layers each `MethodRouter`, its
    /// method fallback included), and over the fallbacks for `layer`.
    fn apply<L>(mut self, layer: &L, reach: Reach) -> Self
    where
        L: Layer<Route> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        self.items = self
            .items
            .into_iter()
            .map(|item| match item {
                Item::Path(mut entry) => {
                    entry.router = entry.router.layer(layer.clone());
                    Item::Path(entry)
                }
                Item::Nested(path, router) => Item::Nested(path, router.apply(layer, reach)),
                Item::Plain {
                    router,
                    label,
                    sources,
                } => Item::Plain {
                    router: match reach {
                        Reach::Everything => router.layer(layer.clone()),
                        Reach::Routes if router.has_routes() => router.route_layer(layer.clone()),
                        Reach::Routes => router,
                    },
                    label,
                    sources,
                },
            })
            .collect();
        if reach == Reach::Everything {
            self.unmatched = self.unmatched.layer(layer.clone());
            if let Some(fallback) = &mut self.fallback {
                fallback.router = std::mem::take(&mut fallback.router).layer(layer.clone());
            }
        }
        self
    }

    /// Provides the state, as [`Router::with_state`].
    pub fn with_state<S2>(self, state: S) -> CorsRouter<S2>
    where
        S2: Clone + Send + Sync + 'static,
    {
        let items = self
            .items
            .into_iter()
            .map(|item| match item {
                Item::Path(entry) => Item::Path(PathEntry {
                    path: entry.path,
                    router: entry.router.with_state(state.clone()),
                    methods: entry.methods,
                    served: entry.served,
                    sources: entry.sources,
                }),
                Item::Nested(path, router) => Item::Nested(path, router.with_state(state.clone())),
                Item::Plain {
                    router,
                    label,
                    sources,
                } => Item::Plain {
                    router: router.with_state(state.clone()),
                    label,
                    sources,
                },
            })
            .collect();
        CorsRouter {
            items,
            fallback: self.fallback.map(|fallback| Fallback {
                router: fallback.router.with_state(state.clone()),
                policy: fallback.policy,
                sources: fallback.sources,
            }),
            unmatched: self.unmatched.with_state(state),
            sources: self.sources,
            debug_mode: self.debug_mode,
            served: None,
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
    /// default), then what decides the paths that match no route, then the
    /// named policies no route uses: what a security review asks for.
    /// Print it at start-up, or serve it from an admin endpoint.
    ///
    /// The example writes the state type, `CorsRouter::<()>::new()`: when
    /// nothing else fixes it (no `with_state`, no `State` extractor, no
    /// `into_router()` into a typed `Router`), the compiler cannot infer it.
    /// The same holds for [`inventory`](CorsRouter::inventory).
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
    ///      other methods of /users: no handler, preflights refused; actual requests: \
    ///      refused (no policy, no default)\n\
    ///      paths that match no route: untouched (no policy, no default)\n"
    /// );
    /// ```
    pub fn describe(&self) -> String {
        let walk = self.walked();
        let mut out: String = walk.rows().map(|row| row.line() + "\n").collect();
        for unused in walk.unused() {
            out.push_str(&format!("{unused}\n"));
        }
        out
    }

    /// What [`describe`](CorsRouter::describe) says of each route (the lines
    /// of named policies no route uses aside), as data: for a test that
    /// snapshots it, so that any change to a policy shows in review (with
    /// the `serde` feature, each entry is `Serialize`).
    ///
    /// ```
    /// use route_cors::{cors, CorsRouter, DecidedBy};
    ///
    /// #[cors(origins = ["https://app.example.com"], methods = [GET], max_age = 600)]
    /// async fn list_users() -> &'static str { "[]" }
    ///
    /// let inventory = CorsRouter::<()>::new()
    ///     .route("/users", route_cors::get(list_users))
    ///     .inventory();
    /// assert_eq!(inventory[0].covers, "GET /users");
    /// assert_eq!(inventory[0].decided_by, DecidedBy::Route);
    /// assert_eq!(inventory[0].origins, ["https://app.example.com"]);
    /// assert_eq!(inventory[0].max_age, Some(600));
    /// ```
    pub fn inventory(&self) -> Vec<InventoryEntry> {
        self.walked().rows().map(Row::entry).collect()
    }

    /// The walk over every route, the paths that match no route included.
    fn walked(&self) -> Walk {
        let mut walk = Walk::default();
        self.walk("", &Sources::default(), &mut walk);
        let unmatched = Decider::new(
            &RoutePolicy::None,
            &self.sources,
            WithoutDefault::PassThrough,
        );
        walk.fallbacks.push(Row {
            covers: Covers::Unmatched,
            decider: unmatched,
        });
        walk
    }

    /// Visits every route as the app will be built, with what it resolves
    /// against.
    fn walk(&self, prefix: &str, outer: &Sources, walk: &mut Walk) {
        let sources = self.sources.within(outer);
        walk.saw(&sources);
        for item in &self.items {
            match item {
                Item::Path(entry) => {
                    let path = nested_path(prefix, &entry.path);
                    let without = entry.without_default();
                    for method in &entry.methods {
                        let sources = method.sources.within(&sources);
                        walk.saw(&sources);
                        let covers = Covers::Method {
                            method: method.routed.name().to_owned(),
                            path: path.clone(),
                        };
                        walk.route(covers, &method.policy, &sources, without);
                    }
                    let others =
                        Decider::new(&RoutePolicy::None, &entry.sources.within(&sources), without);
                    walk.routes.push(Row {
                        covers: Covers::OtherMethods {
                            path,
                            served: entry.served,
                        },
                        decider: others,
                    });
                }
                Item::Nested(path, router) => {
                    router.walk(&nested_path(prefix, path), &sources, walk);
                }
                Item::Plain {
                    label,
                    sources: own,
                    ..
                } => {
                    let decider = Decider::new(
                        &RoutePolicy::None,
                        &own.within(&sources),
                        WithoutDefault::PassThrough,
                    );
                    let label = match prefix {
                        "" => label.clone(),
                        prefix => format!("{label}, under {prefix}"),
                    };
                    walk.routes.push(Row {
                        covers: Covers::Plain(label),
                        decider,
                    });
                }
            }
        }
        if let Some(fallback) = &self.fallback {
            let sources = fallback.sources.within(&sources);
            walk.saw(&sources);
            let covers = Covers::Fallback((!prefix.is_empty()).then(|| prefix.to_owned()));
            let row = Row {
                covers,
                decider: Decider::new(&fallback.policy, &sources, WithoutDefault::PassThrough),
            };
            if let RoutePolicy::Named(policy) = fallback.policy {
                walk.named
                    .push((sources.named.clone(), policy, row.covers()));
            }
            walk.fallbacks.push(row);
        }
    }

    /// Adds a path's entry, merging it into the entry of a path registered
    /// before, as axum's router merges the method routers of one path.
    #[track_caller]
    fn add_path(&mut self, entry: PathEntry<S>) {
        let existing = self.items.iter_mut().find_map(|item| match item {
            Item::Path(existing) if existing.path == entry.path => Some(existing),
            _ => None,
        });
        match existing {
            // Unset sources stand for the enclosing router's.
            Some(existing) => existing.absorb(entry, &Sources::default()),
            None => self.items.push(Item::Path(entry)),
        }
    }
}

/// What [`CorsRouter::apply`] reaches.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Every route and the fallbacks: `layer`.
    Everything,
    /// The routes: `route_layer`.
    Routes,
}

impl<S> PathEntry<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// Takes in another entry of the same path, as axum's router merges the
    /// method routers of one path. Where the two resolve against different
    /// sources, the path's unrouted methods go to `disagreeing`'s (the
    /// enclosing router's).
    #[track_caller]
    fn absorb(&mut self, other: PathEntry<S>, disagreeing: &Sources) {
        if !self.sources.same(&other.sources) {
            self.sources = disagreeing.clone();
        }
        self.router = std::mem::take(&mut self.router).merge(other.router);
        self.methods.extend(other.methods);
        self.served = self.served.and(other.served);
    }
}

impl<S> PathEntry<S> {
    /// Methods without a policy of their own are refused, where no default
    /// decides them, on a path whose other methods have policies.
    fn without_default(&self) -> WithoutDefault {
        if self.methods.iter().any(|m| m.policy.is_some()) {
            WithoutDefault::Refuse
        } else {
            WithoutDefault::PassThrough
        }
    }
}

/// What a walk over the routes gathers: `describe()`'s lines, the names
/// routes refer to and the sets they resolve against.
#[derive(Default)]
struct Walk {
    routes: Vec<Row>,
    /// The fallbacks, then the paths that match no route: after the routes.
    fallbacks: Vec<Row>,
    /// Every set of named policies a route can read.
    sets: Vec<Policies>,
    /// Each route (or fallback) that refers to a name, as `(the set it
    /// resolves against, name, route)`.
    named: Vec<(Option<Policies>, &'static str, String)>,
}

impl Walk {
    fn saw(&mut self, sources: &Sources) {
        if let Some(set) = &sources.named {
            if !self.sets.iter().any(|s| s.same(set)) {
                self.sets.push(set.clone());
            }
        }
    }

    fn route(
        &mut self,
        covers: Covers,
        policy: &RoutePolicy,
        sources: &Sources,
        without: WithoutDefault,
    ) {
        let row = Row {
            covers,
            decider: Decider::new(policy, sources, without),
        };
        if let RoutePolicy::Named(name) = policy {
            self.named.push((sources.named.clone(), name, row.covers()));
        }
        self.routes.push(row);
    }

    fn rows(&self) -> impl Iterator<Item = &Row> {
        self.routes.iter().chain(&self.fallbacks)
    }

    /// The named policies of each set that no route reads, each with the
    /// used name it is closest to.
    fn unused(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for set in &self.sets {
            let used: Vec<&str> = self
                .named
                .iter()
                .filter(|(s, ..)| s.as_ref().is_some_and(|s| s.same(set)))
                .map(|(_, name, _)| *name)
                .collect();
            let current = set.current();
            for name in current.names() {
                if used.contains(&name) {
                    continue;
                }
                let line = match route_cors_rules::key::closest(name, used.iter().copied()) {
                    Some(close) => format!(
                        "named policy `{name}` is used by no route (did you mean `{close}`?)"
                    ),
                    None => format!("named policy `{name}` is used by no route"),
                };
                lines.push(line);
            }
        }
        lines
    }
}

impl CorsRouter {
    /// The app as a plain axum `Router`, with CORS in front of every route:
    /// it answers preflights before any layer added here runs, and writes
    /// the route's policy on every response, whoever made it.
    ///
    /// A router with state gets it first:
    /// `.with_state(state).into_router()`.
    ///
    /// Panics where [`try_into_router`](CorsRouter::try_into_router) returns
    /// an error.
    #[track_caller]
    pub fn into_router(self) -> Router {
        self.try_into_router().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The app as a plain axum `Router`, or every problem of its run-time
    /// policies: routes that refer to a named policy that is not defined
    /// (each with the policy's name), a default set both with
    /// `default_policy` and in the set given to `policies`.
    ///
    /// Named policies that no route uses are reported as a `warn` event
    /// (target `route_cors`) and in [`describe`](CorsRouter::describe).
    pub fn try_into_router(self) -> Result<Router, PoliciesError> {
        let problems = self.check();
        if !problems.is_empty() {
            return Err(PoliciesError::new(problems));
        }
        Ok(self.build_checked())
    }

    /// The app as route-cors's own service type, for
    /// `axum::serve(listener, app.into_service().into_make_service())`: the
    /// same answers as [`into_router`](CorsRouter::into_router)'s `Router`.
    ///
    /// Panics where [`try_into_service`](CorsRouter::try_into_service)
    /// returns an error.
    #[track_caller]
    pub fn into_service(self) -> CorsService {
        self.try_into_service().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The app as route-cors's own service type, or every problem of its
    /// run-time policies, as [`try_into_router`](CorsRouter::try_into_router).
    pub fn try_into_service(self) -> Result<CorsService, PoliciesError> {
        self.try_into_router().map(|app| CorsService { app })
    }
}

/// What a `CorsRouter` that still needs its state answers to `into_router`
/// and the like: an error that says to call `with_state` first. (The
/// methods that build the app exist only on `CorsRouter<()>`, so that
/// rustc infers the state of a router that needs none; a router with
/// state reaches these through `Deref`, whose bound explains.)
#[doc(hidden)]
pub struct NeedsState<S>(PhantomData<fn() -> S>);

/// The bound that explains; no type implements it.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "this `CorsRouter` still needs its state of type `{Self}`",
    label = "call `.with_state(state)` on the `CorsRouter` first",
    note = "a `CorsRouter<{Self}>` is built and served once `.with_state(state)` has provided its `{Self}`"
)]
pub trait StateProvided: sealed::Sealed {
    #[doc(hidden)]
    fn never<T>() -> T;
}

mod sealed {
    pub trait Sealed {}
}

// The names of `CorsRouter`'s own methods, so that the call the user wrote
// is the one the error points at.
#[doc(hidden)]
#[allow(clippy::wrong_self_convention)]
impl<S> NeedsState<S> {
    pub fn into_router(&self) -> Router
    where
        S: StateProvided,
    {
        S::never()
    }

    pub fn try_into_router(&self) -> Result<Router, PoliciesError>
    where
        S: StateProvided,
    {
        S::never()
    }

    pub fn into_service(&self) -> CorsService
    where
        S: StateProvided,
    {
        S::never()
    }

    pub fn try_into_service(&self) -> Result<CorsService, PoliciesError>
    where
        S: StateProvided,
    {
        S::never()
    }
}

impl<S> Deref for CorsRouter<S> {
    type Target = NeedsState<S>;

    fn deref(&self) -> &NeedsState<S> {
        &NeedsState(PhantomData)
    }
}

impl CorsRouter<()> {
    /// Every problem of the run-time policies, recording each name a route
    /// refers to with its set (a replacement must define them all); named
    /// policies no route uses are a `warn` event.
    fn check(&self) -> Vec<Problem> {
        let mut walk = Walk::default();
        self.walk("", &Sources::default(), &mut walk);
        let mut problems = self.check_defaults();
        for (set, name, route) in &walk.named {
            match set {
                Some(set) => problems.extend(set.require(name, route)),
                None => problems.push(Problem::Missing {
                    name: (*name).to_owned(),
                    routes: vec![route.clone()],
                }),
            }
        }
        for unused in walk.unused() {
            tracing::warn!(target: "route_cors", "{unused}");
        }
        problems
    }

    /// A default set with `default_policy` and one in the set given to
    /// `policies` on the same router cannot both decide.
    fn check_defaults(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if let (Some(DefaultSource::Fixed(_)), Some(set)) =
            (&self.sources.default, &self.sources.named)
        {
            if set.current().default_policy().is_some() {
                problems.push(Problem::TwoDefaults);
            }
        }
        for item in &self.items {
            if let Item::Nested(_, router) = item {
                problems.extend(router.check_defaults());
            }
        }
        problems
    }

    fn build_checked(mut self) -> Router {
        let debug_mode = self.debug_mode;
        let unmatched = Decider::new(
            &RoutePolicy::None,
            &self.sources,
            WithoutDefault::PassThrough,
        );
        let unmatched = std::mem::take(&mut self.unmatched).layer(DecideLayer {
            judge: Judge::single("", unmatched),
            debug_mode,
        });
        let mut paths = Vec::new();
        let (mut app, fallback) =
            self.flatten("", &Sources::default(), debug_mode, unmatched, &mut paths);
        // Every path's sources are resolved: nothing encloses them now.
        for path in paths {
            let without = path.without_default();
            let methods = path
                .methods
                .iter()
                .map(|m| {
                    let decider = Decider::new(&m.policy, &m.sources, without);
                    (m.routed.clone(), decider)
                })
                .collect();
            let service = Decide {
                judge: Arc::new(Judge {
                    prefix: String::new(),
                    methods,
                    others: Decider::new(&RoutePolicy::None, &path.sources, without),
                    served: path.served,
                }),
                debug_mode,
                inner: path.router,
            };
            app = app.route_service(&path.path, service);
        }
        if let Some(fallback) = fallback {
            app = app.fallback_service(fallback);
        }
        app
    }

    /// This router's known paths into `paths` at their full paths (one
    /// service each, so that axum matches a path once; a path that
    /// several routers give merges its handlers), and what route-cors cannot
    /// see route by route (plain routers, nested services, the fallbacks
    /// of nested routers) onto `rest`, under a layer that the default
    /// decides, nested as axum nests it. Returns `rest` and this router's
    /// fallback.
    fn flatten(
        self,
        prefix: &str,
        outer: &Sources,
        debug_mode: bool,
        mut rest: Router,
        paths: &mut Vec<PathEntry<()>>,
    ) -> (Router, Option<Decide<MethodRouter>>) {
        let sources = self.sources.within(outer);
        let judge = |others| Judge::single(prefix, others);
        for item in self.items {
            match item {
                Item::Path(entry) => {
                    let path = nested_path(prefix, &entry.path);
                    let router = if prefix.is_empty() {
                        entry.router
                    } else {
                        entry.router.layer(StripPrefixLayer(Arc::from(prefix)))
                    };
                    let methods = entry
                        .methods
                        .into_iter()
                        .map(|m| MethodEntry {
                            sources: m.sources.within(&sources),
                            ..m
                        })
                        .collect();
                    let flat = PathEntry {
                        path,
                        router,
                        methods,
                        served: entry.served,
                        sources: entry.sources.within(&sources),
                    };
                    match paths.iter_mut().find(|p| p.path == flat.path) {
                        Some(existing) => existing.absorb(flat, outer),
                        None => paths.push(flat),
                    }
                }
                Item::Nested(path, router) => {
                    let full = nested_path(prefix, &path);
                    let (nested, fallback) =
                        router.flatten(&full, &sources, debug_mode, Router::new(), paths);
                    let nested = match fallback {
                        Some(fallback) => nested.fallback_service(fallback),
                        None => nested,
                    };
                    rest = rest.nest(&path, nested);
                }
                Item::Plain {
                    router,
                    sources: own,
                    ..
                } => {
                    let default = Decider::new(
                        &RoutePolicy::None,
                        &own.within(&sources),
                        WithoutDefault::PassThrough,
                    );
                    rest = rest.merge(router.layer(DecideLayer {
                        judge: judge(default),
                        debug_mode,
                    }));
                }
            }
        }
        let fallback = self.fallback.map(|fallback| {
            let decider = Decider::new(
                &fallback.policy,
                &fallback.sources.within(&sources),
                WithoutDefault::PassThrough,
            );
            Decide {
                judge: judge(decider),
                debug_mode,
                inner: fallback.router,
            }
        });
        (rest, fallback)
    }
}

/// A plain axum `Router`, to merge or nest into a `CorsRouter`: route-cors
/// cannot see its paths or methods, so the default decides all of them, and
/// a preflight answer for one of its routes carries axum's `Allow` header
/// (routes registered with [`CorsRouter::route`] never do).
impl<S> From<Router<S>> for CorsRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn from(router: Router<S>) -> Self {
        let mut cors = CorsRouter::new();
        cors.items.push(Item::Plain {
            router,
            label: "the routes of a plain router".to_owned(),
            sources: Sources::default(),
        });
        cors
    }
}

impl From<CorsRouter> for Router {
    #[track_caller]
    fn from(router: CorsRouter) -> Self {
        router.into_router()
    }
}

/// `axum::serve(listener, app)` with a `CorsRouter`: it is built into its
/// `Router` as [`CorsRouter::into_router`] builds it, once, for the first
/// connection. Where that would fail (a route refers to a named policy that
/// is not defined), the failure is an `error` event and those routes are
/// refused: call `try_into_router` to handle it at start-up instead.
impl<T> Service<T> for CorsRouter {
    type Response = Router;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Router, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _target: T) -> Self::Future {
        let served = match &self.served {
            Some(served) => served.clone(),
            None => {
                let router = std::mem::take(self);
                let problems = router.check();
                if !problems.is_empty() {
                    let error = PoliciesError::new(problems);
                    tracing::error!(target: "route_cors", "{error}");
                }
                let served = router.build_checked();
                self.served = Some(served.clone());
                served
            }
        };
        std::future::ready(Ok(served))
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
        let paths: Vec<&str> = self
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Path(entry) => Some(entry.path.as_str()),
                _ => None,
            })
            .collect();
        f.debug_struct("CorsRouter")
            .field("paths", &paths)
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

/// A nested route's full path, as axum joins it.
fn nested_path(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        path.to_owned()
    } else if prefix.ends_with('/') {
        format!("{prefix}{}", path.trim_start_matches('/'))
    } else if path == "/" {
        prefix.to_owned()
    } else {
        format!("{prefix}{path}")
    }
}
