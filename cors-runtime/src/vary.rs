//! `Vary`: naming the request headers an answer depended on, merged with what
//! the handler already said, never twice.

use http::header::VARY;
use http::{HeaderMap, HeaderValue};

/// `Vary` of an actual response under a policy.
pub(crate) const ACTUAL: &str = "origin";
/// `Vary` of a preflight answer: every request header it reads.
pub(crate) const PREFLIGHT: &str = "origin, access-control-request-method, access-control-request-headers, access-control-request-private-network";

/// Makes `headers` vary on every name in `names` (comma-separated,
/// lowercase), keeping what is there. Allocates only when the response
/// already had a `Vary` that lacks one of the names.
pub(crate) fn add(headers: &mut HeaderMap, names: &'static str) {
    if !headers.contains_key(VARY) {
        headers.insert(VARY, HeaderValue::from_static(names));
        return;
    }
    let listed = |name: &str| {
        headers.get_all(VARY).iter().any(|line| {
            line.as_bytes()
                .split(|&b| b == b',')
                .map(<[u8]>::trim_ascii)
                .any(|item| item == b"*" || item.eq_ignore_ascii_case(name.as_bytes()))
        })
    };
    let missing: Vec<&str> = names.split(", ").filter(|n| !listed(n)).collect();
    if missing.is_empty() {
        return;
    }
    let mut merged: Vec<u8> = Vec::new();
    for line in headers.get_all(VARY) {
        let line = line.as_bytes().trim_ascii();
        if !line.is_empty() {
            merged.extend_from_slice(line);
            merged.extend_from_slice(b", ");
        }
    }
    merged.extend_from_slice(missing.join(", ").as_bytes());
    if let Ok(value) = HeaderValue::from_bytes(&merged) {
        headers.insert(VARY, value);
    }
}
