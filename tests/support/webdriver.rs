//! Just enough of the W3C WebDriver protocol to drive headless Chromium
//! through `chromedriver` and headless Firefox through `geckodriver`, over a
//! tiny blocking HTTP/1.1 client.
//!
//! Every network wait is bounded: connects, reads and writes have timeouts,
//! and polling loops have deadlines, so a hung browser fails a test instead
//! of blocking CI.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A response read by [`http_request`].
pub struct HttpResponse {
    pub status: u16,
    /// Header lines in order, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// Every value of header `name` (lower-case), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`), read
/// to the end. `addr` is `host:port` with a literal IP address.
pub fn http_request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> Result<HttpResponse, String> {
    let deadline = Instant::now() + timeout;
    let socket: SocketAddr = addr
        .parse()
        .map_err(|e| format!("bad address {addr:?}: {e}"))?;
    let mut stream = TcpStream::connect_timeout(&socket, timeout)
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream
        .set_write_timeout(Some(timeout))
        .and_then(|()| stream.set_read_timeout(Some(timeout)))
        .map_err(|e| format!("cannot set socket timeouts: {e}"))?;

    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    stream
        .write_all(&bytes)
        .map_err(|e| format!("{method} {path} to {addr}: cannot send: {e}"))?;

    // Some servers (chromedriver) keep the connection open despite
    // `Connection: close`, so stop as soon as the message is complete.
    let mut raw = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if is_complete(&raw, method) {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{method} {path} to {addr}: no complete answer within {timeout:?}"
            ));
        }
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
            Err(e) => return Err(format!("{method} {path} to {addr}: cannot read: {e}")),
        }
    }
    parse_response(&raw).map_err(|e| format!("{method} {path} to {addr}: {e}"))
}

/// Whether `raw` holds a whole response (by `Content-Length`, the last chunk,
/// or no body at all); `false` means read on, up to the end of the stream.
fn is_complete(raw: &[u8], method: &str) -> bool {
    let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let Ok(response) = parse_response(raw) else {
        return false;
    };
    if method == "HEAD" || response.status == 204 || response.status == 304 {
        return true;
    }
    let chunked = response
        .header_values("transfer-encoding")
        .iter()
        .any(|v| v.eq_ignore_ascii_case("chunked"));
    if chunked {
        return raw.ends_with(b"0\r\n\r\n") && dechunk(&raw[split + 4..]).is_ok();
    }
    match response.header_values("content-length").first() {
        Some(length) => length
            .parse::<usize>()
            .is_ok_and(|length| raw.len() - (split + 4) >= length),
        None => false,
    }
}

fn parse_response(raw: &[u8]) -> Result<HttpResponse, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the answer has no end of header")?;
    let head = std::str::from_utf8(&raw[..split]).map_err(|_| "the header is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("truncated chunk size")?;
        let size_line = std::str::from_utf8(&rest[..eol]).map_err(|_| "bad chunk size")?;
        let size_hex = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| "bad chunk size")?;
        rest = &rest[eol + 2..];
        if size == 0 {
            return Ok(body);
        }
        if rest.len() < size + 2 {
            return Err("truncated chunk".into());
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

/// A browser engine the tests drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Debian's `chromium`, through `chromedriver`.
    Chromium,
    /// Debian's `firefox-esr`, through `geckodriver`.
    Firefox,
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox",
        })
    }
}

/// Where an engine's browser binary and WebDriver server are.
#[derive(Clone, Debug)]
pub struct Install {
    pub engine: Engine,
    pub browser: PathBuf,
    pub driver: PathBuf,
}

/// A WebDriver server process (`chromedriver` or `geckodriver`), killed on
/// drop. Its output goes to a log file, quoted when it fails to start.
struct Driver {
    child: Child,
    addr: String,
    name: String,
    log: PathBuf,
}

