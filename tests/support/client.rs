//! Real HTTP clients for the black-box tests: hyper's, for well-formed
//! requests, and raw bytes on a TCP socket, for what no client would send.

#![allow(dead_code)]

use std::time::Duration;

use axum::body::Body;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// Every `access-control-*` and `vary` line, sorted.
    pub fn cors_lines(&self) -> Vec<(String, String)> {
        let mut lines: Vec<(String, String)> = self
            .headers
            .iter()
            .filter(|(n, _)| n.as_str().starts_with("access-control-") || n.as_str() == "vary")
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        lines.sort();
        lines
    }

    #[track_caller]
    pub fn assert_cors(&self, expected: &[(&str, &str)]) {
        let mut expected: Vec<(String, String)> = expected
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        expected.sort();
        assert_eq!(self.cors_lines(), expected, "CORS headers of the response");
    }
}

/// Sends `req` with hyper's client, within 10 seconds.
pub async fn send(req: Request<Body>) -> Answer {
    let client = Client::builder(TokioExecutor::new()).build_http::<Body>();
    let res = tokio::time::timeout(Duration::from_secs(10), client.request(req))
        .await
        .expect("the server answered within 10 s")
        .expect("the request went through");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("a body").to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Writes `raw` to `addr` and reads until the server closes, within 10
/// seconds. The request should say `Connection: close`.
pub async fn send_raw(addr: &str, raw: &[u8]) -> String {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        // The server may answer and close before reading everything.
        let _ = stream.write_all(raw).await;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    };
    tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .expect("the server answered within 10 s")
}
