//! Cross-origin writes: where a policy decides, an unsafe request that a
//! browser sent from another origin, and that the policy does not grant
//! (origin or method), is refused with `403` before any middleware or
//! handler runs. Each test sends the headers a browser sends, and counts the
//! handler's runs.

#[path = "support/oneshot.rs"]
mod oneshot;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http::StatusCode;
use oneshot::{assert_cors, body_text, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, CorsRouter, Policies, Policy, PolicySet};

const APP: &str = "https://app.example.com";
const EVIL: &str = "https://evil.example";

/// How many times a handler ran.
#[derive(Clone, Default)]
struct Runs(Arc<AtomicUsize>);

impl Runs {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

#[cors(origins = ["https://app.example.com"], methods = [GET, POST, PUT, DELETE], credentials)]
async fn transfer(State(runs): State<Runs>, body: String) -> String {
    runs.0.fetch_add(1, Ordering::SeqCst);
    format!("ran {body}")
}

#[cors(origins = ["https://app.example.com"], writes_from_any_origin)]
async fn callback(State(runs): State<Runs>, body: String) -> String {
    runs.0.fetch_add(1, Ordering::SeqCst);
    format!("ran {body}")
}

#[cors(origins = "*")]
async fn public(State(runs): State<Runs>) -> &'static str {
    runs.0.fetch_add(1, Ordering::SeqCst);
    "ran"
}

async fn plain(State(runs): State<Runs>) -> &'static str {
    runs.0.fetch_add(1, Ordering::SeqCst);
    "ran"
}

async fn require_token(req: Request, next: Next) -> Response {
    if req.headers().contains_key("authorization") {
        next.run(req).await
    } else {
        (StatusCode::UNAUTHORIZED, "unauthorized").into_response()
    }
}

fn app(runs: &Runs) -> Router {
    CorsRouter::new()
        .route(
            "/transfer",
            route_cors::post(transfer)
                .put(transfer)
                .delete(transfer)
                .get(transfer),
        )
        .route("/callback", route_cors::post(callback))
        .route("/public", route_cors::post(public))
        .route(
            "/secure",
            route_cors::post(transfer).route_layer(middleware::from_fn(require_token)),
        )
        .route("/plain", axum::routing::post(plain).put(plain))
        .default_policy(
            Policy::builder()
                .origins(["https://default.example.com"])
                .methods(["GET", "POST"])
                .build()
                .unwrap(),
        )
        .with_state(runs.clone())
        .into_router()
}

/// An app without a default: its plain routes are no policy's.
fn app_without_default(runs: &Runs) -> Router {
    CorsRouter::new()
        .route("/transfer", route_cors::post(transfer))
        .route("/plain", axum::routing::post(plain))
        .with_state(runs.clone())
        .into_router()
}

/// A request with these headers, in this order.
fn req(method: &str, path: &str, headers: &[(&str, &str)]) -> http::Request<Body> {
    let mut builder = http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::from("transfer=all")).unwrap()
}

/// `POST /transfer` with these headers to a fresh `app`: the answer, and
/// the count of the handler's runs.
async fn post_transfer(headers: &[(&str, &str)]) -> (Response<Body>, Runs) {
    let runs = Runs::default();
    let res = send(app(&runs), req("POST", "/transfer", headers)).await;
    (res, runs)
}

