//! What the browser decided: the page gets the response (and some of its
//! headers), or an error; with the assertions that say so in its terms.
//!
//! Middle layer, part of the exchange: the value the state machine ends
//! with, built only there; what the page may read is decided here, from the
//! Fetch rules, when a test asks.

use std::fmt;
use std::time::Duration;

use axum::body::Bytes;
use http::{HeaderMap, HeaderName, Method, StatusCode, Uri};

use crate::engine::Engine;
use crate::reason::{Reason, Stage};
use crate::spec;

/// The browser's verdict on one `fetch()`: allowed, with what the page may
/// read, or blocked, with the failed check.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub(crate) engine: Engine,
    pub(crate) method: Method,
    pub(crate) url: Uri,
    pub(crate) origin: String,
    pub(crate) preflight: Option<Preflight>,
    pub(crate) outcome: Outcome,
}

#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    Allowed(Allowed),
    Blocked(Blocked),
}

impl Verdict {
    /// Whether the page gets the response.
    pub fn is_allowed(&self) -> bool {
        matches!(self.outcome, Outcome::Allowed(_))
    }

    /// The response as the page sees it, if allowed.
    pub fn allowed(&self) -> Option<&Allowed> {
        match &self.outcome {
            Outcome::Allowed(allowed) => Some(allowed),
            Outcome::Blocked(_) => None,
        }
    }

    /// Why the request was blocked, if it was.
    pub fn blocked(&self) -> Option<&Blocked> {
        match &self.outcome {
            Outcome::Allowed(_) => None,
            Outcome::Blocked(blocked) => Some(blocked),
        }
    }

    /// The preflight, if one was sent and answered.
    pub fn preflight(&self) -> Option<&Preflight> {
        self.preflight.as_ref()
    }

    /// The engine that judged.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Asserts the page gets the response, and returns it.
    ///
    /// # Panics
    ///
    /// When the request was blocked, with the failed check.
    #[track_caller]
    pub fn assert_allowed(&self) -> &Allowed {
        match &self.outcome {
            Outcome::Allowed(allowed) => allowed,
            Outcome::Blocked(blocked) => panic!(
                "expected {} to allow {}, but it is {blocked}",
                self.engine,
                self.request()
            ),
        }
    }

    /// Asserts the request was blocked, and returns why.
    ///
    /// # Panics
    ///
    /// When the page gets the response.
    #[track_caller]
    pub fn assert_blocked(&self) -> &Blocked {
        match &self.outcome {
            Outcome::Blocked(blocked) => blocked,
            Outcome::Allowed(allowed) => panic!(
                "expected {} to block {}, but it is {allowed}",
                self.engine,
                self.request()
            ),
        }
    }

    /// Asserts the page may read the response header `name`
    /// (`response.headers.get(name)` is not `null`), and returns its value,
    /// lines joined with `, ` as the page sees it.
    ///
    /// # Panics
    ///
    /// When the request was blocked, the response lacks the header, or the
    /// header is neither CORS-safelisted nor exposed; the message says which,
    /// and what `Access-Control-Expose-Headers` said.
    #[track_caller]
    pub fn assert_may_read_header(&self, name: &str) -> String {
        let header = parse_name(name);
        let allowed = self.allowed_for_header(&header);
        if !allowed.headers.contains_key(&header) {
            panic!(
                "the page may not read {header} from {}: the response has no {header} header",
                self.request()
            );
        }
        match allowed.readability(&header) {
            Readability::Safelisted | Readability::Exposed | Readability::ExposedByWildcard => {
                allowed
                    .header(header.as_str())
                    .expect("a readable header the response has has a value")
            }
            Readability::Forbidden => panic!(
                "the page may not read {header} from {}: no page ever reads {header}",
                self.request()
            ),
            Readability::NotExposed => panic!(
                "the page may not read {header} from {}: it is not a CORS-safelisted response \
                 header, and {}",
                self.request(),
                allowed.expose_says(&header)
            ),
        }
    }

