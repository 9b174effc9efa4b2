//! route-cors judged by the browser model of `route-cors-testkit`: what
//! Chromium and Firefox decide on the answers of a `CorsRouter` app, and
//! what they would say when they refuse.

use std::time::Duration;

use axum::Router;
use http::{Method, StatusCode};
use route_cors::{cors, CorsRouter};
use route_cors_testkit::{Browser, Fetch, Reason, Stage};

const APP: &str = "https://app.example.com";
const ADMIN: &str = "https://admin.example.com";

#[cors(origins = ["https://app.example.com"], expose = ["x-request-id"])]
async fn list_items() -> ([(&'static str, &'static str); 2], &'static str) {
    ([("x-request-id", "42"), ("x-debug", "cache miss")], "items")
}

#[cors(
    origins = ["https://admin.example.com"],
    methods = [POST],
    headers = ["content-type", "x-token"],
    credentials,
    max_age = 86400
)]
async fn create_item(body: String) -> String {
    body
}

#[cors(origins = ["https://app.example.com"], headers = "*")]
async fn any_headers() -> &'static str {
    "any"
}

#[allow(deprecated)] // `private_network` is deprecated, still tested
#[cors(origins = ["https://app.example.com"], private_network)]
async fn device() -> &'static str {
    "device"
}

fn app() -> Router {
    CorsRouter::new()
        .route("/items", route_cors::get(list_items).post(create_item))
        .route("/any-headers", route_cors::get(any_headers))
        .route("/device", route_cors::get(device))
        .into_router()
}

/// `fetch("/items", { method: "POST", credentials: "include", headers: {
/// "content-type": "application/json", "x-token": "t" }, body })` from
/// the admin page.
fn create(origin: &str) -> Fetch {
    Fetch::new(origin, Method::POST, "/items")
        .header("content-type", "application/json")
        .header("x-token", "t")
        .text(r#"{"name":"seven"}"#)
        .credentials(true)
}

#[tokio::test]
async fn a_simple_get_from_an_allowed_origin_is_allowed_without_a_preflight() {
    for browser in [Browser::chromium(), Browser::firefox()] {
        let verdict = browser.fetch(&app(), Fetch::get(APP, "/items")).await;
        assert!(verdict.preflight().is_none());
        let allowed = verdict.assert_allowed();
        assert_eq!(allowed.status(), StatusCode::OK);
        assert_eq!(allowed.text(), "items");
        assert_eq!(
            allowed.readable_header_names(),
            ["content-length", "content-type", "x-request-id"]
        );
    }
}

#[tokio::test]
async fn a_simple_get_from_another_origin_reaches_the_server_and_its_answer_is_blocked() {
    let verdict = Browser::chromium()
        .fetch(&app(), Fetch::get("https://evil.example", "/items"))
        .await;
    let blocked = verdict.assert_blocked();
    assert_eq!(blocked.stage(), Stage::Actual);
    assert_eq!(blocked.reason(), &Reason::AllowOriginMissing);
    assert_eq!(blocked.status(), Some(StatusCode::OK));
    assert_eq!(
        verdict.to_string(),
        "Chromium: blocked at the response (status 200 OK): Access-Control-Allow-Origin is missing"
    );
}

#[tokio::test]
async fn a_preflighted_request_from_another_origin_is_blocked_at_the_preflight() {
    let verdict = Browser::firefox()
        .fetch(&app(), create("https://evil.example"))
        .await;
    let blocked = verdict.assert_blocked();
    assert_eq!(blocked.stage(), Stage::Preflight);
    // route-cors refuses with a 403 that grants nothing, so the first
    // check a browser makes, Allow-Origin, is the one that fails; the body,
    // which only the network tab shows, names route-cors's check.
    assert_eq!(blocked.reason(), &Reason::AllowOriginMissing);
    assert_eq!(blocked.status(), Some(StatusCode::FORBIDDEN));
    assert_eq!(blocked.body(), "origin not allowed");
    assert_eq!(
        verdict.to_string(),
        "Firefox: blocked at the preflight (status 403 Forbidden): \
         Access-Control-Allow-Origin is missing"
    );
}

#[tokio::test]
async fn a_credentialed_json_post_with_a_custom_header_is_preflighted_and_allowed() {
    let verdict = Browser::chromium().fetch(&app(), create(ADMIN)).await;
    let preflight = verdict
        .preflight()
        .expect("JSON and x-token are preflighted");
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        preflight.request_headers()["access-control-request-headers"],
        "content-type,x-token"
    );
    assert_eq!(
        preflight.request_headers()["access-control-request-method"],
        "POST"
    );
    let allowed = verdict.assert_allowed();
    assert_eq!(allowed.text(), r#"{"name":"seven"}"#);
    assert_eq!(allowed.all_headers()["access-control-allow-origin"], ADMIN);
    assert_eq!(
        allowed.all_headers()["access-control-allow-credentials"],
        "true"
    );
}

#[tokio::test]
async fn max_age_86400_is_cached_7200_s_by_chromium_and_86400_s_by_firefox() {
    for (browser, cached) in [(Browser::chromium(), 7200), (Browser::firefox(), 86400)] {
        let verdict = browser.fetch(&app(), create(ADMIN)).await;
        verdict.assert_allowed();
        assert_eq!(
            verdict.preflight().unwrap().cached_for(),
            Duration::from_secs(cached)
        );
    }
}

#[tokio::test]
async fn a_header_the_policy_does_not_list_is_refused_and_the_403_names_it() {
    let verdict = Browser::chromium()
        .fetch(&app(), create(ADMIN).header("x-foo", "1"))
        .await;
    assert_eq!(
        verdict.preflight().unwrap().request_headers()["access-control-request-headers"],
        "content-type,x-foo,x-token"
    );
    let blocked = verdict.assert_blocked();
    assert_eq!(blocked.reason(), &Reason::AllowOriginMissing);
    assert_eq!(blocked.body(), "header x-foo not allowed");
}

#[tokio::test]
async fn the_page_reads_the_exposed_header_and_not_the_unexposed_one() {
    let verdict = Browser::firefox()
        .fetch(&app(), Fetch::get(APP, "/items"))
        .await;
    assert_eq!(verdict.assert_may_read_header("x-request-id"), "42");
    assert_eq!(
        verdict.assert_may_read_header("content-type"),
        "text/plain; charset=utf-8"
    );
    verdict.assert_may_not_read_header("x-debug");
    verdict.assert_may_not_read_header("vary");
    let allowed = verdict.assert_allowed();
    assert_eq!(allowed.header("x-debug"), None);
    assert_eq!(allowed.all_headers()["x-debug"], "cache miss");
}

#[tokio::test]
#[should_panic(
    expected = "the page may not read x-debug from GET /items from https://app.example.com: it \
                is not a CORS-safelisted response header, and Access-Control-Expose-Headers \
                (`x-request-id`) does not list x-debug"
)]
async fn reading_the_unexposed_header_fails_naming_what_was_exposed() {
    let verdict = Browser::chromium()
        .fetch(&app(), Fetch::get(APP, "/items"))
        .await;
    verdict.assert_may_read_header("x-debug");
}

