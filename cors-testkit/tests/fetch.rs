//! `Fetch`, what a page's script asks for: which origins a browser sends,
//! and the headers the request carries.

use http::Method;
use route_cors_testkit::Fetch;

#[test]
fn an_origin_with_a_trailing_slash_is_not_one_browsers_send() {
    let err = Fetch::try_new("https://app.example.com/", Method::GET, "/").unwrap_err();
    assert_eq!(
        err.to_string(),
        "\"https://app.example.com/\" is not an origin a browser sends: an origin has no \
         path, query, fragment or trailing slash (write it as `scheme://host[:port]`, e.g. \
         `https://app.example.com`)"
    );
    assert!(Fetch::try_new("https://App.example.com", Method::GET, "/").is_err());
    assert!(Fetch::try_new("https://app.example.com:443", Method::GET, "/").is_err());
    assert!(Fetch::try_new("http://localhost:3000", Method::GET, "/").is_ok());
    assert!(Fetch::try_new("null", Method::GET, "/").is_ok());
}

#[test]
fn headers_of_one_name_are_joined_and_forbidden_ones_dropped() {
    let fetch = Fetch::get("https://app.example.com", "/")
        .header("x-a", "1")
        .header("X-A", "2")
        .header("cookie", "session=1")
        .header("origin", "https://evil.example");
    let headers = fetch.script_headers();
    assert_eq!(headers.len(), 1);
    assert_eq!(headers["x-a"], "1, 2");
}

#[test]
fn a_string_body_is_text_plain_unless_the_script_set_a_type() {
    let text = Fetch::new("https://app.example.com", Method::POST, "/").text("hi");
    assert_eq!(
        text.script_headers()["content-type"],
        "text/plain;charset=UTF-8"
    );
    let json = Fetch::new("https://app.example.com", Method::POST, "/")
        .header("content-type", "application/json")
        .text("{}");
    assert_eq!(json.script_headers()["content-type"], "application/json");
    let bytes = Fetch::new("https://app.example.com", Method::POST, "/").body("hi");
    assert!(bytes.script_headers().is_empty());
}
