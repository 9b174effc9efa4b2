//! Latency and allocations per request, in one run, then throughput over a
//! loopback socket:
//!
//! 1. One route with 1, 10 and 100 allowed origins: no CORS, `#[cors]`, and
//!    tower-http's `CorsLayer`, for an actual request and a preflight.
//! 2. 10, 100 and 1,000 routes in the table, each route under its own
//!    `#[cors]` policy or plain under the app's default policy, bare or
//!    under a middleware stack (auth, timeout, trace): no CORS, `CorsLayer`
//!    and route-cors.
//! 3. Malformed input.
//! 4. A load generator on 127.0.0.1 (keep-alive connections, servers
//!    alternating): no CORS, route-cors, `CorsLayer`, and a "wire floor"
//!    that writes route-cors's header lines with no decision.
//!
//! `cargo bench --bench cors` (figures and how to read them: BENCHMARKS.md).
//! `cargo test --benches` (no `--bench` argument) or
//! `ROUTE_CORS_BENCH_QUICK=1` runs every part once, briefly, as a smoke test.

#[path = "support/loopback.rs"]
mod loopback;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request as AxumRequest;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, AUTHORIZATION, VARY};
use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use route_cors::{cors, CorsRouter, Policy};
use tower::{Service, ServiceExt};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

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

/// Rounds per measurement; the median is reported. The implementations of
/// a row take turns round by round, so that a burst of noise on this shared
/// machine hits all of them alike.
const ROUNDS: usize = 5;

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

/// The handler of every route in part 2 and over the socket: the bearer
/// token of an API, a preflight asks for `authorization`.
#[cors(origins = ["https://app000.example.com"], methods = [GET], headers = ["authorization"])]
async fn item() -> &'static str {
    "ok"
}

async fn no_cors() -> &'static str {
    "ok"
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Actual,
    Preflight,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Actual => "actual GET",
            Kind::Preflight => "preflight",
        }
    }
}

#[derive(Clone, Copy)]
struct Figures {
    nanos: f64,
    allocations: f64,
}

