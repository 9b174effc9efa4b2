//! What a browser would do with one cross-origin `fetch()` to any server,
//! over HTTP or HTTPS, and why: the requests it sends (the preflight, if
//! one is needed, then the actual request), the answers, and its verdict,
//! judged by `route-cors-testkit`, the same model the in-process tests use.
//!
//! ```text
//! cargo run --example probe -- URL --origin ORIGIN [--method METHOD]
//!     [--header 'NAME: VALUE']... [--credentials] [--body TEXT]
//!     [--browser chromium|firefox] [--private-network]
//! ```
//!
//! It exits with 0 when the page gets the answer, 1 when the browser blocks
//! it, 2 when the arguments are wrong.

use std::process::ExitCode;
use std::time::Duration;

use axum::body::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use route_cors_testkit::{spec, Browser, Fetch, Readability, Verdict};

const USAGE: &str = "usage: probe URL --origin ORIGIN [--method METHOD] [--header 'NAME: VALUE']... \
                     [--credentials] [--body TEXT] [--browser chromium|firefox] [--private-network]";

/// How long one request may take before the probe calls it a network error.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The command line, read.
struct Probe {
    browser: Browser,
    fetch: Fetch,
    /// Headers the page may not set, which the browser drops.
    dropped: Vec<HeaderName>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let probe = match parse(std::env::args().skip(1)) {
        Ok(probe) => probe,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    for name in &probe.dropped {
        println!("note: a page cannot set {name}; the browser drops it");
    }
    let verdict = run(&probe).await;
    report(&verdict);
    if verdict.is_allowed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Probe, String> {
    let mut url = None;
    let mut origin = None;
    let mut method = Method::GET;
    let mut headers = Vec::new();
    let mut credentials = false;
    let mut body = None;
    let mut browser = Browser::chromium();
    let mut private_network = false;
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().ok_or(format!("{flag} needs a value"));
        match arg.as_str() {
            "--origin" => origin = Some(value("--origin")?),
            "--method" | "-X" => {
                let name = value("--method")?;
                method = Method::from_bytes(name.as_bytes())
                    .map_err(|_| format!("{name:?} is not a method"))?;
            }
            "--header" | "-H" => headers.push(parse_header(&value("--header")?)?),
            "--credentials" => credentials = true,
            "--body" | "-d" => body = Some(value("--body")?),
            "--browser" => {
                browser = match value("--browser")?.as_str() {
                    "chromium" | "chrome" => Browser::chromium(),
                    "firefox" => Browser::firefox(),
                    other => return Err(format!("unknown browser {other:?}: chromium or firefox")),
                }
            }
            "--private-network" => private_network = true,
            "--help" | "-h" => return Err("what a browser would do with one fetch()".into()),
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            _ if url.is_none() => url = Some(arg),
            _ => return Err(format!("one URL only, got another: {arg}")),
        }
    }
    let url = url.ok_or("the URL is missing")?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!("{url:?} is not an http:// or https:// URL"));
    }
    let origin =
        origin.ok_or("--origin is missing: the page's origin, e.g. https://app.example.com")?;
    let mut fetch = Fetch::try_new(&origin, method, &url).map_err(|e| e.to_string())?;
    let mut dropped = Vec::new();
    for (name, value) in headers {
        if spec::is_forbidden_request_header(&name, &value) {
            dropped.push(name.clone());
        }
        fetch = fetch.header(name, value);
    }
    if let Some(body) = body {
        fetch = fetch.text(body);
    }
    Ok(Probe {
        browser: browser.private_network_access(private_network),
        fetch: fetch.credentials(credentials),
        dropped,
    })
}

