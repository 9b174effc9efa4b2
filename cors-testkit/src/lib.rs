//! A model of the browser's side of CORS, for tests: send a `fetch()` to an
//! `axum::Router` as Chromium or Firefox would, and get the browser's
//! verdict, in its terms.
//!
//! A CORS bug shows in the browser, as a console line the server never sees.
//! This crate makes the browser's decisions in a unit test instead, from the
//! Fetch standard:
//!
//! - **Whether a request is preflighted**: a method other than `GET`,
//!   `HEAD`, `POST`; a request header that is not CORS-safelisted (`accept`,
//!   `accept-language`, `content-language`, a `content-type` of
//!   `application/x-www-form-urlencoded`, `multipart/form-data` or
//!   `text/plain`, a simple `range`; each value at most 128 bytes of safe
//!   bytes); a Private Network Access request in Chromium. Credentials do not
//!   cause a preflight; they change what the answers must say.
//! - **What the preflight sends**: `OPTIONS` with `Origin`,
//!   `Access-Control-Request-Method`, and `Access-Control-Request-Headers`
//!   lowercase, sorted, joined with `,` (`content-type,x-token`); no
//!   cookies, no script headers.
//! - **What makes it pass**: `Access-Control-Allow-Origin` naming the page's
//!   origin (`*` only without credentials), `Access-Control-Allow-Credentials:
//!   true` with credentials, an ok status (200-299), the method and every
//!   unsafe header in `Access-Control-Allow-Methods` and
//!   `Access-Control-Allow-Headers` (`*` covers anything but `authorization`,
//!   only without credentials; safelisted methods need not be listed), and
//!   `Access-Control-Allow-Private-Network: true` when asked.
//! - **The CORS check** on the actual answer: the same origin and
//!   credentials rules, whatever the status.
//! - **What the page may read**: the CORS-safelisted response headers
//!   (`cache-control`, `content-language`, `content-length`, `content-type`,
//!   `expires`, `last-modified`, `pragma`) and those listed in
//!   `Access-Control-Expose-Headers` (`*` only without credentials), never
//!   `set-cookie`.
//!
//! ```
//! use axum::Router;
//! use http::Method;
//! use route_cors::{cors, CorsRouter};
//! use route_cors_testkit::{Browser, Fetch, Reason, Stage};
//!
//! #[cors(origins = ["https://app.example.com"], methods = [PUT],
//!        headers = ["content-type", "x-token"], expose = ["x-request-id"], credentials)]
//! async fn put_item() -> ([(&'static str, &'static str); 2], &'static str) {
//!     ([("x-request-id", "7"), ("x-debug", "cache miss")], "saved")
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let app: Router = CorsRouter::new()
//!     .route("/items/{id}", route_cors::put(put_item))
//!     .into_router();
//!
//! // fetch("/items/7", { method: "PUT", credentials: "include",
//! //                     headers: { "content-type": "application/json", "x-token": "t" } })
//! let verdict = Browser::chromium()
//!     .fetch(
//!         &app,
//!         Fetch::new("https://app.example.com", Method::PUT, "/items/7")
//!             .header("content-type", "application/json")
//!             .header("x-token", "t")
//!             .text(r#"{"name":"seven"}"#)
//!             .credentials(true),
//!     )
//!     .await;
//! assert_eq!(verdict.assert_allowed().text(), "saved");
//! assert_eq!(verdict.assert_may_read_header("x-request-id"), "7");
//! verdict.assert_may_not_read_header("x-debug");
//! let preflight = verdict.preflight().expect("PUT is preflighted");
//! assert_eq!(
//!     preflight.request_headers()["access-control-request-headers"],
//!     "content-type,x-token"
//! );
//!
//! // The same call from a page the route does not allow.
//! let verdict = Browser::firefox()
//!     .fetch(&app, Fetch::new("https://evil.example", Method::PUT, "/items/7"))
//!     .await;
//! let blocked = verdict.assert_blocked();
//! assert_eq!(blocked.stage(), Stage::Preflight);
//! assert_eq!(blocked.reason(), &Reason::AllowOriginMissing);
//! assert_eq!(
//!     verdict.to_string(),
//!     "Firefox: blocked at the preflight (status 403 Forbidden): \
//!      Access-Control-Allow-Origin is missing"
//! );
//! // What the browser's network tab shows: route-cors names its check.
//! assert_eq!(blocked.body(), "origin not allowed");
//! # }
//! ```
//!
//! [`Browser::fetch`] drives any `tower` service in-process; for any other
//! transport, [`Browser::exchange`] hands out the requests to send and
//! judges the `http::Response`s given back (the repository's `probe` example
//! does that over HTTP and HTTPS).
//!
//! The model: every `fetch()` is cross-origin, in CORS mode, with an empty
//! preflight cache ([`Preflight::cached_for`] says how long the answer would
//! be kept); redirects are not followed; headers a script may not set
//! (`cookie`, `origin`, `host`, `sec-*`...) are dropped, as browsers drop
//! them, and [`Fetch::cookie`] stands for the browser's cookie jar.

// Three layers; a module imports only from its own layer and those below.
//
// The Fetch model: what the standard says, what the page asks, why a request
// fails, where engines differ. No state, no I/O.
mod engine;
mod fetch;
mod reason;
pub mod spec;

// The exchange, sans-IO: given the answers, the next request or the verdict.
mod check;
mod exchange;
mod verdict;

// The driver: the only part that sends requests (to a `tower` service).
mod browser;

pub use browser::Browser;
pub use engine::Engine;
pub use exchange::Exchange;
pub use fetch::{Fetch, InvalidFetch};
pub use reason::{Reason, Stage};
pub use verdict::{Allowed, Blocked, Preflight, Readability, Verdict};