    /// Asserts the page may not read the response header `name`, on a
    /// response it gets: the header is neither CORS-safelisted nor exposed,
    /// or the response lacks it. A blocked request is an error here, not a
    /// pass: say [`Verdict::assert_blocked`] for that.
    ///
    /// # Panics
    ///
    /// When the request was blocked, or the page may read the header; the
    /// message says what makes it readable.
    #[track_caller]
    pub fn assert_may_not_read_header(&self, name: &str) {
        let header = parse_name(name);
        let allowed = self.allowed_for_header(&header);
        if !allowed.headers.contains_key(&header) {
            return;
        }
        let why = match allowed.readability(&header) {
            Readability::Safelisted => "it is a CORS-safelisted response header".to_owned(),
            Readability::Exposed => format!(
                "Access-Control-Expose-Headers (`{}`) lists it",
                allowed.expose_raw().unwrap_or_default()
            ),
            Readability::ExposedByWildcard => {
                "Access-Control-Expose-Headers is `*` and the request is not credentialed"
                    .to_owned()
            }
            Readability::Forbidden | Readability::NotExposed => return,
        };
        panic!("the page may read {header} from {}: {why}", self.request());
    }

    #[track_caller]
    fn allowed_for_header(&self, header: &HeaderName) -> &Allowed {
        match &self.outcome {
            Outcome::Allowed(allowed) => allowed,
            Outcome::Blocked(blocked) => panic!(
                "the page reads no header of {}, {header} included: it is {blocked}",
                self.request(),
            ),
        }
    }

    fn request(&self) -> String {
        format!("{} {} from {}", self.method, self.url, self.origin)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            Outcome::Allowed(allowed) => write!(f, "{}: {allowed}", self.engine),
            Outcome::Blocked(blocked) => write!(f, "{}: {blocked}", self.engine),
        }
    }
}

#[track_caller]
fn parse_name(name: &str) -> HeaderName {
    HeaderName::from_bytes(name.as_bytes())
        .unwrap_or_else(|_| panic!("{name:?} is not a header name"))
}

/// Whether a page may read a response header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Readability {
    /// A CORS-safelisted response header: always readable.
    Safelisted,
    /// Listed in `Access-Control-Expose-Headers`.
    Exposed,
    /// `Access-Control-Expose-Headers: *`, on a request without credentials.
    ExposedByWildcard,
    /// `set-cookie` or `set-cookie2`: never readable.
    Forbidden,
    /// Neither safelisted nor exposed.
    NotExposed,
}

/// A response the page gets: its status and body, and the headers it may
/// read.
#[derive(Clone, Debug)]
pub struct Allowed {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) credentials: bool,
}

impl Allowed {
    /// `response.status`.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The body, as `response.arrayBuffer()` has it.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body, as `response.text()` has it (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// `response.headers.get(name)`: the value the page reads, its lines
    /// joined with `, `, or `None` where the response lacks it or the page
    /// may not read it.
    pub fn header(&self, name: &str) -> Option<String> {
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        if !self.headers.contains_key(&name) || !self.may_read(&name) {
            return None;
        }
        let value = spec::combined_value(&self.headers, &name);
        Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
    }

    /// The names of the response's headers the page may read, sorted.
    pub fn readable_header_names(&self) -> Vec<HeaderName> {
        let mut names: Vec<HeaderName> = self
            .headers
            .keys()
            .filter(|name| self.may_read(name))
            .cloned()
            .collect();
        names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        names
    }

    /// Every header of the response, readable or not: what the network tab
    /// shows, not the page.
    pub fn all_headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Whether the page may read a header of this name, and why, from
    /// `Access-Control-Expose-Headers` (Fetch, "CORS-filtered response").
    pub fn readability(&self, name: &HeaderName) -> Readability {
        if spec::is_forbidden_response_header(name) {
            return Readability::Forbidden;
        }
        if spec::is_cors_safelisted_response_header(name) {
            return Readability::Safelisted;
        }
        let Some(Ok(exposed)) =
            spec::header_list_values(&self.headers, "access-control-expose-headers")
        else {
            return Readability::NotExposed;
        };
        if exposed
            .iter()
            .any(|item| item.eq_ignore_ascii_case(name.as_str()))
        {
            Readability::Exposed
        } else if !self.credentials && exposed.iter().any(|item| item == "*") {
            Readability::ExposedByWildcard
        } else {
            Readability::NotExposed
        }
    }

