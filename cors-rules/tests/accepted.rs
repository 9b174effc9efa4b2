//! The near misses that must pass: values that look unusual but are exactly
//! what browsers send, and the policy `validate` builds from them.

mod common;

use common::{base, list, valid, with_origins};
use route_cors_rules::origin::{parse_allowed, AllowedOrigin, SubdomainPattern};
use route_cors_rules::{Methods, Names, Origins, Spec, Values};

fn exact(origins: &[&str]) -> Origins {
    Origins::List {
        exact: origins.iter().map(|o| (*o).to_owned()).collect(),
        patterns: vec![],
    }
}

#[test]
fn browser_serialized_origins_are_accepted_as_exact() {
    for origin in [
        "http://localhost:3000",
        "https://xn--bcher-kva.example",
        "http://127.0.0.1:8080",
        "http://[::1]:3000",
        "http://[::1]",
        "http://[2001:db8::1]",
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        "moz-extension://0b7e6a1c-5c2f-4d2b-9a4b-2d7d4b1f0e11",
        "tauri://localhost",
        "capacitor://localhost",
        "https://a.com:8443",
        "http://a.com:443",
        "https://a.com:65535",
        "https://a.com:1",
        "https://my_service.internal",
        "http://0.0.0.0",
    ] {
        assert_eq!(
            valid(&with_origins(&[origin])).origins,
            exact(&[origin]),
            "{origin}"
        );
        assert_eq!(
            parse_allowed(origin),
            Ok(AllowedOrigin::Exact(origin.to_owned()))
        );
    }
}

#[test]
fn subdomain_wildcard_origin_is_accepted_as_pattern() {
    assert_eq!(
        valid(&with_origins(&["https://*.example.com"])).origins,
        Origins::List {
            exact: vec![],
            patterns: vec![SubdomainPattern {
                prefix: "https://".to_owned(),
                suffix: ".example.com".to_owned(),
            }],
        }
    );
}

#[test]
fn subdomain_wildcard_keeps_its_port_in_the_suffix() {
    assert_eq!(
        parse_allowed("https://*.example.com:8443"),
        Ok(AllowedOrigin::Subdomains(SubdomainPattern {
            prefix: "https://".to_owned(),
            suffix: ".example.com:8443".to_owned(),
        }))
    );
}

#[test]
fn subdomain_wildcard_below_a_country_suffix_or_localhost_is_accepted() {
    for (origin, suffix) in [
        ("https://*.example.co.uk", ".example.co.uk"),
        ("https://*.myname.github.io", ".myname.github.io"),
        ("http://*.localhost:3000", ".localhost:3000"),
    ] {
        let prefix = &origin[..origin.find("://").unwrap() + 3];
        assert_eq!(
            parse_allowed(origin),
            Ok(AllowedOrigin::Subdomains(SubdomainPattern {
                prefix: prefix.to_owned(),
                suffix: suffix.to_owned(),
            })),
            "{origin}"
        );
    }
}

/// A two-label domain is a public suffix only when it is a known second
/// level (`co`, `com`, ...) under a two-letter country code, or a platform.
#[test]
fn subdomain_wildcard_below_a_registrable_two_label_domain_is_accepted() {
    for (origin, suffix) in [
        ("https://*.example.de", ".example.de"),
        ("https://*.co.example", ".co.example"),
    ] {
        assert_eq!(
            parse_allowed(origin),
            Ok(AllowedOrigin::Subdomains(SubdomainPattern {
                prefix: "https://".to_owned(),
                suffix: suffix.to_owned(),
            })),
            "{origin}"
        );
    }
}

#[test]
fn exact_origins_are_sorted_for_binary_search() {
    let spec = with_origins(&[
        "https://c.com",
        "https://a.com",
        "https://*.b.com",
        "https://b.com",
    ]);
    assert_eq!(
        valid(&spec).origins,
        Origins::List {
            exact: vec![
                "https://a.com".to_owned(),
                "https://b.com".to_owned(),
                "https://c.com".to_owned(),
            ],
            patterns: vec![SubdomainPattern {
                prefix: "https://".to_owned(),
                suffix: ".b.com".to_owned(),
            }],
        }
    );
}

