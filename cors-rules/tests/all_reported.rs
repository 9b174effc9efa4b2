//! Every mistake of one policy is reported in one go, each at its key and
//! index, in the order of the keys.

mod common;

use common::{errors, list, summary};
use route_cors_rules::{Key, Rule, Spec, Values, Violation};

#[test]
fn bad_origin_and_bad_method_are_both_reported() {
    let spec = Spec {
        origins: list(&["https://a.com/"]),
        methods: list(&["get"]),
        ..Spec::default()
    };
    let errors = errors(&spec);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!((errors[0].key, errors[0].index), (Key::Origins, Some(0)));
    assert_eq!(
        errors[0].violation,
        Violation::new(Rule::OriginTrailingSlash, "https://a.com/")
            .fix("https://a.com")
            .help("write `https://a.com`")
    );
    assert_eq!((errors[1].key, errors[1].index), (Key::Methods, Some(0)));
    assert_eq!(
        errors[1].violation,
        Violation::new(Rule::MethodLowercase, "get")
            .fix("GET")
            .help("write `GET`")
    );
}

#[test]
fn one_mistake_per_key_are_all_reported_in_key_order() {
    let spec = Spec {
        origins: list(&["https://ok.example", "null"]),
        methods: list(&["GET", "TRACE"]),
        headers: list(&["x-a", "cookie"]),
        expose: list(&["set-cookie"]),
        credentials: true,
        max_age: Some(86_401),
        private_network: false,
        origin_fn: false,
        insecure_origins: false,
        writes_from_any_origin: false,
    };
    assert_eq!(
        summary(&errors(&spec)),
        vec![
            (Key::Origins, Some(1), Rule::OriginNull),
            (Key::Methods, Some(1), Rule::MethodForbidden),
            (Key::Headers, Some(1), Rule::HeaderForbidden),
            (Key::Expose, Some(0), Rule::ExposeSetCookie),
            (Key::MaxAge, None, Rule::MaxAgeTooLarge),
        ]
    );
}

#[test]
fn missing_origins_does_not_hide_other_mistakes() {
    let spec = Spec {
        methods: list(&[]),
        headers: Some(Values::Any),
        credentials: true,
        max_age: Some(-5),
        ..Spec::default()
    };
    assert_eq!(
        summary(&errors(&spec)),
        vec![
            (Key::Origins, None, Rule::OriginsMissing),
            (Key::Methods, None, Rule::MethodsEmpty),
            (Key::MaxAge, None, Rule::MaxAgeNegative),
            (Key::Headers, None, Rule::AnyHeaderWithCredentials),
        ]
    );
}

#[test]
fn several_mistakes_in_one_list_are_all_reported() {
    let spec = Spec {
        origins: list(&["HTTPS://A.COM", "https://a.com:443", "https://*.com", "*"]),
        ..Spec::default()
    };
    // The order inside one list is not promised: sort by index.
    let mut found = summary(&errors(&spec));
    found.sort_by_key(|&(_, index, _)| index);
    assert_eq!(
        found,
        vec![
            (Key::Origins, Some(0), Rule::OriginUppercase),
            (Key::Origins, Some(1), Rule::OriginDefaultPort),
            (Key::Origins, Some(2), Rule::OriginWildcardOnPublicSuffix),
            (Key::Origins, Some(3), Rule::WildcardNotAlone),
        ]
    );
}
