//! Policies built at run time (from configuration, say), checked by the same
//! rules as `#[cors]`, and refused with an error that names each mistake.

use std::fmt;

use http::HeaderValue;
use route_cors_rules::{
    Key, Located, Methods, Names, Origins, Spec, ValidPolicy, Values, Violation,
};

use std::sync::Arc;

use crate::policy::{HeaderSet, MethodSet, OriginFn, OriginSet, Patterns, Policy, Strs};

/// Builds a [`Policy`] at run time. Nothing is checked until
/// [`build`](PolicyBuilder::build), which reports every mistake at once.
///
/// ```
/// use route_cors::Policy;
///
/// let origins = "https://app.example.com, https://admin.example.com";
/// let policy = Policy::builder()
///     .origins(origins.split(',').map(str::trim))
///     .methods(["GET", "POST"])
///     .headers(["content-type"])
///     .max_age(600)
///     .build()?;
/// # let _ = policy;
/// # Ok::<(), route_cors::PolicyError>(())
/// ```
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct PolicyBuilder {
    origins: Option<Owned>,
    methods: Option<Owned>,
    headers: Option<Owned>,
    expose: Option<Owned>,
    credentials: bool,
    max_age: Option<i64>,
    private_network: bool,
    insecure_origins: bool,
    writes_from_any_origin: bool,
    origin_fn: Option<OriginFn>,
}

#[derive(Clone, Debug)]
enum Owned {
    Any,
    List(Vec<String>),
}

impl Owned {
    fn list<I: IntoIterator<Item = T>, T: Into<String>>(items: I) -> Self {
        Owned::List(items.into_iter().map(Into::into).collect())
    }

    fn borrow(&self) -> Values<'_> {
        match self {
            Owned::Any => Values::Any,
            Owned::List(list) => Values::List(list.iter().map(String::as_str).collect()),
        }
    }
}

impl Policy {
    /// Starts a policy built at run time.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder::default()
    }
}

impl PolicyBuilder {
    /// Allowed origins, each a serialized origin (`https://app.example.com`)
    /// or a subdomain pattern (`https://*.example.com`). `["*"]` allows any.
    /// Each call replaces the list given before (so do the other list
    /// setters).
    pub fn origins<I: IntoIterator<Item = T>, T: Into<String>>(mut self, origins: I) -> Self {
        self.origins = Some(Owned::list(origins));
        self
    }

    /// Allows, beside the listed origins, every origin `allows` says yes to:
    /// for what a list cannot say (per-tenant origins, say). It is asked on
    /// the request path, so keep it synchronous and cheap (a lookup in a
    /// set your code refreshes in the background, never a database query);
    /// it sees only values that are origins (`scheme://host[:port]`), never
    /// malformed input. With it, `origins` may be left out.
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use route_cors::Policy;
    ///
    /// let tenants: HashSet<String> = ["https://acme.example.com".to_owned()].into();
    /// let policy = Policy::builder()
    ///     .origin_fn(move |origin| tenants.contains(origin))
    ///     .credentials(true)
    ///     .build()?;
    /// # let _ = policy;
    /// # Ok::<(), route_cors::PolicyError>(())
    /// ```
    pub fn origin_fn(mut self, allows: impl Fn(&str) -> bool + Send + Sync + 'static) -> Self {
        self.origin_fn = Some(OriginFn(Arc::new(allows)));
        self
    }

    /// Allows any origin (`Access-Control-Allow-Origin: *`).
    pub fn any_origin(mut self) -> Self {
        self.origins = Some(Owned::Any);
        self
    }

    /// Allowed methods. Left out: the methods a route is registered for
    /// (per-route) or `GET, HEAD, POST` (the global default).
    pub fn methods<I: IntoIterator<Item = T>, T: Into<String>>(mut self, methods: I) -> Self {
        self.methods = Some(Owned::list(methods));
        self
    }

    /// Allows any method.
    pub fn any_method(mut self) -> Self {
        self.methods = Some(Owned::Any);
        self
    }

    /// Request headers scripts may send. Default: none.
    pub fn headers<I: IntoIterator<Item = T>, T: Into<String>>(mut self, headers: I) -> Self {
        self.headers = Some(Owned::list(headers));
        self
    }

    /// Allows any request header except `Authorization` (Fetch's `*`).
    pub fn any_header(mut self) -> Self {
        self.headers = Some(Owned::Any);
        self
    }

    /// Response headers scripts may read. Default: none.
    pub fn expose<I: IntoIterator<Item = T>, T: Into<String>>(mut self, headers: I) -> Self {
        self.expose = Some(Owned::list(headers));
        self
    }

    /// Exposes every response header (Fetch's `*`).
    pub fn any_exposed_header(mut self) -> Self {
        self.expose = Some(Owned::Any);
        self
    }

    /// Allows requests with credentials (cookies, HTTP authentication).
    pub fn credentials(mut self, allow: bool) -> Self {
        self.credentials = allow;
        self
    }

