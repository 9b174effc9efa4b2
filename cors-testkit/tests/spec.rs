//! The Fetch standard's rules in `spec`, through the public functions the
//! kit and its users call.

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use route_cors_testkit::spec::{
    cors_unsafe_request_header_names, is_cors_safelisted_request_header,
    is_forbidden_request_header, normalize_method, MAX_SAFELISTED_VALUE_LEN,
};

fn safelisted(name: &'static str, value: &str) -> bool {
    is_cors_safelisted_request_header(
        &HeaderName::from_static(name),
        &HeaderValue::from_str(value).unwrap(),
    )
}

#[test]
fn only_three_content_types_are_safelisted_with_any_parameters() {
    assert!(safelisted("content-type", "text/plain"));
    assert!(safelisted("content-type", "text/plain;charset=UTF-8"));
    assert!(safelisted(
        "content-type",
        "Multipart/Form-Data; boundary=x"
    ));
    assert!(safelisted(
        "content-type",
        "application/x-www-form-urlencoded"
    ));
    assert!(!safelisted("content-type", "application/json"));
    assert!(!safelisted("content-type", "text/html"));
    assert!(!safelisted("content-type", "text/plain; charset=\"utf-8\""));
    assert!(!safelisted("content-type", "text"));
}

#[test]
fn a_safelisted_value_is_at_most_128_bytes() {
    let limit = "a".repeat(MAX_SAFELISTED_VALUE_LEN);
    let over = "a".repeat(MAX_SAFELISTED_VALUE_LEN + 1);
    assert!(safelisted("accept", &limit));
    assert!(!safelisted("accept", &over));
}

#[test]
fn unsafe_bytes_and_characters_outside_the_language_set_are_not_safelisted() {
    assert!(safelisted("accept", "application/json, text/*;q=0.8"));
    assert!(!safelisted("accept", "a(b)"));
    assert!(safelisted("accept-language", "en-US,en;q=0.9"));
    assert!(!safelisted("accept-language", "en_US"));
    assert!(safelisted("content-language", "de-DE"));
    assert!(!safelisted("content-language", "de/DE"));
}

#[test]
fn only_a_simple_range_with_a_start_is_safelisted() {
    assert!(safelisted("range", "bytes=0-"));
    assert!(safelisted("range", "bytes=10-20"));
    assert!(!safelisted("range", "bytes=-500"));
    assert!(!safelisted("range", "bytes=20-10"));
    assert!(!safelisted("range", "bytes=0-1,5-6"));
    assert!(!safelisted("range", "bytes = 0-"));
    assert!(!safelisted("range", "items=0-"));
}

#[test]
fn other_headers_are_never_safelisted() {
    assert!(!safelisted("x-token", "1"));
    assert!(!safelisted("authorization", "Bearer x"));
}

fn names(headers: &HeaderMap) -> Vec<String> {
    cors_unsafe_request_header_names(headers)
        .iter()
        .map(|name| name.as_str().to_owned())
        .collect()
}

#[test]
fn unsafe_names_are_sorted_lowercase_and_unique() {
    let mut headers = HeaderMap::new();
    headers.insert("X-Token", HeaderValue::from_static("1"));
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("accept", HeaderValue::from_static("*/*"));
    headers.append("x-b", HeaderValue::from_static("1"));
    headers.append("x-b", HeaderValue::from_static("2"));
    assert_eq!(names(&headers), ["content-type", "x-b", "x-token"]);
}

#[test]
fn the_128_byte_limit_applies_to_the_lines_of_one_name_joined() {
    // Three lines of 50 bytes are sent as one value of 154 bytes.
    let mut headers = HeaderMap::new();
    let line = HeaderValue::from_str(&"a".repeat(50)).unwrap();
    for _ in 0..3 {
        headers.append("accept", line.clone());
    }
    assert_eq!(names(&headers), ["accept"]);
}

#[test]
fn every_safelisted_name_at_its_limit_needs_no_preflight() {
    let mut headers = HeaderMap::new();
    let long = HeaderValue::from_str(&"a".repeat(MAX_SAFELISTED_VALUE_LEN)).unwrap();
    for name in ["accept", "accept-language", "content-language"] {
        headers.insert(HeaderName::from_static(name), long.clone());
    }
    assert!(names(&headers).is_empty());
}

#[test]
fn forbidden_request_headers_include_prefixes_and_method_overrides() {
    let forbidden = |name: &'static str, value: &'static str| {
        is_forbidden_request_header(
            &HeaderName::from_static(name),
            &HeaderValue::from_static(value),
        )
    };
    assert!(forbidden("cookie", "a=b"));
    assert!(forbidden("origin", "https://x.example"));
    assert!(forbidden("sec-fetch-mode", "cors"));
    assert!(forbidden("proxy-authorization", "x"));
    assert!(forbidden("x-http-method-override", "GET, trace"));
    assert!(!forbidden("x-http-method-override", "PATCH"));
    assert!(!forbidden("authorization", "Bearer x"));
}

#[test]
fn methods_are_normalized_except_patch() {
    let normalized = |name: &str| {
        normalize_method(Method::from_bytes(name.as_bytes()).unwrap())
            .as_str()
            .to_owned()
    };
    assert_eq!(normalized("delete"), "DELETE");
    assert_eq!(normalized("Post"), "POST");
    assert_eq!(normalized("patch"), "patch");
    assert_eq!(normalized("PATCH"), "PATCH");
}
