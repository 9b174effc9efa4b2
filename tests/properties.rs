//! Property tests of the hostile-input rules, through the public API only
//! (`CorsRouter`, `#[cors]`, `Policy::builder`, and `oneshot` on the
//! returned `Router`): random requests, each judged against a plain model
//! written here, with the exact grant expected and the absence of every
//! other one.
//!
//! Case counts are modest so that the file runs in a few seconds in debug;
//! `PROPTEST_CASES=10000 cargo test --test properties` runs more.

#[path = "support/oneshot.rs"]
mod oneshot;

use std::net::Ipv6Addr;

use axum::body::Body;
use axum::Router;
use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use oneshot::PREFLIGHT_VARY;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use route_cors::{cors, CorsRouter, Policies, Policy, PolicySet, Rule, MAX_REQUEST_HEADERS_LEN};
use route_cors_rules::header::is_forbidden_request_name;

// ---------------------------------------------------------------------------
// Sending requests
// ---------------------------------------------------------------------------

thread_local! {
    /// One runtime per test thread: the router's futures need no I/O, so a
    /// current-thread runtime is all `oneshot` needs.
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
}

/// What a test looks at in an answer.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    /// Every `access-control-*` and `vary` line, sorted.
    cors: Vec<(String, String)>,
    /// Every `allow` line.
    allow: usize,
    body: String,
}

fn call(app: &Router, req: Request<Body>) -> Answer {
    RUNTIME.with(|rt| {
        rt.block_on(async {
            let res = oneshot::send(app.clone(), req).await;
            let status = res.status();
            let mut cors = oneshot::cors_lines(&res);
            cors.sort();
            let allow = res.headers().get_all("allow").iter().count();
            let body = oneshot::body_text(res).await;
            Answer {
                status,
                cors,
                allow,
                body,
            }
        })
    })
}

/// `lines`, sorted, as `Answer::cors` has them.
fn lines(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    lines.sort();
    lines
}

/// A request with these header lines, in order (a name may repeat).
fn request(method: Method, path: &str, headers: &[(HeaderName, HeaderValue)]) -> Request<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .expect("a valid request");
    for (name, value) in headers {
        req.headers_mut().append(name.clone(), value.clone());
    }
    req
}

fn h(name: &'static str) -> HeaderName {
    HeaderName::from_static(name)
}

fn actual_get(path: &str, origin: &HeaderValue) -> Request<Body> {
    request(Method::GET, path, &[(h("origin"), origin.clone())])
}

fn preflight(path: &str, origin: &HeaderValue, method: &str) -> Request<Body> {
    request(
        Method::OPTIONS,
        path,
        &[
            (h("origin"), origin.clone()),
            (
                h("access-control-request-method"),
                HeaderValue::from_str(method).expect("a method"),
            ),
        ],
    )
}

/// Bytes as a header value, with the bytes no header value can hold (NUL,
/// CR, LF, other controls) replaced by `x`: every other byte, obs-text
/// included, reaches route-cors as it was sent.
fn value(bytes: &[u8]) -> HeaderValue {
    let clean: Vec<u8> = bytes
        .iter()
        .map(|&b| {
            if (b < 0x20 && b != b'\t') || b == 0x7f {
                b'x'
            } else {
                b
            }
        })
        .collect();
    HeaderValue::from_bytes(&clean).expect("only bytes a header value holds")
}

/// Asserts the answer to an actual request: `grant` as
/// `Access-Control-Allow-Origin`, or no grant at all, and `Vary: origin`
/// either way.
fn assert_actual(answer: &Answer, grant: Option<&str>, what: &str) -> Result<(), TestCaseError> {
    let expected = match grant {
        Some(origin) => lines(&[("access-control-allow-origin", origin), ("vary", "origin")]),
        None => lines(&[("vary", "origin")]),
    };
    prop_assert_eq!(&answer.cors, &expected, "actual request: {}", what);
    Ok(())
}

/// Asserts the answer to a `GET` preflight: `204` with exactly `grant`, the
/// method and `Vary`, or a `403` with `Vary` alone.
fn assert_preflight(
    answer: &Answer,
    grant: Option<&str>,
    method: &str,
    what: &str,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(answer.allow, 0, "a preflight answer has no Allow: {}", what);
    match grant {
        Some(origin) => {
            prop_assert_eq!(answer.status, StatusCode::NO_CONTENT, "preflight: {}", what);
            prop_assert_eq!(
                &answer.cors,
                &lines(&[
                    ("access-control-allow-origin", origin),
                    ("access-control-allow-methods", method),
                    ("vary", PREFLIGHT_VARY),
                ]),
                "preflight: {}",
                what
            );
        }
        None => {
            prop_assert_eq!(answer.status, StatusCode::FORBIDDEN, "preflight: {}", what);
            prop_assert_eq!(
                &answer.cors,
                &lines(&[("vary", PREFLIGHT_VARY)]),
                "preflight: {}",
                what
            );
        }
    }
    Ok(())
}

/// Cases for one property: `PROPTEST_CASES` when set, else `cases`.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        // Failures are reported with their minimal case; nothing is written
        // into the source tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// The reference models
// ---------------------------------------------------------------------------

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// RFC 9110 `OWS`: spaces and tabs.
fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// A DNS label as browsers serialize it in an origin.
fn is_label(label: &[u8]) -> bool {
    (1..=63).contains(&label.len())
        && label
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && label[0] != b'-'
        && label[label.len() - 1] != b'-'
}

/// Whether `candidate` is `scheme://`, one or more labels, then `.suffix`
/// (with the pattern's port, if any), and no longer than an origin can be.
fn pattern_model(scheme: &str, suffix: &str, candidate: &[u8]) -> bool {
    let prefix = format!("{scheme}://");
    let suffix = format!(".{suffix}");
    candidate.len() <= 320
        && candidate.len() > prefix.len() + suffix.len()
        && candidate.starts_with(prefix.as_bytes())
        && candidate.ends_with(suffix.as_bytes())
        && candidate[prefix.len()..candidate.len() - suffix.len()]
            .split(|&b| b == b'.')
            .all(is_label)
}

/// Bytes that no serialized origin has after its `://` (or a value without
/// `://` at all that is not `null`): whatever a policy allows, such a value
/// never gets a grant.
fn never_an_origin(candidate: &[u8]) -> bool {
    if candidate == b"null" {
        return false;
    }
    let Some(sep) = candidate.windows(3).position(|w| w == b"://") else {
        return true;
    };
    let (scheme, authority) = (&candidate[..sep], &candidate[sep + 3..]);
    scheme.is_empty()
        || authority.is_empty()
        || !scheme
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b))
        || authority.iter().any(|&b| {
            b.is_ascii_uppercase()
                || b == b' '
                || b == b'\t'
                || b >= 0x80
                || b"@/?#%\\,;*\"<>^`{|}'".contains(&b)
        })
}

// ---------------------------------------------------------------------------
// Origins and their near misses
// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
enum Host {
    Domain(String),
    V4([u8; 4]),
    V6([u16; 8]),
}

