//! Hosts that are IP addresses, read as the URL standard reads them (its
//! IPv4 parser: up to four decimal, octal or hex parts, the last one filling
//! the remaining bytes) and accepted only in the one form browsers send
//! (dotted decimal; IPv6 in lowercase hex with the first longest run of two
//! or more zero pieces as `::`). Configured origins get the form to write;
//! request origins in any other form are not origins.

mod common;

use common::{origin_error, valid, with_origins};
use route_cors_rules::origin::{is_request_origin, parse_allowed, AllowedOrigin};
use route_cors_rules::{Rule, Violation};

fn accepted(origin: &str) -> bool {
    parse_allowed(origin) == Ok(AllowedOrigin::Exact(origin.to_owned()))
}

fn non_canonical(origin: &str, fixed: &str) -> Violation {
    Violation::new(Rule::OriginNonCanonicalIp, origin)
        .fix(fixed)
        .help(format!("write `{fixed}`"))
}

fn invalid_host(origin: &str) -> Violation {
    Violation::new(Rule::OriginInvalidHost, origin)
}

#[test]
fn dotted_decimal_up_to_255_is_an_ipv4_origin_on_both_sides() {
    for origin in [
        "http://255.255.255.255",
        "http://0.0.0.0",
        "http://10.0.0.1",
    ] {
        assert!(accepted(origin), "{origin}");
        valid(&with_origins(&[origin]));
        assert!(is_request_origin(origin.as_bytes()), "{origin}");
    }
}

#[test]
fn a_part_over_255_before_the_last_is_no_address() {
    assert_eq!(
        origin_error("http://1.256.3.4"),
        invalid_host("http://1.256.3.4")
    );
    assert!(!is_request_origin(b"http://1.256.3.4"));
}

#[test]
fn the_last_part_fills_the_bytes_the_others_leave() {
    for (origin, fixed) in [
        ("http://4294967295", "http://255.255.255.255"),
        ("http://1.65536", "http://1.1.0.0"),
        ("http://1.16777215", "http://1.255.255.255"),
        ("http://1.2.256", "http://1.2.1.0"),
        ("http://1.2.65535", "http://1.2.255.255"),
        ("http://1.2.3.4", "http://1.2.3.4"),
    ] {
        if origin == fixed {
            assert!(accepted(origin), "{origin}");
        } else {
            assert_eq!(origin_error(origin), non_canonical(origin, fixed));
            assert!(!is_request_origin(origin.as_bytes()), "{origin}");
        }
    }
}

#[test]
fn a_last_part_larger_than_the_bytes_left_is_no_address() {
    for origin in [
        "http://4294967296",
        "http://1.16777216",
        "http://1.2.65536",
        "http://1.2.3.256",
    ] {
        assert_eq!(origin_error(origin), invalid_host(origin));
        assert!(!is_request_origin(origin.as_bytes()), "{origin}");
    }
}

#[test]
fn octal_and_hex_parts_are_read_in_their_radix() {
    for (origin, fixed) in [
        ("http://0377.0.0.1", "http://255.0.0.1"),
        ("http://0x7f.0.0.1", "http://127.0.0.1"),
        ("http://1.0x2", "http://1.0.0.2"),
        ("http://0", "http://0.0.0.0"),
        ("http://0x", "http://0.0.0.0"),
        ("http://00.0x.0.1", "http://0.0.0.1"),
    ] {
        assert_eq!(origin_error(origin), non_canonical(origin, fixed));
        assert!(!is_request_origin(origin.as_bytes()), "{origin}");
    }
    assert_eq!(
        origin_error("http://08.0.0.1"),
        invalid_host("http://08.0.0.1")
    );
}

/// The parser refuses a part longer than any 32-bit number could be
/// written (32 digits), leading zeros included.
#[test]
fn a_part_of_more_than_32_digits_is_no_address() {
    let at_limit = format!("http://0x{}1", "0".repeat(31));
    assert_eq!(
        origin_error(&at_limit),
        non_canonical(&at_limit, "http://0.0.0.1")
    );
    let over = format!("http://0x{}1", "0".repeat(32));
    assert_eq!(origin_error(&over), invalid_host(&over));
}

#[test]
fn an_empty_or_fifth_part_is_no_address() {
    for origin in ["http://1..2", "http://1.2.3.4.5", "http://.1"] {
        assert_eq!(origin_error(origin), invalid_host(origin));
        assert!(!is_request_origin(origin.as_bytes()), "{origin}");
    }
}

/// A fully qualified address keeps its trailing dot in a request; a
/// configured one is written without it.
#[test]
fn a_trailing_dot_after_an_ipv4_address() {
    assert!(is_request_origin(b"http://127.0.0.1."));
    assert!(!is_request_origin(b"http://127.0.0.1.."));
    assert_eq!(
        origin_error("http://127.0.0.1."),
        non_canonical("http://127.0.0.1.", "http://127.0.0.1")
    );
}

#[test]
fn ipv6_compresses_the_first_longest_run_of_two_or_more_zero_pieces() {
    for (canonical, other) in [
        ("http://[1::1:0:0:1:1]", "http://[1:0:0:1::1:1]"),
        ("http://[1:0:0:1::1]", "http://[1::1:0:0:0:1]"),
        ("http://[1:0:1:1:1:1:1:1]", "http://[1::1:1:1:1:1:1]"),
        ("http://[1:2:3:4:5:6:7:0]", "http://[1:2:3:4:5:6:7::]"),
        ("http://[1:2:3:4:5:6::]", "http://[1:2:3:4:5:6:0:0]"),
        ("http://[::2:3:4:5:6:7]", "http://[0:0:2:3:4:5:6:7]"),
        ("http://[::]", "http://[0:0:0:0:0:0:0:0]"),
        ("http://[1:2:3:4:5:6:7:8]", "http://[1:2:3:4:5:6:7:0008]"),
    ] {
        assert!(is_request_origin(canonical.as_bytes()), "{canonical}");
        assert!(!is_request_origin(other.as_bytes()), "{other}");
        assert!(accepted(canonical), "{canonical}");
        assert_eq!(origin_error(other), non_canonical(other, canonical));
    }
}

#[test]
fn a_bracketed_value_that_is_not_an_ipv6_address_is_no_host() {
    for origin in ["http://[1.2.3.4]", "http://[a.com]", "http://[]"] {
        assert_eq!(origin_error(origin), invalid_host(origin));
        assert!(!is_request_origin(origin.as_bytes()), "{origin}");
    }
    assert!(!is_request_origin(b"http://[::1]."));
    assert!(!is_request_origin(b"http://[\xff::1]"));
}
