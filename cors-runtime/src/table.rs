//! Every route of the app by full path, with the policy of each method, and
//! every fallback by the paths it covers: built once when the app is put
//! together, and asked once per request, with the same matcher that axum's
//! router uses, so that both agree on which route (or which fallback) a
//! path is.

use std::sync::Arc;

use arc_swap::Guard;
use http::Method;

use crate::handler::HandlerPolicy;
use crate::policies::{Policies, PolicySet};
use crate::policy::Policy;

/// The run-time policies a route resolves its named policy and its default
/// against: those of the router it was registered on, when that router has
/// its own; `None` means the enclosing router's, and at the top the app's.
pub(crate) type Source = Option<Policies>;

/// A handler's policy as the table holds it: one written in `#[cors]`, built
/// once at registration, or the name of a run-time one.
#[derive(Clone, Debug)]
pub(crate) enum RoutePolicy {
    /// No policy of its own: the default decides.
    None,
    Own(Arc<Policy>),
    Named(&'static str),
}

impl RoutePolicy {
    pub(crate) fn is_some(&self) -> bool {
        !matches!(self, RoutePolicy::None)
    }
}

impl From<HandlerPolicy> for RoutePolicy {
    fn from(policy: HandlerPolicy) -> Self {
        match policy {
            HandlerPolicy::Static(compiled) => RoutePolicy::Own(Arc::new(compiled.to_policy())),
            HandlerPolicy::Named(name) => RoutePolicy::Named(name),
            _ => RoutePolicy::None,
        }
    }
}

/// One registered method of a path.
#[derive(Clone, Debug)]
pub(crate) struct MethodEntry {
    /// `None`: every method no other handler of the path is routed for.
    pub(crate) method: Option<Method>,
    pub(crate) policy: RoutePolicy,
    pub(crate) source: Source,
}

/// One path as registered, before the table is built.
#[derive(Clone, Debug)]
pub(crate) struct PathEntry {
    /// The full path, as axum's router has it after `nest`.
    pub(crate) path: String,
    /// The methods registered through route-cors's builders.
    pub(crate) methods: Vec<MethodEntry>,
    /// What decides the methods the path does not route: the source of the
    /// router that registered it, or the app's where routers that share
    /// the path disagree.
    pub(crate) source: Source,
}

impl PathEntry {
    /// The handler routed for `method`: `HEAD` goes to the `GET` handler
    /// when the path has no `HEAD` one, and a method no handler is routed
    /// for to the `any` handler, as in axum.
    fn method(&self, method: &[u8]) -> Option<&MethodEntry> {
        let find = |m: &[u8]| {
            self.methods.iter().find(|entry| {
                entry
                    .method
                    .as_ref()
                    .is_some_and(|routed| routed.as_str().as_bytes() == m)
            })
        };
        find(method)
            .or_else(|| (method == b"HEAD").then(|| find(b"GET")).flatten())
            // A malformed requested method (empty) reaches no handler.
            .or_else(|| {
                (!method.is_empty())
                    .then(|| self.methods.iter().find(|entry| entry.method.is_none()))
                    .flatten()
            })
    }

    /// Whether any method of the path has a policy of its own.
    fn has_policy(&self) -> bool {
        self.methods.iter().any(|entry| entry.policy.is_some())
    }
}

/// A fallback as registered: the paths it covers, as axum's fallback router
/// has them, and its handler's policy.
#[derive(Clone, Debug)]
pub(crate) struct FallbackEntry {
    pub(crate) path: String,
    pub(crate) policy: RoutePolicy,
    pub(crate) source: Source,
}

/// The path axum's fallback router gives what is under a fallback's prefix.
pub(crate) const FALLBACK_TAIL: &str = "/{*__private__axum_fallback}";

/// Who decides a request's CORS headers.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Decision<'a> {
    /// This policy: the route's own, a fallback's, or a default.
    Policy(&'a Policy),
    /// A path with policies, for a method none of them covers, and no
    /// default: refused.
    Refuse,
    /// Nothing configured covers the request: the app answers it untouched.
    PassThrough,
}

/// The run-time set a request reads, loaded at most once, when a decision
/// first needs it.
pub(crate) type Snapshot = Option<Guard<Arc<PolicySet>>>;

/// The table the outermost service consults.
#[derive(Debug)]
pub(crate) struct Table {
    routes: matchit::Router<usize>,
    paths: Vec<PathEntry>,
    fallbacks: matchit::Router<usize>,
    fallback_entries: Vec<FallbackEntry>,
    /// The app's run-time policies (its default and named policies).
    source: Source,
    /// Refused preflights are answered with the grants computed so far
    /// (development only).
    debug_mode: bool,
}

impl Table {
    /// Builds the matchers. Every path was accepted by axum's router, with
    /// the same matcher, and paths registered twice were merged before.
    pub(crate) fn new(
        paths: Vec<PathEntry>,
        fallbacks: Vec<FallbackEntry>,
        source: Source,
        debug_mode: bool,
    ) -> Self {
        let mut routes = matchit::Router::new();
        for (i, entry) in paths.iter().enumerate() {
            // axum accepted it, so this cannot conflict; were it to, the
            // path stays out of the table and gets what unmatched paths get.
            let _ = routes.insert(entry.path.clone(), i);
        }
        let mut fallback_matcher = matchit::Router::new();
        for (i, entry) in fallbacks.iter().enumerate() {
            let _ = fallback_matcher.insert(entry.path.clone(), i);
        }
        Table {
            routes,
            paths,
            fallbacks: fallback_matcher,
            fallback_entries: fallbacks,
            source,
            debug_mode,
        }
    }

