//! The conformance example (shared/CONFORMANCE.md) over a real socket, as a
//! client sees it: the built binary runs as a child process and hyper's
//! client talks to it.

#[path = "support/client.rs"]
mod client;
#[allow(dead_code)]
#[path = "support/server.rs"]
mod server;

use std::time::Duration;

use axum::body::Body;
use client::{send, send_raw};
use http::{Request, StatusCode};
use server::ConformanceServer;

const APP: &str = "http://app.localhost:8001";
const ADMIN: &str = "http://admin.localhost:8001";
const GLOBAL: &str = "http://global.localhost:8001";
const PREFLIGHT_VARY: &str = "origin, access-control-request-method, access-control-request-headers, access-control-request-private-network";

fn start() -> ConformanceServer {
    ConformanceServer::start(Duration::from_secs(30)).unwrap_or_else(|e| panic!("{e}"))
}

fn preflight(
    server: &ConformanceServer,
    path: &str,
    origin: &str,
    method: &str,
) -> http::request::Builder {
    Request::options(server.url(path))
        .header("origin", origin)
        .header("access-control-request-method", method)
}

#[tokio::test]
async fn users_preflight_for_get_is_answered_by_the_get_handlers_policy() {
    let server = start();
    let res = send(
        preflight(&server, "/users", APP, "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    res.assert_cors(&[
        ("access-control-allow-origin", APP),
        ("access-control-allow-methods", "GET"),
        ("access-control-max-age", "600"),
        ("vary", PREFLIGHT_VARY),
    ]);
    // Neither handler ran: "users" would be the GET handler's body.
    assert_eq!(res.body, "");
}

#[tokio::test]
async fn users_preflight_for_post_is_answered_by_the_post_handlers_policy() {
    let server = start();
    let req = preflight(&server, "/users", ADMIN, "POST")
        .header("access-control-request-headers", "content-type,x-token")
        .body(Body::from("must not be echoed"))
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    res.assert_cors(&[
        ("access-control-allow-origin", ADMIN),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "POST"),
        ("access-control-allow-headers", "content-type, x-token"),
        ("vary", PREFLIGHT_VARY),
    ]);
    // The POST handler echoes its body; it did not run.
    assert_eq!(res.body, "");
}