/// One round: `iterations` requests one after another, each built by `make`
/// (building it is counted, alike for every router of a row).
fn round(
    router: &Router,
    make: &dyn Fn() -> Request<Body>,
    iterations: u32,
    rt: &tokio::runtime::Runtime,
) -> Figures {
    let mut router = router.clone();
    rt.block_on(async {
        let allocations_before = ALLOCATIONS.load(Ordering::Relaxed);
        let started = Instant::now();
        for _ in 0..iterations {
            let req = make();
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
}

/// The median round of each router, the routers taking turns.
fn measure(
    routers: &[&Router],
    make: &dyn Fn() -> Request<Body>,
    iterations: u32,
    rt: &tokio::runtime::Runtime,
) -> Vec<Figures> {
    let mut rounds: Vec<Vec<Figures>> = routers.iter().map(|_| Vec::new()).collect();
    for _ in 0..ROUNDS {
        for (router, figures) in routers.iter().zip(&mut rounds) {
            figures.push(round(router, make, iterations, rt));
        }
    }
    rounds
        .into_iter()
        .map(|mut figures| {
            figures.sort_by(|a, b| a.nanos.total_cmp(&b.nanos));
            figures[ROUNDS / 2]
        })
        .collect()
}

/// One response, to check that a router answers what the row says it
/// measures.
fn respond(router: &Router, req: Request<Body>, rt: &tokio::runtime::Runtime) -> Response {
    rt.block_on(router.clone().oneshot(req))
        .expect("infallible")
}

fn allow_origin(res: &Response) -> Option<&str> {
    res.headers()
        .get(ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().expect("ASCII"))
}

// ---------------------------------------------------------------------------
// Part 1: one route, 1, 10 and 100 allowed origins.

fn origins_route_cors(n: usize) -> Router {
    let router = CorsRouter::new();
    match n {
        1 => router.route("/r", route_cors::get(one_origin)),
        10 => router.route("/r", route_cors::get(ten_origins)),
        _ => router.route("/r", route_cors::get(hundred_origins)),
    }
    .into_router()
}

fn origins_tower_http(n: usize) -> Router {
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

fn origins_no_cors() -> Router {
    Router::new().route("/r", get(no_cors))
}

/// The allowed origin a request carries: the last of the list, the worst
/// case for a linear search.
fn origins_request(kind: Kind, n: usize) -> Request<Body> {
    let origin = ORIGINS[n - 1];
    match kind {
        Kind::Actual => Request::get("/r").header("origin", origin),
        Kind::Preflight => Request::options("/r")
            .header("origin", origin)
            .header("access-control-request-method", "GET"),
    }
    .body(Body::empty())
    .expect("a valid request")
}

fn part_origins(iterations: u32, rt: &tokio::runtime::Runtime, checks: &mut Checks) {
    println!("## 1. One route, allowed origins");
    println!();
    println!("{iterations} requests per round, median of {ROUNDS} rounds, one thread");
    println!();
    println!(
        "| request | origins | no CORS ns | route-cors ns | tower-http ns | route-cors / no CORS | route-cors added / tower-http added | allocs: no CORS | route-cors | tower-http |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for kind in [Kind::Actual, Kind::Preflight] {
        for n in [1, 10, 100] {
            let baseline = origins_no_cors();
            let ours = origins_route_cors(n);
            let theirs = origins_tower_http(n);
            let make = || origins_request(kind, n);
            let granted = ORIGINS[n - 1];
            assert_eq!(allow_origin(&respond(&ours, make(), rt)), Some(granted));
            assert_eq!(allow_origin(&respond(&theirs, make(), rt)), Some(granted));
            let figures = measure(&[&baseline, &ours, &theirs], &make, iterations, rt);
            let [baseline, ours, theirs] = figures[..] else {
                unreachable!("three routers")
            };
            println!(
                "| {} | {n} | {:.0} | {:.0} | {:.0} | {:.2} | {} | {:.1} | {:.1} | {:.1} |",
                kind.name(),
                baseline.nanos,
                ours.nanos,
                theirs.nanos,
                ours.nanos / baseline.nanos,
                added_ratio(baseline, ours, theirs),
                baseline.allocations,
                ours.allocations,
                theirs.allocations,
            );
            checks.row(
                &format!("part 1, {}, {n} origins", kind.name()),
                kind,
                baseline,
                ours,
                theirs,
            );
        }
    }
    println!();
}

/// route-cors's cost over no CORS against tower-http's, where tower-http
/// adds anything.
fn added_ratio(baseline: Figures, ours: Figures, theirs: Figures) -> String {
    let theirs_added = theirs.nanos - baseline.nanos;
    if theirs_added <= 0.0 {
        "n/a".to_owned()
    } else {
        format!("{:.2}", (ours.nanos - baseline.nanos) / theirs_added)
    }
}

// ---------------------------------------------------------------------------
// Part 2: 10, 100 and 1,000 routes; the route's policy or the default; bare
// or under auth, timeout and trace.

const ROUTE_COUNTS: [usize; 3] = [10, 100, 1_000];
const TOKEN: &str = "Bearer bench";

#[derive(Clone, Copy, PartialEq)]
enum Source {
    /// Every route's handler is `#[cors]`.
    Route,
    /// Every route is a plain axum `get`; `default_policy` decides.
    Default,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Route => "route's #[cors]",
            Source::Default => "global default",
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Stack {
    Bare,
    /// `route_layer(auth)`, `layer(timeout)`, then tracing outermost of all
    /// (outside CORS, where it sees every request).
    Middleware,
}

impl Stack {
    fn name(self) -> &'static str {
        match self {
            Stack::Bare => "bare",
            Stack::Middleware => "auth+timeout+trace",
        }
    }
}

fn route_path(i: usize) -> String {
    format!("/api/v1/r{i:04}/{{id}}")
}

/// The last route registered.
fn target_path(routes: usize) -> String {
    format!("/api/v1/r{:04}/42", routes - 1)
}

async fn auth(req: AxumRequest, next: Next) -> Result<Response, StatusCode> {
    match req.headers().get(AUTHORIZATION) {
        Some(token) if token == TOKEN => Ok(next.run(req).await),
        _ => Err(StatusCode::UNAUTHORIZED),
    }
}

fn timeout() -> TimeoutLayer {
    TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30))
}

/// The same policy as `item`'s.
fn default_policy() -> Policy {
    Policy::builder()
        .origins([ORIGINS[0]])
        .methods(["GET"])
        .headers(["authorization"])
        .build()
        .expect("a valid policy")
}

fn plain_routes(routes: usize) -> Router {
    (0..routes).fold(Router::new(), |router, i| {
        router.route(&route_path(i), get(no_cors))
    })
}

fn table_no_cors(routes: usize, stack: Stack) -> Router {
    let router = plain_routes(routes);
    match stack {
        Stack::Bare => router,
        Stack::Middleware => router
            .route_layer(middleware::from_fn(auth))
            .layer(timeout())
            .layer(TraceLayer::new_for_http()),
    }
}

/// No CORS, in the shape route-cors hands back: the app behind an outer
/// `Router` whose fallback service it is, with tracing on the outer one.
/// What route-cors costs over this is its decision: the table lookup and
/// the headers.
fn table_wrapped(routes: usize, stack: Stack) -> Router {
    let router = plain_routes(routes);
    match stack {
        Stack::Bare => Router::new().fallback_service(router),
        Stack::Middleware => Router::new()
            .fallback_service(
                router
                    .route_layer(middleware::from_fn(auth))
                    .layer(timeout()),
            )
            .layer(TraceLayer::new_for_http()),
    }
}

fn table_tower_http(routes: usize, stack: Stack) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list([HeaderValue::from_static(ORIGINS[0])]))
        .allow_methods([Method::GET])
        .allow_headers([AUTHORIZATION]);
    let router = plain_routes(routes);
    match stack {
        Stack::Bare => router.layer(cors),
        Stack::Middleware => router
            .route_layer(middleware::from_fn(auth))
            .layer(timeout())
            .layer(cors)
            .layer(TraceLayer::new_for_http()),
    }
}

