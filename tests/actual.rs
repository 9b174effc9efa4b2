//! The guide's "answers" page: actual requests: the handler runs, and on its
//! response, whatever its status, the policy alone decides the
//! `Access-Control-*` headers; `Vary: origin` is merged, never duplicated.

#[path = "support/oneshot.rs"]
mod oneshot;

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Router;
use http::Request;
use oneshot::{assert_cors, body_text, send};
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"], expose = ["x-request-id"], credentials)]
async fn with_credentials() -> impl IntoResponse {
    ([("x-request-id", "7")], "ok")
}

#[cors(origins = "*", expose = ["x-request-id"])]
async fn public() -> impl IntoResponse {
    ([("x-request-id", "42")], "public")
}

#[cors(origins = ["https://app.example.com"])]
async fn teapot() -> impl IntoResponse {
    (
        StatusCode::IM_A_TEAPOT,
        [
            ("access-control-allow-origin", "*"),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-secret"),
            ("access-control-allow-methods", "DELETE"),
        ],
        "teapot",
    )
}

#[cors(origins = ["https://app.example.com"])]
async fn varies() -> impl IntoResponse {
    ([("vary", "accept-encoding")], "varies")
}

#[cors(origins = ["https://app.example.com"])]
async fn varies_on_origin_already() -> impl IntoResponse {
    ([("vary", "Origin")], "varies")
}

#[cors(origins = ["https://app.example.com"])]
async fn varies_on_everything() -> impl IntoResponse {
    ([("vary", "*")], "varies")
}

#[cors(origins = ["https://app.example.com"])]
async fn failing() -> Result<&'static str, (StatusCode, &'static str)> {
    Err((StatusCode::INTERNAL_SERVER_ERROR, "boom"))
}

#[cors(origins = ["https://app.example.com"], methods = [POST])]
async fn listed_for_post_only() -> &'static str {
    "routed for GET"
}

fn app() -> Router {
    CorsRouter::new()
        .route("/post-only", route_cors::get(listed_for_post_only))
        .route("/credentials", route_cors::get(with_credentials))
        .route("/public", route_cors::get(public))
        .route("/teapot", route_cors::get(teapot))
        .route("/varies", route_cors::get(varies))
        .route("/varies-origin", route_cors::get(varies_on_origin_already))
        .route("/varies-all", route_cors::get(varies_on_everything))
        .route("/failing", route_cors::get(failing))
        .into_router()
}

fn get(path: &str, origin: Option<&str>) -> Request<Body> {
    let mut req = Request::get(path);
    if let Some(origin) = origin {
        req = req.header("origin", origin);
    }
    req.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn allowed_origin_is_echoed_with_credentials_and_exposed_headers() {
    let res = send(app(), get("/credentials", Some("https://app.example.com"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-request-id"),
            ("vary", "origin"),
        ],
    );
    assert_eq!(body_text(res).await, "ok");
}

#[tokio::test]
async fn any_origin_without_credentials_answers_star() {
    let res = send(app(), get("/public", Some("https://anyone.example"))).await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "*"),
            ("access-control-expose-headers", "x-request-id"),
            ("vary", "origin"),
        ],
    );
    assert_eq!(res.headers()["x-request-id"], "42");
}

#[tokio::test]
async fn disallowed_origin_gets_no_grant_and_the_handler_still_runs() {
    let res = send(app(), get("/credentials", Some("https://evil.example"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[("vary", "origin")]);
    assert_eq!(body_text(res).await, "ok");
}

#[tokio::test]
async fn absent_origin_gets_no_grant() {
    let res = send(app(), get("/public", None)).await;
    assert_cors(&res, &[("vary", "origin")]);
}

#[tokio::test]
async fn cors_headers_the_handler_set_are_removed_for_a_disallowed_origin() {
    let res = send(app(), get("/teapot", Some("https://evil.example"))).await;
    assert_eq!(res.status(), StatusCode::IM_A_TEAPOT);
    assert_cors(&res, &[("vary", "origin")]);
}

#[tokio::test]
async fn cors_headers_the_handler_set_are_replaced_for_an_allowed_origin() {
    let res = send(app(), get("/teapot", Some("https://app.example.com"))).await;
    assert_eq!(res.status(), StatusCode::IM_A_TEAPOT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("vary", "origin"),
        ],
    );
    assert_eq!(body_text(res).await, "teapot");
}

#[tokio::test]
async fn grants_apply_whatever_the_status() {
    let res = send(app(), get("/failing", Some("https://app.example.com"))).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("vary", "origin"),
        ],
    );
}

#[tokio::test]
async fn vary_is_merged_with_the_handlers_vary() {
    let res = send(app(), get("/varies", Some("https://app.example.com"))).await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("vary", "accept-encoding, origin"),
        ],
    );
}

#[tokio::test]
async fn vary_origin_is_never_duplicated() {
    let res = send(
        app(),
        get("/varies-origin", Some("https://app.example.com")),
    )
    .await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("vary", "Origin"),
        ],
    );
}

#[tokio::test]
async fn vary_star_is_left_alone() {
    let res = send(app(), get("/varies-all", Some("https://app.example.com"))).await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("vary", "*"),
        ],
    );
}

#[tokio::test]
async fn head_requests_get_the_get_handlers_grants() {
    let req = Request::head("/credentials")
        .header("origin", "https://app.example.com")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "x-request-id"),
            ("vary", "origin"),
        ],
    );
}

#[tokio::test]
async fn a_method_the_policy_does_not_list_gets_no_grant() {
    // Routed for GET, but the policy lists only POST: the GET preflight is
    // refused, so the actual GET gets no grant either.
    let res = send(app(), get("/post-only", Some("https://app.example.com"))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[("vary", "origin")]);
}
