//! Run-time policies: the default and the named policies that routes refer
//! to with `#[cors(policy = "name")]`, replaced while the server runs as
//! one atomic swap. A request reads the set in force once, when it comes in,
//! without a lock; a replacement is checked first and refused whole.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwap;
use route_cors_rules::name::check_policy_name;
use route_cors_rules::Violation;

use crate::build::PolicyError;
use crate::policy::Policy;

/// A default policy and named policies, each checked.
///
/// ```
/// use route_cors::{Policy, PolicySet};
///
/// let set = PolicySet::new()
///     .with_default(Policy::builder().origins(["https://app.example.com"]).build()?)
///     .with_policy("partner", Policy::builder().origins(["https://partner.example.com"]).build()?)?;
/// assert!(set.get("partner").is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    default: Option<Policy>,
    pub(crate) named: BTreeMap<String, Policy>,
}

impl PolicySet {
    /// An empty set: no default, no named policy.
    pub fn new() -> Self {
        PolicySet::default()
    }

    /// Sets the default policy: it decides every method without a policy of
    /// its own, and every path that matches no route. Without `methods`, it
    /// allows the CORS-safelisted ones, `GET`, `HEAD` and `POST`.
    pub fn with_default(mut self, policy: Policy) -> Self {
        self.default = Some(policy.into_default());
        self
    }

    /// Adds the policy routes refer to as `#[cors(policy = "name")]`.
    /// Without `methods`, it allows the methods its routes are registered
    /// for. Refused: a name that is not 1 to 64 of `[a-z0-9_-]`, and
    /// `default` (use [`with_default`](PolicySet::with_default)).
    pub fn with_policy(mut self, name: &str, policy: Policy) -> Result<Self, PoliciesError> {
        check_policy_name(name).map_err(|violation| {
            PoliciesError::one(Problem::Name {
                name: name.to_owned(),
                violation,
            })
        })?;
        self.named.insert(name.to_owned(), policy);
        Ok(self)
    }

    /// The default policy, if the set has one.
    pub fn default_policy(&self) -> Option<&Policy> {
        self.default.as_ref()
    }

    /// The policy named `name`.
    pub fn get(&self, name: &str) -> Option<&Policy> {
        self.named.get(name)
    }

    /// The names of the named policies, in order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.named.keys().map(String::as_str)
    }
}

/// The run-time policies of an app, shared by every clone of this handle:
/// give one to [`CorsRouter::policies`](crate::CorsRouter::policies), keep
/// another to [`replace`](Policies::replace) the set while the server runs.
#[doc = include_str!("../docs/policies.md")]
#[derive(Clone)]
pub struct Policies {
    shared: Arc<Shared>,
}

struct Shared {
    current: ArcSwap<PolicySet>,
    /// Every name a route refers to, with the routes, recorded when the app
    /// is put together: a replacement must define them all.
    required: Mutex<BTreeMap<String, BTreeSet<String>>>,
}

impl Policies {
    /// The handle, with the set in force at start-up.
    pub fn new(set: PolicySet) -> Self {
        Policies {
            shared: Arc::new(Shared {
                current: ArcSwap::from_pointee(set),
                required: Mutex::new(BTreeMap::new()),
            }),
        }
    }

    /// The set in force now.
    pub fn current(&self) -> Arc<PolicySet> {
        self.shared.current.load_full()
    }

    /// Replaces the whole set, for the next request: requests in flight
    /// finish under the set they came in under. Refused, leaving the set in
    /// force as it was, when it lacks a named policy that a route refers to.
    pub fn replace(&self, set: PolicySet) -> Result<(), PoliciesError> {
        let required = self.required();
        let problems: Vec<Problem> = required
            .iter()
            .filter(|(name, _)| set.get(name).is_none())
            .map(|(name, routes)| Problem::Missing {
                name: name.clone(),
                routes: routes.iter().cloned().collect(),
            })
            .collect();
        if !problems.is_empty() {
            return Err(PoliciesError { problems });
        }
        self.shared.current.store(Arc::new(set));
        Ok(())
    }

    /// Whether both handles share one set.
    pub(crate) fn same(&self, other: &Policies) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    pub(crate) fn load(&self) -> arc_swap::Guard<Arc<PolicySet>> {
        self.shared.current.load()
    }

    /// Records that `route` refers to `name`; the problem if the set in
    /// force does not define it.
    pub(crate) fn require(&self, name: &str, route: &str) -> Option<Problem> {
        self.shared
            .required
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(name.to_owned())
            .or_default()
            .insert(route.to_owned());
        self.load().get(name).is_none().then(|| Problem::Missing {
            name: name.to_owned(),
            routes: vec![route.to_owned()],
        })
    }

    fn required(&self) -> BTreeMap<String, BTreeSet<String>> {
        self.shared
            .required
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl fmt::Debug for Policies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policies")
            .field("current", &self.current())
            .finish_non_exhaustive()
    }
}

/// Why a set of run-time policies, or an app's references to them, was
/// refused: every problem, each on its own line.
#[derive(Clone, Debug)]
pub struct PoliciesError {
    problems: Vec<Problem>,
}

/// One problem of a [`PoliciesError`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Problem {
    /// A policy broke the rules.
    Policy { name: String, error: PolicyError },
    /// A name that is not a policy name.
    Name { name: String, violation: Violation },
    /// Routes refer to a policy that is not defined.
    Missing { name: String, routes: Vec<String> },
    /// A router has a default from `default_policy` and another in the set
    /// given to `policies`: only one can decide.
    TwoDefaults,
    /// The configuration could not be read.
    Unreadable { message: String },
}

impl PoliciesError {
    fn one(problem: Problem) -> Self {
        PoliciesError {
            problems: vec![problem],
        }
    }

    pub(crate) fn new(problems: Vec<Problem>) -> Self {
        PoliciesError { problems }
    }

    /// Every problem found.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl Problem {
    /// The problem's lines: one for each broken rule of a policy.
    fn lines(&self) -> Vec<String> {
        match self {
            Problem::Policy { name, error } => error
                .violations()
                .iter()
                .map(|(key, violation)| {
                    format!(
                        "policy `{name}`: `{}`: {violation} [{}]",
                        key.name(),
                        violation.rule.name()
                    )
                })
                .collect(),
            other => vec![other.to_string()],
        }
    }
}

/// One line, or for a policy that broke several rules, one line each.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Policy { .. } => f.write_str(&self.lines().join("\n")),
            Problem::Name { name, violation } => {
                write!(
                    f,
                    "policy name `{name}`: {} [{}]",
                    violation,
                    violation.rule.name()
                )
            }
            Problem::Missing { name, routes } => write!(
                f,
                "no policy named `{name}`, which {} refers to with #[cors(policy = \"{name}\")]",
                routes.join(", ")
            ),
            Problem::TwoDefaults => f.write_str(
                "two default policies: one from `default_policy(..)` and the `default` of the \
                 set given to `policies(..)`; keep one of them",
            ),
            Problem::Unreadable { message } => f.write_str(message),
        }
    }
}

/// Every broken rule on a line of its own, so that a log shows them apart.
impl fmt::Display for PoliciesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.problems.iter().flat_map(Problem::lines).collect();
        match lines.as_slice() {
            [one] => write!(f, "invalid CORS policies: {one}"),
            several => {
                write!(f, "invalid CORS policies, {} problems:", several.len())?;
                for line in several {
                    write!(f, "\n  - {line}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PoliciesError {}