/// A configured origin, in parts.
#[derive(Clone, Debug)]
struct Origin {
    scheme: &'static str,
    host: Host,
    port: Option<u16>,
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

fn v4_text(b: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

impl Origin {
    /// The host as browsers serialize it.
    fn host_text(&self) -> String {
        match &self.host {
            Host::Domain(d) => d.clone(),
            Host::V4(b) => v4_text(*b),
            // RFC 5952, which is the URL standard's form except for the
            // dotted IPv4-mapped one, which the generator leaves out.
            Host::V6(s) => format!("[{}]", Ipv6Addr::from(*s)),
        }
    }

    fn port_text(&self) -> String {
        self.port.map(|p| format!(":{p}")).unwrap_or_default()
    }

    fn serialize(&self) -> String {
        format!("{}://{}{}", self.scheme, self.host_text(), self.port_text())
    }

    fn with_host(&self, host: &str) -> Vec<u8> {
        format!("{}://{host}{}", self.scheme, self.port_text()).into_bytes()
    }

    fn with_port(&self, port: &str) -> Vec<u8> {
        format!("{}://{}{port}", self.scheme, self.host_text()).into_bytes()
    }
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?",
        1 => "[a-z0-9_]{1,3}",
        1 => "[a-z]{63}",
    ]
}

fn domain() -> impl Strategy<Value = String> {
    (prop::collection::vec(label(), 0..3), "[a-z]{2,6}").prop_map(|(mut labels, tld)| {
        labels.push(tld);
        labels.join(".")
    })
}

fn ipv6() -> impl Strategy<Value = [u16; 8]> {
    prop::array::uniform8(prop_oneof![3 => Just(0u16), 1 => Just(1u16), 3 => any::<u16>()])
        .prop_map(|mut s| {
            // No IPv4-mapped address: `Display` writes it dotted, which no
            // browser sends.
            if s[..5] == [0; 5] && s[5] == 0xffff {
                s[5] = 0xfffe;
            }
            s
        })
}

fn origin() -> impl Strategy<Value = Origin> {
    let host = prop_oneof![
        6 => domain().prop_map(Host::Domain),
        1 => any::<[u8; 4]>().prop_map(Host::V4),
        1 => ipv6().prop_map(Host::V6),
    ];
    (
        select(vec!["http", "https", "chrome-extension", "tauri"]),
        host,
        prop::option::of(1u16..=65535),
    )
        .prop_map(|(scheme, host, port)| {
            // IP addresses only where browsers parse them: special schemes.
            let scheme = if matches!(host, Host::Domain(_)) {
                scheme
            } else if scheme == "http" {
                "http"
            } else {
                "https"
            };
            let port = port.filter(|p| default_port(scheme) != Some(*p));
            Origin { scheme, host, port }
        })
}

#[derive(Clone, Debug)]
enum PortMut {
    Remove,
    Set(u16),
    Default,
    LeadingZero,
    Empty,
    Plus,
    Overflow,
    Next,
}

/// One way of missing a configured origin by a little.
#[derive(Clone, Debug)]
enum Near {
    /// The host cut short from its end, or from its start.
    HostPrefix(Index),
    HostSuffix(Index),
    /// Something before and after the host.
    HostAround(&'static str, &'static str),
    Scheme(&'static str),
    Separator(&'static str),
    Port(PortMut),
    Uppercase(Index),
    Leading(&'static str),
    Trailing(&'static str),
    Insert(Index, &'static str),
    Userinfo(u8),
    Percent(Index, bool),
    NonAscii(Index, &'static str, bool),
    Invalid(Index, u8, bool),
    Ip(u8),
    Concat(&'static str, Index),
    Literal(&'static str),
}

fn near() -> impl Strategy<Value = Near> {
    let port = prop_oneof![
        Just(PortMut::Remove),
        any::<u16>().prop_map(PortMut::Set),
        Just(PortMut::Default),
        Just(PortMut::LeadingZero),
        Just(PortMut::Empty),
        Just(PortMut::Plus),
        Just(PortMut::Overflow),
        Just(PortMut::Next),
    ];
    prop_oneof![
        any::<Index>().prop_map(Near::HostPrefix),
        any::<Index>().prop_map(Near::HostSuffix),
        (
            select(vec!["", "a", "a.", "www.", "evil", "evil-", ".", "-", "*."]),
            select(vec!["", ".", "a", ".evil.test", "-", ".com", "..", ":"]),
        )
            .prop_map(|(p, s)| Near::HostAround(p, s)),
        select(vec![
            "http",
            "https",
            "HTTP",
            "Https",
            "ws",
            "wss",
            "file",
            "ftp",
            "httpss",
            "htt",
            "chrome-extension",
            "tauri",
            "",
            "https+x",
            "h",
        ])
        .prop_map(Near::Scheme),
        select(vec![
            ":/", ":///", "//", ":\\\\", "", "://:", ":// ", "%3a//", "://@"
        ])
        .prop_map(Near::Separator),
        port.prop_map(Near::Port),
        any::<Index>().prop_map(Near::Uppercase),
        select(vec![" ", "\t", "x", "\"", "*", ",", "null "]).prop_map(Near::Leading),
        select(vec![
            "/",
            ".",
            " ",
            "\t",
            "?",
            "#",
            "/x",
            ":",
            "%",
            "\\",
            ",",
            ";",
            "/.",
            "?x=1",
            "#x",
            "%00",
            "%20",
            "*",
            "\"",
            ", null",
            ",https://evil.test",
        ])
        .prop_map(Near::Trailing),
        (
            any::<Index>(),
            select(vec![
                "@", "/", ".", ":", "\\", " ", "\t", "%", "?", "#", ",", ";", "*", "..", "a"
            ]),
        )
            .prop_map(|(i, s)| Near::Insert(i, s)),
        (0u8..4).prop_map(Near::Userinfo),
        (any::<Index>(), any::<bool>()).prop_map(|(i, upper)| Near::Percent(i, upper)),
        (
            any::<Index>(),
            select(vec![
                "é", "а", "ı", "ſ", "K", "ａ", "\u{200b}", "．", "。", "ß", "\u{fe0f}", "ⓐ",
            ]),
            any::<bool>(),
        )
            .prop_map(|(i, c, replace)| Near::NonAscii(i, c, replace)),
        (any::<Index>(), 0x80u8..=0xff, any::<bool>())
            .prop_map(|(i, b, replace)| Near::Invalid(i, b, replace)),
        (0u8..12).prop_map(Near::Ip),
        (select(vec!["", ",", ", ", " ", "\t"]), any::<Index>())
            .prop_map(|(sep, i)| Near::Concat(sep, i)),
        select(vec![
            "null",
            "",
            "*",
            "https://",
            "://",
            "NULL",
            "file://",
            "http://localhost"
        ])
        .prop_map(Near::Literal),
    ]
}

/// Another spelling of an IPv4 address, or `None`.
fn ipv4_spelling(b: [u8; 4], which: u8) -> Option<String> {
    let n = u32::from_be_bytes(b);
    Some(match which {
        0 => n.to_string(),
        1 => format!("0x{n:x}"),
        2 => format!("0x{:x}.0x{:x}.0x{:x}.0x{:x}", b[0], b[1], b[2], b[3]),
        3 => format!("0{:o}.0{:o}.0{:o}.0{:o}", b[0], b[1], b[2], b[3]),
        4 => format!("{:03}.{:03}.{:03}.{:03}", b[0], b[1], b[2], b[3]),
        5 => format!("{}.{}.{}", b[0], b[1], u16::from_be_bytes([b[2], b[3]])),
        6 => format!("{}.{}", b[0], n & 0x00ff_ffff),
        7 => format!("{}.", v4_text(b)),
        8 => format!("0X{n:X}"),
        9 => format!("{}.{}.{}.0{}", b[0], b[1], b[2], b[3]),
        10 => format!("[::ffff:{}]", v4_text(b)),
        _ => format!("{}.{}.{}.{}.", b[0], b[1], b[2], b[3]),
    })
}

/// Another spelling of an IPv6 address, or `None`.
fn ipv6_spelling(s: [u16; 8], which: u8) -> Option<String> {
    let canonical = Ipv6Addr::from(s).to_string();
    let full = |width: usize| {
        s.iter()
            .map(|p| format!("{p:0width$x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    Some(match which {
        0 => format!("[{}]", canonical.to_ascii_uppercase()),
        1 => format!("[{}]", full(4)),
        2 => format!("[{}]", full(1)),
        3 => canonical,
        4 => format!("[{canonical}%25eth0]"),
        5 => format!(
            "[{}:{}]",
            s[..6]
                .iter()
                .map(|p| format!("{p:x}"))
                .collect::<Vec<_>>()
                .join(":"),
            v4_text([(s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8])
        ),
        6 => format!("[{canonical}]."),
        7 => format!("[[{canonical}]]"),
        8 => format!("[{canonical}:]"),
        9 => format!("[0{canonical}]"),
        10 => format!("[{}]", full(4).to_ascii_uppercase()),
        _ => format!("[{canonical}"),
    })
}

/// `near` applied to `origin`; `others` are the other configured ones.
fn apply(near: &Near, origin: &Origin, others: &[Origin]) -> Option<Vec<u8>> {
    let serialized = origin.serialize();
    let host = origin.host_text();
    let at = |i: &Index, s: &str| {
        let bytes = s.as_bytes();
        i.index(bytes.len() + 1)
    };
    let splice = |i: usize, insert: &[u8], remove: usize| {
        let mut out = serialized.as_bytes()[..i].to_vec();
        out.extend_from_slice(insert);
        out.extend_from_slice(&serialized.as_bytes()[(i + remove).min(serialized.len())..]);
        out
    };
    Some(match near {
        Near::HostPrefix(i) => origin.with_host(&host[..i.index(host.len())]),
        Near::HostSuffix(i) => origin.with_host(&host[i.index(host.len()) + 1..]),
        Near::HostAround(p, s) => origin.with_host(&format!("{p}{host}{s}")),
        Near::Scheme(s) => format!("{s}://{host}{}", origin.port_text()).into_bytes(),
        Near::Separator(sep) => {
            format!("{}{sep}{host}{}", origin.scheme, origin.port_text()).into_bytes()
        }
        Near::Port(p) => {
            let port = match p {
                PortMut::Remove => String::new(),
                PortMut::Set(n) => format!(":{n}"),
                PortMut::Default => format!(":{}", default_port(origin.scheme).unwrap_or(443)),
                PortMut::LeadingZero => format!(":0{}", origin.port.unwrap_or(443)),
                PortMut::Empty => ":".to_owned(),
                PortMut::Plus => format!(":+{}", origin.port.unwrap_or(443)),
                PortMut::Overflow => format!(":{}", u32::from(origin.port.unwrap_or(443)) + 65536),
                PortMut::Next => format!(":{}", origin.port.unwrap_or(443).wrapping_add(1)),
            };
            origin.with_port(&port)
        }
        Near::Uppercase(i) => {
            let letters: Vec<usize> = serialized
                .bytes()
                .enumerate()
                .filter(|(_, b)| b.is_ascii_lowercase())
                .map(|(i, _)| i)
                .collect();
            if letters.is_empty() {
                return None;
            }
            let i = letters[i.index(letters.len())];
            let upper = [serialized.as_bytes()[i].to_ascii_uppercase()];
            splice(i, &upper, 1)
        }
        Near::Leading(s) => format!("{s}{serialized}").into_bytes(),
        Near::Trailing(s) => format!("{serialized}{s}").into_bytes(),
        Near::Insert(i, s) => splice(at(i, &serialized), s.as_bytes(), 0),
        Near::Userinfo(which) => {
            let h = &host;
            let (scheme, port) = (origin.scheme, origin.port_text());
            match which {
                0 => format!("{scheme}://user@{h}{port}"),
                1 => format!("{scheme}://{h}{port}@evil.test"),
                2 => format!("{scheme}://evil.test@{h}{port}"),
                _ => format!("{scheme}://user:pass@{h}{port}"),
            }
            .into_bytes()
        }
        Near::Percent(i, upper) => {
            let start = serialized.find("://").map_or(0, |s| s + 3);
            let i = start + i.index(host.len());
            let b = serialized.as_bytes()[i];
            let encoded = if *upper {
                format!("%{b:02X}")
            } else {
                format!("%{b:02x}")
            };
            splice(i, encoded.as_bytes(), 1)
        }
        Near::NonAscii(i, c, replace) => {
            let i = at(i, &serialized).min(serialized.len() - 1);
            splice(i, c.as_bytes(), usize::from(*replace))
        }
        Near::Invalid(i, b, replace) => {
            let i = at(i, &serialized).min(serialized.len() - 1);
            splice(i, &[*b], usize::from(*replace))
        }
        Near::Ip(which) => {
            let host = match &origin.host {
                Host::V4(b) => ipv4_spelling(*b, *which)?,
                Host::V6(s) => ipv6_spelling(*s, *which)?,
                Host::Domain(d) => match which % 4 {
                    0 => format!("{d}."),
                    1 => format!(".{d}"),
                    2 => d.replacen('.', "..", 1),
                    _ => format!("{d}.."),
                },
            };
            origin.with_host(&host)
        }
        Near::Concat(sep, i) => {
            let other = if others.is_empty() {
                origin.serialize()
            } else {
                others[i.index(others.len())].serialize()
            };
            format!("{serialized}{sep}{other}").into_bytes()
        }
        Near::Literal(s) => s.as_bytes().to_vec(),
    })
}

/// The candidates of one case: every configured origin, then each near miss
/// applied to the configured origin it names.
fn candidates(configured: &[Origin], misses: &[(Index, Near)]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = configured
        .iter()
        .map(|o| o.serialize().into_bytes())
        .collect();
    for (which, near) in misses {
        let origin = &configured[which.index(configured.len())];
        if let Some(candidate) = apply(near, origin, configured) {
            out.push(candidate);
        }
    }
    out
}

/// Judges every candidate on `/listed` (an actual `GET` and a `GET`
/// preflight) and, where the app has one, on `/any` (an any-origin
/// policy): granted exactly when it is byte for byte a configured origin.
fn check_origins(
    app: &Router,
    configured: &[String],
    candidates: &[Vec<u8>],
    any_route: bool,
) -> Result<(), TestCaseError> {
    for candidate in candidates {
        let origin = value(candidate);
        let candidate = origin.as_bytes();
        let listed = configured.iter().any(|c| c.as_bytes() == candidate);
        let shown = format!("Origin {:?}", String::from_utf8_lossy(candidate));
        let grant = listed.then(|| String::from_utf8_lossy(candidate).into_owned());

        let answer = call(app, actual_get("/listed", &origin));
        prop_assert_eq!(answer.status, StatusCode::OK);
        assert_actual(&answer, grant.as_deref(), &shown)?;
        let answer = call(app, preflight("/listed", &origin, "GET"));
        assert_preflight(&answer, grant.as_deref(), "GET", &shown)?;

        if any_route {
            let answer = call(app, actual_get("/any", &origin));
            if listed {
                assert_actual(&answer, Some("*"), &shown)?;
            } else if never_an_origin(candidate) {
                assert_actual(&answer, None, &shown)?;
            } else {
                // An origin of its own, or not: either way nothing but `*`.
                let star = lines(&[("access-control-allow-origin", "*"), ("vary", "origin")]);
                let none = lines(&[("vary", "origin")]);
                prop_assert!(
                    answer.cors == star || answer.cors == none,
                    "{}: {:?}",
                    shown,
                    answer.cors
                );
            }
        }
    }
    Ok(())
}

async fn ok() -> &'static str {
    "ok"
}

#[cors(
    origins = [
        "https://app.example.com",
        "http://localhost:3000",
        "http://127.0.0.1:8080",
        "https://10.0.0.1",
        "http://[::1]:3000",
        "https://[2001:db8::1]",
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        "https://xn--bcher-kva.example",
        "https://a-b_c.example.co.uk:8443",
        "http://3d-printer:8080",
    ],
    methods = [GET]
)]
async fn compiled_listed() -> &'static str {
    "listed"
}

#[cors(origins = "*", methods = [GET])]
async fn compiled_any() -> &'static str {
    "any"
}

/// The configured origins of `compiled_listed`, in parts.
fn compiled_origins() -> Vec<Origin> {
    let domain = |d: &str| Host::Domain(d.to_owned());
    vec![
        Origin {
            scheme: "https",
            host: domain("app.example.com"),
            port: None,
        },
        Origin {
            scheme: "http",
            host: domain("localhost"),
            port: Some(3000),
        },
        Origin {
            scheme: "http",
            host: Host::V4([127, 0, 0, 1]),
            port: Some(8080),
        },
        Origin {
            scheme: "https",
            host: Host::V4([10, 0, 0, 1]),
            port: None,
        },
        Origin {
            scheme: "http",
            host: Host::V6([0, 0, 0, 0, 0, 0, 0, 1]),
            port: Some(3000),
        },
        Origin {
            scheme: "https",
            host: Host::V6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]),
            port: None,
        },
        Origin {
            scheme: "chrome-extension",
            host: domain("abcdefghijklmnopabcdefghijklmnop"),
            port: None,
        },
        Origin {
            scheme: "https",
            host: domain("xn--bcher-kva.example"),
            port: None,
        },
        Origin {
            scheme: "https",
            host: domain("a-b_c.example.co.uk"),
            port: Some(8443),
        },
        // A host whose last label starts with a digit but is no number
        // (the URL standard's "ends in a number"): a domain.
        Origin {
            scheme: "http",
            host: domain("3d-printer"),
            port: Some(8080),
        },
    ]
}

fn dedup(origins: Vec<Origin>) -> Vec<Origin> {
    let mut seen = std::collections::HashSet::new();
    origins
        .into_iter()
        .filter(|o| seen.insert(o.serialize()))
        .collect()
}

proptest! {
    #![proptest_config(config(192))]

    #[test]
    fn run_time_origin_lists_grant_exactly_their_origins_and_no_near_miss(
        configured in prop::collection::vec(origin(), 1..5).prop_map(dedup),
        misses in prop::collection::vec((any::<Index>(), near()), 1..24),
    ) {
        let texts: Vec<String> = configured.iter().map(Origin::serialize).collect();
        let policy = Policy::builder().origins(texts.clone()).methods(["GET"]).build();
        prop_assert!(policy.is_ok(), "valid origins refused: {:?} {:?}", texts, policy.err());
        let app = CorsRouter::new()
            .route("/listed", axum::routing::get(ok))
            .default_policy(policy.unwrap())
            .into_router();
        check_origins(&app, &texts, &candidates(&configured, &misses), false)?;
    }

    #[test]
    fn compiled_origin_lists_grant_exactly_their_origins_and_any_origin_never_malformed_ones(
        misses in prop::collection::vec((any::<Index>(), near()), 1..24),
    ) {
        let configured = compiled_origins();
        let texts: Vec<String> = configured.iter().map(Origin::serialize).collect();
        let app = CorsRouter::new()
            .route("/listed", route_cors::get(compiled_listed))
            .route("/any", route_cors::get(compiled_any))
            .into_router();
        check_origins(&app, &texts, &candidates(&configured, &misses), true)?;
    }
}

// ---------------------------------------------------------------------------
// Subdomain patterns
// ---------------------------------------------------------------------------

/// One way of missing a subdomain pattern by a little, applied to a
/// matching origin.
#[derive(Clone, Debug)]
enum WildNear {
    Uppercase(Index),
    Insert(Index, &'static str),
    LongLabel,
    EdgeHyphen(bool),
    GluedToSuffix,
    AfterSuffix(&'static str),
    Around(&'static str, &'static str),
}

fn wild_near() -> impl Strategy<Value = WildNear> {
    prop_oneof![
        any::<Index>().prop_map(WildNear::Uppercase),
        (
            any::<Index>(),
            select(vec![
                "@", "%", " ", "\t", "é", "\u{ff}", "/", ":", "*", ".", "..", "\\", "?", "#", ",",
                "a", "-", "_", "0",
            ]),
        )
            .prop_map(|(i, s)| WildNear::Insert(i, s)),
        Just(WildNear::LongLabel),
        any::<bool>().prop_map(WildNear::EdgeHyphen),
        Just(WildNear::GluedToSuffix),
        select(vec![
            ".",
            "/",
            ".evil.test",
            ":",
            ":443",
            ":80",
            "?",
            "#",
            " ",
            "%2e"
        ])
        .prop_map(WildNear::AfterSuffix),
        (select(vec!["", " ", "x"]), select(vec!["", " ", "x", "\t"]))
            .prop_map(|(p, s)| WildNear::Around(p, s)),
    ]
}

fn suffix_domain() -> impl Strategy<Value = String> {
    (
        prop::collection::vec("[a-z0-9]([a-z0-9-]{0,5}[a-z0-9])?", 1..3),
        "[a-z]{3,6}",
    )
        .prop_map(|(mut labels, tld)| {
            labels.push(tld);
            labels.join(".")
        })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn subdomain_patterns_match_one_or_more_labels_under_the_suffix_never_the_suffix_itself_another_scheme_or_port(
        scheme in select(vec!["https", "http"]),
        base in suffix_domain(),
        port in prop::option::of(1024u16..=65535),
        labels in prop::collection::vec(label(), 1..4),
        misses in prop::collection::vec(wild_near(), 0..16),
    ) {
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        let pattern = format!("{scheme}://*.{base}{port}");
        let policy = Policy::builder().origins([pattern.clone()]).methods(["GET"]).build();
        if let Err(e) = &policy {
            // A random suffix that happens to be a hosting platform's.
            let public = e.violations().iter().all(|(_, v)| v.rule == Rule::OriginWildcardOnPublicSuffix);
            prop_assume!(!public);
            prop_assert!(false, "valid pattern {} refused: {}", pattern, e);
        }
        let app = CorsRouter::new()
            .route("/listed", axum::routing::get(ok))
            .default_policy(policy.unwrap())
            .into_router();
        let sub = labels.join(".");
        prop_assume!(sub.len() + base.len() < 253);
        let matching = format!("{scheme}://{sub}.{base}{port}");
        let judge = |candidate: &str, grant: bool| -> Result<(), TestCaseError> {
            let origin = value(candidate.as_bytes());
            let shown = format!("{pattern}, Origin {candidate:?}");
            let grant = grant.then_some(candidate);
            assert_actual(&call(&app, actual_get("/listed", &origin)), grant, &shown)?;
            assert_preflight(&call(&app, preflight("/listed", &origin, "GET")), grant, "GET", &shown)
        };

        // One or more labels: granted, the origin itself as the grant.
        judge(&matching, true)?;
        // The suffix itself, or an empty label in front of it: never.
        judge(&format!("{scheme}://{base}{port}"), false)?;
        judge(&format!("{scheme}://.{base}{port}"), false)?;
        // Another scheme: never.
        let other = if scheme == "https" { "http" } else { "https" };
        for other in [other, "wss", "ws", "HTTPS", "chrome-extension", "https+x"] {
            judge(&format!("{other}://{sub}.{base}{port}"), false)?;
        }
        // Another port, or the default one written out: never.
        let default = if scheme == "https" { 443 } else { 80 };
        let mut ports = vec![format!(":{default}"), ":".to_owned(), ":0".to_owned()];
        match port.strip_prefix(':').map(|p| p.parse::<u32>().unwrap()) {
            Some(p) => {
                ports.push(String::new());
                ports.push(format!(":{}", (p + 1) % 65536));
                ports.push(format!(":0{p}"));
            }
            None => ports.push(":8443".to_owned()),
        }
        for other in ports {
            judge(&format!("{scheme}://{sub}.{base}{other}"), false)?;
        }

        // Near misses of the matching origin, judged by the model.
        let head = format!("{scheme}://");
        for near in &misses {
            let candidate: Vec<u8> = match near {
                WildNear::Uppercase(i) => {
                    let mut bytes = matching.clone().into_bytes();
                    let letters: Vec<usize> = (head.len()..head.len() + sub.len())
                        .filter(|&i| bytes[i].is_ascii_lowercase())
                        .collect();
                    if letters.is_empty() {
                        continue;
                    }
                    let i = letters[i.index(letters.len())];
                    bytes[i] = bytes[i].to_ascii_uppercase();
                    bytes
                }
                WildNear::Insert(i, s) => {
                    let i = head.len() + i.index(sub.len() + 1);
                    let mut bytes = matching.as_bytes()[..i].to_vec();
                    bytes.extend_from_slice(s.as_bytes());
                    bytes.extend_from_slice(&matching.as_bytes()[i..]);
                    bytes
                }
                WildNear::LongLabel => format!("{head}{}.{base}{port}", "a".repeat(64)).into_bytes(),
                WildNear::EdgeHyphen(front) => {
                    let sub = if *front { format!("-{sub}") } else { format!("{sub}-") };
                    format!("{head}{sub}.{base}{port}").into_bytes()
                }
                WildNear::GluedToSuffix => format!("{head}{sub}{base}{port}").into_bytes(),
                WildNear::AfterSuffix(s) => format!("{matching}{s}").into_bytes(),
                WildNear::Around(p, s) => format!("{p}{matching}{s}").into_bytes(),
            };
            let origin = value(&candidate);
            let candidate = origin.as_bytes();
            let grant = pattern_model(scheme, &format!("{base}{port}"), candidate);
            let text = String::from_utf8_lossy(candidate).into_owned();
            let shown = format!("{pattern}, Origin {text:?}");
            let grant = grant.then_some(text.as_str());
            assert_actual(&call(&app, actual_get("/listed", &origin)), grant, &shown)?;
            assert_preflight(&call(&app, preflight("/listed", &origin, "GET")), grant, "GET", &shown)?;
        }
    }
}

// ---------------------------------------------------------------------------
// Access-Control-Request-Headers
// ---------------------------------------------------------------------------

const APP_ORIGIN: &str = "https://app.example.com";

/// What the model says of a preflight's requested headers.
#[derive(Debug, PartialEq, Eq)]
enum HeadersVerdict {
    /// Allowed; whether any name was asked for.
    Allowed(bool),
    TooLong,
    Malformed,
    /// The first name refused, lowercase.
    Refused(String),
}

/// The plain reference model of `Access-Control-Request-Headers`: every
/// line together at most `MAX_REQUEST_HEADERS_LEN` bytes; each line split
/// on commas, each element trimmed of OWS, empty ones skipped; the first
/// element that is not a token, or not allowed (case-insensitively), is
/// the refusal.
fn headers_model(lines: &[Vec<u8>], allowed: Option<&[String]>) -> HeadersVerdict {
    let total: usize = lines.iter().map(Vec::len).sum();
    if total > MAX_REQUEST_HEADERS_LEN {
        return HeadersVerdict::TooLong;
    }
    let mut any = false;
    for line in lines {
        for element in line.split(|&b| b == b',') {
            let name = trim_ows(element);
            if name.is_empty() {
                continue;
            }
            any = true;
            if !is_token(name) {
                return HeadersVerdict::Malformed;
            }
            let ok = match allowed {
                // `*`: everything but `Authorization`.
                None => !name.eq_ignore_ascii_case(b"authorization"),
                Some(list) => list.iter().any(|a| a.as_bytes().eq_ignore_ascii_case(name)),
            };
            if !ok {
                return HeadersVerdict::Refused(String::from_utf8_lossy(name).to_ascii_lowercase());
            }
        }
    }
    HeadersVerdict::Allowed(any)
}

/// Header names a policy may allow (none of Fetch's forbidden ones).
fn allowed_name() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "content-type",
            "authorization",
            "x-token",
            "accept",
            "x-requested-with",
            "if-match",
            "x-a",
        ])
        .prop_map(str::to_owned),
        "x-[a-z0-9]{1,6}",
        "[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,8}".prop_filter("not forbidden", |n| {
            let n = n.to_ascii_lowercase();
            !(is_forbidden_request_name(&n) || n.starts_with("access-control-"))
        }),
    ]
}

/// Changes the case of some letters.
fn recase(name: &str, mask: u64) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 64) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// One element of a requested-headers line, before OWS.
fn element(allowed: Vec<String>) -> impl Strategy<Value = Vec<u8>> {
    let allowed = if allowed.is_empty() {
        vec!["content-type".to_owned()]
    } else {
        allowed
    };
    prop_oneof![
        4 => (select(allowed), any::<u64>()).prop_map(|(n, mask)| recase(&n, mask).into_bytes()),
        2 => "[!#$%&'*+.^_`|~0-9a-zA-Z-]{1,10}".prop_map(String::into_bytes),
        1 => select(vec!["authorization", "Authorization", "AUTHORIZATION"]).prop_map(|s| s.as_bytes().to_vec()),
        2 => select(vec![
            "a b", "x(y)", "\"q\"", "é", "a/b", "a:b", "a;b", "@", "[", "{x}", "a=b", "x\\y",
            "?", "a\tb",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 1..6),
        1 => Just(Vec::new()),
    ]
}

fn ows() -> impl Strategy<Value = &'static str> {
    select(vec!["", "", "", " ", "\t", "  ", " \t "])
}

/// One `Access-Control-Request-Headers` line: elements with OWS, joined by
/// commas.
fn header_line(allowed: Vec<String>) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        (
            ows(),
            element(allowed),
            ows(),
            select(vec![",", ",", ",,", ", ,"]),
        ),
        0..6,
    )
    .prop_map(|parts| {
        let mut line = Vec::new();
        for (i, (before, element, after, sep)) in parts.iter().enumerate() {
            if i > 0 {
                line.extend_from_slice(sep.as_bytes());
            }
            line.extend_from_slice(before.as_bytes());
            line.extend_from_slice(element);
            line.extend_from_slice(after.as_bytes());
        }
        line
    })
}

