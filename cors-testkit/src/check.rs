//! The browser's checks on a response, on plain header maps: the CORS check
//! (Fetch, "CORS check") that every cross-origin answer must pass, and the
//! preflight's own checks (Fetch, "CORS-preflight fetch", step 7), in the
//! order Chromium and Firefox make them.
//!
//! Middle layer, part of the exchange: pure functions from what was asked
//! and what came back to a pass or a `Reason`, so each check is tested on a
//! header map alone, without a request, a state or a transport.

use std::time::Duration;

use http::{HeaderMap, HeaderName, Method, StatusCode};

use crate::engine::Engine;
use crate::reason::Reason;
use crate::spec;

/// The CORS check: `Access-Control-Allow-Origin` names the page's origin (or
/// is `*`, without credentials), and with credentials
/// `Access-Control-Allow-Credentials` is `true`.
pub(crate) fn cors_check(
    headers: &HeaderMap,
    origin: &str,
    credentials: bool,
) -> Result<(), Reason> {
    let lines: Vec<String> = headers
        .get_all("access-control-allow-origin")
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect();
    if lines.is_empty() {
        return Err(Reason::AllowOriginMissing);
    }
    // Browsers read every line of a header as one value joined with `, `.
    let allowed = lines.join(", ");
    if allowed == "*" {
        if credentials {
            return Err(Reason::AllowOriginWildcardWithCredentials);
        }
        return Ok(());
    }
    if allowed != origin {
        if allowed.contains([',', ' ']) {
            return Err(Reason::AllowOriginMultiple(allowed));
        }
        return Err(Reason::AllowOriginMismatch {
            allowed,
            origin: origin.to_owned(),
        });
    }
    if credentials {
        let lines: Vec<String> = headers
            .get_all("access-control-allow-credentials")
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect();
        let value = (!lines.is_empty()).then(|| lines.join(", "));
        // Case-sensitive: `True` is not `true`.
        if value.as_deref() != Some("true") {
            return Err(Reason::AllowCredentialsNotTrue(value));
        }
    }
    Ok(())
}

/// What the preflight asked for, to be judged against its answer.
pub(crate) struct Asked<'a> {
    pub(crate) origin: &'a str,
    pub(crate) method: &'a Method,
    pub(crate) unsafe_headers: &'a [HeaderName],
    pub(crate) credentials: bool,
    pub(crate) private_network: bool,
}

/// A preflight's answer passes: the CORS check, an ok status, the private
/// network grant when asked, and the method and every unsafe header allowed.
/// On success, how long the engine caches the answer.
pub(crate) fn preflight_check(
    engine: Engine,
    asked: &Asked<'_>,
    status: StatusCode,
    headers: &HeaderMap,
) -> Result<Duration, Reason> {
    cors_check(headers, asked.origin, asked.credentials)?;
    if !status.is_success() {
        return Err(Reason::PreflightStatusNotOk(status));
    }
    if asked.private_network {
        let value = headers
            .get("access-control-allow-private-network")
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        if value.as_deref() != Some("true") {
            return Err(Reason::PrivateNetworkNotAllowed(value));
        }
    }
    let methods = match spec::header_list_values(headers, "access-control-allow-methods") {
        None => Vec::new(),
        Some(Ok(methods)) => methods,
        Some(Err(raw)) => return Err(Reason::InvalidAllowMethods(raw)),
    };
    let allowed_headers: Vec<String> =
        match spec::header_list_values(headers, "access-control-allow-headers") {
            None => Vec::new(),
            Some(Ok(names)) => names.iter().map(|n| n.to_ascii_lowercase()).collect(),
            Some(Err(raw)) => return Err(Reason::InvalidAllowHeaders(raw)),
        };
    check_method(engine, asked, &methods)?;
    check_headers(asked, &allowed_headers)?;
    Ok(cache_lifetime(engine, headers))
}

/// A method is allowed when it is safelisted or listed (case-sensitively),
/// or when the list has `*` and the request is not credentialed; the engine
/// says how the requested method is compared (Chromium uppercases it).
fn check_method(engine: Engine, asked: &Asked<'_>, methods: &[String]) -> Result<(), Reason> {
    let method = engine.method_to_compare(asked.method);
    let wildcard = methods.iter().any(|m| m == "*");
    if methods.contains(&method)
        || spec::is_cors_safelisted_method(asked.method)
        || (wildcard && !asked.credentials)
    {
        return Ok(());
    }
    Err(Reason::MethodNotAllowed {
        method: asked.method.clone(),
        wildcard_ignored: wildcard,
    })
}

