//! `max_age`: a non-negative number of seconds, at most 86400.

mod common;

use common::{base, only_error};
use route_cors_rules::policy::MAX_AGE_LIMIT;
use route_cors_rules::{Key, Rule, Spec, Violation};

fn max_age_error(age: i128) -> Violation {
    let spec = Spec {
        max_age: Some(age),
        ..base()
    };
    only_error(&spec, Key::MaxAge, None)
}

#[test]
fn max_age_limit_is_a_day() {
    assert_eq!(MAX_AGE_LIMIT, 86_400);
}

#[test]
fn negative_max_age_is_rejected() {
    for age in [-1, -86_400, i128::MIN] {
        assert_eq!(
            max_age_error(age),
            Violation::new(Rule::MaxAgeNegative, age.to_string())
                .help("a number of seconds from 0 to 86400")
        );
    }
}

#[test]
fn max_age_above_a_day_is_rejected_with_the_limit() {
    for age in [86_401, i128::from(u32::MAX) + 1, i128::MAX] {
        assert_eq!(
            max_age_error(age),
            Violation::new(Rule::MaxAgeTooLarge, age.to_string())
                .help("a number of seconds from 0 to 86400")
        );
    }
}