/// A policy's allowed headers (`None`: `*`) and the lines of one preflight,
/// sometimes padded to a total length around the limit.
fn headers_case() -> impl Strategy<Value = (Option<Vec<String>>, Vec<Vec<u8>>)> {
    let allowed = prop_oneof![
        1 => Just(None),
        4 => prop::collection::vec(allowed_name(), 0..5).prop_map(|names| {
            let mut seen = std::collections::HashSet::new();
            Some(names.into_iter().filter(|n| seen.insert(n.to_ascii_lowercase())).collect::<Vec<_>>())
        }),
    ];
    allowed.prop_flat_map(|allowed| {
        let names = allowed.clone().unwrap_or_default();
        let padding = prop_oneof![
            3 => Just(None),
            1 => (MAX_REQUEST_HEADERS_LEN - 8..=MAX_REQUEST_HEADERS_LEN + 8, any::<bool>()).prop_map(Some),
            1 => (MAX_REQUEST_HEADERS_LEN * 2..MAX_REQUEST_HEADERS_LEN * 4, any::<bool>()).prop_map(Some),
        ];
        (
            Just(allowed),
            prop::collection::vec(header_line(names), 0..4),
            padding,
        )
            .prop_map(|(allowed, mut lines, padding)| {
                if let Some((total, commas)) = padding {
                    let so_far: usize = lines.iter().map(Vec::len).sum();
                    if total > so_far {
                        // Empty elements, or a refused name at the very end.
                        let mut pad = if commas { vec![b','; total - so_far] } else { vec![b' '; total - so_far] };
                        if let Some(last) = pad.last_mut() {
                            *last = b'z';
                        }
                        lines.push(pad);
                    }
                }
                (allowed, lines)
            })
    })
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn requested_headers_are_split_trimmed_matched_case_insensitively_and_refused_when_not_tokens_or_too_long(
        (allowed, header_lines) in headers_case(),
        credentials in any::<bool>(),
    ) {
        let builder = Policy::builder().origins([APP_ORIGIN]).methods(["GET"]);
        let builder = match &allowed {
            None => builder.any_header(),
            Some(names) => builder.headers(names.clone()).credentials(credentials),
        };
        let policy = builder.build();
        prop_assert!(policy.is_ok(), "{:?}", policy.err());
        let app = CorsRouter::new()
            .route("/", axum::routing::get(ok))
            .default_policy(policy.unwrap())
            .into_router();
        let mut headers = vec![
            (h("origin"), HeaderValue::from_static(APP_ORIGIN)),
            (h("access-control-request-method"), HeaderValue::from_static("GET")),
        ];
        let header_lines: Vec<Vec<u8>> = header_lines.iter().map(|l| value(l).as_bytes().to_vec()).collect();
        for line in &header_lines {
            headers.push((h("access-control-request-headers"), value(line)));
        }
        let answer = call(&app, request(Method::OPTIONS, "/", &headers));
        let expected = headers_model(&header_lines, allowed.as_deref());
        let shown: Vec<String> = header_lines.iter().map(|l| {
            let l = String::from_utf8_lossy(l);
            if l.len() > 80 { format!("{}... ({} bytes)", &l[..40.min(l.len())], l.len()) } else { l.into_owned() }
        }).collect();
        let credentials = credentials && allowed.is_some();
        match &expected {
            HeadersVerdict::Allowed(any) => {
                prop_assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?} {:?}: {}", allowed, shown, answer.body);
                let mut want = vec![
                    ("access-control-allow-origin", APP_ORIGIN),
                    ("access-control-allow-methods", "GET"),
                    ("vary", PREFLIGHT_VARY),
                ];
                if credentials {
                    want.push(("access-control-allow-credentials", "true"));
                }
                let joined = allowed.as_ref().map_or("*".to_owned(), |names| {
                    names.iter().map(|n| n.to_ascii_lowercase()).collect::<Vec<_>>().join(", ")
                });
                if *any {
                    want.push(("access-control-allow-headers", &joined));
                }
                prop_assert_eq!(&answer.cors, &lines(&want), "{:?} {:?}", allowed, shown);
            }
            refused => {
                let body = match refused {
                    HeadersVerdict::TooLong => "access-control-request-headers too long".to_owned(),
                    HeadersVerdict::Malformed => "malformed access-control-request-headers".to_owned(),
                    HeadersVerdict::Refused(name) => format!("header {name} not allowed"),
                    HeadersVerdict::Allowed(_) => unreachable!(),
                };
                prop_assert_eq!(answer.status, StatusCode::FORBIDDEN, "{:?} {:?}", allowed, shown);
                prop_assert_eq!(&answer.body, &body, "{:?} {:?}", allowed, shown);
                prop_assert_eq!(&answer.cors, &lines(&[("vary", PREFLIGHT_VARY)]), "{:?} {:?}", allowed, shown);
            }
        }
    }

    #[test]
    fn allowed_header_names_are_granted_in_any_case_and_others_refused(
        names in prop::collection::vec(allowed_name(), 1..5),
        masks in prop::collection::vec(any::<u64>(), 5),
        other in "x-[a-z]{1,5}-not-allowed",
    ) {
        let mut seen = std::collections::HashSet::new();
        let names: Vec<String> = names.into_iter().filter(|n| seen.insert(n.to_ascii_lowercase())).collect();
        let policy = Policy::builder().origins([APP_ORIGIN]).methods(["GET"]).headers(names.clone()).build();
        prop_assert!(policy.is_ok(), "{:?}", policy.err());
        let app = CorsRouter::new()
            .route("/", axum::routing::get(ok))
            .default_policy(policy.unwrap())
            .into_router();
        let joined = names.iter().map(|n| n.to_ascii_lowercase()).collect::<Vec<_>>().join(", ");
        let requested: Vec<String> = names.iter().zip(&masks).map(|(n, m)| recase(n, *m)).collect();
        let origin = HeaderValue::from_static(APP_ORIGIN);
        let ask = |list: &str| {
            request(Method::OPTIONS, "/", &[
                (h("origin"), origin.clone()),
                (h("access-control-request-method"), HeaderValue::from_static("GET")),
                (h("access-control-request-headers"), value(list.as_bytes())),
            ])
        };
        let answer = call(&app, ask(&requested.join(",")));
        prop_assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}: {}", requested, answer.body);
        prop_assert_eq!(&answer.cors, &lines(&[
            ("access-control-allow-origin", APP_ORIGIN),
            ("access-control-allow-methods", "GET"),
            ("access-control-allow-headers", &joined),
            ("vary", PREFLIGHT_VARY),
        ]));
        let mut with_other = requested.clone();
        with_other.insert(masks[0] as usize % (requested.len() + 1), recase(&other, masks[1]));
        let answer = call(&app, ask(&with_other.join(", ")));
        prop_assert_eq!(answer.status, StatusCode::FORBIDDEN);
        prop_assert_eq!(answer.body, format!("header {other} not allowed"));
        prop_assert_eq!(&answer.cors, &lines(&[("vary", PREFLIGHT_VARY)]));
    }
}

