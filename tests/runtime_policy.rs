//! Policies built at run time: checked by the same rules as
//! `#[cors]`, refused at construction with an error naming the rule and the
//! value, never a panic.

use route_cors::{Key, Policy, PolicyBuilder, Rule};

fn refused(builder: PolicyBuilder) -> Vec<(Key, Rule, String)> {
    match builder.build() {
        Ok(_) => panic!("the policy was accepted"),
        Err(e) => e
            .violations()
            .iter()
            .map(|(key, v)| (*key, v.rule, v.value.clone()))
            .collect(),
    }
}

fn origins(list: &[&str]) -> PolicyBuilder {
    Policy::builder().origins(list.iter().copied())
}

#[test]
// `private_network` is deprecated, and still checked.
#[allow(deprecated)]
fn each_mistake_of_the_attribute_is_refused_at_construction_by_name() {
    let cases: Vec<(PolicyBuilder, Key, Rule, &str)> = vec![
        (origins(&[]), Key::Origins, Rule::OriginsEmpty, "[]"),
        (origins(&["null"]), Key::Origins, Rule::OriginNull, "null"),
        (
            origins(&["https://a.com https://b.com"]),
            Key::Origins,
            Rule::OriginSeveral,
            "https://a.com https://b.com",
        ),
        (
            origins(&["https://x.com/"]),
            Key::Origins,
            Rule::OriginTrailingSlash,
            "https://x.com/",
        ),
        (
            origins(&["https://x.com/api"]),
            Key::Origins,
            Rule::OriginPath,
            "https://x.com/api",
        ),
        (
            origins(&["https://x.com:443"]),
            Key::Origins,
            Rule::OriginDefaultPort,
            "https://x.com:443",
        ),
        (
            origins(&["http://x.com:80"]),
            Key::Origins,
            Rule::OriginDefaultPort,
            "http://x.com:80",
        ),
        (
            origins(&["HTTPS://X.COM"]),
            Key::Origins,
            Rule::OriginUppercase,
            "HTTPS://X.COM",
        ),
        (
            origins(&["x.com"]),
            Key::Origins,
            Rule::OriginNoScheme,
            "x.com",
        ),
        (
            origins(&["file:///tmp"]),
            Key::Origins,
            Rule::OriginFileScheme,
            "file:///tmp",
        ),
        (
            origins(&["https://bücher.example"]),
            Key::Origins,
            Rule::OriginNonAsciiHost,
            "https://bücher.example",
        ),
        (
            origins(&["https://*.com"]),
            Key::Origins,
            Rule::OriginWildcardOnPublicSuffix,
            "https://*.com",
        ),
        (
            origins(&["https://a.com", "*"]),
            Key::Origins,
            Rule::WildcardNotAlone,
            "*",
        ),
        (
            Policy::builder().any_origin().credentials(true),
            Key::Origins,
            Rule::AnyOriginWithCredentials,
            "*",
        ),
        (
            Policy::builder().any_origin().private_network(true),
            Key::Origins,
            Rule::PrivateNetworkWithAnyOrigin,
            "*",
        ),
        (
            origins(&["https://a.com"]).any_method().credentials(true),
            Key::Methods,
            Rule::AnyMethodWithCredentials,
            "*",
        ),
        (
            origins(&["https://a.com"]).any_header().credentials(true),
            Key::Headers,
            Rule::AnyHeaderWithCredentials,
            "*",
        ),
        (
            origins(&["https://a.com"])
                .any_exposed_header()
                .credentials(true),
            Key::Expose,
            Rule::AnyExposeWithCredentials,
            "*",
        ),
        (
            origins(&["https://a.com"]).methods(["get"]),
            Key::Methods,
            Rule::MethodLowercase,
            "get",
        ),
        (
            origins(&["https://a.com"]).methods(["TRACE"]),
            Key::Methods,
            Rule::MethodForbidden,
            "TRACE",
        ),
        (
            origins(&["https://a.com"]).methods(["GET", "GET"]),
            Key::Methods,
            Rule::MethodDuplicate,
            "GET",
        ),
        (
            origins(&["https://a.com"]).headers(["cookie"]),
            Key::Headers,
            Rule::HeaderForbidden,
            "cookie",
        ),
        (
            origins(&["https://a.com"]).headers(["sec-fetch-mode"]),
            Key::Headers,
            Rule::HeaderForbidden,
            "sec-fetch-mode",
        ),
        (
            origins(&["https://a.com"]).headers(["access-control-allow-origin"]),
            Key::Headers,
            Rule::HeaderCorsResponseOnly,
            "access-control-allow-origin",
        ),
        (
            origins(&["https://a.com"]).expose(["set-cookie"]),
            Key::Expose,
            Rule::ExposeSetCookie,
            "set-cookie",
        ),
        (
            origins(&["https://a.com"]).max_age(86_401),
            Key::MaxAge,
            Rule::MaxAgeTooLarge,
            "86401",
        ),
        (Policy::builder(), Key::Origins, Rule::OriginsMissing, ""),
    ];
    for (builder, key, rule, value) in cases {
        assert_eq!(
            refused(builder),
            vec![(key, rule, value.to_owned())],
            "{rule:?}"
        );
    }
}

