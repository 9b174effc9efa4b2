//! Cross-origin writes: a browser sends a simple cross-origin request (a
//! form `POST`, a `no-cors` fetch) without a preflight, so CORS alone would
//! hide the answer and still run the handler. Where a policy decides, an
//! unsafe request from another origin that the policy does not grant is
//! refused before anything of the app runs.

use axum::extract::Request;
use axum::response::Response;
use http::header::{HOST, ORIGIN};
use http::{HeaderName, HeaderValue, Method};
use route_cors_rules::request_origin::is_same_origin;

use crate::check::{self, forbidden, Reason, Refusal};
use crate::policy::Policy;
use crate::vary;

/// `Sec-Fetch-Site` (Fetch Metadata).
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Fetch's unsafe methods: every method but `GET`, `HEAD` and `OPTIONS`.
pub(crate) fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether a browser sent the request from a page on another origin:
/// `Sec-Fetch-Site` other than `same-origin` or `none` (`cross-site`,
/// `same-site`, several lines or a value browsers do not send, as Go's
/// `CrossOriginProtection` reads it); without it, an `Origin` (`null` and
/// several lines included) that is not the request's own host and port.
/// Neither header: no page sent it.
pub(crate) fn from_another_origin(req: &Request) -> bool {
    let headers = req.headers();
    let mut sites = headers.get_all(SEC_FETCH_SITE).iter();
    if let Some(site) = sites.next() {
        let same = matches!(site.as_bytes(), b"same-origin" | b"none");
        return !(same && sites.next().is_none());
    }
    let mut origins = headers.get_all(ORIGIN).iter();
    let Some(origin) = origins.next() else {
        return false;
    };
    if origins.next().is_some() {
        return true;
    }
    let own = headers
        .get(HOST)
        .map(HeaderValue::as_bytes)
        .or_else(|| req.uri().authority().map(|a| a.as_str().as_bytes()));
    !own.is_some_and(|own| is_same_origin(origin.as_bytes(), own))
}

/// Whether a write from another origin may go in under `policy` (`None`:
/// no policy covers the method): the policy's origins, then its methods.
// A refusal carries a `HeaderMap` (see `Refusal`).
#[allow(clippy::result_large_err)]
pub(crate) fn judge(policy: Option<&Policy>, req: &Request) -> Result<(), Refusal> {
    let Some(policy) = policy else {
        return Err(Reason::Method(req.method().clone()).into());
    };
    if policy.writes_from_any_origin {
        return Ok(());
    }
    check::origin(policy, req.headers())?;
    check::method(policy, req.method())?;
    Ok(())
}

/// `403` with `Vary: origin` and a `text/plain` line naming the failed
/// check: no grant, nothing of the policy.
pub(crate) fn refuse(refusal: &Refusal) -> Response {
    forbidden(
        format!("cross-origin write refused: {}", refusal.reason),
        vary::ACTUAL,
    )
}
