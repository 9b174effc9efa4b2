//! Latency and allocations per request, in one run, then throughput over a
//! loopback socket. route-cors is measured served both ways: `into_router`
//! (the app behind an outer axum `Router`) and `into_service` (route-cors's
//! own service, without it).
//!
//! 1. One route with 1, 10 and 100 allowed origins: no CORS, `#[cors]`, and
//!    tower-http's `CorsLayer`, for an actual request and a preflight.
//! 2. 10, 100 and 1,000 routes in the table, each route under its own
//!    `#[cors]` policy or plain under the app's default policy, bare or
//!    under a middleware stack (auth, timeout, trace): no CORS, `CorsLayer`
//!    and route-cors.
//! 3. Malformed input.
//! 4. A load generator on 127.0.0.1 (keep-alive connections, servers
//!    alternating): no CORS, route-cors both ways, `CorsLayer`, and a "wire
//!    floor" that writes route-cors's header lines with no decision.
//! 5. Origin forms: an `origins = "*"` route asked with IP, IPv6, long and
//!    malformed origins, against a handler that writes the same header
//!    lines with no decision.
//! 6. Run-time policies: a route with a written policy, a named one and the
//!    default, in an app with `.policies(..)`, against the written-policy
//!    route in an app without.
//!
//! `cargo bench --bench cors` (figures and how to read them: BENCHMARKS.md).
//! `cargo test --benches` (no `--bench` argument) or
//! `ROUTE_CORS_BENCH_QUICK=1` runs every part once, briefly, as a smoke test.

#[path = "support/loopback.rs"]
mod loopback;

use std::alloc::{GlobalAlloc, Layout, System};
use std::convert::Infallible;
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
use http::response::Parts;
use http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use route_cors::service::CorsService;
use route_cors::{cors, CorsRouter, Policies, Policy, PolicySet};
use tower::{Service, ServiceBuilder, ServiceExt};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{Trace, TraceLayer};

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

/// The handler of part 5: any origin.
#[cors(origins = "*")]
async fn any_origin() -> &'static str {
    "ok"
}

/// The handler of part 6 that names a run-time policy.
#[cors(policy = "partner")]
async fn partner_data() -> &'static str {
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

/// route-cors's `into_service` under tracing as a tower layer, outermost of
/// all: `ServiceBuilder::new().layer(TraceLayer::new_for_http()).service(..)`.
type Traced = Trace<CorsService, SharedClassifier<ServerErrorsAsFailures>>;

/// What a column measures: an axum `Router` (no CORS, tower-http,
/// route-cors's `into_router`), or route-cors's own service
/// (`into_service`), alone or under `TraceLayer`. Each is called as it is,
/// without boxing.
#[derive(Clone)]
enum App {
    Router(Router),
    Service(CorsService),
    Traced(Traced),
}

impl From<Router> for App {
    fn from(router: Router) -> Self {
        App::Router(router)
    }
}

impl From<CorsService> for App {
    fn from(service: CorsService) -> Self {
        App::Service(service)
    }
}

/// One round: `iterations` requests one after another, each built by `make`
/// (building it is counted, alike for every app of a row).
fn round(
    app: &App,
    make: &dyn Fn() -> Request<Body>,
    iterations: u32,
    rt: &tokio::runtime::Runtime,
) -> Figures {
    match app {
        App::Router(router) => round_with(router.clone(), make, iterations, rt),
        App::Service(service) => round_with(service.clone(), make, iterations, rt),
        App::Traced(traced) => round_with(traced.clone(), make, iterations, rt),
    }
}

