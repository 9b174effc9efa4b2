//! Browser end-to-end tests: real headless Chromium and Firefox, driven
//! through chromedriver and geckodriver, run `fetch()` from page origins
//! against the conformance server (its routes and policies are those of
//! `CONFORMANCE.md` at the repository root), and each test asserts what the
//! browser decided: whether `fetch` resolved or threw, and what JavaScript
//! could read.
//!
//! Every scenario runs in both engines, as `chromium::NAME` and
//! `firefox::NAME`. `kit_and_both_browsers_agree_on_every_scenario` then
//! makes each scenario's fetches in both browsers and through
//! `route-cors-testkit` (with the engine's profile), over HTTP against the
//! same server, and compares the three verdicts.
//!
//! Set-up, shared by all tests and torn down after the last one:
//! - the built `examples/conformance` binary on a free port;
//! - a relay in front of it (`support/wire.rs`), which the browsers fetch
//!   through: it records what reached the server, the same way for both
//!   engines (a preflight sent, its status and headers as on the wire, the
//!   actual request sent or not);
//! - a page server on 127.0.0.1:8001, loaded as `http://app.localhost:8001/`,
//!   `http://admin.localhost:8001/`, `http://global.localhost:8001/` or
//!   `http://evil.localhost:8001/` (both engines resolve `*.localhost` to
//!   loopback). It must be port 8001: the conformance policies name those
//!   origins;
//! - per engine, its driver and its headless browser with a fresh profile,
//!   started by the first test that needs it.
//!
//! Chromium's DevTools network events also show the CORS error it reports
//! (`MissingAllowOriginHeader`...); Firefox has no such log over WebDriver.
//! Pages on `*.localhost` and the server on 127.0.0.1 are both loopback and
//! the pages are secure contexts, so Chromium adds no
//! `Access-Control-Request-Private-Network` to preflights (and Firefox never
//! does); the tests check that assumption and say so plainly if a browser
//! breaks it.
//!
//! Each `fetch` gets a URL of its own (`?fetch=N`), so that no answer comes
//! from a preflight cache or an HTTP cache filled by an earlier test.
//!
//! Without an engine's binaries (`/usr/bin/chromium` and
//! `/usr/bin/chromedriver`; `/usr/bin/firefox-esr` and `geckodriver` on
//! `PATH` or in `~/.cargo/bin`) its tests print one line and pass, unless
//! `CI=true` or `ROUTE_CORS_REQUIRE_BROWSER=1`, where a missing browser fails
//! them.

#[path = "support/server.rs"]
mod server;
#[path = "support/webdriver.rs"]
mod webdriver;
#[path = "support/wire.rs"]
mod wire;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use http::Method;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use route_cors_testkit as kit;
use serde_json::{json, Value};

use server::{ConformanceServer, PageServer};
use webdriver::{Engine, Install, Session};
use wire::{Wire, WireRequest};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const FIREFOX: &str = "/usr/bin/firefox-esr";
/// Found on `PATH`, else where `cargo install geckodriver` puts it.
const GECKODRIVER: &str = "geckodriver";
const ENGINES: [Engine; 2] = [Engine::Chromium, Engine::Firefox];
/// The port of the page origins the conformance policies name.
const PAGE_PORT: u16 = 8001;
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the relay waits for a message still arriving after `fetch`
/// settled (in practice it has all of it already).
const WIRE_SETTLE: Duration = Duration::from_millis(500);

// ---------------------------------------------------------------------------
// The scenarios: each one's fetches, then what each engine must decide
// ---------------------------------------------------------------------------

/// Declares each scenario with the fetches it makes: a test per engine
/// (`chromium::NAME`, `firefox::NAME`) makes them in that browser and hands
/// the outcomes, in order, to the function `NAME`; and `SCENARIOS` lists them
/// all for `kit_and_both_browsers_agree_on_every_scenario`.
macro_rules! scenarios {
    ($($name:ident: $fetches:expr;)*) => {
        const SCENARIOS: &[(&str, &[Case])] = &[$((stringify!($name), &$fetches)),*];

        mod chromium {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $name() {
                    super::in_browser(super::Engine::Chromium, |b| {
                        super::$name(b, b.fetch_all(&$fetches))
                    });
                }
            )*
        }

        mod firefox {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $name() {
                    super::in_browser(super::Engine::Firefox, |b| {
                        super::$name(b, b.fetch_all(&$fetches))
                    });
                }
            )*
        }
    };
}

const JSON: (&str, &str) = ("content-type", "application/json");