impl Driver {
    /// Starts `command` (which must listen on `port`) and waits until it
    /// reports ready.
    fn start(
        mut command: Command,
        name: String,
        port: u16,
        log: PathBuf,
        timeout: Duration,
    ) -> Result<Self, String> {
        let output = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let errors = output
            .try_clone()
            .map_err(|e| format!("cannot reopen {}: {e}", log.display()))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(output)
            .stderr(errors)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        let mut driver = Driver {
            child,
            addr: format!("127.0.0.1:{port}"),
            name,
            log,
        };
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = driver.child.try_wait() {
                return Err(format!(
                    "{} exited at start-up ({status}){}",
                    driver.name,
                    driver.log_tail()
                ));
            }
            if let Ok(Value::Object(answer)) = driver.call("GET", "/status", None) {
                if answer.get("ready") == Some(&Value::Bool(true)) {
                    return Ok(driver);
                }
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} was not ready on port {port} within {timeout:?}{}",
                    driver.name,
                    driver.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The last lines of the driver's output, to explain a failure.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = &lines[lines.len().saturating_sub(20)..];
        if tail.is_empty() {
            String::new()
        } else {
            format!("; its last output:\n{}", tail.join("\n"))
        }
    }

    /// One WebDriver command; returns the `value` of the answer, or the
    /// WebDriver error as a message.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        self.call_with_timeout(method, path, body, Duration::from_secs(30))
    }

    fn call_with_timeout(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        timeout: Duration,
    ) -> Result<Value, String> {
        let payload = body.map(Value::to_string).unwrap_or_default();
        let headers: &[(&str, &str)] = if body.is_some() {
            &[("Content-Type", "application/json; charset=utf-8")]
        } else {
            &[]
        };
        let answer = http_request(
            &self.addr,
            method,
            path,
            headers,
            payload.as_bytes(),
            timeout,
        )?;
        let json: Value = serde_json::from_slice(&answer.body).map_err(|e| {
            format!(
                "WebDriver {method} {path}: answer {} is not JSON ({e}): {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            )
        })?;
        let value = json.get("value").cloned().unwrap_or(Value::Null);
        if answer.status != 200 {
            let error = value.get("error").and_then(Value::as_str).unwrap_or("?");
            let message = value.get("message").and_then(Value::as_str).unwrap_or("");
            return Err(format!(
                "WebDriver {method} {path} failed ({}): {error}: {message}",
                answer.status
            ));
        }
        Ok(value)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless browser session through its own WebDriver server, with a
/// fresh profile in a directory of its own. Dropping it deletes the session
/// (the driver closes the browser), kills the driver and removes the
/// directory.
pub struct Session {
    id: String,
    engine: Engine,
    // Dropped after `Drop::drop` below has deleted the session.
    driver: Driver,
    /// The profile (Chromium's `--user-data-dir`, or where geckodriver makes
    /// Firefox's) and the driver's log.
    dir: PathBuf,
}

impl Session {
    /// Starts the engine's driver on `port` and opens its browser headless
    /// with a fresh profile: Chromium records network events in the
    /// performance log; Firefox has its background network traffic turned
    /// off (see [`firefox_prefs`]).
    pub fn start(install: &Install, port: u16, timeout: Duration) -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!(
            "route-cors-browser-{}-{}-{port}",
            std::process::id(),
            install.engine.to_string().to_ascii_lowercase()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let profile = dir.join("profile");
        std::fs::create_dir_all(&profile)
            .map_err(|e| format!("cannot create {}: {e}", profile.display()))?;
        let started = Self::open(install, port, &dir, &profile, timeout);
        started.map_err(|e| {
            let _ = std::fs::remove_dir_all(&dir);
            format!("{} did not start: {e}", install.engine)
        })
    }

    fn open(
        install: &Install,
        port: u16,
        dir: &Path,
        profile: &Path,
        timeout: Duration,
    ) -> Result<Self, String> {
        let mut command = Command::new(&install.driver);
        let capabilities = match install.engine {
            Engine::Chromium => {
                command.arg(format!("--port={port}"));
                chromium_capabilities(&install.browser, profile)
            }
            Engine::Firefox => {
                // geckodriver makes a fresh profile for each session under
                // --profile-root. The WebDriver BiDi port is not used, but is
                // moved off its default (9222) so that nothing else clashes.
                command
                    .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                    .args(["--websocket-port", &unused_port()?.to_string()])
                    .arg("--profile-root")
                    .arg(profile)
                    .args(["--log", "warn"])
                    .env("MOZ_CRASHREPORTER_DISABLE", "1")
                    // As in Mozilla's own test harnesses: Firefox refuses every
                    // connection that is not to loopback, and (only then) takes
                    // the dummy Remote Settings server of `firefox_prefs`.
                    .env("MOZ_DISABLE_NONLOCAL_CONNECTIONS", "1");
                firefox_capabilities(&install.browser)
            }
        };
        let name = install.driver.display().to_string();
        let driver = Driver::start(command, name, port, dir.join("driver.log"), timeout)?;
        let created = driver.call_with_timeout("POST", "/session", Some(&capabilities), timeout);
        let value = created.map_err(|e| format!("{e}{}", driver.log_tail()))?;
        let id = value
            .get("sessionId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if id.is_empty() {
            return Err(format!("WebDriver new session: no sessionId in {value}"));
        }
        Ok(Session {
            id,
            engine: install.engine,
            driver,
            dir: dir.to_owned(),
        })
    }

    /// The engine of this session.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Loads `url` in the current tab and waits for it to load.
    pub fn navigate(&self, url: &str) -> Result<(), String> {
        self.driver.call(
            "POST",
            &format!("/session/{}/url", self.id),
            Some(&json!({ "url": url })),
        )?;
        Ok(())
    }

    /// Runs `script` as an async script: its last argument is the callback
    /// that completes it. Returns what the callback was given.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.driver.call(
            "POST",
            &format!("/session/{}/execute/async", self.id),
            Some(&json!({ "script": script, "args": args })),
        )
    }

    /// Takes (and clears) the DevTools events logged since the last call,
    /// each as an object with `method` and `params`. Chromium only: Firefox
    /// has no performance log, and gives none.
    pub fn take_performance_log(&self) -> Result<Vec<Value>, String> {
        if self.engine != Engine::Chromium {
            return Ok(Vec::new());
        }
        let entries = self.driver.call(
            "POST",
            &format!("/session/{}/se/log", self.id),
            Some(&json!({ "type": "performance" })),
        )?;
        let entries = entries.as_array().cloned().unwrap_or_default();
        Ok(entries
            .iter()
            .filter_map(|entry| entry.get("message").and_then(Value::as_str))
            .filter_map(|message| serde_json::from_str::<Value>(message).ok())
            .filter_map(|message| message.get("message").cloned())
            .collect())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.driver.call_with_timeout(
            "DELETE",
            &format!("/session/{}", self.id),
            None,
            Duration::from_secs(10),
        );
        // The browser may still be writing its profile for a moment.
        for _ in 0..20 {
            if std::fs::remove_dir_all(&self.dir).is_ok() || !self.dir.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A port that was free a moment ago on 127.0.0.1.
fn unused_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// Headless Chromium with the profile in `profile`, logging network events.
fn chromium_capabilities(chromium: &Path, profile: &Path) -> Value {
    let args = [
        "--headless=new".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        format!("--user-data-dir={}", profile.display()),
    ];
    json!({
        "capabilities": {
            "alwaysMatch": {
                "browserName": "chrome",
                "pageLoadStrategy": "normal",
                "goog:chromeOptions": {
                    "binary": chromium.display().to_string(),
                    "args": args,
                },
                "goog:loggingPrefs": { "performance": "ALL" },
                "timeouts": { "script": 10_000, "pageLoad": 10_000, "implicit": 0 },
            }
        }
    })
}

/// Headless Firefox with [`firefox_prefs`].
fn firefox_capabilities(firefox: &Path) -> Value {
    json!({
        "capabilities": {
            "alwaysMatch": {
                "browserName": "firefox",
                "pageLoadStrategy": "normal",
                "moz:firefoxOptions": {
                    "binary": firefox.display().to_string(),
                    "args": ["-headless"],
                    "prefs": firefox_prefs(),
                    "log": { "level": "warn" },
                },
                "timeouts": { "script": 10_000, "pageLoad": 10_000, "implicit": 0 },
            }
        }
    })
}

/// Preferences that keep Firefox off the internet (this machine has none
/// to reach, and a test run should not try) and out of the way of plain
/// `http://*.localhost` pages. geckodriver sets more of its own.
fn firefox_prefs() -> Value {
    let prefs = [
        // Updates: of Firefox, its add-ons, its search engines, its plugins.
        ("app.update.enabled", json!(false)),
        ("app.update.auto", json!(false)),
        ("app.update.checkInstallTime", json!(false)),
        ("extensions.update.enabled", json!(false)),
        ("extensions.getAddons.cache.enabled", json!(false)),
        ("extensions.blocklist.enabled", json!(false)),
        ("browser.search.update", json!(false)),
        ("media.gmp-manager.updateEnabled", json!(false)),
        ("browser.region.update.enabled", json!(false)),
        // Safe Browsing's lists and lookups.
        ("browser.safebrowsing.malware.enabled", json!(false)),
        ("browser.safebrowsing.phishing.enabled", json!(false)),
        ("browser.safebrowsing.downloads.enabled", json!(false)),
        (
            "browser.safebrowsing.downloads.remote.enabled",
            json!(false),
        ),
        ("browser.safebrowsing.blockedURIs.enabled", json!(false)),
        ("browser.safebrowsing.passwords.enabled", json!(false)),
        ("browser.safebrowsing.provider.google.updateURL", json!("")),
        ("browser.safebrowsing.provider.google4.updateURL", json!("")),
        ("browser.safebrowsing.provider.mozilla.updateURL", json!("")),
        // Telemetry, health reports, studies.
        ("datareporting.healthreport.uploadEnabled", json!(false)),
        ("datareporting.policy.dataSubmissionEnabled", json!(false)),
        ("datareporting.policy.firstRunURL", json!("")),
        ("toolkit.telemetry.enabled", json!(false)),
        ("toolkit.telemetry.unified", json!(false)),
        ("toolkit.telemetry.archive.enabled", json!(false)),
        ("toolkit.telemetry.server", json!("")),
        ("app.normandy.enabled", json!(false)),
        ("app.shield.optoutstudies.enabled", json!(false)),
        ("browser.discovery.enabled", json!(false)),
        ("browser.ping-centre.telemetry", json!(false)),
        // Remote Settings (blocklists, certificate revocation lists...): the
        // dummy server Firefox's own remote agent uses.
        (
            "services.settings.server",
            json!("data:,#remote-settings-dummy/v1"),
        ),
        // Connectivity and captive-portal checks, push, geolocation.
        ("network.captive-portal-service.enabled", json!(false)),
        ("network.connectivity-service.enabled", json!(false)),
        ("dom.push.connection.enabled", json!(false)),
        ("geo.provider.network.url", json!("")),
        // No DNS over HTTPS, prefetching or speculative connections.
        ("network.trr.mode", json!(5)),
        ("network.dns.disablePrefetch", json!(true)),
        ("network.prefetch-next", json!(false)),
        ("network.http.speculative-parallel-limit", json!(0)),
        // A blank start, no first-run pages, no default-browser prompt.
        ("browser.shell.checkDefaultBrowser", json!(false)),
        ("browser.startup.page", json!(0)),
        ("browser.startup.homepage", json!("about:blank")),
        ("browser.startup.homepage_override.mstone", json!("ignore")),
        ("browser.newtabpage.enabled", json!(false)),
        // The test pages are plain http: never try https first.
        ("dom.security.https_first", json!(false)),
        ("dom.security.https_only_mode", json!(false)),
    ];
    Value::Object(
        prefs
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    )
}