/// What Chromium and Firefox send with a form `POST` from another site.
fn form_post(path: &str, origin: &str) -> http::Request<Body> {
    req(
        "POST",
        path,
        &[
            ("host", "api.example.com"),
            ("origin", origin),
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "navigate"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
    )
}

/// Asserts the refusal: `403`, a `text/plain` line naming `check`, `Vary:
/// origin` and no grant.
async fn assert_refused(res: Response<Body>, check: &str) {
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
    assert_cors(&res, &[("vary", "origin")]);
    assert_eq!(
        body_text(res).await,
        format!("cross-origin write refused: {check}")
    );
}

#[tokio::test]
async fn a_cross_site_form_post_from_a_refused_origin_never_reaches_the_handler() {
    let runs = Runs::default();
    let res = send(app(&runs), form_post("/transfer", EVIL)).await;
    assert_refused(res, "origin not allowed").await;
    assert_eq!(runs.count(), 0);
    // The allowed origin's write goes in and is granted.
    let res = send(app(&runs), form_post("/transfer", APP)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-credentials", "true"),
            ("vary", "origin"),
        ],
    );
    assert_eq!(body_text(res).await, "ran transfer=all");
    assert_eq!(runs.count(), 1);
}

#[tokio::test]
async fn same_site_and_unknown_sec_fetch_site_values_are_another_origin() {
    for site in ["same-site", "cross-site", "somewhere", "Same-Origin"] {
        let (res, runs) = post_transfer(&[("origin", EVIL), ("sec-fetch-site", site)]).await;
        assert_refused(res, "origin not allowed").await;
        assert_eq!(runs.count(), 0, "{site}");
    }
    // Two lines, one of them `same-origin`: not a value browsers send.
    let (res, runs) = post_transfer(&[
        ("origin", EVIL),
        ("sec-fetch-site", "same-origin"),
        ("sec-fetch-site", "same-origin"),
    ])
    .await;
    assert_refused(res, "origin not allowed").await;
    assert_eq!(runs.count(), 0);
}

#[tokio::test]
async fn sec_fetch_site_same_origin_or_none_lets_the_write_in_whatever_the_origin() {
    for site in ["same-origin", "none"] {
        let (res, runs) = post_transfer(&[("origin", EVIL), ("sec-fetch-site", site)]).await;
        assert_eq!(res.status(), StatusCode::OK, "{site}");
        // Not granted: CORS still hides the answer from other origins.
        assert_cors(&res, &[("vary", "origin")]);
        assert_eq!(runs.count(), 1, "{site}");
    }
}

/// Without `Sec-Fetch-Site`: an `Origin` that is the request's own host
/// and port (case aside, a default port the same as none) is the page's
/// own origin.
#[tokio::test]
async fn without_sec_fetch_site_an_origin_equal_to_the_host_is_the_same_origin() {
    let same = [
        ("https://api.example.com", "api.example.com"),
        ("https://api.example.com", "API.Example.COM"),
        ("https://api.example.com", "api.example.com:443"),
        ("http://api.example.com", "api.example.com:80"),
        ("http://localhost:3000", "localhost:3000"),
        ("http://127.0.0.1:8080", "127.0.0.1:8080"),
        ("http://[::1]:8080", "[::1]:8080"),
        ("https://[2001:db8::1]", "[2001:db8::1]:443"),
    ];
    for (origin, host) in same {
        let (res, runs) = post_transfer(&[("host", host), ("origin", origin)]).await;
        assert_eq!(res.status(), StatusCode::OK, "{origin} on {host}");
        assert_eq!(runs.count(), 1, "{origin} on {host}");
    }
    let other = [
        ("https://api.example.com", "api.example.com:8443"),
        ("http://api.example.com", "api.example.com:443"),
        ("https://api.example.com", "example.com"),
        ("http://localhost:3000", "localhost:3001"),
        ("http://[::1]:8080", "[::2]:8080"),
        ("null", "api.example.com"),
        ("api.example.com", "api.example.com"),
        ("https://api.example.com", "api.example.com:0443"),
    ];
    for (origin, host) in other {
        let (res, runs) = post_transfer(&[("host", host), ("origin", origin)]).await;
        assert_refused(res, "origin not allowed").await;
        assert_eq!(runs.count(), 0, "{origin} on {host}");
    }
}

