//! `Browser::fetch`, the in-process driver, against an axum `Router`: the
//! requests reach the router's handlers, and axum's own answers are judged.

use axum::routing::{get, options};
use axum::Router;
use http::Method;
use route_cors_testkit::{Browser, Fetch, Reason};

const PAGE: &str = "https://app.example.com";

#[tokio::test]
async fn a_router_is_sent_the_preflight_then_the_actual_request() {
    let app: Router = Router::new().route(
        "/items",
        options(|| async {
            (
                [
                    ("access-control-allow-origin", PAGE),
                    ("access-control-allow-methods", "PUT"),
                ],
                "",
            )
        })
        .put(|body: String| async move {
            (
                [("access-control-allow-origin", PAGE)],
                format!("put {body}"),
            )
        }),
    );
    let verdict = Browser::chromium()
        .fetch(&app, Fetch::new(PAGE, Method::PUT, "/items").text("7"))
        .await;
    assert_eq!(verdict.assert_allowed().text(), "put 7");
    assert_eq!(verdict.preflight().unwrap().status(), 200);
}

#[tokio::test]
async fn axum_405_for_an_options_it_does_not_route_blocks_the_preflight() {
    let app: Router = Router::new().route("/items", get(|| async { "items" }));
    let verdict = Browser::firefox()
        .fetch(&app, Fetch::new(PAGE, Method::DELETE, "/items"))
        .await;
    let blocked = verdict.assert_blocked();
    assert_eq!(blocked.reason(), &Reason::AllowOriginMissing);
    assert_eq!(blocked.status(), Some(http::StatusCode::METHOD_NOT_ALLOWED));
}