scenarios! {
    allowed_origin_reads_a_simple_get: [Case::get("app", "/users")];
    disallowed_origin_cannot_read_a_simple_get: [Case::get("evil", "/users")];
    preflighted_credentialed_json_post_from_its_allowed_origin_succeeds: [
        Case::new("admin", "POST", "/users")
            .credentials()
            .headers(&[JSON, ("x-token", "secret")])
            .body(r#"{"name":"ada"}"#),
    ];
    each_method_on_a_path_is_judged_by_its_own_policy: [
        Case::new("app", "POST", "/users").headers(&[JSON]).body("{}"),
        Case::get("app", "/users"),
        Case::get("admin", "/users"),
    ];
    exposed_header_is_readable_and_unexposed_header_is_not: [
        Case::get("app", "/public").read(&["x-request-id", "date"]),
    ];
    credentialed_response_exposes_exactly_the_listed_headers: [
        Case::new("app", "PUT", "/items/1")
            .credentials()
            .read(&["x-request-id", "x-total-count", "vary"]),
    ];
    routes_without_cors_follow_the_global_default_policy: [
        Case::get("global", "/plain"),
        Case::new("global", "POST", "/plain").headers(&[JSON]).body(r#"{"n":1}"#),
        Case::get("app", "/plain"),
        Case::new("app", "POST", "/plain").headers(&[JSON]).body(r#"{"n":1}"#),
    ];
    handler_set_allow_origin_star_does_not_grant_a_disallowed_origin: [
        Case::get("evil", "/teapot"),
        Case::get("app", "/teapot"),
    ];
    any_headers_policy_accepts_a_custom_request_header: [
        Case::get("app", "/any-headers").headers(&[("x-custom-thing", "1")]),
        Case::get("evil", "/any-headers").headers(&[("x-custom-thing", "1")]),
    ];
    auth_401_on_secure_without_the_token_is_readable_by_its_allowed_origin: [
        Case::get("admin", "/secure").credentials(),
    ];
    preflighted_post_to_secure_without_the_token_gets_its_401_to_the_page: [
        Case::new("admin", "POST", "/secure")
            .credentials()
            .headers(&[JSON])
            .body("{}"),
    ];
    auth_401_on_secure_is_blocked_for_the_global_defaults_origin: [
        Case::get("global", "/secure").credentials(),
        Case::get("global", "/secure"),
    ];
}

fn allowed_origin_reads_a_simple_get(_: &Run, [outcome]: [Outcome; 1]) {
    let response = outcome.resolved();
    assert_eq!(response.status, 200, "{outcome:#?}");
    assert_eq!(response.body, "users", "{outcome:#?}");
    assert!(
        !outcome.network.preflight_sent,
        "a simple GET needs no preflight: {outcome:#?}"
    );
}

fn disallowed_origin_cannot_read_a_simple_get(_: &Run, [outcome]: [Outcome; 1]) {
    outcome.threw_type_error();
    assert!(
        !outcome.network.preflight_sent,
        "a simple GET needs no preflight: {outcome:#?}"
    );
    // The request reached the server; the browser withheld the answer.
    assert!(outcome.network.actual_sent, "{outcome:#?}");
    outcome.reported_a_cors_error();
}

fn preflighted_credentialed_json_post_from_its_allowed_origin_succeeds(
    _: &Run,
    [outcome]: [Outcome; 1],
) {
    let response = outcome.resolved();
    assert_eq!(response.status, 200, "{outcome:#?}");
    assert_eq!(
        response.body, r#"{"name":"ada"}"#,
        "the body is echoed: {outcome:#?}"
    );
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
}

fn each_method_on_a_path_is_judged_by_its_own_policy(
    _: &Run,
    [post, get, admin_get]: [Outcome; 3],
) {
    // POST /users allows only the admin origin: the preflight from the app
    // origin is refused and the POST never leaves the browser.
    post.threw_type_error();
    assert!(post.network.preflight_sent, "{post:#?}");
    assert_eq!(post.network.preflight_status, Some(403), "{post:#?}");
    assert!(
        !post.network.actual_sent,
        "after a refused preflight the POST must not be sent: {post:#?}"
    );

    // GET /users allows the app origin...
    assert_eq!(get.resolved().body, "users", "{get:#?}");

    // ...and not the admin origin, which only POST allows.
    admin_get.threw_type_error();
}

fn exposed_header_is_readable_and_unexposed_header_is_not(b: &Run, [outcome]: [Outcome; 1]) {
    // The server does send `date`; it is neither safelisted nor exposed.
    let direct = b.direct("GET", "/public", "app");
    assert_eq!(
        direct.header_values("date").len(),
        1,
        "the server sends date"
    );

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
}

fn credentialed_response_exposes_exactly_the_listed_headers(b: &Run, [outcome]: [Outcome; 1]) {
    // The handler sets `vary: accept-encoding`; it is not exposed.
    let direct = b.direct("PUT", "/items/1", "app");
    assert!(
        direct
            .header_values("vary")
            .iter()
            .any(|v| v.contains("accept-encoding")),
        "the server sends vary"
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
}

fn routes_without_cors_follow_the_global_default_policy(
    _: &Run,
    [get, post, app_get, app_post]: [Outcome; 4],
) {
    assert_eq!(get.resolved().body, "plain", "{get:#?}");
    assert_eq!(post.resolved().body, r#"{"n":1}"#, "{post:#?}");
    assert_eq!(post.network.preflight_status, Some(204), "{post:#?}");

    app_get.threw_type_error();
    app_post.threw_type_error();
    assert_eq!(
        app_post.network.preflight_status,
        Some(403),
        "{app_post:#?}"
    );
    assert!(!app_post.network.actual_sent, "{app_post:#?}");
}

fn handler_set_allow_origin_star_does_not_grant_a_disallowed_origin(
    _: &Run,
    [evil, app]: [Outcome; 2],
) {
    // The handler sets `access-control-allow-origin: *` itself; the policy
    // (app origin only) replaces it.
    evil.threw_type_error();

    let response = app.resolved();
    assert_eq!(response.status, 418, "{app:#?}");
    assert_eq!(response.body, "teapot", "{app:#?}");
}

fn any_headers_policy_accepts_a_custom_request_header(_: &Run, [app, evil]: [Outcome; 2]) {
    assert_eq!(app.resolved().body, "any", "{app:#?}");
    assert_eq!(app.network.preflight_status, Some(204), "{app:#?}");

    evil.threw_type_error();
    assert_eq!(evil.network.preflight_status, Some(403), "{evil:#?}");
}

fn auth_401_on_secure_without_the_token_is_readable_by_its_allowed_origin(
    _: &Run,
    [outcome]: [Outcome; 1],
) {
    // A credentialed simple GET: no preflight, and the 401 that the
    // authentication middleware answers carries the route's grant.
    let response = outcome.resolved();
    assert_eq!(response.status, 401, "{outcome:#?}");
    assert_eq!(response.body, "unauthorized", "{outcome:#?}");
    assert!(
        !outcome.network.preflight_sent,
        "a simple GET needs no preflight: {outcome:#?}"
    );
}

fn preflighted_post_to_secure_without_the_token_gets_its_401_to_the_page(
    _: &Run,
    [outcome]: [Outcome; 1],
) {
    // JSON makes the POST preflighted; the preflight carries no token and is
    // granted anyway (authentication never sees it), then the POST's 401 is
    // readable.
    let response = outcome.resolved();
    assert_eq!(response.status, 401, "{outcome:#?}");
    assert_eq!(response.body, "unauthorized", "{outcome:#?}");
    let network = &outcome.network;
    assert!(network.preflight_sent, "{outcome:#?}");
    assert_eq!(network.preflight_status, Some(204), "{outcome:#?}");
    assert!(network.actual_sent, "{outcome:#?}");
}

fn auth_401_on_secure_is_blocked_for_the_global_defaults_origin(
    _: &Run,
    [credentialed, plain]: [Outcome; 2],
) {
    // The global default's origin is not the route's: the 401 carries no
    // grant for it, and the page cannot read it.
    credentialed.threw_type_error();
    assert!(
        !credentialed.network.preflight_sent,
        "a simple GET needs no preflight: {credentialed:#?}"
    );
    // The request reached the server; the browser withheld the answer.
    assert!(credentialed.network.actual_sent, "{credentialed:#?}");
    assert_eq!(
        credentialed.network.actual_status,
        Some(401),
        "{credentialed:#?}"
    );
    credentialed.reported_a_cors_error();

    // Without credentials too: the default grants nothing on /secure.
    plain.threw_type_error();
}

// ---------------------------------------------------------------------------
// The kit and the browsers, side by side
// ---------------------------------------------------------------------------

/// Every scenario's fetches, in each browser and through the test kit with
/// that engine's profile (`Browser::chromium()`, `Browser::firefox()`: the
/// engines differ by design in Private Network Access preflights, which
/// Firefox never sends, and in how long they cache a preflight, which no
/// single fetch shows), against the same server over HTTP. They must agree
/// on what the page gets: allowed or blocked, the status, the body, the
/// headers it reads and may read; and on the wire: whether a preflight was
/// sent, what it asked for, and whether the actual request was sent.
#[test]
fn kit_and_both_browsers_agree_on_every_scenario() {
    let installs: Vec<Install> = ENGINES
        .into_iter()
        .filter_map(|engine| match find(engine) {
            Ok(install) => Some(install),
            Err(missing) => {
                skip_or_fail(engine, &missing);
                None
            }
        })
        .collect();
    if installs.is_empty() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();

    with_lab(|lab| {
        for install in &installs {
            lab.session(install);
        }
        let mut report = String::new();
        let mut disagreements = Vec::new();
        for (scenario, cases) in SCENARIOS {
            for case in *cases {
                for install in &installs {
                    let b = lab.run(install.engine);
                    let browser = b.fetch(case);
                    let kit = kit_fetch(&runtime, &client, &lab.server, install.engine, case);
                    let found = compare(&browser, &kit, case);
                    let agreed = if found.is_empty() {
                        "agree"
                    } else {
                        "DISAGREE"
                    };
                    let _ = writeln!(
                        report,
                        "{agreed:8} {scenario}: {}\n         {}: {}\n         kit, {} profile: {}",
                        case.describe(),
                        install.engine,
                        browser.summary(),
                        install.engine,
                        kit.verdict
                    );
                    for difference in found {
                        disagreements.push(format!(
                            "{scenario}, {}: {} and the kit's {} profile disagree: \
                             {difference}\n    {}: {}\n    kit: {}",
                            case.describe(),
                            install.engine,
                            install.engine,
                            install.engine,
                            browser.summary(),
                            kit.verdict
                        ));
                    }
                }
            }
        }
        println!("{report}");
        assert!(
            disagreements.is_empty(),
            "{} disagreement(s) between the browsers and the test kit:\n{}",
            disagreements.len(),
            disagreements.join("\n")
        );
    });
}

/// What the kit decided about one case, and what it sent.
struct KitOutcome {
    verdict: kit::Verdict,
    preflight_sent: bool,
    actual_sent: bool,
    /// The preflight's request headers, names lower-cased.
    preflight_request_headers: BTreeMap<String, String>,
}

/// The kit's profile for an engine. The page (`*.localhost`) and the server
/// (127.0.0.1) are both loopback, so Chromium makes no private network
/// request: its profile is the plain one.
fn kit_profile(engine: Engine) -> kit::Browser {
    match engine {
        Engine::Chromium => kit::Browser::chromium().private_network_access(false),
        Engine::Firefox => kit::Browser::firefox(),
    }
}

/// Makes `case` with the kit's `Exchange`, sending its requests with hyper
/// to the conformance server, as `examples/probe.rs` does.
fn kit_fetch(
    runtime: &tokio::runtime::Runtime,
    client: &Client<HttpConnector, Full<Bytes>>,
    server: &ConformanceServer,
    engine: Engine,
    case: &Case,
) -> KitOutcome {
    let url = server.url(&unique(case.path));
    let mut exchange = kit_profile(engine).exchange(case.kit_fetch(&url));
    let mut preflight_sent = false;
    let mut actual_sent = false;
    let mut preflight_request_headers = BTreeMap::new();
    runtime.block_on(async {
        while let Some(request) = exchange.next_request() {
            let is_preflight = request.method() == Method::OPTIONS
                && request
                    .headers()
                    .contains_key("access-control-request-method");
            if is_preflight {
                preflight_sent = true;
                preflight_request_headers = request
                    .headers()
                    .iter()
                    .map(|(name, value)| {
                        (
                            name.as_str().to_owned(),
                            String::from_utf8_lossy(value.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
            } else {
                actual_sent = true;
            }
            let sent = tokio::time::timeout(
                Duration::from_secs(10),
                client.request(request.map(Full::new)),
            );
            match sent.await {
                Err(_) => exchange.fail("no answer within 10 s"),
                Ok(Err(e)) => exchange.fail(e),
                Ok(Ok(response)) => {
                    let (parts, body) = response.into_parts();
                    match body.collect().await {
                        Ok(body) => {
                            exchange.receive(http::Response::from_parts(parts, body.to_bytes()))
                        }
                        Err(e) => exchange.fail(format!("reading the body: {e}")),
                    }
                }
            }
        }
    });
    KitOutcome {
        verdict: exchange.finish(),
        preflight_sent,
        actual_sent,
        preflight_request_headers,
    }
}

/// How the browser's outcome and the kit's verdict differ, one line each.
fn compare(browser: &Outcome, kit: &KitOutcome, case: &Case) -> Vec<String> {
    let mut found = Vec::new();
    let network = &browser.network;
    if network.preflight_sent != kit.preflight_sent {
        found.push(format!(
            "the browser {}, the kit {}",
            sent(network.preflight_sent, "a preflight"),
            sent(kit.preflight_sent, "a preflight")
        ));
    } else if network.preflight_sent {
        for name in [
            "access-control-request-method",
            "access-control-request-headers",
            "access-control-request-private-network",
        ] {
            let ours = network.preflight_request_headers.get(name);
            let kits = kit.preflight_request_headers.get(name);
            if ours != kits {
                found.push(format!(
                    "the preflight's {name}: the browser sent {ours:?}, the kit {kits:?}"
                ));
            }
        }
        let kit_status = kit.verdict.preflight().map(|p| p.status().as_u16());
        if network.preflight_status != kit_status {
            found.push(format!(
                "the preflight's status: {:?} for the browser, {kit_status:?} for the kit",
                network.preflight_status
            ));
        }
    }
    if network.actual_sent != kit.actual_sent {
        found.push(format!(
            "the browser {}, the kit {}",
            sent(network.actual_sent, "the actual request"),
            sent(kit.actual_sent, "the actual request")
        ));
    }
    match (&browser.response, kit.verdict.allowed()) {
        (Ok(_), None) => found.push("the browser allowed it, the kit blocked it".into()),
        (Err(_), Some(_)) => found.push("the browser blocked it, the kit allowed it".into()),
        (Err(_), None) => {}
        (Ok(page), Some(allowed)) => {
            if page.status != allowed.status().as_u16() {
                found.push(format!(
                    "the status: {} in the browser, {} in the kit",
                    page.status,
                    allowed.status().as_u16()
                ));
            }
            if page.body != allowed.text() {
                found.push(format!(
                    "the body: {:?} in the browser, {:?} in the kit",
                    page.body,
                    allowed.text()
                ));
            }
            for name in case.read {
                let ours = page.header(name).map(str::to_owned);
                let kits = allowed.header(name);
                if ours != kits {
                    found.push(format!(
                        "headers.get({name:?}): {ours:?} in the browser, {kits:?} in the kit"
                    ));
                }
            }
            let mut ours = page.readable.clone();
            ours.sort();
            ours.dedup();
            let kits: Vec<String> = allowed
                .readable_header_names()
                .iter()
                .map(|name| name.as_str().to_owned())
                .collect();
            if ours != kits {
                found.push(format!(
                    "the headers the page may read: {ours:?} in the browser, {kits:?} in the kit"
                ));
            }
        }
    }
    found
}

/// `sent a preflight`, or `did not send a preflight`.
fn sent(sent: bool, what: &str) -> String {
    if sent {
        format!("sent {what}")
    } else {
        format!("did not send {what}")
    }
}

// ---------------------------------------------------------------------------
// One fetch, as data
// ---------------------------------------------------------------------------

/// One `fetch()` a scenario makes: from the page `http://{origin}.localhost:8001/`,
/// to `path` on the conformance server.
#[derive(Clone, Copy, Debug)]
struct Case {
    origin: &'static str,
    method: &'static str,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    /// A string body (`text/plain;charset=UTF-8` unless a content-type is
    /// set, in the browser and in the kit alike).
    body: Option<&'static str>,
    /// `credentials: "include"`.
    credentials: bool,
    /// Response headers the scenario reads with `headers.get`.
    read: &'static [&'static str],
}

impl Case {
    const fn new(origin: &'static str, method: &'static str, path: &'static str) -> Case {
        Case {
            origin,
            method,
            path,
            headers: &[],
            body: None,
            credentials: false,
            read: &[],
        }
    }

    const fn get(origin: &'static str, path: &'static str) -> Case {
        Case::new(origin, "GET", path)
    }

    const fn headers(self, headers: &'static [(&'static str, &'static str)]) -> Case {
        Case { headers, ..self }
    }

    const fn body(self, body: &'static str) -> Case {
        Case {
            body: Some(body),
            ..self
        }
    }

    const fn credentials(self) -> Case {
        Case {
            credentials: true,
            ..self
        }
    }

    const fn read(self, read: &'static [&'static str]) -> Case {
        Case { read, ..self }
    }

    fn page(&self) -> String {
        format!("http://{}.localhost:{PAGE_PORT}", self.origin)
    }

    /// The `init` of `fetch(url, init)`.
    fn init(&self) -> Value {
        let mut init = json!({ "method": self.method });
        if self.credentials {
            init["credentials"] = json!("include");
        }
        if !self.headers.is_empty() {
            let headers: serde_json::Map<String, Value> = self
                .headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), json!(value)))
                .collect();
            init["headers"] = Value::Object(headers);
        }
        if let Some(body) = self.body {
            init["body"] = json!(body);
        }
        init
    }

    /// The same fetch for the kit.
    fn kit_fetch(&self, url: &str) -> kit::Fetch {
        let method = Method::from_bytes(self.method.as_bytes()).expect("a method");
        let mut fetch = kit::Fetch::new(&self.page(), method, url).credentials(self.credentials);
        for (name, value) in self.headers {
            fetch = fetch.header(*name, *value);
        }
        if let Some(body) = self.body {
            fetch = fetch.text(body);
        }
        fetch
    }

    /// `fetch("/users", {...}) from app`.
    fn describe(&self) -> String {
        format!(
            "fetch({:?}, {}) from {}",
            self.path,
            self.init(),
            self.origin
        )
    }
}

/// `path?fetch=N`, a URL no earlier fetch used.
fn unique(path: &str) -> String {
    static FETCHES: AtomicUsize = AtomicUsize::new(0);
    let n = FETCHES.fetch_add(1, Ordering::SeqCst);
    let separator = if path.contains('?') { '&' } else { '?' };
    format!("{path}{separator}fetch={n}")
}

// ---------------------------------------------------------------------------
// The shared browsers
// ---------------------------------------------------------------------------

/// The servers and the browsers, for one test at a time.
struct Lab {
    // Fields drop in order: the browsers first, then the servers.
    sessions: Vec<Session>,
    wire: Wire,
    _page: PageServer,
    server: ConformanceServer,
}

static LAB: Mutex<Option<Lab>> = Mutex::new(None);
/// Tests that have started and not yet finished; the last one out tears the
/// browsers down (libtest has no global teardown, and statics never drop).
static PENDING: AtomicUsize = AtomicUsize::new(0);

/// Holds the lab for one test; tears it down when no test is waiting for
/// it, or when the test failed (the next test starts afresh).
struct Lease(MutexGuard<'static, Option<Lab>>);

impl Drop for Lease {
    fn drop(&mut self) {
        let last = PENDING.fetch_sub(1, Ordering::SeqCst) == 1;
        if last || std::thread::panicking() {
            self.0.take();
        }
    }
}

/// Runs `test` in `engine`'s browser, one test at a time (they share port
/// 8001), or skips it when the engine is not installed.
fn in_browser(engine: Engine, test: impl FnOnce(&Run)) {
    let install = match find(engine) {
        Ok(install) => install,
        Err(missing) => return skip_or_fail(engine, &missing),
    };
    with_lab(|lab| {
        lab.session(&install);
        test(&lab.run(engine));
    });
}

/// Runs `test` with the shared lab, started if need be.
fn with_lab(test: impl FnOnce(&mut Lab)) {
    PENDING.fetch_add(1, Ordering::SeqCst);
    let mut lease = Lease(LAB.lock().unwrap_or_else(PoisonError::into_inner));
    if lease.0.is_none() {
        *lease.0 = Some(Lab::start().unwrap_or_else(|e| panic!("{e}")));
    }
    test(lease.0.as_mut().expect("started above"));
}

/// Prints one line, once per run and engine, naming exactly what is
/// missing and how to install it; or fails when `CI=true` or
/// `ROUTE_CORS_REQUIRE_BROWSER=1` require the engine's tests.
fn skip_or_fail(engine: Engine, missing: &str) {
    static SAID: [AtomicBool; 2] = [AtomicBool::new(false), AtomicBool::new(false)];
    let required = std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("ROUTE_CORS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    if required {
        panic!(
            "{missing}, and CI=true or ROUTE_CORS_REQUIRE_BROWSER=1 requires the {engine} \
             browser tests"
        );
    }
    let said = &SAID[usize::from(engine == Engine::Firefox)];
    if !said.swap(true, Ordering::SeqCst) {
        // Straight to stderr, past libtest's capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "browser tests skipped in {engine}: {missing}"
        );
    }
}

/// The engine's browser and driver, or exactly what is missing, each with
/// the command that installs it.
fn find(engine: Engine) -> Result<Install, String> {
    let (browser, browser_install, driver, driver_install) = match engine {
        Engine::Chromium => {
            let driver = Path::new(CHROMEDRIVER);
            let driver = driver
                .is_file()
                .then(|| driver.to_owned())
                .ok_or_else(|| format!("chromedriver ({CHROMEDRIVER})"));
            (
                CHROMIUM,
                "apt-get install chromium",
                driver,
                "apt-get install chromium-driver",
            )
        }
        Engine::Firefox => {
            let driver =
                geckodriver().ok_or_else(|| "geckodriver (on PATH or in ~/.cargo/bin)".to_owned());
            (
                FIREFOX,
                "apt-get install firefox-esr",
                driver,
                "cargo install geckodriver --locked",
            )
        }
    };
    let mut missing = Vec::new();
    if !Path::new(browser).is_file() {
        missing.push(format!(
            "{engine} ({browser}) is missing: `{browser_install}`"
        ));
    }
    if let Err(driver) = &driver {
        missing.push(format!("{driver} is missing: `{driver_install}`"));
    }
    if !missing.is_empty() {
        return Err(missing.join("; "));
    }
    Ok(Install {
        engine,
        browser: PathBuf::from(browser),
        driver: driver?,
    })
}

/// `geckodriver` on `PATH`, else in cargo's bin directory.
fn geckodriver() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .map(|cargo| cargo.join("bin"));
    std::env::split_paths(&path)
        .chain(cargo_bin)
        .map(|dir| dir.join(GECKODRIVER))
        .find(|candidate| candidate.is_file())
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

impl Lab {
    fn start() -> Result<Lab, String> {
        let server = ConformanceServer::start(START_TIMEOUT)?;
        let page = PageServer::start(PAGE_PORT)?;
        let wire = Wire::start(&server.addr())?;
        Ok(Lab {
            sessions: Vec::new(),
            wire,
            _page: page,
            server,
        })
    }

    /// Starts the engine's browser, unless it runs already.
    fn session(&mut self, install: &Install) {
        if self.sessions.iter().any(|s| s.engine() == install.engine) {
            return;
        }
        // Straight to stderr, past libtest's capture: starting a browser
        // takes seconds, and the tests then drive it for half a minute.
        let _ = writeln!(
            std::io::stderr(),
            "browser: starting headless {} and its WebDriver server for the {} browser tests",
            install.engine,
            install.engine
        );
        let session = Session::start(install, server::free_port(), START_TIMEOUT)
            .unwrap_or_else(|e| panic!("{e}"));
        self.sessions.push(session);
    }

    /// The engine's browser, started with [`Lab::session`].
    fn run(&self, engine: Engine) -> Run<'_> {
        let session = self
            .sessions
            .iter()
            .find(|s| s.engine() == engine)
            .expect("the session is started first");
        Run {
            engine,
            session,
            wire: &self.wire,
            server: &self.server,
        }
    }
}

/// One engine's browser, and the servers it fetches from.
struct Run<'a> {
    engine: Engine,
    session: &'a Session,
    wire: &'a Wire,
    server: &'a ConformanceServer,
}

impl Run<'_> {
    /// Each of `cases`, in order.
    fn fetch_all<const N: usize>(&self, cases: &[Case; N]) -> [Outcome; N] {
        std::array::from_fn(|i| self.fetch(&cases[i]))
    }

    /// Loads the case's page and runs its `fetch` through the relay, reading
    /// the response headers it names from JavaScript.
    fn fetch(&self, case: &Case) -> Outcome {
        let engine = self.engine;
        let page = format!("{}/", case.page());
        self.session
            .navigate(&page)
            .unwrap_or_else(|e| panic!("{engine}: cannot load {page}: {e}"));
        self.session
            .take_performance_log()
            .unwrap_or_else(|e| panic!("{engine}: cannot read the performance log: {e}"));
        self.wire.take(Duration::ZERO);
        let target = unique(case.path);
        let url = self.wire.url(&target);
        let init = case.init();
        let answer = self
            .session
            .execute_async(FETCH, vec![json!(url), init.clone(), json!(case.read)])
            .unwrap_or_else(|e| panic!("{engine}: fetch({url}) from {page} did not complete: {e}"));
        let events = self
            .session
            .take_performance_log()
            .unwrap_or_else(|e| panic!("{engine}: cannot read the performance log: {e}"));
        let requests: Vec<WireRequest> = self
            .wire
            .take(WIRE_SETTLE)
            .into_iter()
            .filter(|request| request.target == target)
            .collect();
        let mut network = Network::observe(requests);
        network.cors_error = cors_error(&events, &self.wire.url("/"));
        if let Some(value) = network
            .preflight_request_headers
            .get("access-control-request-private-network")
        {
            panic!(
                "{engine} sent `Access-Control-Request-Private-Network: {value}` on the \
                 preflight from {page}; these tests assume loopback page origins need no \
                 private network access, so their expectations no longer hold for this \
                 browser"
            );
        }
        Outcome {
            request: format!("{engine}: fetch({url}, {init}) from {page}"),
            engine,
            response: page_response(&answer),
            network,
        }
    }

    /// The same request straight from the test, not through the browser:
    /// what the server really sends, with `Origin: http://{origin}.localhost:8001`.
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

/// What the page got, from the script's answer: `Err` holds
/// `String(error)` when `fetch` threw.
fn page_response(answer: &Value) -> Result<Response, String> {
    if answer.get("ok") != Some(&Value::Bool(true)) {
        return Err(answer
            .get("error")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("unexpected answer {answer}")));
    }
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
}

/// What the browser decided about one `fetch`.
#[derive(Debug)]
struct Outcome {
    request: String,
    engine: Engine,
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

    /// Chromium reported a CORS error for the request. Firefox reports its
    /// own on the console only, which WebDriver does not show: nothing to
    /// check there.
    #[track_caller]
    fn reported_a_cors_error(&self) {
        if self.engine == Engine::Chromium {
            assert!(self.network.cors_error.is_some(), "{self:#?}");
        }
    }

    /// One line: what the page got, and what went on the wire.
    fn summary(&self) -> String {
        let page = match &self.response {
            Ok(response) => {
                let mut readable = response.readable.clone();
                readable.sort();
                readable.dedup();
                format!(
                    "allowed (status {}); the page may read {}",
                    response.status,
                    if readable.is_empty() {
                        "no header".to_owned()
                    } else {
                        readable.join(", ")
                    }
                )
            }
            Err(error) => format!("blocked ({error})"),
        };
        let network = &self.network;
        let preflight = match (network.preflight_sent, network.preflight_status) {
            (false, _) => "no preflight".to_owned(),
            (true, Some(status)) => format!("preflight {status}"),
            (true, None) => "preflight unanswered".to_owned(),
        };
        let actual = match (network.actual_sent, network.actual_status) {
            (false, _) => "actual request not sent".to_owned(),
            (true, Some(status)) => format!("actual request {status}"),
            (true, None) => "actual request unanswered".to_owned(),
        };
        format!("{page}; on the wire: {preflight}, {actual}")
    }
}

/// What reached the conformance server during one `fetch`, as the relay
/// saw it, and (Chromium only) the CORS error its DevTools reported.
#[derive(Debug, Default)]
struct Network {
    /// An `OPTIONS` preflight was sent.
    preflight_sent: bool,
    /// Its response status, when one came.
    preflight_status: Option<u16>,
    /// Its request headers as on the wire, names lower-cased.
    preflight_request_headers: BTreeMap<String, String>,
    /// The actual request went out on the wire.
    actual_sent: bool,
    /// Its response status, when one came.
    actual_status: Option<u16>,
    /// The CORS error Chromium reported, if any (e.g.
    /// `MissingAllowOriginHeader`, `PreflightMissingAllowOriginHeader`);
    /// always `None` for Firefox.
    cors_error: Option<String>,
}

impl Network {
    fn observe(requests: Vec<WireRequest>) -> Network {
        let mut network = Network::default();
        for request in requests {
            let preflight = request.method == "OPTIONS"
                && request.header("access-control-request-method").is_some();
            if preflight {
                network.preflight_sent = true;
                network.preflight_status = request.status;
                for (name, _) in &request.headers {
                    let value = request.header(name).unwrap_or_default();
                    network
                        .preflight_request_headers
                        .insert(name.clone(), value);
                }
            } else {
                network.actual_sent = true;
                network.actual_status = request.status;
            }
        }
        network
    }
}

/// The CORS error Chromium's DevTools reported for a request to `base`, from
/// its network events (none for Firefox, which has no such log).
fn cors_error(events: &[Value], base: &str) -> Option<String> {
    let mut ids = Vec::new();
    for event in events {
        let params = &event["params"];
        let request = &params["request"];
        let to_server = request["url"]
            .as_str()
            .is_some_and(|url| url.starts_with(base));
        if event["method"] == "Network.requestWillBeSent" && to_server {
            ids.push(params["requestId"].as_str().unwrap_or_default().to_owned());
        }
    }
    events
        .iter()
        .filter(|event| event["method"] == "Network.loadingFailed")
        .filter(|event| {
            let id = event["params"]["requestId"].as_str().unwrap_or_default();
            ids.iter().any(|known| known == id)
        })
        .find_map(|event| {
            event["params"]["corsErrorStatus"]["corsError"]
                .as_str()
                .map(str::to_owned)
        })
}

// ---------------------------------------------------------------------------
// Cross-origin writes, as browsers send them
// ---------------------------------------------------------------------------

mod writes {
    //! A page on a refused origin submits a form `POST` and sends a
    //! `no-cors` fetch `POST` to a route of the test's own app: the handler
    //! must not run. The same from the route's own origin, and from a page
    //! the app serves itself (same origin), runs it. An outer layer counts
    //! what arrived, so each test waits for the request before it looks at
    //! the handler's count.

    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use axum::extract::{Request, State};
    use axum::middleware::{self, Next};
    use axum::response::{Html, Response};
    use route_cors::{cors, CorsRouter};
    use serde_json::json;

    use super::{in_browser, Engine, Run, PAGE_PORT};

    #[derive(Clone, Default)]
    struct Counts {
        /// Requests to `/w` that reached the app's outermost layer.
        arrived: Arc<AtomicUsize>,
        /// Runs of the handler.
        ran: Arc<AtomicUsize>,
    }

    #[cors(origins = ["http://app.localhost:8001"], methods = [POST])]
    async fn write(State(counts): State<Counts>) -> &'static str {
        counts.ran.fetch_add(1, Ordering::SeqCst);
        "written"
    }

    async fn count_arrivals(State(counts): State<Counts>, req: Request, next: Next) -> Response {
        if req.uri().path() == "/w" {
            counts.arrived.fetch_add(1, Ordering::SeqCst);
        }
        next.run(req).await
    }

    /// The test's app on a free port, in a thread of its own: `POST /w`
    /// under the app origin's policy, and `/page` (outside CORS) for the
    /// same-origin case.
    struct App {
        counts: Counts,
        port: u16,
        _stop: tokio::sync::oneshot::Sender<()>,
    }

    impl App {
        fn start() -> App {
            let counts = Counts::default();
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            let port = listener.local_addr().expect("its address").port();
            listener.set_nonblocking(true).expect("non-blocking");
            let app = CorsRouter::new()
                .route("/w", route_cors::post(write))
                .with_state(counts.clone())
                .into_router()
                .route(
                    "/page",
                    axum::routing::get(|| async {
                        Html("<!doctype html><title>same origin</title>")
                    }),
                )
                .layer(middleware::from_fn_with_state(
                    counts.clone(),
                    count_arrivals,
                ));
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = stopped.await;
                        })
                        .await;
                });
            });
            App {
                counts,
                port,
                _stop: stop,
            }
        }

        fn url(&self, path: &str) -> String {
            format!("http://127.0.0.1:{}{path}", self.port)
        }

        /// Waits until one more request to `/w` arrived than `before`, then
        /// says whether the handler ran for it.
        fn handler_ran_for_next(&self, before: (usize, usize), what: &str) -> bool {
            let deadline = Instant::now() + Duration::from_secs(10);
            while self.counts.arrived.load(Ordering::SeqCst) == before.0 {
                assert!(
                    Instant::now() < deadline,
                    "{what}: the request never arrived"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            assert_eq!(
                self.counts.arrived.load(Ordering::SeqCst),
                before.0 + 1,
                "{what}: one request"
            );
            self.counts.ran.load(Ordering::SeqCst) > before.1
        }

        fn before(&self) -> (usize, usize) {
            (
                self.counts.arrived.load(Ordering::SeqCst),
                self.counts.ran.load(Ordering::SeqCst),
            )
        }
    }

    /// Submits a form `POST` to `action` from the page loaded now, into an
    /// iframe, so that the page itself stays (a navigation of the page
    /// could cancel the next step's fetch).
    const FORM_POST: &str = r#"
const done = arguments[arguments.length - 1];
const sink = document.createElement("iframe");
sink.name = "sink";
document.body.appendChild(sink);
const form = document.createElement("form");
form.method = "POST";
form.target = "sink";
form.action = arguments[0];
const field = document.createElement("input");
field.name = "transfer";
field.value = "all";
form.appendChild(field);
document.body.appendChild(form);
form.submit();
done(true);
"#;

    /// A `no-cors` fetch `POST` (or a same-origin one) from the page.
    const FETCH_POST: &str = r#"
const done = arguments[arguments.length - 1];
fetch(arguments[0], { method: "POST", mode: arguments[1], body: "transfer=all" })
  .then(() => done(true))
  .catch((e) => done(String(e)));
"#;

    fn page(origin: &str) -> String {
        format!("http://{origin}.localhost:{PAGE_PORT}/")
    }

    fn run_writes(run: &Run) {
        let app = App::start();
        let session = run.session;
        let engine = run.engine;
        for (origin, runs) in [("evil", false), ("app", true)] {
            let page = page(origin);
            // A form POST from the page.
            session.navigate(&page).unwrap_or_else(|e| panic!("{e}"));
            let before = app.before();
            session
                .execute_async(FORM_POST, vec![json!(app.url("/w"))])
                .unwrap_or_else(|e| panic!("{engine}: form post from {page}: {e}"));
            let what = format!("{engine}: form POST from {page}");
            assert_eq!(app.handler_ran_for_next(before, &what), runs, "{what}");
            // A no-cors fetch POST from the page.
            session.navigate(&page).unwrap_or_else(|e| panic!("{e}"));
            let before = app.before();
            let fetched = session
                .execute_async(FETCH_POST, vec![json!(app.url("/w")), json!("no-cors")])
                .unwrap_or_else(|e| panic!("{engine}: no-cors fetch from {page}: {e}"));
            // A no-cors fetch resolves (with an opaque answer) whatever the
            // status: anything else means it was never sent.
            assert_eq!(fetched, json!(true), "{engine}: no-cors fetch from {page}");
            let what = format!("{engine}: no-cors fetch POST from {page}");
            assert_eq!(app.handler_ran_for_next(before, &what), runs, "{what}");
        }
        // A page the app serves itself: same origin, the handler runs.
        session
            .navigate(&app.url("/page"))
            .unwrap_or_else(|e| panic!("{e}"));
        let before = app.before();
        let fetched = session
            .execute_async(FETCH_POST, vec![json!("/w"), json!("same-origin")])
            .unwrap_or_else(|e| panic!("{engine}: same-origin fetch: {e}"));
        assert_eq!(fetched, json!(true), "{engine}: same-origin fetch");
        let what = format!("{engine}: same-origin fetch POST");
        assert!(app.handler_ran_for_next(before, &what), "{what}");
    }

    mod chromium {
        #[test]
        fn a_write_from_a_refused_origin_never_runs_the_handler_and_one_from_its_own_or_the_same_origin_does(
        ) {
            super::in_browser(super::Engine::Chromium, super::run_writes);
        }
    }

    mod firefox {
        #[test]
        fn a_write_from_a_refused_origin_never_runs_the_handler_and_one_from_its_own_or_the_same_origin_does(
        ) {
            super::in_browser(super::Engine::Firefox, super::run_writes);
        }
    }
}
