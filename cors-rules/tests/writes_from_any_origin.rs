//! `writes_from_any_origin`: a flag that lets cross-origin writes through
//! whatever their origin; beside `origins = "*"`, which already does, it is
//! an error on the flag.

mod common;

use common::{base, list};
use route_cors_rules::written::{write, Written};
use route_cors_rules::{validate, Key, Rule, Spec, Values};

#[test]
fn writes_from_any_origin_is_kept_and_written_as_a_flag() {
    let spec = Spec {
        writes_from_any_origin: true,
        ..base()
    };
    let policy = validate(&spec).expect("valid");
    assert!(policy.writes_from_any_origin);
    let text = write(&policy);
    assert_eq!(
        text,
        "origins https://app.example.com\nwrites_from_any_origin"
    );
    assert!(Written::read(&text).writes_from_any_origin);
    assert!(!Written::read("origins https://app.example.com").writes_from_any_origin);
}

#[test]
fn writes_from_any_origin_beside_any_origin_is_an_error_on_the_flag() {
    for origins in [Some(Values::Any), list(&["*"])] {
        let spec = Spec {
            origins,
            writes_from_any_origin: true,
            ..Spec::default()
        };
        let errors = validate(&spec).expect_err("redundant");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].key, Key::WritesFromAnyOrigin);
        assert_eq!(errors[0].index, None);
        assert_eq!(
            errors[0].violation.rule,
            Rule::WritesFromAnyOriginWithAnyOrigin
        );
        assert_eq!(
            errors[0].violation.help.as_deref(),
            Some("remove `writes_from_any_origin`")
        );
    }
}
