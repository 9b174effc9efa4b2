//! route-cors in an axum app as axum users write them: a fallback or a
//! static-files service added to the returned `Router`, modules merged and
//! nested both ways, middleware on one method of a path, a route kept free
//! of CORS, run-time policies set in either order, and a `CorsRouter`
//! served as it is.

#[path = "support/captured.rs"]
mod captured;
#[path = "support/client.rs"]
mod client;
#[path = "support/oneshot.rs"]
mod oneshot;

use std::convert::Infallible;

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use captured::Captured;
use http::{HeaderValue, StatusCode};
use oneshot::{assert_cors, body_text, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, CorsRouter, Policies, Policy, PolicySet};

const APP: &str = "https://app.example.com";
const ADMIN: &str = "https://admin.example.com";
const GLOBAL: &str = "https://global.example.com";
const OTHER: &str = "https://other.example.com";

#[cors(origins = ["https://app.example.com"], methods = [GET])]
async fn list() -> &'static str {
    "list"
}

#[cors(origins = ["https://admin.example.com"], methods = [GET, POST], headers = ["authorization"], credentials)]
async fn create() -> &'static str {
    "created"
}

#[cors(origins = ["https://admin.example.com"], methods = [GET])]
async fn admin_list() -> &'static str {
    "admin list"
}

#[cors(policy = "partner")]
async fn partner() -> &'static str {
    "partner"
}

fn policy(origin: &str) -> Policy {
    Policy::builder().origins([origin]).build().unwrap()
}

fn get_from(path: &str, origin: &str) -> http::Request<Body> {
    http::Request::get(path)
        .header("origin", origin)
        .body(Body::empty())
        .unwrap()
}

fn granted(origin: &str) -> [(&str, &str); 2] {
    [("access-control-allow-origin", origin), ("vary", "origin")]
}

async fn not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "the app's 404")
}

/// A static-files service as `ServeDir` is one: a `Service` that answers
/// every path.
#[derive(Clone)]
struct Files;

impl tower::Service<Request> for Files {
    type Response = Response;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Response, Infallible>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Infallible>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        std::future::ready(Ok(format!("file {}", req.uri().path()).into_response()))
    }
}

fn module() -> CorsRouter {
    CorsRouter::new()
        .route("/list", route_cors::get(list))
        .default_policy(policy(GLOBAL))
}

