//! `Fetch`: what a page's script asks for, as the arguments of `fetch(url,
//! init)` from a page of some origin.
//!
//! Bottom layer, the Fetch model: a description of the request and the
//! headers the browser keeps of it, with no engine and no answer in it; the
//! exchange above turns it into requests.

use std::fmt;

use axum::body::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};

use crate::spec;

/// A cross-origin `fetch()` from a page, in CORS mode: the page's origin,
/// the method, the URL, and what the script sets.
///
/// ```
/// use http::Method;
/// use route_cors_testkit::Fetch;
///
/// // fetch("/items/7", { method: "PUT", credentials: "include",
/// //                     headers: { "content-type": "application/json" },
/// //                     body: '{"name":"seven"}' })
/// // from a page on https://app.example.com
/// let fetch = Fetch::new("https://app.example.com", Method::PUT, "/items/7")
///     .header("content-type", "application/json")
///     .text(r#"{"name":"seven"}"#)
///     .credentials(true);
/// assert_eq!(fetch.method(), "PUT");
/// ```
#[derive(Clone, Debug)]
pub struct Fetch {
    origin: String,
    method: Method,
    url: Uri,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Body>,
    credentials: bool,
    cookie: Option<HeaderValue>,
}

#[derive(Clone, Debug)]
enum Body {
    /// A `Uint8Array` or `ArrayBuffer`: no `content-type` of its own.
    Bytes(Bytes),
    /// A string: `text/plain;charset=UTF-8` unless the script set a type.
    Text(Bytes),
}

impl Fetch {
    /// `fetch(url, { method })` from a page on `origin`.
    ///
    /// `origin` is the page's origin as browsers serialize it
    /// (`https://app.example.com`, `http://localhost:3000`, or `null`);
    /// `url` is a path (`/items/7`, for a `Router` in-process) or an
    /// absolute URL. The method is normalized as `fetch()` does: `delete`,
    /// `get`, `head`, `options`, `post` and `put` are uppercased, `patch`
    /// is sent as written.
    ///
    /// # Panics
    ///
    /// Where [`Fetch::try_new`] returns an error.
    #[track_caller]
    pub fn new(origin: &str, method: Method, url: &str) -> Self {
        match Self::try_new(origin, method, url) {
            Ok(fetch) => fetch,
            Err(e) => panic!("{e}"),
        }
    }

    /// `fetch(url)`: a `GET`.
    ///
    /// # Panics
    ///
    /// Where [`Fetch::try_new`] returns an error.
    #[track_caller]
    pub fn get(origin: &str, url: &str) -> Self {
        Self::new(origin, Method::GET, url)
    }

    /// [`Fetch::new`], with an error instead of a panic for an origin that
    /// is not one a browser sends or a URL that does not parse.
    pub fn try_new(origin: &str, method: Method, url: &str) -> Result<Self, InvalidFetch> {
        check_origin(origin)?;
        let url: Uri = url.parse().map_err(|_| InvalidFetch::Url(url.to_owned()))?;
        Ok(Self {
            origin: origin.to_owned(),
            method: spec::normalize_method(method),
            url,
            headers: Vec::new(),
            body: None,
            credentials: false,
            cookie: None,
        })
    }

    /// `headers: { name: value }`, appended as `Headers.append` does: lines
    /// of one name are sent as one, joined with `, `. A forbidden
    /// request-header (`cookie`, `origin`, `host`, `sec-*`...) is dropped as
    /// the browser drops it; for cookies, see [`Fetch::cookie`].
    ///
    /// # Panics
    ///
    /// When the name or the value is not valid.
    #[track_caller]
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: fmt::Debug,
        V: TryInto<HeaderValue>,
        V::Error: fmt::Debug,
    {
        let name = name
            .try_into()
            .unwrap_or_else(|e| panic!("invalid header name: {e:?}"));
        let value = value
            .try_into()
            .unwrap_or_else(|e| panic!("invalid value for header {name}: {e:?}"));
        self.headers.push((name, value));
        self
    }

