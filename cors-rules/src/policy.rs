//! A whole policy: each value checked, then the lists, then the combinations.
//! The macro and the run-time builder both describe a policy as a [`Spec`]
//! and get back either a [`ValidPolicy`] or every mistake, located.

use crate::header;
use crate::key::Key;
use crate::method;
use crate::origin::{self, AllowedOrigin, SubdomainPattern};
use crate::violation::{Rule, Violation};

/// Firefox's cap on `Access-Control-Max-Age`; Chromium's is 7200.
pub const MAX_AGE_LIMIT: u32 = 86_400;

/// A list value as written: `"*"` or a list of strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Values<'a> {
    Any,
    List(Vec<&'a str>),
}

/// A policy as written, before any check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spec<'a> {
    pub origins: Option<Values<'a>>,
    pub methods: Option<Values<'a>>,
    pub headers: Option<Values<'a>>,
    pub expose: Option<Values<'a>>,
    pub credentials: bool,
    pub max_age: Option<i128>,
    pub private_network: bool,
    /// A function decides origins beside (or instead of) `origins`: then
    /// `origins` may be left out or empty, and cannot be `*`.
    pub origin_fn: bool,
    /// `credentials` with `http://` origins that are not loopback, allowed
    /// knowingly.
    pub insecure_origins: bool,
    /// Cross-origin writes (`POST`, `PUT`, ... sent by a page on another
    /// origin) reach the handler whatever their origin or method.
    pub writes_from_any_origin: bool,
}

/// Where a violation is: the key, and the list element when it is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub key: Key,
    pub index: Option<usize>,
    pub violation: Violation,
}

/// Allowed origins, checked and ready for matching.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origins {
    Any,
    List {
        /// Sorted, for binary search.
        exact: Vec<String>,
        patterns: Vec<SubdomainPattern>,
    },
}

/// Allowed methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Methods {
    /// Key left out: the methods the handler is routed for.
    Routed,
    Any,
    /// In the order written.
    List(Vec<String>),
}

/// Allowed request headers or exposed response headers. An empty list means
/// none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Names {
    Any,
    /// Lowercase, in the order written.
    List(Vec<String>),
}

impl Names {
    pub fn is_empty(&self) -> bool {
        matches!(self, Names::List(l) if l.is_empty())
    }
}

/// A policy that obeys every rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidPolicy {
    pub origins: Origins,
    pub methods: Methods,
    pub headers: Names,
    pub expose: Names,
    pub credentials: bool,
    pub max_age: Option<u32>,
    pub private_network: bool,
    /// `credentials` with `http://` origins that are not loopback, allowed
    /// knowingly.
    pub insecure_origins: bool,
    /// Cross-origin writes reach the handler whatever their origin or
    /// method.
    pub writes_from_any_origin: bool,
}

