//! A checked CORS policy, with every response header value built once.
//!
//! Policies come from two places: `#[cors]` writes its values as `static`
//! data, checked while the program compiles, and [`PolicyBuilder`] builds a
//! `Policy` from them when the handler is registered; run-time policies go
//! through the same builder. Both go through `route_cors_rules::validate`,
//! so there is no way to hold a `Policy` that breaks a rule.
//!
//! [`PolicyBuilder`]: crate::PolicyBuilder

use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, HeaderValue};
use route_cors_rules::origin::{is_request_origin, matches_subdomains, MAX_ORIGIN_LEN};

use crate::request::RequestedHeaders;

/// A list of strings of a policy.
#[derive(Clone, Debug)]
pub(crate) struct Strs(pub(crate) Box<[String]>);

impl Strs {
    pub(crate) fn to_vec(&self) -> Vec<String> {
        self.0.to_vec()
    }

    pub(crate) fn contains(&self, f: impl Fn(&[u8]) -> bool) -> bool {
        self.0.iter().any(|s| f(s.as_bytes()))
    }

    /// Binary search; the list must be sorted by bytes.
    pub(crate) fn contains_sorted(&self, needle: &[u8]) -> bool {
        self.0
            .binary_search_by(|s| s.as_bytes().cmp(needle))
            .is_ok()
    }
}

/// `(prefix, suffix)` pairs of `scheme://*.suffix[:port]` patterns.
#[derive(Clone, Debug)]
pub(crate) struct Patterns(pub(crate) Box<[(String, String)]>);

impl Patterns {
    /// Each pattern as written: `https://*.example.com`.
    pub(crate) fn to_vec(&self) -> Vec<String> {
        self.0.iter().map(|(p, s)| format!("{p}*{s}")).collect()
    }

    fn matches(&self, origin: &[u8]) -> bool {
        self.0
            .iter()
            .any(|(p, s)| matches_subdomains(p.as_bytes(), s.as_bytes(), origin))
    }
}

/// A checked CORS policy: which origins, methods and headers it allows, and
/// the header values it answers with, built once.
///
/// Get one from `#[cors(...)]` (at compile time) or from
/// [`Policy::builder`] (at run time).
#[doc = include_str!("../docs/policy.md")]
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) origins: OriginSet,
    pub(crate) methods: MethodSet,
    pub(crate) headers: HeaderSet,
    pub(crate) credentials: bool,
    pub(crate) private_network: bool,
    /// Cross-origin writes reach the app whatever their origin or method.
    pub(crate) writes_from_any_origin: bool,
    /// `Access-Control-Allow-Headers`, when any header is allowed.
    pub(crate) allow_headers: Option<HeaderValue>,
    /// `Access-Control-Expose-Headers`, when any header is exposed.
    pub(crate) expose_headers: Option<HeaderValue>,
    /// `Access-Control-Max-Age`.
    pub(crate) max_age: Option<HeaderValue>,
    /// Decides origins beside the listed ones ([`PolicyBuilder::origin_fn`]).
    ///
    /// [`PolicyBuilder::origin_fn`]: crate::PolicyBuilder::origin_fn
    pub(crate) origin_fn: Option<OriginFn>,
}

/// A function that decides whether an origin is allowed.
#[derive(Clone)]
pub(crate) struct OriginFn(pub(crate) Arc<dyn Fn(&str) -> bool + Send + Sync>);

impl fmt::Debug for OriginFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OriginFn(..)")
    }
}

#[derive(Clone, Debug)]
pub(crate) enum OriginSet {
    Any,
    List {
        /// Sorted by bytes, for binary search.
        exact: Strs,
        patterns: Patterns,
    },
}

#[derive(Clone, Debug)]
pub(crate) enum MethodSet {
    /// The methods the handler is routed for.
    Routed,
    Any,
    List(Strs),
}

#[derive(Clone, Debug)]
pub(crate) enum HeaderSet {
    /// Fetch's `*`: every header but `Authorization`.
    Any,
    /// Lowercase.
    List(Strs),
}

impl Policy {
    /// Whether `origin`, the one `Origin` value of a request, is allowed.
    pub(crate) fn allows_origin(&self, origin: &HeaderValue) -> bool {
        let origin = origin.as_bytes();
        let listed = match &self.origins {
            OriginSet::Any => return is_request_origin(origin),
            OriginSet::List { exact, patterns } => {
                origin.len() <= MAX_ORIGIN_LEN
                    && (exact.contains_sorted(origin) || patterns.matches(origin))
            }
        };
        // The function is asked only about values that are origins, never
        // about malformed input.
        listed
            || self.origin_fn.as_ref().is_some_and(|OriginFn(allows)| {
                is_request_origin(origin)
                    && std::str::from_utf8(origin).is_ok_and(|origin| allows(origin))
            })
    }

    /// The `Access-Control-Allow-Origin` value for an allowed origin.
    pub(crate) fn allow_origin_value(&self, origin: &HeaderValue) -> HeaderValue {
        match (&self.origins, self.credentials) {
            (OriginSet::Any, false) => HeaderValue::from_static("*"),
            _ => origin.clone(),
        }
    }

    /// Whether `method` is allowed. A policy is only ever asked about the
    /// methods its handler is routed for, so one that leaves `methods` out
    /// allows them all. `HEAD` goes where `GET` does: axum serves it with the
    /// `GET` handler.
    pub(crate) fn allows_method(&self, method: &[u8]) -> bool {
        match &self.methods {
            MethodSet::Routed | MethodSet::Any => true,
            MethodSet::List(list) => {
                list.contains(|m| m == method)
                    || (method == b"HEAD" && list.contains(|m| m == b"GET"))
            }
        }
    }

