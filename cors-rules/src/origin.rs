//! Origins: the configured ones (checked strictly, once) and the ones requests
//! carry (recognised cheaply, on every request).
//!
//! A configured origin must be written exactly as browsers serialize it in the
//! `Origin` header (WHATWG URL, "ASCII serialization of an origin"), because the
//! runtime compares bytes: anything else would silently never match.

use std::net::Ipv6Addr;

use crate::violation::{Rule, Violation};

/// Longest `Origin` value the runtime looks at. A serialized origin is a
/// scheme, a host of at most 253 bytes and a port; anything longer is not an
/// origin.
pub const MAX_ORIGIN_LEN: usize = 320;

/// A configured origin, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowedOrigin {
    /// `scheme://host[:port]`, matched byte for byte.
    Exact(String),
    /// `scheme://*.suffix[:port]`: one or more labels in front of `suffix`.
    Subdomains(SubdomainPattern),
}

/// `scheme://*.suffix[:port]`, split so a request origin can be matched
/// without allocating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubdomainPattern {
    /// `"https://"`.
    pub prefix: String,
    /// `".example.com"` or `".example.com:8443"`, the dot included.
    pub suffix: String,
}

impl SubdomainPattern {
    /// Whether `origin` (bytes from a request) is `prefix`, one or more valid
    /// labels, then `suffix`.
    pub fn matches(&self, origin: &[u8]) -> bool {
        matches_subdomains(self.prefix.as_bytes(), self.suffix.as_bytes(), origin)
    }
}

/// Whether `origin` is `prefix` (`https://`), one or more DNS labels, then
/// `suffix` (`.example.com`, the dot included): the runtime side of
/// [`SubdomainPattern`], on borrowed parts.
pub fn matches_subdomains(prefix: &[u8], suffix: &[u8], origin: &[u8]) -> bool {
    if origin.len() <= prefix.len() + suffix.len()
        || !origin.starts_with(prefix)
        || !origin.ends_with(suffix)
    {
        return false;
    }
    let labels = &origin[prefix.len()..origin.len() - suffix.len()];
    labels.split(|&b| b == b'.').all(is_domain_label)
}

/// Whether a configured origin is a valid `http://` one whose host is not
/// loopback (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`): a page
/// anyone on its network path can read and change.
pub fn is_insecure(origin: &str) -> bool {
    let Some(authority) = origin.strip_prefix("http://") else {
        return false;
    };
    let Ok((host, _)) = split_port(authority) else {
        return false;
    };
    let loopback = host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || (host.starts_with("127.") && host.parse::<std::net::Ipv4Addr>().is_ok());
    !loopback && parse_allowed(origin).is_ok()
}

/// Parses one configured origin. `"*"` is not an origin here: the caller
/// handles the any-origin form.
///
/// An origin with several mistakes (`https://App.example.com/`) is reported
/// by its first, but the fix offered is the origin with all of them fixed,
/// where that is a valid origin.
pub fn parse_allowed(s: &str) -> Result<AllowedOrigin, Violation> {
    parse_one(s).map_err(|violation| match (&violation.fix, fully_fixed(s)) {
        (Some(fix), Some(fixed)) if *fix != fixed => violation.fix(fixed),
        _ => violation,
    })
}

/// `s` with every mistake that has one obvious fix fixed (whitespace,
/// case, what follows the authority, user information, a default port, an
/// IP address in another form), if that is a valid origin.
fn fully_fixed(s: &str) -> Option<String> {
    let lower = s.trim().to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = split_port(authority).ok()?;
    let port = port
        .filter(|&p| default_port(scheme) != Some(p))
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let host = canonical_ip(host).unwrap_or_else(|| host.to_owned());
    let fixed = format!("{scheme}://{host}{port}");
    parse_one(&fixed).is_ok().then_some(fixed)
}

