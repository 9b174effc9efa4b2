//! Helpers shared by the test files of `route-cors-rules`: build a `Spec`,
//! validate it, and pull out the one violation a test expects.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use route_cors_rules::{validate, Key, Located, Spec, ValidPolicy, Values, Violation};

/// An origin that obeys every rule, for specs whose test is about another key.
pub const GOOD_ORIGIN: &str = "https://app.example.com";

/// `Some(Values::List(items))`.
pub fn list<'a>(items: &[&'a str]) -> Option<Values<'a>> {
    Some(Values::List(items.to_vec()))
}

/// A spec with these origins and nothing else.
pub fn with_origins<'a>(origins: &[&'a str]) -> Spec<'a> {
    Spec {
        origins: list(origins),
        ..Spec::default()
    }
}

/// A spec with one good origin, for tests about the other keys.
pub fn base() -> Spec<'static> {
    with_origins(&[GOOD_ORIGIN])
}

/// The violations of a spec that must be rejected.
pub fn errors(spec: &Spec<'_>) -> Vec<Located> {
    match validate(spec) {
        Ok(policy) => panic!("expected {spec:?} to be rejected, got {policy:?}"),
        Err(errors) => errors,
    }
}

/// The policy of a spec that must be accepted.
pub fn valid(spec: &Spec<'_>) -> ValidPolicy {
    match validate(spec) {
        Ok(policy) => policy,
        Err(errors) => panic!("expected {spec:?} to be accepted, got {errors:#?}"),
    }
}

/// The one violation of `spec`, after checking that it is the only one and
/// that it sits at `key` and `index`.
pub fn only_error(spec: &Spec<'_>, key: Key, index: Option<usize>) -> Violation {
    let mut errors = errors(spec);
    assert_eq!(
        errors.len(),
        1,
        "expected exactly one violation: {errors:#?}"
    );
    let located = errors.remove(0);
    assert_eq!(
        (located.key, located.index),
        (key, index),
        "wrong location for {:?}",
        located.violation
    );
    located.violation
}

/// The violation of a policy whose only origin is `origin`, located at
/// `origins[0]`.
pub fn origin_error(origin: &str) -> Violation {
    only_error(&with_origins(&[origin]), Key::Origins, Some(0))
}

/// `(key, index, rule)` of each violation, in the order reported.
pub fn summary(errors: &[Located]) -> Vec<(Key, Option<usize>, route_cors_rules::Rule)> {
    errors
        .iter()
        .map(|l| (l.key, l.index, l.violation.rule))
        .collect()
}

/// A small generated set of odd inputs: every combination of a few prefixes,
/// middles and suffixes, plus long strings of about 100_000 bytes. None has a
/// long all-digit label (see `no_panic.rs` for those).
pub fn weird_strings() -> Vec<String> {
    const PREFIXES: &[&str] = &[
        "",
        "https://",
        "http://",
        "HTTP://",
        "x://",
        "://",
        "file://",
        "*.",
        "https://*.",
        "null",
    ];
    const MIDDLES: &[&str] = &[
        "",
        "a",
        "a.com",
        "ü",
        "😀",
        "[",
        "]",
        "[::1]",
        "[::1",
        "*",
        "@",
        ":",
        "::",
        ".",
        "..",
        "%00",
        "\0",
        "\u{feff}",
        "\u{a0}",
        "a..b",
        "-",
        "127.0.0.1",
        "0x1",
        "1.2.3.4.5",
    ];
    const SUFFIXES: &[&str] = &[
        "",
        "/",
        ":",
        ":0",
        ":99999999999999999999",
        ":443",
        "?",
        "#",
        " ",
        ",",
        "]",
        ".",
        "\n",
    ];
    let mut out = Vec::new();
    for p in PREFIXES {
        for m in MIDDLES {
            for s in SUFFIXES {
                out.push(format!("{p}{m}{s}"));
            }
        }
    }
    const N: usize = 100_000;
    out.extend([
        "a".repeat(N),
        format!("https://{}", "a".repeat(N)),
        format!("https://{}", "a.".repeat(N / 2)),
        format!("https://*.{}com", "ab.".repeat(N / 3)),
        format!("https://{}", "ü".repeat(N / 2)),
        "😀".repeat(N / 4),
        ",".repeat(N),
        " ".repeat(N),
        "*".repeat(N),
        ":".repeat(N),
        "/".repeat(N),
        format!("https://a.com:{}", "9".repeat(N)),
        format!("https://[{}]", ":".repeat(N)),
        format!("https://[{}", "1:".repeat(N / 2)),
        format!("https://{}", "-".repeat(N)),
        format!("{}://a", "x".repeat(N)),
        format!("https://{}a.com", "@".repeat(N)),
        format!("https://a.com{}", "/".repeat(N)),
    ]);
    out
}
