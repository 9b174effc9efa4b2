//! `Browser`: an engine's profile (what it caps, what it sends) and the one
//! call that makes a `fetch()` against a router in-process.
//!
//! Top layer, the driver: the only module that does I/O. `Browser::fetch`
//! sends the exchange's requests to a `tower` service and gives back its
//! answers; it decides nothing, so any other transport (the repository's
//! `probe` example over HTTP) gets the same verdicts.

use std::fmt;
use std::time::Duration;

use axum::body::{Body, HttpBody};
use http::{Request, Response};
use http_body_util::BodyExt;
use tower::{Service, ServiceExt};

use crate::engine::Engine;
use crate::exchange::Exchange;
use crate::fetch::Fetch;
use crate::verdict::Verdict;

/// A browser's side of CORS: which requests it preflights, what it sends,
/// what it accepts, and what it lets the page read.
///
/// Every `fetch()` is made cross-origin, in CORS mode, with an empty
/// preflight cache; redirects are not followed (the answer given is the
/// one judged).
#[derive(Clone, Debug)]
pub struct Browser {
    engine: Engine,
    private_network: bool,
}

impl Browser {
    /// Chromium (Chrome, Edge): preflight answers cached at most 7,200 s;
    /// method names uppercased before they are compared with
    /// `Access-Control-Allow-Methods`.
    pub fn chromium() -> Self {
        Self {
            engine: Engine::Chromium,
            private_network: false,
        }
    }

    /// Firefox: preflight answers cached at most 86,400 s; never sends a
    /// Private Network Access preflight.
    pub fn firefox() -> Self {
        Self {
            engine: Engine::Firefox,
            private_network: false,
        }
    }

    /// The page is public and the server on a private network (or
    /// localhost): Chromium then preflights every request, simple ones
    /// included, with `Access-Control-Request-Private-Network: true`, and
    /// needs `Access-Control-Allow-Private-Network: true` in the answer.
    /// Firefox never does, so on its profile this changes nothing: run one
    /// test with both profiles to see both.
    pub fn private_network_access(mut self, private: bool) -> Self {
        self.private_network = private;
        self
    }

    /// The engine.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The longest this browser caches a preflight's answer.
    pub fn max_age_cap(&self) -> Duration {
        self.engine.max_age_cap()
    }

    /// Whether this browser sends Private Network Access preflights.
    pub fn sends_private_network_preflights(&self) -> bool {
        self.private_network && self.engine.implements_private_network_access()
    }

    /// Starts `fetch` without a transport: the [`Exchange`] hands out the
    /// requests and judges the answers given back.
    pub fn exchange(&self, fetch: Fetch) -> Exchange {
        Exchange::new(self.engine, self.sends_private_network_preflights(), fetch)
    }

    /// Makes `fetch` against `app` (an `axum::Router`, or any service of
    /// requests to responses) with `oneshot`, as this browser would: the
    /// preflight if the request needs one, then, if that passed, the actual
    /// request; and returns the verdict.
    pub async fn fetch<S, B>(&self, app: &S, fetch: Fetch) -> Verdict
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone,
        S::Error: fmt::Display,
        B: HttpBody,
        B::Error: fmt::Display,
    {
        let mut exchange = self.exchange(fetch);
        while let Some(request) = exchange.next_request() {
            match app.clone().oneshot(request.map(Body::from)).await {
                Ok(response) => {
                    let (parts, body) = response.into_parts();
                    match body.collect().await {
                        Ok(body) => exchange.receive(Response::from_parts(parts, body.to_bytes())),
                        Err(e) => exchange.fail(format!("reading the body: {e}")),
                    }
                }
                Err(e) => exchange.fail(e),
            }
        }
        exchange.finish()
    }
}
