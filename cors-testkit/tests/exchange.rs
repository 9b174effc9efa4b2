//! The exchange, driven by hand through the public API: for each `fetch()`,
//! the exact requests a browser sends, and its verdict on the answers a test
//! server gives back. No transport: the server is a function.

use std::time::Duration;

use axum::body::Bytes;
use http::{HeaderName, Method, Request, Response};
use route_cors_testkit::{Browser, Fetch, Readability, Reason, Stage, Verdict};

const PAGE: &str = "https://app.example.com";

fn answer(status: u16, headers: &[(&str, &str)], body: &'static str) -> Response<Bytes> {
    let mut response = Response::builder().status(status);
    for (name, value) in headers {
        response = response.header(*name, *value);
    }
    response.body(Bytes::from_static(body.as_bytes())).unwrap()
}

/// Runs `fetch` against `server`, returning the requests it sent and
/// the verdict.
fn run(
    browser: &Browser,
    fetch: Fetch,
    server: impl Fn(&Request<Bytes>) -> Response<Bytes>,
) -> (Vec<Request<Bytes>>, Verdict) {
    let mut exchange = browser.exchange(fetch);
    let mut sent = Vec::new();
    while let Some(request) = exchange.next_request() {
        exchange.receive(server(&request));
        sent.push(request);
    }
    (sent, exchange.finish())
}

/// A server that grants every preflight `grants` and answers the actual
/// request `200 "ok"` with `actual` headers.
fn server<'a>(
    grants: &'a [(&'a str, &'a str)],
    actual: &'a [(&'a str, &'a str)],
) -> impl Fn(&Request<Bytes>) -> Response<Bytes> + 'a {
    move |request| {
        if request.method() == Method::OPTIONS {
            answer(204, grants, "")
        } else {
            answer(200, actual, "ok")
        }
    }
}

fn names(request: &Request<Bytes>) -> Vec<&str> {
    let mut names: Vec<&str> = request.headers().keys().map(HeaderName::as_str).collect();
    names.sort_unstable();
    names
}

#[test]
fn a_simple_get_is_sent_without_a_preflight_with_origin_and_accept() {
    let (sent, verdict) = run(
        &Browser::chromium(),
        Fetch::get(PAGE, "/items"),
        server(&[], &[("access-control-allow-origin", PAGE)]),
    );
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method(), Method::GET);
    assert_eq!(
        names(&sent[0]),
        [
            "accept",
            "origin",
            "sec-fetch-dest",
            "sec-fetch-mode",
            "sec-fetch-site"
        ]
    );
    assert_eq!(sent[0].headers()["origin"], PAGE);
    assert_eq!(sent[0].headers()["sec-fetch-site"], "cross-site");
    assert_eq!(sent[0].headers()["sec-fetch-mode"], "cors");
    assert_eq!(sent[0].headers()["sec-fetch-dest"], "empty");
    assert_eq!(sent[0].headers()["accept"], "*/*");
    assert!(verdict.preflight().is_none());
    assert_eq!(verdict.assert_allowed().text(), "ok");
}

#[test]
fn credentials_alone_do_not_cause_a_preflight() {
    let fetch = Fetch::get(PAGE, "/me").credentials(true);
    let exchange = Browser::chromium().exchange(fetch);
    assert!(!exchange.needs_preflight());
}

#[test]
fn safelisted_headers_and_a_form_post_need_no_preflight() {
    let fetch = Fetch::new(PAGE, Method::POST, "/form")
        .header("accept", "application/json")
        .header("accept-language", "en-US,en;q=0.9")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("range", "bytes=0-99")
        .body("a=1");
    assert!(!Browser::firefox().exchange(fetch).needs_preflight());
    let text = Fetch::new(PAGE, Method::POST, "/notes").text("a note");
    assert!(!Browser::chromium().exchange(text).needs_preflight());
}