// ---------------------------------------------------------------------------
// Access-Control-Request-Method and -Private-Network
// ---------------------------------------------------------------------------

const METHOD_POOL: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PURGE", "purge", "X-Custom",
    "MKCOL",
];

fn requested_method() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => (select(METHOD_POOL.to_vec()), any::<u64>()).prop_map(|(m, mask)| {
            if mask & 1 == 0 { m.as_bytes().to_vec() } else { recase(m, mask >> 1).into_bytes() }
        }),
        2 => select(METHOD_POOL.to_vec()).prop_map(|m| m.as_bytes().to_vec()),
        1 => "[!#$%&'*+.^_`|~0-9a-zA-Z-]{1,8}".prop_map(String::into_bytes),
        1 => select(vec![
            "G ET", "GET,POST", " GET", "GET ", "", "GËT", "GET\t", "get", "Get", "\"GET\"",
            "GET;", "*",
        ])
        .prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..6),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn requested_methods_are_compared_byte_for_byte_and_granted_alone(
        allowed in prop::sample::subsequence(METHOD_POOL.to_vec(), 1..6),
        requested in prop::collection::vec(requested_method(), 1..3),
    ) {
        let policy = Policy::builder().origins([APP_ORIGIN]).methods(allowed.clone()).build();
        prop_assert!(policy.is_ok(), "{:?}", policy.err());
        let app = CorsRouter::new()
            .route("/", axum::routing::any(ok))
            .default_policy(policy.unwrap())
            .into_router();
        let mut headers = vec![(h("origin"), HeaderValue::from_static(APP_ORIGIN))];
        let requested: Vec<HeaderValue> = requested.iter().map(|m| value(m)).collect();
        for m in &requested {
            headers.push((h("access-control-request-method"), m.clone()));
        }
        let answer = call(&app, request(Method::OPTIONS, "/", &headers));
        let shown = format!("{allowed:?}, requested {requested:?}");
        prop_assert_eq!(answer.allow, 0);
        // The model: one line, a token, listed byte for byte (`HEAD` goes
        // where `GET` does).
        let method = match requested.as_slice() {
            [one] if is_token(one.as_bytes()) => Some(one.as_bytes()),
            _ => None,
        };
        let Some(method) = method else {
            prop_assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", shown);
            prop_assert_eq!(&answer.body, "malformed access-control-request-method", "{}", shown);
            prop_assert_eq!(&answer.cors, &lines(&[("vary", PREFLIGHT_VARY)]), "{}", shown);
            return Ok(());
        };
        let listed = allowed.iter().any(|a| a.as_bytes() == method)
            || (method == b"HEAD" && allowed.contains(&"GET"));
        let text = String::from_utf8_lossy(method).into_owned();
        if listed {
            prop_assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}: {}", shown, answer.body);
            prop_assert_eq!(&answer.cors, &lines(&[
                ("access-control-allow-origin", APP_ORIGIN),
                ("access-control-allow-methods", &text),
                ("vary", PREFLIGHT_VARY),
            ]), "{}", shown);
        } else {
            prop_assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", shown);
            prop_assert_eq!(&answer.body, &format!("method {text} not allowed"), "{}", shown);
            prop_assert_eq!(&answer.cors, &lines(&[("vary", PREFLIGHT_VARY)]), "{}", shown);
        }
    }

    #[test]
    fn private_network_access_is_asked_for_and_granted_only_by_one_line_of_exactly_true(
        pna in any::<bool>(),
        value_sent in prop::option::of(pna_value()),
    ) {
        let values: Vec<&str> = value_sent.into_iter().collect();
        let answer = pna_preflight(pna, &values);
        let shown = format!("private_network = {pna}, Access-Control-Request-Private-Network {values:?}");
        let asked = values == ["true"];
        let mut grant = vec![
            ("access-control-allow-origin", APP_ORIGIN),
            ("access-control-allow-methods", "GET"),
            ("vary", PREFLIGHT_VARY),
        ];
        match (asked, pna) {
            (true, true) => {
                grant.push(("access-control-allow-private-network", "true"));
                prop_assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", shown);
                prop_assert_eq!(&answer.cors, &lines(&grant), "{}", shown);
            }
            (true, false) => {
                prop_assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", shown);
                prop_assert_eq!(&answer.body, "private network access not allowed", "{}", shown);
                prop_assert_eq!(&answer.cors, &lines(&[("vary", PREFLIGHT_VARY)]), "{}", shown);
            }
            (false, _) => {
                // Not a Private Network Access preflight: the ordinary
                // grant, without Access-Control-Allow-Private-Network.
                prop_assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}: {}", shown, answer.body);
                prop_assert_eq!(&answer.cors, &lines(&grant), "{}", shown);
            }
        }
    }

    #[test]
    fn several_private_network_lines_ask_for_nothing_and_get_the_ordinary_grant(
        pna in any::<bool>(),
        values in prop::collection::vec(pna_value(), 2..4),
    ) {
        // Several lines, which no browser sends, are not one `true`: the
        // preflight is an ordinary one, granted without
        // Access-Control-Allow-Private-Network.
        let answer = pna_preflight(pna, &values);
        let shown = format!("private_network = {pna}, Access-Control-Request-Private-Network {values:?}");
        prop_assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}: {}", shown, answer.body);
        prop_assert_eq!(
            &answer.cors,
            &lines(&[
                ("access-control-allow-origin", APP_ORIGIN),
                ("access-control-allow-methods", "GET"),
                ("vary", PREFLIGHT_VARY),
            ]),
            "{}",
            shown
        );
    }
}

