//! The conformance example over a real socket, as a client sees it: the
//! built binary runs as a child process and hyper's client talks to it. The
//! routes, policies and expected answers are those of `CONFORMANCE.md` at the
//! repository root.

#[path = "support/client.rs"]
mod client;
#[path = "support/server.rs"]
mod server;

use std::time::{Duration, Instant};

use axum::body::Body;
use client::{send, send_raw, Answer};
use http::{Request, StatusCode};
use server::{start, ConformanceServer, ADMIN, APP, EVIL, GLOBAL, PREFLIGHT_VARY, TOKEN};

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

/// A request with method `method` and `Origin: origin`, no body.
fn actual(server: &ConformanceServer, method: &str, path: &str, origin: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(server.url(path))
        .header("origin", origin)
        .body(Body::empty())
        .unwrap()
}

/// `name` is not in the answer at all.
#[track_caller]
fn assert_absent(res: &Answer, name: &str) {
    let values: Vec<_> = res.headers.get_all(name).iter().collect();
    assert!(values.is_empty(), "`{name}` must be absent, got {values:?}");
}

/// Some `Vary` line of the answer names `origin`.
#[track_caller]
fn assert_varies_on_origin(res: &Answer, what: &str) {
    let names_origin = res
        .headers
        .get_all("vary")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("origin"));
    assert!(
        names_origin,
        "{what}: Vary must name origin, got {:?}",
        res.headers.get_all("vary").iter().collect::<Vec<_>>()
    );
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
    assert_absent(&res, "allow");
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
    assert_absent(&res, "allow");
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
        assert_absent(&res, "allow");
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
    // Without an `Origin`, no page sent it: the plain handler runs, under
    // the default, which grants nothing without an origin.
    let req = Request::delete(server.url("/users"))
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.body, "deleted");
    res.assert_cors(&[("vary", "origin")]);
    // From a page on another origin, the default decides the write: it
    // allows neither the app's origin nor, for its own, `DELETE`.
    for (origin, check) in [
        (APP, "origin not allowed"),
        (GLOBAL, "method DELETE not allowed"),
    ] {
        let req = Request::delete(server.url("/users"))
            .header("origin", origin)
            .body(Body::empty())
            .unwrap();
        let res = send(req).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{origin}");
        assert_eq!(res.body, format!("cross-origin write refused: {check}"));
        res.assert_cors(&[("vary", "origin")]);
    }
    // The default allows GET and POST only: a DELETE preflight is refused.
    let res = send(
        preflight(&server, "/users", GLOBAL, "DELETE")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_absent(&res, "allow");
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
    assert_absent(&res, "allow");
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
    assert_absent(&res, "allow");
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
    assert_absent(&res, "allow");
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
    assert_absent(&res, "allow");
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
    assert_absent(&res, "allow");
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

// ---------------------------------------------------------------------------
// Routes behind middleware (CONFORMANCE.md, "Routes behind middleware")
// ---------------------------------------------------------------------------

#[tokio::test]
async fn secure_preflight_is_granted_without_the_token_and_never_reaches_authentication() {
    let server = start();
    // OPTIONS /secure, Origin: admin, Access-Control-Request-Method: GET,
    // Access-Control-Request-Headers: authorization; no Authorization (a
    // browser sends no credentials on a preflight).
    let req = preflight(&server, "/secure", ADMIN, "GET")
        .header("access-control-request-headers", "authorization")
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    res.assert_cors(&[
        ("access-control-allow-origin", ADMIN),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "GET"),
        (
            "access-control-allow-headers",
            "authorization, content-type",
        ),
        ("vary", PREFLIGHT_VARY),
    ]);
    // The authentication middleware did not answer it: no challenge, no
    // `unauthorized` body.
    assert_absent(&res, "www-authenticate");
    assert_absent(&res, "allow");
    assert_eq!(res.body, "");

    // The POST one, with a JSON body's content type, likewise.
    let req = preflight(&server, "/secure", ADMIN, "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    res.assert_cors(&[
        ("access-control-allow-origin", ADMIN),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "POST"),
        (
            "access-control-allow-headers",
            "authorization, content-type",
        ),
        ("vary", PREFLIGHT_VARY),
    ]);
    assert_absent(&res, "www-authenticate");
    assert_absent(&res, "allow");
    assert_eq!(res.body, "");
}

