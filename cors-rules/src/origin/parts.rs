//! An origin's parts, `scheme://host[:port]`, read the same way by the
//! configuration parser and the request recognizer: the split at `://`, the
//! scheme's characters, the port, and the port a scheme leaves out.

use crate::violation::Rule;

/// Longest `Origin` value the runtime looks at. A serialized origin is a
/// scheme, a host of at most 253 bytes and a port; anything longer is not an
/// origin.
pub const MAX_ORIGIN_LEN: usize = 320;

/// `scheme://host[:port]` split into its parts, borrowed from the bytes it
/// was read from; nothing but the port is checked yet.
pub(super) struct Origin<'a> {
    pub(super) scheme: &'a [u8],
    /// A bracketed IPv6 host keeps its brackets.
    pub(super) host: &'a [u8],
    pub(super) port: Option<u16>,
}

impl<'a> Origin<'a> {
    /// Splits at the first `://` and at the port's colon; `None` without a
    /// `://`, or with a port that is not one.
    pub(super) fn split(value: &'a [u8]) -> Option<Self> {
        let sep = value.windows(3).position(|w| w == b"://")?;
        let (host, port) = split_port(&value[sep + 3..]).ok()?;
        Some(Origin {
            scheme: &value[..sep],
            host,
            port,
        })
    }
}

/// A URL scheme: a letter, then letters, digits, `+`, `-` and `.`, in any
/// case.
pub(super) fn is_scheme(scheme: &[u8]) -> bool {
    scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}

/// The port browsers leave out of an origin with this (lowercase) scheme.
pub(super) fn default_port(scheme: &[u8]) -> Option<u16> {
    match scheme {
        b"http" | b"ws" => Some(80),
        b"https" | b"wss" => Some(443),
        _ => None,
    }
}

/// Splits `host[:port]`, a bracketed IPv6 host kept whole, and reads the
/// port. The host is always a prefix of `authority`.
pub(super) fn split_port(authority: &[u8]) -> Result<(&[u8], Option<u16>), Rule> {
    let colon = if authority.starts_with(b"[") {
        let close = authority
            .iter()
            .position(|&b| b == b']')
            .ok_or(Rule::OriginInvalidHost)?;
        match authority.get(close + 1) {
            None => return Ok((authority, None)),
            Some(b':') => close + 1,
            Some(_) => return Err(Rule::OriginInvalidHost),
        }
    } else {
        match authority.iter().rposition(|&b| b == b':') {
            Some(colon) => colon,
            None => return Ok((authority, None)),
        }
    };
    let port = parse_port(&authority[colon + 1..]).ok_or(Rule::OriginInvalidPort)?;
    Ok((&authority[..colon], Some(port)))
}

/// A port as browsers serialize it: 1 to 65535, without leading zeros.
fn parse_port(p: &[u8]) -> Option<u16> {
    if p.is_empty() || p.len() > 5 || p[0] == b'0' || !p.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = p.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    u16::try_from(n).ok()
}
