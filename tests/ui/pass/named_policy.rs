//! `#[cors(policy = "name")]`: a named run-time policy, with `crate`, beside
//! a written one on the same path.

use axum::Router;
use route_cors::{cors, CorsRouter, Policies, Policy, PolicySet};

#[cors(policy = "partner")]
async fn partner() -> &'static str {
    "partner"
}

#[cors(policy = "tenant_2-b", crate = "::route_cors")]
async fn tenant(body: String) -> String {
    body
}

#[cors(origins = ["https://app.example.com"])]
async fn remove() -> &'static str {
    "removed"
}

fn main() {
    let policy = || Policy::builder().origins(["https://partner.example.com"]).build().unwrap();
    let set = PolicySet::new()
        .with_policy("partner", policy())
        .and_then(|set| set.with_policy("tenant_2-b", policy()))
        .unwrap();
    let _app: Router = CorsRouter::new()
        .route("/data", route_cors::get(partner).post(tenant).delete(remove))
        .policies(Policies::new(set))
        .into_router();
    assert_eq!(partner::policy_name(), "partner");
}