fn pna_value() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        3 => Just("true"),
        1 => select(vec![
            "TRUE", "True", "tRue", "true ", " true", "false", "", "1", "yes", "true,true",
            "\"true\"", "truee", "tru", "true;", "t",
        ]),
    ]
}

/// A `GET` preflight from the allowed origin with these
/// `Access-Control-Request-Private-Network` lines, under a policy that
/// allows private network access or not.
// `private_network` is deprecated, and still tested.
#[allow(deprecated)]
fn pna_preflight(pna: bool, values: &[&str]) -> Answer {
    let policy = Policy::builder()
        .origins([APP_ORIGIN])
        .methods(["GET"])
        .private_network(pna)
        .build()
        .expect("a valid policy");
    let app = CorsRouter::new()
        .route("/", axum::routing::get(ok))
        .default_policy(policy)
        .into_router();
    let mut headers = vec![
        (h("origin"), HeaderValue::from_static(APP_ORIGIN)),
        (
            h("access-control-request-method"),
            HeaderValue::from_static("GET"),
        ),
    ];
    for v in values {
        headers.push((
            h("access-control-request-private-network"),
            value(v.as_bytes()),
        ));
    }
    call(&app, request(Method::OPTIONS, "/", &headers))
}

// ---------------------------------------------------------------------------
// Many routes: nothing panics, nothing is judged by another path's policy
// ---------------------------------------------------------------------------