fn table_route_cors(routes: usize, stack: Stack, source: Source) -> Router {
    let router = (0..routes).fold(CorsRouter::new(), |router, i| match source {
        Source::Route => router.route(&route_path(i), route_cors::get(item)),
        Source::Default => router.route(&route_path(i), get(no_cors)),
    });
    let router = match source {
        Source::Route => router,
        Source::Default => router.default_policy(default_policy()),
    };
    match stack {
        Stack::Bare => router.into_router(),
        Stack::Middleware => router
            .route_layer(middleware::from_fn(auth))
            .layer(timeout())
            .into_router()
            .layer(TraceLayer::new_for_http()),
    }
}

/// An actual request carries the token; a preflight, as a browser sends it,
/// does not, and asks for `authorization`.
fn table_request(kind: Kind, path: &str) -> Request<Body> {
    match kind {
        Kind::Actual => Request::get(path)
            .header("origin", ORIGINS[0])
            .header(AUTHORIZATION, TOKEN),
        Kind::Preflight => Request::options(path)
            .header("origin", ORIGINS[0])
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization"),
    }
    .body(Body::empty())
    .expect("a valid request")
}

/// Per (source, stack, kind): route-cors's nanoseconds with 10 and 1,000
/// routes, and no CORS's.
struct Scaling {
    label: String,
    ours: [f64; 2],
    baseline: [f64; 2],
}

