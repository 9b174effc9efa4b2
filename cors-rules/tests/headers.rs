//! `headers` (allowed request headers): valid names, none of Fetch's
//! forbidden request headers, no response-only CORS headers, no duplicates.

mod common;

use common::{base, errors, list, only_error, summary};
use route_cors_rules::{Key, Rule, Spec, Violation};

fn with_headers<'a>(headers: &[&'a str]) -> Spec<'a> {
    Spec {
        headers: list(headers),
        ..base()
    }
}

fn header_error(header: &str) -> Violation {
    only_error(&with_headers(&[header]), Key::Headers, Some(0))
}

#[test]
fn forbidden_request_header_is_rejected() {
    for header in [
        "cookie",
        "Cookie",
        "host",
        "content-length",
        "origin",
        "referer",
        "connection",
        "transfer-encoding",
        "accept-encoding",
        "access-control-request-method",
        "access-control-request-headers",
        "set-cookie",
    ] {
        assert_eq!(
            header_error(header),
            Violation::new(Rule::HeaderForbidden, header),
            "{header}"
        );
    }
}

#[test]
fn sec_and_proxy_prefixed_request_headers_are_rejected_as_forbidden() {
    for header in [
        "sec-fetch-mode",
        "Sec-CH-UA",
        "proxy-authorization",
        "Proxy-Connection",
    ] {
        assert_eq!(
            header_error(header),
            Violation::new(Rule::HeaderForbidden, header),
            "{header}"
        );
    }
}

#[test]
fn response_only_cors_header_in_headers_is_rejected() {
    for header in [
        "access-control-allow-origin",
        "Access-Control-Allow-Credentials",
        "access-control-expose-headers",
        "access-control-max-age",
    ] {
        assert_eq!(
            header_error(header),
            Violation::new(Rule::HeaderCorsResponseOnly, header),
            "{header}"
        );
    }
}

#[test]
fn duplicate_header_is_rejected_case_insensitively_on_the_second() {
    let violation = only_error(
        &with_headers(&["content-type", "Content-Type"]),
        Key::Headers,
        Some(1),
    );
    assert_eq!(
        violation,
        Violation::new(Rule::HeaderDuplicate, "Content-Type")
    );
}

#[test]
fn invalid_header_name_is_rejected() {
    for header in ["", "x custom", "x-custom:", "x-ä", "x\ny", "(x)"] {
        assert_eq!(
            header_error(header),
            Violation::new(Rule::HeaderInvalid, header),
            "{header:?}"
        );
    }
}

#[test]
fn wildcard_header_beside_other_headers_is_rejected_on_the_star() {
    let violation = only_error(&with_headers(&["*", "x-a"]), Key::Headers, Some(0));
    assert_eq!(
        violation,
        Violation::new(Rule::WildcardNotAlone, "*")
            .help("write `headers = \"*\"` alone, or list the values without `*`")
    );
}

#[test]
fn each_bad_header_is_reported_at_its_index() {
    let spec = with_headers(&["x-ok", "cookie", "X-OK", "bad header"]);
    assert_eq!(
        summary(&errors(&spec)),
        vec![
            (Key::Headers, Some(1), Rule::HeaderForbidden),
            (Key::Headers, Some(2), Rule::HeaderDuplicate),
            (Key::Headers, Some(3), Rule::HeaderInvalid),
        ]
    );
}
