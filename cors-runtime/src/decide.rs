//! Who decides a request's CORS headers: the route's own policy, a named
//! run-time one, or a default, each resolved when the app is built against
//! the run-time policies of the router it was registered on (else of the
//! routers around it), and asked once per request.

use std::sync::Arc;

use arc_swap::Guard;
use http::Method;

use crate::handler::HandlerPolicy;
use crate::policies::{Policies, PolicySet};
use crate::policy::Policy;

/// A handler's policy as registered: written in `#[cors]` (built once, at
/// registration), the name of a run-time one, or none of its own.
#[derive(Clone, Debug)]
pub(crate) enum RoutePolicy {
    /// No policy of its own: the default decides.
    None,
    Written(Arc<Policy>),
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
            HandlerPolicy::Written(written) => RoutePolicy::Written(Arc::new(written.build())),
            HandlerPolicy::Named(name) => RoutePolicy::Named(name),
            HandlerPolicy::None => RoutePolicy::None,
        }
    }
}

/// The methods one handler of a path is routed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Routed {
    Method(Method),
    /// Every method no other handler of the path is routed for (`any`).
    AnyOther,
}

impl Routed {
    /// As `describe()` and the errors print it.
    pub(crate) fn name(&self) -> &str {
        match self {
            Routed::Method(method) => method.as_str(),
            Routed::AnyOther => "any method",
        }
    }
}

/// Whether route-cors sees every method a path serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Served {
    /// Every handler of the path came through route-cors's builders: a
    /// preflight for a method none of them serves is refused, since nothing
    /// would answer the request.
    Known,
    /// A plain axum `MethodRouter`, router or service is part of it: the
    /// default decides the methods route-cors cannot see.
    Unknown,
}

impl Served {
    /// Both together: known only if both are.
    pub(crate) fn and(self, other: Served) -> Served {
        if self == Served::Known && other == Served::Known {
            Served::Known
        } else {
            Served::Unknown
        }
    }
}

/// Where a router's default comes from.
#[derive(Clone, Debug)]
pub(crate) enum DefaultSource {
    /// [`CorsRouter::default_policy`](crate::CorsRouter::default_policy).
    Fixed(Arc<Policy>),
    /// The `default` of a run-time set, as it is when the request comes in.
    Set(Policies),
}

/// The run-time policies a route resolves against: a default and a set of
/// named policies, each of them from the router that registered the route
/// if it set one, else from the routers around it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sources {
    pub(crate) default: Option<DefaultSource>,
    pub(crate) named: Option<Policies>,
}

impl Sources {
    /// These, and for what these leave unset, `outer`'s.
    pub(crate) fn within(&self, outer: &Sources) -> Sources {
        Sources {
            default: self.default.clone().or_else(|| outer.default.clone()),
            named: self.named.clone().or_else(|| outer.named.clone()),
        }
    }

    /// Whether both resolve to the same policies.
    pub(crate) fn same(&self, other: &Sources) -> bool {
        let default = match (&self.default, &other.default) {
            (None, None) => true,
            (Some(DefaultSource::Fixed(a)), Some(DefaultSource::Fixed(b))) => Arc::ptr_eq(a, b),
            (Some(DefaultSource::Set(a)), Some(DefaultSource::Set(b))) => a.same(b),
            _ => false,
        };
        let named = match (&self.named, &other.named) {
            (None, None) => true,
            (Some(a), Some(b)) => a.same(b),
            _ => false,
        };
        default && named
    }
}

/// What decides a request where no default does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WithoutDefault {
    /// A path with policies, for a method none of them covers: refused.
    Refuse,
    /// Nothing configured covers the request: the app answers it untouched.
    PassThrough,
}

/// A handler's policy resolved against its sources: what decides the
/// requests it gets.
#[derive(Clone, Debug)]
pub(crate) enum Decider {
    Written(Arc<Policy>),
    /// The named policy of the set in force; `None`: no set defines it
    /// (reported when the app was built), so refused.
    Named(&'static str, Option<Policies>),
    Default(Option<DefaultSource>, WithoutDefault),
}

impl Decider {
    pub(crate) fn new(policy: &RoutePolicy, sources: &Sources, without: WithoutDefault) -> Self {
        match policy {
            RoutePolicy::Written(policy) => Decider::Written(policy.clone()),
            RoutePolicy::Named(name) => Decider::Named(name, sources.named.clone()),
            RoutePolicy::None => Decider::Default(sources.default.clone(), without),
        }
    }

