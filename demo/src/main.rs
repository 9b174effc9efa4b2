//! The README's demo: `cargo run -p route-cors-demo`, then open the URL it prints.
//!
//! One process serves two origins on loopback:
//! - the page, `http://app.localhost:8080`: one button per scenario, each a
//!   `fetch()` to the API, showing what the browser decided and why;
//! - the API, `http://127.0.0.1:8081`: routes whose `#[cors]` policies allow or
//!   refuse that page, and a plain route under a run-time default policy.
//!
//! Why these origins. The page needs a host name: policies name origins, and
//! `*.localhost` gives as many as we like on one machine (`app.localhost` for
//! this page, `admin.localhost` for the origin that is allowed elsewhere)
//! without editing /etc/hosts, because Chromium and Firefox resolve every
//! `*.localhost` name to loopback themselves. The API is never an origin a
//! policy names, only the target of `fetch`, so it stays on `127.0.0.1`
//! (`api.localhost` works as well in Chromium): an address works from curl or
//! any other client without relying on that resolution, and differing in host
//! as well as port, it cannot be mistaken for the page's own origin. Both are
//! loopback, so Chromium's Private Network Access sees a local page calling a
//! local server and adds no private-network preflight.
//!
//! Ports come from `DEMO_PAGE_PORT` (default 8080) and `DEMO_API_PORT`
//! (default 8081). `#[cors]` origins are compile-time literals naming port
//! 8080, so on another page port their routes are blocked, while the
//! run-time default policy follows the port; the demo says so when it
//! starts, and the page explains every result from the origin it runs on.
//!
//! `http://app.localhost:8080/?run=all` runs every scenario on load.

use std::env::VarError;
use std::future::{ready, IntoFuture};
use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::http::header::ORIGIN;
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use route_cors::{cors, CorsRouter, Policy, PolicyError};
use serde_json::{json, Value};
use tokio::net::TcpListener;

const DEFAULT_PAGE_PORT: u16 = 8080;
const DEFAULT_API_PORT: u16 = 8081;

/// The origins the `#[cors]` attributes below name. Attributes take literals
/// only, so these repeat them for the page, which compares them with its own
/// origin to explain each result.
const APP_ORIGIN: &str = "http://app.localhost:8080";
const ADMIN_ORIGIN: &str = "http://admin.localhost:8080";

// ---------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------

// A plain GET is a "simple" request: the browser sends it without a
// preflight and reads the answer only if it grants this page's origin.
#[cors(origins = ["http://app.localhost:8080"], methods = [GET])]
async fn list_users() -> Json<Value> {
    Json(json!([{ "id": 1, "name": "grace" }]))
}

// A JSON body is not a simple request, so the browser asks first (a
// preflight); `credentials` lets `fetch(..., { credentials: "include" })`
// through. Same path as `list_users`, its own policy.
#[cors(
    origins = ["http://app.localhost:8080"],
    methods = [POST],
    headers = ["content-type"],
    credentials,
    max_age = 600
)]
async fn create_user(Json(user): Json<Value>) -> Json<Value> {
    Json(json!({ "id": 2, "name": user["name"] }))
}

// Registered with `plain(...)` beside the two above: no policy of its own,
// so the global default decides, and it does not allow DELETE.
async fn delete_users() -> &'static str {
    "deleted"
}

// Only the admin page may read this. The handler still runs when this page
// calls it: CORS decides what a browser lets a page read, it is not access
// control.
#[cors(origins = ["http://admin.localhost:8080"])]
async fn admin_stats() -> Json<Value> {
    Json(json!({ "signups_today": 17 }))
}

// Both headers reach the browser; only the exposed one reaches JavaScript.
#[cors(origins = ["http://app.localhost:8080"], expose = ["x-request-id"])]
async fn report() -> impl IntoResponse {
    (
        [("x-request-id", "42"), ("x-debug-token", "b7e1")],
        "report ready",
    )
}

// No `#[cors]`: the run-time default policy decides.
async fn status() -> &'static str {
    "ok"
}

/// The default for routes without a policy of their own. Built at run time,
/// so unlike the attributes it names the page's actual port.
fn global_default(page_origin: &str) -> Result<Policy, PolicyError> {
    Policy::builder()
        .origins([page_origin])
        .methods(["GET", "POST"])
        .headers(["content-type"])
        .build()
}

/// `global_default` as the page shows it.
fn global_default_text(page_origin: &str) -> String {
    format!(
        ".default_policy(Policy::builder()\n    .origins([\"{page_origin}\"])\n    \
         .methods([\"GET\", \"POST\"])\n    .headers([\"content-type\"]).build()?)"
    )
}

