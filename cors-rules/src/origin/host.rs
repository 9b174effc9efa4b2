//! Hosts as browsers serialize them in an origin (URL standard, "host
//! serializer"): a domain of lowercase labels, an IPv4 address in dotted
//! decimal, or a bracketed IPv6 address in its one canonical form. Nothing
//! here allocates, so the request side can use all of it.

use core::fmt::Write;
use core::net::{Ipv4Addr, Ipv6Addr};

use crate::violation::Rule;

/// The longest domain DNS allows, without a trailing dot.
const MAX_DOMAIN_LEN: usize = 253;

/// What kind of host a valid one is.
pub(super) enum Host {
    Domain,
    Ip,
}

/// Whether `host` (brackets kept on an IPv6 address) is written exactly as
/// browsers serialize it, and if not, which rule it breaks:
/// `OriginInvalidHost`, `OriginEmptyLabel` or `OriginNonCanonicalIp`.
pub(super) fn check(host: &[u8]) -> Result<Host, Rule> {
    if host.is_empty() {
        return Err(Rule::OriginInvalidHost);
    }
    if ipv6_inside_brackets(host).is_some() || ends_in_number(host) {
        return match canonical_ip(host) {
            Some(ip) if ip.as_bytes() == host => Ok(Host::Ip),
            Some(_) => Err(Rule::OriginNonCanonicalIp),
            None => Err(Rule::OriginInvalidHost),
        };
    }
    let mut labels = host.split(|&b| b == b'.');
    if labels.clone().any(<[u8]>::is_empty) {
        return Err(Rule::OriginEmptyLabel);
    }
    if host.len() > MAX_DOMAIN_LEN || !labels.all(is_domain_label) {
        return Err(Rule::OriginInvalidHost);
    }
    Ok(Host::Domain)
}

/// The host browsers send for an IP address written any way the URL
/// standard reads one (`127.1`, `0x7f.0.0.1`, `[0:0::1]`); `None` where the
/// host is not an IP address browsers accept.
pub(super) fn canonical_ip(host: &[u8]) -> Option<Serialized> {
    let mut out = Serialized::default();
    match ipv6_inside_brackets(host) {
        Some(inner) => {
            let ip = core::str::from_utf8(inner).ok()?.parse().ok()?;
            out.push("[");
            out.push_ipv6(ip);
            out.push("]");
        }
        None => out.push_ipv4(parse_ipv4(host)?),
    }
    Some(out)
}

fn ipv6_inside_brackets(host: &[u8]) -> Option<&[u8]> {
    host.strip_prefix(b"[")?.strip_suffix(b"]")
}

/// A DNS label as browsers serialize it: lowercase letters, digits, `-` and
/// `_` (seen in internal names), not starting or ending with `-`.
pub(super) fn is_domain_label(label: &[u8]) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && label[0] != b'-'
        && label[label.len() - 1] != b'-'
}

/// The URL standard's "ends in a number": a host whose last label (a
/// trailing dot aside) is all digits, or `0x` and hex, is parsed as IPv4.
/// (`0X` too, in the standard; but an uppercase host is never valid here, as
/// an IPv4 address or as a domain, and the configuration parser lowercases
/// before it offers a fix.)
fn ends_in_number(host: &[u8]) -> bool {
    let host = host.strip_suffix(b".").unwrap_or(host);
    let last = host.rsplit(|&b| b == b'.').next().unwrap_or_default();
    (!last.is_empty() && last.iter().all(u8::is_ascii_digit))
        || last
            .strip_prefix(b"0x")
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
}

/// The URL standard's IPv4 parser: up to four parts, each decimal, octal
/// (leading `0`) or hex (`0x`), the last one filling the remaining bytes.
/// `None` where browsers reject the host.
fn parse_ipv4(host: &[u8]) -> Option<Ipv4Addr> {
    let host = host.strip_suffix(b".").unwrap_or(host);
    let mut numbers = [0u64; 4];
    let mut count = 0;
    for part in host.split(|&b| b == b'.') {
        *numbers.get_mut(count)? = parse_ipv4_number(part)?;
        count += 1;
    }
    let (last, init) = numbers[..count].split_last()?;
    if init.iter().any(|&n| n > 255) || *last >= 256u64.pow(5 - count as u32) {
        return None;
    }
    let address = init
        .iter()
        .enumerate()
        .fold(*last, |address, (i, n)| address + (n << (8 * (3 - i))));
    // Below 2^32: each part of `init` is a byte, and `last` fits the rest.
    Some(Ipv4Addr::from(address as u32))
}

fn parse_ipv4_number(part: &[u8]) -> Option<u64> {
    let (digits, radix) = match part {
        [b'0', b'x', hex @ ..] => (hex, 16),
        // `0` alone reads as an empty octal number: 0 all the same.
        [b'0', octal @ ..] => (octal, 8),
        _ => (part, 10),
    };
    // Longer than any 32-bit number in any radix: not an address.
    if part.is_empty() || digits.len() > 32 {
        return None;
    }
    if digits.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(core::str::from_utf8(digits).ok()?, radix).ok()
}

/// A serialized IP host, on the stack: 41 bytes hold the longest (a
/// bracketed IPv6 address).
pub(super) struct Serialized {
    bytes: [u8; 41],
    len: usize,
}

impl Default for Serialized {
    fn default() -> Self {
        Serialized {
            bytes: [0; 41],
            len: 0,
        }
    }
}

impl Serialized {
    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub(super) fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).expect("written from `str`s")
    }

    fn push(&mut self, s: &str) {
        self.write_str(s).expect("an IP host fits in 41 bytes");
    }

    /// Dotted decimal.
    fn push_ipv4(&mut self, ip: Ipv4Addr) {
        write!(self, "{ip}").expect("an IP host fits in 41 bytes");
    }

    /// As the URL standard serializes IPv6: lowercase hex pieces without
    /// leading zeros, the first longest run of two or more zero pieces
    /// compressed to `::` (RFC 5952). Rust's `Display` writes IPv4-mapped
    /// addresses in dotted form, which browsers never send.
    fn push_ipv6(&mut self, ip: Ipv6Addr) {
        let pieces = ip.segments();
        // Where the current run of zero pieces started, and the longest so far.
        let (mut start, mut longest) = (0, 0..0);
        for (i, &piece) in pieces.iter().enumerate() {
            if piece != 0 {
                start = i + 1;
            } else if i + 1 - start > longest.len() {
                longest = start..i + 1;
            }
        }
        if longest.len() < 2 {
            self.push_pieces(&pieces);
        } else {
            self.push_pieces(&pieces[..longest.start]);
            self.push("::");
            self.push_pieces(&pieces[longest.end..]);
        }
    }

    /// IPv6 pieces in hex, `:` between them.
    fn push_pieces(&mut self, pieces: &[u16]) {
        for (n, piece) in pieces.iter().enumerate() {
            if n > 0 {
                self.push(":");
            }
            write!(self, "{piece:x}").expect("an IP host fits in 41 bytes");
        }
    }
}

impl Write for Serialized {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        let room = self.bytes.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}
