//! The `Origin` a request carries: just enough to tell whether a value is an
//! origin as browsers serialize it, whether it matches a subdomain pattern,
//! and whether it is the request's own. This runs on every request, on
//! values anyone can send, so it never allocates, and it is lenient where
//! browsers are (a fully qualified host keeps its trailing dot).

use super::host;
use super::parts::{default_port, is_scheme, split_port, Origin, MAX_ORIGIN_LEN};

/// Whether `value` is `null` or a serialized origin: a lowercase scheme,
/// `://`, a lowercase host (a domain, a canonical IPv4 address, or a
/// bracketed canonical IPv6 address) and a port without leading zeros.
pub fn is_request_origin(value: &[u8]) -> bool {
    if value == b"null" {
        return true;
    }
    if value.len() > MAX_ORIGIN_LEN {
        return false;
    }
    let Some(origin) = Origin::split(value) else {
        return false;
    };
    let host = origin.host.strip_suffix(b".").unwrap_or(origin.host);
    is_scheme(origin.scheme)
        && !origin.scheme.iter().any(u8::is_ascii_uppercase)
        && host::check(host).is_ok()
}

/// Whether `origin` is `prefix` (`https://`), one or more DNS labels, then
/// `suffix` (`.example.com`, the dot included): the runtime side of
/// [`SubdomainPattern`](super::SubdomainPattern), on borrowed parts.
pub fn matches_subdomains(prefix: &[u8], suffix: &[u8], origin: &[u8]) -> bool {
    if origin.len() <= prefix.len() + suffix.len()
        || !origin.starts_with(prefix)
        || !origin.ends_with(suffix)
    {
        return false;
    }
    let labels = &origin[prefix.len()..origin.len() - suffix.len()];
    labels.split(|&b| b == b'.').all(host::is_domain_label)
}

/// Whether a request's `Origin` names the request's own host and port:
/// `authority` is its `Host` (or, in HTTP/2, the URI's authority). Hosts
/// compare case-insensitively, and a port left out is the origin scheme's
/// default (`:443` for `https`, `:80` for `http`), on either side. `null`,
/// a value that is not `scheme://host[:port]`, and an unreadable port are
/// never the same. Allocation-free.
pub fn is_same_origin(origin: &[u8], authority: &[u8]) -> bool {
    // The URI's authority may carry userinfo; `Host` never does.
    let authority = match authority.iter().rposition(|&b| b == b'@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let (Some(origin), Ok((own_host, own_port))) = (Origin::split(origin), split_port(authority))
    else {
        return false;
    };
    let default = default_port(origin.scheme);
    !origin.host.is_empty()
        && origin.host.eq_ignore_ascii_case(own_host)
        && origin.port.or(default) == own_port.or(default)
}
