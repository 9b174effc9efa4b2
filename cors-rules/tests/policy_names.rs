//! Names of run-time policies: 1 to 64 of `[a-z0-9_-]`; `default` is the
//! default policy, which configuration defines and no route names.

use route_cors_rules::name::{check_config_name, check_policy_name};
use route_cors_rules::Rule;

#[test]
fn lowercase_letters_digits_dashes_and_underscores_up_to_64_are_names() {
    for name in ["partner", "tenant-2", "eu_west_1", "a", &"x".repeat(64)] {
        assert_eq!(check_policy_name(name), Ok(()), "{name}");
    }
}

#[test]
fn anything_else_is_not_a_name() {
    for name in [
        "",
        &"x".repeat(65),
        "Partner",
        "part ner",
        "partner.eu",
        "pärtner",
        "a/b",
    ] {
        let violation = check_policy_name(name).unwrap_err();
        assert_eq!(violation.rule, Rule::PolicyNameInvalid, "{name:?}");
        assert_eq!(violation.value, name);
    }
}

#[test]
fn an_uppercase_name_gets_its_lowercase_as_the_fix() {
    let violation = check_policy_name("Partner-EU").unwrap_err();
    assert_eq!(violation.help.as_deref(), Some("write `partner-eu`"));
    assert_eq!(violation.fix.as_deref(), Some("partner-eu"));
    assert_eq!(check_policy_name("Part Ner").unwrap_err().help, None);
}

#[test]
fn default_is_reserved_for_routes_and_allowed_in_configuration() {
    assert_eq!(
        check_policy_name("default").unwrap_err().rule,
        Rule::PolicyNameReserved
    );
    assert_eq!(check_config_name("default"), Ok(()));
}
