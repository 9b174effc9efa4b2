//! Answering a preflight under one policy: `204` with the grants, or `403`
//! with nothing of the policy in it and one line naming the first check
//! that failed.

use std::fmt;

use axum::body::Body;
use axum::response::Response;
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_MAX_AGE,
    CONTENT_TYPE, VARY,
};
use http::{HeaderMap, HeaderValue, StatusCode};
use route_cors_rules::token::is_token;

use crate::policy::Policy;
use crate::request::{
    requested_method_value, requests_private_network, single_origin, RequestedHeaders,
    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
};
use crate::vary;

/// The longest requested method a refusal repeats: longer than any method
/// in use, it would only make the answer as large as the request.
const MAX_ECHOED_METHOD_LEN: usize = 64;

/// The first check a refused preflight failed. Its text is the `403`'s
/// body: it repeats a request value only where that value is a valid token
/// (a method, a header name), never the `Origin`, and never says what the
/// policy allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Several `Origin` lines.
    OriginRepeated,
    /// An `Origin` the policy does not allow.
    Origin,
    /// `Access-Control-Request-Method` repeated, or not a method token.
    MalformedMethod,
    /// A method the deciding policy does not allow, or one that no policy
    /// on the path covers.
    Method(HeaderValue),
    /// `Access-Control-Request-Headers` over `MAX_REQUEST_HEADERS_LEN`.
    HeadersTooLong,
    /// A requested header that is not a header name.
    MalformedHeader,
    /// A requested header the policy does not allow (lowercase).
    Header(String),
    /// Private network access asked for, and not allowed.
    PrivateNetwork,
}

impl Refusal {
    /// Which check failed, as the `check` field of the refusal's event.
    pub(crate) fn check(&self) -> &'static str {
        match self {
            Refusal::OriginRepeated | Refusal::Origin => "origin",
            Refusal::MalformedMethod | Refusal::Method(_) => "method",
            Refusal::HeadersTooLong | Refusal::MalformedHeader | Refusal::Header(_) => "header",
            Refusal::PrivateNetwork => "private-network",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::OriginRepeated => f.write_str("origin header repeated"),
            Refusal::Origin => f.write_str("origin not allowed"),
            Refusal::MalformedMethod => f.write_str("malformed access-control-request-method"),
            // A token, checked before it was kept: printable ASCII; repeated
            // only when it is as short as a method is.
            Refusal::Method(method) if method.len() <= MAX_ECHOED_METHOD_LEN => {
                let method = String::from_utf8_lossy(method.as_bytes());
                write!(f, "method {method} not allowed")
            }
            Refusal::Method(_) => f.write_str("method not allowed"),
            Refusal::HeadersTooLong => f.write_str("access-control-request-headers too long"),
            Refusal::MalformedHeader => f.write_str("malformed access-control-request-headers"),
            Refusal::Header(name) => write!(f, "header {name} not allowed"),
            Refusal::PrivateNetwork => f.write_str("private network access not allowed"),
        }
    }
}

/// A refused preflight: the first check it failed, and the grants of the
/// checks it passed before (for the debug mode, which sends them so that
/// the browser's console names the failing rule).
#[derive(Debug)]
pub(crate) struct Refused {
    pub(crate) refusal: Refusal,
    pub(crate) grants_so_far: HeaderMap,
}

/// The grant headers of a preflight under `policy`, or why it is refused.
// The refusal carries a `HeaderMap`, as the grant does; boxing it would add
// an allocation to every refused preflight for no gain.
#[allow(clippy::result_large_err)]
pub(crate) fn judge(policy: &Policy, request: &HeaderMap) -> Result<HeaderMap, Refused> {
    let mut headers = HeaderMap::with_capacity(8);
    #[allow(clippy::result_large_err)]
    let refuse = |refusal, headers| {
        Err(Refused {
            refusal,
            grants_so_far: headers,
        })
    };
    let origin = match allowed_origin(policy, request) {
        Ok(origin) => origin,
        Err(refusal) => return refuse(refusal, headers),
    };
    policy.grant_origin(origin, &mut headers);
    let Some(method) = requested_method_value(request) else {
        return refuse(Refusal::MalformedMethod, headers);
    };
    if !policy.allows_method(method.as_bytes()) {
        return refuse(Refusal::Method(method.clone()), headers);
    }
    // Only the requested method: browsers cache allowed methods per origin
    // and URL, and another method of this path may have a stricter policy.
    headers.insert(ACCESS_CONTROL_ALLOW_METHODS, method.clone());
    let Some(requested) = RequestedHeaders::parse(request) else {
        return refuse(Refusal::HeadersTooLong, headers);
    };
    let refused_header = policy.first_refused_header(&requested);
    if !requested.is_empty() {
        if let Some(allow_headers) = &policy.allow_headers {
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, allow_headers.clone());
        }
    }
    if let Some(name) = refused_header {
        let refusal = if is_token(name) {
            Refusal::Header(String::from_utf8_lossy(name).to_ascii_lowercase())
        } else {
            Refusal::MalformedHeader
        };
        return refuse(refusal, headers);
    }
    let private_network = requests_private_network(request);
    if private_network && !policy.allows_private_network() {
        return refuse(Refusal::PrivateNetwork, headers);
    }
    if let Some(max_age) = &policy.max_age {
        headers.insert(ACCESS_CONTROL_MAX_AGE, max_age.clone());
    }
    if private_network {
        headers.insert(
            ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
            HeaderValue::from_static("true"),
        );
    }
    Ok(headers)
}

/// The request's one `Origin`, if `policy` allows it; else why not.
pub(crate) fn allowed_origin<'a>(
    policy: &Policy,
    request: &'a HeaderMap,
) -> Result<&'a HeaderValue, Refusal> {
    match request.get_all(http::header::ORIGIN).iter().count() {
        0 | 1 => single_origin(request)
            .filter(|origin| policy.allows_origin(origin))
            .ok_or(Refusal::Origin),
        _ => Err(Refusal::OriginRepeated),
    }
}

/// `204` with the grants.
pub(crate) fn grant(mut headers: HeaderMap) -> Response {
    headers.insert(VARY, HeaderValue::from_static(vary::PREFLIGHT));
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::NO_CONTENT;
    *res.headers_mut() = headers;
    res
}

/// The debug mode's answer to a refused preflight: `204` with the grants of
/// the checks that passed, so that the browser itself names the failing
/// rule in its console. It shows what the policy allows: development only.
pub(crate) fn refuse_for_debugging(refused: Refused) -> Response {
    grant(refused.grants_so_far)
}

/// `403` with only `Vary` and a `text/plain` line naming the failed check:
/// nothing of the policy leaks.
pub(crate) fn refuse(refusal: &Refusal) -> Response {
    forbidden(refusal.to_string(), vary::PREFLIGHT)
}

/// `403` with `Vary: vary` and the one `text/plain` line `text`: a
/// refusal's answer.
pub(crate) fn forbidden(text: String, vary: &'static str) -> Response {
    let mut res = Response::new(Body::from(text));
    *res.status_mut() = StatusCode::FORBIDDEN;
    let headers = res.headers_mut();
    headers.insert(VARY, HeaderValue::from_static(vary));
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}
