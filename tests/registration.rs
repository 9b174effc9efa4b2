//! Registration (`CorsRouter`'s docs and the guide's "middleware" page): each handler named once, reading like
//! axum; several policies on one path; plain handlers and plain axum
//! `MethodRouter`s beside them; `State`, `nest`, `merge`, `nest_service`,
//! `fallback`; paths matched as axum matches them; `OPTIONS` that is not a
//! preflight gets what it would get without route-cors.

#[path = "support/oneshot.rs"]
mod oneshot;

use axum::body::Body;
use axum::extract::{Json, Path, State};
use axum::routing::{get, post};
use axum::Router;
use http::StatusCode;
use oneshot::{assert_cors, body_text, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, plain, CorsRoute, CorsRouter, Policy};
use serde::{Deserialize, Serialize};

const APP: &str = "https://app.example.com";
const ADMIN: &str = "https://admin.example.com";
const GLOBAL: &str = "https://global.example.com";

#[derive(Clone, Default)]
struct AppState {
    greeting: &'static str,
}

#[cors(origins = ["https://app.example.com"], methods = [GET])]
async fn greet(State(state): State<AppState>) -> &'static str {
    state.greeting
}

#[derive(Deserialize, Serialize)]
struct User {
    name: String,
}

#[cors(origins = ["https://admin.example.com"], methods = [POST], headers = ["content-type"])]
async fn create(State(state): State<AppState>, Json(user): Json<User>) -> String {
    format!("{} {}", state.greeting, user.name)
}

#[cors(origins = ["https://app.example.com"], methods = [PUT])]
async fn put_item(Path(id): Path<u32>) -> String {
    format!("item {id}")
}

#[cors(origins = ["https://app.example.com"])]
async fn item(Path(id): Path<String>) -> String {
    format!("item {id}")
}

async fn delete_plain() -> &'static str {
    "deleted"
}

async fn options_plain() -> &'static str {
    "my own options"
}

fn users() -> CorsRoute<AppState> {
    route_cors::get(greet)
        .post(create)
        .delete(plain(delete_plain))
}

fn state() -> AppState {
    AppState { greeting: "hello" }
}

fn default_policy() -> Policy {
    Policy::builder()
        .origins([GLOBAL])
        .methods(["GET", "POST"])
        .build()
        .expect("the test's default policy is valid")
}