    /// The same policy, with `methods` left out read as the CORS-safelisted
    /// methods: what a default policy, which stands for no handler in
    /// particular, allows.
    pub(crate) fn into_default(mut self) -> Self {
        if matches!(self.methods, MethodSet::Routed) {
            let safelisted = ["GET", "HEAD", "POST"].map(String::from);
            self.methods = MethodSet::List(Strs(Box::new(safelisted)));
        }
        self
    }

    /// The first header named in `Access-Control-Request-Headers` that is
    /// not allowed (or not a header name), if any.
    pub(crate) fn first_refused_header<'a>(
        &self,
        requested: &RequestedHeaders<'a>,
    ) -> Option<&'a [u8]> {
        requested.first_refused(|name| match &self.headers {
            HeaderSet::Any => !name.eq_ignore_ascii_case(b"authorization"),
            HeaderSet::List(list) => list.contains(|allowed| name.eq_ignore_ascii_case(allowed)),
        })
    }

    /// The allowed origins: `*`, or each one and pattern, and a line for an
    /// origin function.
    pub(crate) fn origin_list(&self) -> Vec<String> {
        let mut listed = match &self.origins {
            OriginSet::Any => return vec!["*".to_owned()],
            OriginSet::List { exact, patterns } => {
                let mut all = exact.to_vec();
                all.extend(patterns.to_vec());
                all
            }
        };
        if self.origin_fn.is_some() {
            listed.push("(and those its origin function allows)".to_owned());
        }
        listed
    }

    /// The allowed methods: `None` for the ones the handler is routed for.
    pub(crate) fn method_list(&self) -> Option<Vec<String>> {
        match &self.methods {
            MethodSet::Routed => None,
            MethodSet::Any => Some(vec!["*".to_owned()]),
            MethodSet::List(list) => Some(list.to_vec()),
        }
    }

    /// The allowed request headers: `*` for Fetch's any (all but
    /// `authorization`).
    pub(crate) fn header_list(&self) -> Vec<String> {
        match &self.headers {
            HeaderSet::Any => vec!["*".to_owned()],
            HeaderSet::List(list) => list.to_vec(),
        }
    }

    /// The exposed response headers.
    pub(crate) fn expose_list(&self) -> Vec<String> {
        self.expose_headers
            .as_ref()
            .map(|value| {
                String::from_utf8_lossy(value.as_bytes())
                    .split(',')
                    .map(|name| name.trim().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `Access-Control-Max-Age`, in seconds.
    pub(crate) fn max_age_seconds(&self) -> Option<u32> {
        self.max_age
            .as_ref()
            .and_then(|value| value.to_str().ok()?.parse().ok())
    }

    pub(crate) fn describe_origins(&self) -> String {
        let listed = self.origin_list();
        if listed.is_empty() {
            return "none".to_owned();
        }
        listed.join(", ")
    }

    /// The allowed methods, or "the routed ones".
    pub(crate) fn describe_methods(&self) -> String {
        self.method_list()
            .map_or_else(|| "the routed ones".to_owned(), |list| list.join(", "))
    }

    /// The allowed request headers, `*` with its exception, or "none".
    pub(crate) fn describe_headers(&self) -> String {
        match &self.headers {
            HeaderSet::Any => "* (all but authorization)".to_owned(),
            HeaderSet::List(list) if list.to_vec().is_empty() => "none".to_owned(),
            HeaderSet::List(list) => list.to_vec().join(", "),
        }
    }

    /// Whether this policy lets the request reach the private network.
    pub(crate) fn allows_private_network(&self) -> bool {
        self.private_network
    }

    /// Whether requests with credentials are allowed.
    pub fn credentials(&self) -> bool {
        self.credentials
    }

    /// Adds what every grant carries, preflight or actual, for an allowed
    /// origin: `Access-Control-Allow-Origin` and, with credentials,
    /// `Access-Control-Allow-Credentials`.
    pub(crate) fn grant_origin(&self, origin: &HeaderValue, headers: &mut HeaderMap) {
        headers.insert(
            http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
            self.allow_origin_value(origin),
        );
        if self.credentials {
            headers.insert(
                http::header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
    }
}

/// One line: what the policy allows, as a security review reads it.
///
/// ```
/// let policy = route_cors::Policy::builder()
///     .origins(["https://app.example.com"])
///     .methods(["GET"])
///     .max_age(600)
///     .build()?;
/// assert_eq!(
///     policy.to_string(),
///     "origins: https://app.example.com; methods: GET; headers: none; expose: none; \
///      credentials: no; max_age: 600"
/// );
/// # Ok::<(), route_cors::PolicyError>(())
/// ```
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expose = self
            .expose_headers
            .as_ref()
            .map_or("none".into(), |v| String::from_utf8_lossy(v.as_bytes()));
        write!(
            f,
            "origins: {}; methods: {}; headers: {}; expose: {expose}; credentials: {}",
            self.describe_origins(),
            self.describe_methods(),
            self.describe_headers(),
            if self.credentials { "yes" } else { "no" },
        )?;
        if let Some(max_age) = &self.max_age {
            write!(
                f,
                "; max_age: {}",
                String::from_utf8_lossy(max_age.as_bytes())
            )?;
        }
        if self.private_network {
            f.write_str("; private_network")?;
        }
        if self.writes_from_any_origin {
            f.write_str("; writes_from_any_origin")?;
        }
        Ok(())
    }
}
