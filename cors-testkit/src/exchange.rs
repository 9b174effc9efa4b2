//! `Exchange`: one `fetch()` as a browser makes it, without any transport.
//! It hands out the requests to send (the preflight, if one is needed, then
//! the actual request) and judges each answer given back, so that an
//! in-process `Router` and a real server over HTTP are judged by the same
//! code.
//!
//! Middle layer, the sans-IO state machine: it reads the Fetch model below
//! (the request, the rules, the engine) and the checks beside it, and knows
//! nothing of the `Browser` that drives it, so its tests (in `tests/`) give
//! it answers by hand.

use axum::body::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response};

use crate::check::{self, Asked};
use crate::engine::Engine;
use crate::fetch::Fetch;
use crate::reason::{Reason, Stage};
use crate::spec;
use crate::verdict::{Allowed, Blocked, Outcome, Preflight, Verdict};

/// One `fetch()` in progress: ask it for the next request, send that
/// anywhere, give the answer back, until it has a verdict.
///
/// ```
/// use axum::body::Bytes;
/// use http::{Method, Response, StatusCode};
/// use route_cors_testkit::{Browser, Fetch, Reason};
///
/// let mut exchange = Browser::firefox().exchange(
///     Fetch::new("https://app.example.com", Method::DELETE, "https://api.example.com/items/7"),
/// );
/// let preflight = exchange.next_request().expect("DELETE is preflighted");
/// assert_eq!(preflight.method(), Method::OPTIONS);
/// assert_eq!(preflight.headers()["access-control-request-method"], "DELETE");
/// exchange.receive(
///     Response::builder().status(StatusCode::FORBIDDEN).body(Bytes::new()).unwrap(),
/// );
/// assert!(exchange.next_request().is_none());
/// let verdict = exchange.finish();
/// assert_eq!(verdict.assert_blocked().reason(), &Reason::AllowOriginMissing);
/// ```
#[derive(Debug)]
pub struct Exchange {
    engine: Engine,
    /// Whether a Private Network Access preflight is sent: the browser's
    /// choice, made before the exchange starts.
    private_network: bool,
    fetch: Fetch,
    headers: HeaderMap,
    unsafe_headers: Vec<HeaderName>,
    state: State,
    preflight: Option<Preflight>,
}

#[derive(Debug)]
enum State {
    Start,
    AwaitingPreflight { request: HeaderMap },
    PreflightPassed,
    AwaitingResponse,
    Done(Outcome),
}

impl Exchange {
    pub(crate) fn new(engine: Engine, private_network: bool, fetch: Fetch) -> Self {
        let headers = fetch.script_headers();
        let unsafe_headers = spec::cors_unsafe_request_header_names(&headers);
        Self {
            engine,
            private_network,
            fetch,
            headers,
            unsafe_headers,
            state: State::Start,
            preflight: None,
        }
    }

    /// The next request to send, or `None` once the verdict is in.
    ///
    /// # Panics
    ///
    /// When the previous request's answer has not been given back.
    pub fn next_request(&mut self) -> Option<Request<Bytes>> {
        match &self.state {
            State::Start => {
                if let Some(reason) = self.script_error() {
                    self.state = State::Done(Outcome::Blocked(Blocked {
                        stage: Stage::Script,
                        reason,
                        status: None,
                        headers: HeaderMap::new(),
                        body: Bytes::new(),
                    }));
                    return None;
                }
                if self.needs_preflight() {
                    let request = self.preflight_request();
                    self.state = State::AwaitingPreflight {
                        request: request.headers().clone(),
                    };
                    Some(request)
                } else {
                    self.state = State::AwaitingResponse;
                    Some(self.actual_request())
                }
            }
            State::PreflightPassed => {
                self.state = State::AwaitingResponse;
                Some(self.actual_request())
            }
            State::AwaitingPreflight { .. } | State::AwaitingResponse => {
                panic!("give the exchange the answer to its last request (receive or fail) first")
            }
            State::Done(_) => None,
        }
    }

    /// Gives back the answer to the last request.
    ///
    /// # Panics
    ///
    /// When no request is waiting for an answer.
    pub fn receive(&mut self, response: Response<Bytes>) {
        let (parts, body) = response.into_parts();
        match std::mem::replace(&mut self.state, State::Start) {
            State::AwaitingPreflight { request } => {
                let asked = Asked {
                    origin: self.fetch.origin(),
                    method: self.fetch.method(),
                    unsafe_headers: &self.unsafe_headers,
                    credentials: self.fetch.includes_credentials(),
                    private_network: self.private_network,
                };
                let judged =
                    check::preflight_check(self.engine, &asked, parts.status, &parts.headers);
                self.preflight = Some(Preflight {
                    request,
                    status: parts.status,
                    headers: parts.headers.clone(),
                    cached_for: *judged.as_ref().unwrap_or(&std::time::Duration::ZERO),
                });
                self.state = match judged {
                    Ok(_) => State::PreflightPassed,
                    Err(reason) => State::Done(Outcome::Blocked(Blocked {
                        stage: Stage::Preflight,
                        reason,
                        status: Some(parts.status),
                        headers: parts.headers,
                        body,
                    })),
                };
            }
            State::AwaitingResponse => {
                let credentials = self.fetch.includes_credentials();
                self.state = State::Done(
                    match check::cors_check(&parts.headers, self.fetch.origin(), credentials) {
                        Ok(()) => Outcome::Allowed(Allowed {
                            status: parts.status,
                            headers: parts.headers,
                            body,
                            credentials,
                        }),
                        Err(reason) => Outcome::Blocked(Blocked {
                            stage: Stage::Actual,
                            reason,
                            status: Some(parts.status),
                            headers: parts.headers,
                            body,
                        }),
                    },
                );
            }
            other => {
                self.state = other;
                panic!("the exchange is waiting for no answer: ask next_request first");
            }
        }
    }