/// Checks a whole policy and reports every mistake, not just the first.
pub fn validate(spec: &Spec<'_>) -> Result<ValidPolicy, Vec<Located>> {
    let mut errors = Errors(Vec::new());
    let origins = match &spec.origins {
        None | Some(Values::List(_)) if spec.origin_fn && is_empty(spec.origins.as_ref()) => {
            Origins::List {
                exact: vec![],
                patterns: vec![],
            }
        }
        Some(Values::Any) if spec.origin_fn => {
            errors.push(
                Key::Origins,
                None,
                Violation::new(Rule::OriginFnWithAnyOrigin, "*"),
            );
            Origins::Any
        }
        None => {
            errors.push(Key::Origins, None, Violation::new(Rule::OriginsMissing, ""));
            Origins::List {
                exact: vec![],
                patterns: vec![],
            }
        }
        Some(values) => check_origins(values, &mut errors),
    };
    let methods = match &spec.methods {
        None => Methods::Routed,
        Some(values) => check_methods(values, &mut errors),
    };
    let headers = check_names(
        Key::Headers,
        spec.headers.as_ref(),
        header::check_request,
        Rule::HeaderDuplicate,
        &mut errors,
    );
    let expose = check_names(
        Key::Expose,
        spec.expose.as_ref(),
        header::check_exposed,
        Rule::ExposeDuplicate,
        &mut errors,
    );
    let max_age = spec.max_age.and_then(|age| {
        let rule = if age < 0 {
            Rule::MaxAgeNegative
        } else if age > i128::from(MAX_AGE_LIMIT) {
            Rule::MaxAgeTooLarge
        } else {
            return u32::try_from(age).ok();
        };
        let help = format!("a number of seconds from 0 to {MAX_AGE_LIMIT}");
        errors.push(
            Key::MaxAge,
            None,
            Violation::new(rule, age.to_string()).help(help),
        );
        None
    });
    if spec.credentials {
        let list_them = |what: &str| format!("list the {what} instead of `\"*\"`");
        if matches!(spec.origins, Some(Values::Any)) || origins == Origins::Any {
            let v = Violation::new(Rule::AnyOriginWithCredentials, "*").help(list_them("origins"));
            errors.push(Key::Origins, None, v);
        }
        if methods == Methods::Any {
            let v = Violation::new(Rule::AnyMethodWithCredentials, "*").help(list_them("methods"));
            errors.push(Key::Methods, None, v);
        }
        if headers == Names::Any {
            let v = Violation::new(Rule::AnyHeaderWithCredentials, "*").help(list_them("headers"));
            errors.push(Key::Headers, None, v);
        }
        if expose == Names::Any {
            let v = Violation::new(Rule::AnyExposeWithCredentials, "*").help(list_them("headers"));
            errors.push(Key::Expose, None, v);
        }
    }
    if spec.credentials && !spec.insecure_origins {
        if let Some(Values::List(list)) = &spec.origins {
            for (i, origin) in list.iter().enumerate() {
                if origin::is_insecure(origin) {
                    let help = "serve that page over `https://`, or add `insecure_origins` to \
                                allow it knowingly";
                    let v = Violation::new(Rule::InsecureOriginWithCredentials, *origin).help(help);
                    errors.push(Key::Origins, Some(i), v);
                }
            }
        }
    }
    if spec.private_network && origins == Origins::Any {
        let v = Violation::new(Rule::PrivateNetworkWithAnyOrigin, "*")
            .help("list the origins allowed to reach the private network");
        errors.push(Key::Origins, None, v);
    }
    if spec.writes_from_any_origin && origins == Origins::Any {
        let v = Violation::new(
            Rule::WritesFromAnyOriginWithAnyOrigin,
            "writes_from_any_origin",
        )
        .help("remove `writes_from_any_origin`");
        errors.push(Key::WritesFromAnyOrigin, None, v);
    }
    if errors.0.is_empty() {
        Ok(ValidPolicy {
            origins,
            methods,
            headers,
            expose,
            credentials: spec.credentials,
            max_age,
            private_network: spec.private_network,
            insecure_origins: spec.insecure_origins,
            writes_from_any_origin: spec.writes_from_any_origin,
        })
    } else {
        Err(errors.0)
    }
}

struct Errors(Vec<Located>);

impl Errors {
    fn push(&mut self, key: Key, index: Option<usize>, violation: Violation) {
        self.0.push(Located {
            key,
            index,
            violation,
        });
    }
}

/// `["*"]` means `"*"`; `*` beside anything else is an error on the `*`.
fn is_any(key: Key, list: &[&str], errors: &mut Errors) -> bool {
    let mut stars = list.iter().enumerate().filter(|(_, v)| **v == "*");
    if list.len() == 1 && stars.next().is_some() {
        return true;
    }
    for (i, _) in stars {
        let help = format!(
            "write `{} = \"*\"` alone, or list the values without `*`",
            key.name()
        );
        errors.push(
            key,
            Some(i),
            Violation::new(Rule::WildcardNotAlone, "*").help(help),
        );
    }
    false
}

