//! What `#[cors]` writes into the program reads back as the policy it
//! checked: every key, every value, nothing added.

use route_cors_rules::policy::{validate, Spec, Values};
use route_cors_rules::written::{items, write, Written};

fn written(spec: &Spec<'_>) -> String {
    write(&validate(spec).expect("a valid policy"))
}

#[test]
fn a_policy_with_every_key_reads_back_whole() {
    let spec = Spec {
        origins: Some(Values::List(vec![
            "https://app.example.com",
            "https://*.example.com",
            "http://localhost:3000",
        ])),
        methods: Some(Values::List(vec!["GET", "PATCH"])),
        headers: Some(Values::List(vec!["Content-Type", "x-request-id"])),
        expose: Some(Values::List(vec!["etag"])),
        credentials: true,
        max_age: Some(600),
        private_network: true,
        ..Spec::default()
    };
    let text = written(&spec);
    assert_eq!(
        text,
        "origins http://localhost:3000 https://app.example.com https://*.example.com\n\
         methods GET PATCH\n\
         headers content-type x-request-id\n\
         expose etag\n\
         credentials\n\
         max_age 600\n\
         private_network"
    );
    let read = Written::read(&text);
    assert_eq!(
        read.origins().collect::<Vec<_>>(),
        [
            "http://localhost:3000",
            "https://app.example.com",
            "https://*.example.com"
        ]
    );
    assert_eq!(read.methods, Some("GET PATCH"));
    assert_eq!(read.headers, Some("content-type x-request-id"));
    assert_eq!(read.expose, Some("etag"));
    assert!(read.credentials && read.private_network && !read.insecure_origins);
    assert_eq!(read.max_age, Some(600));
}

#[test]
fn keys_left_out_are_left_out_when_read() {
    let spec = Spec {
        origins: Some(Values::List(vec!["https://app.example.com"])),
        ..Spec::default()
    };
    let text = written(&spec);
    assert_eq!(text, "origins https://app.example.com");
    assert_eq!(
        Written::read(&text),
        Written {
            origins: "https://app.example.com",
            ..Written::default()
        }
    );
}

#[test]
fn wildcards_are_written_as_a_star() {
    let spec = Spec {
        origins: Some(Values::Any),
        methods: Some(Values::Any),
        headers: Some(Values::Any),
        expose: Some(Values::Any),
        ..Spec::default()
    };
    let text = written(&spec);
    assert_eq!(text, "origins *\nmethods *\nheaders *\nexpose *");
    let read = Written::read(&text);
    assert_eq!(read.origins, "*");
    assert_eq!(
        (read.methods, read.headers, read.expose),
        (Some("*"), Some("*"), Some("*"))
    );
}

#[test]
fn empty_lists_and_an_origin_function_alone_write_no_items() {
    let spec = Spec {
        origins: None,
        headers: Some(Values::List(vec![])),
        origin_fn: true,
        insecure_origins: true,
        ..Spec::default()
    };
    let text = written(&spec);
    assert_eq!(text, "origins\ninsecure_origins");
    let read = Written::read(&text);
    assert_eq!(read.origins().count(), 0);
    assert_eq!(read.headers, None);
    assert!(read.insecure_origins);
}

#[test]
fn items_skip_nothing_but_empty_strings() {
    assert_eq!(items("a b").collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(items("").count(), 0);
}
