//! A recording relay in front of the conformance server. The browsers fetch
//! through it, and it tells which requests reached the server, with the
//! headers as they went on the wire, and what status the server answered:
//! the same observation for every engine (Firefox has no DevTools network
//! log that WebDriver can read).
//!
//! It copies bytes both ways unchanged, one thread per direction of each
//! connection, and keeps a copy of them; [`Wire::take`] parses that copy
//! into HTTP/1.1 requests and answers (browsers keep connections open and
//! send one request at a time on each, so the answers come in order).

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One request that reached the server through the relay.
#[derive(Clone, Debug)]
pub struct WireRequest {
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// Header lines in order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The status the server answered, `None` when no answer came.
    pub status: Option<u16>,
}

impl WireRequest {
    /// The value of header `name` (lower-case), lines joined with `, `.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

/// The relay, listening on 127.0.0.1 until dropped.
pub struct Wire {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    connections: Mutex<Vec<Connection>>,
}

impl Shared {
    fn connections(&self) -> MutexGuard<'_, Vec<Connection>> {
        self.connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Default)]
struct Connection {
    /// Bytes from the browser not yet parsed.
    sent: Vec<u8>,
    /// Bytes from the server not yet parsed.
    received: Vec<u8>,
    /// The server closed its side: an answer without a length ends here.
    server_closed: bool,
    /// Requests parsed and not yet answered; `true` once reported.
    unanswered: VecDeque<(WireRequest, bool)>,
    /// Both sockets, to shut down when the relay stops.
    sockets: Vec<TcpStream>,
}

