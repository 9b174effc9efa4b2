//! Latency and allocations per request, in one run: the same route with no
//! CORS, with `#[cors]`, and with tower-http's `CorsLayer`, for an actual
//! request and a preflight, with 1, 10 and 100 allowed origins.
//!
//! `cargo bench --bench cors` (figures and how to read them: BENCHMARKS.md).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::routing::get;
use axum::Router;
use http::{HeaderValue, Method, Request};
use route_cors::cors;
use tower::{Service, ServiceExt};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Counts every allocation, so a run can report allocations per request.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const ORIGINS: [&str; 100] = [
    "https://app000.example.com",
    "https://app001.example.com",
    "https://app002.example.com",
    "https://app003.example.com",
    "https://app004.example.com",
    "https://app005.example.com",
    "https://app006.example.com",
    "https://app007.example.com",
    "https://app008.example.com",
    "https://app009.example.com",
    "https://app010.example.com",
    "https://app011.example.com",
    "https://app012.example.com",
    "https://app013.example.com",
    "https://app014.example.com",
    "https://app015.example.com",
    "https://app016.example.com",
    "https://app017.example.com",
    "https://app018.example.com",
    "https://app019.example.com",
    "https://app020.example.com",
    "https://app021.example.com",
    "https://app022.example.com",
    "https://app023.example.com",
    "https://app024.example.com",
    "https://app025.example.com",
    "https://app026.example.com",
    "https://app027.example.com",
    "https://app028.example.com",
    "https://app029.example.com",
    "https://app030.example.com",
    "https://app031.example.com",
    "https://app032.example.com",
    "https://app033.example.com",
    "https://app034.example.com",
    "https://app035.example.com",
    "https://app036.example.com",
    "https://app037.example.com",
    "https://app038.example.com",
    "https://app039.example.com",
    "https://app040.example.com",
    "https://app041.example.com",
    "https://app042.example.com",
    "https://app043.example.com",
    "https://app044.example.com",
    "https://app045.example.com",
    "https://app046.example.com",
    "https://app047.example.com",
    "https://app048.example.com",
    "https://app049.example.com",
    "https://app050.example.com",
    "https://app051.example.com",
    "https://app052.example.com",
    "https://app053.example.com",
    "https://app054.example.com",
    "https://app055.example.com",
    "https://app056.example.com",
    "https://app057.example.com",
    "https://app058.example.com",
    "https://app059.example.com",
    "https://app060.example.com",
    "https://app061.example.com",
    "https://app062.example.com",
    "https://app063.example.com",
    "https://app064.example.com",
    "https://app065.example.com",
    "https://app066.example.com",
    "https://app067.example.com",
    "https://app068.example.com",
    "https://app069.example.com",
    "https://app070.example.com",
    "https://app071.example.com",
    "https://app072.example.com",
    "https://app073.example.com",
    "https://app074.example.com",
    "https://app075.example.com",
    "https://app076.example.com",
    "https://app077.example.com",
    "https://app078.example.com",
    "https://app079.example.com",
    "https://app080.example.com",
    "https://app081.example.com",
    "https://app082.example.com",
    "https://app083.example.com",
    "https://app084.example.com",
    "https://app085.example.com",
    "https://app086.example.com",
    "https://app087.example.com",
    "https://app088.example.com",
    "https://app089.example.com",
    "https://app090.example.com",
    "https://app091.example.com",
    "https://app092.example.com",
    "https://app093.example.com",
    "https://app094.example.com",
    "https://app095.example.com",
    "https://app096.example.com",
    "https://app097.example.com",
    "https://app098.example.com",
    "https://app099.example.com",
];

#[cors(origins = ["https://app000.example.com"], methods = [GET])]
async fn one_origin() -> &'static str {
    "ok"
}

#[cors(origins = ["https://app000.example.com", "https://app001.example.com", "https://app002.example.com", "https://app003.example.com", "https://app004.example.com", "https://app005.example.com", "https://app006.example.com", "https://app007.example.com", "https://app008.example.com", "https://app009.example.com"], methods = [GET])]
async fn ten_origins() -> &'static str {
    "ok"
}

