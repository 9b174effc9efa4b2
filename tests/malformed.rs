//! The guide's "answers" page: malformed input: several `Origin` lines, non-UTF-8
//! bytes, huge or empty values never panic, are never reflected unless they
//! are exactly an allowed origin, and get no grant.

#[path = "support/oneshot.rs"]
mod oneshot;

use axum::body::Body;
use axum::Router;
use http::{HeaderValue, Request, StatusCode};
use oneshot::{assert_cors, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, CorsRouter};

#[cors(origins = ["https://app.example.com"], headers = ["content-type"])]
async fn listed() -> &'static str {
    "listed"
}

#[cors(origins = "*", headers = "*")]
async fn open() -> &'static str {
    "open"
}

fn app() -> Router {
    CorsRouter::new()
        .route("/listed", route_cors::get(listed))
        .route("/open", route_cors::get(open))
        .into_router()
}

fn get_with_origins(path: &str, origins: &[HeaderValue]) -> Request<Body> {
    let mut req = Request::get(path).body(Body::empty()).unwrap();
    for origin in origins {
        req.headers_mut().append("origin", origin.clone());
    }
    req
}

#[tokio::test]
async fn several_origin_lines_get_no_grant_even_when_each_is_allowed() {
    for path in ["/listed", "/open"] {
        let allowed = HeaderValue::from_static("https://app.example.com");
        let res = send(app(), get_with_origins(path, &[allowed.clone(), allowed])).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_cors(&res, &[("vary", "origin")]);
    }
}

#[tokio::test]
async fn several_origin_lines_on_a_preflight_are_refused() {
    let req = preflight("/listed", "https://app.example.com", "GET")
        .header("origin", "https://app.example.com")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
}

#[tokio::test]
async fn non_utf8_origin_gets_no_grant_even_from_an_any_origin_policy() {
    let raw = HeaderValue::from_bytes(b"https://app.example.com\xff").unwrap();
    for path in ["/listed", "/open"] {
        let res = send(app(), get_with_origins(path, std::slice::from_ref(&raw))).await;
        assert_cors(&res, &[("vary", "origin")]);
    }
}

#[tokio::test]
async fn empty_and_garbage_origins_get_no_grant_from_an_any_origin_policy() {
    for origin in [
        "",
        "*",
        "https://",
        "HTTPS://APP.EXAMPLE.COM",
        "https://a.com/path",
        "x",
    ] {
        let value = HeaderValue::from_str(origin).unwrap();
        let res = send(app(), get_with_origins("/open", &[value])).await;
        assert_cors(&res, &[("vary", "origin")]);
    }
}

#[tokio::test]
async fn an_origin_that_merely_starts_like_an_allowed_one_is_not_reflected() {
    for origin in [
        "https://app.example.com.evil.example",
        "https://app.example.co",
        "https://app.example.com:443",
    ] {
        let value = HeaderValue::from_str(origin).unwrap();
        let res = send(app(), get_with_origins("/listed", &[value])).await;
        assert_cors(&res, &[("vary", "origin")]);
    }
}

#[tokio::test]
async fn huge_origin_gets_no_grant() {
    let huge =
        HeaderValue::from_str(&format!("https://{}.example.com", "a".repeat(1 << 20))).unwrap();
    for path in ["/listed", "/open"] {
        let res = send(app(), get_with_origins(path, std::slice::from_ref(&huge))).await;
        assert_cors(&res, &[("vary", "origin")]);
    }
}

#[tokio::test]
async fn requested_headers_over_the_limit_are_refused_unread() {
    // 1 MiB of names the policy allows: refused for its size alone (the
    // time it takes is measured in benches/, not asserted here).
    let huge = "content-type,".repeat((1 << 20) / 13);
    let req = preflight("/listed", "https://app.example.com", "GET")
        .header("access-control-request-headers", huge.as_str())
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
}

#[tokio::test]
async fn requested_headers_up_to_the_limit_are_read() {
    let mut list = String::new();
    while list.len() + "content-type,".len() <= route_cors::MAX_REQUEST_HEADERS_LEN {
        list.push_str("content-type,");
    }
    let req = preflight("/listed", "https://app.example.com", "GET")
        .header("access-control-request-headers", list.as_str())
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn invalid_requested_header_names_are_refused() {
    for requested in ["content type", "x-a;b", "content-type,\u{7f}"] {
        let Ok(value) = HeaderValue::from_str(requested) else {
            continue;
        };
        let mut req = preflight("/open", "https://app.example.com", "GET")
            .body(Body::empty())
            .unwrap();
        req.headers_mut()
            .insert("access-control-request-headers", value);
        let res = send(app(), req).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{requested:?}");
    }
}

#[tokio::test]
async fn requested_method_that_is_not_a_token_is_refused() {
    let req = preflight("/listed", "https://app.example.com", "G ET")
        .body(Body::empty())
        .unwrap();
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn non_utf8_requested_headers_are_refused() {
    let mut req = preflight("/open", "https://app.example.com", "GET")
        .body(Body::empty())
        .unwrap();
    req.headers_mut().insert(
        "access-control-request-headers",
        HeaderValue::from_bytes(b"x-\xfe\xff").unwrap(),
    );
    let res = send(app(), req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