#[cors(origins = ["https://a.test"])]
async fn route_a() -> &'static str {
    "a"
}

#[cors(origins = ["https://b.test"])]
async fn route_a_id() -> &'static str {
    "a-id"
}

#[cors(origins = ["https://d.test"])]
async fn route_a_special() -> &'static str {
    "a-special"
}

#[cors(origins = ["https://c.test"])]
async fn route_files() -> &'static str {
    "files"
}

#[cors(origins = ["https://g.test"], methods = [GET])]
async fn multi_get() -> &'static str {
    "multi-get"
}

#[cors(origins = ["https://p.test"], methods = [POST])]
async fn multi_post() -> &'static str {
    "multi-post"
}

#[cors(origins = ["https://n.test"])]
async fn nested_x() -> &'static str {
    "nested-x"
}

#[cors(origins = ["https://nf.test"])]
async fn nested_fallback() -> &'static str {
    "nested-fallback"
}

#[cors(origins = ["https://f.test"])]
async fn top_fallback() -> &'static str {
    "fallback"
}

#[cors(origins = "*")]
async fn public_route() -> &'static str {
    "public"
}

#[cors(origins = ["https://*.w.test"])]
async fn wild() -> &'static str {
    "wild"
}

#[cors(policy = "partner")]
async fn partner() -> &'static str {
    "partner"
}

