//! A small HTTP/1.1 load generator over 127.0.0.1, for the socket part of
//! the bench: every server is an axum `Router`, or route-cors's own
//! service (`into_service`), served with `axum::serve` on one thread (a
//! current-thread runtime), the load comes from another thread, over
//! keep-alive connections, one request in flight on each (no
//! pipelining), as `wrk` does. The servers take turns, in a rotating order,
//! in slices bounded in requests and in time; the first slice of each is a
//! warm-up.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use route_cors::service::CorsService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What one server serves.
pub enum Server {
    /// `axum::serve(listener, router)`.
    Router(Router),
    /// `axum::serve(listener, service.into_make_service())`.
    Service(CorsService),
}

/// How much load, for how long.
pub struct Config {
    /// Keep-alive connections open during a slice.
    pub connections: usize,
    /// Measured slices per server.
    pub rounds: usize,
    /// A slice ends after this many requests...
    pub slice_requests: i64,
    /// ... or this long, whichever comes first.
    pub slice_time: Duration,
    /// The warm-up slice of each server, not counted.
    pub warmup_time: Duration,
}

impl Config {
    pub fn full() -> Self {
        Config {
            connections: 32,
            rounds: 31,
            slice_requests: 200_000,
            slice_time: Duration::from_millis(500),
            warmup_time: Duration::from_millis(500),
        }
    }

    pub fn quick() -> Self {
        Config {
            connections: 2,
            rounds: 1,
            slice_requests: 200,
            slice_time: Duration::from_secs(1),
            warmup_time: Duration::from_millis(10),
        }
    }
}

/// What one slice of load on one server gave.
#[derive(Clone, Copy)]
struct Sample {
    /// Responses per second of wall-clock time.
    wall: f64,
    /// Responses per second of the server thread's own CPU time: what one
    /// core sustains, whatever else the machine ran meanwhile.
    cpu: f64,
}

/// Each server's samples, round by round.
pub struct Report {
    names: Vec<&'static str>,
    /// `rounds[r][s]`: server `s` in round `r`.
    rounds: Vec<Vec<Sample>>,
}

impl Report {
    fn index(&self, name: &str) -> usize {
        self.names
            .iter()
            .position(|n| *n == name)
            .expect("a server of the run")
    }

    /// The per-round ratios of `a`'s figure over `b`'s: (lower quartile,
    /// median, upper quartile).
    fn ratios(&self, a: &str, b: &str, figure: fn(Sample) -> f64) -> [f64; 3] {
        let (a, b) = (self.index(a), self.index(b));
        quartiles(
            self.rounds
                .iter()
                .map(|round| figure(round[a]) / figure(round[b]))
                .collect(),
        )
    }

    /// The median, over the rounds, of `a`'s wall-clock requests/s over
    /// `b`'s in the same round.
    pub fn ratio(&self, a: &str, b: &str) -> f64 {
        self.ratios(a, b, |s| s.wall)[1]
    }

    /// The same, per second of the server thread's CPU time.
    pub fn cpu_ratio(&self, a: &str, b: &str) -> f64 {
        self.ratios(a, b, |s| s.cpu)[1]
    }
}

fn quartiles(mut values: Vec<f64>) -> [f64; 3] {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    [at(0.25), at(0.5), at(0.75)]
}

/// Nanoseconds the thread `tid` of this process has run, from the
/// scheduler's statistics.
fn cpu_nanos(tid: &str) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat"))
        .expect("Linux's /proc/<pid>/task/<tid>/schedstat");
    stat.split_whitespace()
        .next()
        .and_then(|ns| ns.parse().ok())
        .expect("the time on CPU")
}