    /// The decision for one request; `snapshot` holds the run-time set once
    /// loaded.
    pub(crate) fn decide<'a>(&'a self, snapshot: &'a mut Snapshot) -> Decision<'a> {
        match self {
            Decider::Written(policy) => Decision::Policy(policy),
            Decider::Named(name, Some(policies)) => snapshot
                .get_or_insert_with(|| policies.load())
                .get(name)
                .map_or(Decision::Uncovered, Decision::Policy),
            Decider::Named(_, None) => Decision::Uncovered,
            Decider::Default(Some(DefaultSource::Fixed(policy)), _) => Decision::Policy(policy),
            Decider::Default(Some(DefaultSource::Set(policies)), without) => {
                match snapshot
                    .get_or_insert_with(|| policies.load())
                    .default_policy()
                {
                    Some(policy) => Decision::Policy(policy),
                    None => Decision::without(*without),
                }
            }
            Decider::Default(None, without) => Decision::without(*without),
        }
    }

    /// In words, for `describe()`.
    pub(crate) fn describe(&self) -> String {
        let mut snapshot = None;
        match (self, self.decide(&mut snapshot)) {
            (Decider::Written(policy), _) => policy.to_string(),
            (Decider::Named(name, _), Decision::Policy(policy)) => {
                format!("policy `{name}`: {policy}")
            }
            (Decider::Named(name, _), _) => format!("policy `{name}`: not defined"),
            (Decider::Default(..), Decision::Policy(default)) => format!("the default: {default}"),
            (Decider::Default(..), Decision::Uncovered) => {
                "refused (no policy, no default)".to_owned()
            }
            (Decider::Default(..), Decision::PassThrough) => {
                "untouched (no policy, no default)".to_owned()
            }
        }
    }
}

/// Who decides a request's CORS headers.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Decision<'a> {
    /// This policy: the route's own, a named one, or a default.
    Policy(&'a Policy),
    /// A path with policies, for a method none of them covers (or whose
    /// named policy no set defines), and no default: every judge refuses.
    Uncovered,
    /// Nothing configured covers the request: the app answers it untouched.
    PassThrough,
}

impl Decision<'_> {
    fn without(without: WithoutDefault) -> Self {
        match without {
            WithoutDefault::Refuse => Decision::Uncovered,
            WithoutDefault::PassThrough => Decision::PassThrough,
        }
    }
}

/// The run-time set a request reads, loaded at most once, when a decision
/// first needs it.
pub(crate) type Snapshot = Option<Guard<Arc<PolicySet>>>;

/// What decides the requests of one service: a path's handlers each by
/// method, or, where route-cors cannot see the methods (a plain router, a
/// nested service, a fallback), one decider for every method.
#[derive(Debug)]
pub(crate) struct Judge {
    /// The prefix axum strips before the request reaches a nested service:
    /// put back for the events.
    pub(crate) prefix: String,
    pub(crate) methods: Vec<(Routed, Decider)>,
    /// Every method none of `methods` is routed for.
    pub(crate) others: Decider,
    pub(crate) served: Served,
}

impl Judge {
    /// One decider for every method: what route-cors cannot see route by
    /// route, reached under `prefix` (which axum has taken off the path).
    pub(crate) fn single(prefix: &str, others: Decider) -> Arc<Self> {
        Arc::new(Judge {
            prefix: prefix.trim_end_matches('/').to_owned(),
            methods: Vec::new(),
            others,
            served: Served::Unknown,
        })
    }

    /// The decider of the handler routed for `method` (the requested one,
    /// for a preflight): `HEAD` goes to the `GET` handler when the path has
    /// no `HEAD` one, and a method no handler is routed for to the `any`
    /// handler, as in axum; an empty (malformed) method reaches no handler.
    pub(crate) fn decider(&self, method: &[u8]) -> &Decider {
        self.routed(method).unwrap_or(&self.others)
    }

    /// The decider of a preflight for `method`: `None` where no handler of
    /// a path whose methods route-cors knows serves it.
    pub(crate) fn preflight_decider(&self, method: &[u8]) -> Option<&Decider> {
        match self.served {
            Served::Known => self.routed(method),
            Served::Unknown => Some(self.decider(method)),
        }
    }

    /// The decider of the handler routed for `method`, if any.
    fn routed(&self, method: &[u8]) -> Option<&Decider> {
        let find = |m: &[u8]| {
            self.methods
                .iter()
                .find_map(|(routed, decider)| match routed {
                    Routed::Method(routed) if routed.as_str().as_bytes() == m => Some(decider),
                    _ => None,
                })
        };
        find(method)
            .or_else(|| (method == b"HEAD").then(|| find(b"GET")).flatten())
            .or_else(|| {
                (!method.is_empty())
                    .then(|| {
                        self.methods.iter().find_map(|(routed, decider)| {
                            (*routed == Routed::AnyOther).then_some(decider)
                        })
                    })
                    .flatten()
            })
    }
}
