//! The servers the black-box tests run against: the conformance example
//! binary (`examples/conformance`, see `CONFORMANCE.md`) as a child
//! process, and a tiny page server whose origins the browser runs fetches
//! from.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("no free port on 127.0.0.1")
}

/// Where cargo put the conformance example for this test binary:
/// `target/<profile>/examples/conformance`, next to `target/<profile>/deps/`.
pub fn conformance_binary() -> Result<PathBuf, String> {
    example_binary("conformance")
}

/// An example built beside the test binary, as `cargo test` builds them.
pub fn example_binary(name: &str) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate the test binary: {e}"))?;
    let profile_dir = exe
        .parent()
        .filter(|deps| deps.ends_with("deps"))
        .and_then(|deps| deps.parent())
        .ok_or_else(|| {
            format!(
                "the test binary {} is not in a cargo `deps` directory",
                exe.display()
            )
        })?;
    let binary = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if binary.is_file() {
        Ok(binary)
    } else {
        Err(format!(
            "the {name} example is not built ({} is missing); run the tests with \
             `cargo test` (which builds the examples) or build it with \
             `cargo build --example {name}`",
            binary.display()
        ))
    }
}

/// The origins of CONFORMANCE.md's policies: `/users`' own, the admin
/// routes', the global default's, and one that no policy allows.
pub const APP: &str = "http://app.localhost:8001";
pub const ADMIN: &str = "http://admin.localhost:8001";
pub const GLOBAL: &str = "http://global.localhost:8001";
pub const EVIL: &str = "http://evil.localhost:8001";
/// The credentials `/secure`'s authentication wants.
pub const TOKEN: &str = "Bearer let-me-in";
/// The `Vary` line of every preflight answer.
pub const PREFLIGHT_VARY: &str = "origin, access-control-request-method, access-control-request-headers, access-control-request-private-network";

/// The conformance server with the default timeout of the socket tests.
pub fn start() -> ConformanceServer {
    ConformanceServer::start(Duration::from_secs(30)).unwrap_or_else(|e| panic!("{e}"))
}

/// The conformance server, running as a child process until dropped.
pub struct ConformanceServer {
    child: Child,
    port: u16,
    /// What it wrote to stderr, when started with [`start_logging`].
    ///
    /// [`start_logging`]: ConformanceServer::start_logging
    stderr: Arc<Mutex<Vec<String>>>,
}

impl ConformanceServer {
    /// Starts the built conformance example on a free port and waits for its
    /// `listening on` line.
    pub fn start(timeout: Duration) -> Result<Self, String> {
        Self::spawn(timeout, &[], false)
    }

    /// The same, with `RUST_LOG` set and its stderr kept for [`stderr`].
    ///
    /// [`stderr`]: ConformanceServer::stderr
    pub fn start_logging(timeout: Duration, rust_log: &str) -> Result<Self, String> {
        Self::spawn(timeout, &[("RUST_LOG", rust_log)], true)
    }

    /// The same, with these environment variables, its stderr kept.
    pub fn start_with_env(timeout: Duration, env: &[(&str, &str)]) -> Result<Self, String> {
        Self::spawn(timeout, env, true)
    }

    /// Sends the server `SIGHUP`.
    pub fn hang_up(&self) {
        let status = Command::new("kill")
            .arg("-HUP")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -HUP failed");
    }

    /// Waits until a stderr line contains `needle`, at most `timeout`;
    /// every line so far when it does not come.
    pub fn wait_for_stderr(&self, needle: &str, timeout: Duration) -> Result<String, Vec<String>> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let lines = self.stderr();
            if let Some(line) = lines.iter().find(|l| l.contains(needle)) {
                return Ok(line.clone());
            }
            if std::time::Instant::now() > deadline {
                return Err(lines);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every line written to stderr so far (with [`start_logging`]).
    ///
    /// [`start_logging`]: ConformanceServer::start_logging
    pub fn stderr(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    fn spawn(timeout: Duration, env: &[(&str, &str)], keep_stderr: bool) -> Result<Self, String> {
        let binary = conformance_binary()?;
        let port = free_port();
        let mut command = Command::new(&binary);
        command
            .env("PORT", port.to_string())
            .env_remove("RUST_LOG")
            .env_remove("CORS_CONFIG")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if keep_stderr {
                Stdio::piped()
            } else {
                Stdio::inherit()
            });
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(pipe) = child.stderr.take() {
            let kept = Arc::clone(&stderr);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    kept.lock().unwrap().push(line);
                }
            });
        }
        let stdout = child.stdout.take().expect("stdout is piped");
        let (lines, first) = mpsc::channel();
        // Reads every line so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = lines.send(line);
            }
        });
        let mut server = ConformanceServer {
            child,
            port,
            stderr,
        };
        let expected = format!("listening on http://127.0.0.1:{port}");
        loop {
            match first.recv_timeout(timeout) {
                Ok(line) if line.trim() == expected => return Ok(server),
                Ok(_) => continue,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "{} did not print {expected:?} within {timeout:?}",
                        binary.display()
                    ))
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = server.child.wait().map(|s| s.to_string());
                    return Err(format!(
                        "{} exited before listening ({})",
                        binary.display(),
                        status.unwrap_or_else(|e| e.to_string())
                    ));
                }
            }
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr())
    }
}

/// Runs the conformance binary with these environment variables until it
/// exits (within `timeout`): its exit code and stderr.
pub fn run_to_exit(
    env: &[(&str, &str)],
    timeout: Duration,
) -> Result<(Option<i32>, String), String> {
    let binary = conformance_binary()?;
    let mut child = Command::new(&binary)
        .env("PORT", free_port().to_string())
        .env_remove("RUST_LOG")
        .env_remove("CORS_CONFIG")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let mut stderr = String::new();
            use std::io::Read;
            if let Some(mut pipe) = child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            return Ok((status.code(), stderr));
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            return Err(format!(
                "{} did not exit within {timeout:?}",
                binary.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Drop for ConformanceServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server for a blank HTML page on 127.0.0.1:`port`, on its own tokio
/// runtime, so that `http://<name>.localhost:<port>/` is a page origin the
/// browser can fetch from. Stopped on drop.
pub struct PageServer {
    runtime: Option<tokio::runtime::Runtime>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl PageServer {
    pub fn start(port: u16) -> Result<Self, String> {
        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
            format!(
                "the page server cannot listen on 127.0.0.1:{port} ({e}); the browser tests \
                 need that port because the conformance policies name the origins \
                 http://<app|admin|global>.localhost:{port}; stop whatever uses it"
            )
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot configure the page listener: {e}"))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start a tokio runtime: {e}"))?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(listener)
                .map_err(|e| format!("cannot use the page listener: {e}"))?
        };
        let page = axum::Router::new().route(
            "/",
            axum::routing::get(|| async {
                axum::response::Html(
                    "<!doctype html><meta charset=utf-8><title>route-cors browser test</title>\
                     <p>route-cors browser test page</p>",
                )
            }),
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(async move {
            let _ = axum::serve(listener, page)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(PageServer {
            runtime: Some(runtime),
            stop: Some(stop),
        })
    }
}

impl Drop for PageServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
    }
}
