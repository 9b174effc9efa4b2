//! `origin::is_request_origin`: the cheap shape check on the `Origin` bytes
//! of a request, used where any origin is allowed.

use route_cors_rules::origin::{is_request_origin, MAX_ORIGIN_LEN};

#[test]
fn serialized_origins_and_null_are_request_origins() {
    for origin in [
        "https://a.example.com",
        "null",
        "http://localhost:3000",
        "http://127.0.0.1:8080",
        "http://[::1]:3000",
        "https://xn--bcher-kva.example",
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        "tauri://localhost",
    ] {
        assert!(is_request_origin(origin.as_bytes()), "{origin}");
    }
}

#[test]
fn empty_value_is_not_a_request_origin() {
    assert!(!is_request_origin(b""));
}

#[test]
fn uppercase_value_is_not_a_request_origin() {
    for origin in [
        "HTTPS://a.com",
        "https://A.com",
        "https://a.COM",
        "NULL",
        "Null",
    ] {
        assert!(!is_request_origin(origin.as_bytes()), "{origin}");
    }
}

#[test]
fn value_with_bytes_over_0x7f_is_not_a_request_origin() {
    assert!(!is_request_origin("https://bücher.example".as_bytes()));
    assert!(!is_request_origin(b"https://\xff.example"));
    assert!(!is_request_origin(b"https://a.com\x80"));
    assert!(!is_request_origin("ü://a.com".as_bytes()));
}

#[test]
fn value_with_path_or_slash_is_not_a_request_origin() {
    for origin in [
        "https://a.com/",
        "https://a.com/app",
        "https://a.com?x",
        "https://a.com#x",
    ] {
        assert!(!is_request_origin(origin.as_bytes()), "{origin}");
    }
}

#[test]
fn malformed_value_is_not_a_request_origin() {
    for origin in [
        "a.com",
        "://a.com",
        "1http://a.com",
        "https://",
        "https://a..com",
        "https://a.com:",
        "https://a.com:0",
        "https://a.com:65536",
        "https://user@a.com",
        "https://[::1",
        "http://127.1",
        "https://a.com ",
        " null",
        "null ",
    ] {
        assert!(!is_request_origin(origin.as_bytes()), "{origin:?}");
    }
}

#[test]
fn value_longer_than_max_origin_len_is_not_a_request_origin() {
    // `x...x://a`, valid in shape: exactly MAX_ORIGIN_LEN passes, one more fails.
    let at_limit = format!("{}://a", "x".repeat(MAX_ORIGIN_LEN - 4));
    assert_eq!(at_limit.len(), MAX_ORIGIN_LEN);
    assert!(is_request_origin(at_limit.as_bytes()));
    let over = format!("{}://a", "x".repeat(MAX_ORIGIN_LEN - 3));
    assert!(!is_request_origin(over.as_bytes()));
    assert!(!is_request_origin("a".repeat(100_000).as_bytes()));
}

/// Only a last label that is all digits, or `0x` and hex, makes a host an
/// IPv4 address (the URL standard's "ends in a number"); a host such as
/// `3d-printer` is a domain (found by the `origin` fuzz target: `w://8g`).
#[test]
fn a_last_label_that_merely_starts_with_a_digit_is_a_domain() {
    for origin in [
        "http://3d-printer:8080",
        "https://8g",
        "https://a.8g",
        "w://8g",
        "https://0xg",
    ] {
        assert!(
            route_cors_rules::origin::is_request_origin(origin.as_bytes()),
            "{origin}"
        );
    }
    for not_canonical in [
        "http://0x7f.1",
        "http://127.1",
        "http://010.0.0.1",
        "http://1.2.3.4.5",
    ] {
        assert!(
            !route_cors_rules::origin::is_request_origin(not_canonical.as_bytes()),
            "{not_canonical}"
        );
    }
}

/// A host of 63, 63, 63 and 61 byte labels: 253 bytes, the most DNS allows.
fn host_of(len: usize) -> String {
    let host = [
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(len - 3 * 64),
    ]
    .join(".");
    assert_eq!(host.len(), len);
    host
}

#[test]
fn a_request_origin_with_a_253_byte_host_is_an_origin() {
    let origin = format!("https://{}", host_of(253));
    assert!(is_request_origin(origin.as_bytes()));
    // A fully qualified host keeps its trailing dot, which does not count.
    assert!(is_request_origin(format!("{origin}.").as_bytes()));
}

#[test]
fn a_request_origin_with_a_254_byte_host_is_not_an_origin() {
    let origin = format!("https://{}", host_of(254));
    assert!(!is_request_origin(origin.as_bytes()));
}

#[test]
fn a_request_origin_with_a_64_byte_label_is_not_an_origin() {
    assert!(is_request_origin(
        format!("https://{}.com", "a".repeat(63)).as_bytes()
    ));
    assert!(!is_request_origin(
        format!("https://{}.com", "a".repeat(64)).as_bytes()
    ));
}

#[test]
fn a_request_origins_labels_are_lowercase_letters_digits_hyphens_and_underscores() {
    for origin in ["https://my_service.internal", "https://a-b.c9"] {
        assert!(is_request_origin(origin.as_bytes()), "{origin}");
    }
    for origin in [
        "https://-a.com",
        "https://a-.com",
        "https://a$b.com",
        "https://a.com.",
    ] {
        let fully_qualified = origin.ends_with('.');
        assert_eq!(
            is_request_origin(origin.as_bytes()),
            fully_qualified,
            "{origin}"
        );
    }
}

#[test]
fn a_request_origins_port_is_1_to_65535_without_leading_zeros() {
    for origin in [
        "https://a.com:1",
        "https://a.com:10000",
        "https://a.com:65535",
    ] {
        assert!(is_request_origin(origin.as_bytes()), "{origin}");
    }
    for origin in [
        "https://a.com:65536",
        "https://a.com:99999",
        "https://a.com:100000",
        "https://a.com:99999999999",
        "https://a.com:01",
        "https://a.com:+1",
    ] {
        assert!(!is_request_origin(origin.as_bytes()), "{origin}");
    }
}
