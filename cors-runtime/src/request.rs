//! Reading the CORS headers of a request, defensively: several lines, odd
//! bytes and huge values are expected and never trusted.

use http::header::{ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use route_cors_rules::token::is_token;

/// `Access-Control-Request-Private-Network` (Private Network Access).
pub(crate) const ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
/// `Access-Control-Allow-Private-Network` (Private Network Access).
pub(crate) const ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// The most bytes of `Access-Control-Request-Headers` a preflight may carry
/// (all lines together). Browsers list only the non-safelisted headers a
/// script set; 4 KiB is hundreds of names. Longer is refused unread.
pub const MAX_REQUEST_HEADERS_LEN: usize = 4096;

/// Whether a request is a CORS preflight: `OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`. Every other request, `OPTIONS` included,
/// is an actual request.
///
/// Use it to let preflights past middleware that would refuse them (an
/// authentication check, say): a preflight carries no credentials, and
/// route-cors answers it without running any handler.
pub fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS
        && headers.contains_key(ORIGIN)
        && headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// The request's `Origin`, when it has exactly one.
pub(crate) fn single_origin(headers: &HeaderMap) -> Option<&HeaderValue> {
    single(headers, &ORIGIN)
}

/// The request's `Access-Control-Request-Method`, when it has exactly one and
/// it is a method token.
pub(crate) fn requested_method_value(headers: &HeaderMap) -> Option<&HeaderValue> {
    single(headers, &ACCESS_CONTROL_REQUEST_METHOD).filter(|m| is_token(m.as_bytes()))
}

/// Whether the preflight asks for private network access: one
/// `Access-Control-Request-Private-Network` line, exactly `true`, as
/// browsers send it. Anything else asks for nothing, and so is granted
/// nothing.
pub(crate) fn requests_private_network(headers: &HeaderMap) -> bool {
    single(headers, &ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK)
        .is_some_and(|v| v.as_bytes() == b"true")
}

fn single<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a HeaderValue> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    values.next().is_none().then_some(first)
}

/// The header names a preflight asks for, from every
/// `Access-Control-Request-Headers` line: comma-separated, optional
/// whitespace, empty elements skipped.
pub(crate) struct RequestedHeaders<'a> {
    lines: http::header::GetAll<'a, HeaderValue>,
}

impl<'a> RequestedHeaders<'a> {
    /// `None` when the lines together exceed [`MAX_REQUEST_HEADERS_LEN`].
    pub(crate) fn parse(headers: &'a HeaderMap) -> Option<Self> {
        let lines = headers.get_all(ACCESS_CONTROL_REQUEST_HEADERS);
        let total: usize = lines.iter().map(|v| v.len()).sum();
        (total <= MAX_REQUEST_HEADERS_LEN).then_some(RequestedHeaders { lines })
    }

    /// Whether any header is asked for.
    pub(crate) fn is_empty(&self) -> bool {
        let mut any = false;
        self.for_each_name(|_| {
            any = true;
            false
        });
        !any
    }

    /// The first name that is not a token or does not pass `allowed`.
    pub(crate) fn first_refused(&self, mut allowed: impl FnMut(&[u8]) -> bool) -> Option<&'a [u8]> {
        let mut refused = None;
        self.for_each_name(|name| {
            let ok = is_token(name) && allowed(name);
            if !ok {
                refused = Some(name);
            }
            ok
        });
        refused
    }

    /// Calls `f` on each name until it returns false; returns whether it
    /// never did.
    fn for_each_name(&self, mut f: impl FnMut(&'a [u8]) -> bool) -> bool {
        for line in self.lines.iter() {
            for element in line.as_bytes().split(|&b| b == b',') {
                let name = element.trim_ascii();
                if !name.is_empty() && !f(name) {
                    return false;
                }
            }
        }
        true
    }
}