#[test]
fn the_preflight_names_the_unsafe_headers_lowercase_sorted_and_carries_nothing_else() {
    let fetch = Fetch::new(PAGE, Method::POST, "/users")
        .header("X-Token", "secret")
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .header("x-b", "1")
        .text("{}")
        .cookie("session=1")
        .credentials(true);
    let grants = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-headers", "Content-Type, X-Token, x-b"),
    ];
    let (sent, verdict) = run(&Browser::chromium(), fetch, server(&grants, &grants[..2]));
    let preflight = &sent[0];
    assert_eq!(preflight.method(), Method::OPTIONS);
    assert_eq!(preflight.uri(), "/users");
    assert_eq!(
        names(preflight),
        [
            "accept",
            "access-control-request-headers",
            "access-control-request-method",
            "origin",
            "sec-fetch-dest",
            "sec-fetch-mode",
            "sec-fetch-site"
        ]
    );
    assert_eq!(
        preflight.headers()["access-control-request-headers"],
        "content-type,x-b,x-token"
    );
    assert_eq!(preflight.headers()["access-control-request-method"], "POST");
    assert!(preflight.body().is_empty());
    let actual = &sent[1];
    assert_eq!(
        names(actual),
        [
            "accept",
            "content-type",
            "cookie",
            "origin",
            "sec-fetch-dest",
            "sec-fetch-mode",
            "sec-fetch-site",
            "x-b",
            "x-token"
        ]
    );
    assert_eq!(actual.headers()["cookie"], "session=1");
    assert_eq!(actual.headers()["accept"], "application/json");
    assert_eq!(actual.body(), "{}");
    verdict.assert_allowed();
}

#[test]
fn cookies_are_sent_only_with_credentials() {
    let (sent, _) = run(
        &Browser::chromium(),
        Fetch::get(PAGE, "/").cookie("session=1"),
        server(&[], &[]),
    );
    assert!(!sent[0].headers().contains_key("cookie"));
}

#[test]
fn chromium_sends_private_network_preflights_when_asked_and_firefox_never() {
    let grants = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-private-network", "true"),
    ];
    let chromium = Browser::chromium().private_network_access(true);
    let (sent, verdict) = run(
        &chromium,
        Fetch::get(PAGE, "/device"),
        server(&grants, &grants[..1]),
    );
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[0].headers()["access-control-request-private-network"],
        "true"
    );
    assert_eq!(sent[0].headers()["access-control-request-method"], "GET");
    assert!(!sent[0]
        .headers()
        .contains_key("access-control-request-headers"));
    verdict.assert_allowed();

    let firefox = Browser::firefox().private_network_access(true);
    let (sent, _) = run(
        &firefox,
        Fetch::get(PAGE, "/device"),
        server(&grants, &grants[..1]),
    );
    assert_eq!(sent.len(), 1);
    assert!(!firefox.sends_private_network_preflights());
}

#[test]
fn a_private_network_preflight_without_the_grant_is_blocked() {
    let chromium = Browser::chromium().private_network_access(true);
    let grants = [("access-control-allow-origin", PAGE)];
    let (sent, verdict) = run(
        &chromium,
        Fetch::get(PAGE, "/device"),
        server(&grants, &grants),
    );
    assert_eq!(sent.len(), 1);
    assert_eq!(
        verdict.assert_blocked().reason(),
        &Reason::PrivateNetworkNotAllowed(None)
    );
}

#[test]
fn a_refused_preflight_without_allow_origin_is_blocked_for_the_missing_origin() {
    let (sent, verdict) = run(
        &Browser::chromium(),
        Fetch::new(PAGE, Method::PUT, "/items/7"),
        |_| answer(403, &[("vary", "origin")], "origin not allowed"),
    );
    assert_eq!(sent.len(), 1, "the actual request is never sent");
    let blocked = verdict.assert_blocked();
    assert_eq!(blocked.stage(), Stage::Preflight);
    assert_eq!(blocked.reason(), &Reason::AllowOriginMissing);
    assert_eq!(blocked.status(), Some(http::StatusCode::FORBIDDEN));
    assert_eq!(blocked.body(), "origin not allowed");
    assert_eq!(
        verdict.to_string(),
        "Chromium: blocked at the preflight (status 403 Forbidden): \
         Access-Control-Allow-Origin is missing"
    );
    assert_eq!(verdict.preflight().unwrap().cached_for(), Duration::ZERO);
}