#[test]
fn any_origin_is_accepted_alone_or_as_a_one_element_list() {
    let any = Spec {
        origins: Some(Values::Any),
        ..Spec::default()
    };
    assert_eq!(valid(&any).origins, Origins::Any);
    assert_eq!(valid(&with_origins(&["*"])).origins, Origins::Any);
}

#[test]
fn extension_and_standard_methods_are_accepted_in_order() {
    let spec = Spec {
        methods: list(&["GET", "PURGE", "POST", "purge"]),
        ..base()
    };
    let policy = valid(&spec);
    assert_eq!(
        policy.methods,
        Methods::List(vec![
            "GET".to_owned(),
            "PURGE".to_owned(),
            "POST".to_owned(),
            "purge".to_owned(),
        ])
    );
}

#[test]
fn methods_left_out_are_the_routed_ones_and_star_is_any() {
    let routed = valid(&base());
    assert_eq!(routed.methods, Methods::Routed);

    let any = valid(&Spec {
        methods: Some(Values::Any),
        ..base()
    });
    assert_eq!(any.methods, Methods::Any);
    assert_eq!(
        valid(&Spec {
            methods: list(&["*"]),
            ..base()
        })
        .methods,
        Methods::Any
    );
}

#[test]
fn mixed_case_request_header_is_accepted_and_lowercased() {
    let spec = Spec {
        headers: list(&["X-Custom", "Content-Type", "authorization"]),
        ..base()
    };
    let policy = valid(&spec);
    assert_eq!(
        policy.headers,
        Names::List(vec![
            "x-custom".to_owned(),
            "content-type".to_owned(),
            "authorization".to_owned(),
        ])
    );
    assert_eq!(
        policy.allow_headers_value().as_deref(),
        Some("x-custom, content-type, authorization")
    );
}

#[test]
fn mixed_case_exposed_header_is_accepted_and_lowercased() {
    let spec = Spec {
        expose: list(&["X-Request-Id", "ETag"]),
        ..base()
    };
    let policy = valid(&spec);
    assert_eq!(
        policy.expose,
        Names::List(vec!["x-request-id".to_owned(), "etag".to_owned()])
    );
    assert_eq!(
        policy.expose_headers_value().as_deref(),
        Some("x-request-id, etag")
    );
}

#[test]
fn headers_left_out_or_empty_mean_none() {
    let left_out = valid(&base());
    assert!(left_out.headers.is_empty());
    assert!(left_out.expose.is_empty());
    assert_eq!(left_out.allow_headers_value(), None);
    assert_eq!(left_out.expose_headers_value(), None);

    let empty = valid(&Spec {
        headers: list(&[]),
        expose: list(&[]),
        ..base()
    });
    assert_eq!(empty.headers, Names::List(vec![]));
    assert_eq!(empty.expose, Names::List(vec![]));
}

#[test]
fn star_headers_and_expose_are_any_without_credentials() {
    let policy = valid(&Spec {
        headers: Some(Values::Any),
        expose: list(&["*"]),
        ..base()
    });
    assert_eq!(policy.headers, Names::Any);
    assert_eq!(policy.expose, Names::Any);
    assert!(!policy.headers.is_empty());
    assert_eq!(policy.allow_headers_value().as_deref(), Some("*"));
    assert_eq!(policy.expose_headers_value().as_deref(), Some("*"));
}

#[test]
fn max_age_of_a_day_and_of_zero_are_accepted() {
    for age in [86_400, 0, 600] {
        let policy = valid(&Spec {
            max_age: Some(age),
            ..base()
        });
        assert_eq!(policy.max_age, Some(u32::try_from(age).unwrap()));
    }
    assert_eq!(valid(&base()).max_age, None);
}

#[test]
fn credentials_and_private_network_with_listed_values_are_accepted() {
    let spec = Spec {
        origins: list(&["https://app.example.com", "https://*.example.org"]),
        methods: list(&["GET", "POST"]),
        headers: list(&["content-type"]),
        expose: list(&["x-request-id"]),
        credentials: true,
        max_age: Some(7200),
        private_network: true,
        origin_fn: false,
        insecure_origins: false,
        writes_from_any_origin: false,
    };
    let policy = valid(&spec);
    assert!(policy.credentials);
    assert!(policy.private_network);
    assert_eq!(policy.max_age, Some(7200));
}
