//! Origins in the forms browsers send them.

#[path = "support/oneshot.rs"]
mod oneshot;

use axum::body::Body;
use axum::Router;
use oneshot::{cors_lines, send};
use route_cors::{cors, CorsRouter};

#[cors(origins = "*")]
async fn open() -> &'static str {
    "open"
}

/// A fully qualified host keeps its trailing dot in the serialized origin
/// (`new URL("https://example.com./").origin` is `"https://example.com."`),
/// and browsers send it so: it is an origin, not malformed input.
#[tokio::test]
async fn any_origin_policy_grants_a_fully_qualified_origin() {
    let app: Router = CorsRouter::new()
        .route("/open", route_cors::get(open))
        .into_router();
    let res = send(
        app,
        http::Request::get("/open")
            .header("origin", "https://example.com.")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        res.headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(&b"*"[..]),
        "{:?}",
        cors_lines(&res)
    );
}