#[cors(origins = ["https://app000.example.com", "https://app001.example.com", "https://app002.example.com", "https://app003.example.com", "https://app004.example.com", "https://app005.example.com", "https://app006.example.com", "https://app007.example.com", "https://app008.example.com", "https://app009.example.com", "https://app010.example.com", "https://app011.example.com", "https://app012.example.com", "https://app013.example.com", "https://app014.example.com", "https://app015.example.com", "https://app016.example.com", "https://app017.example.com", "https://app018.example.com", "https://app019.example.com", "https://app020.example.com", "https://app021.example.com", "https://app022.example.com", "https://app023.example.com", "https://app024.example.com", "https://app025.example.com", "https://app026.example.com", "https://app027.example.com", "https://app028.example.com", "https://app029.example.com", "https://app030.example.com", "https://app031.example.com", "https://app032.example.com", "https://app033.example.com", "https://app034.example.com", "https://app035.example.com", "https://app036.example.com", "https://app037.example.com", "https://app038.example.com", "https://app039.example.com", "https://app040.example.com", "https://app041.example.com", "https://app042.example.com", "https://app043.example.com", "https://app044.example.com", "https://app045.example.com", "https://app046.example.com", "https://app047.example.com", "https://app048.example.com", "https://app049.example.com", "https://app050.example.com", "https://app051.example.com", "https://app052.example.com", "https://app053.example.com", "https://app054.example.com", "https://app055.example.com", "https://app056.example.com", "https://app057.example.com", "https://app058.example.com", "https://app059.example.com", "https://app060.example.com", "https://app061.example.com", "https://app062.example.com", "https://app063.example.com", "https://app064.example.com", "https://app065.example.com", "https://app066.example.com", "https://app067.example.com", "https://app068.example.com", "https://app069.example.com", "https://app070.example.com", "https://app071.example.com", "https://app072.example.com", "https://app073.example.com", "https://app074.example.com", "https://app075.example.com", "https://app076.example.com", "https://app077.example.com", "https://app078.example.com", "https://app079.example.com", "https://app080.example.com", "https://app081.example.com", "https://app082.example.com", "https://app083.example.com", "https://app084.example.com", "https://app085.example.com", "https://app086.example.com", "https://app087.example.com", "https://app088.example.com", "https://app089.example.com", "https://app090.example.com", "https://app091.example.com", "https://app092.example.com", "https://app093.example.com", "https://app094.example.com", "https://app095.example.com", "https://app096.example.com", "https://app097.example.com", "https://app098.example.com", "https://app099.example.com"], methods = [GET])]
async fn hundred_origins() -> &'static str {
    "ok"
}

async fn no_cors() -> &'static str {
    "ok"
}

fn route_cors_router(n: usize) -> Router {
    let route = match n {
        1 => route_cors::get(one_origin).into(),
        10 => route_cors::get(ten_origins).into(),
        _ => route_cors::get(hundred_origins).into(),
    };
    Router::new().route("/r", route)
}

fn tower_http_router(n: usize) -> Router {
    let origins: Vec<HeaderValue> = ORIGINS[..n]
        .iter()
        .map(|o| HeaderValue::from_static(o))
        .collect();
    Router::new().route("/r", get(no_cors)).layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET]),
    )
}

fn baseline_router() -> Router {
    Router::new().route("/r", get(no_cors))
}

/// The allowed origin a request carries: the last of the list, the worst
/// case for a linear search.
fn request(kind: Kind, n: usize) -> Request<Body> {
    let origin = ORIGINS[n - 1];
    match kind {
        Kind::Actual => Request::get("/r")
            .header("origin", origin)
            .body(Body::empty()),
        Kind::Preflight => Request::options("/r")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .body(Body::empty()),
    }
    .expect("a valid request")
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Actual,
    Preflight,
}

struct Figures {
    nanos: f64,
    allocations: f64,
}

/// Sends `iterations` requests one after another and reports the median of
/// five rounds.
fn measure(
    router: &Router,
    kind: Kind,
    n: usize,
    iterations: u32,
    rt: &tokio::runtime::Runtime,
) -> Figures {
    let mut rounds: Vec<Figures> = (0..5)
        .map(|_| {
            let mut router = router.clone();
            rt.block_on(async {
                let allocations_before = ALLOCATIONS.load(Ordering::Relaxed);
                let started = Instant::now();
                for _ in 0..iterations {
                    let req = request(kind, n);
                    let svc = ServiceExt::<Request<Body>>::ready(&mut router)
                        .await
                        .expect("the router is always ready");
                    let res = svc.call(req).await.expect("infallible");
                    black_box(res);
                }
                let elapsed: Duration = started.elapsed();
                let allocations = ALLOCATIONS.load(Ordering::Relaxed) - allocations_before;
                Figures {
                    nanos: elapsed.as_nanos() as f64 / f64::from(iterations),
                    allocations: allocations as f64 / f64::from(iterations),
                }
            })
        })
        .collect();
    rounds.sort_by(|a, b| a.nanos.total_cmp(&b.nanos));
    rounds.swap_remove(2)
}

