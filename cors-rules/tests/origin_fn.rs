//! `origin_fn`: a function decides origins beside (or instead of) `origins`,
//! so `origins` may be left out or empty, but cannot be `"*"`.

mod common;

use common::{list, only_error, valid};
use route_cors_rules::{Key, Origins, Rule, Spec, Values, Violation};

fn no_origins() -> Origins {
    Origins::List {
        exact: vec![],
        patterns: vec![],
    }
}

#[test]
fn an_origin_function_alone_needs_no_origins() {
    let spec = Spec {
        origin_fn: true,
        ..Spec::default()
    };
    assert_eq!(valid(&spec).origins, no_origins());
}

#[test]
fn an_origin_function_with_an_empty_origins_list_is_valid() {
    let spec = Spec {
        origins: list(&[]),
        origin_fn: true,
        ..Spec::default()
    };
    assert_eq!(valid(&spec).origins, no_origins());
}

#[test]
fn an_origin_function_beside_listed_origins_keeps_them_checked() {
    let spec = Spec {
        origins: list(&["https://b.example", "https://a.example"]),
        origin_fn: true,
        ..Spec::default()
    };
    assert_eq!(
        valid(&spec).origins,
        Origins::List {
            exact: vec![
                "https://a.example".to_owned(),
                "https://b.example".to_owned()
            ],
            patterns: vec![],
        }
    );
    let spec = Spec {
        origins: list(&["https://a.example/"]),
        origin_fn: true,
        ..Spec::default()
    };
    assert_eq!(
        only_error(&spec, Key::Origins, Some(0)).rule,
        Rule::OriginTrailingSlash
    );
}

#[test]
fn an_origin_function_beside_any_origin_is_an_error() {
    let spec = Spec {
        origins: Some(Values::Any),
        origin_fn: true,
        ..Spec::default()
    };
    assert_eq!(
        only_error(&spec, Key::Origins, None),
        Violation::new(Rule::OriginFnWithAnyOrigin, "*")
    );
}

#[test]
fn without_an_origin_function_origins_must_be_listed() {
    assert_eq!(
        only_error(&Spec::default(), Key::Origins, None),
        Violation::new(Rule::OriginsMissing, "")
    );
    let empty = Spec {
        origins: list(&[]),
        ..Spec::default()
    };
    assert_eq!(
        only_error(&empty, Key::Origins, None).rule,
        Rule::OriginsEmpty
    );
}