/// Serves every server on one thread, loads them in turn from this one,
/// prints the figures: each server's, then the per-round ratios of the
/// `ratios` pairs. The servers named in `same_head` must answer the same
/// header lines as the one named "wire floor" (the `date` aside).
pub fn run(
    servers: Vec<(&'static str, Server)>,
    request: &[u8],
    config: &Config,
    same_head: &[&str],
    ratios: &[(&str, &str)],
) -> Report {
    let names: Vec<&'static str> = servers.iter().map(|(name, _)| *name).collect();
    let (addrs_tx, addrs_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server_thread = std::thread::spawn(move || {
        // `<pid>/task/<tid>`: every server runs on this thread.
        let link = std::fs::read_link("/proc/thread-self").expect("Linux's /proc/thread-self");
        let tid = link
            .file_name()
            .and_then(|tid| tid.to_str())
            .expect("a thread id")
            .to_owned();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        rt.block_on(async move {
            let mut addrs = Vec::new();
            for (_, app) in servers {
                let listener = TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a loopback port");
                addrs.push(listener.local_addr().expect("a bound address"));
                match app {
                    Server::Router(router) => {
                        tokio::spawn(async move { axum::serve(listener, router).await });
                    }
                    Server::Service(service) => {
                        tokio::spawn(async move {
                            axum::serve(listener, service.into_make_service()).await
                        });
                    }
                }
            }
            addrs_tx
                .send((tid, addrs))
                .expect("the load generator waits");
            // Dropping the runtime afterwards ends the servers.
            let _ = stop_rx.await;
        });
    });
    let (tid, addrs): (String, Vec<SocketAddr>) = addrs_rx.recv().expect("the servers' addresses");

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let request: Arc<[u8]> = request.into();

    println!(
        "{} keep-alive connections, one request in flight on each; {} rounds, servers in rotating order, each slice at most {} requests or {:?}; after a {:?} warm-up slice each. Servers on one thread, the load generator on another.",
        config.connections, config.rounds, config.slice_requests, config.slice_time, config.warmup_time
    );
    println!();
    println!("Response heads (the date line left out):");
    println!();
    let mut heads = Vec::new();
    for (name, addr) in names.iter().zip(&addrs) {
        let head = rt.block_on(head(*addr, &request)).expect("a response");
        println!("- {name}: `{}`", head.join("` `"));
        heads.push(head);
    }
    println!();
    let floor = names.iter().position(|n| *n == "wire floor");
    let sorted = |head: &[String]| {
        let mut lines = head.to_vec();
        lines.sort();
        lines
    };
    for name in same_head {
        let ours = names.iter().position(|n| n == name);
        if let (Some(floor), Some(ours)) = (floor, ours) {
            assert_eq!(
                sorted(&heads[ours]),
                sorted(&heads[floor]),
                "the wire floor writes {name}'s header lines"
            );
        }
    }

    for addr in &addrs {
        rt.block_on(slice(
            *addr,
            &request,
            config.connections,
            config.slice_requests,
            config.warmup_time,
        ));
    }
    let mut rounds = Vec::new();
    for r in 0..config.rounds {
        let mut round = vec![
            Sample {
                wall: 0.0,
                cpu: 0.0
            };
            addrs.len()
        ];
        for k in 0..addrs.len() {
            let s = (r + k) % addrs.len();
            let cpu_before = cpu_nanos(&tid);
            let (done, elapsed) = rt.block_on(slice(
                addrs[s],
                &request,
                config.connections,
                config.slice_requests,
                config.slice_time,
            ));
            let cpu = (cpu_nanos(&tid) - cpu_before) as f64 / 1e9;
            round[s] = Sample {
                wall: done as f64 / elapsed.as_secs_f64(),
                cpu: done as f64 / cpu,
            };
        }
        rounds.push(round);
    }
    let _ = stop_tx.send(());
    server_thread.join().expect("the server thread");

    let report = Report { names, rounds };
    println!("| server | requests/s, median (quartiles) | per second of server CPU, median (quartiles) | server CPU per request, median |");
    println!("|---|---|---|---|");
    for (s, name) in report.names.iter().enumerate() {
        let wall = quartiles(report.rounds.iter().map(|round| round[s].wall).collect());
        let cpu = quartiles(report.rounds.iter().map(|round| round[s].cpu).collect());
        println!(
            "| {name} | {:.0} ({:.0} to {:.0}) | {:.0} ({:.0} to {:.0}) | {:.2} us |",
            wall[1],
            wall[0],
            wall[2],
            cpu[1],
            cpu[0],
            cpu[2],
            1e6 / cpu[1],
        );
    }
    println!();
    println!("Ratios, the median (quartiles) over the rounds of the ratio within a round:");
    println!();
    println!("| ratio | requests/s | per second of server CPU |");
    println!("|---|---|---|");
    for &(a, b) in ratios {
        let wall = report.ratios(a, b, |s| s.wall);
        let cpu = report.ratios(a, b, |s| s.cpu);
        println!(
            "| {a} / {b} | {:.3} ({:.3} to {:.3}) | {:.3} ({:.3} to {:.3}) |",
            wall[1], wall[0], wall[2], cpu[1], cpu[0], cpu[2]
        );
    }
    println!();
    report
}

/// The head of one response, without its `date` line.
async fn head(addr: SocketAddr, request: &[u8]) -> io::Result<Vec<String>> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request).await?;
    let mut buf = Vec::new();
    let head_len = read_response(&mut stream, &mut buf).await?;
    let head = std::str::from_utf8(&buf[..head_len]).expect("an ASCII head");
    Ok(head
        .split("\r\n")
        .filter(|line| !line.is_empty() && !line.to_ascii_lowercase().starts_with("date:"))
        .map(str::to_owned)
        .collect())
}

