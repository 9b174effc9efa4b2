//! Configured origins, parsed strictly, once: each must be written exactly
//! as browsers serialize it, because the runtime compares bytes. Every
//! mistake is reported by the rule it breaks, with a fix where one is
//! obvious.

use super::host::{self, Host};
use super::parts::{default_port, is_scheme, split_port, MAX_ORIGIN_LEN};
use super::punycode;
use super::request::matches_subdomains;
use crate::violation::{Rule, Violation};

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

/// Whether a configured origin is a valid `http://` one whose host is not
/// loopback (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`): a page
/// anyone on its network path can read and change.
pub fn is_insecure(origin: &str) -> bool {
    let Some(authority) = origin.strip_prefix("http://") else {
        return false;
    };
    let Ok((host, _)) = split_host(authority) else {
        return false;
    };
    let loopback = host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || (host.starts_with("127.") && matches!(host::check(host.as_bytes()), Ok(Host::Ip)));
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
    let (host, port) = split_host(authority).ok()?;
    let port = port
        .filter(|&p| default_port(scheme.as_bytes()) != Some(p))
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let fixed = match host::canonical_ip(host.as_bytes()) {
        Some(ip) => format!("{scheme}://{}{port}", ip.as_str()),
        None => format!("{scheme}://{host}{port}"),
    };
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
    let (host, port) = split_host(authority).map_err(fail)?;
    if let Some(port) = port {
        if default_port(scheme.as_bytes()) == Some(port) {
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
            Ok(Host::Domain) => {}
            Ok(Host::Ip) => return Err(fail(Rule::OriginWildcardOnIp)),
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
            Err(match host::canonical_ip(host.as_bytes()) {
                Some(ip) => v.fix(format!("{scheme}://{}{port_suffix}", ip.as_str())),
                None => v,
            })
        }
        Err(Rule::OriginInvalidPunycode) => Err(fail(Rule::OriginInvalidPunycode)
            .help("write the name's Punycode as browsers do, e.g. `xn--bcher-kva` for `bücher`")),
        Err(rule) => Err(fail(rule)),
    }
}

fn check_scheme(scheme: &str) -> Result<(), Rule> {
    if !is_scheme(scheme.as_bytes()) {
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

/// [`split_port`] on text: the host is a prefix of the authority, cut at an
/// ASCII byte.
fn split_host(authority: &str) -> Result<(&str, Option<u16>), Rule> {
    let (host, port) = split_port(authority.as_bytes())?;
    Ok((&authority[..host.len()], port))
}

/// A lowercase ASCII host as browsers serialize it, its `xn--` labels
/// Punycode as browsers write it.
fn check_host(host: &str) -> Result<Host, Rule> {
    let kind = host::check(host.as_bytes())?;
    let mut punycode = host.split('.').filter(|label| label.starts_with("xn--"));
    if matches!(kind, Host::Domain) && !punycode.all(punycode::is_valid_label) {
        return Err(Rule::OriginInvalidPunycode);
    }
    Ok(kind)
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
