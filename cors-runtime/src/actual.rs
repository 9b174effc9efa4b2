//! Actual requests: what the response gets is decided before the request
//! goes in, and written on whatever response comes back, whoever made it
//! (the handler, or a middleware that answered first: an authentication
//! check's `401`, a timeout's `408`, a caught panic's `500`).

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
};
use http::{HeaderMap, HeaderValue, Method};

use crate::check::{self, Refusal};
use crate::policy::Policy;
use crate::request::ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK;
use crate::vary;

/// What the response to an actual request gets.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    /// Nothing configured decides this request (a path without policies, in
    /// an app without a default): the response stays as the app made it.
    Untouched,
    /// A path with policies, for a method that none of them covers and no
    /// default: no grant, and none that the app set. The answer does not
    /// depend on the origin, so no `Vary` either.
    Uncovered,
    /// Judged by a policy: the grant for an allowed origin, `Vary: origin`
    /// whatever the origin.
    Judged(Option<Grant>),
}

/// The grant headers of an allowed origin, computed from the policy in force
/// when the request came in.
#[derive(Clone, Debug)]
pub(crate) struct Grant {
    allow_origin: HeaderValue,
    credentials: bool,
    expose: Option<HeaderValue>,
}

/// The grant under `policy` of a request with `method` and these headers:
/// the policy must allow the method, then the one `Origin`.
// A refusal carries a `HeaderMap` (see `Refusal`).
#[allow(clippy::result_large_err)]
pub(crate) fn judge(
    policy: &Policy,
    method: &Method,
    request: &HeaderMap,
) -> Result<Grant, Refusal> {
    check::method(policy, method)?;
    let origin = check::origin(policy, request)?;
    Ok(Grant {
        allow_origin: policy.allow_origin_value(origin),
        credentials: policy.credentials,
        expose: policy.expose_headers.clone(),
    })
}

/// Rewrites the CORS headers of a response as `outcome` says.
pub(crate) fn apply(outcome: &Outcome, response: &mut HeaderMap) {
    let grant = match outcome {
        Outcome::Untouched => return,
        Outcome::Uncovered => {
            remove_cors_headers(response);
            return;
        }
        Outcome::Judged(grant) => grant,
    };
    remove_cors_headers(response);
    if let Some(grant) = grant {
        response.insert(ACCESS_CONTROL_ALLOW_ORIGIN, grant.allow_origin.clone());
        if grant.credentials {
            response.insert(
                ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
        if let Some(expose) = &grant.expose {
            response.insert(ACCESS_CONTROL_EXPOSE_HEADERS, expose.clone());
        }
    }
    vary::add(response, vary::ACTUAL);
}

/// The policy alone decides these: whatever the app set goes.
fn remove_cors_headers(response: &mut HeaderMap) {
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
}