/// Every unsafe request header is listed (case-insensitively), or covered
/// by `*` on a request without credentials; `*` never covers
/// `authorization`.
fn check_headers(asked: &Asked<'_>, allowed: &[String]) -> Result<(), Reason> {
    let wildcard = allowed.iter().any(|name| name == "*");
    for header in asked.unsafe_headers {
        let listed = allowed.iter().any(|name| name == header.as_str());
        let covered = wildcard && !asked.credentials && header != http::header::AUTHORIZATION;
        if !listed && !covered {
            return Err(Reason::HeaderNotAllowed {
                header: header.clone(),
                wildcard_ignored: wildcard,
            });
        }
    }
    Ok(())
}

/// How long the engine caches a preflight's answer: its
/// `Access-Control-Max-Age`, capped at the engine's maximum, or 5 seconds
/// without a valid one.
pub(crate) fn cache_lifetime(engine: Engine, headers: &HeaderMap) -> Duration {
    const DEFAULT: Duration = Duration::from_secs(5);
    let mut lines = headers.get_all("access-control-max-age").iter();
    let (Some(value), None) = (lines.next(), lines.next()) else {
        return DEFAULT;
    };
    let seconds = std::str::from_utf8(value.as_bytes())
        .ok()
        .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|text| text.parse::<u64>().ok());
    match seconds {
        Some(seconds) => Duration::from_secs(seconds).min(engine.max_age_cap()),
        None => DEFAULT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(lines: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in lines {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    const PAGE: &str = "https://app.example.com";

    #[test]
    fn the_cors_check_needs_the_page_origin_or_a_wildcard_without_credentials() {
        let echo = headers(&[("access-control-allow-origin", PAGE)]);
        let any = headers(&[("access-control-allow-origin", "*")]);
        assert_eq!(cors_check(&echo, PAGE, false), Ok(()));
        assert_eq!(cors_check(&any, PAGE, false), Ok(()));
        assert_eq!(
            cors_check(&any, PAGE, true),
            Err(Reason::AllowOriginWildcardWithCredentials)
        );
        assert_eq!(
            cors_check(&HeaderMap::new(), PAGE, false),
            Err(Reason::AllowOriginMissing)
        );
        assert_eq!(
            cors_check(
                &headers(&[("access-control-allow-origin", "https://other.example")]),
                PAGE,
                false
            ),
            Err(Reason::AllowOriginMismatch {
                allowed: "https://other.example".into(),
                origin: PAGE.into()
            })
        );
    }

    #[test]
    fn an_origin_list_or_two_lines_is_several_values() {
        let two_lines = headers(&[
            ("access-control-allow-origin", PAGE),
            ("access-control-allow-origin", PAGE),
        ]);
        assert_eq!(
            cors_check(&two_lines, PAGE, false),
            Err(Reason::AllowOriginMultiple(format!("{PAGE}, {PAGE}")))
        );
        let list = headers(&[(
            "access-control-allow-origin",
            "https://a.example https://app.example.com",
        )]);
        assert!(matches!(
            cors_check(&list, PAGE, false),
            Err(Reason::AllowOriginMultiple(_))
        ));
    }

    #[test]
    fn credentials_need_exactly_lowercase_true() {
        let without = headers(&[("access-control-allow-origin", PAGE)]);
        assert_eq!(
            cors_check(&without, PAGE, true),
            Err(Reason::AllowCredentialsNotTrue(None))
        );
        let capital = headers(&[
            ("access-control-allow-origin", PAGE),
            ("access-control-allow-credentials", "True"),
        ]);
        assert_eq!(
            cors_check(&capital, PAGE, true),
            Err(Reason::AllowCredentialsNotTrue(Some("True".into())))
        );
        let right = headers(&[
            ("access-control-allow-origin", PAGE),
            ("access-control-allow-credentials", "true"),
        ]);
        assert_eq!(cors_check(&right, PAGE, true), Ok(()));
    }

    #[test]
    fn max_age_is_capped_per_engine_and_defaults_to_five_seconds() {
        let day = headers(&[("access-control-max-age", "86400")]);
        assert_eq!(
            cache_lifetime(Engine::Chromium, &day),
            Duration::from_secs(7200)
        );
        assert_eq!(
            cache_lifetime(Engine::Firefox, &day),
            Duration::from_secs(86400)
        );
        let week = headers(&[("access-control-max-age", "604800")]);
        assert_eq!(
            cache_lifetime(Engine::Firefox, &week),
            Duration::from_secs(86400)
        );
        let ten = headers(&[("access-control-max-age", "600")]);
        assert_eq!(
            cache_lifetime(Engine::Chromium, &ten),
            Duration::from_secs(600)
        );
        assert_eq!(
            cache_lifetime(Engine::Chromium, &HeaderMap::new()),
            Duration::from_secs(5)
        );
        let zero = headers(&[("access-control-max-age", "0")]);
        assert_eq!(cache_lifetime(Engine::Firefox, &zero), Duration::ZERO);
        let negative = headers(&[("access-control-max-age", "-1")]);
        assert_eq!(
            cache_lifetime(Engine::Firefox, &negative),
            Duration::from_secs(5)
        );
    }
}
