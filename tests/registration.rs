//! DESIGN.md section 4, registration: each handler named once, reading like
//! axum; several policies on one path; plain handlers beside them; `State`,
//! `nest`, `merge`, `route_layer` and `layer`; a preflight never shows user
//! middleware a forged request; `OPTIONS` that is not a preflight gets what
//! it would get without route-cors.

#[path = "support/oneshot.rs"]
mod oneshot;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Json, Path, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use http::{Method, StatusCode};
use oneshot::{assert_cors, body_text, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, plain};
use serde::{Deserialize, Serialize};

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

async fn delete_plain() -> &'static str {
    "deleted"
}

async fn options_plain() -> &'static str {
    "my own options"
}

fn users() -> axum::routing::MethodRouter<AppState> {
    route_cors::get(greet)
        .post(create)
        .delete(plain(delete_plain))
        .into()
}

fn state() -> AppState {
    AppState { greeting: "hello" }
}

#[tokio::test]
async fn state_extractor_works_through_with_state() {
    let app = Router::new().route("/users", users()).with_state(state());
    let req = http::Request::get("/users")
        .header("origin", "https://app.example.com")
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("vary", "origin"),
        ],
    );
    assert_eq!(body_text(res).await, "hello");
}

#[tokio::test]
async fn json_and_state_extractors_run_under_a_policy() {
    let app = Router::new().route("/users", users()).with_state(state());
    let req = http::Request::post("/users")
        .header("origin", "https://admin.example.com")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"name":"ada"}"#))
        .unwrap();
    let res = send(app, req).await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://admin.example.com"),
            ("vary", "origin"),
        ],
    );
    assert_eq!(body_text(res).await, "hello ada");
}

#[tokio::test]
async fn plain_handler_shares_the_path_and_gets_no_per_route_policy() {
    let app = Router::new().route("/users", users()).with_state(state());
    let req = http::Request::delete("/users")
        .header("origin", "https://app.example.com")
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[]);
    assert_eq!(body_text(res).await, "deleted");
}

#[tokio::test]
async fn nested_routes_keep_their_preflight_dispatcher() {
    let api = Router::new().route("/users", users());
    let app = Router::new().nest("/api", api).with_state(state());
    let req = preflight("/api/users", "https://admin.example.com", "POST")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://admin.example.com"),
            ("access-control-allow-methods", "POST"),
            ("access-control-allow-headers", "content-type"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn merged_routers_keep_their_policies() {
    let items: Router<AppState> =
        Router::new().route("/items/{id}", route_cors::put(put_item).into());
    let app = Router::new()
        .route("/users", users())
        .merge(items)
        .with_state(state());
    let req = http::Request::put("/items/9")
        .header("origin", "https://app.example.com")
        .body(Body::empty())
        .unwrap();
    let res = send(app.clone(), req).await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("vary", "origin"),
        ],
    );
    assert_eq!(body_text(res).await, "item 9");
    let req = preflight("/users", "https://app.example.com", "GET")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(app, req).await.status(), StatusCode::NO_CONTENT);
}

/// Records the method of every request a middleware sees.
fn recorder(
    seen: Arc<Mutex<Vec<Method>>>,
) -> impl Fn(Request, Next) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>
       + Clone {
    move |req: Request, next: Next| {
        let seen = Arc::clone(&seen);
        Box::pin(async move {
            seen.lock().unwrap().push(req.method().clone());
            next.run(req).await
        })
    }
}

#[tokio::test]
async fn user_middleware_sees_the_preflight_as_it_was_sent_never_a_forged_request() {
    let seen_layer = Arc::new(Mutex::new(Vec::new()));
    let seen_route_layer = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route("/users", users())
        .route_layer(middleware::from_fn(recorder(Arc::clone(&seen_route_layer))))
        .layer(middleware::from_fn(recorder(Arc::clone(&seen_layer))))
        .with_state(state());
    let req = preflight("/users", "https://app.example.com", "DELETE")
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(*seen_layer.lock().unwrap(), vec![Method::OPTIONS]);
    assert_eq!(*seen_route_layer.lock().unwrap(), vec![Method::OPTIONS]);
}

#[tokio::test]
async fn layers_on_the_method_router_wrap_the_dispatcher_too() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let route: axum::routing::MethodRouter<AppState> =
        users().layer(middleware::from_fn(recorder(Arc::clone(&seen))));
    let app = Router::new().route("/users", route).with_state(state());
    let req = preflight("/users", "https://app.example.com", "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(*seen.lock().unwrap(), vec![Method::OPTIONS]);
}

#[tokio::test]
async fn options_that_is_not_a_preflight_gets_axums_405_with_allow() {
    let app = Router::new().route("/users", users()).with_state(state());
    for req in [
        http::Request::options("/users")
            .body(Body::empty())
            .unwrap(),
        // `Origin` without `Access-Control-Request-Method` is not a preflight.
        http::Request::options("/users")
            .header("origin", "https://app.example.com")
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
    let route: axum::routing::MethodRouter = route_cors::get(put_item_free)
        .options(plain(options_plain))
        .into();
    let app = Router::new().route("/things", route);
    let res = send(
        app.clone(),
        http::Request::options("/things")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body_text(res).await, "my own options");

    let req = preflight("/things", "https://app.example.com", "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(app, req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(body_text(res).await, "");
}

#[cors(origins = ["https://app.example.com"])]
async fn put_item_free() -> &'static str {
    "thing"
}

#[tokio::test]
async fn a_cors_handler_can_be_called_directly() {
    assert_eq!(greet::call(State(state())).await, "hello");
    let body = create::call(State(state()), Json(User { name: "bob".into() })).await;
    assert_eq!(body, "hello bob");
}

#[tokio::test]
async fn the_policy_of_a_handler_is_readable() {
    assert!(!greet::policy().credentials());
}

#[test]
#[should_panic(expected = "Overlapping method route")]
fn two_handlers_for_one_method_panic_at_start_up_as_in_axum() {
    let _: axum::routing::MethodRouter<AppState> = route_cors::get(greet).get(greet).into();
}
