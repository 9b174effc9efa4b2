//! The Fetch standard's lists and byte rules that decide what a browser
//! preflights and what a page may read, one function each. The comments name
//! the definitions they implement (<https://fetch.spec.whatwg.org/>).
//!
//! They are the bottom of the kit: stateless, the same in every engine, and
//! what the request description, the checks and the verdict are built on.

use http::{HeaderMap, HeaderName, HeaderValue, Method};

/// A CORS-safelisted method: `GET`, `HEAD` or `POST`. Any other method is
/// preflighted, and need not be listed in `Access-Control-Allow-Methods` when
/// it is one of these.
pub fn is_cors_safelisted_method(method: &Method) -> bool {
    matches!(method.as_str(), "GET" | "HEAD" | "POST")
}

/// A forbidden method: `CONNECT`, `TRACE` or `TRACK`, in any case.
/// `fetch()` throws a `TypeError` for them and sends nothing.
pub fn is_forbidden_method(method: &Method) -> bool {
    is_forbidden_method_name(method.as_str())
}

fn is_forbidden_method_name(name: &str) -> bool {
    ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|forbidden| forbidden.eq_ignore_ascii_case(name))
}

/// Method normalization: `DELETE`, `GET`, `HEAD`, `OPTIONS`, `POST` and `PUT`
/// are uppercased, any other method is sent as written. So `fetch(url,
/// { method: "patch" })` sends `patch`, which is not `PATCH`.
pub fn normalize_method(method: Method) -> Method {
    let upper = method.as_str().to_ascii_uppercase();
    match upper.as_str() {
        "DELETE" => Method::DELETE,
        "GET" => Method::GET,
        "HEAD" => Method::HEAD,
        "OPTIONS" => Method::OPTIONS,
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        _ => method,
    }
}

/// A forbidden request-header: the browser owns it, and a script that sets
/// it is silently ignored (`cookie`, `host`, `origin`, `content-length`,
/// `sec-*`, `proxy-*`..., and the method-override headers when they name a
/// forbidden method).
pub fn is_forbidden_request_header(name: &HeaderName, value: &HeaderValue) -> bool {
    let name = name.as_str();
    if route_cors_rules::header::is_forbidden_request_name(name) {
        return true;
    }
    if matches!(
        name,
        "x-http-method" | "x-http-method-override" | "x-method-override"
    ) {
        return String::from_utf8_lossy(value.as_bytes())
            .split(',')
            .any(|method| is_forbidden_method_name(method.trim_matches([' ', '\t'])));
    }
    false
}

/// A CORS-unsafe request-header byte: a control byte other than tab, or one
/// of `"():<>?@[\]{}` and DEL.
fn is_cors_unsafe_request_header_byte(byte: u8) -> bool {
    (byte < 0x20 && byte != b'\t')
        || matches!(
            byte,
            b'"' | b'('
                | b')'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'{'
                | b'}'
                | 0x7f
        )
}

/// The longest value a CORS-safelisted request-header may have.
pub const MAX_SAFELISTED_VALUE_LEN: usize = 128;

/// The most bytes all CORS-safelisted request-header values together may
/// have; past it, every one of them is preflighted.
pub const MAX_SAFELISTED_VALUES_LEN: usize = 1024;

/// A CORS-safelisted request-header, which a script may send without a
/// preflight: `accept`, `accept-language`, `content-language`,
/// `content-type` (`application/x-www-form-urlencoded`,
/// `multipart/form-data` or `text/plain`, parameters allowed) and a simple
/// `range` (`bytes=N-` or `bytes=N-M`), each value at most 128 bytes without
/// unsafe bytes. The 1,024-byte total is the business of
/// [`cors_unsafe_request_header_names`].
pub fn is_cors_safelisted_request_header(name: &HeaderName, value: &HeaderValue) -> bool {
    let value = value.as_bytes();
    if value.len() > MAX_SAFELISTED_VALUE_LEN {
        return false;
    }
    match name.as_str() {
        "accept" => !value
            .iter()
            .copied()
            .any(is_cors_unsafe_request_header_byte),
        "accept-language" | "content-language" => value.iter().all(|byte| {
            byte.is_ascii_alphanumeric()
                || matches!(byte, b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=')
        }),
        "content-type" => {
            !value
                .iter()
                .copied()
                .any(is_cors_unsafe_request_header_byte)
                && matches!(
                    mime_essence(value).as_deref(),
                    Some(
                        "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
                    )
                )
        }
        "range" => matches!(simple_range(value), Some((Some(_), _))),
        _ => false,
    }
}

/// The CORS-unsafe request-header names of a request's headers: every name
/// that is not safelisted, and every safelisted one too when their values add
/// up to more than 1,024 bytes; lowercase, sorted, without duplicates. They
/// are what `Access-Control-Request-Headers` carries, joined with `,`.
pub fn cors_unsafe_request_header_names(headers: &HeaderMap) -> Vec<HeaderName> {
    let mut unsafe_names = Vec::new();
    let mut safelisted = Vec::new();
    let mut safelisted_len = 0;
    for name in headers.keys() {
        let value = combined_value(headers, name);
        if is_cors_safelisted_request_header(name, &value) {
            safelisted_len += value.len();
            safelisted.push(name.clone());
        } else {
            unsafe_names.push(name.clone());
        }
    }
    // Browsers send one line per name, so five names of at most 128 bytes
    // stay under this; it is the standard's step all the same.
    if safelisted_len > MAX_SAFELISTED_VALUES_LEN {
        unsafe_names.extend(safelisted);
    }
    unsafe_names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    unsafe_names.dedup();
    unsafe_names
}

/// A header's lines as one value, joined with `, `, as `Headers.get()` and
/// the request on the wire have it.
pub(crate) fn combined_value(headers: &HeaderMap, name: &HeaderName) -> HeaderValue {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return HeaderValue::from_static("");
    };
    let mut joined = first.as_bytes().to_vec();
    for value in values {
        joined.extend_from_slice(b", ");
        joined.extend_from_slice(value.as_bytes());
    }
    HeaderValue::from_bytes(&joined).expect("valid values joined by `, ` are a valid value")
}

