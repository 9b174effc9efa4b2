//! Why a browser blocks a request, in its own terms, and at which step.
//!
//! Bottom layer, the Fetch model: plain values that the checks return and
//! the verdict carries, so both can name a failure without knowing each
//! other.

use std::fmt;

use http::{HeaderName, Method, StatusCode};

/// The step at which a request was blocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// `fetch()` threw before anything was sent.
    Script,
    /// The preflight (`OPTIONS`) failed: the actual request was never sent.
    Preflight,
    /// The actual request was sent and answered, and the page may not see
    /// the answer.
    Actual,
}

/// The check that failed: the first one, in the order browsers check.
///
/// Its `Display` is one sentence in the browser's terms, the way
/// `Blocked` prints it after the step:
///
/// ```
/// use http::{HeaderName, StatusCode};
/// use route_cors_testkit::Reason;
///
/// assert_eq!(
///     Reason::PreflightStatusNotOk(StatusCode::FORBIDDEN).to_string(),
///     "preflight response status 403 is not ok",
/// );
/// assert_eq!(
///     Reason::HeaderNotAllowed {
///         header: HeaderName::from_static("x-foo"),
///         wildcard_ignored: false,
///     }
///     .to_string(),
///     "request header x-foo is not allowed by Access-Control-Allow-Headers in the preflight response",
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// `fetch()` throws for `CONNECT`, `TRACE` and `TRACK`.
    ForbiddenMethod(Method),
    /// `fetch()` throws for a `GET` or `HEAD` with a body.
    BodyWithGetOrHead,
    /// No `Access-Control-Allow-Origin`.
    AllowOriginMissing,
    /// `Access-Control-Allow-Origin` with several values (a list, or several
    /// lines), which no browser accepts.
    AllowOriginMultiple(String),
    /// `Access-Control-Allow-Origin` names another origin than the page's.
    AllowOriginMismatch {
        /// What the response said.
        allowed: String,
        /// The page's origin.
        origin: String,
    },
    /// `Access-Control-Allow-Origin: *` on a credentialed request.
    AllowOriginWildcardWithCredentials,
    /// A credentialed request without `Access-Control-Allow-Credentials:
    /// true` (exactly, in lowercase): what the response said, if anything.
    AllowCredentialsNotTrue(Option<String>),
    /// The preflight's status is not in 200-299.
    PreflightStatusNotOk(StatusCode),
    /// `Access-Control-Allow-Methods` is not a comma-separated list of
    /// methods.
    InvalidAllowMethods(String),
    /// `Access-Control-Allow-Headers` is not a comma-separated list of
    /// header names.
    InvalidAllowHeaders(String),
    /// The method is not safelisted and not in `Access-Control-Allow-Methods`.
    MethodNotAllowed {
        /// The method.
        method: Method,
        /// The list had a `*` that did not count (the request is
        /// credentialed).
        wildcard_ignored: bool,
    },
    /// A request header is not in `Access-Control-Allow-Headers`.
    HeaderNotAllowed {
        /// The first such header, in `Access-Control-Request-Headers` order.
        header: HeaderName,
        /// The list had a `*` that did not count: the request is
        /// credentialed, or the header is `authorization`, which `*` never
        /// covers.
        wildcard_ignored: bool,
    },
    /// A Private Network Access preflight answered without
    /// `Access-Control-Allow-Private-Network: true`: what it said, if
    /// anything.
    PrivateNetworkNotAllowed(Option<String>),
    /// The request did not get an answer at all (the server is down, TLS
    /// failed...): a browser says only "Failed to fetch".
    Network(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ForbiddenMethod(method) => {
                write!(
                    f,
                    "fetch() throws a TypeError: method {method} is forbidden"
                )
            }
            Self::BodyWithGetOrHead => f.write_str(
                "fetch() throws a TypeError: a request with method GET or HEAD cannot have a body",
            ),
            Self::AllowOriginMissing => f.write_str("Access-Control-Allow-Origin is missing"),
            Self::AllowOriginMultiple(value) => write!(
                f,
                "Access-Control-Allow-Origin has several values (`{value}`), \
                 and a browser accepts exactly one"
            ),
            Self::AllowOriginMismatch { allowed, origin } => write!(
                f,
                "Access-Control-Allow-Origin is `{allowed}`, not the page's origin `{origin}`"
            ),
            Self::AllowOriginWildcardWithCredentials => f.write_str(
                "Access-Control-Allow-Origin is `*`, which a credentialed request does not \
                 accept: it must be the page's origin",
            ),
            Self::AllowCredentialsNotTrue(None) => f.write_str(
                "Access-Control-Allow-Credentials is missing, and a credentialed request \
                 needs it to be `true`",
            ),
            Self::AllowCredentialsNotTrue(Some(value)) => write!(
                f,
                "Access-Control-Allow-Credentials is `{value}`, and a credentialed request \
                 needs it to be exactly `true`"
            ),
            Self::PreflightStatusNotOk(status) => {
                write!(f, "preflight response status {} is not ok", status.as_u16())
            }
            Self::InvalidAllowMethods(value) => write!(
                f,
                "Access-Control-Allow-Methods in the preflight response is not a list of \
                 methods: `{value}`"
            ),
            Self::InvalidAllowHeaders(value) => write!(
                f,
                "Access-Control-Allow-Headers in the preflight response is not a list of \
                 header names: `{value}`"
            ),
            Self::MethodNotAllowed {
                method,
                wildcard_ignored,
            } => {
                write!(
                    f,
                    "method {method} is not allowed by Access-Control-Allow-Methods in the \
                     preflight response"
                )?;
                if *wildcard_ignored {
                    f.write_str(" (its `*` does not count for a credentialed request)")?;
                }
                Ok(())
            }
            Self::HeaderNotAllowed {
                header,
                wildcard_ignored,
            } => {
                write!(
                    f,
                    "request header {header} is not allowed by Access-Control-Allow-Headers in \
                     the preflight response"
                )?;
                if *wildcard_ignored {
                    if header == http::header::AUTHORIZATION {
                        f.write_str(" (`*` never covers authorization: it must be listed)")?;
                    } else {
                        f.write_str(" (its `*` does not count for a credentialed request)")?;
                    }
                }
                Ok(())
            }
            Self::PrivateNetworkNotAllowed(None) => f.write_str(
                "Access-Control-Allow-Private-Network is missing from the preflight response \
                 to a private network request",
            ),
            Self::PrivateNetworkNotAllowed(Some(value)) => write!(
                f,
                "Access-Control-Allow-Private-Network is `{value}`, not `true`, in the \
                 preflight response to a private network request"
            ),
            Self::Network(error) => write!(f, "the request failed: {error}"),
        }
    }
}
