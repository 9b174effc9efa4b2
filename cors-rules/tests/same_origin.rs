//! `request_origin::is_same_origin`: whether a request's `Origin` names the
//! request's own host and port (its `Host`, or the URI's authority), which
//! decides whether a write is cross-origin.

use route_cors_rules::request_origin::is_same_origin;

fn same(origin: &str, authority: &str) -> bool {
    is_same_origin(origin.as_bytes(), authority.as_bytes())
}

#[test]
fn an_origin_naming_the_host_and_port_is_the_same_origin() {
    assert!(same("https://a.example:8443", "a.example:8443"));
    assert!(same("http://[::1]:3000", "[::1]:3000"));
}

#[test]
fn an_origin_naming_another_host_or_port_is_not_the_same_origin() {
    assert!(!same("https://a.example", "b.example"));
    assert!(!same("https://a.example:8443", "a.example:8444"));
    assert!(!same("http://[::1]:3000", "[::2]:3000"));
}

#[test]
fn hosts_compare_case_insensitively() {
    assert!(same("https://A.Example", "a.EXAMPLE"));
}

#[test]
fn a_port_left_out_is_the_default_of_the_origins_scheme_on_either_side() {
    assert!(same("https://a.example", "a.example:443"));
    assert!(same("https://a.example:443", "a.example"));
    assert!(same("http://a.example", "a.example:80"));
    assert!(same("http://a.example:80", "a.example"));
    assert!(same("wss://a.example", "a.example:443"));
    assert!(same("ws://a.example", "a.example:80"));
    assert!(!same("http://a.example", "a.example:443"));
    assert!(!same("https://a.example", "a.example:80"));
}

#[test]
fn a_scheme_without_a_default_port_matches_only_a_port_left_out_on_both_sides() {
    assert!(same("tauri://localhost", "localhost"));
    assert!(!same("tauri://localhost", "localhost:80"));
    assert!(!same("tauri://localhost", "localhost:443"));
}

#[test]
fn userinfo_in_the_authority_is_left_out() {
    assert!(same("https://a.example", "user@a.example"));
    assert!(same("https://a.example", "user:secret@a.example:443"));
    assert!(!same("https://user", "user@a.example"));
}

#[test]
fn null_and_values_that_are_not_scheme_host_port_are_never_the_same_origin() {
    assert!(!same("null", "null"));
    assert!(!same("a.example", "a.example"));
    assert!(!same("https://", ""));
    assert!(!same("https://:443", ":443"));
}

#[test]
fn an_unreadable_port_on_either_side_is_never_the_same_origin() {
    assert!(!same("https://a.example:0", "a.example:0"));
    assert!(!same("https://a.example:x", "a.example:x"));
    assert!(!same("https://a.example", "a.example:"));
    assert!(!same("http://[::1]x", "[::1]x"));
    assert!(!same("http://[::1", "[::1"));
}