async fn plain() -> &'static str {
    "plain"
}

const DEFAULT_ORIGIN: &str = "https://default.test";

/// Every route with a policy of its own, each allowing other origins.
fn many_routes() -> Router {
    let set = PolicySet::new()
        .with_default(
            Policy::builder()
                .origins([DEFAULT_ORIGIN])
                .methods(["GET", "POST"])
                .build()
                .expect("the default policy"),
        )
        .with_policy(
            "partner",
            Policy::builder()
                .origins(["https://r.test"])
                .build()
                .expect("the partner policy"),
        )
        .expect("the policy set");
    CorsRouter::new()
        .route("/a", route_cors::get(route_a))
        .route("/a/{id}", route_cors::get(route_a_id))
        .route("/a/special", route_cors::get(route_a_special))
        .route("/files/{*rest}", route_cors::get(route_files))
        .route("/multi", route_cors::get(multi_get).post(multi_post))
        .route("/plain", axum::routing::get(plain))
        .route("/public", route_cors::get(public_route))
        .route("/wild", route_cors::get(wild))
        .route("/partner", route_cors::get(partner))
        .nest(
            "/n",
            CorsRouter::new()
                .route("/x", route_cors::get(nested_x))
                .fallback(nested_fallback),
        )
        .fallback(top_fallback)
        .policies(Policies::new(set))
        .try_into_router()
        .expect("the app")
}

/// Every origin some route of `many_routes` allows, and one none does.
const ROUTE_ORIGINS: &[&str] = &[
    "https://a.test",
    "https://b.test",
    "https://c.test",
    "https://d.test",
    "https://g.test",
    "https://p.test",
    "https://n.test",
    "https://nf.test",
    "https://f.test",
    "https://r.test",
    "https://x.w.test",
    DEFAULT_ORIGIN,
    "https://evil.test",
    "null",
];

/// What the handler that answered (named by its body; an empty `405` is
/// axum's, under the default policy) grants `origin`.
fn grant_of(handler: &str, origin: &str) -> Result<Option<&'static str>, String> {
    let only = |allowed: &'static str| Ok((origin == allowed).then_some(allowed));
    match handler {
        "a" => only("https://a.test"),
        "a-id" => only("https://b.test"),
        "a-special" => only("https://d.test"),
        "files" => only("https://c.test"),
        "multi-get" => only("https://g.test"),
        "multi-post" => only("https://p.test"),
        "nested-x" => only("https://n.test"),
        "nested-fallback" => only("https://nf.test"),
        "fallback" => only("https://f.test"),
        "partner" => only("https://r.test"),
        "wild" => only("https://x.w.test"),
        "public" => Ok(Some("*")),
        "plain" | "default" => only(DEFAULT_ORIGIN),
        other => Err(format!("no handler answers {other:?}")),
    }
}

fn path() -> impl Strategy<Value = String> {
    let segment = select(vec![
        "a", "special", "files", "x", "n", "multi", "plain", "public", "wild", "partner", "A",
        "Special", "zz", "{id}", "{*rest}", "", "%61", "a%2Fb", ".", "..", "~", "%2e", "N", "a.",
        "a%00", "*", ":id", "%C3%A9",
    ]);
    (
        prop::collection::vec(segment, 0..4),
        any::<bool>(),
        select(vec!["", "", "?x=1", "?/a", "#f", "?"]),
    )
        .prop_map(|(segments, slash, query)| {
            let mut path = format!("/{}", segments.join("/"));
            if slash {
                path.push('/');
            }
            path.push_str(query);
            path
        })
        .prop_filter("a URI", |p| p.parse::<http::Uri>().is_ok())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn every_request_is_judged_by_the_policy_of_the_handler_that_answers_its_path(path in path()) {
        let app = many_routes();
        for method in ["GET", "POST"] {
            for &origin in ROUTE_ORIGINS {
                let origin_value = HeaderValue::from_static(origin);
                let method_value = Method::from_bytes(method.as_bytes()).unwrap();
                // Sent from the page's own origin, the request reaches the
                // handler, whose body names it.
                let same_origin = [
                    (h("origin"), origin_value.clone()),
                    (h("sec-fetch-site"), HeaderValue::from_static("same-origin")),
                ];
                let answer = call(&app, request(method_value.clone(), &path, &same_origin));
                let handler = if answer.status == StatusCode::METHOD_NOT_ALLOWED && answer.body.is_empty() {
                    "default".to_owned()
                } else {
                    answer.body.clone()
                };
                let grant = grant_of(&handler, origin);
                prop_assert!(grant.is_ok(), "{} {}: {:?}", method, path, grant);
                let grant = grant.unwrap();
                let shown = format!("{method} {path} (answered by {handler}), Origin {origin}");
                assert_actual(&answer, grant, &shown)?;
                // Sent from another origin (no `Host`: not the request's
                // own), a write goes in exactly where that policy grants it.
                let cross = call(&app, request(method_value, &path, &[(h("origin"), origin_value.clone())]));
                if method == "POST" && grant.is_none() {
                    prop_assert_eq!(cross.status, StatusCode::FORBIDDEN, "cross-origin {}", &shown);
                    prop_assert!(
                        cross.body.starts_with("cross-origin write refused: "),
                        "cross-origin {}: {:?}", &shown, cross.body
                    );
                    assert_actual(&cross, None, &shown)?;
                } else {
                    prop_assert_eq!(cross.status, answer.status, "cross-origin {}", &shown);
                    prop_assert_eq!(&cross.body, &answer.body, "cross-origin {}", &shown);
                    assert_actual(&cross, grant, &shown)?;
                }
                // Its preflight: judged by the policy of the same handler;
                // refused where no handler serves the method on a path whose
                // handlers all came through the builders (`/plain` is a
                // plain `MethodRouter`, whose methods the default decides).
                let opaque = path.split(['?', '#']).next() == Some("/plain");
                let preflight_grant = if handler == "default" && !opaque && answer.status == StatusCode::METHOD_NOT_ALLOWED {
                    None
                } else {
                    grant
                };
                let answer = call(&app, preflight(&path, &origin_value, method));
                assert_preflight(&answer, preflight_grant, method, &shown)?;
            }
        }
    }
}

/// A header value from the whole range of what arrives.
fn hostile_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => select(ROUTE_ORIGINS.to_vec()).prop_map(|s| s.as_bytes().to_vec()),
        2 => select(METHOD_POOL.to_vec()).prop_map(|s| s.as_bytes().to_vec()),
        2 => prop::collection::vec(any::<u8>(), 0..40),
        1 => (any::<u8>(), 1usize..20_000).prop_map(|(b, n)| vec![b; n]),
        1 => (select(vec!["x-a,", "content-type, ", ",", " ", "true", "https://a.test"]), 1usize..3_000)
            .prop_map(|(s, n)| s.repeat(n).into_bytes()),
        1 => "[ -~]{0,30}".prop_map(String::into_bytes),
    ]
}

