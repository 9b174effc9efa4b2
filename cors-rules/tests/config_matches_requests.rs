//! The two sides agree: every origin the configuration check accepts has the
//! shape the request-side check recognises, so an accepted origin can match.

mod common;

use common::weird_strings;
use route_cors_rules::origin::{is_request_origin, parse_allowed, AllowedOrigin, MAX_ORIGIN_LEN};

const NEAR_MISSES: &[&str] = &[
    "http://localhost:3000",
    "https://xn--bcher-kva.example",
    "http://127.0.0.1:8080",
    "http://[::1]:3000",
    "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
    "tauri://localhost",
    "capacitor://localhost",
    "https://*.example.com",
    "https://*.example.com:8443",
];

#[test]
fn accepted_exact_origin_is_a_request_origin() {
    let mut accepted = 0;
    let inputs = weird_strings();
    let all = NEAR_MISSES
        .iter()
        .copied()
        .chain(inputs.iter().map(String::as_str));
    for s in all {
        if let Ok(AllowedOrigin::Exact(origin)) = parse_allowed(s) {
            accepted += 1;
            assert_eq!(origin, s);
            if origin.len() <= MAX_ORIGIN_LEN {
                assert!(is_request_origin(origin.as_bytes()), "{origin}");
            }
        }
    }
    assert!(accepted >= 7, "{accepted}");
}

#[test]
fn accepted_pattern_matches_a_subdomain_that_is_a_request_origin() {
    for s in NEAR_MISSES.iter().filter(|s| s.contains('*')) {
        let Ok(AllowedOrigin::Subdomains(pattern)) = parse_allowed(s) else {
            panic!("{s} is not a pattern");
        };
        let origin = s.replacen('*', "app", 1);
        assert!(pattern.matches(origin.as_bytes()), "{origin}");
        assert!(is_request_origin(origin.as_bytes()), "{origin}");
    }
}
