//! Header names a policy allows in requests or exposes in responses.

use crate::token::is_token;
use crate::violation::{Rule, Violation};

/// Fetch's forbidden request-header names (besides the `proxy-` and `sec-`
/// prefixes): the browser sets them itself and scripts cannot.
const FORBIDDEN_REQUEST: &[&str] = &[
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Whether a lowercase header name is one of Fetch's forbidden
/// request-header names (the list, and the `proxy-` and `sec-` prefixes).
pub fn is_forbidden_request_name(lower: &str) -> bool {
    FORBIDDEN_REQUEST.contains(&lower) || lower.starts_with("proxy-") || lower.starts_with("sec-")
}

/// Checks a request header a policy allows; returns its lowercase form.
pub fn check_request(name: &str) -> Result<String, Violation> {
    if !is_token(name.as_bytes()) {
        return Err(Violation::new(Rule::HeaderInvalid, name));
    }
    let lower = name.to_ascii_lowercase();
    // Browsers set `Access-Control-Request-Private-Network` themselves too,
    // on preflights only.
    let forbidden =
        is_forbidden_request_name(&lower) || lower == "access-control-request-private-network";
    if forbidden {
        return Err(Violation::new(Rule::HeaderForbidden, name));
    }
    if lower.starts_with("access-control-") {
        return Err(Violation::new(Rule::HeaderCorsResponseOnly, name));
    }
    Ok(lower)
}

/// Checks a response header a policy exposes; returns its lowercase form.
pub fn check_exposed(name: &str) -> Result<String, Violation> {
    if !is_token(name.as_bytes()) {
        return Err(Violation::new(Rule::ExposeInvalid, name));
    }
    let lower = name.to_ascii_lowercase();
    if lower == "set-cookie" || lower == "set-cookie2" {
        return Err(Violation::new(Rule::ExposeSetCookie, name));
    }
    if lower == "origin" || lower.starts_with("access-control-") {
        return Err(Violation::new(Rule::ExposeNothingToExpose, name)
            .help(format!("remove `{lower}` from `expose`")));
    }
    Ok(lower)
}
