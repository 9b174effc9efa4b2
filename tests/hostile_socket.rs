//! Hostile clients over a real socket, against the conformance example
//! (`CONFORMANCE.md`): huge header values, a thousand header lines,
//! repeated `Origin` lines, and ten thousand requests over a hundred
//! keep-alive connections mixing allowed, disallowed and malformed ones.
//! Every answer must be right for its own request (no grant carried over
//! from the request before it on the same connection), hyper's own `431`
//! above its limits counts as a right answer when it carries no grant, and
//! the server stays up. Loopback only; every loop is bounded in count and
//! time.

#[path = "support/client.rs"]
mod client;
#[path = "support/server.rs"]
mod server;

use std::time::Duration;

use axum::body::Body;
use client::send;
use http::Request;
use server::{start, ConformanceServer, ADMIN, APP, EVIL, GLOBAL, PREFLIGHT_VARY, TOKEN};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const MIB: usize = 1 << 20;

/// One response read off a connection.
#[derive(Debug)]
struct Raw {
    status: u16,
    /// Header names lowercase, values as sent.
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Raw {
    /// Every `access-control-*` and `vary` line, sorted.
    fn cors(&self) -> Vec<(String, String)> {
        let mut lines: Vec<(String, String)> = self
            .headers
            .iter()
            .filter(|(n, _)| n.starts_with("access-control-") || n == "vary")
            .map(|(n, v)| (n.clone(), String::from_utf8_lossy(v).into_owned()))
            .collect();
        lines.sort();
        lines
    }

    fn has_grant(&self) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.starts_with("access-control-allow-"))
    }

    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    fn summary(&self) -> String {
        format!(
            "{} {:?} body {:?}",
            self.status,
            self.cors(),
            String::from_utf8_lossy(&self.body[..self.body.len().min(120)])
        )
    }
}

/// Reads one line, its CRLF included, into `line`.
async fn read_line<R: tokio::io::AsyncBufRead + Unpin>(
    reader: &mut R,
    line: &mut Vec<u8>,
) -> Result<(), String> {
    line.clear();
    let n = reader
        .read_until(b'\n', line)
        .await
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Err("the connection closed".to_owned());
    }
    Ok(())
}