#[test]
fn a_preflight_answered_with_grants_and_a_401_is_not_ok() {
    let grants = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-methods", "PUT"),
    ];
    let (_, verdict) = run(
        &Browser::firefox(),
        Fetch::new(PAGE, Method::PUT, "/items/7"),
        |_| answer(401, &grants, "unauthorized"),
    );
    assert_eq!(
        verdict.assert_blocked().reason().to_string(),
        "preflight response status 401 is not ok"
    );
}

#[test]
fn a_preflight_with_allow_origin_for_another_origin_is_a_mismatch() {
    let grants = [("access-control-allow-origin", "https://other.example")];
    let (_, verdict) = run(
        &Browser::chromium(),
        Fetch::new(PAGE, Method::DELETE, "/"),
        server(&grants, &grants),
    );
    assert_eq!(
        verdict.assert_blocked().reason().to_string(),
        "Access-Control-Allow-Origin is `https://other.example`, not the page's origin \
         `https://app.example.com`"
    );
}

#[test]
fn a_method_missing_from_allow_methods_is_blocked_and_safelisted_ones_need_not_be_listed() {
    let grants = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-methods", "GET, PUT"),
        ("access-control-allow-headers", "x-token"),
    ];
    let (_, verdict) = run(
        &Browser::chromium(),
        Fetch::new(PAGE, Method::DELETE, "/"),
        server(&grants, &grants),
    );
    assert_eq!(
        verdict.assert_blocked().reason(),
        &Reason::MethodNotAllowed {
            method: Method::DELETE,
            wildcard_ignored: false
        }
    );
    // POST with a custom header is preflighted, and POST need not be listed.
    let (_, verdict) = run(
        &Browser::chromium(),
        Fetch::new(PAGE, Method::POST, "/").header("x-token", "1"),
        server(&grants, &grants),
    );
    verdict.assert_allowed();
}

#[test]
fn a_wildcard_method_counts_only_without_credentials() {
    let grants = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "*"),
    ];
    let browser = Browser::firefox();
    let (_, verdict) = run(
        &browser,
        Fetch::new(PAGE, Method::PATCH, "/"),
        server(&grants, &grants),
    );
    verdict.assert_allowed();
    let credentialed = Fetch::new(PAGE, Method::PATCH, "/").credentials(true);
    let (_, verdict) = run(&browser, credentialed, server(&grants, &grants));
    assert_eq!(
        verdict.assert_blocked().reason().to_string(),
        "method PATCH is not allowed by Access-Control-Allow-Methods in the preflight \
         response (its `*` does not count for a credentialed request)"
    );
}

#[test]
fn chromium_uppercases_a_lowercase_patch_and_firefox_does_not() {
    let grants = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-methods", "PATCH"),
    ];
    let patch = || Fetch::new(PAGE, Method::from_bytes(b"patch").unwrap(), "/");
    let (sent, verdict) = run(&Browser::chromium(), patch(), server(&grants, &grants));
    assert_eq!(sent[0].headers()["access-control-request-method"], "patch");
    verdict.assert_allowed();
    let (_, verdict) = run(&Browser::firefox(), patch(), server(&grants, &grants));
    assert_eq!(
        verdict.assert_blocked().reason().to_string(),
        "method patch is not allowed by Access-Control-Allow-Methods in the preflight response"
    );
}

#[test]
fn a_wildcard_header_never_covers_authorization() {
    let grants = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-headers", "*"),
    ];
    let fetch = Fetch::get(PAGE, "/")
        .header("x-token", "1")
        .header("authorization", "Bearer t");
    let (_, verdict) = run(&Browser::chromium(), fetch, server(&grants, &grants));
    assert_eq!(
        verdict.assert_blocked().reason().to_string(),
        "request header authorization is not allowed by Access-Control-Allow-Headers in \
         the preflight response (`*` never covers authorization: it must be listed)"
    );
    let (_, verdict) = run(
        &Browser::chromium(),
        Fetch::get(PAGE, "/").header("x-token", "1"),
        server(&grants, &grants),
    );
    verdict.assert_allowed();
}

#[test]
fn a_wildcard_header_counts_only_without_credentials() {
    let grants = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-headers", "*"),
    ];
    let fetch = Fetch::get(PAGE, "/")
        .header("x-token", "1")
        .credentials(true);
    let (_, verdict) = run(&Browser::firefox(), fetch, server(&grants, &grants));
    assert_eq!(
        verdict.assert_blocked().reason(),
        &Reason::HeaderNotAllowed {
            header: HeaderName::from_static("x-token"),
            wildcard_ignored: true
        }
    );
}

