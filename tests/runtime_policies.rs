//! Run-time policies: named policies that routes refer to with
//! `#[cors(policy = "name")]`, defined and replaced while the server runs.
//! A replacement is one atomic swap: a request sees the old set or the new
//! one, never a mix; an invalid one is refused and changes nothing.

#[path = "support/oneshot.rs"]
mod oneshot;

use std::sync::Arc;

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::StatusCode;
use oneshot::{assert_cors, cors_lines, preflight, send, PREFLIGHT_VARY};
use route_cors::{cors, CorsRouter, Policies, Policy, PolicySet, Problem};

const PARTNER: &str = "https://partner.example.com";
const OTHER: &str = "https://other.example.com";
const APP: &str = "https://app.example.com";
const GLOBAL: &str = "https://global.example.com";

#[cors(policy = "partner")]
async fn partner_data() -> &'static str {
    "partner data"
}

#[cors(policy = "partner")]
async fn partner_upload(body: String) -> String {
    body
}

#[cors(origins = ["https://app.example.com"])]
async fn own() -> &'static str {
    "own"
}

fn policy(origin: &str) -> Policy {
    Policy::builder().origins([origin]).build().unwrap()
}

fn set(partner: &str, default: &str) -> PolicySet {
    PolicySet::new()
        .with_default(policy(default))
        .with_policy("partner", policy(partner))
        .unwrap()
}

fn app(policies: &Policies) -> Router {
    CorsRouter::new()
        .route("/data", route_cors::get(partner_data))
        .route("/upload", route_cors::post(partner_upload))
        .route("/own", route_cors::get(own))
        .route("/plain", get(|| async { "plain" }))
        .policies(policies.clone())
        .into_router()
}

fn request(method: &str, path: &str, origin: &str) -> http::Request<Body> {
    http::Request::builder()
        .method(method)
        .uri(path)
        .header("origin", origin)
        .body(Body::empty())
        .unwrap()
}

async fn allow_origin(app: &Router, method: &str, path: &str, origin: &str) -> Option<String> {
    let res = send(app.clone(), request(method, path, origin)).await;
    res.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_named_policy_decides_the_routes_that_name_it() {
    let policies = Policies::new(set(PARTNER, GLOBAL));
    let app = app(&policies);
    let res = send(app.clone(), request("GET", "/data", PARTNER)).await;
    assert_cors(
        &res,
        &[("access-control-allow-origin", PARTNER), ("vary", "origin")],
    );
    for origin in [OTHER, GLOBAL, APP] {
        let res = send(app.clone(), request("GET", "/data", origin)).await;
        assert_cors(&res, &[("vary", "origin")]);
    }
    // Without `methods`, it allows the methods its routes are routed for.
    let res = send(
        app,
        preflight("/upload", PARTNER, "POST")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_cors(
        &res,
        &[
            ("access-control-allow-origin", PARTNER),
            ("access-control-allow-methods", "POST"),
            ("vary", PREFLIGHT_VARY),
        ],
    );
}

#[tokio::test]
async fn a_reload_changes_the_next_request_on_every_route_that_uses_the_policy_and_no_other() {
    let policies = Policies::new(set(PARTNER, GLOBAL));
    let app = app(&policies);
    policies
        .replace(
            PolicySet::new()
                .with_default(policy(GLOBAL))
                .with_policy("partner", policy(OTHER))
                .unwrap(),
        )
        .unwrap();
    // Both routes that name `partner` follow it...
    assert_eq!(
        allow_origin(&app, "GET", "/data", OTHER).await.as_deref(),
        Some(OTHER)
    );
    assert_eq!(
        allow_origin(&app, "POST", "/upload", OTHER)
            .await
            .as_deref(),
        Some(OTHER)
    );
    assert_eq!(allow_origin(&app, "GET", "/data", PARTNER).await, None);
    // ...and nothing else changed.
    assert_eq!(
        allow_origin(&app, "GET", "/own", APP).await.as_deref(),
        Some(APP)
    );
    assert_eq!(allow_origin(&app, "GET", "/own", OTHER).await, None);
    assert_eq!(
        allow_origin(&app, "GET", "/plain", GLOBAL).await.as_deref(),
        Some(GLOBAL)
    );
    assert_eq!(allow_origin(&app, "GET", "/plain", OTHER).await, None);
}

#[tokio::test]
async fn the_default_and_the_named_policies_are_replaced_together() {
    let policies = Policies::new(set(PARTNER, GLOBAL));
    let app = app(&policies);
    policies.replace(set(OTHER, APP)).unwrap();
    assert_eq!(
        allow_origin(&app, "GET", "/plain", APP).await.as_deref(),
        Some(APP)
    );
    assert_eq!(allow_origin(&app, "GET", "/plain", GLOBAL).await, None);
    assert_eq!(
        allow_origin(&app, "GET", "/data", OTHER).await.as_deref(),
        Some(OTHER)
    );
}

#[tokio::test]
async fn a_replacement_without_a_policy_routes_name_is_refused_and_changes_nothing() {
    let policies = Policies::new(set(PARTNER, GLOBAL));
    let app = app(&policies);
    let error = policies
        .replace(PolicySet::new().with_default(policy(OTHER)))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid CORS policies: no policy named `partner`, which GET /data, POST /upload \
         refers to with #[cors(policy = \"partner\")]"
    );
    assert_eq!(
        allow_origin(&app, "GET", "/data", PARTNER).await.as_deref(),
        Some(PARTNER)
    );
    assert_eq!(
        allow_origin(&app, "GET", "/plain", GLOBAL).await.as_deref(),
        Some(GLOBAL)
    );
    assert_eq!(allow_origin(&app, "GET", "/plain", OTHER).await, None);
}

#[test]
fn an_invalid_configuration_names_every_broken_rule_and_builds_nothing() {
    let error = PolicySet::from_json(
        r#"{
            "default": {"origins": ["https://app.example.com/"], "max_age": -1},
            "partner": {"origins": ["https://partner.example.com"], "credentials": "yes", "allow_origin": []},
            "Tenant": {"origins": "*"}
        }"#,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid CORS policies, 5 problems:\n  \
         - policy `partner`: unknown key `allow_origin` (help: did you mean `origins`?)\n  \
         - policy `partner`: `credentials` is true or false, found \"yes\"\n  \
         - policy name `Tenant`: a policy name is 1 to 64 characters of lowercase ASCII letters, \
         digits, `-` and `_`: `Tenant` (help: write `tenant`) [policy-name-invalid]\n  \
         - policy `default`: `origins`: an origin has no trailing slash: \
         `https://app.example.com/` (help: write `https://app.example.com`) \
         [origin-trailing-slash]\n  \
         - policy `default`: `max_age`: `max_age` cannot be negative: `-1` (help: a number of \
         seconds from 0 to 86400) [max-age-negative]"
    );
}

