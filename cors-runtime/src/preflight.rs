//! Answering a preflight under one policy: `204` with the grants, or `403`
//! with nothing of the policy in it and one line naming the first check
//! that failed.

use axum::body::Body;
use axum::response::Response;
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_MAX_AGE, VARY,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use route_cors_rules::token::is_token;

use crate::check::{self, forbidden, Reason, Refusal};
use crate::policy::Policy;
use crate::request::{
    requested_method_value, requests_private_network, RequestedHeaders,
    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
};
use crate::vary;

/// The grant headers of a preflight under `policy`, or why it is refused.
// A refusal carries a `HeaderMap` (see `Refusal`).
#[allow(clippy::result_large_err)]
pub(crate) fn judge(policy: &Policy, request: &HeaderMap) -> Result<HeaderMap, Refusal> {
    let mut headers = HeaderMap::with_capacity(8);
    let refuse = |reason, grants_so_far| {
        Err(Refusal {
            reason,
            grants_so_far,
        })
    };
    let origin = match check::origin(policy, request) {
        Ok(origin) => origin,
        Err(reason) => return refuse(reason, headers),
    };
    policy.grant_origin(origin, &mut headers);
    let Some(requested) = requested_method_value(request) else {
        return refuse(Reason::MalformedMethod, headers);
    };
    if !policy.allows_method(requested.as_bytes()) {
        return refuse(Reason::from(requested_method(requested)), headers);
    }
    // Only the requested method: browsers cache allowed methods per origin
    // and URL, and another method of this path may have a stricter policy.
    headers.insert(ACCESS_CONTROL_ALLOW_METHODS, requested.clone());
    let Some(requested) = RequestedHeaders::parse(request) else {
        return refuse(Reason::HeadersTooLong, headers);
    };
    let refused_header = policy.first_refused_header(&requested);
    if !requested.is_empty() {
        if let Some(allow_headers) = &policy.allow_headers {
            headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, allow_headers.clone());
        }
    }
    if let Some(name) = refused_header {
        let reason = if is_token(name) {
            Reason::Header(String::from_utf8_lossy(name).to_ascii_lowercase())
        } else {
            Reason::MalformedHeader
        };
        return refuse(reason, headers);
    }
    let private_network = requests_private_network(request);
    if private_network && !policy.allows_private_network() {
        return refuse(Reason::PrivateNetwork, headers);
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

/// The method a preflight asks for, as a `Method`: `None` where it is
/// missing, repeated or not a method token.
pub(crate) fn requested_method(value: &HeaderValue) -> Option<Method> {
    Method::from_bytes(value.as_bytes()).ok()
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
pub(crate) fn refuse_for_debugging(refusal: Refusal) -> Response {
    grant(refusal.grants_so_far)
}

/// `403` with only `Vary` and a `text/plain` line naming the failed check:
/// nothing of the policy leaks.
pub(crate) fn refuse(refusal: &Refusal) -> Response {
    forbidden(refusal.reason.to_string(), vary::PREFLIGHT)
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::requested_method;

    /// Every method token a preflight may ask for is a `Method`, however
    /// long: a refusal names it rather than calling it malformed.
    #[test]
    fn every_method_token_is_a_requested_method() {
        let tchars =
            "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for c in tchars.chars() {
            let value = HeaderValue::from_str(&c.to_string()).unwrap();
            assert_eq!(requested_method(&value).unwrap().as_str(), c.to_string());
        }
        let long = "X".repeat(70);
        let value = HeaderValue::from_str(&long).unwrap();
        assert_eq!(requested_method(&value).unwrap().as_str(), long);
        let value = HeaderValue::from_static("GET POST");
        assert_eq!(requested_method(&value), None);
    }
}
