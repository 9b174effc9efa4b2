//! Just enough of the W3C WebDriver protocol to drive headless Chromium
//! through `chromedriver`, over a tiny blocking HTTP/1.1 client.
//!
//! Every network wait is bounded: connects, reads and writes have timeouts,
//! and polling loops have deadlines, so a hung browser fails a test instead
//! of blocking CI.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
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

/// A `chromedriver` process, killed on drop.
struct Chromedriver {
    child: Child,
    addr: String,
}

impl Chromedriver {
    /// Starts `chromedriver` on `port` and waits until it reports ready.
    pub fn start(binary: &Path, port: u16, timeout: Duration) -> Result<Self, String> {
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let mut driver = Chromedriver {
            child,
            addr: format!("127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = driver.child.try_wait() {
                return Err(format!("chromedriver exited at start-up ({status})"));
            }
            if let Ok(Value::Object(answer)) = driver.call("GET", "/status", None) {
                if answer.get("ready") == Some(&Value::Bool(true)) {
                    return Ok(driver);
                }
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "chromedriver was not ready on port {port} within {timeout:?}"
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
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

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium session through its own `chromedriver`, with a fresh
/// profile. Dropping it deletes the session (chromedriver closes Chromium),
/// kills chromedriver and removes the profile.
pub struct Session {
    id: String,
    // Dropped after `Drop::drop` below has deleted the session.
    driver: Chromedriver,
    profile: std::path::PathBuf,
}

impl Session {
    /// Starts `chromedriver` on `port` and opens headless Chromium (`chromium`)
    /// with a fresh profile, recording network events in the performance log.
    pub fn start(
        chromedriver: &Path,
        chromium: &Path,
        port: u16,
        timeout: Duration,
    ) -> Result<Self, String> {
        let driver = Chromedriver::start(chromedriver, port, timeout)?;
        let profile =
            std::env::temp_dir().join(format!("route-cors-browser-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile)
            .map_err(|e| format!("cannot create {}: {e}", profile.display()))?;
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
        let capabilities = json!({
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
        });
        let created = driver.call_with_timeout("POST", "/session", Some(&capabilities), timeout);
        let value = match created {
            Ok(value) => value,
            Err(e) => {
                drop(driver);
                let _ = std::fs::remove_dir_all(&profile);
                return Err(e);
            }
        };
        let id = value
            .get("sessionId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let session = Session {
            id,
            driver,
            profile,
        };
        if session.id.is_empty() {
            return Err(format!("WebDriver new session: no sessionId in {value}"));
        }
        Ok(session)
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
    /// each as an object with `method` and `params`.
    pub fn take_performance_log(&self) -> Result<Vec<Value>, String> {
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
        if !self.id.is_empty() {
            let _ = self.driver.call_with_timeout(
                "DELETE",
                &format!("/session/{}", self.id),
                None,
                Duration::from_secs(10),
            );
        }
        // Chromium may still be writing its profile for a moment.
        for _ in 0..20 {
            if std::fs::remove_dir_all(&self.profile).is_ok() || !self.profile.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