#[test]
fn an_unparsable_allow_headers_blocks_the_preflight() {
    let grants = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-headers", "x-token; x-b"),
    ];
    let fetch = Fetch::get(PAGE, "/").header("x-token", "1");
    let (_, verdict) = run(&Browser::chromium(), fetch, server(&grants, &grants));
    assert_eq!(
        verdict.assert_blocked().reason(),
        &Reason::InvalidAllowHeaders("x-token; x-b".into())
    );
}

#[test]
fn a_passed_preflight_does_not_excuse_the_actual_response() {
    let grants = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-methods", "PUT"),
    ];
    let (sent, verdict) = run(
        &Browser::chromium(),
        Fetch::new(PAGE, Method::PUT, "/"),
        server(&grants, &[]),
    );
    assert_eq!(sent.len(), 2);
    let blocked = verdict.assert_blocked();
    assert_eq!(blocked.stage(), Stage::Actual);
    assert_eq!(
        verdict.to_string(),
        "Chromium: blocked at the response (status 200 OK): Access-Control-Allow-Origin is missing"
    );
}

#[test]
fn an_error_status_passes_the_cors_check_and_the_page_reads_it() {
    let (_, verdict) = run(&Browser::chromium(), Fetch::get(PAGE, "/"), |_| {
        answer(500, &[("access-control-allow-origin", "*")], "boom")
    });
    let allowed = verdict.assert_allowed();
    assert_eq!(allowed.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(allowed.text(), "boom");
}

#[test]
fn the_preflight_cache_is_capped_per_engine() {
    let grants = [
        ("access-control-allow-origin", PAGE),
        ("access-control-allow-methods", "PUT"),
        ("access-control-max-age", "86400"),
    ];
    for (browser, seconds) in [(Browser::chromium(), 7200), (Browser::firefox(), 86400)] {
        let (_, verdict) = run(
            &browser,
            Fetch::new(PAGE, Method::PUT, "/"),
            server(&grants, &grants),
        );
        assert_eq!(
            verdict.preflight().unwrap().cached_for(),
            Duration::from_secs(seconds)
        );
    }
}

#[test]
fn forbidden_methods_and_a_body_on_get_throw_before_sending() {
    let (sent, verdict) = run(
        &Browser::chromium(),
        Fetch::new(PAGE, Method::TRACE, "/"),
        server(&[], &[]),
    );
    assert!(sent.is_empty());
    assert_eq!(verdict.assert_blocked().stage(), Stage::Script);
    assert_eq!(
        verdict.to_string(),
        "Chromium: blocked before sending: fetch() throws a TypeError: method TRACE is forbidden"
    );
    let (sent, verdict) = run(
        &Browser::firefox(),
        Fetch::get(PAGE, "/").text("no"),
        server(&[], &[]),
    );
    assert!(sent.is_empty());
    assert_eq!(
        verdict.assert_blocked().reason(),
        &Reason::BodyWithGetOrHead
    );
}

#[test]
fn a_network_error_blocks_the_request() {
    let mut exchange = Browser::chromium().exchange(Fetch::get(PAGE, "/"));
    exchange.next_request().unwrap();
    exchange.fail("connection refused");
    assert!(exchange.next_request().is_none());
    let verdict = exchange.finish();
    assert_eq!(
        verdict.to_string(),
        "Chromium: blocked: the request failed: connection refused"
    );
}

fn readable(credentials: bool, expose: &'static str) -> Verdict {
    let origin = if credentials { PAGE } else { "*" };
    let fetch = Fetch::get(PAGE, "/").credentials(credentials);
    run(&Browser::chromium(), fetch, move |_| {
        answer(
            200,
            &[
                ("access-control-allow-origin", origin),
                ("access-control-allow-credentials", "true"),
                ("access-control-expose-headers", expose),
                ("content-type", "text/plain"),
                ("x-request-id", "7"),
                ("x-debug", "miss"),
                ("set-cookie", "a=b"),
            ],
            "ok",
        )
    })
    .1
}

#[test]
fn the_page_reads_safelisted_and_exposed_headers_only() {
    let verdict = readable(false, "x-request-id, set-cookie");
    assert_eq!(verdict.assert_may_read_header("content-type"), "text/plain");
    assert_eq!(verdict.assert_may_read_header("X-Request-Id"), "7");
    verdict.assert_may_not_read_header("x-debug");
    verdict.assert_may_not_read_header("set-cookie");
    verdict.assert_may_not_read_header("vary");
    let allowed = verdict.assert_allowed();
    assert_eq!(
        allowed.readable_header_names(),
        ["content-type", "x-request-id"]
    );
    assert_eq!(allowed.header("x-debug"), None);
    assert_eq!(
        allowed.readability(&HeaderName::from_static("set-cookie")),
        Readability::Forbidden
    );
    assert_eq!(
        verdict.to_string(),
        "Chromium: allowed (status 200 OK); the page may read content-type, x-request-id"
    );
}

#[test]
fn a_wildcard_exposes_everything_but_set_cookie_only_without_credentials() {
    let verdict = readable(false, "*");
    verdict.assert_may_read_header("x-debug");
    verdict.assert_may_not_read_header("set-cookie");
    let verdict = readable(true, "*");
    verdict.assert_may_not_read_header("x-debug");
    verdict.assert_may_read_header("content-type");
}

#[test]
#[should_panic(
    expected = "the page may not read x-debug from GET / from https://app.example.com: it is \
                not a CORS-safelisted response header, and Access-Control-Expose-Headers \
                (`x-request-id`) does not list x-debug"
)]
fn reading_an_unexposed_header_fails_naming_the_expose_list() {
    readable(false, "x-request-id").assert_may_read_header("x-debug");
}

