//! Recognising the `Origin` a request carries: just enough to tell whether a
//! value is an origin as browsers serialize it, in one pass and without
//! allocating. Configured origins are parsed strictly, once, by `origin`;
//! this runs on every request, on values anyone can send.

use core::fmt::Write;
use core::net::Ipv6Addr;

use crate::origin::{is_domain_label, parse_port, MAX_ORIGIN_LEN};

/// Whether `value` is `null` or a serialized origin: a lowercase scheme,
/// `://`, a lowercase host (a domain, a canonical IPv4 address, or a
/// bracketed canonical IPv6 address) and a port without leading zeros.
pub fn is_request_origin(value: &[u8]) -> bool {
    if value == b"null" {
        return true;
    }
    if value.is_empty() || value.len() > MAX_ORIGIN_LEN {
        return false;
    }
    let Some(sep) = value.windows(3).position(|w| w == b"://") else {
        return false;
    };
    let (scheme, authority) = (&value[..sep], &value[sep + 3..]);
    is_scheme(scheme) && is_authority(authority)
}

fn is_scheme(scheme: &[u8]) -> bool {
    scheme.first().is_some_and(u8::is_ascii_lowercase)
        && scheme
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b))
}

fn is_authority(authority: &[u8]) -> bool {
    if let Some(rest) = authority.strip_prefix(b"[") {
        let Some(close) = rest.iter().position(|&b| b == b']') else {
            return false;
        };
        let port_ok = match &rest[close + 1..] {
            [] => true,
            [b':', port @ ..] => parse_port(port).is_some(),
            _ => false,
        };
        return port_ok && is_canonical_ipv6(&rest[..close]);
    }
    let (host, port) = match authority.iter().rposition(|&b| b == b':') {
        Some(colon) => (&authority[..colon], Some(&authority[colon + 1..])),
        None => (authority, None),
    };
    if port.is_some_and(|p| parse_port(p).is_none()) {
        return false;
    }
    // A fully qualified host keeps its trailing dot.
    let host = host.strip_suffix(b".").unwrap_or(host);
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    let last = host.rsplit(|&b| b == b'.').next().unwrap_or_default();
    // The URL standard's "ends in a number": all digits, or `0x` and hex.
    let ends_in_number = (!last.is_empty() && last.iter().all(u8::is_ascii_digit))
        || last
            .strip_prefix(b"0x")
            .or_else(|| last.strip_prefix(b"0X"))
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit));
    if ends_in_number {
        // The URL standard parses a host that ends in a number as IPv4, and
        // serializes it in dotted decimal.
        return is_canonical_ipv4(host);
    }
    host.split(|&b| b == b'.').all(is_domain_label)
}

/// Four decimal numbers from 0 to 255, without leading zeros.
fn is_canonical_ipv4(host: &[u8]) -> bool {
    let mut parts = 0;
    for part in host.split(|&b| b == b'.') {
        parts += 1;
        let canonical = match part {
            [b'0'] => true,
            [b'1'..=b'9', rest @ ..] if rest.len() <= 2 => {
                rest.iter().all(u8::is_ascii_digit)
                    && part.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0')) <= 255
            }
            _ => false,
        };
        if !canonical || parts > 4 {
            return false;
        }
    }
    parts == 4
}

/// An IPv6 address written exactly as browsers serialize it (lowercase hex,
/// no leading zeros, the longest run of two or more zero pieces as `::`).
fn is_canonical_ipv6(inner: &[u8]) -> bool {
    let Ok(text) = core::str::from_utf8(inner) else {
        return false;
    };
    let Ok(ip) = text.parse::<Ipv6Addr>() else {
        return false;
    };
    let mut canonical = StackString::default();
    write_ipv6(ip, &mut canonical).is_ok() && canonical.as_bytes() == inner
}

/// An IPv6 address as the URL standard serializes it: lowercase hex pieces
/// without leading zeros, the first longest run of two or more zero pieces
/// compressed to `::`. (Rust's `Display` writes IPv4-mapped addresses in
/// dotted form, which browsers never send.) For configured origins: their
/// fix, their check.
pub(crate) fn serialize_ipv6(ip: Ipv6Addr) -> String {
    let mut out = StackString::default();
    // 40 bytes hold the longest serialization (39).
    write_ipv6(ip, &mut out).expect("an IPv6 serialization fits in 40 bytes");
    String::from_utf8_lossy(out.as_bytes()).into_owned()
}

/// The serialization of the URL standard (RFC 5952's compression).
fn write_ipv6(ip: Ipv6Addr, out: &mut StackString) -> core::fmt::Result {
    let pieces = ip.segments();
    let (mut best, mut best_len) = (None, 1);
    let mut i = 0;
    while i < 8 {
        let start = i;
        while i < 8 && pieces[i] == 0 {
            i += 1;
        }
        if i - start > best_len {
            best = Some(start);
            best_len = i - start;
        }
        i += 1;
    }
    let write = |range: &[u16], out: &mut StackString| {
        for (n, piece) in range.iter().enumerate() {
            if n > 0 {
                out.write_char(':')?;
            }
            write!(out, "{piece:x}")?;
        }
        Ok(())
    };
    match best {
        Some(start) => {
            write(&pieces[..start], out)?;
            out.write_str("::")?;
            write(&pieces[start + best_len..], out)
        }
        None => write(&pieces, out),
    }
}

/// Room for the longest IPv6 serialization (39 bytes), on the stack.
struct StackString {
    bytes: [u8; 40],
    len: usize,
}

impl Default for StackString {
    fn default() -> Self {
        StackString {
            bytes: [0; 40],
            len: 0,
        }
    }
}

impl StackString {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl Write for StackString {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        let room = self.bytes.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Whether a request's `Origin` names the request's own host and port:
/// `authority` is its `Host` (or, in HTTP/2, the URI's authority). Hosts
/// compare case-insensitively, and a port left out is the origin scheme's
/// default (`:443` for `https`, `:80` for `http`), on either side. `null`,
/// a value that is not `scheme://host[:port]`, and an unreadable port are
/// never the same. Allocation-free.
pub fn is_same_origin(origin: &[u8], authority: &[u8]) -> bool {
    let Some(sep) = origin.windows(3).position(|w| w == b"://") else {
        return false;
    };
    let scheme = &origin[..sep];
    let default = match scheme {
        b"http" | b"ws" => Some(80),
        b"https" | b"wss" => Some(443),
        _ => None,
    };
    // The URI's authority may carry userinfo; `Host` never does.
    let authority = match authority.iter().rposition(|&b| b == b'@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let (Some((origin_host, origin_port)), Some((own_host, own_port))) =
        (host_and_port(&origin[sep + 3..]), host_and_port(authority))
    else {
        return false;
    };
    !origin_host.is_empty()
        && origin_host.eq_ignore_ascii_case(own_host)
        && origin_port.or(default) == own_port.or(default)
}

/// `host[:port]` split, a bracketed IPv6 host kept whole; `None` for a port
/// that is not a port.
fn host_and_port(authority: &[u8]) -> Option<(&[u8], Option<u16>)> {
    let colon = if authority.starts_with(b"[") {
        let close = authority.iter().position(|&b| b == b']')?;
        match authority.get(close + 1) {
            None => return Some((authority, None)),
            Some(b':') => close + 1,
            Some(_) => return None,
        }
    } else {
        match authority.iter().rposition(|&b| b == b':') {
            Some(colon) => colon,
            None => return Some((authority, None)),
        }
    };
    let port = parse_port(&authority[colon + 1..])?;
    Some((&authority[..colon], Some(port)))
}