/// A CORS-safelisted response-header name, which every page may read:
/// `cache-control`, `content-language`, `content-length`, `content-type`,
/// `expires`, `last-modified`, `pragma`. Anything else must be listed in
/// `Access-Control-Expose-Headers`.
pub fn is_cors_safelisted_response_header(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "cache-control"
            | "content-language"
            | "content-length"
            | "content-type"
            | "expires"
            | "last-modified"
            | "pragma"
    )
}

/// A forbidden response-header name, which no page ever reads, whatever
/// `Access-Control-Expose-Headers` says: `set-cookie` and `set-cookie2`.
pub fn is_forbidden_response_header(name: &HeaderName) -> bool {
    matches!(name.as_str(), "set-cookie" | "set-cookie2")
}

/// The essence (`type/subtype`, lowercase) of a MIME type, or `None` where it
/// does not parse.
fn mime_essence(value: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(value).ok()?;
    let text = text.trim_matches(is_http_whitespace);
    let (kind, rest) = text.split_once('/')?;
    let subtype = rest.split(';').next().unwrap_or_default();
    let subtype = subtype.trim_end_matches(is_http_whitespace);
    if !is_token(kind) || !is_token(subtype) {
        return None;
    }
    Some(format!("{kind}/{subtype}").to_ascii_lowercase())
}

fn is_http_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// A single range header value (`bytes=START-END`, either side optional but
/// not both, no whitespace): its start and end.
fn simple_range(value: &[u8]) -> Option<(Option<u64>, Option<u64>)> {
    let rest = value.strip_prefix(b"bytes=")?;
    let text = std::str::from_utf8(rest).ok()?;
    let (start, end) = text.split_once('-')?;
    let number = |digits: &str| -> Option<Option<u64>> {
        if digits.is_empty() {
            Some(None)
        } else if digits.bytes().all(|b| b.is_ascii_digit()) {
            digits.parse().ok().map(Some)
        } else {
            None
        }
    };
    let (start, end) = (number(start)?, number(end)?);
    match (start, end) {
        (None, None) => None,
        (Some(start), Some(end)) if start > end => None,
        range => Some(range),
    }
}

/// An HTTP token: one or more tchars.
pub(crate) fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// A response header's comma-separated list of tokens, all its lines
/// together (Fetch's "extract header list values"): `None` when absent,
/// `Err` with the raw value when an element is not a token. Empty elements
/// are skipped, as Chromium does.
pub(crate) fn header_list_values(
    headers: &HeaderMap,
    name: &str,
) -> Option<Result<Vec<String>, String>> {
    if !headers.contains_key(name) {
        return None;
    }
    let name = HeaderName::from_bytes(name.as_bytes()).expect("the kit names valid headers");
    let joined = combined_value(headers, &name);
    let raw = String::from_utf8_lossy(joined.as_bytes()).into_owned();
    let mut items = Vec::new();
    for item in raw.split(',') {
        let item = item.trim_matches([' ', '\t']);
        if item.is_empty() {
            continue;
        }
        if !is_token(item) {
            return Some(Err(raw));
        }
        items.push(item.to_owned());
    }
    Some(Ok(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_values_skip_empty_elements_and_refuse_non_tokens() {
        let mut headers = HeaderMap::new();
        headers.append(
            "access-control-allow-methods",
            HeaderValue::from_static("GET,, PUT"),
        );
        headers.append(
            "access-control-allow-methods",
            HeaderValue::from_static("DELETE"),
        );
        assert_eq!(
            header_list_values(&headers, "access-control-allow-methods"),
            Some(Ok(vec!["GET".into(), "PUT".into(), "DELETE".into()]))
        );
        headers.insert(
            "access-control-allow-headers",
            HeaderValue::from_static("x-a, x b"),
        );
        assert_eq!(
            header_list_values(&headers, "access-control-allow-headers"),
            Some(Err("x-a, x b".into()))
        );
        assert_eq!(
            header_list_values(&headers, "access-control-expose-headers"),
            None
        );
    }
}