fn part_table(iterations: u32, rt: &tokio::runtime::Runtime, checks: &mut Checks) {
    println!("## 2. Routes in the table, default policy, middleware");
    println!();
    println!(
        "{iterations} requests per round, median of {ROUNDS} rounds, one thread; 1 allowed origin"
    );
    println!();
    println!(
        "| policy | stack | routes | request | no CORS ns | wrapped ns | route-cors ns | tower-http ns | route-cors added ns | of which lookup + headers ns | tower-http added ns | added: route-cors / tower-http | lookup + headers / tower-http added | allocs: no CORS | wrapped | route-cors | tower-http |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut scaling = Vec::new();
    for source in [Source::Route, Source::Default] {
        for stack in [Stack::Bare, Stack::Middleware] {
            for kind in [Kind::Actual, Kind::Preflight] {
                let mut ends = Scaling {
                    label: format!("{}, {}, {}", source.name(), stack.name(), kind.name()),
                    ours: [0.0; 2],
                    baseline: [0.0; 2],
                };
                for routes in ROUTE_COUNTS {
                    let baseline = table_no_cors(routes, stack);
                    let wrapped = table_wrapped(routes, stack);
                    let ours = table_route_cors(routes, stack, source);
                    let theirs = table_tower_http(routes, stack);
                    let path = target_path(routes);
                    let make = || table_request(kind, &path);
                    check_table(
                        kind,
                        stack,
                        [&baseline, &wrapped, &ours, &theirs],
                        &make,
                        rt,
                    );
                    let figures = measure(
                        &[&baseline, &wrapped, &ours, &theirs],
                        &make,
                        iterations,
                        rt,
                    );
                    let [baseline, wrapped, ours, theirs] = figures[..] else {
                        unreachable!("four routers")
                    };
                    println!(
                        "| {} | {} | {routes} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
                        source.name(),
                        stack.name(),
                        kind.name(),
                        baseline.nanos,
                        wrapped.nanos,
                        ours.nanos,
                        theirs.nanos,
                        ours.nanos - baseline.nanos,
                        ours.nanos - wrapped.nanos,
                        theirs.nanos - baseline.nanos,
                        added_ratio(baseline, ours, theirs),
                        added_ratio(baseline, Figures { nanos: baseline.nanos + ours.nanos - wrapped.nanos, ..ours }, theirs),
                        baseline.allocations,
                        wrapped.allocations,
                        ours.allocations,
                        theirs.allocations,
                    );
                    checks.wrapped.push((
                        format!("part 2, {}, {routes} routes", ends.label),
                        kind,
                        ours.nanos - wrapped.nanos,
                        theirs.nanos - baseline.nanos,
                        ours.allocations - wrapped.allocations,
                    ));
                    checks.row(
                        &format!("part 2, {}, {routes} routes", ends.label),
                        kind,
                        baseline,
                        ours,
                        theirs,
                    );
                    if routes == ROUTE_COUNTS[0] {
                        ends.ours[0] = ours.nanos;
                        ends.baseline[0] = baseline.nanos;
                    } else if routes == ROUTE_COUNTS[2] {
                        ends.ours[1] = ours.nanos;
                        ends.baseline[1] = baseline.nanos;
                    }
                }
                scaling.push(ends);
            }
        }
    }
    println!();
    println!("1,000 routes against 10 (target: route-cors at most 1.20):");
    println!();
    println!("| policy, stack, request | route-cors 1000/10 | no CORS 1000/10 |");
    println!("|---|---|---|");
    for ends in &scaling {
        let ours = ends.ours[1] / ends.ours[0];
        println!(
            "| {} | {ours:.2} | {:.2} |",
            ends.label,
            ends.baseline[1] / ends.baseline[0]
        );
        checks.scaling.push((ends.label.clone(), ours));
    }
    println!();
}

/// Each router answers what its row says: the handler's `200` (no `401`, no
/// `404`), axum's `405` (or, under the stack, auth's `401`) for a preflight
/// without CORS, a grant with CORS.
fn check_table(
    kind: Kind,
    stack: Stack,
    [baseline, wrapped, ours, theirs]: [&Router; 4],
    make: &dyn Fn() -> Request<Body>,
    rt: &tokio::runtime::Runtime,
) {
    let (plain_status, ours_status, theirs_status) = match kind {
        Kind::Actual => (StatusCode::OK, StatusCode::OK, StatusCode::OK),
        // axum's `route_layer` also wraps the `405` of a path's method
        // router: without CORS, the auth check refuses the preflight first.
        Kind::Preflight if stack == Stack::Middleware => (
            StatusCode::UNAUTHORIZED,
            StatusCode::NO_CONTENT,
            StatusCode::OK,
        ),
        Kind::Preflight => (
            StatusCode::METHOD_NOT_ALLOWED,
            StatusCode::NO_CONTENT,
            StatusCode::OK,
        ),
    };
    for (name, router) in [("no CORS", baseline), ("wrapped", wrapped)] {
        let res = respond(router, make(), rt);
        assert_eq!(res.status(), plain_status, "{name}");
        assert_eq!(allow_origin(&res), None, "{name}");
    }
    let res = respond(ours, make(), rt);
    assert_eq!(res.status(), ours_status, "route-cors");
    assert_eq!(allow_origin(&res), Some(ORIGINS[0]), "route-cors");
    let res = respond(theirs, make(), rt);
    assert_eq!(res.status(), theirs_status, "tower-http");
    assert_eq!(allow_origin(&res), Some(ORIGINS[0]), "tower-http");
}

// ---------------------------------------------------------------------------
// Part 3: malformed input.

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

/// A copy of a stored request: the big values are shared, cloning a
/// `HeaderValue` is a reference count.
fn copy(req: &Request<()>) -> Request<Body> {
    let mut copy = Request::new(Body::empty());
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.headers_mut() = req.headers().clone();
    copy
}

fn part_malformed(iterations: u32, rt: &tokio::runtime::Runtime) {
    let iterations = iterations / 10;
    println!("## 3. Malformed input");
    println!();
    println!("{iterations} requests per round, median of {ROUNDS} rounds, 100 allowed origins; refused without a grant by route-cors");
    println!();
    println!("| malformed request | no CORS ns | route-cors ns | tower-http ns |");
    println!("|---|---|---|---|");
    let baseline = origins_no_cors();
    let ours = origins_route_cors(100);
    let theirs = origins_tower_http(100);
    for (name, req) in malformed_requests() {
        let make = || copy(&req);
        assert_eq!(allow_origin(&respond(&baseline, make(), rt)), None);
        assert_eq!(
            allow_origin(&respond(&ours, make(), rt)),
            None,
            "malformed input got a grant"
        );
        let figures = measure(&[&baseline, &ours, &theirs], &make, iterations, rt);
        println!(
            "| {name} | {:.0} | {:.0} | {:.0} |",
            figures[0].nanos, figures[1].nanos, figures[2].nanos
        );
    }
    println!();
}

// ---------------------------------------------------------------------------
// Part 4: over a socket.

/// The routes of the socket part, and the one requested.
const SOCKET_ROUTES: usize = 100;

/// The wire floor's handler: route-cors's header lines for an allowed
/// origin, as static values written by the handler itself, the cheapest
/// way axum has: the bytes of a grant without a decision.
async fn wire_floor() -> ([(HeaderName, HeaderValue); 2], &'static str) {
    (
        [
            (
                ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static(ORIGINS[0]),
            ),
            (VARY, HeaderValue::from_static("origin")),
        ],
        "ok",
    )
}

fn part_socket(quick: bool) -> loopback::Report {
    println!("## 4. Over a loopback socket");
    println!();
    let servers = vec![
        ("no CORS", table_no_cors(SOCKET_ROUTES, Stack::Bare)),
        (
            "route-cors",
            table_route_cors(SOCKET_ROUTES, Stack::Bare, Source::Route),
        ),
        ("tower-http", table_tower_http(SOCKET_ROUTES, Stack::Bare)),
        (
            "wire floor",
            (0..SOCKET_ROUTES).fold(Router::new(), |router, i| {
                router.route(&route_path(i), get(wire_floor))
            }),
        ),
    ];
    let request = format!(
        "GET {} HTTP/1.1\r\nhost: 127.0.0.1\r\norigin: {}\r\nauthorization: {TOKEN}\r\n\r\n",
        target_path(SOCKET_ROUTES),
        ORIGINS[0]
    );
    let config = if quick {
        loopback::Config::quick()
    } else {
        loopback::Config::full()
    };
    loopback::run(servers, request.as_bytes(), &config)
}

// ---------------------------------------------------------------------------
// The targets (BENCHMARKS.md), checked on the figures of this run, printed,
// not asserted.

#[derive(Default)]
struct Checks {
    /// Actual requests: (row, route-cors added, tower-http added).
    added: Vec<(String, f64, f64)>,
    /// Preflights: (row, route-cors ns, no CORS `405` ns).
    preflight: Vec<(String, f64, f64)>,
    /// Actual requests: (row, route-cors allocations over no CORS).
    allocations: Vec<(String, f64)>,
    /// (row, route-cors 1,000 routes / 10 routes).
    scaling: Vec<(String, f64)>,
    /// Part 2: (row, kind, route-cors over wrapped ns, tower-http added ns,
    /// route-cors allocations over wrapped).
    wrapped: Vec<(String, Kind, f64, f64, f64)>,
}

impl Checks {
    fn row(&mut self, label: &str, kind: Kind, baseline: Figures, ours: Figures, theirs: Figures) {
        match kind {
            Kind::Actual => {
                self.added.push((
                    label.to_owned(),
                    ours.nanos - baseline.nanos,
                    theirs.nanos - baseline.nanos,
                ));
                self.allocations
                    .push((label.to_owned(), ours.allocations - baseline.allocations));
            }
            Kind::Preflight => {
                self.preflight
                    .push((label.to_owned(), ours.nanos, baseline.nanos));
            }
        }
    }

    fn print(&self, socket: &loopback::Report) {
        println!("## Targets, on this run's figures");
        println!();
        let ratio = |ours: f64, theirs: f64| {
            if theirs > 0.0 {
                ours / theirs
            } else {
                f64::INFINITY
            }
        };
        target(
            "actual request: route-cors added <= 0.5 x tower-http added (parts 1 and 2)",
            self.added
                .iter()
                .map(|(label, ours, theirs)| (label.clone(), ratio(*ours, *theirs)))
                .collect(),
            |r| r <= 0.5,
        );
        target(
            "actual request: lookup + headers (route-cors over wrapped) <= 0.5 x tower-http added (part 2)",
            self.wrapped
                .iter()
                .filter(|row| row.1 == Kind::Actual)
                .map(|(label, _, ours, theirs, _)| (label.clone(), ratio(*ours, *theirs)))
                .collect(),
            |r| r <= 0.5,
        );
        target(
            "preflight: route-cors / no CORS's answer (405, or auth's 401) < 1",
            self.preflight
                .iter()
                .map(|(label, ours, baseline)| (label.clone(), ours / baseline))
                .collect(),
            |r| r < 1.0,
        );
        target(
            "actual request: route-cors allocations - no CORS's <= 2",
            self.allocations.clone(),
            |extra| extra <= 2.0,
        );
        target(
            "actual request: route-cors allocations - wrapped's <= 2 (part 2)",
            self.wrapped
                .iter()
                .filter(|row| row.1 == Kind::Actual)
                .map(|(label, _, _, _, extra)| (label.clone(), *extra))
                .collect(),
            |extra| extra <= 2.0,
        );
        target(
            "route-cors: 1,000 routes / 10 routes <= 1.2",
            self.scaling.clone(),
            |r| r <= 1.2,
        );
        target(
            "loopback: route-cors / wire floor requests/s >= 0.95 (median of the per-round ratios)",
            vec![(
                "route-cors / wire floor".to_owned(),
                socket.ratio("route-cors", "wire floor"),
            )],
            |r| r >= 0.95,
        );
        target(
            "loopback, per second of server CPU: route-cors / wire floor >= 0.95 (median of the per-round ratios)",
            vec![(
                "route-cors / wire floor".to_owned(),
                socket.cpu_ratio("route-cors", "wire floor"),
            )],
            |r| r >= 0.95,
        );
    }
}

/// Prints whether `met` holds for every row, the worst row, and the rows
/// where it does not.
fn target(name: &str, rows: Vec<(String, f64)>, met: fn(f64) -> bool) {
    let failing: Vec<&(String, f64)> = rows.iter().filter(|(_, value)| !met(*value)).collect();
    let verdict = if failing.is_empty() { "met" } else { "NOT met" };
    println!(
        "- {name}: {verdict}, in {} of {} rows",
        rows.len() - failing.len(),
        rows.len()
    );
    for (label, value) in &failing {
        println!("  - not met: {value:.2}, {label}");
    }
}

fn main() {
    // `cargo bench` passes `--bench`; without it (`cargo test --benches`,
    // the binary run by hand) or with `ROUTE_CORS_BENCH_QUICK` set, every
    // part runs once, briefly, as a smoke test.
    let quick = !std::env::args().any(|a| a == "--bench")
        || std::env::var_os("ROUTE_CORS_BENCH_QUICK").is_some();
    let iterations = if quick { 200 } else { 100_000 };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    // `cargo bench --bench cors -- in-process` or `-- socket`: one half.
    let only = |part: &str| std::env::args().any(|a| a == part);
    let (in_process, socket) = match (only("in-process"), only("socket")) {
        (false, false) => (true, true),
        selected => selected,
    };
    let mut checks = Checks::default();
    if in_process {
        part_origins(iterations, &rt, &mut checks);
        part_table(iterations, &rt, &mut checks);
        part_malformed(iterations, &rt);
    }
    if socket {
        let report = part_socket(quick);
        if in_process {
            checks.print(&report);
        }
    }
}