#[tokio::test]
async fn secure_preflight_from_another_origin_is_refused_without_www_authenticate_or_allow() {
    let server = start();
    // The global default's origin included: the route's policy decides.
    for origin in [GLOBAL, APP, EVIL] {
        let req = preflight(&server, "/secure", origin, "GET")
            .header("access-control-request-headers", "authorization")
            .body(Body::empty())
            .unwrap();
        let res = send(req).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{origin}");
        res.assert_cors(&[("vary", PREFLIGHT_VARY)]);
        assert_absent(&res, "www-authenticate");
        assert_absent(&res, "allow");
    }
}

#[tokio::test]
async fn auth_401_on_secure_carries_the_routes_credentialed_grant_for_its_origin() {
    let server = start();
    // GET /secure and POST /secure, Origin: admin, no Authorization.
    for method in ["GET", "POST"] {
        let res = send(actual(&server, method, "/secure", ADMIN)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{method}");
        assert_eq!(res.body, "unauthorized", "{method}");
        assert_eq!(res.headers["www-authenticate"], "Bearer", "{method}");
        res.assert_cors(&[
            ("access-control-allow-origin", ADMIN),
            ("access-control-allow-credentials", "true"),
            ("vary", "origin"),
        ]);
    }
    // A wrong token is refused the same way.
    let req = Request::get(server.url("/secure"))
        .header("origin", ADMIN)
        .header("authorization", "Bearer let-me-out")
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    res.assert_cors(&[
        ("access-control-allow-origin", ADMIN),
        ("access-control-allow-credentials", "true"),
        ("vary", "origin"),
    ]);
}

#[tokio::test]
async fn auth_401_on_secure_grants_no_other_origin_not_even_the_global_defaults() {
    let server = start();
    for origin in [GLOBAL, APP, EVIL] {
        let res = send(actual(&server, "GET", "/secure", origin)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "GET from {origin}");
        assert_eq!(res.headers["www-authenticate"], "Bearer");
        // Only Vary: no allow-origin (neither the route's nor the
        // default's), no allow-credentials.
        res.assert_cors(&[("vary", "origin")]);
        // A write from these origins is refused before the auth layer runs.
        let res = send(actual(&server, "POST", "/secure", origin)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "POST from {origin}");
        assert!(res.headers.get("www-authenticate").is_none());
        res.assert_cors(&[("vary", "origin")]);
        assert_eq!(res.body, "cross-origin write refused: origin not allowed");
    }
    // The same write without an `Origin` comes from no page: the auth
    // layer answers it.
    let req = Request::post(server.url("/secure"))
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers["www-authenticate"], "Bearer");
    res.assert_cors(&[("vary", "origin")]);
}

#[tokio::test]
async fn secure_with_the_token_reaches_the_handler_under_the_same_policy() {
    let server = start();
    let req = Request::get(server.url("/secure"))
        .header("origin", ADMIN)
        .header("authorization", TOKEN)
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "secret");
    res.assert_cors(&[
        ("access-control-allow-origin", ADMIN),
        ("access-control-allow-credentials", "true"),
        ("vary", "origin"),
    ]);
    let req = Request::post(server.url("/secure"))
        .header("origin", ADMIN)
        .header("authorization", TOKEN)
        .header("content-type", "application/json")
        .body(Body::from(r#"{"k":1}"#))
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, r#"{"k":1}"#);
    res.assert_cors(&[
        ("access-control-allow-origin", ADMIN),
        ("access-control-allow-credentials", "true"),
        ("vary", "origin"),
    ]);
    // The token does not widen the policy: the default's origin gets nothing.
    let req = Request::get(server.url("/secure"))
        .header("origin", GLOBAL)
        .header("authorization", TOKEN)
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.body, "secret");
    res.assert_cors(&[("vary", "origin")]);
}

