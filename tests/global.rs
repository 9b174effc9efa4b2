//! The default policy (`CorsRouter`'s docs and the guide's "middleware" page): it applies to every route and
//! method without a `#[cors]` policy, defers to those that have one, for
//! preflights and actual requests alike, under the middleware people stack.

#[path = "support/oneshot.rs"]
mod oneshot;

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use http::{HeaderValue, StatusCode};
use oneshot::{assert_cors, body_text, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, plain, CorsRouter, Policy};
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

const GLOBAL: &str = "https://global.example.com";
const APP: &str = "https://app.example.com";

#[derive(Clone)]
struct AppState(&'static str);

#[cors(origins = ["https://app.example.com"], methods = [GET], credentials)]
async fn users(State(AppState(name)): State<AppState>) -> &'static str {
    name
}

async fn delete_users() -> &'static str {
    "deleted"
}

async fn plain_get() -> &'static str {
    "plain"
}

fn default_policy() -> Policy {
    Policy::builder()
        .origins([GLOBAL])
        .methods(["GET", "POST", "DELETE"])
        .headers(["content-type"])
        .build()
        .expect("the test's default policy is valid")
}

fn routes() -> CorsRouter<AppState> {
    CorsRouter::new()
        .route("/users", route_cors::get(users).delete(plain(delete_users)))
        .route(
            "/plain",
            get(plain_get).post(|body: String| async move { body }),
        )
}

async fn require_token(req: Request, next: Next) -> Result<Response, StatusCode> {
    match req.headers().get("x-token") {
        Some(token) if token == "secret" => Ok(next.run(req).await),
        _ => Err(StatusCode::UNAUTHORIZED),
    }
}

/// The same routes under each middleware combination, the default set on
/// the app.
fn stacks() -> Vec<(&'static str, Router)> {
    let state = AppState("users");
    #[allow(deprecated)]
    let timeout =
        || TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(5));
    let finish = |app: CorsRouter<AppState>| {
        app.default_policy(default_policy())
            .with_state(state.clone())
            .into_router()
    };
    vec![
        ("bare", finish(routes())),
        ("trace", finish(routes().layer(TraceLayer::new_for_http()))),
        (
            "compression",
            finish(routes().layer(CompressionLayer::new())),
        ),
        ("timeout", finish(routes().layer(timeout()))),
        (
            "auth",
            finish(routes().route_layer(middleware::from_fn(require_token))),
        ),
        ("nest", finish(CorsRouter::new().nest("/v1", routes()))),
        ("merge", finish(CorsRouter::new().merge(routes()))),
        (
            "all together",
            finish(
                CorsRouter::new()
                    .nest("/v1", routes())
                    .merge(routes())
                    .route_layer(middleware::from_fn(require_token))
                    .layer(CompressionLayer::new())
                    .layer(timeout())
                    .layer(TraceLayer::new_for_http()),
            ),
        ),
        (
            "trace outside",
            finish(routes()).layer(TraceLayer::new_for_http()),
        ),
    ]
}

fn path(stack: &str, path: &str) -> String {
    if stack == "nest" {
        format!("/v1{path}")
    } else {
        path.to_owned()
    }
}