fn api(page_origin: &str, log: ApiLog) -> Result<Router, PolicyError> {
    Ok(CorsRouter::new()
        .route(
            "/users",
            route_cors::get(list_users)
                .post(create_user)
                .delete(route_cors::plain(delete_users)),
        )
        .route("/admin", route_cors::get(admin_stats))
        .route("/report", route_cors::get(report))
        .route("/status", get(status))
        .default_policy(global_default(page_origin)?)
        .into_router()
        // On the returned router, outside CORS, so it records every answer
        // the browser got, preflights included.
        .layer(middleware::from_fn_with_state(log, log_request)))
}

/// Every answer of the API, in order. The page reads it from its own origin
/// to show what crossed the wire: whether a preflight was sent, and that a
/// response the browser hid was sent all the same.
#[derive(Clone, Default)]
struct ApiLog(Arc<Mutex<Vec<String>>>);

impl ApiLog {
    fn push(&self, line: String) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }

    fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

async fn log_request(State(log): State<ApiLog>, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(ORIGIN)
        .map_or_else(|| "none".to_owned(), |o| format!("{o:?}"));
    let line = format!("{} {}", request.method(), request.uri().path());
    let response = next.run(request).await;
    let line = format!("{line} → {}", response.status().as_u16());
    println!("api: {line}  (Origin: {origin})");
    log.push(line);
    response
}

// ---------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------

fn page(html: String, log: ApiLog) -> Router {
    Router::new()
        .route("/", get(move || ready(Html(html.clone()))))
        .route("/api-log", get(move || ready(Json(log.lines()))))
}

fn page_html(api_origin: &str, page_origin: &str) -> String {
    let default = global_default_text(page_origin);
    let config = json!({
        "api": api_origin,
        "app": APP_ORIGIN,
        "admin": ADMIN_ORIGIN,
        "global": page_origin,
        "policies": {
            "list_users": attribute_of("list_users"),
            "create_user": attribute_of("create_user"),
            "admin_stats": attribute_of("admin_stats"),
            "report": attribute_of("report"),
            "status": format!("// no #[cors] on status()\n{default}"),
            "delete_users": format!("// plain(delete_users): no policy of its own\n{default}"),
        },
    });
    // Escaped so that no string in it can close the <script> element.
    let config = config.to_string().replace("</", "<\\/");
    PAGE.replace("/*CONFIG*/null", &config)
}

/// This file, so the page shows each policy exactly as it is written above.
const SOURCE: &str = include_str!("main.rs");

/// The `#[cors(...)]` attribute on `handler` and its `async fn` line.
fn attribute_of(handler: &str) -> &'static str {
    let signature = format!("\nasync fn {handler}(");
    let found = SOURCE.find(&signature).and_then(|fn_start| {
        let start = SOURCE[..fn_start].rfind("#[cors(")?;
        if SOURCE[start..fn_start].contains("\n}") {
            return None; // that attribute belongs to an earlier function
        }
        let fn_line = &SOURCE[fn_start + 1..];
        let fn_end = fn_start + 1 + fn_line.find(" {\n")?;
        Some(&SOURCE[start..fn_end])
    });
    found.unwrap_or("(no #[cors] attribute found in demo/src/main.rs)")
}