fn get_from(path: &str, origin: &str) -> http::Request<Body> {
    http::Request::get(path)
        .header("origin", origin)
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn state_extractor_works_through_with_state() {
    let app = CorsRouter::new()
        .route("/users", users())
        .with_state(state())
        .into_router();
    let res = send(app, get_from("/users", APP)).await;
    assert_cors(
        &res,
        &[("access-control-allow-origin", APP), ("vary", "origin")],
    );
    assert_eq!(body_text(res).await, "hello");
}

#[tokio::test]
async fn json_and_state_extractors_run_under_a_policy() {
    let app = CorsRouter::new()
        .route("/users", users())
        .with_state(state())
        .into_router();
    let req = http::Request::post("/users")
        .header("origin", ADMIN)
        .header("content-type", "application/json")
        .body(Body::from(r#"{"name":"ada"}"#))
        .unwrap();
    let res = send(app, req).await;
    assert_cors(
        &res,
        &[("access-control-allow-origin", ADMIN), ("vary", "origin")],
    );
    assert_eq!(body_text(res).await, "hello ada");
}

#[tokio::test]
async fn plain_handler_on_a_policied_path_without_a_default_gets_no_grant() {
    let app = CorsRouter::new()
        .route("/users", users())
        .with_state(state())
        .into_router();
    // From the page's own origin the handler runs, without a grant.
    let req = http::Request::delete("/users")
        .header("origin", APP)
        .header("host", "app.example.com")
        .body(Body::empty())
        .unwrap();
    let res = send(app.clone(), req).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[]);
    assert_eq!(body_text(res).await, "deleted");
    // From another origin nothing grants the write: refused.
    let req = http::Request::delete("/users")
        .header("origin", APP)
        .header("host", "api.example.com")
        .body(Body::empty())
        .unwrap();
    let res = send(app.clone(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", "origin")]);
    assert_eq!(
        body_text(res).await,
        "cross-origin write refused: method DELETE not allowed"
    );
    // Its preflight is refused, even for an origin that GET allows.
    let res = send(
        app,
        preflight("/users", APP, "DELETE")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
}

#[tokio::test]
async fn nested_routes_keep_their_policies_under_the_full_path() {
    let api = CorsRouter::new().route("/users", users());
    let app = CorsRouter::new()
        .nest("/api", api)
        .with_state(state())
        .into_router();
    let req = preflight("/api/users", ADMIN, "POST")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .unwrap();
    let res = send(app.clone(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", ADMIN),
            ("access-control-allow-methods", "POST"),
            ("access-control-allow-headers", "content-type"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
    let res = send(app.clone(), get_from("/api/users", APP)).await;
    assert_cors(
        &res,
        &[("access-control-allow-origin", APP), ("vary", "origin")],
    );
    // The path without its prefix is no route: nothing decides it.
    let res = send(app, get_from("/users", APP)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_cors(&res, &[]);
}

#[tokio::test]
async fn nesting_at_the_root_of_a_nested_router_joins_paths_as_axum_does() {
    let api = CorsRouter::new()
        .route("/", route_cors::get(greet))
        .route("/{id}", route_cors::get(item));
    let app = CorsRouter::new()
        .nest("/v1", api)
        .with_state(state())
        .into_router();
    let res = send(app.clone(), get_from("/v1", APP)).await;
    assert_eq!(body_text_of(res, APP).await, "hello");
    let res = send(app, get_from("/v1/7", APP)).await;
    assert_eq!(body_text_of(res, APP).await, "item 7");
}

/// The body, after checking that `origin` was granted.
async fn body_text_of(res: http::Response<Body>, origin: &str) -> String {
    assert_cors(
        &res,
        &[("access-control-allow-origin", origin), ("vary", "origin")],
    );
    body_text(res).await
}

#[tokio::test]
async fn merged_routers_keep_their_policies() {
    let items = CorsRouter::new().route("/items/{id}", route_cors::put(put_item));
    let app = CorsRouter::new()
        .route("/users", users())
        .merge(items)
        .with_state(state())
        .into_router();
    let req = http::Request::put("/items/9")
        .header("origin", APP)
        .body(Body::empty())
        .unwrap();
    let res = send(app.clone(), req).await;
    assert_eq!(body_text_of(res, APP).await, "item 9");
    let req = preflight("/users", APP, "GET").body(Body::empty()).unwrap();
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

#[tokio::test]
async fn a_plain_method_router_is_registered_beside_cors_routes_and_gets_the_default() {
    let app = CorsRouter::new()
        .route("/users", users())
        .route("/plain", get(|| async { "plain" }))
        .default_policy(default_policy())
        .with_state(state())
        .into_router();
    let res = send(app.clone(), get_from("/plain", GLOBAL)).await;
    assert_eq!(body_text_of(res, GLOBAL).await, "plain");
    let res = send(app, get_from("/plain", APP)).await;
    assert_cors(&res, &[("vary", "origin")]);
}

#[tokio::test]
async fn a_path_given_twice_merges_its_methods_as_axum_does() {
    let app = CorsRouter::new()
        .route("/things", route_cors::get(item_free))
        .route("/things", post(|| async { "posted" }))
        .default_policy(default_policy())
        .into_router();
    let res = send(app.clone(), get_from("/things", APP)).await;
    assert_eq!(body_text_of(res, APP).await, "thing");
    let req = http::Request::post("/things")
        .header("origin", GLOBAL)
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(body_text_of(res, GLOBAL).await, "posted");
}

/// A plain `/items/special` beside a policied `/items/{id}`: the table
/// matches as axum does, so each path gets its own route's decision.
#[tokio::test]
async fn a_static_path_beside_a_parameter_is_matched_as_axum_matches_it() {
    let app = CorsRouter::new()
        .route("/items/{id}", route_cors::get(item))
        .route("/items/special", get(|| async { "special" }))
        .default_policy(default_policy())
        .into_router();
    let res = send(app.clone(), get_from("/items/7", APP)).await;
    assert_eq!(body_text_of(res, APP).await, "item 7");
    let res = send(app.clone(), get_from("/items/special", GLOBAL)).await;
    assert_eq!(body_text_of(res, GLOBAL).await, "special");
    // The plain route is not judged by its neighbour's policy.
    let res = send(app, get_from("/items/special", APP)).await;
    assert_cors(&res, &[("vary", "origin")]);
}

#[tokio::test]
async fn a_nested_plain_service_gets_the_default() {
    let legacy: Router = Router::new().route("/old", get(|| async { "old" }));
    let app = CorsRouter::new()
        .route("/items/{id}", route_cors::get(item))
        .nest_service("/legacy", legacy)
        .default_policy(default_policy())
        .into_router();
    let res = send(app.clone(), get_from("/legacy/old", GLOBAL)).await;
    assert_eq!(body_text_of(res, GLOBAL).await, "old");
    let res = send(app, get_from("/legacy/old", APP)).await;
    assert_cors(&res, &[("vary", "origin")]);
}

#[cors(origins = ["https://app.example.com"])]
async fn not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "nothing here")
}

#[tokio::test]
async fn a_fallback_with_a_policy_decides_paths_that_match_no_route() {
    let app = CorsRouter::new()
        .route("/items/{id}", route_cors::get(item))
        .fallback(not_found)
        .default_policy(default_policy())
        .into_router();
    let res = send(app.clone(), get_from("/nowhere", APP)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(body_text_of(res, APP).await, "nothing here");
    let res = send(app, get_from("/nowhere", GLOBAL)).await;
    assert_cors(&res, &[("vary", "origin")]);
}

#[tokio::test]
async fn a_plain_fallback_leaves_paths_that_match_no_route_to_the_default() {
    let app = CorsRouter::new()
        .route("/items/{id}", route_cors::get(item))
        .fallback(plain(|| async { (StatusCode::NOT_FOUND, "plain 404") }))
        .default_policy(default_policy())
        .into_router();
    let res = send(app, get_from("/nowhere", GLOBAL)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(body_text_of(res, GLOBAL).await, "plain 404");
}

#[tokio::test]
async fn options_that_is_not_a_preflight_gets_axums_405_with_allow() {
    let app = CorsRouter::new()
        .route("/users", users())
        .with_state(state())
        .into_router();
    for req in [
        http::Request::options("/users")
            .body(Body::empty())
            .unwrap(),
        // `Origin` without `Access-Control-Request-Method` is not a preflight.
        http::Request::options("/users")
            .header("origin", APP)
            .body(Body::empty())
            .unwrap(),
    ] {
        let res = send(app.clone(), req).await;
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(res.headers()["allow"], "GET,HEAD,POST,DELETE");
    }
}

#[tokio::test]
async fn options_that_is_not_a_preflight_reaches_the_users_own_options_handler() {
    let app = CorsRouter::new()
        .route(
            "/things",
            route_cors::get(item_free).options(plain(options_plain)),
        )
        .into_router();
    let res = send(
        app.clone(),
        http::Request::options("/things")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body_text(res).await, "my own options");

    let req = preflight("/things", APP, "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(body_text(res).await, "");
}

/// A preflight for a path no policy covers, in an app without a default,
/// goes to the app untouched: here axum's own `405` with `Allow`.
#[tokio::test]
async fn a_preflight_nothing_covers_passes_through_to_the_app() {
    let app = CorsRouter::new()
        .route("/items/{id}", route_cors::get(item))
        .route("/plain", get(|| async { "plain" }))
        .into_router();
    let req = preflight("/plain", APP, "GET").body(Body::empty()).unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "GET,HEAD");
    assert_cors(&res, &[]);
}

#[cors(origins = ["https://app.example.com"])]
async fn item_free() -> &'static str {
    "thing"
}

#[tokio::test]
async fn a_cors_handler_can_be_called_directly() {
    assert_eq!(greet.call(State(state())).await, "hello");
    let body = create
        .call(State(state()), Json(User { name: "bob".into() }))
        .await;
    assert_eq!(body, "hello bob");
}

#[tokio::test]
async fn the_policy_of_a_handler_is_readable() {
    assert!(!greet::policy().credentials());
}

#[test]
#[should_panic(expected = "Overlapping method route")]
fn two_handlers_for_one_method_panic_at_start_up_as_in_axum() {
    let _: CorsRoute<AppState> = route_cors::get(greet).get(greet);
}

#[cors(origins = ["https://admin.example.com"])]
async fn api_not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "no such api")
}

#[cors(origins = "*")]
async fn site_not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "no such page")
}

/// axum gives the paths under a nested router that match none of its routes
/// to that router's fallback; its policy, not the outer fallback's, decides.
#[tokio::test]
async fn a_nested_routers_fallback_decides_the_unmatched_paths_under_its_prefix() {
    let api = CorsRouter::new()
        .route("/items/{id}", route_cors::get(item))
        .fallback(api_not_found);
    let app = CorsRouter::new()
        .nest("/api", api)
        .fallback(site_not_found)
        .into_router();
    let res = send(app.clone(), get_from("/api/nope", ADMIN)).await;
    assert_eq!(body_text_of(res, ADMIN).await, "no such api");
    let res = send(app.clone(), get_from("/api/nope", "https://evil.example")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_cors(&res, &[("vary", "origin")]);
    let res = send(app, get_from("/nope", "https://evil.example")).await;
    assert_cors(
        &res,
        &[("access-control-allow-origin", "*"), ("vary", "origin")],
    );
    assert_eq!(body_text(res).await, "no such page");
}

/// Two routers share `/x`, each with its own default: a method registered
/// through the builders is decided by the default of the router that
/// registered it; the methods of a plain `MethodRouter` on the shared path,
/// which the table cannot see, by the app's default, never the other
/// router's.
#[tokio::test]
async fn methods_on_a_shared_path_keep_the_default_of_the_router_that_registered_them() {
    const PARTNER: &str = "https://partner.example.com";
    let partner = CorsRouter::new()
        .route("/x", route_cors::get(plain(|| async { "partner get" })))
        .default_policy(
            Policy::builder()
                .origins([PARTNER])
                .methods(["GET", "POST"])
                .credentials(true)
                .build()
                .unwrap(),
        );
    let app = CorsRouter::new()
        .merge(partner)
        .route("/x", post(|| async { "site post" }))
        .default_policy(default_policy())
        .into_router();
    let res = send(app.clone(), get_from("/x", PARTNER)).await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", PARTNER),
            ("access-control-allow-credentials", "true"),
            ("vary", "origin"),
        ],
    );
    let post_from = |origin: &str| {
        http::Request::post("/x")
            .header("origin", origin)
            .body(Body::empty())
            .unwrap()
    };
    let res = send(app.clone(), post_from(PARTNER)).await;
    assert_cors(&res, &[("vary", "origin")]);
    let res = send(app, post_from(GLOBAL)).await;
    assert_cors(
        &res,
        &[("access-control-allow-origin", GLOBAL), ("vary", "origin")],
    );
}

/// What axum merges, the table merges too: a path given by `route` and by
/// a nested router's `/`, or by two nested routers.
#[tokio::test]
async fn a_path_given_by_route_and_by_a_nested_router_is_merged_as_axum_merges_it() {
    let app = CorsRouter::new()
        .route("/api", route_cors::get(item_free))
        .nest(
            "/api",
            CorsRouter::new().route("/", post(|| async { "posted" })),
        )
        .default_policy(default_policy())
        .into_router();
    let res = send(app.clone(), get_from("/api", APP)).await;
    assert_eq!(body_text_of(res, APP).await, "thing");
    let req = http::Request::post("/api")
        .header("origin", GLOBAL)
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(body_text_of(res, GLOBAL).await, "posted");
}

/// `nest_service` at a prefix with a trailing slash covers exactly the
/// paths axum gives it: `/files/...`, not `/files`.
#[tokio::test]
async fn a_service_nested_with_a_trailing_slash_covers_the_paths_axum_gives_it() {
    let files: Router = Router::new().route("/a", get(|| async { "file a" }));
    let app = CorsRouter::new()
        .nest_service("/files/", files)
        .fallback(not_found)
        .default_policy(default_policy())
        .into_router();
    let res = send(app.clone(), get_from("/files/a", GLOBAL)).await;
    assert_eq!(body_text_of(res, GLOBAL).await, "file a");
    // `/files` is not the service's: the fallback and its policy answer.
    let res = send(app, get_from("/files", APP)).await;
    assert_eq!(body_text_of(res, APP).await, "nothing here");
}

#[cors(origins = ["https://admin.example.com"])]
async fn anything() -> &'static str {
    "anything"
}

/// `route_cors::any`, as axum's `any`: every method no other handler of the
/// path is routed for, preflights for them included, under its policy.
#[tokio::test]
async fn any_gets_every_method_no_other_handler_is_routed_for_under_its_policy() {
    let app = CorsRouter::new()
        .route("/x", route_cors::get(item_free).any(anything))
        .into_router();
    let req = http::Request::patch("/x")
        .header("origin", ADMIN)
        .body(Body::empty())
        .unwrap();
    let res = send(app.clone(), req).await;
    assert_eq!(body_text_of(res, ADMIN).await, "anything");
    let res = send(app.clone(), get_from("/x", APP)).await;
    assert_eq!(body_text_of(res, APP).await, "thing");
    let res = send(app.clone(), get_from("/x", ADMIN)).await;
    assert_cors(&res, &[("vary", "origin")]);
    let res = send(
        app.clone(),
        preflight("/x", ADMIN, "PATCH").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", ADMIN),
            ("access-control-allow-methods", "PATCH"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
    // GET is routed to its own handler, whose policy refuses the admin.
    let res = send(
        app,
        preflight("/x", ADMIN, "GET").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// `route_cors::on`, as axum's `on`: the filter's methods under the
/// handler's policy, no others.
#[tokio::test]
async fn on_routes_the_filters_methods_under_its_policy() {
    use axum::routing::MethodFilter;
    let app = CorsRouter::new()
        .route(
            "/x",
            route_cors::on(MethodFilter::PUT.or(MethodFilter::PATCH), anything),
        )
        .into_router();
    for method in ["PUT", "PATCH"] {
        let res = send(
            app.clone(),
            preflight("/x", ADMIN, method).body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{method}");
        assert_eq!(res.headers()["access-control-allow-methods"], method);
    }
    let res = send(
        app,
        preflight("/x", ADMIN, "DELETE")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

fn served_app() -> CorsRouter {
    CorsRouter::new()
        .route("/users", users())
        .route("/plain", get(|| async { "plain" }))
        .default_policy(default_policy())
        .with_state(state())
}

/// `into_service` hands back the same decision without the outer `Router`:
/// every request gets the answer `into_router` gives it.
#[tokio::test]
async fn into_service_answers_every_request_as_into_router_does() {
    use tower::ServiceExt;
    let requests = || {
        vec![
            get_from("/users", APP),
            get_from("/users", GLOBAL),
            get_from("/plain", GLOBAL),
            get_from("/nowhere", GLOBAL),
            preflight("/users", ADMIN, "POST")
                .header("access-control-request-headers", "content-type")
                .body(Body::empty())
                .unwrap(),
            preflight("/users", APP, "DELETE")
                .body(Body::empty())
                .unwrap(),
            http::Request::options("/users")
                .body(Body::empty())
                .unwrap(),
        ]
    };
    for (via_router, via_service) in requests().into_iter().zip(requests()) {
        let what = format!("{} {}", via_router.method(), via_router.uri());
        let a = send(served_app().into_router(), via_router).await;
        let b = served_app()
            .into_service()
            .oneshot(via_service)
            .await
            .unwrap();
        assert_eq!(a.status(), b.status(), "{what}");
        assert_eq!(oneshot::cors_lines(&a), oneshot::cors_lines(&b), "{what}");
        assert_eq!(body_text(a).await, body_text(b).await, "{what}");
    }
}

#[tokio::test]
async fn into_service_serves_with_axum_serve() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, served_app().into_service().into_make_service()).await
    });
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(
            b"GET /users HTTP/1.1\r\nhost: x\r\norigin: https://app.example.com\r\nconnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    server.abort();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(
        answer.contains("access-control-allow-origin: https://app.example.com\r\n"),
        "{answer}"
    );
    assert!(answer.ends_with("hello"), "{answer}");
}