#[test]
fn a_policy_under_an_invalid_name_still_has_its_rules_checked() {
    let error =
        PolicySet::from_json(r#"{"Bad Name": {"origins": "*", "credentials": true}}"#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid CORS policies, 2 problems:\n  \
         - policy name `Bad Name`: a policy name is 1 to 64 characters of lowercase ASCII \
         letters, digits, `-` and `_`: `Bad Name` [policy-name-invalid]\n  \
         - policy `Bad Name`: `origins`: browsers refuse `Access-Control-Allow-Origin: *` on \
         requests with credentials: `*` (help: list the origins instead of `\"*\"`) \
         [any-origin-with-credentials]"
    );
}

#[test]
fn a_route_naming_an_undefined_policy_is_an_error_when_the_app_is_put_together() {
    let error = CorsRouter::new()
        .route("/data", route_cors::get(partner_data))
        .policies(Policies::new(PolicySet::new()))
        .try_into_router()
        .unwrap_err();
    assert!(matches!(
        error.problems(),
        [Problem::Missing { name, routes }] if name == "partner" && routes == &["GET /data"]
    ));
    // Without any run-time policies, the same.
    let error = CorsRouter::new()
        .route("/data", route_cors::get(partner_data))
        .try_into_router()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid CORS policies: no policy named `partner`, which GET /data refers to with \
         #[cors(policy = \"partner\")]"
    );
}

#[test]
fn default_is_not_a_name_a_route_can_refer_to() {
    let error = PolicySet::new()
        .with_policy("default", policy(PARTNER))
        .unwrap_err();
    assert!(
        error.to_string().contains("[policy-name-reserved]"),
        "{error}"
    );
}

#[tokio::test]
async fn a_nested_router_resolves_names_against_its_own_policies() {
    let group = Policies::new(set(PARTNER, GLOBAL));
    let site = Policies::new(set(OTHER, APP));
    let app = CorsRouter::new()
        .nest(
            "/partner",
            CorsRouter::new()
                .route("/data", route_cors::get(partner_data))
                .policies(group.clone()),
        )
        .route("/data", route_cors::get(partner_data))
        .policies(site)
        .into_router();
    assert_eq!(
        allow_origin(&app, "GET", "/partner/data", PARTNER)
            .await
            .as_deref(),
        Some(PARTNER)
    );
    assert_eq!(
        allow_origin(&app, "GET", "/partner/data", OTHER).await,
        None
    );
    assert_eq!(
        allow_origin(&app, "GET", "/data", OTHER).await.as_deref(),
        Some(OTHER)
    );
    group.replace(set(APP, GLOBAL)).unwrap();
    assert_eq!(
        allow_origin(&app, "GET", "/partner/data", APP)
            .await
            .as_deref(),
        Some(APP)
    );
    assert_eq!(
        allow_origin(&app, "GET", "/data", OTHER).await.as_deref(),
        Some(OTHER)
    );
}

