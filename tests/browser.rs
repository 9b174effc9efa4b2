//! Browser end-to-end tests: real headless Chromium, driven through
//! chromedriver, runs `fetch()` from page origins against the conformance
//! server (its routes and policies are those of `CONFORMANCE.md` at the
//! repository root), and each test asserts what the browser decided: whether
//! `fetch` resolved or threw, and what JavaScript could read.
//!
//! Set-up, shared by all tests and torn down after the last one:
//! - the built `examples/conformance` binary on a free port;
//! - a page server on 127.0.0.1:8001, loaded as `http://app.localhost:8001/`,
//!   `http://admin.localhost:8001/`, `http://global.localhost:8001/` or
//!   `http://evil.localhost:8001/` (Chromium resolves `*.localhost` to
//!   loopback). It must be port 8001: the conformance policies name those
//!   origins;
//! - chromedriver and headless Chromium with a fresh profile.
//!
//! The tests also read Chromium's DevTools network events, to show *why* the
//! browser decided as it did (a preflight sent and refused, the actual request
//! never sent, a CORS error). Pages on `*.localhost` and the server on
//! 127.0.0.1 are both loopback and the pages are secure contexts, so Chromium
//! adds no `Access-Control-Request-Private-Network` to preflights; the tests
//! check that assumption and say so plainly if a browser breaks it.
//!
//! Without `/usr/bin/chromium` and `/usr/bin/chromedriver` the tests print one
//! line and pass, unless `CI=true` or `ROUTE_CORS_REQUIRE_BROWSER=1`, where a
//! missing browser fails them.

#[path = "support/server.rs"]
mod server;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::{json, Value};

use server::{ConformanceServer, PageServer};
use webdriver::Session;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The port of the page origins the conformance policies name.
const PAGE_PORT: u16 = 8001;
const START_TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[test]
fn allowed_origin_reads_a_simple_get() {
    with_browser(|b| {
        let outcome = b.fetch("app", "/users", json!({}), &[]);
        let response = outcome.resolved();
        assert_eq!(response.status, 200, "{outcome:#?}");
        assert_eq!(response.body, "users", "{outcome:#?}");
        assert!(
            !outcome.network.preflight_sent,
            "a simple GET needs no preflight: {outcome:#?}"
        );
    });
}

#[test]
fn disallowed_origin_cannot_read_a_simple_get() {
    with_browser(|b| {
        let outcome = b.fetch("evil", "/users", json!({}), &[]);
        outcome.threw_type_error();
        assert!(
            !outcome.network.preflight_sent,
            "a simple GET needs no preflight: {outcome:#?}"
        );
        // The request reached the server; the browser withheld the answer.
        assert!(outcome.network.actual_sent, "{outcome:#?}");
        assert!(outcome.network.cors_error.is_some(), "{outcome:#?}");
    });
}

#[test]
fn preflighted_credentialed_json_post_from_its_allowed_origin_succeeds() {
    with_browser(|b| {
        let payload = r#"{"name":"ada"}"#;
        let outcome = b.fetch(
            "admin",
            "/users",
            json!({
                "method": "POST",
                "credentials": "include",
                "headers": { "content-type": "application/json", "x-token": "secret" },
                "body": payload,
            }),
            &[],
        );
        let response = outcome.resolved();
        assert_eq!(response.status, 200, "{outcome:#?}");
        assert_eq!(response.body, payload, "the body is echoed: {outcome:#?}");
        let network = &outcome.network;
        assert!(
            network.preflight_sent,
            "JSON with x-token is preflighted: {outcome:#?}"
        );
        assert_eq!(network.preflight_status, Some(204), "{outcome:#?}");
        assert_eq!(
            network
                .preflight_request_headers
                .get("access-control-request-headers")
                .map(String::as_str),
            Some("content-type,x-token"),
            "{outcome:#?}"
        );
    });
}

#[test]
fn each_method_on_a_path_is_judged_by_its_own_policy() {
    with_browser(|b| {
        // POST /users allows only the admin origin: the preflight from the
        // app origin is refused and the POST never leaves the browser.
        let post = b.fetch(
            "app",
            "/users",
            json!({
                "method": "POST",
                "headers": { "content-type": "application/json" },
                "body": "{}",
            }),
            &[],
        );
        post.threw_type_error();
        assert!(post.network.preflight_sent, "{post:#?}");
        assert_eq!(post.network.preflight_status, Some(403), "{post:#?}");
        assert!(
            !post.network.actual_sent,
            "after a refused preflight the POST must not be sent: {post:#?}"
        );

        // GET /users allows the app origin...
        let get = b.fetch("app", "/users", json!({}), &[]);
        assert_eq!(get.resolved().body, "users", "{get:#?}");

        // ...and not the admin origin, which only POST allows.
        let admin_get = b.fetch("admin", "/users", json!({}), &[]);
        admin_get.threw_type_error();
    });
}

