//! `origins`: every way a configured origin breaks the rules (the guide's
//! "compile errors" page), each with the exact rule, location, offending value and fix.

mod common;

use common::{errors, only_error, origin_error, summary, valid, with_origins};
use route_cors_rules::origin::MAX_ORIGIN_LEN;
use route_cors_rules::{validate, Key, Rule, Spec, Violation};

fn rejected(origin: &str, rule: Rule) -> Violation {
    Violation::new(rule, origin)
}

fn rejected_with_fix(origin: &str, rule: Rule, fix: &str, help: &str) -> Violation {
    Violation::new(rule, origin).fix(fix).help(help)
}

fn rejected_with_help(origin: &str, rule: Rule, help: &str) -> Violation {
    Violation::new(rule, origin).help(help)
}

#[test]
fn missing_origins_is_rejected() {
    let violation = only_error(&Spec::default(), Key::Origins, None);
    assert_eq!(violation, Violation::new(Rule::OriginsMissing, ""));
}

#[test]
fn empty_origins_list_is_rejected_with_fix() {
    let violation = only_error(&with_origins(&[]), Key::Origins, None);
    assert_eq!(
        violation,
        Violation::new(Rule::OriginsEmpty, "[]")
            .help("list at least one origin, or write `origins = \"*\"`")
    );
}

#[test]
fn empty_origin_string_is_rejected() {
    assert_eq!(origin_error(""), rejected("", Rule::OriginEmpty));
}

#[test]
fn null_origin_is_rejected() {
    for origin in ["null", "NULL", "Null"] {
        assert_eq!(origin_error(origin), rejected(origin, Rule::OriginNull));
    }
}

#[test]
fn several_origins_in_one_string_are_rejected() {
    for origin in [
        "https://a.com https://b.com",
        "https://a.com,https://b.com",
        "https://a.com, https://b.com",
        "https://a.com\thttps://b.com",
    ] {
        assert_eq!(
            origin_error(origin),
            rejected_with_fix(
                origin,
                Rule::OriginSeveral,
                r#"["https://a.com", "https://b.com"]"#,
                r#"write `["https://a.com", "https://b.com"]`"#
            )
        );
    }
}

#[test]
fn origin_with_surrounding_whitespace_is_rejected_with_fix() {
    for origin in [
        " https://a.com",
        "https://a.com ",
        "https://a.com\n",
        "\thttps://a.com",
    ] {
        assert_eq!(
            origin_error(origin),
            rejected_with_fix(
                origin,
                Rule::OriginWhitespace,
                "https://a.com",
                "write `https://a.com`"
            )
        );
    }
}

#[test]
fn uppercase_origin_is_rejected_with_lowercase_fix() {
    assert_eq!(
        origin_error("https://App.Example.com"),
        rejected_with_fix(
            "https://App.Example.com",
            Rule::OriginUppercase,
            "https://app.example.com",
            "write `https://app.example.com`"
        )
    );
    assert_eq!(
        origin_error("HTTPS://a.com"),
        rejected_with_fix(
            "HTTPS://a.com",
            Rule::OriginUppercase,
            "https://a.com",
            "write `https://a.com`"
        )
    );
}

#[test]
fn origin_without_scheme_is_rejected_with_https_fix() {
    assert_eq!(
        origin_error("app.example.com"),
        rejected_with_fix(
            "app.example.com",
            Rule::OriginNoScheme,
            "https://app.example.com",
            "write `https://app.example.com`"
        )
    );
    assert_eq!(
        origin_error("*.example.com"),
        rejected_with_fix(
            "*.example.com",
            Rule::OriginNoScheme,
            "https://*.example.com",
            "write `https://*.example.com`"
        )
    );
}

#[test]
fn local_origin_without_scheme_is_rejected_with_http_fix() {
    assert_eq!(
        origin_error("localhost:3000"),
        rejected_with_fix(
            "localhost:3000",
            Rule::OriginNoScheme,
            "http://localhost:3000",
            "write `http://localhost:3000`"
        )
    );
    assert_eq!(
        origin_error("127.0.0.1:8080"),
        rejected_with_fix(
            "127.0.0.1:8080",
            Rule::OriginNoScheme,
            "http://127.0.0.1:8080",
            "write `http://127.0.0.1:8080`"
        )
    );
}