#[tokio::test]
async fn users_preflights_swap_origins_and_are_refused() {
    let server = start();
    for (origin, method) in [(ADMIN, "GET"), (APP, "POST")] {
        let res = send(
            preflight(&server, "/users", origin, method)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{origin} {method}");
        res.assert_cors(&[("vary", PREFLIGHT_VARY)]);
    }
}

#[tokio::test]
async fn post_users_echoes_with_credentials_for_the_admin_origin() {
    let server = start();
    let req = Request::post(server.url("/users"))
        .header("origin", ADMIN)
        .header("content-type", "application/json")
        .body(Body::from(r#"{"name":"ada"}"#))
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::OK);
    res.assert_cors(&[
        ("access-control-allow-origin", ADMIN),
        ("access-control-allow-credentials", "true"),
        ("vary", "origin"),
    ]);
    assert_eq!(res.body, r#"{"name":"ada"}"#);
}

#[tokio::test]
async fn delete_users_is_plain_and_falls_under_the_global_default() {
    let server = start();
    let req = Request::delete(server.url("/users"))
        .header("origin", APP)
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.body, "deleted");
    res.assert_cors(&[("vary", "origin")]);
    // The default allows GET and POST only: a DELETE preflight is refused.
    let res = send(
        preflight(&server, "/users", GLOBAL, "DELETE")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn public_answers_star_and_exposes_the_request_id() {
    let server = start();
    let req = Request::get(server.url("/public"))
        .header("origin", "http://anyone.localhost:9")
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    res.assert_cors(&[
        ("access-control-allow-origin", "*"),
        ("access-control-expose-headers", "x-request-id"),
        ("vary", "origin"),
    ]);
    assert_eq!(res.headers["x-request-id"], "42");
    assert_eq!(res.body, "public");
}

#[tokio::test]
async fn put_item_grants_both_origins_and_merges_vary() {
    let server = start();
    for origin in [APP, ADMIN] {
        let req = Request::put(server.url("/items/3"))
            .header("origin", origin)
            .body(Body::empty())
            .unwrap();
        let res = send(req).await;
        res.assert_cors(&[
            ("access-control-allow-origin", origin),
            ("access-control-allow-credentials", "true"),
            (
                "access-control-expose-headers",
                "x-request-id, x-total-count",
            ),
            ("vary", "accept-encoding, origin"),
        ]);
        assert_eq!(res.body, "item 3");
    }
    let req = preflight(&server, "/items/3", APP, "PUT")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    res.assert_cors(&[
        ("access-control-allow-origin", APP),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "PUT"),
        (
            "access-control-allow-headers",
            "content-type, authorization",
        ),
        ("access-control-max-age", "7200"),
        ("vary", PREFLIGHT_VARY),
    ]);
}

#[tokio::test]
async fn wild_allows_subdomains_and_private_network() {
    let server = start();
    let req = preflight(&server, "/wild", "https://api.example.com", "GET")
        .header("access-control-request-private-network", "true")
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    res.assert_cors(&[
        ("access-control-allow-origin", "https://api.example.com"),
        ("access-control-allow-methods", "GET"),
        ("access-control-allow-private-network", "true"),
        ("vary", PREFLIGHT_VARY),
    ]);
    let res = send(
        preflight(&server, "/wild", "https://example.com", "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn teapot_keeps_its_status_and_loses_its_own_allow_origin() {
    let server = start();
    let req = Request::get(server.url("/teapot"))
        .header("origin", "http://evil.localhost:8001")
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::IM_A_TEAPOT);
    res.assert_cors(&[("vary", "origin")]);
    assert_eq!(res.body, "teapot");
    let req = Request::get(server.url("/teapot"))
        .header("origin", APP)
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    res.assert_cors(&[("access-control-allow-origin", APP), ("vary", "origin")]);
}

#[tokio::test]
async fn any_headers_allows_custom_headers() {
    let server = start();
    let req = preflight(&server, "/any-headers", APP, "GET")
        .header("access-control-request-headers", "x-one,x-two")
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    res.assert_cors(&[
        ("access-control-allow-origin", APP),
        ("access-control-allow-methods", "GET"),
        ("access-control-allow-headers", "*"),
        ("vary", PREFLIGHT_VARY),
    ]);
}

#[tokio::test]
async fn plain_routes_get_the_global_default() {
    let server = start();
    let req = preflight(&server, "/plain", GLOBAL, "POST")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    res.assert_cors(&[
        ("access-control-allow-origin", GLOBAL),
        ("access-control-allow-methods", "POST"),
        ("access-control-allow-headers", "content-type"),
        ("vary", PREFLIGHT_VARY),
    ]);
    let req = Request::post(server.url("/plain"))
        .header("origin", GLOBAL)
        .body(Body::from("hi"))
        .unwrap();
    let res = send(req).await;
    res.assert_cors(&[("access-control-allow-origin", GLOBAL), ("vary", "origin")]);
    assert_eq!(res.body, "hi");
    let req = Request::get(server.url("/plain"))
        .header("origin", APP)
        .body(Body::empty())
        .unwrap();
    send(req).await.assert_cors(&[("vary", "origin")]);
}

#[tokio::test]
async fn options_that_is_not_a_preflight_gets_405_with_allow() {
    let server = start();
    let res = send(
        Request::options(server.url("/users"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers["allow"], "GET,HEAD,POST,DELETE");
}

/// Raw requests, then a normal one to show the server is still up.
async fn raw_then_alive(server: &ConformanceServer, raw: &[u8]) -> String {
    let answer = send_raw(&server.addr(), raw).await;
    let req = Request::get(server.url("/users"))
        .header("origin", APP)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(req).await.body, "users", "the server still answers");
    answer
}

fn has_grant(raw_answer: &str) -> bool {
    raw_answer
        .to_ascii_lowercase()
        .contains("access-control-allow-")
}

#[tokio::test]
async fn duplicate_origin_lines_get_no_grant() {
    let server = start();
    let raw = format!(
        "GET /users HTTP/1.1\r\nHost: {}\r\nOrigin: {APP}\r\nOrigin: {APP}\r\nConnection: close\r\n\r\n",
        server.addr()
    );
    let answer = raw_then_alive(&server, raw.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(!has_grant(&answer), "{answer}");
}

#[tokio::test]
async fn raw_bytes_in_origin_get_no_grant_and_are_not_reflected() {
    let server = start();
    let mut raw = format!(
        "OPTIONS /public HTTP/1.1\r\nHost: {}\r\nOrigin: http://a",
        server.addr()
    )
    .into_bytes();
    raw.extend_from_slice(b"\xc3\x28\xff\xfe.localhost\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n");
    let answer = raw_then_alive(&server, &raw).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(!has_grant(&answer), "{answer}");
}

#[tokio::test]
async fn one_mebibyte_of_requested_headers_gets_no_grant() {
    let server = start();
    let huge = "x-a,".repeat((1 << 20) / 4);
    let raw = format!(
        "OPTIONS /any-headers HTTP/1.1\r\nHost: {}\r\nOrigin: {APP}\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: {huge}\r\nConnection: close\r\n\r\n",
        server.addr()
    );
    let answer = raw_then_alive(&server, raw.as_bytes()).await;
    // hyper refuses a header section that large before route-cors sees it;
    // in-process, route-cors refuses it unread (tests/malformed.rs).
    assert!(
        answer.starts_with("HTTP/1.1 431"),
        "{}",
        &answer[..answer.len().min(200)]
    );
    assert!(!has_grant(&answer));
}
