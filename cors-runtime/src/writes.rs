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

use crate::decide::Decision;
use crate::preflight::{allowed_origin, forbidden, Refusal};
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

/// The check a write from another origin fails under `decision`: the
/// policy's origins, then its methods; `None` where the write may go in.
pub(crate) fn judge(decision: &Decision<'_>, req: &Request) -> Option<Refusal> {
    let policy = match decision {
        Decision::Policy(policy) => policy,
        // Nothing on the path serves the method under a policy.
        Decision::Refuse => return Some(method_refusal(req.method())),
        Decision::PassThrough => return None,
    };
    if policy.writes_from_any_origin {
        return None;
    }
    if let Err(refusal) = allowed_origin(policy, req.headers()) {
        return Some(refusal);
    }
    (!policy.allows_method(req.method().as_str().as_bytes())).then(|| method_refusal(req.method()))
}

fn method_refusal(method: &Method) -> Refusal {
    let value = HeaderValue::from_bytes(method.as_str().as_bytes())
        .expect("a method is a token, and a token is a header value");
    Refusal::Method(value)
}

/// `403` with `Vary: origin` and a `text/plain` line naming the failed
/// check: no grant, nothing of the policy.
pub(crate) fn refuse(refusal: &Refusal) -> Response {
    forbidden(
        format!("cross-origin write refused: {refusal}"),
        vary::ACTUAL,
    )
}