#[test]
fn every_mistake_is_reported_at_once() {
    let found = refused(
        origins(&["https://x.com/", "null"])
            .methods(["get"])
            .max_age(100_000),
    );
    let rules: Vec<Rule> = found.iter().map(|(_, rule, _)| *rule).collect();
    assert_eq!(
        rules,
        vec![
            Rule::OriginTrailingSlash,
            Rule::OriginNull,
            Rule::MethodLowercase,
            Rule::MaxAgeTooLarge
        ]
    );
}

#[test]
fn the_error_message_names_the_key_the_rule_the_value_and_the_fix() {
    let error = origins(&["https://x.com:443"]).build().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid CORS policy: `origins`: browsers leave the default port out of the origin, so \
         this one would never match: `https://x.com:443` (help: write `https://x.com`, without \
         `:443`) [origin-default-port]"
    );
}

#[test]
// `private_network` is deprecated, and still checked.
#[allow(deprecated)]
fn origins_from_an_environment_style_list_are_accepted() {
    let configured = "https://app.example.com, https://*.example.org ,http://localhost:3000";
    let policy = Policy::builder()
        .origins(configured.split(',').map(str::trim))
        .methods(["GET", "POST", "PURGE"])
        .headers(["Content-Type", "X-Token"])
        .expose(["x-request-id"])
        .credentials(true)
        .max_age(600)
        .private_network(true)
        .build();
    assert!(policy.is_ok(), "{policy:?}");
}

#[cfg(feature = "serde")]
mod config {
    use route_cors::{PolicyConfig, Rule};

    #[test]
    fn a_policy_deserializes_from_configuration() {
        let config: PolicyConfig = serde_json::from_str(
            r#"{"origins": ["https://app.example.com"], "methods": ["GET", "POST"],
                "headers": ["content-type"], "credentials": true, "max_age": 600}"#,
        )
        .unwrap();
        let policy = config.build().unwrap();
        assert!(policy.credentials());
    }

    #[test]
    fn star_and_lists_are_both_accepted() {
        let config: PolicyConfig =
            serde_json::from_str(r#"{"origins": "*", "headers": "*"}"#).unwrap();
        assert!(config.build().is_ok());
    }

    #[test]
    fn an_invalid_configured_policy_is_refused_by_rule() {
        let config: PolicyConfig =
            serde_json::from_str(r#"{"origins": "*", "credentials": true}"#).unwrap();
        let error = config.build().unwrap_err();
        assert_eq!(error.violations()[0].1.rule, Rule::AnyOriginWithCredentials);
    }

    #[test]
    fn unknown_configuration_keys_are_refused_with_the_key_meant() {
        let error = serde_json::from_str::<PolicyConfig>(r#"{"allow_origins": ["https://a.com"]}"#)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("unknown key `allow_origins` (help: did you mean `origins`?)"),
            "{error}"
        );
    }

    /// The type users reach for first deserializes: every value of the
    /// wrong type and every broken rule, in one error.
    #[test]
    fn a_policy_deserializes_itself_and_names_every_mistake() {
        let policy: route_cors::Policy = serde_json::from_str(
            r#"{"origins": ["https://app.example.com"], "credentials": true}"#,
        )
        .unwrap();
        assert!(policy.credentials());
        let error = serde_json::from_str::<route_cors::Policy>(
            r#"{"origins": ["https://App.example.com/"], "max_age": -1, "credentials": "yes"}"#,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            "invalid CORS policy: `credentials` is true or false, found \"yes\"; `origins`: \
             browsers send origins in lowercase, so this one would never match: \
             `https://App.example.com/` (help: write `https://app.example.com`) \
             [origin-uppercase]; `max_age`: `max_age` cannot be negative: `-1` (help: a number \
             of seconds from 0 to 86400) [max-age-negative]"
        );
    }
}

#[test]
fn several_mistakes_are_listed_one_per_line() {
    let error = origins(&["https://x.com/", "null"]).build().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid CORS policy, 2 mistakes:\n  \
         - `origins`: an origin has no trailing slash: `https://x.com/` (help: write \
         `https://x.com`) [origin-trailing-slash]\n  \
         - `origins`: the `null` origin cannot be allowed: browsers send it for sandboxed, file \
         and data pages, which anyone can create: `null` [origin-null]"
    );
}

/// The rules the attribute applies at compile time hold at run time too:
/// an `xn--` label that is not Punycode, a name with nothing to expose.
#[test]
fn invalid_punycode_and_names_with_nothing_to_expose_are_refused_at_run_time() {
    let error = Policy::builder()
        .origins(["http://xn--f"])
        .build()
        .expect_err("not Punycode");
    assert_eq!(error.violations()[0].1.rule, Rule::OriginInvalidPunycode);
    let error = Policy::builder()
        .origins(["https://app.example.com"])
        .expose(["origin"])
        .build()
        .expect_err("nothing to expose");
    assert_eq!(error.violations()[0].1.rule, Rule::ExposeNothingToExpose);
}