fn parse_one(s: &str) -> Result<AllowedOrigin, Violation> {
    let fail = |rule| Violation::new(rule, s);
    if s.is_empty() {
        return Err(fail(Rule::OriginEmpty));
    }
    if s.trim().eq_ignore_ascii_case("null") {
        return Err(fail(Rule::OriginNull));
    }
    if s.len() > MAX_ORIGIN_LEN {
        return Err(fail(Rule::OriginTooLong));
    }
    let pieces: Vec<&str> = s
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.iter().filter(|p| p.contains("://")).count() > 1 {
        let each: Vec<String> = pieces.iter().map(|p| format!("{p:?}")).collect();
        return Err(fail(Rule::OriginSeveral).fix(format!("[{}]", each.join(", "))));
    }
    if s.chars().any(char::is_whitespace) {
        return Err(fail(Rule::OriginWhitespace).fix(s.trim()));
    }
    let Some((scheme, rest)) = s.split_once("://") else {
        let guess = if s.starts_with("localhost") || s.starts_with("127.") {
            "http"
        } else {
            "https"
        };
        return Err(fail(Rule::OriginNoScheme).fix(format!("{guess}://{s}")));
    };
    check_scheme(scheme).map_err(fail)?;
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(fail(Rule::OriginUppercase).fix(s.to_ascii_lowercase()));
    }
    // Everything after the authority is a mistake; say which one.
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let origin_only = format!("{scheme}://{authority}");
    if let Some(first) = tail.chars().next() {
        let rule = match first {
            '/' if tail == "/" => Rule::OriginTrailingSlash,
            '/' => Rule::OriginPath,
            '?' => Rule::OriginQuery,
            _ => Rule::OriginFragment,
        };
        return Err(fail(rule).fix(origin_only));
    }
    if let Some((_, host)) = authority.rsplit_once('@') {
        return Err(fail(Rule::OriginUserinfo).fix(format!("{scheme}://{host}")));
    }
    if authority.starts_with("*.[") {
        return Err(fail(Rule::OriginWildcardOnIp));
    }
    let (host, port) = split_port(authority).map_err(fail)?;
    if let Some(port) = port {
        if default_port(scheme) == Some(port) {
            let fixed = format!("{scheme}://{host}");
            let help = format!("write `{fixed}`, without `:{port}`");
            return Err(fail(Rule::OriginDefaultPort).fix(fixed).help(help));
        }
    }
    if !host.is_ascii() {
        return Err(fail(Rule::OriginNonAsciiHost).help(
            "write the host in punycode, e.g. `https://xn--bcher-kva.example` for `bücher.example`",
        ));
    }
    let port_suffix = port.map(|p| format!(":{p}")).unwrap_or_default();
    if let Some(rest) = host.strip_prefix("*.") {
        match check_host(rest) {
            Ok(HostKind::Domain) => {}
            Ok(HostKind::Ip) => return Err(fail(Rule::OriginWildcardOnIp)),
            Err(rule @ Rule::OriginNonCanonicalIp) => return Err(fail(rule)),
            Err(_) if rest.contains('*') => return Err(fail(Rule::OriginWildcardMisplaced)),
            Err(rule) => return Err(fail(rule)),
        }
        if is_public_suffix(rest) {
            return Err(fail(Rule::OriginWildcardOnPublicSuffix));
        }
        return Ok(AllowedOrigin::Subdomains(SubdomainPattern {
            prefix: format!("{scheme}://"),
            suffix: format!(".{rest}{port_suffix}"),
        }));
    }
    if host.contains('*') {
        return Err(fail(Rule::OriginWildcardMisplaced)
            .help("a subdomain wildcard is written `https://*.example.com`"));
    }
    match check_host(host) {
        Ok(_) => Ok(AllowedOrigin::Exact(s.to_owned())),
        Err(Rule::OriginNonCanonicalIp) => {
            let v = fail(Rule::OriginNonCanonicalIp);
            Err(match canonical_ip(host) {
                Some(ip) => v.fix(format!("{scheme}://{ip}{port_suffix}")),
                None => v,
            })
        }
        Err(Rule::OriginInvalidPunycode) => Err(fail(Rule::OriginInvalidPunycode)
            .help("write the name's Punycode as browsers do, e.g. `xn--bcher-kva` for `bücher`")),
        Err(rule) => Err(fail(rule)),
    }
}

fn check_scheme(scheme: &str) -> Result<(), Rule> {
    let mut bytes = scheme.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
    if !first_ok || !bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) {
        return Err(Rule::OriginInvalidScheme);
    }
    match scheme.to_ascii_lowercase().as_str() {
        "file" => Err(Rule::OriginFileScheme),
        // Opaque origins serialize as `null`; WebSocket handshakes carry the
        // page's http(s) origin, never a ws one.
        "data" | "blob" | "about" | "javascript" | "ws" | "wss" => Err(Rule::OriginSchemeNeverSent),
        _ => Ok(()),
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// Splits `host[:port]`, IPv6 literals included, and checks the port.
fn split_port(authority: &str) -> Result<(&str, Option<u16>), Rule> {
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(close) => {
                let (host, rest) = authority.split_at(close + 1);
                match rest.strip_prefix(':') {
                    Some(port) => (host, Some(port)),
                    None if rest.is_empty() => (host, None),
                    None => return Err(Rule::OriginInvalidHost),
                }
            }
            None => return Err(Rule::OriginInvalidHost),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => Some(parse_port(p.as_bytes()).ok_or(Rule::OriginInvalidPort)?),
    };
    Ok((host, port))
}

pub(crate) fn parse_port(p: &[u8]) -> Option<u16> {
    if p.is_empty() || p.len() > 5 || p[0] == b'0' || !p.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = p.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    u16::try_from(n).ok()
}

enum HostKind {
    Domain,
    Ip,
}