#[test]
fn origin_with_invalid_scheme_is_rejected() {
    for origin in ["://a.com", "1http://a.com", "ht_tp://a.com", "-x://a.com"] {
        assert_eq!(
            origin_error(origin),
            rejected(origin, Rule::OriginInvalidScheme)
        );
    }
}

#[test]
fn file_origin_is_rejected() {
    for origin in ["file://", "file:///home/me/index.html", "file://host"] {
        assert_eq!(
            origin_error(origin),
            rejected(origin, Rule::OriginFileScheme)
        );
    }
}

#[test]
fn origin_with_scheme_browsers_never_send_is_rejected() {
    for origin in [
        "ws://a.com",
        "wss://a.com",
        "data://a",
        "blob://a.com",
        "about://blank",
    ] {
        assert_eq!(
            origin_error(origin),
            rejected(origin, Rule::OriginSchemeNeverSent)
        );
    }
}

#[test]
fn origin_with_userinfo_is_rejected_with_fix() {
    for origin in ["https://user@a.com", "https://user:secret@a.com"] {
        assert_eq!(
            origin_error(origin),
            rejected_with_fix(
                origin,
                Rule::OriginUserinfo,
                "https://a.com",
                "write `https://a.com`"
            )
        );
    }
}

#[test]
fn origin_with_path_is_rejected_with_fix() {
    for origin in ["https://a.com/app", "https://a.com/app/", "https://a.com//"] {
        assert_eq!(
            origin_error(origin),
            rejected_with_fix(
                origin,
                Rule::OriginPath,
                "https://a.com",
                "write `https://a.com`"
            )
        );
    }
}

#[test]
fn origin_with_trailing_slash_is_rejected_with_fix() {
    assert_eq!(
        origin_error("https://a.com/"),
        rejected_with_fix(
            "https://a.com/",
            Rule::OriginTrailingSlash,
            "https://a.com",
            "write `https://a.com`"
        )
    );
    assert_eq!(
        origin_error("http://localhost:3000/"),
        rejected_with_fix(
            "http://localhost:3000/",
            Rule::OriginTrailingSlash,
            "http://localhost:3000",
            "write `http://localhost:3000`"
        )
    );
}

#[test]
fn origin_with_query_is_rejected_with_fix() {
    assert_eq!(
        origin_error("https://a.com?x=1"),
        rejected_with_fix(
            "https://a.com?x=1",
            Rule::OriginQuery,
            "https://a.com",
            "write `https://a.com`"
        )
    );
}

#[test]
fn origin_with_fragment_is_rejected_with_fix() {
    assert_eq!(
        origin_error("https://a.com#top"),
        rejected_with_fix(
            "https://a.com#top",
            Rule::OriginFragment,
            "https://a.com",
            "write `https://a.com`"
        )
    );
}

#[test]
fn origin_with_default_https_port_is_rejected_with_fix() {
    assert_eq!(
        origin_error("https://a.com:443"),
        rejected_with_fix(
            "https://a.com:443",
            Rule::OriginDefaultPort,
            "https://a.com",
            "write `https://a.com`, without `:443`"
        )
    );
    assert_eq!(
        origin_error("https://*.example.com:443"),
        rejected_with_fix(
            "https://*.example.com:443",
            Rule::OriginDefaultPort,
            "https://*.example.com",
            "write `https://*.example.com`, without `:443`"
        )
    );
}

#[test]
fn origin_with_default_http_port_is_rejected_with_fix() {
    assert_eq!(
        origin_error("http://a.com:80"),
        rejected_with_fix(
            "http://a.com:80",
            Rule::OriginDefaultPort,
            "http://a.com",
            "write `http://a.com`, without `:80`"
        )
    );
}