/// The page: inline HTML, CSS and JavaScript, no external assets. The server
/// fills in `/*CONFIG*/null`.
const PAGE: &str = r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>route-cors demo</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 16px 24px; color: #222; }
  h1 { font-size: 20px; margin: 0 0 6px; }
  p { margin: 4px 0; }
  .scenario { display: grid; grid-template-columns: 520px 1fr; gap: 16px;
              border-top: 1px solid #ccc; padding: 10px 0; }
  pre { margin: 6px 0 0; padding: 6px 8px; background: #f3f3f3; font-size: 12px;
        white-space: pre-wrap; overflow-wrap: anywhere; }
  pre.call { background: #eef3fb; }
  button { font: inherit; font-weight: 600; padding: 4px 12px; cursor: pointer; }
  .outcome { font-weight: 600; }
  .allowed { color: #0a6b2a; }
  .blocked { color: #a3141b; }
  .detail, .saw { color: #444; font-size: 13px; }
  .why { margin-top: 4px; }
  .warning { background: #fff3b0; padding: 4px 8px; }
</style>
</head>
<body>
<h1>route-cors demo</h1>
<p id="intro"></p>
<p id="warning" class="warning" hidden></p>
<p><button id="run-all">Run all</button></p>
<div id="scenarios"></div>
<script>
"use strict";
const CONFIG = /*CONFIG*/null;
const API = CONFIG.api;       // the API's origin, another origin than this page
const PAGE = location.origin; // this page's origin, what the browser sends as Origin
const APP = CONFIG.app;       // what the #[cors] attributes allow (compile-time)
const ADMIN = CONFIG.admin;   // the origin GET /admin allows
const GLOBAL = CONFIG.global; // what the run-time default policy allows

// One entry per button: the request, whether the route's policy allows it
// from this page, and why the browser decides as it does either way.
const SCENARIOS = [
  {
    id: "list_users",
    title: "GET /users",
    run: () => fetch(`${API}/users`),
    expect: PAGE === APP,
    allowed: () => `the policy for GET /users allows ${APP}, and a plain GET needs no preflight: the response carried Access-Control-Allow-Origin: ${PAGE}, so the browser let the page read it.`,
    blocked: () => `GET /users only allows ${APP}: the response had no Access-Control-Allow-Origin for ${PAGE}, so the browser hid it.`,
  },
  {
    id: "create_user",
    title: "POST /users (JSON, credentials)",
    run: () => fetch(`${API}/users`, { method: "POST", credentials: "include", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "ada" }) }),
    expect: PAGE === APP,
    allowed: (saw) => saw.some((line) => line.startsWith("OPTIONS"))
      ? `the policy for POST /users allows ${APP} with credentials, so the preflight (sent because of the JSON content-type) got 204 with Access-Control-Allow-Credentials: true, and the POST went through.`
      : `the policy for POST /users allows ${APP} with credentials; the browser reused its cached preflight answer (max_age = 600), so it sent the POST straight away and it went through.`,
    blocked: () => `POST /users only allows ${APP}: the preflight (sent because of the JSON content-type) got 403, so the browser never sent the POST.`,
  },
  {
    id: "admin_stats",
    title: "GET /admin",
    run: () => fetch(`${API}/admin`),
    expect: PAGE === ADMIN,
    allowed: () => `GET /admin allows ${ADMIN}, which is this page, so the browser let it read the response.`,
    blocked: () => `GET /admin only allows ${ADMIN}: the server ran the handler and answered, but with no Access-Control-Allow-Origin for ${PAGE}, so the browser hid the response.`,
  },
  {
    id: "report",
    title: "GET /report (response headers)",
    run: () => fetch(`${API}/report`),
    expect: PAGE === APP,
    detail: (response) => `headers.get("x-request-id") = ${JSON.stringify(response.headers.get("x-request-id"))}, headers.get("x-debug-token") = ${JSON.stringify(response.headers.get("x-debug-token"))}`,
    allowed: () => `the policy for GET /report allows ${APP} and exposes x-request-id, so the page reads it, while x-debug-token, sent by the server but not exposed, reads as null.`,
    blocked: () => `GET /report only allows ${APP}: no Access-Control-Allow-Origin for ${PAGE}, so the browser hid the response, headers and all.`,
  },
  {
    id: "status",
    title: "GET /status (no #[cors])",
    run: () => fetch(`${API}/status`),
    expect: PAGE === GLOBAL,
    allowed: () => `GET /status has no policy of its own, so the run-time default policy decides; it allows ${GLOBAL}, so the browser let the page read it.`,
    blocked: () => `GET /status has no policy of its own, and the default policy only allows ${GLOBAL}: no Access-Control-Allow-Origin for ${PAGE}, so the browser hid the response.`,
  },
  {
    id: "delete_users",
    title: "DELETE /users (plain)",
    run: () => fetch(`${API}/users`, { method: "DELETE" }),
    expect: false,
    blocked: () => `DELETE /users has no policy of its own, so the default policy decides, and it allows GET and POST only: the preflight got 403, so the browser never sent the DELETE.`,
  },
];

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

async function apiLog() {
  const response = await fetch("/api-log"); // same origin: no CORS involved
  return response.json();
}

let busy = false;

// Runs one scenario and shows what the browser decided, what the API saw
// (read from the demo server's log), and why.
async function run(scenario) {
  if (busy) return;
  busy = true;
  const out = scenario.out;
  for (const node of Object.values(out)) node.textContent = "";
  out.outcome.className = "outcome";
  out.outcome.textContent = "running…";
  const before = (await apiLog()).length;
  let allowed;
  try {
    const response = await scenario.run();
    const body = await response.text();
    allowed = true;
    out.outcome.textContent = `✔ fetch resolved: ${response.status}, body ${body}`;
    const readable = [...response.headers].map(([name, value]) => `${name}: ${value}`).join(", ");
    out.detail.textContent = `headers JavaScript can read: ${readable || "none"}`
      + (scenario.detail ? `; ${scenario.detail(response)}` : "");
  } catch (error) {
    allowed = false;
    out.outcome.textContent = `✘ fetch threw ${error.name}: ${error.message}`;
    out.detail.textContent = "the page gets no status, no body, no headers";
  }
  const saw = (await apiLog()).slice(before);
  out.outcome.classList.add(allowed ? "allowed" : "blocked");
  out.saw.textContent = `the API saw: ${saw.join(", ") || "nothing"}`;
  if (allowed === scenario.expect) {
    out.why.textContent = "Why: " + (allowed ? scenario.allowed(saw) : scenario.blocked(saw));
    out.why.classList.remove("warning");
  } else {
    out.why.textContent = `Unexpected: by its policy this request should be ${scenario.expect ? "allowed" : "blocked"} from ${PAGE}. The browser's console says why.`;
    out.why.classList.add("warning");
  }
  busy = false;
}

async function runAll() {
  for (const scenario of SCENARIOS) await run(scenario);
  document.body.dataset.done = "true";
}

document.getElementById("intro").textContent =
  `This page is ${PAGE}. Each button runs fetch() against the API at ${API}, another origin, so the browser applies CORS using the route's policy, shown below as written in demo/src/main.rs.`;
if (PAGE !== APP) {
  const warning = document.getElementById("warning");
  warning.hidden = false;
  warning.textContent = `The #[cors] attributes name ${APP} (origins in attributes are compile-time literals), and this page is ${PAGE}: their routes are blocked here. Open ${APP} to see them allowed.`;
}

const list = document.getElementById("scenarios");
for (const scenario of SCENARIOS) {
  const button = element("button", "", scenario.title);
  button.addEventListener("click", () => run(scenario));
  const request = element("div");
  request.append(button,
    element("pre", "call", scenario.run.toString().replace(/^\(\) => /, "")),
    element("pre", "", CONFIG.policies[scenario.id]));
  scenario.out = {
    outcome: element("div", "outcome", "not run yet"),
    detail: element("div", "detail"),
    saw: element("div", "saw"),
    why: element("div", "why"),
  };
  const result = element("div");
  result.append(...Object.values(scenario.out));
  const row = element("section", "scenario");
  row.append(request, result);
  list.append(row);
}
document.getElementById("run-all").addEventListener("click", runAll);
if (new URLSearchParams(location.search).get("run") === "all") runAll();
</script>
</body>
</html>
"##;

// ---------------------------------------------------------------------------
// Start-up
// ---------------------------------------------------------------------------

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("demo: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let page_port = port_from_env("DEMO_PAGE_PORT", DEFAULT_PAGE_PORT)?;
    let api_port = port_from_env("DEMO_API_PORT", DEFAULT_API_PORT)?;
    if page_port == api_port {
        return Err(format!(
            "DEMO_PAGE_PORT and DEMO_API_PORT are both {page_port}; they must differ"
        ));
    }
    let page_origin = format!("http://app.localhost:{page_port}");
    let api_origin = format!("http://127.0.0.1:{api_port}");

    let log = ApiLog::default();
    let api = api(&page_origin, log.clone())
        .map_err(|e| format!("the global default policy is invalid: {e}"))?;
    let page = page(page_html(&api_origin, &page_origin), log);

    // Loopback only: `*.localhost` names resolve there, and nothing else
    // should reach a demo.
    let page_listener = bind(page_port).await?;
    let api_listener = bind(api_port).await?;

    println!("route-cors demo: the page on {page_origin}, the API on {api_origin}");
    if page_port != DEFAULT_PAGE_PORT {
        println!(
            "note: the #[cors] attributes name {APP_ORIGIN} (attribute origins are \
             compile-time literals), so from {page_origin} their routes are blocked; \
             only the run-time default policy follows DEMO_PAGE_PORT"
        );
    }
    println!("open {page_origin} in your browser (add ?run=all to run every scenario)");

    tokio::try_join!(
        axum::serve(page_listener, page).into_future(),
        axum::serve(api_listener, api).into_future(),
    )
    .map_err(|e| format!("server error: {e}"))?;
    Ok(())
}

/// The port in environment variable `name`, or `default` when it is unset.
fn port_from_env(name: &str, default: u16) -> Result<u16, String> {
    let value = match std::env::var(name) {
        Ok(value) => value,
        Err(VarError::NotPresent) => return Ok(default),
        Err(VarError::NotUnicode(value)) => {
            return Err(format!("{name} must be a port number, got {value:?}"))
        }
    };
    match value.trim().parse::<u16>() {
        Ok(port) if port != 0 => Ok(port),
        _ => Err(format!(
            "{name} must be a port number from 1 to 65535, got {value:?}"
        )),
    }
}

async fn bind(port: u16) -> Result<TcpListener, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))
}
