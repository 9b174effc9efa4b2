//! What route-cors's `tracing` events cost: a refused preflight and a
//! refused actual request (each one debug event) and a granted preflight
//! (one trace event), with no subscriber, with a subscriber that disables
//! `route_cors`, and with one that writes its events (to a sink).
//! Configurations take turns round by round, in one run.
//!
//! `cargo bench --bench events` (figures: BENCHMARKS.md).

use std::hint::black_box;
use std::time::Instant;

use axum::body::Body;
use http::Request;
use route_cors::service::CorsService;
use route_cors::{cors, CorsRouter};
use tower::{Service, ServiceExt};
use tracing_subscriber::EnvFilter;

#[cors(origins = ["https://app.example.com"], methods = [GET], headers = ["content-type"])]
async fn items() -> &'static str {
    "items"
}

fn service() -> CorsService {
    CorsRouter::new()
        .route("/items", route_cors::get(items))
        .into_service()
}

fn preflight(origin: &str) -> Request<Body> {
    Request::options("/items")
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .body(Body::empty())
        .unwrap()
}

fn actual(origin: &str) -> Request<Body> {
    Request::get("/items")
        .header("origin", origin)
        .body(Body::empty())
        .unwrap()
}

/// Nanoseconds per request over `n` requests.
fn time(runtime: &tokio::runtime::Runtime, n: u32, make: &dyn Fn() -> Request<Body>) -> f64 {
    let mut svc = service();
    let start = Instant::now();
    for _ in 0..n {
        let req = make();
        let res = runtime.block_on(async {
            ServiceExt::<Request<Body>>::ready(&mut svc)
                .await
                .unwrap()
                .call(req)
                .await
        });
        black_box(res.unwrap());
    }
    start.elapsed().as_nanos() as f64 / f64::from(n)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let (n, rounds) = if quick { (200, 1) } else { (100_000, 7) };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    type Make = fn() -> Request<Body>;
    let rows: [(&str, Make); 3] = [
        ("refused preflight (debug event)", || {
            preflight("https://evil.example")
        }),
        ("refused actual request (debug event)", || {
            actual("https://evil.example")
        }),
        ("granted preflight (trace event)", || {
            preflight("https://app.example.com")
        }),
    ];
    println!("ns per request, median of {rounds} rounds of {n}, configurations alternating");
    println!(
        "{:<40} {:>14} {:>18} {:>18}",
        "", "no subscriber", "route_cors off", "route_cors on"
    );
    for (name, make) in rows {
        let mut results = [Vec::new(), Vec::new(), Vec::new()];
        for round in 0..rounds {
            // Each round starts one configuration further on, so that none
            // always runs first.
            for k in 0..3 {
                let config = (round + k) % 3;
                let filter = match config {
                    0 => None,
                    1 => Some("route_cors=off"),
                    _ => Some("route_cors=trace"),
                };
                let ns = match filter {
                    None => time(&runtime, n, &make),
                    Some(filter) => {
                        let subscriber = tracing_subscriber::fmt()
                            .with_env_filter(EnvFilter::new(filter))
                            .with_writer(std::io::sink)
                            .finish();
                        tracing::subscriber::with_default(subscriber, || time(&runtime, n, &make))
                    }
                };
                results[config].push(ns);
            }
        }
        let [none, off, on] = results.map(median);
        println!("{name:<40} {none:>14.0} {off:>18.0} {on:>18.0}");
    }
}
