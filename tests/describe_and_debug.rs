//! What a security review asks for, and what a developer debugging a
//! refusal needs: every route's policy described, and the opt-in debug mode
//! that answers refused preflights with the grants computed so far, so that
//! the browser's console names the failing rule.

#[path = "support/oneshot.rs"]
mod oneshot;

use axum::body::Body;
use axum::routing::get;
use http::StatusCode;
use oneshot::{assert_cors, body_text, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, plain, CorsRouter, Policies, Policy, PolicySet};

const APP: &str = "https://app.example.com";

#[cors(origins = ["https://app.example.com"], methods = [GET, POST], headers = ["content-type"], credentials, max_age = 600)]
async fn items() -> &'static str {
    "items"
}

#[cors(policy = "partner")]
async fn partner() -> &'static str {
    "partner"
}

#[cors(origins = "*")]
async fn not_found() -> (StatusCode, &'static str) {
    (StatusCode::NOT_FOUND, "none")
}

fn app() -> CorsRouter {
    CorsRouter::new()
        .route(
            "/items",
            route_cors::get(items)
                .post(items)
                .delete(plain(|| async { "deleted" })),
        )
        .route("/partner", route_cors::get(partner))
        .route("/health", get(|| async { "ok" }))
        .fallback(not_found)
        .policies(Policies::new(
            PolicySet::new()
                .with_default(
                    Policy::builder()
                        .origins(["https://global.example.com"])
                        .build()
                        .unwrap(),
                )
                .with_policy(
                    "partner",
                    Policy::builder()
                        .origins(["https://partner.example.com"])
                        .build()
                        .unwrap(),
                )
                .unwrap(),
        ))
}

#[test]
fn every_route_policy_is_described_one_line_each() {
    let described = app().describe();
    let default = "the default: origins: https://global.example.com; methods: GET, HEAD, POST; \
                   headers: none; expose: none; credentials: no";
    let items_policy =
        "origins: https://app.example.com; methods: GET, POST; headers: content-type; \
                 expose: none; credentials: yes; max_age: 600";
    assert_eq!(
        described,
        format!(
            "GET /items: {items_policy}\n\
             POST /items: {items_policy}\n\
             DELETE /items: {default}\n\
             other methods of /items: no handler, preflights refused; actual requests: \
             {default}\n\
             GET /partner: policy `partner`: origins: https://partner.example.com; methods: the \
             routed ones; headers: none; expose: none; credentials: no\n\
             other methods of /partner: no handler, preflights refused; actual requests: \
             {default}\n\
             other methods of /health: {default}\n\
             the fallback: origins: *; methods: the routed ones; headers: none; expose: none; \
             credentials: no\n\
             paths that match no route: {default}\n"
        )
    );
}

#[tokio::test]
async fn without_debug_mode_a_refused_preflight_grants_nothing() {
    let req = preflight("/items", APP, "POST")
        .header("access-control-request-headers", "content-type, x-foo")
        .body(Body::empty())
        .unwrap();
    let res = send(app().into_router(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
    assert_eq!(body_text(res).await, "header x-foo not allowed");
}

/// Chromium names a refused header only after an ok status and a passing
/// `Access-Control-Allow-Origin`: the debug mode sends both, and the
/// policy's `Access-Control-Allow-Headers`, which lacks the header.
#[tokio::test]
async fn debug_mode_answers_a_refused_header_with_the_grants_so_far() {
    let req = preflight("/items", APP, "POST")
        .header("access-control-request-headers", "content-type, x-foo")
        .body(Body::empty())
        .unwrap();
    let res = send(app().debug_mode(true).into_router(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "POST"),
            ("access-control-allow-headers", "content-type"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn debug_mode_answers_a_refused_method_with_the_origin_grant_only() {
    let res = send(
        app().debug_mode(true).into_router(),
        preflight("/items", APP, "PUT").body(Body::empty()).unwrap(),
    )
    .await;
    // PUT has no handler: refused whatever the default allows, before any
    // check that would grant something, so the answer grants nothing.
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
    let res = send(
        app().debug_mode(true).into_router(),
        preflight("/items", "https://global.example.com", "PUT")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
}

#[tokio::test]
async fn debug_mode_never_grants_an_actual_request() {
    let req = http::Request::get("/items")
        .header("origin", "https://evil.example")
        .body(Body::empty())
        .unwrap();
    let res = send(app().debug_mode(true).into_router(), req).await;
    assert_cors(&res, &[("vary", "origin")]);
}

/// The inventory is `describe()` as data: one entry per line, each with
/// who decides and the deciding policy's settings, serialized for a
/// snapshot that shows any change to a policy in review.
#[test]
fn the_inventory_is_every_line_of_describe_as_data() {
    let inventory = serde_json::to_value(app().inventory()).unwrap();
    let policy = |origins: &[&str], methods: serde_json::Value| {
        serde_json::json!({
            "origins": origins, "methods": methods, "headers": [], "expose": [],
            "credentials": false, "max_age": null, "writes_from_any_origin": false,
        })
    };
    let entry = |covers: &str,
                 decided_by: &str,
                 name: Option<&str>,
                 refused: bool,
                 settings: serde_json::Value| {
        let mut entry = serde_json::json!({
            "covers": covers, "decided_by": decided_by, "policy_name": name,
            "preflight_refused": refused,
        });
        entry
            .as_object_mut()
            .unwrap()
            .extend(settings.as_object().unwrap().clone());
        entry
    };
    let items_policy = serde_json::json!({
        "origins": ["https://app.example.com"], "methods": ["GET", "POST"],
        "headers": ["content-type"], "expose": [], "credentials": true, "max_age": 600,
        "writes_from_any_origin": false,
    });
    let default = policy(
        &["https://global.example.com"],
        serde_json::json!(["GET", "HEAD", "POST"]),
    );
    assert_eq!(
        inventory,
        serde_json::json!([
            entry("GET /items", "route", None, false, items_policy.clone()),
            entry("POST /items", "route", None, false, items_policy),
            entry("DELETE /items", "default", None, false, default.clone()),
            entry(
                "other methods of /items",
                "default",
                None,
                true,
                default.clone()
            ),
            entry(
                "GET /partner",
                "named",
                Some("partner"),
                false,
                policy(&["https://partner.example.com"], serde_json::Value::Null)
            ),
            entry(
                "other methods of /partner",
                "default",
                None,
                true,
                default.clone()
            ),
            entry(
                "other methods of /health",
                "default",
                None,
                false,
                default.clone()
            ),
            entry(
                "the fallback",
                "route",
                None,
                false,
                policy(&["*"], serde_json::Value::Null)
            ),
            entry("paths that match no route", "default", None, false, default),
        ])
    );
}