#[tokio::test]
async fn timeout_408_on_slow_carries_the_routes_grant_and_none_for_other_origins() {
    let server = start();
    // GET /slow, Origin: app: the handler sleeps 2 s, the timeout answers
    // after 100 ms.
    let started = Instant::now();
    let res = send(actual(&server, "GET", "/slow", APP)).await;
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "the timeout answered, not the handler: {:?}",
        started.elapsed()
    );
    assert_eq!(res.status, StatusCode::REQUEST_TIMEOUT);
    // The policy has no credentials: no allow-credentials line.
    res.assert_cors(&[("access-control-allow-origin", APP), ("vary", "origin")]);

    for origin in [GLOBAL, ADMIN, EVIL] {
        let res = send(actual(&server, "GET", "/slow", origin)).await;
        assert_eq!(res.status, StatusCode::REQUEST_TIMEOUT, "{origin}");
        res.assert_cors(&[("vary", "origin")]);
    }
}

#[tokio::test]
async fn caught_panic_500_on_boom_carries_the_routes_grant_and_none_for_other_origins() {
    let server = start();
    // GET /boom, Origin: app: the handler panics, CatchPanicLayer answers.
    let res = send(actual(&server, "GET", "/boom", APP)).await;
    assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    res.assert_cors(&[("access-control-allow-origin", APP), ("vary", "origin")]);

    for origin in [GLOBAL, ADMIN, EVIL] {
        let res = send(actual(&server, "GET", "/boom", origin)).await;
        assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR, "{origin}");
        res.assert_cors(&[("vary", "origin")]);
    }
    // The server survived the panics.
    let res = send(actual(&server, "GET", "/users", APP)).await;
    assert_eq!(res.body, "users");
}

#[tokio::test]
async fn slow_and_boom_preflights_are_answered_without_their_handlers_or_middleware() {
    let server = start();
    for path in ["/slow", "/boom"] {
        let started = Instant::now();
        let res = send(
            preflight(&server, path, APP, "GET")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert!(
            started.elapsed() < Duration::from_millis(1500),
            "{path}: {:?}",
            started.elapsed()
        );
        // Not a 408 and not a 500: route-cors answered first.
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{path}");
        res.assert_cors(&[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "GET"),
            ("vary", PREFLIGHT_VARY),
        ]);
        assert_absent(&res, "allow");
    }
}