#[tokio::test]
async fn an_origin_function_decides_what_a_list_cannot_say() {
    let tenants: std::collections::HashSet<&str> =
        ["https://acme.example.com", "https://globex.example.com"].into();
    let tenant_policy = Policy::builder()
        .origins([APP])
        .origin_fn(move |origin| tenants.contains(origin))
        .credentials(true)
        .build()
        .unwrap();
    let policies = Policies::new(
        PolicySet::new()
            .with_policy("partner", tenant_policy)
            .unwrap(),
    );
    let app = CorsRouter::new()
        .route("/data", route_cors::get(partner_data))
        .policies(policies)
        .into_router();
    for origin in ["https://acme.example.com", APP] {
        let res = send(app.clone(), request("GET", "/data", origin)).await;
        assert_cors(
            &res,
            &[
                ("access-control-allow-origin", origin),
                ("access-control-allow-credentials", "true"),
                ("vary", "origin"),
            ],
        );
    }
    // Not a tenant; and malformed values never reach the function.
    for origin in ["https://initech.example.com", "https://acme.example.com/"] {
        let res = send(app.clone(), request("GET", "/data", origin)).await;
        assert_cors(&res, &[("vary", "origin")]);
    }
}

#[test]
fn an_origin_function_with_any_origin_is_refused() {
    let error = Policy::builder()
        .any_origin()
        .origin_fn(|_| true)
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("[origin-fn-with-any-origin]"),
        "{error}"
    );
}

/// Policy A grants origin A with credentials and exposes `x-a`; B grants
/// origin B without credentials and exposes `x-b`. Eight threads swap them
/// while eight others send requests from both origins: every answer is
/// wholly A's or wholly B's (or no grant), never a mix.
#[test]
fn eight_threads_reloading_while_eight_send_requests_never_see_a_mix() {
    const A: &str = "https://a.example.com";
    const B: &str = "https://b.example.com";
    let set_a = || {
        PolicySet::new()
            .with_policy(
                "partner",
                Policy::builder()
                    .origins([A])
                    .expose(["x-a"])
                    .credentials(true)
                    .build()
                    .unwrap(),
            )
            .unwrap()
    };
    let set_b = || {
        PolicySet::new()
            .with_policy(
                "partner",
                Policy::builder()
                    .origins([B])
                    .expose(["x-b"])
                    .build()
                    .unwrap(),
            )
            .unwrap()
    };
    let policies = Policies::new(set_a());
    let app = CorsRouter::new()
        .route("/data", route_cors::get(partner_data))
        .policies(policies.clone())
        .into_router();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reloaders: Vec<_> = (0..8)
        .map(|i| {
            let policies = policies.clone();
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut n = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) && n < 20_000 {
                    let set = if (n + i) % 2 == 0 { set_a() } else { set_b() };
                    policies.replace(set).unwrap();
                    n += 1;
                }
            })
        })
        .collect();
    let senders: Vec<_> = (0..8)
        .map(|i| {
            let app = app.clone();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                let mut seen = [0usize; 3];
                for n in 0..500 {
                    let origin = if (n + i) % 2 == 0 { A } else { B };
                    let res = runtime.block_on(send(app.clone(), request("GET", "/data", origin)));
                    let lines = cors_lines(&res);
                    let get = |name: &str| {
                        lines
                            .iter()
                            .find(|(n, _)| n == name)
                            .map(|(_, v)| v.as_str())
                    };
                    let grant = (
                        get("access-control-allow-origin"),
                        get("access-control-allow-credentials"),
                        get("access-control-expose-headers"),
                    );
                    match grant {
                        (Some(A), Some("true"), Some("x-a")) if origin == A => seen[0] += 1,
                        (Some(B), None, Some("x-b")) if origin == B => seen[1] += 1,
                        (None, None, None) => seen[2] += 1,
                        _ => panic!("a mixed answer for {origin}: {lines:?}"),
                    }
                    assert_eq!(get("vary"), Some("origin"), "{lines:?}");
                }
                seen
            })
        })
        .collect();
    let seen: Vec<[usize; 3]> = senders.into_iter().map(|t| t.join().unwrap()).collect();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for reloader in reloaders {
        reloader.join().unwrap();
    }
    let total: usize = seen.iter().flatten().sum();
    assert_eq!(total, 8 * 500);
}