#[tokio::test]
async fn routes_keep_their_policy_after_a_fallback_is_added_to_the_returned_router() {
    let app = module().into_router().fallback(not_found);
    let res = send(app.clone(), get_from("/list", APP)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &granted(APP));
    assert_eq!(body_text(res).await, "list");
    let res = send(
        app.clone(),
        preflight("/list", APP, "GET").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(res.headers().get("allow").is_none());
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "GET"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
    // The fallback added afterwards is outside CORS: the default's origin
    // gets nothing there.
    let res = send(app, get_from("/nowhere", GLOBAL)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_cors(&res, &[]);
    assert_eq!(body_text(res).await, "the app's 404");
}

#[tokio::test]
async fn routes_keep_their_policy_whatever_is_added_to_the_returned_router() {
    let app = module()
        .into_router()
        .fallback_service(Files)
        .route("/added", get(|| async { "added" }))
        .merge(Router::new().route("/merged", get(|| async { "merged" })))
        .nest(
            "/nested",
            Router::new().route("/x", get(|| async { "nested" })),
        )
        .layer(middleware::map_response(|mut res: Response| async move {
            res.headers_mut()
                .insert("x-outer", HeaderValue::from_static("1"));
            res
        }));
    let res = send(app.clone(), get_from("/list", APP)).await;
    assert_cors(&res, &granted(APP));
    assert_eq!(res.headers()["x-outer"], "1");
    assert_eq!(body_text(res).await, "list");
    let res = send(app.clone(), get_from("/list", GLOBAL)).await;
    assert_cors(&res, &[("vary", "origin")]);
    // What was added after `into_router` is outside CORS.
    for (path, body) in [
        ("/added", "added"),
        ("/merged", "merged"),
        ("/nested/x", "nested"),
        ("/app.js", "file /app.js"),
    ] {
        let res = send(app.clone(), get_from(path, GLOBAL)).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_cors(&res, &[]);
        assert_eq!(body_text(res).await, body);
    }
}

#[tokio::test]
async fn a_fallback_service_on_the_cors_router_is_decided_by_the_default() {
    let app = module().fallback_service(Files).into_router();
    let res = send(app.clone(), get_from("/index.html", GLOBAL)).await;
    assert_cors(&res, &granted(GLOBAL));
    assert_eq!(body_text(res).await, "file /index.html");
    let res = send(app.clone(), get_from("/index.html", APP)).await;
    assert_cors(&res, &[("vary", "origin")]);
    let res = send(
        app,
        preflight("/index.html", GLOBAL, "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(res.headers().get("allow").is_none());
}

fn admin_module() -> CorsRouter {
    CorsRouter::new()
        .route(
            "/admin/list",
            route_cors::get(admin_list).post(route_cors::plain(|| async { "posted" })),
        )
        .default_policy(policy(OTHER))
}

/// Each module's default decides its own routes' methods without a
/// policy; axum keeps the fallback of the router merged last, so the last
/// module's default decides the paths that match no route.
#[tokio::test]
async fn cors_routers_merge_into_a_plain_router_each_route_keeping_its_policy() {
    let app = Router::new()
        .merge(module().route("/items", get(|| async { "items" })))
        .merge(admin_module());
    let res = send(app.clone(), get_from("/list", APP)).await;
    assert_cors(&res, &granted(APP));
    let res = send(app.clone(), get_from("/admin/list", ADMIN)).await;
    assert_cors(&res, &granted(ADMIN));
    let res = send(app.clone(), get_from("/admin/list", APP)).await;
    assert_cors(&res, &[("vary", "origin")]);
    // Plain methods: each module's own default.
    let res = send(app.clone(), get_from("/items", GLOBAL)).await;
    assert_cors(&res, &granted(GLOBAL));
    let req = http::Request::post("/admin/list")
        .header("origin", OTHER)
        .body(Body::empty())
        .unwrap();
    let res = send(app.clone(), req).await;
    assert_cors(&res, &granted(OTHER));
    let req = http::Request::post("/admin/list")
        .header("origin", GLOBAL)
        .body(Body::empty())
        .unwrap();
    let res = send(app.clone(), req).await;
    assert_cors(&res, &[("vary", "origin")]);
    // Paths that match no route: the module merged last.
    let res = send(app.clone(), get_from("/nowhere", OTHER)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_cors(&res, &granted(OTHER));
    let res = send(app, get_from("/nowhere", GLOBAL)).await;
    assert_cors(&res, &[("vary", "origin")]);
}

#[tokio::test]
async fn cors_routers_nest_into_a_plain_router_each_route_keeping_its_policy() {
    let app = Router::new()
        .nest("/v1", module().into_router())
        .nest("/v2", admin_module().into_router());
    let res = send(app.clone(), get_from("/v1/list", APP)).await;
    assert_cors(&res, &granted(APP));
    assert_eq!(body_text(res).await, "list");
    let res = send(app.clone(), get_from("/v2/admin/list", ADMIN)).await;
    assert_cors(&res, &granted(ADMIN));
    let res = send(
        app,
        preflight("/v2/admin/list", ADMIN, "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(res.headers().get("allow").is_none());
}

/// route-cors cannot see a plain router's methods: the default decides
/// every one, and a preflight answer for one of its routes carries axum's
/// `Allow` (never on routes registered with `CorsRouter::route`).
#[tokio::test]
async fn a_plain_router_merged_into_a_cors_router_is_decided_by_the_default() {
    let health: Router = Router::new().route("/health", get(|| async { "ok" }));
    let app = module().merge(health).into_router();
    let res = send(app.clone(), get_from("/health", GLOBAL)).await;
    assert_cors(&res, &granted(GLOBAL));
    assert_eq!(body_text(res).await, "ok");
    let res = send(app.clone(), get_from("/health", APP)).await;
    assert_cors(&res, &[("vary", "origin")]);
    let res = send(
        app.clone(),
        preflight("/health", GLOBAL, "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()["allow"], "GET,HEAD");
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", GLOBAL),
            ("access-control-allow-methods", "GET"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
    let res = send(
        app,
        preflight("/list", APP, "GET").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(res.headers().get("allow").is_none());
}

#[tokio::test]
async fn a_plain_router_nested_into_a_cors_router_is_decided_by_the_default() {
    let legacy: Router = Router::new().route("/old", get(|| async { "old" }));
    let app = module().nest("/legacy", legacy).into_router();
    let res = send(app.clone(), get_from("/legacy/old", GLOBAL)).await;
    assert_cors(&res, &granted(GLOBAL));
    assert_eq!(body_text(res).await, "old");
    let res = send(app, get_from("/legacy/old", APP)).await;
    assert_cors(&res, &[("vary", "origin")]);
}

async fn require_token(req: Request, next: Next) -> Response {
    if req.headers().contains_key("authorization") {
        next.run(req).await
    } else {
        (StatusCode::UNAUTHORIZED, "unauthorized").into_response()
    }
}

/// `route_layer` on a `CorsRoute` covers the methods added before it, as
/// on axum's `MethodRouter`: the `POST` needs a token, the `GET` is public,
/// and the auth check never sees a preflight.
#[tokio::test]
async fn a_route_layer_on_one_method_guards_that_method_only() {
    let app = CorsRouter::new()
        .route(
            "/users",
            route_cors::post(create)
                .route_layer(middleware::from_fn(require_token))
                .get(list),
        )
        .into_router();
    let req = http::Request::post("/users")
        .header("origin", ADMIN)
        .body(Body::empty())
        .unwrap();
    let res = send(app.clone(), req).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", ADMIN),
            ("access-control-allow-credentials", "true"),
            ("vary", "origin"),
        ],
    );
    let req = http::Request::post("/users")
        .header("origin", ADMIN)
        .header("authorization", "Bearer x")
        .body(Body::empty())
        .unwrap();
    assert_eq!(body_text(send(app.clone(), req).await).await, "created");
    let res = send(app.clone(), get_from("/users", APP)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &granted(APP));
    let res = send(
        app,
        preflight("/users", ADMIN, "POST")
            .header("access-control-request-headers", "authorization")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(body_text(res).await, "");
}

async fn mark(mut res: Response) -> Response {
    res.headers_mut()
        .insert("x-layer", HeaderValue::from_static("1"));
    res
}

/// `layer` also wraps the path's method fallback (the `405`), as
/// `MethodRouter::layer` does; `route_layer` does not.
#[tokio::test]
async fn a_cors_route_layer_wraps_the_method_fallback_and_a_route_layer_does_not() {
    let app = CorsRouter::new()
        .route(
            "/a",
            route_cors::get(list).layer(middleware::map_response(mark)),
        )
        .route(
            "/b",
            route_cors::get(list).route_layer(middleware::map_response(mark)),
        )
        .into_router();
    for (path, marked) in [("/a", true), ("/b", false)] {
        let res = send(app.clone(), get_from(path, APP)).await;
        assert_eq!(res.headers()["x-layer"], "1");
        let req = http::Request::patch(path).body(Body::empty()).unwrap();
        let res = send(app.clone(), req).await;
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(res.headers().contains_key("x-layer"), marked, "{path}");
    }
}

fn partner_set(with_default: bool) -> Policies {
    let set = PolicySet::new()
        .with_policy("partner", policy("https://partner.example.com"))
        .unwrap();
    Policies::new(if with_default {
        set.with_default(policy(OTHER))
    } else {
        set
    })
}

fn with_partner() -> CorsRouter {
    CorsRouter::new()
        .route("/partner", route_cors::get(partner))
        .route("/plain", get(|| async { "plain" }))
}

#[tokio::test]
async fn default_policy_and_policies_both_hold_in_either_order() {
    for app in [
        with_partner()
            .default_policy(policy(GLOBAL))
            .policies(partner_set(false)),
        with_partner()
            .policies(partner_set(false))
            .default_policy(policy(GLOBAL)),
    ] {
        let app = app.into_router();
        let res = send(app.clone(), get_from("/plain", GLOBAL)).await;
        assert_cors(&res, &granted(GLOBAL));
        let res = send(app, get_from("/partner", "https://partner.example.com")).await;
        assert_cors(&res, &granted("https://partner.example.com"));
    }
}

#[test]
fn a_default_from_default_policy_and_from_the_set_fails_to_build() {
    let built = with_partner()
        .default_policy(policy(GLOBAL))
        .policies(partner_set(true))
        .try_into_router();
    let error = built.expect_err("two defaults are refused");
    assert_eq!(
        error.to_string(),
        "invalid CORS policies: two default policies: one from `default_policy(..)` and the \
         `default` of the set given to `policies(..)`; keep one of them"
    );
}

/// A nested router's `default_policy` decides its plain routes; its named
/// routes still find their policy in the set the outer router was given.
#[tokio::test]
async fn a_nested_routers_default_leaves_named_policies_to_the_outer_set() {
    let app = CorsRouter::new()
        .nest("/api", with_partner().default_policy(policy(OTHER)))
        .policies(partner_set(false))
        .into_router();
    let res = send(
        app.clone(),
        get_from("/api/partner", "https://partner.example.com"),
    )
    .await;
    assert_cors(&res, &granted("https://partner.example.com"));
    let res = send(app, get_from("/api/plain", OTHER)).await;
    assert_cors(&res, &granted(OTHER));
}

/// A route added to the returned `Router` is outside CORS: no grant, not
/// even the default's, and its preflight is the app's to answer.
#[tokio::test]
async fn a_route_added_after_into_router_is_free_of_cors() {
    let app = module()
        .into_router()
        .route("/webhook", get(|| async { "hook" }));
    let res = send(app.clone(), get_from("/webhook", GLOBAL)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[]);
    let res = send(
        app,
        preflight("/webhook", GLOBAL, "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "GET,HEAD");
    assert_cors(&res, &[]);
}

#[tokio::test]
async fn axum_serve_serves_a_cors_router_as_it_is() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, module()).await });
    for _ in 0..2 {
        let answer = client::send(
            http::Request::get(format!("http://{addr}/list"))
                .header("origin", APP)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK);
        answer.assert_cors(&granted(APP));
        assert_eq!(answer.body, "list");
    }
    server.abort();
}

#[test]
fn a_named_policy_no_route_uses_is_reported_once_with_a_did_you_mean() {
    let set = PolicySet::new()
        .with_policy("partner", policy("https://partner.example.com"))
        .unwrap()
        .with_policy("partnres", policy("https://partner.example.com"))
        .unwrap()
        .with_policy("audit", policy("https://audit.example.com"))
        .unwrap();
    let app = with_partner().policies(Policies::new(set));
    let described = app.describe();
    assert!(
        described.ends_with(
            "named policy `audit` is used by no route\n\
             named policy `partnres` is used by no route (did you mean `partner`?)\n"
        ),
        "{described}"
    );
    let captured = Captured::start(tracing::Level::INFO);
    let _app = app.into_router();
    let log = captured.text();
    assert_eq!(
        log,
        " WARN route_cors: named policy `audit` is used by no route\n \
         WARN route_cors: named policy `partnres` is used by no route (did you mean `partner`?)\n"
    );
}

#[cors(policy = "missing")]
async fn named_fallback() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "none")
}

/// A fallback that names a run-time policy is checked like a route.
#[test]
fn a_fallback_naming_an_undefined_policy_fails_to_build() {
    let nested = CorsRouter::new()
        .route("/list", route_cors::get(list))
        .fallback(named_fallback);
    let error = CorsRouter::new()
        .nest("/api", nested)
        .policies(partner_set(false))
        .try_into_router()
        .expect_err("the fallback's policy is not defined");
    assert_eq!(
        error.to_string(),
        "invalid CORS policies: no policy named `missing`, which the fallback under /api refers \
         to with #[cors(policy = \"missing\")]"
    );
}

#[cors(origins = ["https://app.example.com"])]
async fn api_not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "no such api")
}

/// The debug mode is the outermost router's, for every path: a nested
/// router's fallback answers a refused preflight with the grants so far.
#[tokio::test]
async fn the_debug_mode_of_the_outermost_router_covers_nested_fallbacks() {
    let nested = CorsRouter::new()
        .route("/list", route_cors::get(list))
        .fallback(api_not_found);
    let app = CorsRouter::new()
        .nest("/api", nested)
        .debug_mode(true)
        .into_router();
    let req = preflight("/api/nope", APP, "GET")
        .header("access-control-request-headers", "x-foo")
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "GET"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}
