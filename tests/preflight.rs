//! The guide's "answers" page: preflights: one dispatcher per path answers with the
//! policy of the handler routed for the requested method; `204` with the
//! grants, or `403` with nothing but `Vary`; the handler never runs.

#[path = "support/oneshot.rs"]
mod oneshot;

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::Router;
use http::StatusCode;
use oneshot::{assert_cors, body_text, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, CorsRouter};

static RUNS: AtomicUsize = AtomicUsize::new(0);

#[cors(origins = ["https://app.example.com"], methods = [GET], max_age = 600)]
async fn list_users() -> &'static str {
    RUNS.fetch_add(1, Ordering::SeqCst);
    "users"
}

#[cors(
    origins = ["https://admin.example.com"],
    methods = [POST],
    headers = ["content-type", "x-token"],
    credentials
)]
async fn create_user(body: String) -> String {
    RUNS.fetch_add(1, Ordering::SeqCst);
    body
}

async fn delete_users() -> &'static str {
    RUNS.fetch_add(1, Ordering::SeqCst);
    "deleted"
}

#[cors(origins = "*", headers = "*")]
async fn open() -> &'static str {
    "open"
}

#[allow(deprecated)] // `private_network` is deprecated, still tested
#[cors(origins = ["https://*.example.com"], private_network)]
async fn wild() -> &'static str {
    "wild"
}

#[cors(origins = ["https://app.example.com"])]
async fn routed_methods() -> &'static str {
    "routed"
}

fn app() -> Router {
    CorsRouter::new()
        .route(
            "/users",
            route_cors::get(list_users)
                .post(create_user)
                .delete(route_cors::plain(delete_users)),
        )
        .route("/open", route_cors::get(open))
        .route("/wild", route_cors::get(wild))
        .route("/routed", route_cors::put(routed_methods))
        .into_router()
}

#[tokio::test]
async fn allowed_preflight_is_204_with_the_get_handlers_policy() {
    let req = preflight("/users", "https://app.example.com", "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-methods", "GET"),
            ("access-control-max-age", "600"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
    assert_eq!(body_text(res).await, "");
}

#[tokio::test]
async fn preflight_for_post_uses_the_post_handlers_policy() {
    let req = preflight("/users", "https://admin.example.com", "POST")
        .header("access-control-request-headers", "content-type,x-token")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://admin.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "POST"),
            ("access-control-allow-headers", "content-type, x-token"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn preflight_never_runs_a_handler() {
    let before = RUNS.load(Ordering::SeqCst);
    for (origin, method) in [
        ("https://app.example.com", "GET"),
        ("https://admin.example.com", "POST"),
        ("https://admin.example.com", "DELETE"),
        ("https://evil.example", "GET"),
    ] {
        let req = preflight("/users", origin, method)
            .body(Body::empty())
            .unwrap();
        let _ = send(app(), req).await;
    }
    assert_eq!(RUNS.load(Ordering::SeqCst), before);
}

#[tokio::test]
async fn origin_of_another_methods_policy_is_refused() {
    // The admin origin is allowed for POST only: a GET preflight from it is
    // judged by the GET handler's policy.
    let req = preflight("/users", "https://admin.example.com", "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
}

#[tokio::test]
async fn refused_preflight_is_403_with_only_vary_and_the_failed_check() {
    let req = preflight("/users", "https://evil.example", "POST")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(body_text(res).await, "origin not allowed");
}

#[tokio::test]
async fn preflight_asking_for_an_unlisted_header_is_refused() {
    let req = preflight("/users", "https://admin.example.com", "POST")
        .header("access-control-request-headers", "content-type,x-other")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
}

#[tokio::test]
async fn preflight_for_a_method_without_policy_is_refused() {
    // DELETE is a plain handler, PATCH has none: no per-route policy grants.
    for method in ["DELETE", "PATCH"] {
        let req = preflight("/users", "https://app.example.com", method)
            .body(Body::empty())
            .unwrap();
        let res = send(app(), req).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{method}");
        assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
    }
}

#[tokio::test]
async fn requested_header_names_match_case_insensitively_with_whitespace_and_empty_elements() {
    let req = preflight("/users", "https://admin.example.com", "POST")
        .header(
            "access-control-request-headers",
            " Content-Type ,, X-TOKEN\t,",
        )
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://admin.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "POST"),
            ("access-control-allow-headers", "content-type, x-token"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn requested_headers_over_several_lines_are_all_checked() {
    let req = preflight("/users", "https://admin.example.com", "POST")
        .header("access-control-request-headers", "content-type")
        .header("access-control-request-headers", "x-secret")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn allow_headers_is_sent_only_when_headers_were_requested() {
    let req = preflight("/users", "https://admin.example.com", "POST")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://admin.example.com"),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "POST"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn any_origin_policy_without_credentials_answers_star() {
    let req = preflight("/open", "https://anyone.example", "GET")
        .header("access-control-request-headers", "x-anything")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "GET"),
            ("access-control-allow-headers", "*"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn any_headers_wildcard_does_not_cover_authorization() {
    // Fetch: `Access-Control-Allow-Headers: *` never covers Authorization.
    let req = preflight("/open", "https://anyone.example", "GET")
        .header("access-control-request-headers", "authorization")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn subdomain_pattern_allows_subdomains_and_grants_private_network() {
    let req = preflight("/wild", "https://a.b.example.com", "GET")
        .header("access-control-request-private-network", "true")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://a.b.example.com"),
            ("access-control-allow-methods", "GET"),
            ("access-control-allow-private-network", "true"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn subdomain_pattern_refuses_the_apex_and_lookalikes() {
    for origin in [
        "https://example.com",
        "https://evilexample.com",
        "http://a.example.com",
    ] {
        let req = preflight("/wild", origin, "GET")
            .body(Body::empty())
            .unwrap();
        let res = send(app(), req).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin}");
    }
}

#[tokio::test]
async fn private_network_request_without_private_network_policy_is_refused() {
    let req = preflight("/users", "https://app.example.com", "GET")
        .header("access-control-request-private-network", "true")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
}

#[tokio::test]
async fn methods_left_out_allow_the_routed_method() {
    let req = preflight("/routed", "https://app.example.com", "PUT")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-methods", "PUT"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn head_preflight_is_judged_by_the_get_handler() {
    let req = preflight("/users", "https://app.example.com", "HEAD")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-allow-methods", "HEAD"),
            ("access-control-max-age", "600"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

/// Browsers send `Access-Control-Request-Private-Network: true`, exactly;
/// any other value, or the line twice, asks for nothing and is granted
/// nothing, even by a policy with `private_network`.
#[tokio::test]
async fn private_network_is_granted_only_when_asked_with_exactly_true() {
    for values in [vec!["TRUE"], vec!["true "], vec!["1"], vec!["true", "true"]] {
        let mut req = preflight("/wild", "https://a.example.com", "GET");
        for value in &values {
            req = req.header("access-control-request-private-network", *value);
        }
        let res = send(app(), req.body(Body::empty()).unwrap()).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{values:?}");
        assert_cors(
            &res,
            &[
                ("access-control-allow-origin", "https://a.example.com"),
                ("access-control-allow-methods", "GET"),
                ("vary", PREFLIGHT_VARY),
            ],
        );
    }
}