impl Wire {
    /// Starts relaying a free port on 127.0.0.1 to `upstream`.
    pub fn start(upstream: &str) -> Result<Wire, String> {
        let upstream: SocketAddr = upstream
            .parse()
            .map_err(|e| format!("bad upstream address {upstream:?}: {e}"))?;
        let listener = TcpListener::bind("127.0.0.1:0")
            .map_err(|e| format!("the relay cannot listen on 127.0.0.1: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("the relay has no address: {e}"))?;
        let shared = Arc::new(Shared::default());
        let accepting = Arc::clone(&shared);
        let accept = std::thread::spawn(move || {
            for client in listener.incoming() {
                if accepting.stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(client) = client {
                    relay(&accepting, client, upstream);
                }
            }
        });
        Ok(Wire {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        self.addr.to_string()
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Every request that went through since the last call, in the order
    /// parsed (per connection, the order sent), with the answer's status.
    /// Waits up to `settle` for messages still arriving to complete.
    pub fn take(&self, settle: Duration) -> Vec<WireRequest> {
        let deadline = Instant::now() + settle;
        let mut taken = Vec::new();
        loop {
            let mut settled = true;
            for connection in self.shared.connections().iter_mut() {
                settled &= connection.parse(&mut taken);
            }
            if settled || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // What never got an answer is reported once, without a status.
        for connection in self.shared.connections().iter_mut() {
            for (request, reported) in &mut connection.unanswered {
                if !*reported {
                    *reported = true;
                    taken.push(request.clone());
                }
            }
        }
        taken
    }
}

impl Drop for Wire {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then sees `stop`.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        for connection in self.shared.connections().iter() {
            for socket in &connection.sockets {
                let _ = socket.shutdown(Shutdown::Both);
            }
        }
    }
}

/// Connects `client` to `upstream` and copies both ways, keeping the bytes.
fn relay(shared: &Arc<Shared>, client: TcpStream, upstream: SocketAddr) {
    let Ok(server) = TcpStream::connect_timeout(&upstream, Duration::from_secs(5)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let (Ok(client_copy), Ok(server_copy)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let index = {
        let mut connections = shared.connections();
        let mut connection = Connection::default();
        if let (Ok(a), Ok(b)) = (client.try_clone(), server.try_clone()) {
            connection.sockets = vec![a, b];
        }
        connections.push(connection);
        connections.len() - 1
    };
    let to_server = Arc::clone(shared);
    std::thread::spawn(move || {
        copy(client, server_copy, |bytes| {
            to_server.connections()[index].sent.extend_from_slice(bytes);
        });
    });
    let to_client = Arc::clone(shared);
    std::thread::spawn(move || {
        copy(server, client_copy, |bytes| {
            to_client.connections()[index]
                .received
                .extend_from_slice(bytes);
        });
        to_client.connections()[index].server_closed = true;
    });
}

/// Copies `from` to `to` until either ends, giving `keep` each chunk before
/// it is passed on (so whatever the browser has read is already kept).
fn copy(mut from: TcpStream, mut to: TcpStream, mut keep: impl FnMut(&[u8])) {
    let mut chunk = [0u8; 16 * 1024];
    loop {
        match from.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                keep(&chunk[..n]);
                if to.write_all(&chunk[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

impl Connection {
    /// Moves every complete request, and every answered one to `taken`;
    /// `true` when nothing is left half-read or unanswered.
    fn parse(&mut self, taken: &mut Vec<WireRequest>) -> bool {
        while let Some(message) = Message::parse(&self.sent, None, false) {
            self.sent.drain(..message.len);
            let mut parts = message.start_line.splitn(3, ' ');
            let method = parts.next().unwrap_or_default().to_owned();
            let target = parts.next().unwrap_or_default().to_owned();
            let request = WireRequest {
                method,
                target,
                headers: message.headers,
                status: None,
            };
            self.unanswered.push_back((request, false));
        }
        while let Some((request, _)) = self.unanswered.front() {
            let method = request.method.clone();
            let Some(message) = Message::parse(&self.received, Some(&method), self.server_closed)
            else {
                break;
            };
            self.received.drain(..message.len);
            let status: Option<u16> = message
                .start_line
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok());
            if status.is_some_and(|s| (100..200).contains(&s)) {
                continue; // `100 Continue` and the like: the answer follows.
            }
            let (mut request, reported) = self.unanswered.pop_front().expect("front exists");
            if !reported {
                request.status = status;
                taken.push(request);
            }
        }
        self.sent.is_empty() && self.received.is_empty() && self.unanswered.is_empty()
    }
}

/// One whole HTTP/1.1 message at the start of a buffer.
struct Message {
    start_line: String,
    headers: Vec<(String, String)>,
    /// Its length in the buffer, head and body.
    len: usize,
}

impl Message {
    /// The message at the start of `buf`, once it is complete. `request` is
    /// the method of the request a response answers (`None` for a request);
    /// `closed` says the stream has ended (a response without a length runs
    /// to its end).
    fn parse(buf: &[u8], request: Option<&str>, closed: bool) -> Option<Message> {
        let head_len = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        let head = String::from_utf8_lossy(&buf[..head_len - 4]).into_owned();
        let mut lines = head.split("\r\n");
        let start_line = lines.next().unwrap_or_default().to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let value = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let status: Option<u16> = request.and_then(|_| start_line.split(' ').nth(1)?.parse().ok());
        let bodiless = request == Some("HEAD")
            || status.is_some_and(|s| (100..200).contains(&s) || s == 204 || s == 304);
        let body_len = if bodiless {
            0
        } else if value("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
        {
            chunked_len(&buf[head_len..])?
        } else if let Some(length) = value("content-length") {
            length.parse::<usize>().ok()?
        } else if request.is_none() {
            0 // A request without a length has no body.
        } else if closed {
            buf.len() - head_len
        } else {
            return None;
        };
        (buf.len() >= head_len + body_len).then_some(Message {
            start_line,
            headers,
            len: head_len + body_len,
        })
    }
}

/// The length of a whole chunked body at the start of `body`, trailers
/// included, once it is complete.
fn chunked_len(body: &[u8]) -> Option<usize> {
    let mut at = 0;
    loop {
        let eol = body[at..].windows(2).position(|w| w == b"\r\n")?;
        let size_line = std::str::from_utf8(&body[at..at + eol]).ok()?;
        let size_hex = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        at += eol + 2;
        if size == 0 {
            // Trailer lines, if any, then an empty line.
            loop {
                let eol = body[at..].windows(2).position(|w| w == b"\r\n")?;
                at += eol + 2;
                if eol == 0 {
                    return Some(at);
                }
            }
        }
        at += size + 2;
        if body.len() < at {
            return None;
        }
    }
}