    /// `body: new Uint8Array(...)`: bytes, with no `content-type` added.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(Body::Bytes(body.into()));
        self
    }

    /// `body: "..."`: a string, sent with `content-type:
    /// text/plain;charset=UTF-8` unless the script set a `content-type`.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.body = Some(Body::Text(Bytes::from(text.into())));
        self
    }

    /// `credentials: "include"` (`true`) or the default, `"same-origin"`,
    /// which sends no cookies cross-origin (`false`). Credentials change
    /// what the answers must say; they do not cause a preflight.
    pub fn credentials(mut self, include: bool) -> Self {
        self.credentials = include;
        self
    }

    /// The cookies the browser holds for the URL, sent as `cookie` on the
    /// actual request when credentials are included, and never on a
    /// preflight.
    ///
    /// # Panics
    ///
    /// When `cookie` is not a valid header value.
    #[track_caller]
    pub fn cookie(mut self, cookie: &str) -> Self {
        let value = HeaderValue::from_str(cookie)
            .unwrap_or_else(|e| panic!("invalid value for cookie: {e:?}"));
        self.cookie = Some(value);
        self
    }

    /// The page's origin.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The method, as sent.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URL, as given.
    pub fn url(&self) -> &Uri {
        &self.url
    }

    /// Whether credentials are included.
    pub fn includes_credentials(&self) -> bool {
        self.credentials
    }

    /// The headers the script set that the browser sends, one line per name
    /// (forbidden ones dropped), and the body's own `content-type` for a
    /// string: what `Access-Control-Request-Headers` is computed from.
    pub fn script_headers(&self) -> HeaderMap {
        let mut appended = HeaderMap::new();
        for (name, value) in &self.headers {
            if !spec::is_forbidden_request_header(name, value) {
                appended.append(name.clone(), value.clone());
            }
        }
        let mut headers = HeaderMap::new();
        for name in appended.keys() {
            headers.insert(name.clone(), spec::combined_value(&appended, name));
        }
        if matches!(self.body, Some(Body::Text(_)))
            && !headers.contains_key(http::header::CONTENT_TYPE)
        {
            headers.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain;charset=UTF-8"),
            );
        }
        headers
    }

    /// The body, if any.
    pub fn body_bytes(&self) -> Option<&Bytes> {
        match &self.body {
            Some(Body::Bytes(bytes) | Body::Text(bytes)) => Some(bytes),
            None => None,
        }
    }

    /// The cookies, if any were set.
    pub(crate) fn cookies(&self) -> Option<&HeaderValue> {
        self.cookie.as_ref()
    }
}

/// A [`Fetch`] that no page could make.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidFetch {
    /// Not an origin as a browser serializes it in `Origin`.
    Origin {
        /// The value given.
        origin: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A URL that does not parse.
    Url(String),
}

impl fmt::Display for InvalidFetch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Origin { origin, problem } => write!(
                f,
                "{origin:?} is not an origin a browser sends: {problem} \
                 (write it as `scheme://host[:port]`, e.g. `https://app.example.com`)"
            ),
            Self::Url(url) => write!(f, "{url:?} is not a URL"),
        }
    }
}

impl std::error::Error for InvalidFetch {}

/// A serialized origin, as a browser writes `Origin`: `null`, or
/// `scheme://host[:port]` in lowercase, without path or trailing slash.
fn check_origin(origin: &str) -> Result<(), InvalidFetch> {
    let problem = |problem| InvalidFetch::Origin {
        origin: origin.to_owned(),
        problem,
    };
    if origin == "null" {
        return Ok(());
    }
    let Some((scheme, authority)) = origin.split_once("://") else {
        return Err(problem("it has no `://`"));
    };
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    {
        return Err(problem("its scheme is not valid"));
    }
    if authority.is_empty() {
        return Err(problem("it has no host"));
    }
    if authority.contains(['/', '?', '#']) {
        return Err(problem(
            "an origin has no path, query, fragment or trailing slash",
        ));
    }
    if authority.contains('@') {
        return Err(problem("an origin has no user information"));
    }
    if origin
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii_graphic())
    {
        return Err(problem(
            "browsers send it in lowercase ASCII, without spaces",
        ));
    }
    let default_port = match scheme {
        "https" => Some(":443"),
        "http" => Some(":80"),
        _ => None,
    };
    if default_port.is_some_and(|port| authority.ends_with(port)) {
        return Err(problem("browsers leave out the default port"));
    }
    Ok(())
}
