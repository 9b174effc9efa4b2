//! Actual requests: the policy alone decides the `Access-Control-*` headers
//! of the response, whatever the handler set and whatever its status.

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
};
use http::{HeaderMap, HeaderValue, Method};

use crate::policy::Policy;
use crate::request::{single_origin, ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK};
use crate::vary;

/// What the request earned, read before the handler takes the request.
#[derive(Clone, Debug)]
pub(crate) struct Verdict {
    /// The allowed `Origin`, `None` when absent, repeated, malformed or not
    /// allowed.
    origin: Option<HeaderValue>,
}

pub(crate) fn judge(policy: &Policy, method: &Method, request: &HeaderMap) -> Verdict {
    judge_origin(
        policy,
        policy.allows_actual_method(method, true),
        single_origin(request),
    )
}

/// The verdict for the request's one `Origin` (`None` when it had none, or
/// several), given whether the policy allows the request's method: a method
/// the policy does not list gets no grant either.
pub(crate) fn judge_origin(
    policy: &Policy,
    method_allowed: bool,
    origin: Option<&HeaderValue>,
) -> Verdict {
    Verdict {
        origin: origin
            .filter(|o| method_allowed && policy.allows_origin(o))
            .cloned(),
    }
}

/// Rewrites the CORS headers of `response` as `policy` decides.
pub(crate) fn apply(policy: &Policy, verdict: &Verdict, response: &mut HeaderMap) {
    for name in [
        ACCESS_CONTROL_ALLOW_ORIGIN,
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
        ACCESS_CONTROL_EXPOSE_HEADERS,
        ACCESS_CONTROL_ALLOW_METHODS,
        ACCESS_CONTROL_ALLOW_HEADERS,
        ACCESS_CONTROL_MAX_AGE,
        ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
    ] {
        response.remove(name);
    }
    if let Some(origin) = &verdict.origin {
        policy.grant_actual(origin, response);
    }
    vary::add(response, vary::ACTUAL);
}