/// A lowercase ASCII host as browsers serialize it.
fn check_host(host: &str) -> Result<HostKind, Rule> {
    if host.is_empty() {
        return Err(Rule::OriginInvalidHost);
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let ip: Ipv6Addr = inner.parse().map_err(|_| Rule::OriginInvalidHost)?;
        return if serialize_ipv6(ip) == inner {
            Ok(HostKind::Ip)
        } else {
            Err(Rule::OriginNonCanonicalIp)
        };
    }
    if ends_in_number(host) {
        return match parse_ipv4(host) {
            Some(ip) if ip == host => Ok(HostKind::Ip),
            Some(_) => Err(Rule::OriginNonCanonicalIp),
            None => Err(Rule::OriginInvalidHost),
        };
    }
    if host.split('.').any(str::is_empty) {
        return Err(Rule::OriginEmptyLabel);
    }
    if host.len() > 253 || !host.as_bytes().split(|&b| b == b'.').all(is_domain_label) {
        return Err(Rule::OriginInvalidHost);
    }
    let punycode = host.strip_suffix('.').unwrap_or(host).split('.');
    if punycode
        .filter(|label| label.starts_with("xn--"))
        .any(|label| !crate::punycode::is_valid_label(label))
    {
        return Err(Rule::OriginInvalidPunycode);
    }
    Ok(HostKind::Domain)
}

/// The URL standard's "ends in a number": such a host is parsed as IPv4.
fn ends_in_number(host: &str) -> bool {
    let host = host
        .strip_suffix('.')
        .filter(|h| !h.is_empty())
        .unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or_default();
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || last
            .strip_prefix("0x")
            .or_else(|| last.strip_prefix("0X"))
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The URL standard's IPv4 parser: up to four parts, each decimal, octal
/// (leading `0`) or hex (`0x`), the last one filling the remaining bytes.
/// Returns the dotted-decimal form browsers send, or `None` where browsers
/// reject the host.
fn parse_ipv4(host: &str) -> Option<String> {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.last() == Some(&"") && parts.len() > 1 {
        parts.pop();
    }
    if parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(parts.len());
    for part in &parts {
        let (digits, radix) =
            if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
                (hex, 16)
            } else if part.len() > 1 && part.starts_with('0') {
                (&part[1..], 8)
            } else {
                (*part, 10)
            };
        // Longer than any 32-bit number in any radix: not an address.
        if part.is_empty() || digits.len() > 32 {
            return None;
        }
        let n = if digits.is_empty() {
            0
        } else {
            u64::from_str_radix(digits, radix).ok()?
        };
        numbers.push(n);
    }
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let mut address = *last;
    for (i, n) in init.iter().enumerate() {
        address += n << (8 * (3 - i));
    }
    let b = (address as u32).to_be_bytes();
    Some(format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]))
}

fn canonical_ip(host: &str) -> Option<String> {
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(inner) => inner
            .parse()
            .ok()
            .map(|ip| format!("[{}]", serialize_ipv6(ip))),
        None => parse_ipv4(host),
    }
}

/// A DNS label as browsers serialize it: lowercase letters, digits, `-` and
/// `_` (seen in internal names), not starting or ending with `-`.
pub(crate) fn is_domain_label(label: &[u8]) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && label[0] != b'-'
        && label[label.len() - 1] != b'-'
}

/// Whether `domain` is one that anyone can register names under. Without the
/// whole Public Suffix List this knows every single-label top-level domain,
/// the `co.uk` family of country suffixes, and the hosting platforms people
/// actually try to wildcard.
fn is_public_suffix(domain: &str) -> bool {
    const SECOND_LEVEL: &[&str] = &[
        "ac", "co", "com", "edu", "go", "gob", "gov", "govt", "gv", "id", "in", "lg", "ltd", "me",
        "mil", "ne", "net", "nhs", "nic", "nom", "or", "org", "plc", "police", "sch", "web",
    ];
    const PLATFORMS: &[&str] = &[
        "amazonaws.com",
        "appspot.com",
        "azurewebsites.net",
        "blogspot.com",
        "cloudfront.net",
        "firebaseapp.com",
        "fly.dev",
        "github.io",
        "gitlab.io",
        "herokuapp.com",
        "netlify.app",
        "ngrok.io",
        "ngrok-free.app",
        "onrender.com",
        "pages.dev",
        "vercel.app",
        "web.app",
        "workers.dev",
    ];
    let labels: Vec<&str> = domain.split('.').collect();
    match labels.as_slice() {
        // `localhost` is reserved for loopback: nobody else can name hosts in it.
        ["localhost"] => false,
        [_] => true,
        [second, cc] => {
            PLATFORMS.contains(&domain) || (cc.len() == 2 && SECOND_LEVEL.contains(second))
        }
        _ => PLATFORMS.contains(&domain),
    }
}

pub use crate::request_origin::is_request_origin;
use crate::request_origin::serialize_ipv6;