/// No value, or an empty list.
fn is_empty(values: Option<&Values<'_>>) -> bool {
    match values {
        None => true,
        Some(Values::List(list)) => list.is_empty(),
        Some(Values::Any) => false,
    }
}

fn check_origins(values: &Values<'_>, errors: &mut Errors) -> Origins {
    let list = match values {
        Values::Any => return Origins::Any,
        Values::List(list) => list,
    };
    if list.is_empty() {
        let help = "list at least one origin, or write `origins = \"*\"`";
        errors.push(
            Key::Origins,
            None,
            Violation::new(Rule::OriginsEmpty, "[]").help(help),
        );
    }
    if is_any(Key::Origins, list, errors) {
        return Origins::Any;
    }
    let (mut exact, mut patterns) = (Vec::new(), Vec::new());
    for (i, s) in list.iter().enumerate() {
        if *s == "*" {
            continue;
        }
        if list[..i].contains(s) {
            errors.push(
                Key::Origins,
                Some(i),
                Violation::new(Rule::OriginDuplicate, *s),
            );
            continue;
        }
        match origin::parse_allowed(s) {
            Ok(AllowedOrigin::Exact(o)) => exact.push(o),
            Ok(AllowedOrigin::Subdomains(p)) => patterns.push(p),
            Err(v) => errors.push(Key::Origins, Some(i), v),
        }
    }
    exact.sort();
    Origins::List { exact, patterns }
}

fn check_methods(values: &Values<'_>, errors: &mut Errors) -> Methods {
    let list = match values {
        Values::Any => return Methods::Any,
        Values::List(list) => list,
    };
    if list.is_empty() {
        errors.push(Key::Methods, None, Violation::new(Rule::MethodsEmpty, "[]"));
    }
    if is_any(Key::Methods, list, errors) {
        return Methods::Any;
    }
    let mut methods: Vec<String> = Vec::new();
    for (i, m) in list.iter().enumerate() {
        if *m == "*" {
            continue;
        }
        if let Err(v) = method::check(m) {
            errors.push(Key::Methods, Some(i), v);
        } else if methods.iter().any(|seen| seen == m) {
            errors.push(
                Key::Methods,
                Some(i),
                Violation::new(Rule::MethodDuplicate, *m),
            );
        } else {
            methods.push((*m).to_owned());
        }
    }
    Methods::List(methods)
}

fn check_names(
    key: Key,
    values: Option<&Values<'_>>,
    check: fn(&str) -> Result<String, Violation>,
    duplicate: Rule,
    errors: &mut Errors,
) -> Names {
    let list = match values {
        None => return Names::List(Vec::new()),
        Some(Values::Any) => return Names::Any,
        Some(Values::List(list)) => list,
    };
    if is_any(key, list, errors) {
        return Names::Any;
    }
    let mut names: Vec<String> = Vec::new();
    for (i, name) in list.iter().enumerate() {
        if *name == "*" {
            continue;
        }
        match check(name) {
            Err(v) => errors.push(key, Some(i), v),
            Ok(lower) if names.contains(&lower) => {
                errors.push(key, Some(i), Violation::new(duplicate, *name));
            }
            Ok(lower) => names.push(lower),
        }
    }
    Names::List(names)
}

/// The header values a valid policy answers with, as text, so that the macro
/// (writing `static` values) and the runtime (building them at start-up)
/// write them the same way.
impl ValidPolicy {
    /// `Access-Control-Allow-Headers`; `None` when no header is allowed.
    pub fn allow_headers_value(&self) -> Option<String> {
        names_value(&self.headers)
    }

    /// `Access-Control-Expose-Headers`; `None` when none is exposed.
    pub fn expose_headers_value(&self) -> Option<String> {
        names_value(&self.expose)
    }
}

fn names_value(names: &Names) -> Option<String> {
    match names {
        Names::Any => Some("*".to_owned()),
        Names::List(list) if list.is_empty() => None,
        Names::List(list) => Some(list.join(", ")),
    }
}
