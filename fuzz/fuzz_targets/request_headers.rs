//! `Access-Control-Request-Headers` on arbitrary lines, through the
//! router: the preflight's answer agrees with a plain reference model.
//!
//! Input: the first byte picks the policy (any header, a list, none); the
//! rest, split on `\n`, are the header's lines.

#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::Router;
use http::{HeaderValue, Request, StatusCode};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use route_cors::{CorsRouter, Policy, MAX_REQUEST_HEADERS_LEN};
use tower::ServiceExt;

const ORIGIN: &str = "https://app.example.com";
const LIST: &[&str] = &["content-type", "x-token", "authorization"];

fn apps() -> &'static [Router; 3] {
    static APPS: OnceLock<[Router; 3]> = OnceLock::new();
    APPS.get_or_init(|| {
        let base = || Policy::builder().origins([ORIGIN]).methods(["GET"]);
        let app = |policy: Policy| {
            CorsRouter::new()
                .route("/", axum::routing::get(|| async { "ok" }))
                .default_policy(policy)
                .into_router()
        };
        [
            app(base().any_header().build().unwrap()),
            app(base().headers(LIST.iter().copied()).build().unwrap()),
            app(base().build().unwrap()),
        ]
    })
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    })
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// `Ok(any name asked for)`, or the refusal's text.
fn model(lines: &[&[u8]], allowed: Option<&[&str]>) -> Result<bool, String> {
    if lines.iter().map(|l| l.len()).sum::<usize>() > MAX_REQUEST_HEADERS_LEN {
        return Err("access-control-request-headers too long".to_owned());
    }
    let mut any = false;
    for line in lines {
        for element in line.split(|&b| b == b',') {
            let name = trim_ows(element);
            if name.is_empty() {
                continue;
            }
            any = true;
            if !is_token(name) {
                return Err("malformed access-control-request-headers".to_owned());
            }
            let ok = match allowed {
                None => !name.eq_ignore_ascii_case(b"authorization"),
                Some(list) => list.iter().any(|a| a.as_bytes().eq_ignore_ascii_case(name)),
            };
            if !ok {
                let name = String::from_utf8_lossy(name).to_ascii_lowercase();
                return Err(format!("header {name} not allowed"));
            }
        }
    }
    Ok(any)
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let which = usize::from(which % 3);
    let allowed: Option<&[&str]> = match which {
        0 => None,
        1 => Some(LIST),
        _ => Some(&[]),
    };
    // Lines no header value can hold are not sent.
    let lines: Vec<&[u8]> = rest
        .split(|&b| b == b'\n')
        .filter(|l| HeaderValue::from_bytes(l).is_ok())
        .collect();
    let mut req = Request::options("/")
        .header("origin", ORIGIN)
        .header("access-control-request-method", "GET")
        .body(Body::empty())
        .unwrap();
    for line in &lines {
        req.headers_mut().append(
            "access-control-request-headers",
            HeaderValue::from_bytes(line).unwrap(),
        );
    }
    let app = apps()[which].clone();
    let (status, allow_headers, body) = runtime().block_on(async move {
        let res = app.oneshot(req).await.unwrap();
        let status = res.status();
        let allow_headers = res
            .headers()
            .get("access-control-allow-headers")
            .map(|v| v.as_bytes().to_vec());
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, allow_headers, body)
    });
    match model(&lines, allowed) {
        Ok(any) => {
            assert_eq!(
                status,
                StatusCode::NO_CONTENT,
                "{:?}",
                String::from_utf8_lossy(&body)
            );
            let expected = match (any, which) {
                (false, _) => None,
                (true, 0) => Some(b"*".to_vec()),
                (true, _) => Some(LIST.join(", ").into_bytes()),
            };
            assert_eq!(allow_headers, expected);
        }
        Err(reason) => {
            assert_eq!(status, StatusCode::FORBIDDEN);
            assert_eq!(allow_headers, None);
            assert_eq!(String::from_utf8_lossy(&body), reason);
        }
    }
});