fn actual(method: &str, uri: &str, origin: &str) -> http::Request<Body> {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .header("origin", origin)
        .header("x-token", "secret")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn route_without_policy_gets_exactly_the_default_on_actual_requests() {
    for (stack, app) in stacks() {
        let res = send(app.clone(), actual("GET", &path(stack, "/plain"), GLOBAL)).await;
        assert_eq!(res.status(), StatusCode::OK, "{stack}");
        assert_cors(
            &res,
            &[("access-control-allow-origin", GLOBAL), ("vary", "origin")],
        );
        let res = send(app, actual("GET", &path(stack, "/plain"), APP)).await;
        assert_cors(&res, &[("vary", "origin")]);
    }
}

#[tokio::test]
async fn route_without_policy_gets_exactly_the_default_on_preflights() {
    for (stack, app) in stacks() {
        let req = preflight(&path(stack, "/plain"), GLOBAL, "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap();
        let res = send(app.clone(), req).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{stack}");
        assert_cors(
            &res,
            &[
                ("access-control-allow-origin", GLOBAL),
                ("access-control-allow-methods", "POST"),
                ("access-control-allow-headers", "content-type"),
                ("vary", PREFLIGHT_VARY),
            ],
        );
        let req = preflight(&path(stack, "/plain"), APP, "POST")
            .body(Body::empty())
            .unwrap();
        let res = send(app, req).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{stack}");
        assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
    }
}

#[tokio::test]
async fn route_with_policy_gets_exactly_its_own_on_actual_requests() {
    for (stack, app) in stacks() {
        let res = send(app.clone(), actual("GET", &path(stack, "/users"), APP)).await;
        assert_eq!(res.status(), StatusCode::OK, "{stack}");
        assert_cors(
            &res,
            &[
                ("access-control-allow-origin", APP),
                ("access-control-allow-credentials", "true"),
                ("vary", "origin"),
            ],
        );
        // The default's origin is not the route's: no grant.
        let res = send(app, actual("GET", &path(stack, "/users"), GLOBAL)).await;
        assert_cors(&res, &[("vary", "origin")]);
    }
}

#[tokio::test]
async fn route_with_policy_gets_exactly_its_own_on_preflights() {
    for (stack, app) in stacks() {
        let req = preflight(&path(stack, "/users"), APP, "GET")
            .body(Body::empty())
            .unwrap();
        let res = send(app.clone(), req).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{stack}");
        assert_cors(
            &res,
            &[
                ("access-control-allow-origin", APP),
                ("access-control-allow-credentials", "true"),
                ("access-control-allow-methods", "GET"),
                ("vary", PREFLIGHT_VARY),
            ],
        );
        let req = preflight(&path(stack, "/users"), GLOBAL, "GET")
            .body(Body::empty())
            .unwrap();
        let res = send(app, req).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{stack}");
        assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
    }
}

#[tokio::test]
async fn plain_handler_on_a_path_with_policies_gets_the_default() {
    for (stack, app) in stacks() {
        let req = preflight(&path(stack, "/users"), GLOBAL, "DELETE")
            .body(Body::empty())
            .unwrap();
        let res = send(app.clone(), req).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{stack}");
        assert_cors(
            &res,
            &[
                ("access-control-allow-origin", GLOBAL),
                ("access-control-allow-methods", "DELETE"),
                ("vary", PREFLIGHT_VARY),
            ],
        );
        let res = send(app, actual("DELETE", &path(stack, "/users"), GLOBAL)).await;
        assert_eq!(res.status(), StatusCode::OK, "{stack}");
        assert_cors(
            &res,
            &[("access-control-allow-origin", GLOBAL), ("vary", "origin")],
        );
    }
}

#[tokio::test]
async fn default_methods_are_the_safelisted_ones() {
    let policy = Policy::builder().origins([GLOBAL]).build().unwrap();
    let app: Router = CorsRouter::new()
        .route("/plain", get(plain_get))
        .default_policy(policy)
        .into_router();
    let req = preflight("/plain", GLOBAL, "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(app.clone(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // Only the requested method is named: browsers cache it per URL.
    assert_eq!(res.headers()["access-control-allow-methods"], "GET");
    for (method, status) in [
        ("HEAD", StatusCode::NO_CONTENT),
        ("POST", StatusCode::NO_CONTENT),
        ("PUT", StatusCode::FORBIDDEN),
    ] {
        let req = preflight("/plain", GLOBAL, method)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(app.clone(), req).await.status(), status, "{method}");
    }
}

/// The returned `Router` is a plain one: tower layers wrap it as any
/// other, outside CORS, and the decision below is the same.
#[tokio::test]
async fn the_returned_router_wrapped_in_a_tower_layer_decides_the_same() {
    let router: Router = routes()
        .default_policy(default_policy())
        .with_state(AppState("users"))
        .into_router();
    let app = tower::ServiceBuilder::new()
        .layer(TraceLayer::new_for_http())
        .service(router);
    let req = preflight("/plain", GLOBAL, "GET")
        .body(Body::empty())
        .unwrap();
    let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()["access-control-allow-origin"], GLOBAL);
    let req = preflight("/users", APP, "GET").body(Body::empty()).unwrap();
    let res = tower::ServiceExt::oneshot(app, req).await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()["access-control-allow-origin"], APP);
}