#[tokio::test]
async fn wildcard_headers_cover_a_custom_header() {
    let verdict = Browser::chromium()
        .fetch(
            &app(),
            Fetch::get(APP, "/any-headers").header("x-token", "t"),
        )
        .await;
    assert_eq!(verdict.assert_allowed().text(), "any");
    assert!(verdict.preflight().is_some());
}

#[tokio::test]
async fn wildcard_headers_do_not_cover_authorization() {
    let verdict = Browser::chromium()
        .fetch(
            &app(),
            Fetch::get(APP, "/any-headers")
                .header("x-token", "t")
                .header("authorization", "Bearer t"),
        )
        .await;
    assert_eq!(
        verdict.preflight().unwrap().request_headers()["access-control-request-headers"],
        "authorization,x-token"
    );
    let blocked = verdict.assert_blocked();
    assert_eq!(blocked.stage(), Stage::Preflight);
    assert_eq!(blocked.reason(), &Reason::AllowOriginMissing);
    assert_eq!(blocked.body(), "header authorization not allowed");
}

#[tokio::test]
async fn chromium_private_network_preflights_pass_only_where_the_policy_allows_them() {
    let chromium = Browser::chromium().private_network_access(true);
    let verdict = chromium.fetch(&app(), Fetch::get(APP, "/device")).await;
    let preflight = verdict
        .preflight()
        .expect("Chromium preflights a private network GET");
    assert_eq!(
        preflight.request_headers()["access-control-request-private-network"],
        "true"
    );
    assert_eq!(verdict.assert_allowed().text(), "device");

    let verdict = chromium.fetch(&app(), Fetch::get(APP, "/items")).await;
    let blocked = verdict.assert_blocked();
    assert_eq!(blocked.body(), "private network access not allowed");

    // Firefox sends no such preflight: the simple GET goes through.
    let firefox = Browser::firefox().private_network_access(true);
    let verdict = firefox.fetch(&app(), Fetch::get(APP, "/items")).await;
    assert!(verdict.preflight().is_none());
    verdict.assert_allowed();
}

#[tokio::test]
async fn a_method_without_a_handler_is_blocked_at_the_preflight() {
    let verdict = Browser::chromium()
        .fetch(&app(), Fetch::new(APP, Method::DELETE, "/items"))
        .await;
    let blocked = verdict.assert_blocked();
    assert_eq!(blocked.stage(), Stage::Preflight);
    assert_eq!(blocked.body(), "method DELETE not allowed");
    // The network tab shows the refusal; the page sees only a TypeError.
    assert_eq!(
        blocked.headers().get("vary").map(|v| v.to_str().unwrap()),
        Some(
            "origin, access-control-request-method, access-control-request-headers, \
             access-control-request-private-network"
        )
    );
}

#[cors(origins = ["https://app.example.com"], methods = [POST])]
async fn transfer(body: String) -> String {
    body
}

/// The kit sends a simple cross-origin write as a browser does, without a
/// preflight and with `Sec-Fetch-Site`; route-cors refuses it before the
/// handler, and the verdict says so.
#[tokio::test]
async fn a_simple_write_from_a_refused_origin_is_sent_and_refused_before_the_handler() {
    let app: Router = CorsRouter::new()
        .route("/transfer", route_cors::post(transfer))
        .into_router();
    for browser in [Browser::chromium(), Browser::firefox()] {
        let verdict = browser
            .fetch(
                &app,
                Fetch::new("https://evil.example", Method::POST, "/transfer")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("transfer=all"),
            )
            .await;
        assert!(verdict.preflight().is_none());
        let blocked = verdict.assert_blocked();
        assert_eq!(blocked.refused_write(), Some("origin not allowed"));
        assert_eq!(
            blocked.to_string(),
            "refused by the server before the handler (origin not allowed), and blocked at the \
             response (status 403 Forbidden): Access-Control-Allow-Origin is missing"
        );
        let verdict = browser
            .fetch(
                &app,
                Fetch::new("https://app.example.com", Method::POST, "/transfer")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("transfer=all"),
            )
            .await;
        assert_eq!(verdict.assert_allowed().text(), "transfer=all");
    }
}
