//! `methods`: valid tokens, no CONNECT/TRACE/TRACK, standard methods in
//! uppercase, no duplicates, not empty, `*` alone.

mod common;

use common::{base, errors, list, only_error, summary};
use route_cors_rules::{Key, Rule, Spec, Violation};

fn with_methods<'a>(methods: &[&'a str]) -> Spec<'a> {
    Spec {
        methods: list(methods),
        ..base()
    }
}

fn method_error(method: &str) -> Violation {
    only_error(&with_methods(&[method]), Key::Methods, Some(0))
}

#[test]
fn connect_trace_and_track_are_rejected_as_forbidden() {
    for method in ["CONNECT", "TRACE", "TRACK", "connect", "Trace", "track"] {
        assert_eq!(
            method_error(method),
            Violation::new(Rule::MethodForbidden, method),
            "{method}"
        );
    }
}

#[test]
fn lowercase_standard_method_is_rejected_with_uppercase_fix() {
    assert_eq!(
        method_error("get"),
        Violation::new(Rule::MethodLowercase, "get")
            .fix("GET")
            .help("write `GET`")
    );
    for (method, fix, help) in [
        ("post", "POST", "write `POST`"),
        ("Put", "PUT", "write `PUT`"),
        ("delete", "DELETE", "write `DELETE`"),
        ("patch", "PATCH", "write `PATCH`"),
        ("head", "HEAD", "write `HEAD`"),
        ("options", "OPTIONS", "write `OPTIONS`"),
    ] {
        assert_eq!(
            method_error(method),
            Violation::new(Rule::MethodLowercase, method)
                .fix(fix)
                .help(help)
        );
    }
}

#[test]
fn duplicate_method_is_rejected_on_the_second_occurrence() {
    let violation = only_error(
        &with_methods(&["GET", "POST", "GET"]),
        Key::Methods,
        Some(2),
    );
    assert_eq!(violation, Violation::new(Rule::MethodDuplicate, "GET"));
}

#[test]
fn invalid_method_token_is_rejected() {
    for method in [
        "", "GE T", "GET\n", "G(ET)", "GET,POST", "GÉT", "\"GET\"", "G/ET",
    ] {
        assert_eq!(
            method_error(method),
            Violation::new(Rule::MethodInvalid, method),
            "{method:?}"
        );
    }
}

#[test]
fn empty_methods_list_is_rejected() {
    let violation = only_error(&with_methods(&[]), Key::Methods, None);
    assert_eq!(violation, Violation::new(Rule::MethodsEmpty, "[]"));
}

#[test]
fn wildcard_method_beside_other_methods_is_rejected_on_the_star() {
    let violation = only_error(&with_methods(&["GET", "*"]), Key::Methods, Some(1));
    assert_eq!(
        violation,
        Violation::new(Rule::WildcardNotAlone, "*")
            .help("write `methods = \"*\"` alone, or list the values without `*`")
    );
}

#[test]
fn each_bad_method_is_reported_at_its_index() {
    let spec = with_methods(&["get", "PURGE", "TRACE", "PURGE", "B@D"]);
    assert_eq!(
        summary(&errors(&spec)),
        vec![
            (Key::Methods, Some(0), Rule::MethodLowercase),
            (Key::Methods, Some(2), Rule::MethodForbidden),
            (Key::Methods, Some(3), Rule::MethodDuplicate),
            (Key::Methods, Some(4), Rule::MethodInvalid),
        ]
    );
}