#[test]
fn origin_with_invalid_port_is_rejected() {
    for origin in [
        "https://a.com:0",
        "https://a.com:65536",
        "https://a.com:08080",
        "https://a.com:00443",
        "https://a.com:",
        "https://a.com:-1",
        "https://a.com:+80",
        "https://a.com:8o",
        "https://a.com:123456",
        "http://[::1]:0",
    ] {
        assert_eq!(
            origin_error(origin),
            rejected(origin, Rule::OriginInvalidPort)
        );
    }
}

#[test]
fn origin_with_non_ascii_host_is_rejected_with_punycode_fix() {
    assert_eq!(
        origin_error("https://bücher.example"),
        rejected_with_help(
            "https://bücher.example",
            Rule::OriginNonAsciiHost,
            "write the host in punycode, e.g. `https://xn--bcher-kva.example` for `bücher.example`"
        )
    );
}

#[test]
fn origin_with_empty_label_is_rejected() {
    for origin in [
        "https://a..com",
        "https://example.com.",
        "https://.example.com",
    ] {
        assert_eq!(
            origin_error(origin),
            rejected(origin, Rule::OriginEmptyLabel)
        );
    }
    for origin in ["https://", "http://:3000"] {
        assert_eq!(
            origin_error(origin),
            rejected(origin, Rule::OriginInvalidHost)
        );
    }
}

#[test]
fn origin_with_invalid_host_is_rejected() {
    for origin in [
        "https://exa$mple.com",
        "https://-a.com",
        "https://a-.com",
        "https://[::1",
        "https://[::1]x",
        "https://[zz::1]",
        "https://[]",
    ] {
        assert_eq!(
            origin_error(origin),
            rejected(origin, Rule::OriginInvalidHost)
        );
    }
    let long_label = format!("https://{}.com", "a".repeat(64));
    assert_eq!(
        origin_error(&long_label),
        rejected(&long_label, Rule::OriginInvalidHost)
    );
    let long_host = format!("https://{}a.com", "a.".repeat(125));
    assert_eq!(
        origin_error(&long_host),
        rejected(&long_host, Rule::OriginInvalidHost)
    );
}

#[test]
fn a_configured_host_of_253_bytes_is_accepted_and_of_254_is_invalid() {
    let labels = |last: usize| {
        [
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(last),
        ]
        .join(".")
    };
    let at_limit = format!("https://{}", labels(61));
    valid(&with_origins(&[&at_limit]));
    let over = format!("https://{}", labels(62));
    assert_eq!(
        origin_error(&over),
        rejected(&over, Rule::OriginInvalidHost)
    );
}

#[test]
fn origin_with_shortened_ipv4_is_rejected_with_the_form_browsers_send() {
    for origin in ["http://127.1", "http://0x7f.0.0.1", "http://2130706433"] {
        assert_eq!(
            origin_error(origin),
            rejected_with_fix(
                origin,
                Rule::OriginNonCanonicalIp,
                "http://127.0.0.1",
                "write `http://127.0.0.1`"
            )
        );
    }
}

#[test]
fn host_that_ends_in_a_number_but_is_no_address_is_invalid() {
    for origin in ["http://1.2.3.4.5", "http://256.0.0.1", "http://example.123"] {
        assert_eq!(
            origin_error(origin),
            rejected(origin, Rule::OriginInvalidHost)
        );
    }
}

#[test]
fn origin_with_leading_zero_ipv4_is_rejected_as_non_canonical() {
    let violation = origin_error("http://010.0.0.1");
    assert_eq!(violation.rule, Rule::OriginNonCanonicalIp);
    assert_eq!(violation.value, "http://010.0.0.1");
}

/// The URL standard reads `010` as octal, so browsers send
/// `http://8.0.0.1`; a fix of `http://10.0.0.1` points at another host.
#[test]

fn origin_with_leading_zero_ipv4_fix_follows_the_url_standard() {
    let help = origin_error("http://010.0.0.1").help;
    assert!(
        help.is_none() || help.as_deref() == Some("write `http://8.0.0.1`"),
        "{help:?}"
    );
}

