//! Answering a preflight under one policy: `204` with the grants, or `403`
//! with nothing of the policy in it.

use axum::response::Response;
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_MAX_AGE, VARY,
};
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::policy::Policy;
use crate::request::{
    requested_method_value, requests_private_network, single_origin, RequestedHeaders,
    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
};
use crate::vary;

/// How a preflight's method is judged.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MethodGrant<'a> {
    /// The method judged: the requested one, or `GET` when a `HEAD`
    /// preflight goes to the `GET` handler (as axum routes `HEAD`). `None`
    /// when the request's is missing, repeated or not a method token.
    pub method: Option<&'a [u8]>,
    /// Whether the handler is routed for it (a policy that leaves methods to
    /// routing allows exactly those).
    pub routed: bool,
}

/// The answer to a preflight under `policy`: its status and headers.
pub(crate) fn answer(
    policy: &Policy,
    methods: MethodGrant<'_>,
    request: &HeaderMap,
) -> (StatusCode, HeaderMap) {
    match grant(policy, methods, request) {
        Some(mut headers) => {
            headers.insert(VARY, HeaderValue::from_static(vary::PREFLIGHT));
            (StatusCode::NO_CONTENT, headers)
        }
        None => refusal(),
    }
}

/// `403` with only `Vary`.
fn refusal() -> (StatusCode, HeaderMap) {
    let mut headers = HeaderMap::with_capacity(1);
    headers.insert(VARY, HeaderValue::from_static(vary::PREFLIGHT));
    (StatusCode::FORBIDDEN, headers)
}

/// The refusal as a response.
pub(crate) fn refuse() -> Response {
    respond(refusal())
}

/// An empty response with the given status and headers.
pub(crate) fn respond<B: Default>((status, headers): (StatusCode, HeaderMap)) -> http::Response<B> {
    let mut res = http::Response::new(B::default());
    *res.status_mut() = status;
    *res.headers_mut() = headers;
    res
}

/// The grant headers, or `None` when anything asked for is not allowed.
fn grant(policy: &Policy, methods: MethodGrant<'_>, request: &HeaderMap) -> Option<HeaderMap> {
    let origin = single_origin(request).filter(|o| policy.allows_origin(o))?;
    if !policy.allows_method(methods.method?, methods.routed) {
        return None;
    }
    let requested = RequestedHeaders::parse(request)?;
    if !policy.allows_headers(&requested) {
        return None;
    }
    let private_network = requests_private_network(request);
    if private_network && !policy.allows_private_network() {
        return None;
    }

    let mut headers = HeaderMap::with_capacity(8);
    policy.grant_origin(origin, &mut headers);
    // Only the requested method: browsers cache allowed methods per origin
    // and URL, and another method of this path may have a stricter policy.
    if let Some(requested) = requested_method_value(request) {
        headers.insert(ACCESS_CONTROL_ALLOW_METHODS, requested.clone());
    }
    if !requested.is_empty() {
        if let Some(allow_headers) = &policy.allow_headers {
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, allow_headers.clone());
        }
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
    Some(headers)
}
