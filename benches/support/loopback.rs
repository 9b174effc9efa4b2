//! A small HTTP/1.1 load generator over 127.0.0.1, for the socket part of
//! the bench: every server is an axum `Router` served with `axum::serve` on
//! one thread (a current-thread runtime), the load comes from another
//! thread, over keep-alive connections, one request in flight on each (no
//! pipelining), as `wrk` does. The servers take turns, in a rotating order,
//! in slices bounded in requests and in time; the first slice of each is a
//! warm-up.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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
            rounds: 7,
            slice_requests: 400_000,
            slice_time: Duration::from_secs(2),
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

/// Requests per second of each server, round by round.
pub struct Report {
    names: Vec<&'static str>,
    /// `rounds[r][s]`: server `s` in round `r`.
    rounds: Vec<Vec<f64>>,
}

impl Report {
    /// The median, over the rounds, of `a`'s requests/s over `b`'s in the
    /// same round.
    pub fn ratio(&self, a: &str, b: &str) -> f64 {
        let index = |name: &str| {
            self.names
                .iter()
                .position(|n| *n == name)
                .expect("a server of the run")
        };
        let (a, b) = (index(a), index(b));
        median(
            self.rounds
                .iter()
                .map(|round| round[a] / round[b])
                .collect(),
        )
    }

    fn median_of(&self, server: usize) -> f64 {
        median(self.rounds.iter().map(|round| round[server]).collect())
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Serves every router on one thread, loads them in turn from this one,
/// prints the figures.
pub fn run(servers: Vec<(&'static str, Router)>, request: &[u8], config: &Config) -> Report {
    let names: Vec<&'static str> = servers.iter().map(|(name, _)| *name).collect();
    let (addrs_tx, addrs_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server_thread = std::thread::spawn(move || {
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
                tokio::spawn(async move { axum::serve(listener, app).await });
            }
            addrs_tx.send(addrs).expect("the load generator waits");
            // Dropping the runtime afterwards ends the servers.
            let _ = stop_rx.await;
        });
    });
    let addrs: Vec<SocketAddr> = addrs_rx.recv().expect("the servers' addresses");

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let request: Arc<[u8]> = request.into();

    println!(
        "{} keep-alive connections, one request in flight on each; {} rounds, servers in rotating order, each slice at most {} requests or {:?}; after a {:?} warm-up slice each",
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
    let ours = names.iter().position(|n| *n == "route-cors");
    if let (Some(floor), Some(ours)) = (floor, ours) {
        let sorted = |head: &[String]| {
            let mut lines = head.to_vec();
            lines.sort();
            lines
        };
        assert_eq!(
            sorted(&heads[ours]),
            sorted(&heads[floor]),
            "the wire floor writes route-cors's header lines"
        );
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
        let mut round = vec![0.0; addrs.len()];
        for k in 0..addrs.len() {
            let s = (r + k) % addrs.len();
            let (done, elapsed) = rt.block_on(slice(
                addrs[s],
                &request,
                config.connections,
                config.slice_requests,
                config.slice_time,
            ));
            round[s] = done as f64 / elapsed.as_secs_f64();
        }
        rounds.push(round);
    }
    let _ = stop_tx.send(());
    server_thread.join().expect("the server thread");

    let report = Report { names, rounds };
    print!("| server | requests/s (median) | min | max |");
    println!();
    println!("|---|---|---|---|");
    for (s, name) in report.names.iter().enumerate() {
        let values: Vec<f64> = report.rounds.iter().map(|round| round[s]).collect();
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(0.0, f64::max);
        println!(
            "| {name} | {:.0} | {min:.0} | {max:.0} |",
            report.median_of(s)
        );
    }
    println!();
    println!("Round by round (requests/s; each round starts one server further on):");
    println!();
    println!("| round | {} |", report.names.join(" | "));
    println!("|---|{}", "---|".repeat(report.names.len()));
    for (r, round) in report.rounds.iter().enumerate() {
        let cells: Vec<String> = round.iter().map(|rps| format!("{rps:.0}")).collect();
        println!("| {} | {} |", r + 1, cells.join(" | "));
    }
    println!();
    println!("Ratios of requests/s, median over the rounds of the ratio within a round:");
    println!();
    for (a, b) in [
        ("route-cors", "wire floor"),
        ("route-cors", "no CORS"),
        ("wire floor", "no CORS"),
        ("tower-http", "wire floor"),
        ("route-cors", "tower-http"),
    ] {
        println!("- {a} / {b}: {:.3}", report.ratio(a, b));
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