/// `NAME: VALUE`, as curl's `-H` takes it.
fn parse_header(line: &str) -> Result<(HeaderName, HeaderValue), String> {
    let (name, value) = line
        .split_once(':')
        .ok_or(format!("{line:?} is not `NAME: VALUE`"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| format!("{:?} is not a header name", name.trim()))?;
    let value = HeaderValue::from_str(value.trim())
        .map_err(|_| format!("the value of {name} is not a header value"))?;
    Ok((name, value))
}

/// Sends the exchange's requests over the network and judges the answers.
async fn run(probe: &Probe) -> Verdict {
    // The system's roots, as browsers trust them; Mozilla's where the system
    // has none.
    let builder = hyper_rustls::HttpsConnectorBuilder::new();
    let roots = match builder.with_native_roots() {
        Ok(roots) => roots,
        Err(_) => hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots(),
    };
    let connector: HttpsConnector<HttpConnector> = roots.https_or_http().enable_http1().build();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    println!(
        "{} fetch({}) from a page on {}",
        probe.browser.engine(),
        describe(&probe.fetch),
        probe.fetch.origin()
    );
    let mut exchange = probe.browser.exchange(probe.fetch.clone());
    let mut preflight = exchange.needs_preflight();
    while let Some(request) = exchange.next_request() {
        println!();
        print_request(&request, preflight);
        preflight = false;
        let sent = tokio::time::timeout(TIMEOUT, client.request(request.map(Full::new)));
        let response = match sent.await {
            Err(_) => {
                exchange.fail(format!("no answer within {} s", TIMEOUT.as_secs()));
                continue;
            }
            Ok(Err(e)) => {
                exchange.fail(error_chain(&e));
                continue;
            }
            Ok(Ok(response)) => response,
        };
        let (parts, body) = response.into_parts();
        match body.collect().await {
            Ok(body) => {
                let response = Response::from_parts(parts, body.to_bytes());
                print_response(&response);
                exchange.receive(response);
            }
            Err(e) => exchange.fail(format!("reading the body: {e}")),
        }
    }
    exchange.finish()
}

/// The `fetch()` call a script would write for this request.
fn describe(fetch: &Fetch) -> String {
    let mut init = vec![format!("method: {:?}", fetch.method().as_str())];
    if fetch.includes_credentials() {
        init.push("credentials: \"include\"".into());
    }
    let headers = fetch.script_headers();
    if !headers.is_empty() {
        let names: Vec<String> = headers
            .iter()
            .map(|(name, value)| {
                format!(
                    "{:?}: {:?}",
                    name.as_str(),
                    String::from_utf8_lossy(value.as_bytes())
                )
            })
            .collect();
        init.push(format!("headers: {{ {} }}", names.join(", ")));
    }
    if fetch.body_bytes().is_some() {
        init.push("body".into());
    }
    format!("{:?}, {{ {} }}", fetch.url().to_string(), init.join(", "))
}

fn print_request(request: &Request<Bytes>, preflight: bool) {
    let what = if preflight { " (preflight)" } else { "" };
    println!("> {} {}{what}", request.method(), request.uri());
    print_headers(">", request.headers());
}

fn print_response(response: &Response<Bytes>) {
    println!("< {}", response.status());
    print_headers("<", response.headers());
    if let Some(text) = short_text(response.body()) {
        println!("<");
        for line in text.lines() {
            println!("< {line}");
        }
    }
}

fn print_headers(prefix: &str, headers: &HeaderMap) {
    for (name, value) in headers {
        println!(
            "{prefix} {name}: {}",
            String::from_utf8_lossy(value.as_bytes())
        );
    }
}

/// A body worth printing: UTF-8, one short paragraph.
fn short_text(body: &Bytes) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    if text.is_empty() {
        return None;
    }
    if text.chars().count() > 200 {
        let cut: String = text.chars().take(200).collect();
        return Some(format!("{cut}... ({} bytes)", body.len()));
    }
    Some(text.to_owned())
}

fn report(verdict: &Verdict) {
    println!();
    println!("{verdict}");
    if let Some(allowed) = verdict.allowed() {
        let hidden: Vec<String> = allowed
            .all_headers()
            .keys()
            .filter_map(|name| match allowed.readability(name) {
                Readability::NotExposed => Some(format!("{name} (not exposed)")),
                Readability::Forbidden => Some(format!("{name} (never)")),
                _ => None,
            })
            .collect();
        if !hidden.is_empty() {
            println!("the page may not read: {}", hidden.join(", "));
        }
        if let Some(preflight) = verdict.preflight() {
            println!(
                "{} caches the preflight's answer for {} s",
                verdict.engine(),
                preflight.cached_for().as_secs()
            );
        }
    }
    if let Some(check) = verdict
        .blocked()
        .and_then(|blocked| blocked.refused_write())
    {
        println!(
            "the write was sent (a browser sends it without asking) and refused by the server \
             before the handler: {check}"
        );
    } else if let Some(text) = verdict
        .blocked()
        .and_then(|blocked| short_text(blocked.body()))
    {
        println!("the answer's body (the network tab shows it, the page does not): {text}");
    }
}

/// An error and its sources, as one line: hyper's own message says little.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}