fn hostile_name() -> impl Strategy<Value = HeaderName> {
    prop_oneof![
        6 => select(vec![
            "origin",
            "access-control-request-method",
            "access-control-request-headers",
            "access-control-request-private-network",
        ])
        .prop_map(HeaderName::from_static),
        1 => select(vec![
            "content-type", "authorization", "vary", "host", "access-control-allow-origin",
            "content-length", "transfer-encoding", "cookie", "x-forwarded-host",
        ])
        .prop_map(HeaderName::from_static),
        1 => "x-[a-z0-9-]{1,12}".prop_map(|n| HeaderName::from_bytes(n.as_bytes()).unwrap()),
    ]
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn no_header_value_on_any_route_panics_or_gets_a_grant_it_should_not(
        method in prop_oneof![
            4 => select(vec!["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD"]),
            1 => select(vec!["PURGE", "get", "X", "options", "M-SEARCH"]),
        ],
        path in path(),
        headers in prop::collection::vec((hostile_name(), hostile_value()), 0..8),
    ) {
        let app = many_routes();
        let headers: Vec<(HeaderName, HeaderValue)> = headers
            .into_iter()
            .map(|(n, v)| (n, value(&v)))
            .collect();
        let method_value = Method::from_bytes(method.as_bytes()).unwrap();
        let req = request(method_value.clone(), &path, &headers);
        let is_preflight = route_cors::is_preflight(&method_value, req.headers());
        let origins: Vec<&HeaderValue> = headers.iter().filter(|(n, _)| n == "origin").map(|(_, v)| v).collect();
        let answer = call(&app, req);
        let shown = format!("{method} {path} {headers:?}");
        let cors = |name: &str| -> Vec<&str> {
            answer.cors.iter().filter(|(n, _)| n == name).map(|(_, v)| v.as_str()).collect()
        };
        let allow_origin = cors("access-control-allow-origin");
        if is_preflight {
            // Every path of this app is decided (a fallback, a default):
            // a preflight is answered here, never by the app.
            prop_assert!(
                answer.status == StatusCode::NO_CONTENT || answer.status == StatusCode::FORBIDDEN,
                "{}: {:?}", shown, answer.status
            );
            prop_assert_eq!(answer.allow, 0, "{}", shown);
            if answer.status == StatusCode::FORBIDDEN {
                prop_assert!(allow_origin.is_empty(), "{}: {:?}", shown, answer.cors);
            }
        }
        if !allow_origin.is_empty() {
            prop_assert_eq!(allow_origin.len(), 1, "{}", shown);
            prop_assert_eq!(origins.len(), 1, "a grant for several or no Origin lines: {}", shown);
            let origin = origins[0].as_bytes();
            let granted = allow_origin[0];
            // The grant is `*` or the request's own origin, one that some
            // route allows.
            prop_assert!(
                granted == "*" || (granted.as_bytes() == origin && ROUTE_ORIGINS[..12].contains(&granted)),
                "{}: granted {:?}", shown, granted
            );
            if granted == "*" {
                prop_assert!(cors("access-control-allow-credentials").is_empty(), "{}", shown);
            }
        } else {
            for name in [
                "access-control-allow-credentials",
                "access-control-allow-methods",
                "access-control-allow-headers",
                "access-control-expose-headers",
                "access-control-max-age",
                "access-control-allow-private-network",
            ] {
                prop_assert!(cors(name).is_empty(), "{} without a grant: {}", name, shown);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Cross-origin writes: the same-origin test, and no refused write getting in
// ---------------------------------------------------------------------------

/// A host as an `Origin` serializes it (lowercase) and as a `Host` header
/// may carry it (any case): `(origin's, host's)`.
fn host_pair() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        ("[a-z]{1,8}(\\.[a-z]{1,8}){0,2}", any::<u64>())
            .prop_map(|(host, mask)| (host.clone(), recase(&host, mask))),
        (any::<[u8; 4]>()).prop_map(|o| {
            let ip = format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
            (ip.clone(), ip)
        }),
        any::<[u16; 8]>().prop_map(|s| {
            let ip = format!("[{}]", Ipv6Addr::from(s));
            (ip.clone(), ip)
        }),
    ]
}

/// A port as written: none, the scheme's default, or another.
fn port() -> impl Strategy<Value = Option<u16>> {
    prop_oneof![
        Just(None),
        Just(Some(80)),
        Just(Some(443)),
        (1u16..).prop_map(Some)
    ]
}

fn authority(host: &str, port: Option<u16>) -> String {
    match port {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// The model: same host (case aside) and the same port, a port left
    /// out being the origin scheme's default.
    #[test]
    fn an_origin_is_the_requests_own_exactly_when_host_and_port_match(
        https in any::<bool>(),
        (origin_host, host_host) in host_pair(),
        other_host in host_pair(),
        origin_port in port(),
        host_port in port(),
        same_host in any::<bool>(),
    ) {
        let scheme = if https { "https" } else { "http" };
        let default = if https { 443 } else { 80 };
        let host_side = if same_host { host_host.clone() } else { other_host.1.clone() };
        let origin = format!("{scheme}://{}", authority(&origin_host, origin_port));
        let host = authority(&host_side, host_port);
        let expected = origin_host.eq_ignore_ascii_case(&host_side)
            && origin_port.unwrap_or(default) == host_port.unwrap_or(default);
        prop_assert_eq!(
            route_cors_rules::request_origin::is_same_origin(origin.as_bytes(), host.as_bytes()),
            expected,
            "Origin {} on Host {}", origin, host
        );
    }
}

/// How many times the guarded handler ran.
static WRITES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[cors(origins = ["https://a.test"])]
async fn guarded_write(body: String) -> String {
    WRITES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    body
}

fn sec_fetch_site() -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(
        select(vec![
            "cross-site",
            "same-site",
            "same-origin",
            "none",
            "nested",
            "",
        ]),
        0..3,
    )
}

proptest! {
    #![proptest_config(config(512))]

    /// Whatever `Origin`, `Host` and `Sec-Fetch-Site` say, a write reaches
    /// the handler only from the route's origin, from the page's own origin,
    /// or from no page.
    #[test]
    fn no_write_from_a_refused_origin_ever_reaches_the_handler(
        origins in prop::collection::vec(
            select(vec!["https://a.test", "https://evil.test", "null", "https://api.test", "http://api.test:8080", "https://API.test"]),
            0..3,
        ),
        host in prop::option::of(select(vec!["api.test", "api.test:443", "API.TEST", "api.test:8080", "a.test", "evil.test"])),
        sites in sec_fetch_site(),
        method in select(vec!["POST", "PUT", "DELETE", "PATCH"]),
    ) {
        let app = CorsRouter::new()
            .route("/w", route_cors::on(
                axum::routing::MethodFilter::POST
                    .or(axum::routing::MethodFilter::PUT)
                    .or(axum::routing::MethodFilter::DELETE)
                    .or(axum::routing::MethodFilter::PATCH),
                guarded_write,
            ))
            .into_router();
        let mut headers: Vec<(HeaderName, HeaderValue)> = Vec::new();
        for origin in &origins {
            headers.push((h("origin"), HeaderValue::from_static(origin)));
        }
        if let Some(host) = host {
            headers.push((h("host"), HeaderValue::from_static(host)));
        }
        for site in &sites {
            headers.push((h("sec-fetch-site"), HeaderValue::from_static(site)));
        }
        let before = WRITES.load(std::sync::atomic::Ordering::SeqCst);
        let answer = call(&app, request(Method::from_bytes(method.as_bytes()).unwrap(), "/w", &headers));
        let ran = WRITES.load(std::sync::atomic::Ordering::SeqCst) > before;
        // The model.
        let same_origin = match sites.as_slice() {
            [] => match origins.as_slice() {
                [] => true,
                [origin] => host.is_some_and(|host| {
                    route_cors_rules::request_origin::is_same_origin(origin.as_bytes(), host.as_bytes())
                }),
                _ => false,
            },
            [site] => *site == "same-origin" || *site == "none",
            _ => false,
        };
        let granted = origins.as_slice() == ["https://a.test"];
        prop_assert_eq!(ran, same_origin || granted, "{:?} {:?} {:?} -> {:?}", origins, host, sites, answer.status);
        if !ran {
            prop_assert_eq!(answer.status, StatusCode::FORBIDDEN);
            prop_assert!(answer.body.starts_with("cross-origin write refused: "));
            prop_assert_eq!(&answer.cors, &lines(&[("vary", "origin")]));
        }
    }
}