#[tokio::test]
async fn unrouted_path_404_gets_the_global_default_for_preflights_and_actual_requests() {
    let server = start();
    // /nope matches no route; /api/v1/nope is under the nested router but
    // matches none of its routes either.
    for path in ["/nope", "/api/v1/nope"] {
        // Preflight: OPTIONS, Origin: global, POST with content-type.
        let req = preflight(&server, path, GLOBAL, "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap();
        let res = send(req).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{path}");
        res.assert_cors(&[
            ("access-control-allow-origin", GLOBAL),
            ("access-control-allow-methods", "POST"),
            ("access-control-allow-headers", "content-type"),
            ("vary", PREFLIGHT_VARY),
        ]);
        assert_absent(&res, "allow");

        // The default's limits hold: another origin, or a method it does
        // not allow, is refused.
        for (origin, method) in [(APP, "GET"), (ADMIN, "POST"), (GLOBAL, "DELETE")] {
            let res = send(
                preflight(&server, path, origin, method)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
            assert_eq!(
                res.status,
                StatusCode::FORBIDDEN,
                "{path} {origin} {method}"
            );
            res.assert_cors(&[("vary", PREFLIGHT_VARY)]);
            assert_absent(&res, "allow");
        }

        // Actual: GET, Origin: global -> 404 with the default's grant.
        let res = send(actual(&server, "GET", path, GLOBAL)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        res.assert_cors(&[("access-control-allow-origin", GLOBAL), ("vary", "origin")]);
        // ...and none for another origin.
        for origin in [APP, ADMIN, EVIL] {
            let res = send(actual(&server, "GET", path, origin)).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{path} {origin}");
            res.assert_cors(&[("vary", "origin")]);
        }
    }
}

#[tokio::test]
async fn methods_without_a_policy_on_users_get_the_global_default_not_the_other_methods_policies() {
    let server = start();
    // DELETE /users is a plain handler; PATCH /users has no handler at all.
    // The global default allows GET and POST only, so its verdict on either
    // is a refusal for every origin, its own included. What shows that the
    // default decides, and not GET's policy (app origin) or POST's
    // (credentialed admin origin): neither of their origins gets a grant,
    // and the answer still varies on the origin (a policy judged it).
    for method in ["DELETE", "PATCH"] {
        for origin in [GLOBAL, APP, ADMIN] {
            let res = send(
                preflight(&server, "/users", origin, method)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{method} from {origin}");
            res.assert_cors(&[("vary", PREFLIGHT_VARY)]);
            assert_absent(&res, "allow");
        }
    }
    // Sent by pages on these origins, both writes are refused by the
    // default's verdict: its origin, then its methods.
    for method in ["DELETE", "PATCH"] {
        for origin in [GLOBAL, APP, ADMIN] {
            let res = send(actual(&server, method, "/users", origin)).await;
            assert_eq!(res.status, StatusCode::FORBIDDEN, "{method} from {origin}");
            let check = if origin == GLOBAL {
                format!("method {method} not allowed")
            } else {
                "origin not allowed".to_owned()
            };
            assert_eq!(res.body, format!("cross-origin write refused: {check}"));
            res.assert_cors(&[("vary", "origin")]);
        }
    }
    // The same requests from no page reach the app, under the default.
    let req = Request::delete(server.url("/users"))
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "deleted");
    res.assert_cors(&[("vary", "origin")]);
    // axum's 405 for the unrouted method keeps its Allow: this is an
    // actual request, not a preflight.
    let req = Request::patch(server.url("/users"))
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers["allow"], "GET,HEAD,POST,DELETE");
    res.assert_cors(&[("vary", "origin")]);
}

#[tokio::test]
async fn nested_api_v1_users_gets_its_own_policy_not_the_default_or_top_level_users() {
    let server = start();
    // GET /api/v1/users, Origin: admin -> granted, without credentials.
    let res = send(actual(&server, "GET", "/api/v1/users", ADMIN)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "v1 users");
    res.assert_cors(&[("access-control-allow-origin", ADMIN), ("vary", "origin")]);
    // Top-level GET /users' origin (app) and the default's (global) get
    // nothing.
    for origin in [APP, GLOBAL] {
        let res = send(actual(&server, "GET", "/api/v1/users", origin)).await;
        assert_eq!(res.body, "v1 users", "{origin}");
        res.assert_cors(&[("vary", "origin")]);
    }

    let res = send(
        preflight(&server, "/api/v1/users", ADMIN, "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    res.assert_cors(&[
        ("access-control-allow-origin", ADMIN),
        ("access-control-allow-methods", "GET"),
        ("vary", PREFLIGHT_VARY),
    ]);
    assert_absent(&res, "allow");
    for origin in [APP, GLOBAL] {
        let res = send(
            preflight(&server, "/api/v1/users", origin, "GET")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{origin}");
        res.assert_cors(&[("vary", PREFLIGHT_VARY)]);
        assert_absent(&res, "allow");
    }
}

#[tokio::test]
async fn no_preflight_answer_granted_or_refused_carries_allow_or_www_authenticate() {
    let server = start();
    let cases: &[(&str, &str, &str, &str, StatusCode)] = &[
        // (path, origin, requested method, requested headers, status)
        ("/users", APP, "GET", "", StatusCode::NO_CONTENT),
        (
            "/users",
            ADMIN,
            "POST",
            "content-type",
            StatusCode::NO_CONTENT,
        ),
        ("/users", APP, "POST", "", StatusCode::FORBIDDEN),
        ("/users", GLOBAL, "DELETE", "", StatusCode::FORBIDDEN),
        ("/users", GLOBAL, "PATCH", "", StatusCode::FORBIDDEN),
        (
            "/secure",
            ADMIN,
            "GET",
            "authorization",
            StatusCode::NO_CONTENT,
        ),
        (
            "/secure",
            ADMIN,
            "POST",
            "authorization",
            StatusCode::NO_CONTENT,
        ),
        ("/secure", ADMIN, "PUT", "", StatusCode::FORBIDDEN),
        ("/secure", ADMIN, "GET", "x-foo", StatusCode::FORBIDDEN),
        ("/secure", GLOBAL, "GET", "", StatusCode::FORBIDDEN),
        ("/slow", APP, "GET", "", StatusCode::NO_CONTENT),
        ("/boom", APP, "GET", "", StatusCode::NO_CONTENT),
        ("/boom", GLOBAL, "GET", "", StatusCode::FORBIDDEN),
        ("/api/v1/users", ADMIN, "GET", "", StatusCode::NO_CONTENT),
        (
            "/plain",
            GLOBAL,
            "POST",
            "content-type",
            StatusCode::NO_CONTENT,
        ),
        ("/nope", GLOBAL, "GET", "", StatusCode::NO_CONTENT),
        ("/nope", EVIL, "GET", "", StatusCode::FORBIDDEN),
    ];
    for &(path, origin, method, headers, status) in cases {
        let mut req = preflight(&server, path, origin, method);
        if !headers.is_empty() {
            req = req.header("access-control-request-headers", headers);
        }
        let res = send(req.body(Body::empty()).unwrap()).await;
        let what = format!("preflight {method} {path} from {origin}");
        assert_eq!(res.status, status, "{what}");
        assert_absent(&res, "allow");
        assert_absent(&res, "www-authenticate");
    }
}

#[tokio::test]
async fn every_origin_dependent_answer_varies_on_origin_refusals_included() {
    let server = start();
    // Actual requests: (method, path, origin, status), granted or not.
    let actuals: &[(&str, &str, &str, StatusCode)] = &[
        ("GET", "/secure", ADMIN, StatusCode::UNAUTHORIZED),
        ("GET", "/secure", GLOBAL, StatusCode::UNAUTHORIZED),
        // A cross-origin write the policy does not grant: refused first.
        ("POST", "/secure", EVIL, StatusCode::FORBIDDEN),
        ("GET", "/slow", APP, StatusCode::REQUEST_TIMEOUT),
        ("GET", "/slow", GLOBAL, StatusCode::REQUEST_TIMEOUT),
        ("GET", "/boom", APP, StatusCode::INTERNAL_SERVER_ERROR),
        ("GET", "/boom", GLOBAL, StatusCode::INTERNAL_SERVER_ERROR),
        ("GET", "/nope", GLOBAL, StatusCode::NOT_FOUND),
        ("GET", "/nope", EVIL, StatusCode::NOT_FOUND),
        ("DELETE", "/users", GLOBAL, StatusCode::FORBIDDEN),
        ("PATCH", "/users", GLOBAL, StatusCode::FORBIDDEN),
        ("GET", "/api/v1/users", ADMIN, StatusCode::OK),
        ("GET", "/api/v1/users", APP, StatusCode::OK),
        ("GET", "/users", EVIL, StatusCode::OK),
        ("GET", "/plain", APP, StatusCode::OK),
    ];
    for &(method, path, origin, status) in actuals {
        let res = send(actual(&server, method, path, origin)).await;
        let what = format!("{method} {path} from {origin}");
        assert_eq!(res.status, status, "{what}");
        assert_varies_on_origin(&res, &what);
    }
    // Preflights, granted and refused.
    let preflights: &[(&str, &str, &str, StatusCode)] = &[
        ("/secure", ADMIN, "GET", StatusCode::NO_CONTENT),
        ("/secure", GLOBAL, "GET", StatusCode::FORBIDDEN),
        ("/nope", GLOBAL, "GET", StatusCode::NO_CONTENT),
        ("/nope", APP, "GET", StatusCode::FORBIDDEN),
        ("/users", GLOBAL, "PATCH", StatusCode::FORBIDDEN),
        ("/api/v1/users", APP, "GET", StatusCode::FORBIDDEN),
    ];
    for &(path, origin, method, status) in preflights {
        let res = send(
            preflight(&server, path, origin, method)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        let what = format!("preflight {method} {path} from {origin}");
        assert_eq!(res.status, status, "{what}");
        assert_varies_on_origin(&res, &what);
    }
}

// Explaining refusals (CONFORMANCE.md): the 403 says which check failed,
// and `RUST_LOG=route_cors=debug` writes each refusal to stderr.

#[tokio::test]
async fn refused_preflights_name_the_failed_check_in_a_text_plain_body() {
    let server = start();
    for (req, reason) in [
        (
            preflight(&server, "/users", "http://evil.localhost:8001", "GET"),
            "origin not allowed",
        ),
        (
            // No handler for PATCH: the global default decides, and it
            // allows GET and POST.
            preflight(&server, "/users", "http://global.localhost:8001", "PATCH"),
            "method PATCH not allowed",
        ),
        (
            preflight(&server, "/users", "http://admin.localhost:8001", "POST")
                .header("access-control-request-headers", "content-type, x-foo"),
            "header x-foo not allowed",
        ),
    ] {
        let res = send(req.body(Body::empty()).unwrap()).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{reason}");
        assert_eq!(res.headers["content-type"], "text/plain; charset=utf-8");
        assert_eq!(res.body, reason);
        assert!(
            !res.body.contains("localhost"),
            "the origin is never repeated"
        );
        assert_absent(&res, "access-control-allow-origin");
    }
}

#[tokio::test]
async fn with_rust_log_debug_each_refusal_is_written_to_stderr_with_path_method_origin_and_check() {
    let server = ConformanceServer::start_logging(Duration::from_secs(30), "route_cors=debug")
        .unwrap_or_else(|e| panic!("{e}"));
    let req = preflight(&server, "/users", "http://admin.localhost:8001", "POST")
        .header("access-control-request-headers", "content-type, x-foo")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(req).await.status, StatusCode::FORBIDDEN);
    let res = send(actual(
        &server,
        "GET",
        "/users",
        "http://evil.localhost:8001",
    ))
    .await;
    assert_absent(&res, "access-control-allow-origin");

    let deadline = Instant::now() + Duration::from_secs(5);
    let (preflight_line, actual_line) = loop {
        let lines = server.stderr();
        let find = |needle: &str| lines.iter().find(|l| l.contains(needle)).cloned();
        if let (Some(p), Some(a)) = (
            find("preflight refused"),
            find("actual request gets no grant"),
        ) {
            break (p, a);
        }
        assert!(
            Instant::now() < deadline,
            "no refusal events on stderr: {lines:#?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    for field in [
        "route_cors",
        "path=\"/users\"",
        "method=POST",
        "admin.localhost:8001",
        "check=\"header\"",
        "header x-foo not allowed",
        "allowed=headers: content-type, x-token",
    ] {
        assert!(
            preflight_line.contains(field),
            "{field} in {preflight_line}"
        );
    }
    for field in [
        "path=\"/users\"",
        "method=\"GET\"",
        "evil.localhost:8001",
        "check=\"origin\"",
        "allowed=origins: http://app.localhost:8001",
    ] {
        assert!(actual_line.contains(field), "{field} in {actual_line}");
    }
}

// Run-time policies (CONFORMANCE.md): `/partner` under the policy named
// `partner`, `CORS_CONFIG`, and `SIGHUP`.

/// A file of its own for one test, removed when dropped.
struct ConfigFile(std::path::PathBuf);

impl ConfigFile {
    fn new(name: &str, json: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("route-cors-{name}-{}.json", std::process::id()));
        std::fs::write(&path, json).unwrap();
        ConfigFile(path)
    }

    fn write(&self, json: &str) {
        std::fs::write(&self.0, json).unwrap();
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for ConfigFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn partner_grant(server: &ConformanceServer, origin: &str) -> Option<String> {
    let res = send(actual(server, "GET", "/partner", origin)).await;
    assert_eq!(res.body, "partner");
    res.headers
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn partner_gets_the_built_in_partner_policy_without_cors_config() {
    let server = start();
    assert_eq!(
        partner_grant(&server, "http://admin.localhost:8001")
            .await
            .as_deref(),
        Some("http://admin.localhost:8001")
    );
    assert_eq!(partner_grant(&server, APP).await, None);
    assert_eq!(
        partner_grant(&server, "http://global.localhost:8001").await,
        None
    );
    let req = preflight(&server, "/partner", "http://admin.localhost:8001", "GET")
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    res.assert_cors(&[
        ("access-control-allow-origin", "http://admin.localhost:8001"),
        ("access-control-allow-methods", "GET"),
        ("vary", PREFLIGHT_VARY),
    ]);
}

#[tokio::test]
async fn sighup_reloads_default_and_partner_together_and_refuses_an_invalid_file() {
    let config = ConfigFile::new(
        "reload",
        r#"{"partner": {"origins": ["http://app.localhost:8001"]}}"#,
    );
    let server = ConformanceServer::start_with_env(
        Duration::from_secs(30),
        &[("CORS_CONFIG", config.path())],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(partner_grant(&server, APP).await.as_deref(), Some(APP));
    // The default the file leaves out is the built-in one.
    let res = send(actual(
        &server,
        "GET",
        "/plain",
        "http://global.localhost:8001",
    ))
    .await;
    assert_eq!(
        res.headers["access-control-allow-origin"],
        "http://global.localhost:8001"
    );

    config.write(
        r#"{"default": {"origins": ["http://app.localhost:8001"]},
            "partner": {"origins": ["http://admin.localhost:8001"]},
            "unused": {"origins": ["https://unused.example.com"]}}"#,
    );
    server.hang_up();
    server
        .wait_for_stderr("reloaded", Duration::from_secs(5))
        .unwrap_or_else(|lines| panic!("no reload line: {lines:#?}"));
    assert_eq!(
        partner_grant(&server, "http://admin.localhost:8001")
            .await
            .as_deref(),
        Some("http://admin.localhost:8001")
    );
    assert_eq!(partner_grant(&server, APP).await, None);
    let res = send(actual(&server, "GET", "/plain", APP)).await;
    assert_eq!(res.headers["access-control-allow-origin"], APP);
    let res = send(actual(
        &server,
        "GET",
        "/plain",
        "http://global.localhost:8001",
    ))
    .await;
    assert_absent(&res, "access-control-allow-origin");
    // Routes with their own policy did not change.
    let res = send(actual(&server, "GET", "/users", APP)).await;
    assert_eq!(res.headers["access-control-allow-origin"], APP);

    config.write(r#"{"partner": {"origins": ["http://evil.localhost:8001/"], "max_age": 100000}}"#);
    server.hang_up();
    let refused = server
        .wait_for_stderr("refused", Duration::from_secs(5))
        .unwrap_or_else(|lines| panic!("no refusal line: {lines:#?}"));
    let all = server.stderr().join("\n");
    assert!(all.contains("[origin-trailing-slash]"), "{refused}\n{all}");
    assert!(all.contains("[max-age-too-large]"), "{all}");
    // The policies in force stay, and the server keeps serving.
    assert_eq!(
        partner_grant(&server, "http://admin.localhost:8001")
            .await
            .as_deref(),
        Some("http://admin.localhost:8001")
    );
    assert_eq!(
        partner_grant(&server, "http://evil.localhost:8001").await,
        None
    );
}

#[tokio::test]
async fn sighup_without_cors_config_reloads_nothing_and_says_so() {
    let server = ConformanceServer::start_with_env(Duration::from_secs(30), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    server.hang_up();
    let line = server
        .wait_for_stderr("CORS_CONFIG", Duration::from_secs(5))
        .unwrap_or_else(|lines| panic!("nothing said: {lines:#?}"));
    assert!(line.contains("nothing to reload"), "{line}");
    assert_eq!(
        partner_grant(&server, "http://admin.localhost:8001")
            .await
            .as_deref(),
        Some("http://admin.localhost:8001")
    );
}

#[test]
fn an_invalid_cors_config_at_start_up_prints_every_broken_rule_and_exits_1() {
    let config = ConfigFile::new(
        "invalid",
        r#"{"default": {"origins": ["HTTP://App.localhost:8001"]},
            "partner": {"origins": "*", "credentials": true, "methods": ["get"]}}"#,
    );
    let (code, stderr) =
        server::run_to_exit(&[("CORS_CONFIG", config.path())], Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code, Some(1), "{stderr}");
    for rule in [
        "[origin-uppercase]",
        "[any-origin-with-credentials]",
        "[method-lowercase]",
    ] {
        assert!(stderr.contains(rule), "{rule} in {stderr}");
    }
    for broken in [r#"{"partner": "#, "{not json"] {
        config.write(broken);
        let (code, stderr) =
            server::run_to_exit(&[("CORS_CONFIG", config.path())], Duration::from_secs(30))
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains("not a JSON object"), "{stderr}");
    }
    let (code, stderr) = server::run_to_exit(
        &[("CORS_CONFIG", "/nonexistent/route-cors.json")],
        Duration::from_secs(30),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("cannot read CORS_CONFIG"), "{stderr}");
}

/// A form `POST` as Chromium and Firefox send it from a page on `origin`.
fn form_post(server: &ConformanceServer, path: &str, origin: &str) -> Request<Body> {
    Request::post(server.url(path))
        .header("origin", origin)
        .header("sec-fetch-site", "cross-site")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("transfer=all"))
        .unwrap()
}

#[tokio::test]
async fn a_form_post_to_users_from_a_refused_origin_never_reaches_the_handler() {
    let server = start();
    let res = send(form_post(&server, "/users", EVIL)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.headers["content-type"], "text/plain; charset=utf-8");
    res.assert_cors(&[("vary", "origin")]);
    assert_eq!(res.body, "cross-origin write refused: origin not allowed");
    // The route's own origin: the handler echoes the body, granted.
    let res = send(form_post(&server, "/users", ADMIN)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "transfer=all");
    res.assert_cors(&[
        ("access-control-allow-origin", ADMIN),
        ("access-control-allow-credentials", "true"),
        ("vary", "origin"),
    ]);
    // From the page's own origin, whatever its `Origin`: the handler runs.
    let req = Request::post(server.url("/users"))
        .header("origin", EVIL)
        .header("sec-fetch-site", "same-origin")
        .body(Body::from("mine"))
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "mine");
    res.assert_cors(&[("vary", "origin")]);
}

#[tokio::test]
async fn callback_takes_writes_from_any_origin_and_grants_reads_to_its_own() {
    let server = start();
    let res = send(form_post(&server, "/callback", EVIL)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "transfer=all");
    res.assert_cors(&[("vary", "origin")]);
    let res = send(form_post(&server, "/callback", APP)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, "transfer=all");
    res.assert_cors(&[("access-control-allow-origin", APP), ("vary", "origin")]);
}

/// `/items/{id}` serves only `PUT`: a preflight for `POST` is refused even
/// from the default's origin, which the default would grant; the actual
/// `POST` gets axum's `405` with the default's grant, for the page to read.
#[tokio::test]
async fn a_preflight_for_a_method_no_handler_serves_is_refused_whatever_the_default_allows() {
    let server = start();
    let res = send(
        preflight(&server, "/items/1", GLOBAL, "POST")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.body, "method POST not allowed");
    res.assert_cors(&[("vary", PREFLIGHT_VARY)]);
    assert_absent(&res, "allow");
    let res = send(actual(&server, "POST", "/items/1", GLOBAL)).await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers["allow"], "PUT");
    res.assert_cors(&[("access-control-allow-origin", GLOBAL), ("vary", "origin")]);
    // `/plain` is a plain axum `MethodRouter`: route-cors cannot see its
    // methods, so the default keeps deciding them.
    let res = send(
        preflight(&server, "/plain", GLOBAL, "POST")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
}