#[test]
fn exposed_header_is_readable_and_unexposed_header_is_not() {
    with_browser(|b| {
        // The server does send `date`; it is neither safelisted nor exposed.
        let direct = b.direct("GET", "/public", "app");
        assert_eq!(
            direct.header_values("date").len(),
            1,
            "the server sends date"
        );

        let outcome = b.fetch("app", "/public", json!({}), &["x-request-id", "date"]);
        let response = outcome.resolved();
        assert_eq!(response.status, 200, "{outcome:#?}");
        assert_eq!(response.body, "public", "{outcome:#?}");
        assert_eq!(response.header("x-request-id"), Some("42"), "{outcome:#?}");
        assert_eq!(
            response.header("date"),
            None,
            "date is not exposed: {outcome:#?}"
        );
        assert!(
            !response.readable.iter().any(|name| name == "date"),
            "{outcome:#?}"
        );
    });
}

#[test]
fn credentialed_response_exposes_exactly_the_listed_headers() {
    with_browser(|b| {
        // The handler sets `vary: accept-encoding`; it is not exposed.
        let direct = b.direct("PUT", "/items/1", "app");
        assert!(
            direct
                .header_values("vary")
                .iter()
                .any(|v| v.contains("accept-encoding")),
            "the server sends vary"
        );

        let outcome = b.fetch(
            "app",
            "/items/1",
            json!({ "method": "PUT", "credentials": "include" }),
            &["x-request-id", "x-total-count", "vary"],
        );
        let response = outcome.resolved();
        assert_eq!(response.status, 200, "{outcome:#?}");
        assert_eq!(response.body, "item 1", "{outcome:#?}");
        assert_eq!(response.header("x-request-id"), Some("7"), "{outcome:#?}");
        assert_eq!(response.header("x-total-count"), Some("1"), "{outcome:#?}");
        assert_eq!(
            response.header("vary"),
            None,
            "vary is not exposed: {outcome:#?}"
        );
        assert!(
            outcome.network.preflight_sent,
            "PUT is preflighted: {outcome:#?}"
        );
    });
}