    fn may_read(&self, name: &HeaderName) -> bool {
        matches!(
            self.readability(name),
            Readability::Safelisted | Readability::Exposed | Readability::ExposedByWildcard
        )
    }

    fn expose_raw(&self) -> Option<String> {
        self.headers
            .contains_key("access-control-expose-headers")
            .then(|| {
                let name = HeaderName::from_static("access-control-expose-headers");
                String::from_utf8_lossy(spec::combined_value(&self.headers, &name).as_bytes())
                    .into_owned()
            })
    }

    /// Why `Access-Control-Expose-Headers` does not expose `name`.
    fn expose_says(&self, name: &HeaderName) -> String {
        let Some(raw) = self.expose_raw() else {
            return "Access-Control-Expose-Headers is missing".to_owned();
        };
        match spec::header_list_values(&self.headers, "access-control-expose-headers") {
            Some(Ok(items)) if items.iter().any(|item| item == "*") && self.credentials => {
                format!(
                    "Access-Control-Expose-Headers (`{raw}`) does not list it, and its `*` \
                     does not count for a credentialed request"
                )
            }
            Some(Ok(_)) => format!("Access-Control-Expose-Headers (`{raw}`) does not list {name}"),
            _ => format!(
                "Access-Control-Expose-Headers (`{raw}`) is not a list of header names, so it \
                 exposes nothing"
            ),
        }
    }
}

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "allowed (status {})", self.status)?;
        let names = self.readable_header_names();
        if names.is_empty() {
            f.write_str("; the page may read no header")
        } else {
            let names: Vec<&str> = names.iter().map(HeaderName::as_str).collect();
            write!(f, "; the page may read {}", names.join(", "))
        }
    }
}

/// A blocked request: the step, the failed check, and the answer that
/// failed it (the browser's network tab shows it; the page never does).
#[derive(Clone, Debug)]
pub struct Blocked {
    pub(crate) stage: Stage,
    pub(crate) reason: Reason,
    pub(crate) status: Option<StatusCode>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Blocked {
    /// The step that failed.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The check that failed.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }

    /// The status of the answer that failed the check, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The headers of the answer that failed the check.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body of the answer that failed the check (route-cors names the
    /// check that refused a preflight there).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Where route-cors refused a cross-origin write before any middleware
    /// or handler ran (a `403` whose body is `cross-origin write refused:
    /// <check>`), the check: `origin not allowed`, `method DELETE not
    /// allowed`. The browser sent the write without asking; the server
    /// turned it away.
    pub fn refused_write(&self) -> Option<&str> {
        if self.stage != Stage::Actual || self.status != Some(StatusCode::FORBIDDEN) {
            return None;
        }
        std::str::from_utf8(&self.body)
            .ok()?
            .strip_prefix("cross-origin write refused: ")
    }
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = &self.reason;
        match (self.stage, self.status) {
            (Stage::Script, _) => write!(f, "blocked before sending: {reason}"),
            (Stage::Preflight, Some(status)) => {
                write!(f, "blocked at the preflight (status {status}): {reason}")
            }
            (Stage::Preflight, None) => write!(f, "blocked at the preflight: {reason}"),
            (Stage::Actual, Some(status)) => {
                if let Some(check) = self.refused_write() {
                    write!(
                        f,
                        "refused by the server before the handler ({check}), and "
                    )?;
                }
                write!(f, "blocked at the response (status {status}): {reason}")
            }
            (Stage::Actual, None) => write!(f, "blocked: {reason}"),
        }
    }
}

/// A preflight that was sent and answered.
#[derive(Clone, Debug)]
pub struct Preflight {
    pub(crate) request: HeaderMap,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) cached_for: Duration,
}

impl Preflight {
    /// The preflight's request headers (`origin`,
    /// `access-control-request-method`, ...).
    pub fn request_headers(&self) -> &HeaderMap {
        &self.request
    }

    /// The answer's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// How long the engine would cache this answer: its
    /// `Access-Control-Max-Age` capped at the engine's maximum, 5 seconds
    /// without one, zero for a failed preflight.
    pub fn cached_for(&self) -> Duration {
        self.cached_for
    }
}