    /// Says the last request got no answer (the connection failed, TLS
    /// failed...): a network error, which blocks the request.
    ///
    /// # Panics
    ///
    /// When no request is waiting for an answer.
    pub fn fail(&mut self, error: impl std::fmt::Display) {
        let stage = match &self.state {
            State::AwaitingPreflight { .. } => Stage::Preflight,
            State::AwaitingResponse => Stage::Actual,
            _ => panic!("the exchange is waiting for no answer: ask next_request first"),
        };
        self.state = State::Done(Outcome::Blocked(Blocked {
            stage,
            reason: Reason::Network(error.to_string()),
            status: None,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }));
    }

    /// The verdict.
    ///
    /// # Panics
    ///
    /// Before `next_request` has returned `None`.
    pub fn finish(self) -> Verdict {
        let State::Done(outcome) = self.state else {
            panic!("the exchange has no verdict yet: send next_request's requests first");
        };
        Verdict {
            engine: self.engine,
            method: self.fetch.method().clone(),
            url: self.fetch.url().clone(),
            origin: self.fetch.origin().to_owned(),
            preflight: self.preflight,
            outcome,
        }
    }

    /// Whether this request is preflighted: a method that is not
    /// safelisted, a request header that is not, or (Chromium, when the
    /// profile asks) a private network request.
    pub fn needs_preflight(&self) -> bool {
        !spec::is_cors_safelisted_method(self.fetch.method())
            || !self.unsafe_headers.is_empty()
            || self.private_network
    }

    /// `fetch()` throws before sending: a forbidden method, or a body on a
    /// `GET` or `HEAD`.
    fn script_error(&self) -> Option<Reason> {
        let method = self.fetch.method();
        if spec::is_forbidden_method(method) {
            return Some(Reason::ForbiddenMethod(method.clone()));
        }
        if (method == Method::GET || method == Method::HEAD) && self.fetch.body_bytes().is_some() {
            return Some(Reason::BodyWithGetOrHead);
        }
        None
    }

    /// The preflight: `OPTIONS` to the same URL with `Origin`, the method,
    /// the unsafe header names (lowercase, sorted, joined with `,` as
    /// Chromium and Firefox send them), and no credentials, script headers
    /// or body.
    fn preflight_request(&self) -> Request<Bytes> {
        let mut request = Request::new(Bytes::new());
        *request.method_mut() = Method::OPTIONS;
        *request.uri_mut() = self.fetch.url().clone();
        let headers = request.headers_mut();
        headers.insert(http::header::ACCEPT, HeaderValue::from_static("*/*"));
        headers.insert(http::header::ORIGIN, self.origin_value());
        fetch_metadata(headers);
        headers.insert(
            http::header::ACCESS_CONTROL_REQUEST_METHOD,
            HeaderValue::from_str(self.fetch.method().as_str())
                .expect("a method is a valid header value"),
        );
        if !self.unsafe_headers.is_empty() {
            let names: Vec<&str> = self.unsafe_headers.iter().map(HeaderName::as_str).collect();
            headers.insert(
                http::header::ACCESS_CONTROL_REQUEST_HEADERS,
                HeaderValue::from_str(&names.join(","))
                    .expect("header names joined with `,` are a valid value"),
            );
        }
        if self.private_network {
            headers.insert(
                "access-control-request-private-network",
                HeaderValue::from_static("true"),
            );
        }
        request
    }

    /// The actual request: the script's method, URL, headers and body, with
    /// `Origin`, `Accept: */*` unless the script set one, and the cookies
    /// when credentials are included.
    fn actual_request(&self) -> Request<Bytes> {
        let body = self.fetch.body_bytes().cloned().unwrap_or_default();
        let mut request = Request::new(body);
        *request.method_mut() = self.fetch.method().clone();
        *request.uri_mut() = self.fetch.url().clone();
        let headers = request.headers_mut();
        headers.extend(self.headers.clone());
        if !headers.contains_key(http::header::ACCEPT) {
            headers.insert(http::header::ACCEPT, HeaderValue::from_static("*/*"));
        }
        headers.insert(http::header::ORIGIN, self.origin_value());
        fetch_metadata(headers);
        if let Some(cookies) = self.fetch.cookies() {
            if self.fetch.includes_credentials() {
                headers.insert(http::header::COOKIE, cookies.clone());
            }
        }
        request
    }

    fn origin_value(&self) -> HeaderValue {
        HeaderValue::from_str(self.fetch.origin()).expect("a checked origin is a valid value")
    }
}

/// The Fetch Metadata headers Chromium and Firefox send with a `fetch()`
/// from a page on another site: a server that refuses cross-origin writes
/// (route-cors does) reads them.
fn fetch_metadata(headers: &mut http::HeaderMap) {
    headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
    headers.insert("sec-fetch-mode", HeaderValue::from_static("cors"));
    headers.insert("sec-fetch-dest", HeaderValue::from_static("empty"));
}
