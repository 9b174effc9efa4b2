//! Every route of the app by full path, with the policy of each method:
//! built once when the app is put together, and asked once per request, by
//! the same matcher that axum's router uses, so that both agree on which
//! route a path is.

use std::sync::Arc;

use http::Method;

use crate::policy::Policy;

/// One path as registered, before the table is built.
#[derive(Clone, Debug)]
pub(crate) struct PathEntry {
    /// The full path, as axum's router has it after `nest`.
    pub(crate) path: String,
    /// The methods registered through route-cors's builders, with their
    /// handlers' policies (`None`: a plain handler).
    pub(crate) methods: Vec<(Method, Option<&'static Policy>)>,
    /// The default of the router this path was registered on, when that
    /// router was nested or merged into another: it decides the path's
    /// methods without a policy.
    pub(crate) default: Option<Arc<Policy>>,
    /// Made by route-cors (the paths under a nested plain service), not
    /// written by the user: it yields to a user's route at the same place.
    pub(crate) synthetic: bool,
}

impl PathEntry {
    pub(crate) fn new(path: String, methods: Vec<(Method, Option<&'static Policy>)>) -> Self {
        PathEntry {
            path,
            methods,
            default: None,
            synthetic: false,
        }
    }

    /// Whether any method of the path has a policy of its own.
    fn has_policy(&self) -> bool {
        self.methods.iter().any(|(_, policy)| policy.is_some())
    }

    /// The policy of the handler routed for `method`: `HEAD` goes to the
    /// `GET` handler when the path has no `HEAD` one, as in axum.
    fn policy_for(&self, method: &[u8]) -> Option<&'static Policy> {
        let find = |m: &[u8]| {
            self.methods
                .iter()
                .find(|(registered, _)| registered.as_str().as_bytes() == m)
        };
        let found = find(method).or_else(|| (method == b"HEAD").then(|| find(b"GET")).flatten());
        found.and_then(|(_, policy)| *policy)
    }
}

/// Who decides a request's CORS headers.
#[derive(Debug)]
pub(crate) enum Decision<'a> {
    /// This policy: the route's own, a fallback's, or a default.
    Policy(&'a Policy),
    /// A path with policies, for a method none of them covers, and no
    /// default: refused.
    Refuse,
    /// Nothing configured covers the request: the app answers it untouched.
    PassThrough,
}

/// The table the outermost service consults.
#[derive(Debug)]
pub(crate) struct Table {
    matcher: matchit::Router<usize>,
    paths: Vec<PathEntry>,
    /// The fallback handler's policy, for paths that match no route.
    fallback: Option<&'static Policy>,
    /// The app's default policy.
    default: Option<Arc<Policy>>,
}

impl Table {
    /// Builds the matcher. Paths come from axum's router, which accepted
    /// each of them with the same matcher; one written twice there was
    /// merged into one entry before this.
    pub(crate) fn new(
        paths: Vec<PathEntry>,
        fallback: Option<&'static Policy>,
        default: Option<Arc<Policy>>,
    ) -> Self {
        let mut matcher = matchit::Router::new();
        let mut kept = Vec::with_capacity(paths.len());
        for entry in paths {
            match matcher.insert(entry.path.clone(), kept.len()) {
                Ok(()) => kept.push(entry),
                // A path under a nested plain service that the user also
                // routed: the user's route is the one axum matches.
                Err(_) if entry.synthetic => {}
                Err(e) => panic!(
                    "route-cors: the path `{}` conflicts with another route ({e}); axum's router \
                     accepted it, so this is a bug in route-cors",
                    entry.path
                ),
            }
        }
        Table {
            matcher,
            paths: kept,
            fallback,
            default,
        }
    }

    /// Who decides a request for `path` with `method` (the requested one,
    /// for a preflight; an empty one matches no handler).
    pub(crate) fn decide(&self, path: &str, method: &[u8]) -> Decision<'_> {
        let Ok(found) = self.matcher.at(path) else {
            return match (self.fallback, &self.default) {
                (Some(policy), _) => Decision::Policy(policy),
                (None, Some(default)) => Decision::Policy(default),
                (None, None) => Decision::PassThrough,
            };
        };
        let entry = &self.paths[*found.value];
        if let Some(policy) = entry.policy_for(method) {
            return Decision::Policy(policy);
        }
        match (&entry.default, &self.default) {
            (Some(default), _) => Decision::Policy(default),
            (None, Some(default)) => Decision::Policy(default),
            (None, None) if entry.has_policy() => Decision::Refuse,
            (None, None) => Decision::PassThrough,
        }
    }
}
