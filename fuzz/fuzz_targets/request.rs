//! Whole requests through a router with many routes, each its own policy:
//! no panic, a grant only for the one `Origin` of the request and only for
//! an origin some policy of the app allows, every preflight answered with
//! `204` or `403` and never with `Allow`.
//!
//! Input: a first line `METHOD PATH`, then `name: value` lines (split on
//! `\n`); what cannot be a method, a path or a header is left out.

#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::Router;
use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use libfuzzer_sys::fuzz_target;
use route_cors::{cors, CorsRouter, Policies, Policy, PolicySet};
use tower::ServiceExt;

#[cors(origins = ["https://a.test"], headers = ["content-type"], credentials, max_age = 60)]
async fn a_route() -> &'static str {
    "a"
}

#[cors(origins = ["https://b.test"], expose = ["x-id"])]
async fn a_id_route() -> &'static str {
    "a-id"
}

#[cors(origins = ["https://c.test"], private_network)]
async fn files_route() -> &'static str {
    "files"
}

#[cors(origins = ["https://g.test"], methods = [GET])]
async fn multi_get_route() -> &'static str {
    "multi-get"
}

#[cors(origins = ["https://p.test"], methods = [POST], headers = "*")]
async fn multi_post_route() -> &'static str {
    "multi-post"
}

#[cors(origins = ["https://n.test"])]
async fn nested_route() -> &'static str {
    "nested"
}

#[cors(origins = ["https://f.test"])]
async fn fallback_route() -> &'static str {
    "fallback"
}

#[cors(origins = "*", headers = "*", expose = "*")]
async fn public_route() -> &'static str {
    "public"
}

#[cors(origins = ["https://*.w.test"])]
async fn wild_route() -> &'static str {
    "wild"
}

#[cors(policy = "partner")]
async fn partner_route() -> &'static str {
    "partner"
}

/// The origins some policy of the app allows (the pattern's aside).
const ALLOWED: &[&str] = &[
    "https://a.test",
    "https://b.test",
    "https://c.test",
    "https://g.test",
    "https://p.test",
    "https://n.test",
    "https://f.test",
    "https://r.test",
    "https://default.test",
];

fn app() -> &'static Router {
    static APP: OnceLock<Router> = OnceLock::new();
    APP.get_or_init(|| {
        let set = PolicySet::new()
            .with_default(
                Policy::builder()
                    .origins(["https://default.test"])
                    .methods(["GET", "POST"])
                    .build()
                    .unwrap(),
            )
            .with_policy(
                "partner",
                Policy::builder()
                    .origins(["https://r.test"])
                    .build()
                    .unwrap(),
            )
            .unwrap();
        CorsRouter::new()
            .route("/a", route_cors::get(a_route))
            .route("/a/{id}", route_cors::get(a_id_route))
            .route("/files/{*rest}", route_cors::get(files_route))
            .route(
                "/multi",
                route_cors::get(multi_get_route).post(multi_post_route),
            )
            .route("/plain", axum::routing::get(|| async { "plain" }))
            .route("/public", route_cors::get(public_route))
            .route("/wild", route_cors::get(wild_route))
            .route("/partner", route_cors::get(partner_route))
            .nest(
                "/n",
                CorsRouter::new().route("/x", route_cors::get(nested_route)),
            )
            .fallback(fallback_route)
            .policies(Policies::new(set))
            .try_into_router()
            .unwrap()
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

fn is_wild(origin: &[u8]) -> bool {
    origin
        .strip_prefix(b"https://")
        .and_then(|o| o.strip_suffix(b".w.test"))
        .is_some_and(|labels| {
            labels.split(|&b| b == b'.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.iter().all(|&b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                    })
                    && l[0] != b'-'
                    && l[l.len() - 1] != b'-'
            })
        })
}

fuzz_target!(|data: &[u8]| {
    let mut lines = data.split(|&b| b == b'\n');
    let first = lines.next().unwrap_or_default();
    let (method, path) = match first.iter().position(|&b| b == b' ') {
        Some(space) => (&first[..space], &first[space + 1..]),
        None => (first, &b"/"[..]),
    };
    let method = Method::from_bytes(method).unwrap_or(Method::GET);
    let path = std::str::from_utf8(path)
        .ok()
        .filter(|p| p.starts_with('/'))
        .and_then(|p| p.parse::<http::Uri>().ok())
        .unwrap_or_else(|| http::Uri::from_static("/"));
    let mut req = Request::builder()
        .method(method.clone())
        .uri(path)
        .body(Body::empty())
        .unwrap();
    for line in lines {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(line[colon + 1..].trim_ascii_start()),
        ) else {
            continue;
        };
        req.headers_mut().append(name, value);
    }
    let origins: Vec<Vec<u8>> = req
        .headers()
        .get_all("origin")
        .iter()
        .map(|v| v.as_bytes().to_vec())
        .collect();
    let preflight = route_cors::is_preflight(&method, req.headers());
    let app = app().clone();
    let res = runtime().block_on(async move { app.oneshot(req).await.unwrap() });
    let headers = res.headers();
    if preflight {
        assert!(
            res.status() == StatusCode::NO_CONTENT || res.status() == StatusCode::FORBIDDEN,
            "a preflight answered {}",
            res.status()
        );
        assert!(
            headers.get("allow").is_none(),
            "a preflight answer with Allow"
        );
    }
    let grants: Vec<_> = headers
        .get_all("access-control-allow-origin")
        .iter()
        .collect();
    match grants.as_slice() {
        [] => {
            for name in [
                "access-control-allow-credentials",
                "access-control-allow-methods",
                "access-control-allow-headers",
                "access-control-expose-headers",
                "access-control-max-age",
                "access-control-allow-private-network",
            ] {
                assert!(headers.get(name).is_none(), "{name} without a grant");
            }
        }
        [grant] => {
            assert_eq!(origins.len(), 1, "a grant without exactly one Origin");
            let grant = grant.as_bytes();
            if grant == b"*" {
                assert!(headers.get("access-control-allow-credentials").is_none());
            } else {
                assert_eq!(grant, origins[0].as_slice(), "a grant for another origin");
                assert!(
                    ALLOWED.iter().any(|a| a.as_bytes() == grant) || is_wild(grant),
                    "a grant for an origin no policy allows: {:?}",
                    String::from_utf8_lossy(grant)
                );
            }
        }
        _ => panic!("several Access-Control-Allow-Origin lines"),
    }
});