#[test]
fn routes_without_cors_follow_the_global_default_policy() {
    with_browser(|b| {
        let json_post = json!({
            "method": "POST",
            "headers": { "content-type": "application/json" },
            "body": r#"{"n":1}"#,
        });

        let get = b.fetch("global", "/plain", json!({}), &[]);
        assert_eq!(get.resolved().body, "plain", "{get:#?}");
        let post = b.fetch("global", "/plain", json_post.clone(), &[]);
        assert_eq!(post.resolved().body, r#"{"n":1}"#, "{post:#?}");
        assert_eq!(post.network.preflight_status, Some(204), "{post:#?}");

        let get = b.fetch("app", "/plain", json!({}), &[]);
        get.threw_type_error();
        let post = b.fetch("app", "/plain", json_post, &[]);
        post.threw_type_error();
        assert_eq!(post.network.preflight_status, Some(403), "{post:#?}");
        assert!(!post.network.actual_sent, "{post:#?}");
    });
}

#[test]
fn handler_set_allow_origin_star_does_not_grant_a_disallowed_origin() {
    with_browser(|b| {
        // The handler sets `access-control-allow-origin: *` itself; the
        // policy (app origin only) replaces it.
        let evil = b.fetch("evil", "/teapot", json!({}), &[]);
        evil.threw_type_error();

        let app = b.fetch("app", "/teapot", json!({}), &[]);
        let response = app.resolved();
        assert_eq!(response.status, 418, "{app:#?}");
        assert_eq!(response.body, "teapot", "{app:#?}");
    });
}

#[test]
fn any_headers_policy_accepts_a_custom_request_header() {
    with_browser(|b| {
        let outcome = b.fetch(
            "app",
            "/any-headers",
            json!({ "headers": { "x-custom-thing": "1" } }),
            &[],
        );
        assert_eq!(outcome.resolved().body, "any", "{outcome:#?}");
        assert_eq!(outcome.network.preflight_status, Some(204), "{outcome:#?}");

        let evil = b.fetch(
            "evil",
            "/any-headers",
            json!({ "headers": { "x-custom-thing": "1" } }),
            &[],
        );
        evil.threw_type_error();
        assert_eq!(evil.network.preflight_status, Some(403), "{evil:#?}");
    });
}

#[test]
fn auth_401_on_secure_without_the_token_is_readable_by_its_allowed_origin() {
    with_browser(|b| {
        // A credentialed simple GET: no preflight, and the 401 that the
        // authentication middleware answers carries the route's grant.
        let outcome = b.fetch("admin", "/secure", json!({ "credentials": "include" }), &[]);
        let response = outcome.resolved();
        assert_eq!(response.status, 401, "{outcome:#?}");
        assert_eq!(response.body, "unauthorized", "{outcome:#?}");
        assert!(
            !outcome.network.preflight_sent,
            "a simple GET needs no preflight: {outcome:#?}"
        );
    });
}

#[test]
fn preflighted_post_to_secure_without_the_token_gets_its_401_to_the_page() {
    with_browser(|b| {
        // JSON makes the POST preflighted; the preflight carries no token and
        // is granted anyway (authentication never sees it), then the POST's
        // 401 is readable.
        let outcome = b.fetch(
            "admin",
            "/secure",
            json!({
                "method": "POST",
                "credentials": "include",
                "headers": { "content-type": "application/json" },
                "body": "{}",
            }),
            &[],
        );
        let response = outcome.resolved();
        assert_eq!(response.status, 401, "{outcome:#?}");
        assert_eq!(response.body, "unauthorized", "{outcome:#?}");
        let network = &outcome.network;
        assert!(network.preflight_sent, "{outcome:#?}");
        assert_eq!(network.preflight_status, Some(204), "{outcome:#?}");
        assert!(network.actual_sent, "{outcome:#?}");
    });
}

#[test]
fn auth_401_on_secure_is_blocked_for_the_global_defaults_origin() {
    with_browser(|b| {
        // The global default's origin is not the route's: the 401 carries no
        // grant for it, and the page cannot read it.
        let outcome = b.fetch(
            "global",
            "/secure",
            json!({ "credentials": "include" }),
            &[],
        );
        outcome.threw_type_error();
        assert!(
            !outcome.network.preflight_sent,
            "a simple GET needs no preflight: {outcome:#?}"
        );
        // The request reached the server; the browser withheld the answer.
        assert!(outcome.network.actual_sent, "{outcome:#?}");
        assert!(outcome.network.cors_error.is_some(), "{outcome:#?}");

        // Without credentials too: the default grants nothing on /secure.
        let outcome = b.fetch("global", "/secure", json!({}), &[]);
        outcome.threw_type_error();
    });
}

// ---------------------------------------------------------------------------
// The shared browser
// ---------------------------------------------------------------------------

/// The servers and the browser, for one test at a time.
struct Browser {
    // Fields drop in order: browser first, then the servers.
    session: Session,
    _page: PageServer,
    server: ConformanceServer,
}

static BROWSER: Mutex<Option<Browser>> = Mutex::new(None);
/// Tests that have started and not yet finished; the last one out tears the
/// browser down (libtest has no global teardown, and statics never drop).
static PENDING: AtomicUsize = AtomicUsize::new(0);

/// Holds the browser for one test; tears it down when no test is waiting
/// for it, or when the test failed (the next test starts afresh).
struct Lease(MutexGuard<'static, Option<Browser>>);

impl Drop for Lease {
    fn drop(&mut self) {
        let last = PENDING.fetch_sub(1, Ordering::SeqCst) == 1;
        if last || std::thread::panicking() {
            self.0.take();
        }
    }
}

/// Runs `test` with the shared browser, one test at a time (they share port
/// 8001), or skips it when Chromium is not installed.
fn with_browser(test: impl FnOnce(&Browser)) {
    if let Some(missing) = missing_browser() {
        let required = std::env::var("CI").is_ok_and(|v| v == "true")
            || std::env::var("ROUTE_CORS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        if required {
            panic!(
                "{missing} not found, and CI=true or ROUTE_CORS_REQUIRE_BROWSER=1 requires the \
                 browser tests; install it with 'apt-get install chromium chromium-driver'"
            );
        }
        // Straight to stderr, past libtest's capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: {missing} not found; install it with 'apt-get install chromium \
             chromium-driver' to run the browser tests"
        );
        return;
    }
    PENDING.fetch_add(1, Ordering::SeqCst);
    let mut lease = Lease(BROWSER.lock().unwrap_or_else(PoisonError::into_inner));
    if lease.0.is_none() {
        *lease.0 = Some(Browser::start().unwrap_or_else(|e| panic!("{e}")));
    }
    test(lease.0.as_ref().expect("started above"));
}

fn missing_browser() -> Option<String> {
    if !Path::new(CHROMIUM).is_file() {
        Some(format!("Chromium ({CHROMIUM})"))
    } else if !Path::new(CHROMEDRIVER).is_file() {
        Some(format!("chromedriver ({CHROMEDRIVER})"))
    } else {
        None
    }
}

/// Runs `fetch(url, init)` in the page and reports what the browser decided.
const FETCH: &str = r#"
const done = arguments[arguments.length - 1];
const [url, init, names] = arguments;
fetch(url, init)
  .then(async (response) => {
    const body = await response.text();
    const exposed = {};
    for (const name of names) exposed[name] = response.headers.get(name);
    const readable = [];
    response.headers.forEach((_, name) => readable.push(name));
    done({ ok: true, status: response.status, body, exposed, readable });
  })
  .catch((e) => done({ ok: false, error: String(e) }));
"#;

impl Browser {
    fn start() -> Result<Browser, String> {
        let server = ConformanceServer::start(START_TIMEOUT)?;
        let page = PageServer::start(PAGE_PORT)?;
        let session = Session::start(
            Path::new(CHROMEDRIVER),
            Path::new(CHROMIUM),
            server::free_port(),
            START_TIMEOUT,
        )?;
        Ok(Browser {
            session,
            _page: page,
            server,
        })
    }

    /// Loads `http://{origin}.localhost:8001/` and runs `fetch` of `path` on
    /// the conformance server with `init`, reading the response headers
    /// `read` from JavaScript.
    fn fetch(&self, origin: &str, path: &str, init: Value, read: &[&str]) -> Outcome {
        let page = format!("http://{origin}.localhost:{PAGE_PORT}/");
        self.session
            .navigate(&page)
            .unwrap_or_else(|e| panic!("cannot load {page}: {e}"));
        self.session
            .take_performance_log()
            .unwrap_or_else(|e| panic!("cannot read the performance log: {e}"));
        let url = self.server.url(path);
        let answer = self
            .session
            .execute_async(FETCH, vec![json!(url), init.clone(), json!(read)])
            .unwrap_or_else(|e| panic!("fetch({url}) from {page} did not complete: {e}"));
        let events = self
            .session
            .take_performance_log()
            .unwrap_or_else(|e| panic!("cannot read the performance log: {e}"));
        let network = Network::observe(&events, &self.server.url("/"));
        if let Some(value) = network
            .preflight_request_headers
            .get("access-control-request-private-network")
        {
            panic!(
                "Chromium sent `Access-Control-Request-Private-Network: {value}` on the \
                 preflight from {page}; these tests assume loopback page origins need no \
                 private network access, so their expectations no longer hold for this \
                 browser"
            );
        }
        let response = if answer.get("ok") == Some(&Value::Bool(true)) {
            let exposed = answer
                .get("exposed")
                .and_then(Value::as_object)
                .map(|exposed| {
                    exposed
                        .iter()
                        .map(|(name, v)| (name.clone(), v.as_str().map(str::to_owned)))
                        .collect()
                })
                .unwrap_or_default();
            Ok(Response {
                status: answer.get("status").and_then(Value::as_u64).unwrap_or(0) as u16,
                body: answer
                    .get("body")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                exposed,
                readable: answer
                    .get("readable")
                    .and_then(Value::as_array)
                    .map(|names| {
                        names
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        } else {
            Err(answer
                .get("error")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("unexpected answer {answer}")))
        };
        Outcome {
            request: format!("fetch({url}, {init}) from {page}"),
            response,
            network,
        }
    }

    /// The same request straight from the test, not through the browser: what
    /// the server really sends, with `Origin: http://{origin}.localhost:8001`.
    fn direct(&self, method: &str, path: &str, origin: &str) -> webdriver::HttpResponse {
        let origin = format!("http://{origin}.localhost:{PAGE_PORT}");
        let response = webdriver::http_request(
            &self.server.addr(),
            method,
            path,
            &[("Origin", &origin)],
            b"",
            Duration::from_secs(10),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            response.status, 200,
            "{method} {path} straight to the server"
        );
        response
    }
}

/// What the browser decided about one `fetch`.
#[derive(Debug)]
struct Outcome {
    request: String,
    /// `Err` holds `String(error)` when `fetch` threw.
    response: Result<Response, String>,
    network: Network,
}

#[derive(Debug)]
struct Response {
    status: u16,
    body: String,
    /// `headers.get(name)` for each name asked for.
    exposed: BTreeMap<String, Option<String>>,
    /// Every header name JavaScript could see.
    readable: Vec<String>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.exposed.get(name).and_then(|v| v.as_deref())
    }
}

impl Outcome {
    #[track_caller]
    fn resolved(&self) -> &Response {
        match &self.response {
            Ok(response) => response,
            Err(error) => panic!(
                "the browser refused {}: it threw {error}\n{:#?}",
                self.request, self.network
            ),
        }
    }

    #[track_caller]
    fn threw_type_error(&self) {
        match &self.response {
            Err(error) if error.starts_with("TypeError") => {}
            Err(error) => panic!("{} threw {error}, not a TypeError", self.request),
            Ok(response) => panic!(
                "the browser allowed {}, which should be refused: {response:#?}\n{:#?}",
                self.request, self.network
            ),
        }
    }
}

/// What Chromium's DevTools network events show about the requests to the
/// conformance server during one `fetch`.
#[derive(Debug, Default)]
struct Network {
    /// An `OPTIONS` preflight was sent.
    preflight_sent: bool,
    /// Its response status, when one came.
    preflight_status: Option<u16>,
    /// Its request headers, names lower-cased.
    preflight_request_headers: BTreeMap<String, String>,
    /// The actual request went out on the wire.
    actual_sent: bool,
    /// The CORS error Chromium reported, if any (e.g.
    /// `MissingAllowOriginHeader`, `PreflightMissingAllowOriginHeader`).
    cors_error: Option<String>,
}

impl Network {
    fn observe(events: &[Value], base: &str) -> Network {
        let mut network = Network::default();
        let mut preflights = Vec::new();
        let mut actuals = Vec::new();
        for event in events {
            let params = &event["params"];
            let id = params["requestId"].as_str().unwrap_or_default().to_owned();
            if event["method"] != "Network.requestWillBeSent" {
                continue;
            }
            let request = &params["request"];
            if !request["url"]
                .as_str()
                .is_some_and(|url| url.starts_with(base))
            {
                continue;
            }
            let headers = lower_case(&request["headers"]);
            if request["method"] == "OPTIONS"
                && headers.contains_key("access-control-request-method")
            {
                network.preflight_sent = true;
                network.preflight_request_headers.extend(headers);
                preflights.push(id);
            } else {
                actuals.push(id);
            }
        }
        for event in events {
            let params = &event["params"];
            let id = params["requestId"].as_str().unwrap_or_default();
            let is_preflight = preflights.iter().any(|p| p == id);
            let is_actual = actuals.iter().any(|a| a == id);
            match event["method"].as_str().unwrap_or_default() {
                "Network.requestWillBeSentExtraInfo" if is_preflight => {
                    // The headers as sent on the wire.
                    network
                        .preflight_request_headers
                        .extend(lower_case(&params["headers"]));
                }
                "Network.requestWillBeSentExtraInfo" if is_actual => network.actual_sent = true,
                "Network.responseReceivedExtraInfo" if is_preflight => {
                    network.preflight_status = params["statusCode"].as_u64().map(|s| s as u16);
                }
                "Network.responseReceived" if is_preflight => {
                    network.preflight_status =
                        params["response"]["status"].as_u64().map(|s| s as u16);
                }
                "Network.loadingFailed" if is_actual => {
                    network.cors_error = params["corsErrorStatus"]["corsError"]
                        .as_str()
                        .map(str::to_owned);
                }
                _ => {}
            }
        }
        network
    }
}

fn lower_case(headers: &Value) -> BTreeMap<String, String> {
    headers
        .as_object()
        .map(|headers| {
            headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.to_ascii_lowercase(),
                        value.as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}