    /// How long, in seconds, browsers may cache a preflight answer
    /// (at most 86400, Firefox's cap; Chromium caps at 7200).
    pub fn max_age(mut self, seconds: u32) -> Self {
        self.max_age = Some(i64::from(seconds));
        self
    }

    /// The same from configuration, where a negative number is a mistake to
    /// report by its rule.
    #[cfg(feature = "serde")]
    pub(crate) fn max_age_checked(mut self, seconds: i64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// Allows `credentials` with `http://` origins that are not loopback,
    /// knowingly: anyone on the network path of such a page can read the
    /// credentialed responses. Without it, such a policy is refused.
    pub fn insecure_origins(mut self, allow: bool) -> Self {
        self.insecure_origins = allow;
        self
    }

    /// Lets cross-origin writes (a `POST`, `PUT`, `DELETE`, ... that a page
    /// on another origin sent) reach the handler whatever their origin or
    /// method, for a route that every page must be able to write to: a
    /// sign-in provider's form post, a payment provider's return. Reads are
    /// still granted to the allowed origins only. Without it, a cross-origin
    /// write that the policy does not grant is refused with `403` before any
    /// middleware or handler runs. Refused beside `origins = "*"`, which
    /// already lets every write through.
    pub fn writes_from_any_origin(mut self, allow: bool) -> Self {
        self.writes_from_any_origin = allow;
        self
    }

    /// Grants Private Network Access to the allowed origins.
    #[deprecated(
        note = "Chrome 142 replaced Private Network Access preflights with a permission prompt \
                (Local Network Access), and `Access-Control-Allow-Private-Network` does nothing \
                in current Chromium"
    )]
    pub fn private_network(mut self, allow: bool) -> Self {
        self.private_network = allow;
        self
    }

    /// Checks the policy and builds it, or names every mistake.
    pub fn build(self) -> Result<Policy, PolicyError> {
        let spec = Spec {
            origins: self.origins.as_ref().map(Owned::borrow),
            methods: self.methods.as_ref().map(Owned::borrow),
            headers: self.headers.as_ref().map(Owned::borrow),
            expose: self.expose.as_ref().map(Owned::borrow),
            credentials: self.credentials,
            max_age: self.max_age.map(i128::from),
            private_network: self.private_network,
            origin_fn: self.origin_fn.is_some(),
            insecure_origins: self.insecure_origins,
            writes_from_any_origin: self.writes_from_any_origin,
        };
        let valid = route_cors_rules::validate(&spec).map_err(PolicyError::new)?;
        let mut policy = from_valid(&valid);
        policy.origin_fn = self.origin_fn;
        Ok(policy)
    }
}

fn from_valid(valid: &ValidPolicy) -> Policy {
    let owned = |list: &[String]| Strs(list.to_vec().into_boxed_slice());
    let value = |text: Option<String>| text.and_then(|t| HeaderValue::try_from(t).ok());
    Policy {
        origins: match &valid.origins {
            Origins::Any => OriginSet::Any,
            Origins::List { exact, patterns } => OriginSet::List {
                exact: owned(exact),
                patterns: Patterns(
                    patterns
                        .iter()
                        .map(|p| (p.prefix.clone(), p.suffix.clone()))
                        .collect(),
                ),
            },
        },
        methods: match &valid.methods {
            Methods::Routed => MethodSet::Routed,
            Methods::Any => MethodSet::Any,
            Methods::List(list) => MethodSet::List(owned(list)),
        },
        headers: match &valid.headers {
            Names::Any => HeaderSet::Any,
            Names::List(list) => HeaderSet::List(owned(list)),
        },
        credentials: valid.credentials,
        private_network: valid.private_network,
        writes_from_any_origin: valid.writes_from_any_origin,
        allow_headers: value(valid.allow_headers_value()),
        expose_headers: value(valid.expose_headers_value()),
        max_age: valid.max_age.map(HeaderValue::from),
        origin_fn: None,
    }
}

/// Why a policy was refused: every broken rule, with the key and the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    violations: Vec<(Key, Violation)>,
}

impl PolicyError {
    fn new(located: Vec<Located>) -> Self {
        PolicyError {
            violations: located.into_iter().map(|l| (l.key, l.violation)).collect(),
        }
    }

    /// Each broken rule with the key it was found under.
    pub fn violations(&self) -> &[(Key, Violation)] {
        &self.violations
    }
}

/// One mistake on one line; several get a line each, so a log shows them
/// apart.
impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |f: &mut fmt::Formatter<'_>, (key, violation): &(Key, Violation)| {
            write!(
                f,
                "`{}`: {violation} [{}]",
                key.name(),
                violation.rule.name()
            )
        };
        match self.violations.as_slice() {
            [one] => {
                f.write_str("invalid CORS policy: ")?;
                line(f, one)
            }
            several => {
                write!(f, "invalid CORS policy, {} mistakes:", several.len())?;
                for violation in several {
                    f.write_str("\n  - ")?;
                    line(f, violation)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PolicyError {}
