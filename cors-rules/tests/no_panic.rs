//! `validate` and the request-side helpers answer every input, however odd,
//! without panicking (the macro runs them at compile time and the runtime on
//! request bytes).

mod common;

use std::panic::catch_unwind;

use common::{list, weird_strings};
use route_cors_rules::origin::{is_request_origin, parse_allowed, AllowedOrigin};
use route_cors_rules::{key, validate, Spec};

/// Runs every entry point on `s`; `true` when one of them panicked.
fn panics_on(s: &str) -> bool {
    catch_unwind(|| {
        let spec = Spec {
            origins: list(&[s]),
            methods: list(&[s]),
            headers: list(&[s]),
            expose: list(&[s]),
            credentials: true,
            max_age: Some(i128::MAX),
            private_network: true,
            origin_fn: true,
            insecure_origins: false,
            writes_from_any_origin: false,
        };
        let _ = validate(&spec);
        let _ = validate(&Spec {
            origins: list(&[s, s, "*"]),
            ..Spec::default()
        });
        if let Ok(AllowedOrigin::Subdomains(pattern)) = parse_allowed(s) {
            let _ = pattern.matches(s.as_bytes());
        }
        let _ = is_request_origin(s.as_bytes());
        let _ = key::suggest(s, &["crate"]);
    })
    .is_err()
}

fn panicking(inputs: &[String]) -> Vec<String> {
    inputs
        .iter()
        .filter(|s| panics_on(s))
        .map(|s| s.chars().take(60).collect())
        .collect()
}

#[test]
fn validate_never_panics_on_odd_strings() {
    let inputs = weird_strings();
    assert!(inputs.len() > 3000, "{}", inputs.len());
    assert_eq!(panicking(&inputs), Vec::<String>::new());
}

#[test]
fn request_origin_check_never_panics_on_invalid_utf8() {
    for bytes in [
        &b"https://\xff.com"[..],
        b"https://a.com:\xc3",
        b"\xc3\x28://a",
        b"https://[\xff]",
        b"\x00",
        &[0xff; 400],
    ] {
        let answer = catch_unwind(|| is_request_origin(bytes));
        assert_eq!(answer.ok(), Some(false), "{bytes:?}");
    }
}

/// `is_canonical_ipv4` folds every dot-separated part into a `u32` before
/// checking its length, so a part of ten or more characters overflows: a
/// panic in debug builds, which is how proc-macros and tests are built.
#[test]

fn long_label_in_numeric_host_does_not_panic() {
    let inputs = vec![
        "http://99999999999".to_owned(),
        "http://4294967296".to_owned(),
        "http://aaaaaaaaaaaaa.1".to_owned(),
        "https://*.99999999999".to_owned(),
        format!("https://{}", "1".repeat(100_000)),
    ];
    assert_eq!(panicking(&inputs), Vec::<String>::new());
}