/// Loads one server: `connections` connections, until `max_requests`
/// responses or `max_time`. Returns the responses and the time they took.
async fn slice(
    addr: SocketAddr,
    request: &Arc<[u8]>,
    connections: usize,
    max_requests: i64,
    max_time: Duration,
) -> (u64, Duration) {
    let mut streams = Vec::with_capacity(connections);
    for _ in 0..connections {
        let stream = TcpStream::connect(addr).await.expect("a connection");
        stream.set_nodelay(true).expect("TCP_NODELAY");
        streams.push(stream);
    }
    let budget = Arc::new(AtomicI64::new(max_requests));
    let started = Instant::now();
    let deadline = started + max_time;
    let mut tasks = tokio::task::JoinSet::new();
    for mut stream in streams {
        let budget = Arc::clone(&budget);
        let request = Arc::clone(request);
        tasks.spawn(async move {
            let mut buf = Vec::with_capacity(1024);
            let mut done = 0u64;
            while budget.fetch_sub(1, Ordering::Relaxed) > 0 && Instant::now() < deadline {
                stream.write_all(&request).await.expect("a request sent");
                read_response(&mut stream, &mut buf)
                    .await
                    .expect("a response");
                assert!(buf.starts_with(b"HTTP/1.1 200 "), "a 200");
                done += 1;
            }
            done
        });
    }
    let mut done = 0;
    while let Some(count) = tasks.join_next().await {
        done += count.expect("a load task");
    }
    (done, started.elapsed())
}

/// Reads one response (head and `content-length` body) into `buf`, which
/// then starts with it; returns the length of the head. The previous
/// response is dropped first.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<usize> {
    buf.clear();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find(buf, b"\r\n\r\n") {
            let head_len = end + 4;
            let body_len = content_length(&buf[..head_len]);
            while buf.len() < head_len + body_len {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            assert_eq!(
                buf.len(),
                head_len + body_len,
                "one response at a time: nothing is pipelined"
            );
            return Ok(head_len);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    head.split(|&b| b == b'\n')
        .find_map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let colon = line.iter().position(|&b| b == b':')?;
            let (name, value) = line.split_at(colon);
            name.eq_ignore_ascii_case(b"content-length").then(|| {
                std::str::from_utf8(&value[1..])
                    .expect("ASCII")
                    .trim()
                    .parse()
                    .expect("a length")
            })
        })
        .expect("the servers send content-length")
}
