//! `key::suggest`: the did-you-mean for unknown keys, and `Key` names.

use route_cors_rules::key::suggest;
use route_cors_rules::Key;

#[test]
fn other_libraries_key_names_suggest_ours() {
    assert_eq!(suggest("allow_origins", &[]), Some("origins"));
    assert_eq!(suggest("allowed_methods", &[]), Some("methods"));
    assert_eq!(suggest("allow_headers", &[]), Some("headers"));
    assert_eq!(suggest("expose_headers", &[]), Some("expose"));
    assert_eq!(suggest("allow_credentials", &[]), Some("credentials"));
    assert_eq!(suggest("maxage", &[]), Some("max_age"));
    assert_eq!(
        suggest("allow_private_network", &[]),
        Some("private_network")
    );
}

#[test]
fn alias_is_found_whatever_its_case_and_dashes() {
    assert_eq!(suggest("Allow-Origin", &[]), Some("origins"));
    assert_eq!(suggest("MAX-AGE", &[]), Some("max_age"));
}

#[test]
fn misspelled_key_suggests_the_closest_one() {
    assert_eq!(suggest("orgins", &[]), Some("origins"));
    assert_eq!(suggest("methds", &[]), Some("methods"));
    assert_eq!(suggest("credentails", &[]), Some("credentials"));
    assert_eq!(suggest("private_netwrok", &[]), Some("private_network"));
    assert_eq!(suggest("max_ag", &[]), Some("max_age"));
}

#[test]
fn extra_names_are_suggested_too() {
    assert_eq!(suggest("crat", &["crate"]), Some("crate"));
    assert_eq!(suggest("crat", &[]), None);
}

#[test]
fn unrelated_name_suggests_nothing() {
    assert_eq!(suggest("zzzzzz", &[]), None);
    assert_eq!(suggest("zzzzzz", &["crate"]), None);
    assert_eq!(suggest("", &[]), None);
}

#[test]
fn key_names_round_trip() {
    let names: Vec<&str> = Key::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(
        names,
        [
            "origins",
            "methods",
            "headers",
            "expose",
            "credentials",
            "max_age",
            "private_network",
            "insecure_origins",
            "writes_from_any_origin"
        ]
    );
    for key in Key::ALL {
        assert_eq!(Key::from_name(key.name()), Some(key));
    }
    assert_eq!(Key::from_name("allow_origins"), None);
    assert_eq!(Key::from_name("Origins"), None);
}
