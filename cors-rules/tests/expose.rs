//! `expose` (exposed response headers): valid names, never `Set-Cookie`, no
//! duplicates.

mod common;

use common::{base, list, only_error, valid};
use route_cors_rules::{Key, Rule, Spec, Violation};

fn with_expose<'a>(expose: &[&'a str]) -> Spec<'a> {
    Spec {
        expose: list(expose),
        ..base()
    }
}

fn expose_error(header: &str) -> Violation {
    only_error(&with_expose(&[header]), Key::Expose, Some(0))
}

#[test]
fn exposing_set_cookie_is_rejected() {
    for header in ["set-cookie", "Set-Cookie", "set-cookie2", "SET-COOKIE2"] {
        assert_eq!(
            expose_error(header),
            Violation::new(Rule::ExposeSetCookie, header),
            "{header}"
        );
    }
}

#[test]
fn invalid_exposed_header_name_is_rejected() {
    for header in ["", "x request id", "x-id:", "ü"] {
        assert_eq!(
            expose_error(header),
            Violation::new(Rule::ExposeInvalid, header),
            "{header:?}"
        );
    }
}

#[test]
fn duplicate_exposed_header_is_rejected_case_insensitively_on_the_second() {
    let violation = only_error(
        &with_expose(&["X-Request-Id", "etag", "x-request-id"]),
        Key::Expose,
        Some(2),
    );
    assert_eq!(
        violation,
        Violation::new(Rule::ExposeDuplicate, "x-request-id")
    );
}

#[test]
fn wildcard_exposed_header_beside_others_is_rejected_on_the_star() {
    let violation = only_error(&with_expose(&["etag", "*"]), Key::Expose, Some(1));
    assert_eq!(
        violation,
        Violation::new(Rule::WildcardNotAlone, "*")
            .help("write `expose = \"*\"` alone, or list the values without `*`")
    );
}

/// jub0bs/cors's cases: `origin` and the `access-control-*` headers are
/// nothing a script could be given; safelisted response headers stay
/// allowed (listing them is harmless).
#[test]
fn names_with_nothing_to_expose_are_rejected_and_safelisted_ones_are_not() {
    for name in [
        "origin",
        "Origin",
        "access-control-allow-origin",
        "access-control-max-age",
    ] {
        let violation = only_error(&with_expose(&["etag", name]), Key::Expose, Some(1));
        assert_eq!(
            violation,
            Violation::new(Rule::ExposeNothingToExpose, name).help(format!(
                "remove `{}` from `expose`",
                name.to_ascii_lowercase()
            ))
        );
    }
    for name in [
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    ] {
        valid(&with_expose(&[name]));
    }
}