/// Reads one response: status line, header lines, and the body by
/// `content-length` or chunked (none for `204` and `304`).
async fn read_response<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> Result<Raw, String> {
    let mut line = Vec::new();
    read_line(reader, &mut line).await?;
    let status_line = String::from_utf8_lossy(&line).into_owned();
    let status: u16 = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("not a status line: {status_line:?}"))?;
    let mut headers = Vec::new();
    loop {
        read_line(reader, &mut line).await?;
        let trimmed = line
            .strip_suffix(b"\r\n")
            .ok_or("a header line without CRLF")?;
        if trimmed.is_empty() {
            break;
        }
        let colon = trimmed
            .iter()
            .position(|&b| b == b':')
            .ok_or("a header line without a colon")?;
        let name = String::from_utf8_lossy(&trimmed[..colon]).to_ascii_lowercase();
        let value = trimmed[colon + 1..].trim_ascii().to_vec();
        headers.push((name, value));
    }
    let mut raw = Raw {
        status,
        headers,
        body: Vec::new(),
    };
    if status == 204 || status == 304 {
        return Ok(raw);
    }
    let chunked = raw
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case(b"chunked"));
    if chunked {
        loop {
            read_line(reader, &mut line).await?;
            let size = std::str::from_utf8(line.trim_ascii())
                .ok()
                .and_then(|s| usize::from_str_radix(s.split(';').next()?, 16).ok())
                .ok_or("a bad chunk size")?;
            let mut chunk = vec![0; size + 2];
            reader
                .read_exact(&mut chunk)
                .await
                .map_err(|e| e.to_string())?;
            if size == 0 {
                break;
            }
            raw.body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = raw.header("content-length") {
        let length: usize = std::str::from_utf8(length)
            .ok()
            .and_then(|l| l.parse().ok())
            .ok_or("a bad content-length")?;
        raw.body = vec![0; length];
        reader
            .read_exact(&mut raw.body)
            .await
            .map_err(|e| e.to_string())?;
    } else {
        reader
            .read_to_end(&mut raw.body)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(raw)
}

/// Writes `raw` on a new connection and reads one answer, within 10 s.
/// `None` when the server closed the connection without an answer.
async fn exchange(addr: &str, raw: &[u8]) -> Option<Raw> {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        // The server may answer and close before it has read everything.
        let _ = stream.write_all(raw).await;
        let mut reader = BufReader::new(stream);
        read_response(&mut reader).await.ok()
    };
    tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("the server answered, or closed, within 10 s")
}

/// One request without a body, `Connection: close`, on a new connection:
/// its answer.
async fn ask(addr: &str, method: &str, path: &str, headers: &[(&str, &[u8])]) -> Raw {
    exchange(addr, &raw_request(method, path, headers, b"", false))
        .await
        .expect("an answer")
}

/// `GET /users` from the app's origin, through hyper's client: the server
/// is up and still grants what it should.
async fn assert_alive(server: &ConformanceServer) {
    let req = Request::get(server.url("/users"))
        .header("origin", APP)
        .body(Body::empty())
        .unwrap();
    let res = send(req).await;
    assert_eq!(res.body, "users", "the server still answers");
    res.assert_cors(&[("access-control-allow-origin", APP), ("vary", "origin")]);
}

/// A request: the request line, then these header lines as they are, then
/// `Connection: close` unless `keep_alive`.
fn raw_request(
    method: &str,
    path: &str,
    headers: &[(&str, &[u8])],
    body: &[u8],
    keep_alive: bool,
) -> Vec<u8> {
    let mut raw = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n").into_bytes();
    for (name, value) in headers {
        raw.extend_from_slice(name.as_bytes());
        raw.extend_from_slice(b": ");
        raw.extend_from_slice(value);
        raw.extend_from_slice(b"\r\n");
    }
    if !body.is_empty() {
        raw.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    if !keep_alive {
        raw.extend_from_slice(b"Connection: close\r\n");
    }
    raw.extend_from_slice(b"\r\n");
    raw.extend_from_slice(body);
    raw
}

/// What a request must get: a status and exactly these CORS lines, and the
/// body when it says which request was answered.
#[derive(Clone, Debug)]
struct Expected {
    status: u16,
    cors: Vec<(String, String)>,
    body: Option<String>,
}

fn expect(status: u16, cors: &[(&str, &str)], body: Option<&str>) -> Expected {
    let mut cors: Vec<(String, String)> = cors
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    cors.sort();
    Expected {
        status,
        cors,
        body: body.map(str::to_owned),
    }
}

/// Checks `answer` against `expected`, or hyper's `431` without a grant.
fn judge(answer: &Raw, expected: &Expected, what: &str) -> Result<(), String> {
    if answer.status == 431 && !answer.has_grant() {
        return Ok(());
    }
    let body_ok = expected
        .body
        .as_ref()
        .is_none_or(|b| b.as_bytes() == answer.body.as_slice());
    if answer.status != expected.status || answer.cors() != expected.cors || !body_ok {
        return Err(format!(
            "{what}: expected {} {:?} body {:?}, got {}",
            expected.status,
            expected.cors,
            expected.body,
            answer.summary()
        ));
    }
    if answer.header("allow").is_some() && (200..300).contains(&answer.status) {
        return Err(format!("{what}: a preflight answer with Allow"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Huge values and many lines
// ---------------------------------------------------------------------------

#[tokio::test]
async fn one_mebibyte_header_values_get_431_or_no_grant_and_the_server_stays_up() {
    let server = start();
    let huge_origin = format!("{APP}{}", "a".repeat(MIB));
    let huge_list = "x-a,".repeat(MIB / 4);
    let huge_method = "G".repeat(MIB);
    let huge_pna = "true".repeat(MIB / 4);
    let junk = "j".repeat(MIB);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "a 1 MiB Origin",
            raw_request(
                "GET",
                "/users",
                &[("Origin", huge_origin.as_bytes())],
                b"",
                false,
            ),
        ),
        (
            "a 1 MiB Origin on a preflight",
            raw_request(
                "OPTIONS",
                "/public",
                &[
                    ("Origin", huge_origin.as_bytes()),
                    ("Access-Control-Request-Method", b"GET"),
                ],
                b"",
                false,
            ),
        ),
        (
            "a 1 MiB Access-Control-Request-Headers",
            raw_request(
                "OPTIONS",
                "/users",
                &[
                    ("Origin", ADMIN.as_bytes()),
                    ("Access-Control-Request-Method", b"POST"),
                    ("Access-Control-Request-Headers", huge_list.as_bytes()),
                ],
                b"",
                false,
            ),
        ),
        (
            "a 1 MiB Access-Control-Request-Method",
            raw_request(
                "OPTIONS",
                "/users",
                &[
                    ("Origin", APP.as_bytes()),
                    ("Access-Control-Request-Method", huge_method.as_bytes()),
                ],
                b"",
                false,
            ),
        ),
        (
            "a 1 MiB Access-Control-Request-Private-Network",
            raw_request(
                "OPTIONS",
                "/wild",
                &[
                    ("Origin", b"https://api.example.com"),
                    ("Access-Control-Request-Method", b"GET"),
                    (
                        "Access-Control-Request-Private-Network",
                        huge_pna.as_bytes(),
                    ),
                ],
                b"",
                false,
            ),
        ),
        (
            "a 1 MiB unrelated header beside an allowed Origin",
            raw_request(
                "GET",
                "/users",
                &[("Origin", APP.as_bytes()), ("X-Junk", junk.as_bytes())],
                b"",
                false,
            ),
        ),
    ];
    for (what, raw) in cases {
        // Above hyper's header buffer: its own 431, or the connection
        // closed; never a grant.
        // (A reset may also lose the 431 while the rest is still being
        // written: no answer at all is no grant either.)
        if let Some(answer) = exchange(&server.addr(), &raw).await {
            assert_eq!(answer.status, 431, "{what}: {}", answer.summary());
            assert!(!answer.has_grant(), "{what}: {}", answer.summary());
        }
        assert_alive(&server).await;
    }
}

#[tokio::test]
async fn large_values_under_hyper_limits_reach_route_cors_and_get_no_grant() {
    let server = start();
    // 300 KiB: under hyper's header buffer, so route-cors judges them.
    let big = 300 * 1024;
    let addr = server.addr();
    let long_origin = format!("{APP}{}", "a".repeat(big));
    let answer = ask(
        &addr,
        "GET",
        "/users",
        &[("Origin", long_origin.as_bytes())],
    )
    .await;
    judge(
        &answer,
        &expect(200, &[("vary", "origin")], Some("users")),
        "a 300 KiB Origin",
    )
    .unwrap();
    let answer = ask(
        &addr,
        "GET",
        "/public",
        &[("Origin", long_origin.as_bytes())],
    )
    .await;
    judge(
        &answer,
        &expect(200, &[("vary", "origin")], Some("public")),
        "a 300 KiB Origin where any origin is allowed",
    )
    .unwrap();

    let list = "x-a,".repeat(big / 4);
    let answer = ask(
        &addr,
        "OPTIONS",
        "/any-headers",
        &[
            ("Origin", APP.as_bytes()),
            ("Access-Control-Request-Method", b"GET"),
            ("Access-Control-Request-Headers", list.as_bytes()),
        ],
    )
    .await;
    judge(
        &answer,
        &expect(
            403,
            &[("vary", PREFLIGHT_VARY)],
            Some("access-control-request-headers too long"),
        ),
        "300 KiB of requested headers",
    )
    .unwrap();

    let method = "G".repeat(big);
    let answer = ask(
        &addr,
        "OPTIONS",
        "/users",
        &[
            ("Origin", GLOBAL.as_bytes()),
            ("Access-Control-Request-Method", method.as_bytes()),
        ],
    )
    .await;
    // A 300 KiB token matches no handler: the global default refuses it,
    // saying nothing of its policy, and not repeating the token.
    assert_eq!(answer.status, 403, "{}", answer.summary());
    assert_eq!(
        answer.cors(),
        [("vary".to_owned(), PREFLIGHT_VARY.to_owned())],
        "{}",
        answer.summary()
    );
    assert_eq!(
        String::from_utf8_lossy(&answer.body),
        "method not allowed",
        "{}",
        answer.summary()
    );
    assert_alive(&server).await;
}

#[tokio::test]
async fn a_thousand_header_lines_get_431_and_no_grant() {
    let server = start();
    let addr = server.addr();
    let lines = |name: &str, value: &[u8]| -> Vec<(String, Vec<u8>)> {
        (0..1000)
            .map(|i| (name.replace("{i}", &i.to_string()), value.to_vec()))
            .collect()
    };
    // (what, method, path, header lines)
    type Case<'a> = (&'a str, &'a str, &'a str, Vec<(String, Vec<u8>)>);
    let cases: Vec<Case> = vec![
        (
            "1,000 X-Pad lines",
            "GET",
            "/users",
            lines("X-Pad-{i}", b"v"),
        ),
        (
            "1,000 Origin lines",
            "GET",
            "/public",
            lines("Origin", APP.as_bytes()),
        ),
        (
            "1,000 Access-Control-Request-Headers lines",
            "OPTIONS",
            "/any-headers",
            lines("Access-Control-Request-Headers", b"x-a"),
        ),
        (
            "1,000 Access-Control-Request-Method lines",
            "OPTIONS",
            "/users",
            lines("Access-Control-Request-Method", b"GET"),
        ),
    ];
    for (what, method, path, mut headers) in cases {
        // An allowed origin and method, so that only the lines decide.
        if !headers.iter().any(|(n, _)| n == "Origin") {
            headers.push(("Origin".to_owned(), APP.as_bytes().to_vec()));
        }
        if method == "OPTIONS"
            && !headers
                .iter()
                .any(|(n, _)| n == "Access-Control-Request-Method")
        {
            headers.push(("Access-Control-Request-Method".to_owned(), b"GET".to_vec()));
        }
        let borrowed: Vec<(&str, &[u8])> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect();
        let raw = raw_request(method, path, &borrowed, b"", false);
        // hyper allows 100 header lines: its own 431 (or, if a reset loses
        // it, no answer), never a grant.
        if let Some(answer) = exchange(&addr, &raw).await {
            assert_eq!(answer.status, 431, "{what}: {}", answer.summary());
            assert!(!answer.has_grant(), "{what}: {}", answer.summary());
        }
        assert_alive(&server).await;
    }
}

#[tokio::test]
async fn many_lines_under_hyper_limits_are_judged_line_by_line() {
    let server = start();
    let addr = server.addr();
    // 90 Origin lines, each allowed: several Origin lines are never one.
    let mut headers: Vec<(&str, &[u8])> = vec![("Origin", APP.as_bytes()); 90];
    let answer = ask(&addr, "GET", "/users", &headers).await;
    judge(
        &answer,
        &expect(200, &[("vary", "origin")], Some("users")),
        "90 Origin lines",
    )
    .unwrap();
    headers.push(("Access-Control-Request-Method", b"GET"));
    let answer = ask(&addr, "OPTIONS", "/users", &headers).await;
    judge(
        &answer,
        &expect(
            403,
            &[("vary", PREFLIGHT_VARY)],
            Some("origin header repeated"),
        ),
        "a preflight with 90 Origin lines",
    )
    .unwrap();
    // 90 Access-Control-Request-Headers lines, together well under the
    // limit: every line is read.
    let mut headers: Vec<(&str, &[u8])> = vec![("Access-Control-Request-Headers", b"x-a, x-b"); 89];
    headers.push(("Access-Control-Request-Headers", b"x-c"));
    headers.push(("Origin", APP.as_bytes()));
    headers.push(("Access-Control-Request-Method", b"GET"));
    let answer = ask(&addr, "OPTIONS", "/any-headers", &headers).await;
    judge(
        &answer,
        &expect(
            204,
            &[
                ("access-control-allow-origin", APP),
                ("access-control-allow-methods", "GET"),
                ("access-control-allow-headers", "*"),
                ("vary", PREFLIGHT_VARY),
            ],
            Some(""),
        ),
        "90 requested-headers lines",
    )
    .unwrap();
    // The same on a policy with a list: the one name on the last line that
    // is not listed refuses the whole preflight.
    let mut headers: Vec<(&str, &[u8])> =
        vec![("Access-Control-Request-Headers", b"content-type"); 89];
    headers.push(("Access-Control-Request-Headers", b"x-nope"));
    headers.push(("Origin", ADMIN.as_bytes()));
    headers.push(("Access-Control-Request-Method", b"POST"));
    let answer = ask(&addr, "OPTIONS", "/users", &headers).await;
    judge(
        &answer,
        &expect(
            403,
            &[("vary", PREFLIGHT_VARY)],
            Some("header x-nope not allowed"),
        ),
        "a refused name on the 90th line",
    )
    .unwrap();
    assert_alive(&server).await;
}

#[tokio::test]
async fn duplicate_origin_lines_get_no_grant_on_any_route() {
    let server = start();
    let addr = server.addr();
    let pairs: [(&str, &[u8], &[u8]); 5] = [
        ("Origin", APP.as_bytes(), APP.as_bytes()),
        ("Origin", APP.as_bytes(), EVIL.as_bytes()),
        ("Origin", EVIL.as_bytes(), APP.as_bytes()),
        ("Origin", APP.as_bytes(), b""),
        ("ORIGIN", APP.as_bytes(), APP.as_bytes()),
    ];
    for (second_name, first, second) in pairs {
        for (method, path, body) in [
            ("GET", "/users", "users"),
            ("GET", "/public", "public"),
            ("GET", "/plain", "plain"),
            ("GET", "/teapot", "teapot"),
            ("GET", "/nope", ""),
        ] {
            let raw = raw_request(
                method,
                path,
                &[("Origin", first), (second_name, second)],
                b"",
                false,
            );
            let answer = exchange(&addr, &raw).await.expect("an answer");
            let what = format!(
                "{method} {path} with Origin lines {:?} and {:?}",
                String::from_utf8_lossy(first),
                String::from_utf8_lossy(second)
            );
            assert!(!answer.has_grant(), "{what}: {}", answer.summary());
            assert_eq!(
                answer.cors(),
                [("vary".to_owned(), "origin".to_owned())],
                "{what}"
            );
            assert_eq!(String::from_utf8_lossy(&answer.body), body, "{what}");
        }
        for path in ["/users", "/public", "/wild", "/any-headers", "/nope"] {
            let raw = raw_request(
                "OPTIONS",
                path,
                &[
                    ("Origin", first),
                    (second_name, second),
                    ("Access-Control-Request-Method", b"GET"),
                ],
                b"",
                false,
            );
            let answer = exchange(&addr, &raw).await.expect("an answer");
            judge(
                &answer,
                &expect(
                    403,
                    &[("vary", PREFLIGHT_VARY)],
                    Some("origin header repeated"),
                ),
                &format!("a preflight to {path} with two Origin lines"),
            )
            .unwrap();
        }
    }
    // One line with two origins is one origin that is not allowed.
    for value in [
        format!("{APP}, {APP}"),
        format!("{APP},{ADMIN}"),
        format!("{APP} {APP}"),
    ] {
        let raw = raw_request("GET", "/users", &[("Origin", value.as_bytes())], b"", false);
        let answer = exchange(&addr, &raw).await.expect("an answer");
        judge(
            &answer,
            &expect(200, &[("vary", "origin")], Some("users")),
            &format!("Origin {value:?}"),
        )
        .unwrap();
    }
    assert_alive(&server).await;
}

#[tokio::test]
async fn malformed_header_sections_get_no_grant() {
    let server = start();
    let addr = server.addr();
    let host = "Host: 127.0.0.1\r\n";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "an obs-folded Origin",
            format!("GET /users HTTP/1.1\r\n{host}Origin: {APP}\r\n  .evil\r\nConnection: close\r\n\r\n").into_bytes(),
        ),
        (
            "a NUL in Origin",
            format!("GET /users HTTP/1.1\r\n{host}Origin: {APP}\0\r\nConnection: close\r\n\r\n").into_bytes(),
        ),
        (
            "a bare LF inside Origin",
            format!("GET /users HTTP/1.1\r\n{host}Origin: http://app.\nlocalhost:8001\r\nConnection: close\r\n\r\n").into_bytes(),
        ),
        (
            "a space before the colon",
            format!("GET /users HTTP/1.1\r\n{host}Origin : {APP}\r\nConnection: close\r\n\r\n").into_bytes(),
        ),
        (
            "a line without a colon",
            format!("GET /users HTTP/1.1\r\n{host}Origin {APP}\r\nConnection: close\r\n\r\n").into_bytes(),
        ),
        (
            "a CR inside Access-Control-Request-Method",
            format!("OPTIONS /users HTTP/1.1\r\n{host}Origin: {APP}\r\nAccess-Control-Request-Method: G\rET\r\nConnection: close\r\n\r\n").into_bytes(),
        ),
    ];
    for (what, raw) in cases {
        // hyper refuses most of these with a 400; a bare LF ends the line
        // (`Origin: http://app.` then a header named `localhost`): either
        // way, nothing is granted.
        if let Some(answer) = exchange(&addr, &raw).await {
            assert!(!answer.has_grant(), "{what}: {}", answer.summary());
        }
        assert_alive(&server).await;
    }
    // Whitespace around a value is not part of it (RFC 9110): the Origin
    // is the app's, and granted.
    let raw =
        format!("GET /users HTTP/1.1\r\n{host}Origin: \t {APP} \t\r\nConnection: close\r\n\r\n");
    let answer = exchange(&addr, raw.as_bytes()).await.expect("an answer");
    judge(
        &answer,
        &expect(
            200,
            &[("access-control-allow-origin", APP), ("vary", "origin")],
            Some("users"),
        ),
        "an Origin in optional whitespace",
    )
    .unwrap();
}

// ---------------------------------------------------------------------------
// Ten thousand requests over a hundred keep-alive connections
// ---------------------------------------------------------------------------

/// A request that says which request it was, and what it must get.
fn mixed_request(kind: u32, n: u64) -> (Vec<u8>, Expected, String) {
    let k = |headers: &[(&str, &[u8])], method: &str, path: &str, body: &[u8]| {
        raw_request(method, path, headers, body, true)
    };
    let other = format!("http://o{n}.localhost:8001");
    let sub = format!("https://s{n}.example.com");
    let id = format!("req-{n}");
    let item = format!("item {n}");
    let (raw, expected, what) = match kind {
        0 => (
            k(&[("Origin", APP.as_bytes())], "GET", "/users", b""),
            expect(
                200,
                &[("access-control-allow-origin", APP), ("vary", "origin")],
                Some("users"),
            ),
            "GET /users from app",
        ),
        1 => (
            k(&[("Origin", other.as_bytes())], "GET", "/users", b""),
            expect(200, &[("vary", "origin")], Some("users")),
            "GET /users from another origin",
        ),
        2 => (
            k(&[("Origin", ADMIN.as_bytes())], "GET", "/users", b""),
            expect(200, &[("vary", "origin")], Some("users")),
            "GET /users from admin",
        ),
        3 => (
            k(
                &[
                    ("Origin", APP.as_bytes()),
                    ("Access-Control-Request-Method", b"GET"),
                ],
                "OPTIONS",
                "/users",
                b"",
            ),
            expect(
                204,
                &[
                    ("access-control-allow-origin", APP),
                    ("access-control-allow-methods", "GET"),
                    ("access-control-max-age", "600"),
                    ("vary", PREFLIGHT_VARY),
                ],
                Some(""),
            ),
            "preflight GET /users from app",
        ),
        4 => (
            k(
                &[
                    ("Origin", ADMIN.as_bytes()),
                    ("Access-Control-Request-Method", b"POST"),
                    ("Access-Control-Request-Headers", b"content-type,x-token"),
                ],
                "OPTIONS",
                "/users",
                b"",
            ),
            expect(
                204,
                &[
                    ("access-control-allow-origin", ADMIN),
                    ("access-control-allow-credentials", "true"),
                    ("access-control-allow-methods", "POST"),
                    ("access-control-allow-headers", "content-type, x-token"),
                    ("vary", PREFLIGHT_VARY),
                ],
                Some(""),
            ),
            "preflight POST /users from admin",
        ),
        5 => (
            k(
                &[
                    ("Origin", APP.as_bytes()),
                    ("Access-Control-Request-Method", b"POST"),
                ],
                "OPTIONS",
                "/users",
                b"",
            ),
            expect(403, &[("vary", PREFLIGHT_VARY)], Some("origin not allowed")),
            "preflight POST /users from app",
        ),
        6 => (
            k(
                &[("Origin", ADMIN.as_bytes())],
                "POST",
                "/users",
                id.as_bytes(),
            ),
            expect(
                200,
                &[
                    ("access-control-allow-origin", ADMIN),
                    ("access-control-allow-credentials", "true"),
                    ("vary", "origin"),
                ],
                Some(id.as_str()),
            ),
            "POST /users from admin",
        ),
        7 => (
            k(
                &[("Origin", EVIL.as_bytes())],
                "POST",
                "/users",
                id.as_bytes(),
            ),
            // A cross-origin write the policy does not grant: refused
            // before the handler, which would have echoed the body.
            expect(
                403,
                &[("vary", "origin")],
                Some("cross-origin write refused: origin not allowed"),
            ),
            "POST /users from evil",
        ),
        8 => (
            k(
                &[("Origin", format!("http://r{n}.localhost:9").as_bytes())],
                "GET",
                "/public",
                b"",
            ),
            expect(
                200,
                &[
                    ("access-control-allow-origin", "*"),
                    ("access-control-expose-headers", "x-request-id"),
                    ("vary", "origin"),
                ],
                Some("public"),
            ),
            "GET /public from anywhere",
        ),
        9 => {
            let mut bad = format!("http://a{n}").into_bytes();
            bad.extend_from_slice(b"\xc3\x28\xff.localhost");
            (
                k(&[("Origin", &bad)], "GET", "/public", b""),
                expect(200, &[("vary", "origin")], Some("public")),
                "GET /public with invalid bytes in Origin",
            )
        }
        10 => (
            k(
                &[(
                    "Origin",
                    format!("HTTP://APP.LOCALHOST:{}", 8001 + n % 3).as_bytes(),
                )],
                "GET",
                "/public",
                b"",
            ),
            expect(200, &[("vary", "origin")], Some("public")),
            "GET /public with an uppercase Origin",
        ),
        11 => (
            k(
                &[("Origin", APP.as_bytes()), ("Origin", APP.as_bytes())],
                "GET",
                "/users",
                b"",
            ),
            expect(200, &[("vary", "origin")], Some("users")),
            "GET /users with two Origin lines",
        ),
        12 => (
            k(
                &[
                    ("Origin", sub.as_bytes()),
                    ("Access-Control-Request-Method", b"GET"),
                    ("Access-Control-Request-Private-Network", b"true"),
                ],
                "OPTIONS",
                "/wild",
                b"",
            ),
            expect(
                204,
                &[
                    ("access-control-allow-origin", sub.as_str()),
                    ("access-control-allow-methods", "GET"),
                    ("access-control-allow-private-network", "true"),
                    ("vary", PREFLIGHT_VARY),
                ],
                Some(""),
            ),
            "preflight GET /wild from a subdomain",
        ),
        13 => (
            k(
                &[
                    ("Origin", b"https://example.com"),
                    ("Access-Control-Request-Method", b"GET"),
                ],
                "OPTIONS",
                "/wild",
                b"",
            ),
            expect(403, &[("vary", PREFLIGHT_VARY)], Some("origin not allowed")),
            "preflight GET /wild from the suffix itself",
        ),
        14 => (
            k(
                &[("Origin", APP.as_bytes())],
                "PUT",
                &format!("/items/{n}"),
                b"",
            ),
            expect(
                200,
                &[
                    ("access-control-allow-origin", APP),
                    ("access-control-allow-credentials", "true"),
                    (
                        "access-control-expose-headers",
                        "x-request-id, x-total-count",
                    ),
                    ("vary", "accept-encoding, origin"),
                ],
                Some(item.as_str()),
            ),
            "PUT /items/{n} from app",
        ),
        15 => (
            k(&[("Origin", EVIL.as_bytes())], "GET", "/teapot", b""),
            expect(418, &[("vary", "origin")], Some("teapot")),
            "GET /teapot from evil",
        ),
        16 => (
            k(
                &[
                    ("Origin", GLOBAL.as_bytes()),
                    ("Access-Control-Request-Method", b"get"),
                ],
                "OPTIONS",
                "/users",
                b"",
            ),
            expect(
                403,
                &[("vary", PREFLIGHT_VARY)],
                Some("method get not allowed"),
            ),
            "preflight with a lowercase method",
        ),
        17 => (
            k(
                &[
                    ("Origin", GLOBAL.as_bytes()),
                    ("Access-Control-Request-Method", b"G E T"),
                ],
                "OPTIONS",
                "/users",
                b"",
            ),
            expect(
                403,
                &[("vary", PREFLIGHT_VARY)],
                Some("malformed access-control-request-method"),
            ),
            "preflight with a malformed method",
        ),
        18 => (
            k(
                &[("Origin", GLOBAL.as_bytes())],
                "POST",
                "/plain",
                id.as_bytes(),
            ),
            expect(
                200,
                &[("access-control-allow-origin", GLOBAL), ("vary", "origin")],
                Some(id.as_str()),
            ),
            "POST /plain from global",
        ),
        19 => (
            k(
                &[("Origin", GLOBAL.as_bytes())],
                "GET",
                &format!("/nope-{n}"),
                b"",
            ),
            expect(
                404,
                &[("access-control-allow-origin", GLOBAL), ("vary", "origin")],
                None,
            ),
            "GET an unrouted path from global",
        ),
        20 => (
            k(&[("Origin", ADMIN.as_bytes())], "GET", "/api/v1/users", b""),
            expect(
                200,
                &[("access-control-allow-origin", ADMIN), ("vary", "origin")],
                Some("v1 users"),
            ),
            "GET /api/v1/users from admin",
        ),
        21 => (
            k(&[("Origin", ADMIN.as_bytes())], "GET", "/secure", b""),
            expect(
                401,
                &[
                    ("access-control-allow-origin", ADMIN),
                    ("access-control-allow-credentials", "true"),
                    ("vary", "origin"),
                ],
                Some("unauthorized"),
            ),
            "GET /secure from admin without the token",
        ),
        22 => (
            k(
                &[
                    ("Origin", GLOBAL.as_bytes()),
                    ("Authorization", TOKEN.as_bytes()),
                ],
                "GET",
                "/secure",
                b"",
            ),
            expect(200, &[("vary", "origin")], Some("secret")),
            "GET /secure from global with the token",
        ),
        23 => {
            let list = "x-a,".repeat(1250);
            (
                k(
                    &[
                        ("Origin", APP.as_bytes()),
                        ("Access-Control-Request-Method", b"GET"),
                        ("Access-Control-Request-Headers", list.as_bytes()),
                    ],
                    "OPTIONS",
                    "/any-headers",
                    b"",
                ),
                expect(
                    403,
                    &[("vary", PREFLIGHT_VARY)],
                    Some("access-control-request-headers too long"),
                ),
                "preflight with 5,000 bytes of requested headers",
            )
        }
        24 => (
            k(
                &[
                    ("Origin", APP.as_bytes()),
                    ("Access-Control-Request-Method", b"GET"),
                    ("Access-Control-Request-Headers", b"x-one, X-Two,,x-three"),
                ],
                "OPTIONS",
                "/any-headers",
                b"",
            ),
            expect(
                204,
                &[
                    ("access-control-allow-origin", APP),
                    ("access-control-allow-methods", "GET"),
                    ("access-control-allow-headers", "*"),
                    ("vary", PREFLIGHT_VARY),
                ],
                Some(""),
            ),
            "preflight GET /any-headers from app",
        ),
        25 => {
            let mut bad = b"http://app.localhost:8001".to_vec();
            bad.push(0x80 + (n % 0x7f) as u8);
            (
                k(
                    &[("Origin", &bad), ("Access-Control-Request-Method", b"GET")],
                    "OPTIONS",
                    "/public",
                    b"",
                ),
                expect(403, &[("vary", PREFLIGHT_VARY)], Some("origin not allowed")),
                "preflight to /public with an invalid byte in Origin",
            )
        }
        26 => (
            k(
                &[("Origin", format!("{APP}.evil.test").as_bytes())],
                "GET",
                "/users",
                b"",
            ),
            expect(200, &[("vary", "origin")], Some("users")),
            "GET /users from a suffixed app origin",
        ),
        _ => (
            k(
                &[
                    ("Origin", ADMIN.as_bytes()),
                    ("Access-Control-Request-Method", b"PUT"),
                    ("Access-Control-Request-Headers", b"authorization"),
                ],
                "OPTIONS",
                &format!("/items/{n}"),
                b"",
            ),
            expect(
                204,
                &[
                    ("access-control-allow-origin", ADMIN),
                    ("access-control-allow-credentials", "true"),
                    ("access-control-allow-methods", "PUT"),
                    (
                        "access-control-allow-headers",
                        "content-type, authorization",
                    ),
                    ("access-control-max-age", "7200"),
                    ("vary", PREFLIGHT_VARY),
                ],
                Some(""),
            ),
            "preflight PUT /items/{n} from admin",
        ),
    };
    (raw, expected, format!("request {n} ({what})"))
}

const KINDS: u32 = 28;
const CONNECTIONS: u64 = 100;
const PER_CONNECTION: u64 = 100;

/// The next of a small deterministic sequence (xorshift64).
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// `PER_CONNECTION` mixed requests on one connection: one at a time, or
/// (every third connection) pipelined ten at a time. Each mismatch is
/// returned.
async fn one_connection(addr: String, connection: u64) -> Result<u64, Vec<String>> {
    let stream = TcpStream::connect(&addr)
        .await
        .map_err(|e| vec![format!("connection {connection}: {e}")])?;
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut state = 0x9e37_79b9_7f4a_7c15 ^ (connection + 1).wrapping_mul(0x2545_f491_4f6c_dd1d);
    let batch = if connection % 3 == 0 { 10 } else { 1 };
    let mut errors = Vec::new();
    let mut answered = 0;
    let mut i = 0;
    while i < PER_CONNECTION {
        let mut pending = Vec::new();
        let mut bytes = Vec::new();
        for _ in 0..batch.min(PER_CONNECTION - i) {
            let n = connection * PER_CONNECTION + i;
            let (raw, expected, what) =
                mixed_request((next(&mut state) % u64::from(KINDS)) as u32, n);
            bytes.extend_from_slice(&raw);
            pending.push((expected, what));
            i += 1;
        }
        if let Err(e) = write.write_all(&bytes).await {
            errors.push(format!("connection {connection}: writing: {e}"));
            return Err(errors);
        }
        for (expected, what) in pending {
            match read_response(&mut reader).await {
                Ok(answer) => {
                    answered += 1;
                    if let Err(e) = judge(
                        &answer,
                        &expected,
                        &format!("connection {connection}, {what}"),
                    ) {
                        errors.push(e);
                    }
                }
                Err(e) => {
                    errors.push(format!("connection {connection}, {what}: {e}"));
                    return Err(errors);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(answered)
    } else {
        Err(errors)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_mixed_requests_over_a_hundred_keep_alive_connections_are_each_answered_right()
{
    let server = start();
    let run = async {
        let tasks: Vec<_> = (0..CONNECTIONS)
            .map(|c| tokio::spawn(one_connection(server.addr(), c)))
            .collect();
        let mut answered = 0;
        let mut errors = Vec::new();
        for task in tasks {
            match task.await.expect("a connection task") {
                Ok(n) => answered += n,
                Err(e) => errors.extend(e),
            }
        }
        (answered, errors)
    };
    let (answered, errors) = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("10,000 requests answered within 120 s");
    assert!(
        errors.is_empty(),
        "{} wrong answers; the first ones:\n{}",
        errors.len(),
        errors[..errors.len().min(10)].join("\n")
    );
    assert_eq!(answered, CONNECTIONS * PER_CONNECTION);
    assert_alive(&server).await;
}
