//! How a violation reads: a stable kebab-case rule name for logs and tests,
//! and a sentence with the value and the fix for users.

use route_cors_rules::{Rule, Violation};

#[test]
fn rule_names_are_stable_kebab_case() {
    assert_eq!(Rule::OriginTrailingSlash.name(), "origin-trailing-slash");
    assert_eq!(Rule::MethodLowercase.name(), "method-lowercase");
    assert_eq!(
        Rule::AnyOriginWithCredentials.name(),
        "any-origin-with-credentials"
    );
    assert_eq!(
        Rule::PrivateNetworkWithAnyOrigin.name(),
        "private-network-with-any-origin"
    );
}

#[test]
fn violation_with_fix_displays_rule_value_and_help() {
    let violation =
        Violation::new(Rule::OriginTrailingSlash, "https://a.com/").help("write `https://a.com`");
    assert_eq!(
        violation.to_string(),
        "an origin has no trailing slash: `https://a.com/` (help: write `https://a.com`)"
    );
}

#[test]
fn violation_without_fix_displays_rule_and_value() {
    let violation = Violation::new(Rule::MethodDuplicate, "GET");
    assert_eq!(violation.to_string(), "this method is listed twice: `GET`");
}