#[test]
fn origin_with_non_canonical_ipv6_is_rejected_with_fix() {
    assert_eq!(
        origin_error("http://[0:0::1]"),
        rejected_with_fix(
            "http://[0:0::1]",
            Rule::OriginNonCanonicalIp,
            "http://[::1]",
            "write `http://[::1]`"
        )
    );
    assert_eq!(
        origin_error("http://[0:0:0:0:0:0:0:1]:3000"),
        rejected_with_fix(
            "http://[0:0:0:0:0:0:0:1]:3000",
            Rule::OriginNonCanonicalIp,
            "http://[::1]:3000",
            "write `http://[::1]:3000`"
        )
    );
    assert_eq!(
        origin_error("http://[1:0:0:1:0:0:0:1]"),
        rejected_with_fix(
            "http://[1:0:0:1:0:0:0:1]",
            Rule::OriginNonCanonicalIp,
            "http://[1:0:0:1::1]",
            "write `http://[1:0:0:1::1]`"
        )
    );
}

/// The URL standard serializes every IPv6 address as hex pieces, IPv4-mapped
/// ones included: `new URL("http://[::ffff:1.2.3.4]").origin` is
/// `http://[::ffff:102:304]`. Rust's `Ipv6Addr` prints the dotted form.
#[test]

fn ipv4_mapped_ipv6_origin_is_canonical_in_hex_form() {
    assert!(validate(&with_origins(&["http://[::ffff:102:304]"])).is_ok());
    assert_eq!(
        origin_error("http://[::ffff:1.2.3.4]"),
        rejected_with_fix(
            "http://[::ffff:1.2.3.4]",
            Rule::OriginNonCanonicalIp,
            "http://[::ffff:102:304]",
            "write `http://[::ffff:102:304]`"
        )
    );
}

#[test]
fn wildcard_origin_beside_other_origins_is_rejected_on_the_star() {
    let violation = only_error(
        &with_origins(&["https://a.com", "*"]),
        Key::Origins,
        Some(1),
    );
    assert_eq!(
        violation,
        Violation::new(Rule::WildcardNotAlone, "*")
            .help("write `origins = \"*\"` alone, or list the values without `*`")
    );
}

#[test]
fn misplaced_wildcard_in_origin_is_rejected_with_fix() {
    for origin in [
        "https://a.*.com",
        "https://*example.com",
        "https://*",
        "https://a*.example.com",
    ] {
        assert_eq!(
            origin_error(origin),
            rejected_with_help(
                origin,
                Rule::OriginWildcardMisplaced,
                "a subdomain wildcard is written `https://*.example.com`"
            )
        );
    }
}

#[test]
fn second_wildcard_label_is_rejected_as_misplaced() {
    let origin = "https://*.*.example.com";
    assert_eq!(
        origin_error(origin),
        rejected(origin, Rule::OriginWildcardMisplaced)
    );
}

#[test]
fn wildcard_on_ip_address_is_rejected() {
    for origin in ["https://*.127.0.0.1", "http://*.10.0.0.1:8080"] {
        assert_eq!(
            origin_error(origin),
            rejected(origin, Rule::OriginWildcardOnIp)
        );
    }
}

#[test]

fn wildcard_on_ipv6_address_is_rejected() {
    let origin = "https://*.[::1]";
    assert_eq!(
        origin_error(origin),
        rejected(origin, Rule::OriginWildcardOnIp)
    );
}

#[test]
fn wildcard_on_public_suffix_is_rejected() {
    for origin in [
        "https://*.com",
        "https://*.co.uk",
        "https://*.com.au",
        "https://*.github.io",
        "https://*.vercel.app",
        "https://*.herokuapp.com",
        "http://*.dev:8080",
    ] {
        assert_eq!(
            origin_error(origin),
            rejected(origin, Rule::OriginWildcardOnPublicSuffix)
        );
    }
}