/// Malformed input: how long a refusal takes, with the big values built
/// once and shared (cloning a `HeaderValue` is a reference count).
fn malformed(
    name: &str,
    router: &Router,
    req: &Request<()>,
    iterations: u32,
    rt: &tokio::runtime::Runtime,
) -> f64 {
    let mut router = router.clone();
    let mut rounds: Vec<f64> = (0..5)
        .map(|_| {
            rt.block_on(async {
                let started = Instant::now();
                for _ in 0..iterations {
                    let mut copy = Request::new(Body::empty());
                    *copy.method_mut() = req.method().clone();
                    *copy.uri_mut() = req.uri().clone();
                    *copy.headers_mut() = req.headers().clone();
                    let svc = ServiceExt::<Request<Body>>::ready(&mut router)
                        .await
                        .expect("the router is always ready");
                    let res = svc.call(copy).await.expect("infallible");
                    assert!(
                        res.headers().get("access-control-allow-origin").is_none()
                            || name == "tower-http",
                        "malformed input got a grant"
                    );
                    black_box(res);
                }
                started.elapsed().as_nanos() as f64 / f64::from(iterations)
            })
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    rounds[2]
}

fn malformed_requests() -> Vec<(&'static str, Request<()>)> {
    let huge_headers = HeaderValue::from_str(&"x-a,".repeat((1 << 20) / 4)).expect("ASCII");
    let huge_origin =
        HeaderValue::from_str(&format!("https://{}.example.com", "a".repeat(1 << 20)))
            .expect("ASCII");
    let mut preflight = Request::options("/r")
        .header("origin", ORIGINS[0])
        .header("access-control-request-method", "GET")
        .body(())
        .expect("a valid request");
    preflight
        .headers_mut()
        .insert("access-control-request-headers", huge_headers);
    let mut actual = Request::get("/r").body(()).expect("a valid request");
    actual.headers_mut().insert("origin", huge_origin);
    let twice = Request::get("/r")
        .header("origin", ORIGINS[0])
        .header("origin", ORIGINS[0])
        .body(())
        .expect("a valid request");
    vec![
        ("preflight, 1 MiB Access-Control-Request-Headers", preflight),
        ("actual GET, 1 MiB Origin", actual),
        ("actual GET, two Origin lines", twice),
    ]
}

fn main() {
    // `cargo test --benches` runs this once, quickly, as a smoke test.
    let quick = std::env::args().any(|a| a == "--test")
        || std::env::var_os("ROUTE_CORS_BENCH_QUICK").is_some();
    let iterations = if quick { 200 } else { 100_000 };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    println!("{iterations} requests per round, median of 5 rounds, one thread");
    println!(
        "| request | origins | no CORS ns | route-cors ns | tower-http ns | route-cors / no CORS | route-cors / tower-http | allocs: no CORS | route-cors | tower-http |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for kind in [Kind::Actual, Kind::Preflight] {
        for n in [1, 10, 100] {
            let baseline = measure(&baseline_router(), kind, n, iterations, &rt);
            let ours = measure(&route_cors_router(n), kind, n, iterations, &rt);
            let theirs = measure(&tower_http_router(n), kind, n, iterations, &rt);
            let name = if kind == Kind::Actual {
                "actual GET"
            } else {
                "preflight"
            };
            println!(
                "| {name} | {n} | {:.0} | {:.0} | {:.0} | {:.2} | {:.2} | {:.1} | {:.1} | {:.1} |",
                baseline.nanos,
                ours.nanos,
                theirs.nanos,
                ours.nanos / baseline.nanos,
                ours.nanos / theirs.nanos,
                baseline.allocations,
                ours.allocations,
                theirs.allocations,
            );
        }
    }
    println!();
    println!("| malformed request | no CORS ns | route-cors ns | tower-http ns |");
    println!("|---|---|---|---|");
    for (name, req) in malformed_requests() {
        let n = iterations / 10;
        println!(
            "| {name} | {:.0} | {:.0} | {:.0} |",
            malformed("no CORS", &baseline_router(), &req, n, &rt),
            malformed("route-cors", &route_cors_router(100), &req, n, &rt),
            malformed("tower-http", &tower_http_router(100), &req, n, &rt),
        );
    }
}