#[test]
#[should_panic(
    expected = "Access-Control-Expose-Headers (`*`) does not list it, and its `*` does not \
                count for a credentialed request"
)]
fn reading_under_a_wildcard_with_credentials_fails_naming_the_wildcard() {
    readable(true, "*").assert_may_read_header("x-debug");
}

#[test]
#[should_panic(
    expected = "the page may read x-request-id from GET / from https://app.example.com: \
                Access-Control-Expose-Headers (`x-request-id`) lists it"
)]
fn not_reading_an_exposed_header_fails_naming_the_expose_list() {
    readable(false, "x-request-id").assert_may_not_read_header("x-request-id");
}

#[test]
#[should_panic(expected = "the response has no x-total-count header")]
fn reading_an_absent_header_fails_saying_so() {
    readable(false, "x-total-count").assert_may_read_header("x-total-count");
}

#[test]
#[should_panic(
    expected = "expected Chromium to allow PUT / from https://app.example.com, but it is \
                blocked at the preflight (status 403 Forbidden): Access-Control-Allow-Origin is \
                missing"
)]
fn asserting_allowed_on_a_blocked_request_names_the_failed_check() {
    let (_, verdict) = run(
        &Browser::chromium(),
        Fetch::new(PAGE, Method::PUT, "/"),
        |_| answer(403, &[], ""),
    );
    verdict.assert_allowed();
}

#[test]
#[should_panic(
    expected = "expected Firefox to block GET / from https://app.example.com, but it is \
                allowed (status 200 OK); the page may read content-type, x-request-id"
)]
fn asserting_blocked_on_an_allowed_request_says_what_the_page_gets() {
    let (_, verdict) = run(&Browser::firefox(), Fetch::get(PAGE, "/"), |_| {
        answer(
            200,
            &[
                ("access-control-allow-origin", "*"),
                ("access-control-expose-headers", "x-request-id"),
                ("content-type", "text/plain"),
                ("x-request-id", "1"),
            ],
            "",
        )
    });
    verdict.assert_blocked();
}

#[test]
#[should_panic(
    expected = "the page reads no header of GET / from https://app.example.com, \
                           x-debug included: it is blocked at the response"
)]
fn asserting_an_unreadable_header_on_a_blocked_request_fails() {
    let (_, verdict) = run(&Browser::chromium(), Fetch::get(PAGE, "/"), |_| {
        answer(200, &[("x-debug", "1")], "")
    });
    verdict.assert_may_not_read_header("x-debug");
}