#[tokio::test]
async fn without_host_the_uri_authority_is_the_requests_own_and_without_either_another_origin() {
    // HTTP/2: the authority is in the URI.
    let runs = Runs::default();
    let res = send(
        app(&runs),
        req(
            "POST",
            "https://api.example.com/transfer",
            &[("origin", "https://api.example.com")],
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(runs.count(), 1);
    // Neither: another origin.
    let res = send(
        app(&runs),
        req(
            "POST",
            "/transfer",
            &[("origin", "https://api.example.com")],
        ),
    )
    .await;
    assert_refused(res, "origin not allowed").await;
    assert_eq!(runs.count(), 1);
}

#[tokio::test]
async fn several_origin_lines_are_another_origin_and_refused() {
    let (res, runs) = post_transfer(&[
        ("host", "app.example.com"),
        ("origin", APP),
        ("origin", APP),
    ])
    .await;
    assert_refused(res, "origin header repeated").await;
    assert_eq!(runs.count(), 0);
}

#[tokio::test]
async fn a_request_with_neither_origin_nor_sec_fetch_site_comes_from_no_page_and_goes_in() {
    let runs = Runs::default();
    let res = send(app(&runs), req("DELETE", "/transfer", &[])).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[("vary", "origin")]);
    assert_eq!(runs.count(), 1);
}

#[tokio::test]
async fn safe_methods_and_preflights_are_unchanged() {
    let runs = Runs::default();
    // A cross-site GET runs the handler; the answer is not granted.
    let res = send(
        app(&runs),
        req(
            "GET",
            "/transfer",
            &[("origin", EVIL), ("sec-fetch-site", "cross-site")],
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[("vary", "origin")]);
    assert_eq!(runs.count(), 1);
    // A non-preflight OPTIONS reaches axum's 405.
    let res = send(
        app(&runs),
        req(
            "OPTIONS",
            "/transfer",
            &[("origin", EVIL), ("sec-fetch-site", "cross-site")],
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    // A preflight is answered as before: refused for the wrong origin,
    // granted for the right one, with the preflight's `Vary`.
    let res = send(
        app(&runs),
        preflight("/transfer", EVIL, "POST")
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_cors(&res, &[("vary", PREFLIGHT_VARY)]);
    assert_eq!(body_text(res).await, "origin not allowed");
    let res = send(
        app(&runs),
        preflight("/transfer", APP, "DELETE")
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(runs.count(), 1);
}

#[tokio::test]
async fn a_method_the_deciding_policy_does_not_allow_is_refused_by_name() {
    let runs = Runs::default();
    // `/plain`'s PUT is decided by the default, which allows GET and POST.
    let res = send(
        app(&runs),
        req(
            "PUT",
            "/plain",
            &[
                ("origin", "https://default.example.com"),
                ("sec-fetch-site", "cross-site"),
            ],
        ),
    )
    .await;
    assert_refused(res, "method PUT not allowed").await;
    assert_eq!(runs.count(), 0);
    // Its POST, from the default's origin, goes in and is granted.
    let res = send(
        app(&runs),
        req(
            "POST",
            "/plain",
            &[
                ("origin", "https://default.example.com"),
                ("sec-fetch-site", "cross-site"),
            ],
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", "https://default.example.com"),
            ("vary", "origin"),
        ],
    );
    assert_eq!(runs.count(), 1);
}

#[tokio::test]
async fn the_refusal_wins_over_the_auth_layers_401_and_axums_405() {
    let runs = Runs::default();
    let res = send(app(&runs), form_post("/secure", EVIL)).await;
    assert!(res.headers().get("www-authenticate").is_none());
    assert_refused(res, "origin not allowed").await;
    // PATCH on /transfer: no handler, the default decides and refuses.
    let res = send(
        app(&runs),
        req(
            "PATCH",
            "/transfer",
            &[
                ("origin", "https://default.example.com"),
                ("sec-fetch-site", "cross-site"),
            ],
        ),
    )
    .await;
    assert!(res.headers().get("allow").is_none());
    assert_refused(res, "method PATCH not allowed").await;
    // Where the write passes, the app's own answers stand.
    let res = send(app(&runs), form_post("/secure", APP)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(runs.count(), 0);
}

#[tokio::test]
async fn paths_no_policy_covers_are_unchanged() {
    let runs = Runs::default();
    let res = send(app_without_default(&runs), form_post("/plain", EVIL)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[]);
    assert_eq!(runs.count(), 1);
    // A path that matches no route, in an app without a default: axum's 404.
    let res = send(app_without_default(&runs), form_post("/nowhere", EVIL)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // A plain method beside a policy, without a default: nothing grants it.
    let res = send(
        app_without_default(&runs),
        req(
            "DELETE",
            "/transfer",
            &[("origin", APP), ("sec-fetch-site", "cross-site")],
        ),
    )
    .await;
    assert_refused(res, "method DELETE not allowed").await;
}

#[tokio::test]
async fn an_any_origin_policy_lets_in_every_well_formed_origin_and_null_only() {
    for origin in [EVIL, "null", "http://127.0.0.1:9", "chrome-extension://abc"] {
        let runs = Runs::default();
        let res = send(app(&runs), form_post("/public", origin)).await;
        assert_eq!(res.status(), StatusCode::OK, "{origin}");
        assert_eq!(runs.count(), 1, "{origin}");
    }
    for origin in ["https://App.example.com", "https://a b", "evil"] {
        let runs = Runs::default();
        let res = send(app(&runs), form_post("/public", origin)).await;
        assert_refused(res, "origin not allowed").await;
        assert_eq!(runs.count(), 0, "{origin}");
    }
}

#[tokio::test]
async fn writes_from_any_origin_lets_every_write_in_and_still_grants_reads_to_the_listed_origin() {
    let runs = Runs::default();
    let res = send(app(&runs), form_post("/callback", EVIL)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_cors(&res, &[("vary", "origin")]);
    assert_eq!(body_text(res).await, "ran transfer=all");
    let res = send(app(&runs), form_post("/callback", APP)).await;
    assert_cors(
        &res,
        &[("access-control-allow-origin", APP), ("vary", "origin")],
    );
    assert_eq!(runs.count(), 2);
}

#[test]
fn writes_from_any_origin_is_in_the_builder_the_configuration_and_the_description() {
    let policy = Policy::builder()
        .origins([APP])
        .writes_from_any_origin(true)
        .build()
        .unwrap();
    assert_eq!(
        policy.to_string(),
        "origins: https://app.example.com; methods: the routed ones; headers: none; \
         expose: none; credentials: no; writes_from_any_origin"
    );
    let error = Policy::builder()
        .any_origin()
        .writes_from_any_origin(true)
        .build()
        .expect_err("redundant beside any origin");
    assert_eq!(
        error.to_string(),
        "invalid CORS policy: `writes_from_any_origin`: `origins = \"*\"` already lets writes \
         from every origin through, so `writes_from_any_origin` changes nothing: \
         `writes_from_any_origin` (help: remove `writes_from_any_origin`) \
         [writes-from-any-origin-with-any-origin]"
    );
    let set = PolicySet::from_json(
        r#"{"partner": {"origins": ["https://app.example.com"], "writes_from_any_origin": true}}"#,
    )
    .unwrap();
    assert_eq!(set.get("partner").unwrap().to_string(), policy.to_string());
    let described = CorsRouter::<()>::new()
        .route("/callback", route_cors::post(callback_described))
        .policies(Policies::new(PolicySet::new()))
        .describe();
    assert!(
        described.starts_with(
            "POST /callback: origins: https://app.example.com; methods: the routed ones; \
             headers: none; expose: none; credentials: no; writes_from_any_origin\n"
        ),
        "{described}"
    );
}

#[cors(origins = ["https://app.example.com"], writes_from_any_origin)]
async fn callback_described() -> &'static str {
    "ran"
}
