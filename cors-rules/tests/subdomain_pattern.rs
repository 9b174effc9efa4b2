//! `SubdomainPattern::matches`: a pattern from `https://*.example.com`
//! matches one or more labels in front of the suffix, nothing else.

use route_cors_rules::origin::{
    matches_subdomains, parse_allowed, AllowedOrigin, SubdomainPattern,
};

fn pattern(origin: &str) -> SubdomainPattern {
    match parse_allowed(origin) {
        Ok(AllowedOrigin::Subdomains(pattern)) => pattern,
        other => panic!("{origin} is not a pattern: {other:?}"),
    }
}

fn matches(pattern_origin: &str, origin: &str) -> bool {
    let p = pattern(pattern_origin);
    let answer = p.matches(origin.as_bytes());
    assert_eq!(
        answer,
        matches_subdomains(p.prefix.as_bytes(), p.suffix.as_bytes(), origin.as_bytes()),
        "SubdomainPattern::matches and matches_subdomains disagree on {origin}"
    );
    answer
}

#[test]
fn wildcard_matches_one_subdomain_label() {
    assert!(matches("https://*.example.com", "https://a.example.com"));
    assert!(matches(
        "https://*.example.com",
        "https://app-1.example.com"
    ));
}

#[test]
fn wildcard_matches_several_subdomain_labels() {
    assert!(matches("https://*.example.com", "https://a.b.example.com"));
}

#[test]
fn wildcard_does_not_match_the_bare_domain() {
    assert!(!matches("https://*.example.com", "https://example.com"));
}

#[test]
fn wildcard_does_not_match_a_lookalike_domain() {
    assert!(!matches(
        "https://*.example.com",
        "https://evil-example.com"
    ));
    assert!(!matches("https://*.example.com", "https://evilexample.com"));
    assert!(!matches(
        "https://*.example.com",
        "https://a.example.com.evil.com"
    ));
}

#[test]
fn wildcard_does_not_match_another_scheme() {
    assert!(!matches("https://*.example.com", "http://a.example.com"));
    assert!(!matches("http://*.example.com", "https://a.example.com"));
}

/// Whatever the other scheme's length, what lies between the pattern's
/// prefix and suffix in bytes is not looked at as labels.
#[test]
fn wildcard_does_not_match_another_scheme_of_another_length() {
    assert!(!matches("https://*.example.com", "http://ab.example.com"));
    assert!(!matches("https://*.example.com", "wss://abc.example.com"));
}

#[test]
fn wildcard_does_not_match_another_port() {
    assert!(!matches(
        "https://*.example.com",
        "https://a.example.com:8443"
    ));
    assert!(!matches(
        "https://*.example.com:8443",
        "https://a.example.com"
    ));
    assert!(matches(
        "https://*.example.com:8443",
        "https://a.example.com:8443"
    ));
}

#[test]
fn wildcard_does_not_match_an_empty_label() {
    assert!(!matches("https://*.example.com", "https://.example.com"));
    assert!(!matches("https://*.example.com", "https://a..example.com"));
    assert!(!matches("https://*.example.com", "https://.a.example.com"));
}

#[test]
fn wildcard_does_not_match_invalid_labels() {
    for origin in [
        "https://A.example.com",
        "https://-a.example.com",
        "https://a b.example.com",
        "https://evil.com/.example.com",
        "https://user@a.example.com",
        "https://a:1.example.com",
        "https://*.example.com",
    ] {
        assert!(!matches("https://*.example.com", origin), "{origin}");
    }
    assert!(!pattern("https://*.example.com").matches("https://bü.example.com".as_bytes()));
}