#[tokio::test]
async fn handler_cors_headers_on_a_plain_route_are_replaced_by_the_default() {
    let app: Router = CorsRouter::new()
        .route(
            "/plain",
            get(|| async { ([("access-control-allow-origin", "*")], "plain") }),
        )
        .default_policy(default_policy())
        .into_router();
    let res = send(app.clone(), actual("GET", "/plain", "https://evil.example")).await;
    assert_cors(&res, &[("vary", "origin")]);
    let res = send(app, actual("GET", "/plain", GLOBAL)).await;
    assert_cors(
        &res,
        &[("access-control-allow-origin", GLOBAL), ("vary", "origin")],
    );
}

/// An authentication route layer never sees a preflight (it would refuse
/// it: a preflight carries no credentials), so no `ExceptPreflight`-style
/// escape is needed.
#[tokio::test]
async fn an_auth_route_layer_does_not_refuse_preflights() {
    let app = routes()
        .route_layer(middleware::from_fn(require_token))
        .default_policy(default_policy())
        .with_state(AppState("users"))
        .into_router();
    let req = preflight("/users", APP, "GET").body(Body::empty()).unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn an_auth_route_layer_still_guards_actual_requests() {
    let app = routes()
        .route_layer(middleware::from_fn(require_token))
        .with_state(AppState("users"))
        .into_router();
    let req = http::Request::get("/users")
        .header("origin", APP)
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-credentials", "true"),
            ("vary", "origin"),
        ],
    );
}

#[tokio::test]
async fn compression_keeps_the_routes_grants_on_the_compressed_body() {
    let app: Router = CorsRouter::new()
        .route("/big", route_cors::get(big))
        .layer(CompressionLayer::new())
        .default_policy(default_policy())
        .into_router();
    let res = send(app, actual("GET", "/big", APP)).await;
    assert_eq!(res.headers()["content-encoding"], "gzip");
    // CompressionLayer adds its own `Vary` line, and route-cors, outside it,
    // adds `origin` to it; two lines would mean the same (RFC 9110, 5.3).
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", APP),
            ("vary", "accept-encoding, origin"),
        ],
    );
}

#[cors(origins = ["https://app.example.com"])]
async fn big() -> String {
    "x".repeat(4096)
}

mod tower_http_cors_layer {
    //! tower-http's `CorsLayer` stacked above route-cors: it wins, and the
    //! route's own policy is lost. Use `CorsRouter::default_policy` instead.

    use super::*;
    use tower_http::cors::CorsLayer;

    fn app() -> Router {
        routes().with_state(AppState("users")).into_router().layer(
            CorsLayer::new()
                .allow_origin(HeaderValue::from_static(GLOBAL))
                .allow_methods([http::Method::GET]),
        )
    }

    #[tokio::test]
    async fn cors_layer_answers_every_preflight_itself_and_route_policies_are_never_asked() {
        // The route allows APP for GET; CorsLayer answers the preflight with
        // its own policy, which names GLOBAL, so a browser at APP fails.
        let req = preflight("/users", APP, "GET").body(Body::empty()).unwrap();
        let res = send(app(), req).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_cors(
            &res,
            &[
                ("access-control-allow-origin", GLOBAL),
                ("access-control-allow-methods", "GET"),
            ],
        );
    }

    #[tokio::test]
    async fn cors_layer_overwrites_the_routes_allow_origin_on_actual_responses() {
        // The route granted APP with credentials; CorsLayer then overwrote
        // Access-Control-Allow-Origin with its own value and left the
        // route's Access-Control-Allow-Credentials: a mix of two policies.
        let res = send(app(), actual("GET", "/users", APP)).await;
        assert_cors(
            &res,
            &[
                ("access-control-allow-origin", GLOBAL),
                ("access-control-allow-credentials", "true"),
                ("vary", "origin"),
            ],
        );
        assert_eq!(body_text(res).await, "users");
    }
}