#[test]
fn duplicate_origin_is_rejected_on_the_second_occurrence() {
    let spec = with_origins(&["https://a.com", "https://b.com", "https://a.com"]);
    let violation = only_error(&spec, Key::Origins, Some(2));
    assert_eq!(
        violation,
        Violation::new(Rule::OriginDuplicate, "https://a.com")
    );
}

#[test]
fn every_bad_origin_of_a_list_is_reported_at_its_index() {
    let spec = with_origins(&["https://a.com/", "https://ok.example", "null", "ftp://"]);
    assert_eq!(
        summary(&errors(&spec)),
        vec![
            (Key::Origins, Some(0), Rule::OriginTrailingSlash),
            (Key::Origins, Some(2), Rule::OriginNull),
            (Key::Origins, Some(3), Rule::OriginInvalidHost),
        ]
    );
}

/// The runtime ignores `Origin` values longer than `MAX_ORIGIN_LEN`, so a
/// configured origin that long would silently never match.
#[test]
fn origin_longer_than_the_runtime_limit_is_rejected() {
    // A valid scheme, then a valid host of 249 bytes: 322 bytes in all.
    let host = host_of_249_bytes();
    let origin = format!("{}://{host}", "x".repeat(70));
    assert_eq!(origin.len(), MAX_ORIGIN_LEN + 2);
    assert!(validate(&with_origins(&[&origin])).is_err());
}

#[test]
fn an_origin_of_exactly_the_runtime_limit_is_accepted() {
    let host = host_of_249_bytes();
    let origin = format!("{}://{host}", "x".repeat(68));
    assert_eq!(origin.len(), MAX_ORIGIN_LEN);
    valid(&with_origins(&[&origin]));
    let over = format!("{}://{host}", "x".repeat(69));
    assert_eq!(origin_error(&over), rejected(&over, Rule::OriginTooLong));
}

#[test]
fn an_origin_with_several_mistakes_gets_the_fully_fixed_origin_as_its_help() {
    for (written, fixed) in [
        ("https://App.example.com/", "https://app.example.com"),
        (
            "HTTPS://APP.example.com:443/path?q#f",
            "https://app.example.com",
        ),
        (
            "https://user@App.example.com:8443/",
            "https://app.example.com:8443",
        ),
        ("http://0x7f.1:80/", "http://127.0.0.1"),
    ] {
        let violation = route_cors_rules::origin::parse_allowed(written).unwrap_err();
        assert_eq!(
            violation.help.as_deref(),
            Some(format!("write `{fixed}`").as_str()),
            "{written}"
        );
        assert_eq!(violation.fix.as_deref(), Some(fixed), "{written}");
    }
    // One mistake keeps its own help.
    let violation = route_cors_rules::origin::parse_allowed("https://x.com:443").unwrap_err();
    assert_eq!(
        violation.help.as_deref(),
        Some("write `https://x.com`, without `:443`")
    );
    assert_eq!(violation.fix.as_deref(), Some("https://x.com"));
}

/// jub0bs/cors's case: `xn--` labels that are not the Punycode of a
/// non-ASCII name can never match an origin a browser sends.
#[test]
fn an_xn_label_that_is_not_valid_punycode_is_rejected() {
    for origin in [
        "http://xn--f",
        "https://xn--a-b-c.example.com",
        "https://a.xn--bcher-kv.example",
        "https://*.xn--a-b-c.example",
    ] {
        let violation = origin_error(origin);
        assert_eq!(violation.rule, Rule::OriginInvalidPunycode, "{origin}");
    }
    assert_eq!(
        origin_error("http://xn--f").help.as_deref(),
        Some("write the name's Punycode as browsers do, e.g. `xn--bcher-kva` for `bücher`")
    );
    for origin in [
        "https://xn--bcher-kva.example",
        "https://www.xn--mnchen-3ya.de",
    ] {
        valid(&with_origins(&[origin]));
    }
}

/// A valid host of 249 bytes: four labels, three of the longest a label
/// may be.
fn host_of_249_bytes() -> String {
    let host = [
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(57),
    ]
    .join(".");
    assert_eq!(host.len(), 249);
    host
}
