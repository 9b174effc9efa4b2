//! Combinations: a `*` origin, method, header or exposed header beside
//! `credentials`, and `private_network` with a `*` origin.

mod common;

use common::{base, errors, list, only_error, summary, GOOD_ORIGIN};
use route_cors_rules::{Key, Rule, Spec, Values, Violation};

fn star(rule: Rule, help: &str) -> Violation {
    Violation::new(rule, "*").help(help)
}

#[test]
fn any_origin_with_credentials_is_rejected() {
    let written_alone = Spec {
        origins: Some(Values::Any),
        credentials: true,
        ..Spec::default()
    };
    let written_as_list = Spec {
        origins: list(&["*"]),
        credentials: true,
        ..Spec::default()
    };
    for spec in [written_alone, written_as_list] {
        assert_eq!(
            only_error(&spec, Key::Origins, None),
            star(
                Rule::AnyOriginWithCredentials,
                "list the origins instead of `\"*\"`"
            )
        );
    }
}

#[test]
fn any_method_with_credentials_is_rejected() {
    let spec = Spec {
        methods: Some(Values::Any),
        credentials: true,
        ..base()
    };
    assert_eq!(
        only_error(&spec, Key::Methods, None),
        star(
            Rule::AnyMethodWithCredentials,
            "list the methods instead of `\"*\"`"
        )
    );
}

#[test]
fn any_header_with_credentials_is_rejected() {
    let spec = Spec {
        headers: Some(Values::Any),
        credentials: true,
        ..base()
    };
    assert_eq!(
        only_error(&spec, Key::Headers, None),
        star(
            Rule::AnyHeaderWithCredentials,
            "list the headers instead of `\"*\"`"
        )
    );
}

#[test]
fn any_expose_with_credentials_is_rejected() {
    let spec = Spec {
        expose: list(&["*"]),
        credentials: true,
        ..base()
    };
    assert_eq!(
        only_error(&spec, Key::Expose, None),
        star(
            Rule::AnyExposeWithCredentials,
            "list the headers instead of `\"*\"`"
        )
    );
}

#[test]
fn every_wildcard_with_credentials_is_reported_together() {
    let spec = Spec {
        origins: Some(Values::Any),
        methods: Some(Values::Any),
        headers: Some(Values::Any),
        expose: Some(Values::Any),
        credentials: true,
        ..Spec::default()
    };
    assert_eq!(
        summary(&errors(&spec)),
        vec![
            (Key::Origins, None, Rule::AnyOriginWithCredentials),
            (Key::Methods, None, Rule::AnyMethodWithCredentials),
            (Key::Headers, None, Rule::AnyHeaderWithCredentials),
            (Key::Expose, None, Rule::AnyExposeWithCredentials),
        ]
    );
}

#[test]
fn private_network_with_any_origin_is_rejected() {
    for origins in [Some(Values::Any), list(&["*"])] {
        let spec = Spec {
            origins,
            private_network: true,
            ..Spec::default()
        };
        assert_eq!(
            only_error(&spec, Key::Origins, None),
            star(
                Rule::PrivateNetworkWithAnyOrigin,
                "list the origins allowed to reach the private network"
            )
        );
    }
}

#[test]
fn private_network_and_credentials_with_any_origin_report_both() {
    let spec = Spec {
        origins: Some(Values::Any),
        credentials: true,
        private_network: true,
        ..Spec::default()
    };
    assert_eq!(
        summary(&errors(&spec)),
        vec![
            (Key::Origins, None, Rule::AnyOriginWithCredentials),
            (Key::Origins, None, Rule::PrivateNetworkWithAnyOrigin),
        ]
    );
}

#[test]
fn wildcards_without_credentials_are_accepted() {
    let spec = Spec {
        origins: Some(Values::Any),
        methods: Some(Values::Any),
        headers: Some(Values::Any),
        expose: Some(Values::Any),
        ..Spec::default()
    };
    assert!(route_cors_rules::validate(&spec).is_ok());
}

#[test]
fn private_network_with_a_listed_origin_is_accepted() {
    let spec = Spec {
        origins: list(&[GOOD_ORIGIN, "https://*.example.org"]),
        private_network: true,
        credentials: true,
        ..Spec::default()
    };
    assert!(route_cors_rules::validate(&spec).is_ok());
}

/// With credentials, an `http://` page that is not loopback can be read and
/// changed by anyone on its network path: refused on the origin, unless
/// `insecure_origins` says it is meant; loopback pages are fine.
#[test]
fn credentials_with_an_insecure_origin_is_refused_unless_said_knowingly() {
    let origins = [
        "http://intranet.example.com",
        "http://localhost:3000",
        "http://app.localhost:8001",
        "http://127.0.0.1:8080",
        "http://[::1]:8080",
        "http://*.example.com",
        "https://app.example.com",
    ];
    let spec = Spec {
        origins: list(&origins),
        credentials: true,
        ..base()
    };
    let found: Vec<(Option<usize>, Rule, String)> = errors(&spec)
        .into_iter()
        .map(|l| (l.index, l.violation.rule, l.violation.value))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                Some(0),
                Rule::InsecureOriginWithCredentials,
                "http://intranet.example.com".to_owned()
            ),
            (
                Some(5),
                Rule::InsecureOriginWithCredentials,
                "http://*.example.com".to_owned()
            ),
        ]
    );
    let knowingly = Spec {
        insecure_origins: true,
        writes_from_any_origin: false,
        ..spec.clone()
    };
    assert!(route_cors_rules::validate(&knowingly).is_ok());
    let without_credentials = Spec {
        credentials: false,
        ..spec
    };
    assert!(route_cors_rules::validate(&without_credentials).is_ok());
}

/// Only `127.0.0.0/8` is loopback among IPv4 addresses, and only as an
/// address: a domain whose first label is `127` is anyone's.
#[test]
fn an_http_origin_is_loopback_only_in_127_0_0_0_slash_8() {
    let origins = [
        "http://127.255.0.1",
        "http://10.0.0.1",
        "http://127.example.com",
    ];
    let spec = Spec {
        origins: list(&origins),
        credentials: true,
        ..base()
    };
    let found: Vec<(Option<usize>, Rule)> = errors(&spec)
        .into_iter()
        .map(|l| (l.index, l.violation.rule))
        .collect();
    assert_eq!(
        found,
        vec![
            (Some(1), Rule::InsecureOriginWithCredentials),
            (Some(2), Rule::InsecureOriginWithCredentials),
        ]
    );
}