    /// Whether refused preflights get the grants computed so far.
    pub(crate) fn debug_mode(&self) -> bool {
        self.debug_mode
    }

    /// Who decides a request for `path` with `method` (the requested one,
    /// for a preflight; an empty one matches no handler). `snapshot` holds
    /// the run-time set once loaded.
    pub(crate) fn decide<'a>(
        &'a self,
        path: &str,
        method: &[u8],
        snapshot: &'a mut Snapshot,
    ) -> Decision<'a> {
        let Ok(found) = self.routes.at(path) else {
            let Ok(fallback) = self.fallbacks.at(path) else {
                return self.default(None, snapshot, false);
            };
            let fallback = &self.fallback_entries[*fallback.value];
            return self.resolve(&fallback.policy, fallback.source.as_ref(), snapshot, false);
        };
        let entry = &self.paths[*found.value];
        match entry.method(method) {
            Some(routed) => self.resolve(
                &routed.policy,
                routed.source.as_ref(),
                snapshot,
                entry.has_policy(),
            ),
            None => self.default(entry.source.as_ref(), snapshot, entry.has_policy()),
        }
    }

    /// Every route's policy, one line each, then the fallbacks and the
    /// paths that match no route: what [`decide`](Table::decide) would
    /// decide, as [`CorsRouter::describe`](crate::CorsRouter::describe)
    /// prints it.
    pub(crate) fn describe(&self) -> String {
        let mut out = String::new();
        for entry in &self.paths {
            let policied = entry.has_policy();
            for m in &entry.methods {
                let method = m.method.as_ref().map_or("any method", Method::as_str);
                let line = self.describe_policy(&m.policy, m.source.as_ref(), policied);
                out.push_str(&format!("{method} {}: {line}\n", entry.path));
            }
            let others = self.describe_policy(&RoutePolicy::None, entry.source.as_ref(), policied);
            out.push_str(&format!("other methods of {}: {others}\n", entry.path));
        }
        // Each fallback covers two paths, its prefix and what is under it.
        for fallback in self
            .fallback_entries
            .iter()
            .filter(|f| !f.path.ends_with(FALLBACK_TAIL))
        {
            let line = self.describe_policy(&fallback.policy, fallback.source.as_ref(), false);
            match fallback.path.as_str() {
                "/" => out.push_str(&format!("the fallback: {line}\n")),
                prefix => out.push_str(&format!("the fallback under {prefix}: {line}\n")),
            }
        }
        let unmatched = self.describe_policy(&RoutePolicy::None, None, false);
        out.push_str(&format!("paths that match no route: {unmatched}\n"));
        out
    }

    /// What decides a handler's policy, in words.
    fn describe_policy(
        &self,
        policy: &RoutePolicy,
        source: Option<&Policies>,
        policied_path: bool,
    ) -> String {
        let mut snapshot = None;
        match (
            policy,
            self.resolve(policy, source, &mut snapshot, policied_path),
        ) {
            (RoutePolicy::Named(name), Decision::Policy(policy)) => {
                format!("policy `{name}`: {policy}")
            }
            (RoutePolicy::Named(name), _) => format!("policy `{name}`: not defined"),
            (RoutePolicy::Own(policy), _) => policy.to_string(),
            (RoutePolicy::None, Decision::Policy(default)) => format!("the default: {default}"),
            (RoutePolicy::None, Decision::Refuse) => "refused (no policy, no default)".to_owned(),
            (RoutePolicy::None, Decision::PassThrough) => {
                "untouched (no policy, no default)".to_owned()
            }
        }
    }

    /// The decision for a handler's policy, resolved against `source`.
    fn resolve<'a>(
        &'a self,
        policy: &'a RoutePolicy,
        source: Option<&'a Policies>,
        snapshot: &'a mut Snapshot,
        policied_path: bool,
    ) -> Decision<'a> {
        match policy {
            RoutePolicy::Own(policy) => Decision::Policy(policy),
            RoutePolicy::Named(name) => match self.set(source, snapshot) {
                Some(set) => set.get(name).map_or(Decision::Refuse, Decision::Policy),
                // Checked when the app was put together: cannot happen.
                None => Decision::Refuse,
            },
            RoutePolicy::None => self.default(source, snapshot, policied_path),
        }
    }

    /// The default of `source` (else the app's), else a refusal on a path
    /// with policies, else nothing.
    fn default<'a>(
        &'a self,
        source: Option<&'a Policies>,
        snapshot: &'a mut Snapshot,
        policied_path: bool,
    ) -> Decision<'a> {
        match self
            .set(source, snapshot)
            .and_then(PolicySet::default_policy)
        {
            Some(default) => Decision::Policy(default),
            None if policied_path => Decision::Refuse,
            None => Decision::PassThrough,
        }
    }

    /// The run-time set in force, from `source` or the app's, loaded once.
    fn set<'a>(
        &'a self,
        source: Option<&'a Policies>,
        snapshot: &'a mut Snapshot,
    ) -> Option<&'a PolicySet> {
        let policies = source.or(self.source.as_ref())?;
        Some(snapshot.get_or_insert_with(|| policies.load()))
    }
}