fn round_with<S, B>(
    mut service: S,
    make: &dyn Fn() -> Request<Body>,
    iterations: u32,
    rt: &tokio::runtime::Runtime,
) -> Figures
where
    S: Service<Request<Body>, Response = http::Response<B>, Error = Infallible>,
{
    rt.block_on(async {
        let allocations_before = ALLOCATIONS.load(Ordering::Relaxed);
        let started = Instant::now();
        for _ in 0..iterations {
            let req = make();
            let svc = ServiceExt::<Request<Body>>::ready(&mut service)
                .await
                .expect("the app is always ready");
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

/// The median round of each app, the apps taking turns.
fn measure(
    apps: &[&App],
    make: &dyn Fn() -> Request<Body>,
    iterations: u32,
    rt: &tokio::runtime::Runtime,
) -> Vec<Figures> {
    let targets: Vec<(&App, &dyn Fn() -> Request<Body>)> =
        apps.iter().map(|app| (*app, make)).collect();
    measure_each(&targets, iterations, rt)
}

/// The same, each app with its own request.
fn measure_each(
    targets: &[(&App, &dyn Fn() -> Request<Body>)],
    iterations: u32,
    rt: &tokio::runtime::Runtime,
) -> Vec<Figures> {
    let mut rounds: Vec<Vec<Figures>> = targets.iter().map(|_| Vec::new()).collect();
    for _ in 0..ROUNDS {
        for ((app, make), figures) in targets.iter().zip(&mut rounds) {
            figures.push(round(app, *make, iterations, rt));
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

/// The head of one response, to check that an app answers what the row
/// says it measures.
fn respond(app: &App, req: Request<Body>, rt: &tokio::runtime::Runtime) -> Parts {
    match app {
        App::Router(router) => head(rt.block_on(router.clone().oneshot(req))),
        App::Service(service) => head(rt.block_on(service.clone().oneshot(req))),
        App::Traced(traced) => head(rt.block_on(traced.clone().oneshot(req))),
    }
}

fn head<B>(res: Result<http::Response<B>, Infallible>) -> Parts {
    res.expect("infallible").into_parts().0
}

fn allow_origin(res: &Parts) -> Option<&str> {
    res.headers
        .get(ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().expect("ASCII"))
}

/// A response's header lines, sorted, to compare two apps' answers.
fn header_lines(res: &Parts) -> Vec<(String, Vec<u8>)> {
    let mut lines: Vec<(String, Vec<u8>)> = res
        .headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    lines.sort();
    lines
}

/// `part / whole`, or `n/a` where `whole` is not positive.
fn ratio_cell(part: f64, whole: f64) -> String {
    if whole <= 0.0 {
        "n/a".to_owned()
    } else {
        format!("{:.2}", part / whole)
    }
}

// ---------------------------------------------------------------------------
// Part 1: one route, 1, 10 and 100 allowed origins.

fn origins_cors_router(n: usize) -> CorsRouter {
    let router = CorsRouter::new();
    match n {
        1 => router.route("/r", route_cors::get(one_origin)),
        10 => router.route("/r", route_cors::get(ten_origins)),
        _ => router.route("/r", route_cors::get(hundred_origins)),
    }
}

fn origins_route_cors(n: usize) -> Router {
    origins_cors_router(n).into_router()
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
        "| request | origins | no CORS ns | into_router ns | into_service ns | tower-http ns | into_router / no CORS | into_service / no CORS | added / tower-http added: into_router | into_service | allocs: no CORS | into_router | into_service | tower-http |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for kind in [Kind::Actual, Kind::Preflight] {
        for n in [1, 10, 100] {
            let baseline = App::from(origins_no_cors());
            let router = App::from(origins_route_cors(n));
            let service = App::from(origins_cors_router(n).into_service());
            let theirs = App::from(origins_tower_http(n));
            let make = || origins_request(kind, n);
            let granted = ORIGINS[n - 1];
            for (name, app) in [
                ("into_router", &router),
                ("into_service", &service),
                ("tower-http", &theirs),
            ] {
                assert_eq!(
                    allow_origin(&respond(app, make(), rt)),
                    Some(granted),
                    "{name}"
                );
            }
            let figures = measure(
                &[&baseline, &router, &service, &theirs],
                &make,
                iterations,
                rt,
            );
            let [baseline, router, service, theirs] = figures[..] else {
                unreachable!("four apps")
            };
            println!(
                "| {} | {n} | {:.0} | {:.0} | {:.0} | {:.0} | {:.2} | {:.2} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
                kind.name(),
                baseline.nanos,
                router.nanos,
                service.nanos,
                theirs.nanos,
                router.nanos / baseline.nanos,
                service.nanos / baseline.nanos,
                added_ratio(baseline, router, theirs),
                added_ratio(baseline, service, theirs),
                baseline.allocations,
                router.allocations,
                service.allocations,
                theirs.allocations,
            );
            let label = format!("part 1, {}, {n} origins", kind.name());
            checks.router.row(&label, kind, baseline, router, theirs);
            checks.service.row(&label, kind, baseline, service, theirs);
        }
    }
    println!();
}

/// route-cors's cost over no CORS against tower-http's, where tower-http
/// adds anything.
fn added_ratio(baseline: Figures, ours: Figures, theirs: Figures) -> String {
    ratio_cell(ours.nanos - baseline.nanos, theirs.nanos - baseline.nanos)
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

/// No CORS, in the shape `into_router` hands back: the app behind an outer
/// `Router` whose fallback service it is, with tracing on the outer one.
/// What `into_router` costs over this is its decision: the table lookup and
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

/// The `CorsRouter` of a row, with auth and timeout on it (inside CORS)
/// under the stack; trace goes outside, on what it is turned into.
fn table_cors_router(routes: usize, stack: Stack, source: Source) -> CorsRouter {
    let router = (0..routes).fold(CorsRouter::new(), |router, i| match source {
        Source::Route => router.route(&route_path(i), route_cors::get(item)),
        Source::Default => router.route(&route_path(i), get(no_cors)),
    });
    let router = match source {
        Source::Route => router,
        Source::Default => router.default_policy(default_policy()),
    };
    match stack {
        Stack::Bare => router,
        Stack::Middleware => router
            .route_layer(middleware::from_fn(auth))
            .layer(timeout()),
    }
}

/// `into_router`, trace on the returned `Router`.
fn table_route_cors(routes: usize, stack: Stack, source: Source) -> Router {
    let router = table_cors_router(routes, stack, source).into_router();
    match stack {
        Stack::Bare => router,
        Stack::Middleware => router.layer(TraceLayer::new_for_http()),
    }
}

/// `into_service`, trace as a tower layer over it.
fn table_into_service(routes: usize, stack: Stack, source: Source) -> App {
    let service = table_cors_router(routes, stack, source).into_service();
    match stack {
        Stack::Bare => App::Service(service),
        Stack::Middleware => App::Traced(
            ServiceBuilder::new()
                .layer(TraceLayer::new_for_http())
                .service(service),
        ),
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
/// routes, both ways, and no CORS's.
struct Scaling {
    label: String,
    router: [f64; 2],
    service: [f64; 2],
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
        "| policy | stack | routes | request | no CORS ns | wrapped ns | into_router ns | into_service ns | tower-http ns | into_router added ns | of which lookup + headers ns | into_service added ns | tower-http added ns | added / tower-http added: into_router | lookup + headers | into_service | allocs: no CORS | wrapped | into_router | into_service | tower-http |"
    );
    println!(
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    let mut scaling = Vec::new();
    for source in [Source::Route, Source::Default] {
        for stack in [Stack::Bare, Stack::Middleware] {
            for kind in [Kind::Actual, Kind::Preflight] {
                let mut ends = Scaling {
                    label: format!("{}, {}, {}", source.name(), stack.name(), kind.name()),
                    router: [0.0; 2],
                    service: [0.0; 2],
                    baseline: [0.0; 2],
                };
                for routes in ROUTE_COUNTS {
                    let baseline = App::from(table_no_cors(routes, stack));
                    let wrapped = App::from(table_wrapped(routes, stack));
                    let router = App::from(table_route_cors(routes, stack, source));
                    let service = table_into_service(routes, stack, source);
                    let theirs = App::from(table_tower_http(routes, stack));
                    let path = target_path(routes);
                    let make = || table_request(kind, &path);
                    let apps = [&baseline, &wrapped, &router, &service, &theirs];
                    check_table(kind, stack, apps, &make, rt);
                    let figures = measure(&apps, &make, iterations, rt);
                    let [baseline, wrapped, router, service, theirs] = figures[..] else {
                        unreachable!("five apps")
                    };
                    let theirs_added = theirs.nanos - baseline.nanos;
                    println!(
                        "| {} | {} | {routes} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
                        source.name(),
                        stack.name(),
                        kind.name(),
                        baseline.nanos,
                        wrapped.nanos,
                        router.nanos,
                        service.nanos,
                        theirs.nanos,
                        router.nanos - baseline.nanos,
                        router.nanos - wrapped.nanos,
                        service.nanos - baseline.nanos,
                        theirs_added,
                        ratio_cell(router.nanos - baseline.nanos, theirs_added),
                        ratio_cell(router.nanos - wrapped.nanos, theirs_added),
                        ratio_cell(service.nanos - baseline.nanos, theirs_added),
                        baseline.allocations,
                        wrapped.allocations,
                        router.allocations,
                        service.allocations,
                        theirs.allocations,
                    );
                    let label = format!("part 2, {}, {routes} routes", ends.label);
                    checks.wrapped.push((
                        label.clone(),
                        kind,
                        router.nanos - wrapped.nanos,
                        theirs_added,
                        router.allocations - wrapped.allocations,
                    ));
                    checks.router.row(&label, kind, baseline, router, theirs);
                    checks.service.row(&label, kind, baseline, service, theirs);
                    let end = if routes == ROUTE_COUNTS[0] {
                        Some(0)
                    } else if routes == ROUTE_COUNTS[2] {
                        Some(1)
                    } else {
                        None
                    };
                    if let Some(end) = end {
                        ends.router[end] = router.nanos;
                        ends.service[end] = service.nanos;
                        ends.baseline[end] = baseline.nanos;
                    }
                }
                scaling.push(ends);
            }
        }
    }
    println!();
    println!("1,000 routes against 10 (target: route-cors at most 1.20):");
    println!();
    println!(
        "| policy, stack, request | into_router 1000/10 | into_service 1000/10 | no CORS 1000/10 |"
    );
    println!("|---|---|---|---|");
    for ends in &scaling {
        let router = ends.router[1] / ends.router[0];
        let service = ends.service[1] / ends.service[0];
        println!(
            "| {} | {router:.2} | {service:.2} | {:.2} |",
            ends.label,
            ends.baseline[1] / ends.baseline[0]
        );
        checks.router.scaling.push((ends.label.clone(), router));
        checks.service.scaling.push((ends.label.clone(), service));
    }
    println!();
}

/// Each app answers what its row says: the handler's `200` (no `401`, no
/// `404`), axum's `405` (or, under the stack, auth's `401`) for a preflight
/// without CORS, a grant with CORS.
fn check_table(
    kind: Kind,
    stack: Stack,
    [baseline, wrapped, router, service, theirs]: [&App; 5],
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
    for (name, app) in [("no CORS", baseline), ("wrapped", wrapped)] {
        let res = respond(app, make(), rt);
        assert_eq!(res.status, plain_status, "{name}");
        assert_eq!(allow_origin(&res), None, "{name}");
    }
    for (name, app, status) in [
        ("into_router", router, ours_status),
        ("into_service", service, ours_status),
        ("tower-http", theirs, theirs_status),
    ] {
        let res = respond(app, make(), rt);
        assert_eq!(res.status, status, "{name}");
        assert_eq!(allow_origin(&res), Some(ORIGINS[0]), "{name}");
    }
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
    println!("{iterations} requests per round, median of {ROUNDS} rounds, 100 allowed origins; refused without a grant by route-cors (into_router)");
    println!();
    println!("| malformed request | no CORS ns | route-cors ns | tower-http ns |");
    println!("|---|---|---|---|");
    let baseline = App::from(origins_no_cors());
    let ours = App::from(origins_route_cors(100));
    let theirs = App::from(origins_tower_http(100));
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
        (
            "no CORS",
            loopback::Server::Router(table_no_cors(SOCKET_ROUTES, Stack::Bare)),
        ),
        (
            "into_router",
            loopback::Server::Router(table_route_cors(SOCKET_ROUTES, Stack::Bare, Source::Route)),
        ),
        (
            "into_service",
            loopback::Server::Service(
                table_cors_router(SOCKET_ROUTES, Stack::Bare, Source::Route).into_service(),
            ),
        ),
        (
            "tower-http",
            loopback::Server::Router(table_tower_http(SOCKET_ROUTES, Stack::Bare)),
        ),
        (
            "wire floor",
            loopback::Server::Router((0..SOCKET_ROUTES).fold(Router::new(), |router, i| {
                router.route(&route_path(i), get(wire_floor))
            })),
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
    loopback::run(
        servers,
        request.as_bytes(),
        &config,
        &["into_router", "into_service"],
        &[
            ("into_router", "wire floor"),
            ("into_service", "wire floor"),
            ("into_router", "no CORS"),
            ("into_service", "no CORS"),
            ("wire floor", "no CORS"),
            ("tower-http", "wire floor"),
            ("into_service", "into_router"),
            ("into_router", "tower-http"),
            ("into_service", "tower-http"),
        ],
    )
}

// ---------------------------------------------------------------------------
// Part 5: origin forms, on an `origins = "*"` route.

/// What the `origins = "*"` route writes for a value that is an origin, as
/// static values written by the handler itself: the header inserts without
/// a decision.
async fn any_origin_floor() -> ([(HeaderName, HeaderValue); 2], &'static str) {
    (
        [
            (ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")),
            (VARY, HeaderValue::from_static("origin")),
        ],
        "ok",
    )
}

/// What it writes for a value that is not: no grant, `Vary` alone.
async fn refusal_floor() -> ([(HeaderName, HeaderValue); 1], &'static str) {
    ([(VARY, HeaderValue::from_static("origin"))], "ok")
}

/// The longest origin a domain host allows under `https` with a port: a
/// 253-byte host (three 63-byte labels, a 49-byte one, `example.com`) and
/// `:65535`, 267 bytes.
fn long_origin() -> String {
    let host = format!(
        "{}.{}.{}.{}.example.com",
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(49)
    );
    assert_eq!(host.len(), 253, "the longest host");
    format!("https://{host}:65535")
}

/// (row, the `Origin` value, whether it is one).
fn origin_forms() -> Vec<(String, HeaderValue, bool)> {
    let long = long_origin();
    vec![
        (
            "domain, `https://app000.example.com`".to_owned(),
            HeaderValue::from_static(ORIGINS[0]),
            true,
        ),
        (
            "IPv4 and port, `http://127.0.0.1:3000`".to_owned(),
            HeaderValue::from_static("http://127.0.0.1:3000"),
            true,
        ),
        (
            "IPv6, `http://[2001:db8::1]`".to_owned(),
            HeaderValue::from_static("http://[2001:db8::1]"),
            true,
        ),
        (
            format!("long, {} bytes (253-byte host, port)", long.len()),
            HeaderValue::from_str(&long).expect("ASCII"),
            true,
        ),
        (
            "malformed: uppercase, `http://App.example.com`".to_owned(),
            HeaderValue::from_static("http://App.example.com"),
            false,
        ),
        (
            "malformed: a space, `https://a b`".to_owned(),
            HeaderValue::from_static("https://a b"),
            false,
        ),
        (
            "malformed: raw byte 0xff, `https://\\xff.example.com`".to_owned(),
            HeaderValue::from_bytes(b"https://\xff.example.com").expect("obs-text"),
            false,
        ),
    ]
}

fn part_origin_forms(iterations: u32, rt: &tokio::runtime::Runtime, checks: &mut Checks) {
    println!("## 5. Origin forms, `origins = \"*\"`");
    println!();
    println!("{iterations} requests per round, median of {ROUNDS} rounds, one thread; actual GET of `#[cors(origins = \"*\")]`");
    println!();
    println!(
        "| Origin | an origin? | no CORS ns | header floor ns | into_service ns | into_router ns | into_service over header floor ns | allocs: no CORS | header floor | into_service | into_router | into_service over header floor |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    let baseline = App::from(origins_no_cors());
    let grant_floor = App::from(Router::new().route("/r", get(any_origin_floor)));
    let refusal_floor = App::from(Router::new().route("/r", get(refusal_floor)));
    let any = || CorsRouter::new().route("/r", route_cors::get(any_origin));
    let service = App::from(any().into_service());
    let router = App::from(any().into_router());
    for (name, origin, valid) in origin_forms() {
        let make = || {
            Request::get("/r")
                .header("origin", origin.clone())
                .body(Body::empty())
                .expect("a valid request")
        };
        let floor = if valid { &grant_floor } else { &refusal_floor };
        let expected = header_lines(&respond(floor, make(), rt));
        for (app_name, app) in [("into_service", &service), ("into_router", &router)] {
            let res = respond(app, make(), rt);
            assert_eq!(res.status, StatusCode::OK, "{app_name}, {name}");
            assert_eq!(
                allow_origin(&res),
                valid.then_some("*"),
                "{app_name}, {name}"
            );
            assert_eq!(
                header_lines(&res),
                expected,
                "{app_name} writes the header floor's lines, {name}"
            );
        }
        let figures = measure(
            &[&baseline, floor, &service, &router],
            &make,
            iterations,
            rt,
        );
        let [baseline, floor, service, router] = figures[..] else {
            unreachable!("four apps")
        };
        println!(
            "| {name} | {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {:+.1} |",
            if valid { "yes" } else { "no" },
            baseline.nanos,
            floor.nanos,
            service.nanos,
            router.nanos,
            service.nanos - floor.nanos,
            baseline.allocations,
            floor.allocations,
            service.allocations,
            router.allocations,
            service.allocations - floor.allocations,
        );
        checks
            .origin_forms
            .push((name, service.allocations - floor.allocations));
    }
    println!();
}

// ---------------------------------------------------------------------------
// Part 6: run-time policies.

const PARTNER: &str = "https://partner.example.com";

/// One app's three routes: `/own` with its own `#[cors]` policy, `/partner`
/// and `/plain`; with run-time policies, `/partner` names the `partner`
/// policy and `/plain` gets the default, without them both are plain.
fn runtime_app(with_policies: bool) -> CorsService {
    let router = CorsRouter::new()
        .route("/own", route_cors::get(one_origin))
        .route("/plain", get(no_cors));
    if !with_policies {
        return router.route("/partner", get(no_cors)).into_service();
    }
    let set = PolicySet::new()
        .with_default(
            Policy::builder()
                .origins([ORIGINS[0]])
                .methods(["GET"])
                .build()
                .expect("a valid policy"),
        )
        .with_policy(
            "partner",
            Policy::builder()
                .origins([PARTNER])
                .methods(["GET"])
                .build()
                .expect("a valid policy"),
        )
        .expect("a valid name");
    router
        .route("/partner", route_cors::get(partner_data))
        .policies(Policies::new(set))
        .into_service()
}

fn runtime_request(kind: Kind, path: &str, origin: &'static str) -> Request<Body> {
    match kind {
        Kind::Actual => Request::get(path).header("origin", origin),
        Kind::Preflight => Request::options(path)
            .header("origin", origin)
            .header("access-control-request-method", "GET"),
    }
    .body(Body::empty())
    .expect("a valid request")
}

fn part_runtime(iterations: u32, rt: &tokio::runtime::Runtime, checks: &mut Checks) {
    println!("## 6. Run-time policies");
    println!();
    println!("{iterations} requests per round, median of {ROUNDS} rounds, one thread; into_service; the five columns of a request kind take turns");
    println!();
    println!("| request | route | app | no CORS ns | route-cors ns | over the written route, app without run-time policies ns | allocs: no CORS | route-cors |");
    println!("|---|---|---|---|---|---|---|---|");
    let baseline = App::from(
        Router::new()
            .route("/own", get(no_cors))
            .route("/partner", get(no_cors))
            .route("/plain", get(no_cors)),
    );
    let without = App::from(runtime_app(false));
    let with = App::from(runtime_app(true));
    for kind in [Kind::Actual, Kind::Preflight] {
        let own: &dyn Fn() -> Request<Body> = &|| runtime_request(kind, "/own", ORIGINS[0]);
        let partner: &dyn Fn() -> Request<Body> = &|| runtime_request(kind, "/partner", PARTNER);
        let plain: &dyn Fn() -> Request<Body> = &|| runtime_request(kind, "/plain", ORIGINS[0]);
        let status = match kind {
            Kind::Actual => StatusCode::OK,
            Kind::Preflight => StatusCode::NO_CONTENT,
        };
        for (name, app, make, origin) in [
            ("written, without", &without, own, ORIGINS[0]),
            ("written, with", &with, own, ORIGINS[0]),
            ("named, with", &with, partner, PARTNER),
            ("default, with", &with, plain, ORIGINS[0]),
        ] {
            let res = respond(app, make(), rt);
            assert_eq!(res.status, status, "{name}");
            assert_eq!(allow_origin(&res), Some(origin), "{name}");
        }
        let figures = measure_each(
            &[
                (&baseline, own),
                (&without, own),
                (&with, own),
                (&with, partner),
                (&with, plain),
            ],
            iterations,
            rt,
        );
        let [baseline, without, with_own, with_partner, with_plain] = figures[..] else {
            unreachable!("five columns")
        };
        for (route, app, figures) in [
            (
                "`/own`, its own `#[cors]`",
                "without run-time policies",
                without,
            ),
            (
                "`/own`, its own `#[cors]`",
                "with run-time policies",
                with_own,
            ),
            (
                "`/partner`, `#[cors(policy = \"partner\")]`",
                "with run-time policies",
                with_partner,
            ),
            (
                "`/plain`, the default",
                "with run-time policies",
                with_plain,
            ),
        ] {
            println!(
                "| {} | {route} | {app} | {:.0} | {:.0} | {:+.0} | {:.1} | {:.1} |",
                kind.name(),
                baseline.nanos,
                figures.nanos,
                figures.nanos - without.nanos,
                baseline.allocations,
                figures.allocations,
            );
        }
        checks.runtime.push((
            format!("part 6, {}", kind.name()),
            with_own.nanos / without.nanos,
            with_own.allocations - without.allocations,
        ));
    }
    println!();
}

// ---------------------------------------------------------------------------
// 7. Cross-origin writes
// ---------------------------------------------------------------------------

#[cors(origins = ["https://app000.example.com"], methods = [GET, POST])]
async fn write_one_origin() -> &'static str {
    "written"
}

/// A `POST` to `/w` from `origin`, with `Sec-Fetch-Site: site`; a
/// preflight for it with `site` "preflight".
fn write_request(origin: &'static str, site: &'static str) -> Request<Body> {
    match site {
        "preflight" => Request::options("/w")
            .header("origin", origin)
            .header("access-control-request-method", "POST"),
        site => Request::post("/w")
            .header("origin", origin)
            .header("sec-fetch-site", site),
    }
    .body(Body::empty())
    .expect("a valid request")
}

/// A function that builds one request of a row.
type MakeRequest<'a> = &'a dyn Fn() -> Request<Body>;

fn part_writes(iterations: u32, rt: &tokio::runtime::Runtime, checks: &mut Checks) {
    println!("## 7. Cross-origin writes");
    println!();
    println!("{iterations} requests per round, median of {ROUNDS} rounds, one thread; into_service; `POST /w` under `origins = [one], methods = [GET, POST]`");
    println!();
    println!("| request | no CORS ns | route-cors ns | allocs: no CORS | route-cors |");
    println!("|---|---|---|---|---|");
    let baseline = App::from(Router::new().route("/w", axum::routing::post(no_cors)));
    let ours = App::from(
        CorsRouter::new()
            .route("/w", route_cors::post(write_one_origin))
            .into_service(),
    );
    let evil = "https://evil.example.com";
    let rows: [(&str, MakeRequest<'_>, StatusCode); 4] = [
        (
            "allowed write, same-origin (the check reads one header)",
            &|| write_request(ORIGINS[0], "same-origin"),
            StatusCode::OK,
        ),
        (
            "allowed write, cross-site (the check runs)",
            &|| write_request(ORIGINS[0], "cross-site"),
            StatusCode::OK,
        ),
        (
            "refused write, cross-site",
            &|| write_request(evil, "cross-site"),
            StatusCode::FORBIDDEN,
        ),
        (
            "refused preflight",
            &|| write_request(evil, "preflight"),
            StatusCode::FORBIDDEN,
        ),
    ];
    let mut figures = Vec::new();
    for (name, make, status) in rows {
        assert_eq!(respond(&ours, make(), rt).status, status, "{name}");
        let [none, route_cors] = measure(&[&baseline, &ours], make, iterations, rt)[..] else {
            unreachable!("two columns")
        };
        println!(
            "| {name} | {:.0} | {:.0} | {:.1} | {:.1} |",
            none.nanos, route_cors.nanos, none.allocations, route_cors.allocations
        );
        figures.push((none, route_cors));
    }
    let [same_origin, cross_site, refused_write, refused_preflight] = figures[..] else {
        unreachable!("four rows")
    };
    // What the check adds: route-cors's cross-site row over its same-origin
    // row, less the same difference without CORS (the two requests differ
    // in one header value, which costs the same to both apps).
    let added = |(none, ours): (Figures, Figures)| ours.nanos - none.nanos;
    checks.writes = Some((
        added(cross_site) - added(same_origin),
        cross_site.1.allocations - same_origin.1.allocations,
        refused_write.1.nanos / refused_preflight.1.nanos,
    ));
    println!();
}

// ---------------------------------------------------------------------------
// The targets (BENCHMARKS.md), checked on the figures of this run, printed,
// not asserted.

/// One way of serving route-cors, row by row.
#[derive(Default)]
struct Variant {
    /// Actual requests: (row, route-cors added, tower-http added).
    added: Vec<(String, f64, f64)>,
    /// Preflights: (row, route-cors ns, no CORS `405` ns).
    preflight: Vec<(String, f64, f64)>,
    /// Actual requests: (row, route-cors allocations over no CORS).
    allocations: Vec<(String, f64)>,
    /// (row, route-cors 1,000 routes / 10 routes).
    scaling: Vec<(String, f64)>,
}

impl Variant {
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

    fn print(&self, name: &str) {
        let ratio = |ours: f64, theirs: f64| {
            if theirs > 0.0 {
                ours / theirs
            } else {
                f64::INFINITY
            }
        };
        target(
            &format!("actual request: {name} added <= 0.5 x tower-http added (parts 1 and 2)"),
            self.added
                .iter()
                .map(|(label, ours, theirs)| (label.clone(), ratio(*ours, *theirs)))
                .collect(),
            |r| r <= 0.5,
        );
        target(
            &format!("preflight: {name} / no CORS's answer (405, or auth's 401) < 1"),
            self.preflight
                .iter()
                .map(|(label, ours, baseline)| (label.clone(), ours / baseline))
                .collect(),
            |r| r < 1.0,
        );
        target(
            &format!("actual request: {name} allocations - no CORS's <= 2"),
            self.allocations.clone(),
            |extra| extra <= 2.0,
        );
        target(
            &format!("{name}: 1,000 routes / 10 routes <= 1.2"),
            self.scaling.clone(),
            |r| r <= 1.2,
        );
    }
}

#[derive(Default)]
struct Checks {
    router: Variant,
    service: Variant,
    /// Part 2: (row, kind, into_router over wrapped ns, tower-http added ns,
    /// into_router allocations over wrapped).
    wrapped: Vec<(String, Kind, f64, f64, f64)>,
    /// Part 5: (row, into_service allocations over the header floor's).
    origin_forms: Vec<(String, f64)>,
    /// Part 6: (row, written route with run-time policies / without, in ns;
    /// allocations with - without).
    runtime: Vec<(String, f64, f64)>,
    /// Part 7: (the write check's ns on an allowed write, its allocations,
    /// a refused write / a refused preflight).
    writes: Option<(f64, f64, f64)>,
}

impl Checks {
    fn print(&self, socket: Option<&loopback::Report>) {
        println!("## Targets, on this run's figures");
        println!();
        self.router.print("into_router");
        target(
            "actual request: lookup + headers (into_router over wrapped) <= 0.5 x tower-http added (part 2)",
            self.wrapped
                .iter()
                .filter(|row| row.1 == Kind::Actual)
                .map(|(label, _, ours, theirs, _)| {
                    (label.clone(), if *theirs > 0.0 { ours / theirs } else { f64::INFINITY })
                })
                .collect(),
            |r| r <= 0.5,
        );
        target(
            "actual request: into_router allocations - wrapped's <= 2 (part 2)",
            self.wrapped
                .iter()
                .filter(|row| row.1 == Kind::Actual)
                .map(|(label, _, _, _, extra)| (label.clone(), *extra))
                .collect(),
            |extra| extra <= 2.0,
        );
        self.service.print("into_service");
        target(
            "origin forms: into_service allocations - the header floor's <= 0 (part 5)",
            self.origin_forms.clone(),
            |extra| extra <= 0.0,
        );
        target(
            "run-time policies: a written-policy route, with / without run-time policies <= 1.05 (part 6)",
            self.runtime
                .iter()
                .map(|(label, ratio, _)| (label.clone(), *ratio))
                .collect(),
            |r| r <= 1.05,
        );
        if let Some((nanos, allocations, refused)) = self.writes {
            let verdict = |met: bool| if met { "met" } else { "NOT met" };
            println!(
                "- cross-origin writes: the check on an allowed write <= 20 ns: {} ({nanos:+.0} ns)",
                verdict(nanos <= 20.0)
            );
            println!(
                "- cross-origin writes: the check allocates nothing: {} ({allocations:+.1})",
                verdict(allocations <= 0.0)
            );
            println!(
                "- cross-origin writes: a refused write costs no more than a refused preflight: {} ({refused:.2}x)",
                verdict(refused <= 1.0)
            );
        }
        target(
            "run-time policies: a written-policy route, allocations with - without <= 0 (part 6)",
            self.runtime
                .iter()
                .map(|(label, _, extra)| (label.clone(), *extra))
                .collect(),
            |extra| extra <= 0.0,
        );
        let Some(socket) = socket else {
            return;
        };
        for name in ["into_router", "into_service"] {
            target(
                &format!("loopback: {name} / wire floor requests/s >= 0.95 (median of the per-round ratios)"),
                vec![(
                    format!("{name} / wire floor"),
                    socket.ratio(name, "wire floor"),
                )],
                |r| r >= 0.95,
            );
            target(
                &format!("loopback, per second of server CPU: {name} / wire floor >= 0.95 (median of the per-round ratios)"),
                vec![(
                    format!("{name} / wire floor"),
                    socket.cpu_ratio(name, "wire floor"),
                )],
                |r| r >= 0.95,
            );
        }
    }
}

/// Prints whether `met` holds for every row, and the rows where it does
/// not.
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
    let started = Instant::now();
    let mut checks = Checks::default();
    if in_process {
        part_origins(iterations, &rt, &mut checks);
        part_table(iterations, &rt, &mut checks);
        part_malformed(iterations, &rt);
    }
    let report = socket.then(|| part_socket(quick));
    if in_process {
        part_origin_forms(iterations, &rt, &mut checks);
        part_runtime(iterations, &rt, &mut checks);
        part_writes(iterations, &rt, &mut checks);
        checks.print(report.as_ref());
    }
    println!();
    println!("The run took {:.0} s.", started.elapsed().as_secs_f64());
}
