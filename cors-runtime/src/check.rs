//! What every judge shares: the checks a request goes through, and the
//! refusal that names the first one it failed. A preflight, an actual
//! request and a cross-origin write are each judged to a grant or a
//! [`Refusal`]; the service logs and answers from that value alone.

use std::fmt;

use axum::body::Body;
use axum::response::Response;
use http::header::{CONTENT_TYPE, ORIGIN, VARY};
use http::{HeaderMap, HeaderValue, Method, StatusCode};

use crate::policy::Policy;
use crate::request::single_origin;

/// The longest method a refusal repeats: longer than any method in use, it
/// would only make the answer as large as the request.
const MAX_ECHOED_METHOD_LEN: usize = 64;

/// What a judge checked: the `check` field of a refusal's event, and the
/// policy setting it compared against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    Origin,
    Method,
    Header,
    PrivateNetwork,
}

impl Check {
    /// As the refusal's event names it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Check::Origin => "origin",
            Check::Method => "method",
            Check::Header => "header",
            Check::PrivateNetwork => "private-network",
        }
    }
}

/// Why a request failed its first failing check. Its text is the body of a
/// `403`: it repeats a request value only where that value is a valid token
/// (a method, a header name), never the `Origin`, and never says what the
/// policy allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// Several `Origin` lines.
    OriginRepeated,
    /// No `Origin`, or one the policy does not allow.
    Origin,
    /// `Access-Control-Request-Method` missing, repeated, or not a method
    /// token.
    MalformedMethod,
    /// A method the deciding policy does not allow, or one that no policy
    /// on the path covers.
    Method(Method),
    /// `Access-Control-Request-Headers` over `MAX_REQUEST_HEADERS_LEN`.
    HeadersTooLong,
    /// A requested header that is not a header name.
    MalformedHeader,
    /// A requested header the policy does not allow (lowercase).
    Header(String),
    /// Private network access asked for, and not allowed.
    PrivateNetwork,
}

impl Reason {
    /// The check that failed.
    pub(crate) fn check(&self) -> Check {
        match self {
            Reason::OriginRepeated | Reason::Origin => Check::Origin,
            Reason::MalformedMethod | Reason::Method(_) => Check::Method,
            Reason::HeadersTooLong | Reason::MalformedHeader | Reason::Header(_) => Check::Header,
            Reason::PrivateNetwork => Check::PrivateNetwork,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::OriginRepeated => f.write_str("origin header repeated"),
            Reason::Origin => f.write_str("origin not allowed"),
            Reason::MalformedMethod => f.write_str("malformed access-control-request-method"),
            // A token (a `Method` is one): printable ASCII; repeated only
            // when it is as short as a method is.
            Reason::Method(method) if method.as_str().len() <= MAX_ECHOED_METHOD_LEN => {
                write!(f, "method {method} not allowed")
            }
            Reason::Method(_) => f.write_str("method not allowed"),
            Reason::HeadersTooLong => f.write_str("access-control-request-headers too long"),
            Reason::MalformedHeader => f.write_str("malformed access-control-request-headers"),
            Reason::Header(name) => write!(f, "header {name} not allowed"),
            Reason::PrivateNetwork => f.write_str("private network access not allowed"),
        }
    }
}

/// A request that gets no grant: why, and for a preflight the grants of the
/// checks it passed before (the debug mode sends them, so that the
/// browser's console names the failing rule; empty otherwise).
// Its `HeaderMap` makes it large for a `Result`'s error; boxing it would
// add an allocation to every refused preflight for no gain, hence the
// judges' `allow(clippy::result_large_err)`.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) reason: Reason,
    pub(crate) grants_so_far: HeaderMap,
}

impl Refusal {
    /// Where no policy covers `method` (`None`: the preflight named none,
    /// or a malformed one): nothing would answer the request.
    pub(crate) fn uncovered(method: Option<Method>) -> Self {
        Reason::from(method).into()
    }

    pub(crate) fn check(&self) -> Check {
        self.reason.check()
    }

    /// The setting of the deciding policy that the failed check compared
    /// against, for the refusal's event; `None`: no policy decided.
    pub(crate) fn allowed(&self, policy: Option<&Policy>) -> String {
        match policy {
            Some(policy) => match self.check() {
                Check::Origin => format!("origins: {}", policy.describe_origins()),
                Check::Method => format!("methods: {}", policy.describe_methods()),
                Check::Header => format!("headers: {}", policy.describe_headers()),
                Check::PrivateNetwork => {
                    format!("private_network: {}", policy.allows_private_network())
                }
            },
            None => "no policy covers this method".to_owned(),
        }
    }
}

impl From<Reason> for Refusal {
    fn from(reason: Reason) -> Self {
        Refusal {
            reason,
            grants_so_far: HeaderMap::new(),
        }
    }
}

impl From<Option<Method>> for Reason {
    fn from(method: Option<Method>) -> Self {
        method.map_or(Reason::MalformedMethod, Reason::Method)
    }
}

/// The request's one `Origin`, if `policy` allows it.
pub(crate) fn origin<'a>(
    policy: &Policy,
    request: &'a HeaderMap,
) -> Result<&'a HeaderValue, Reason> {
    match request.get_all(ORIGIN).iter().count() {
        0 | 1 => single_origin(request)
            .filter(|origin| policy.allows_origin(origin))
            .ok_or(Reason::Origin),
        _ => Err(Reason::OriginRepeated),
    }
}

/// Whether `policy` allows `method`.
pub(crate) fn method(policy: &Policy, method: &Method) -> Result<(), Reason> {
    if policy.allows_method(method.as_str().as_bytes()) {
        Ok(())
    } else {
        Err(Reason::Method(method.clone()))
    }
}

/// `403` with `Vary: vary` and the one `text/plain` line `text`: a
/// refusal's answer, with nothing of the policy in it.
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
