//! The Origin recognizer and the configured-origin parser on arbitrary
//! bytes: no panic, a request origin has the shape of one, and a configured
//! origin (or pattern) is recognised and matched as it is written.

#![no_main]

use libfuzzer_sys::fuzz_target;
use route_cors_rules::origin::{
    is_request_origin, matches_subdomains, parse_allowed, AllowedOrigin, MAX_ORIGIN_LEN,
};

/// Bytes that no serialized origin has after its `://`, or no `://` at all.
fn never_an_origin(value: &[u8]) -> bool {
    if value == b"null" {
        return false;
    }
    let Some(sep) = value.windows(3).position(|w| w == b"://") else {
        return true;
    };
    let (scheme, authority) = (&value[..sep], &value[sep + 3..]);
    scheme.is_empty()
        || authority.is_empty()
        || value.len() > MAX_ORIGIN_LEN
        || !scheme
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b))
        || authority.iter().any(|&b| {
            b.is_ascii_uppercase()
                || b.is_ascii_whitespace()
                || b.is_ascii_control()
                || b >= 0x80
                || b"@/?#%\\,;*\"<>^`{|}'".contains(&b)
        })
}

fuzz_target!(|data: &[u8]| {
    let recognised = is_request_origin(data);
    assert!(
        !(recognised && never_an_origin(data)),
        "recognised as an origin: {:?}",
        String::from_utf8_lossy(data)
    );

    // Any split of the input as (prefix, suffix, origin): no panic, and a
    // match starts with the prefix and ends with the suffix.
    if data.len() >= 2 {
        let a = usize::from(data[0]) % data.len();
        let b = a + usize::from(data[1]) % (data.len() - a);
        let (prefix, rest) = data.split_at(a);
        let (suffix, origin) = rest.split_at(b - a);
        if matches_subdomains(prefix, suffix, origin) {
            assert!(origin.starts_with(prefix) && origin.ends_with(suffix));
            assert!(origin.len() > prefix.len() + suffix.len());
        }
    }

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_allowed(text) {
        Ok(AllowedOrigin::Exact(origin)) => {
            assert_eq!(origin, text, "a configured origin is kept as written");
            assert!(
                is_request_origin(origin.as_bytes()),
                "a configured origin that no request could carry: {origin:?}"
            );
            // The run-time builder accepts what the rules accept.
            let policy = route_cors::Policy::builder().origins([text]).build();
            assert!(policy.is_ok(), "{text:?}: {:?}", policy.err());
        }
        Ok(AllowedOrigin::Subdomains(pattern)) => {
            assert_eq!(format!("{}*{}", pattern.prefix, pattern.suffix), text);
            let one = format!("{}a{}", pattern.prefix, pattern.suffix);
            let two = format!("{}a.b{}", pattern.prefix, pattern.suffix);
            let itself = format!("{}{}", pattern.prefix, &pattern.suffix[1..]);
            assert!(
                pattern.matches(one.as_bytes()),
                "{text:?} does not match {one:?}"
            );
            assert!(
                pattern.matches(two.as_bytes()),
                "{text:?} does not match {two:?}"
            );
            assert!(
                !pattern.matches(itself.as_bytes()),
                "{text:?} matches {itself:?}"
            );
            assert!(is_request_origin(one.as_bytes()), "{one:?}");
        }
        Err(_) => {}
    }
});
