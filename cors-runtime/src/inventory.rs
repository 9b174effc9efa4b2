//! What decides each route's CORS headers, as data: the lines of
//! [`CorsRouter::describe`](crate::CorsRouter::describe), one
//! [`InventoryEntry`] each, for a test that snapshots them, so that any
//! change to a policy shows in review.

use crate::decide::{Decider, Decision, Served};

/// Who decides the requests an [`InventoryEntry`] covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DecidedBy {
    /// The policy written in the handler's `#[cors(...)]`.
    Route,
    /// The run-time policy named in `#[cors(policy = "...")]`, as the set in
    /// force now defines it.
    Named,
    /// The default policy.
    Default,
    /// Nothing grants them: a method without a policy on a path with
    /// policies and no default, or a named policy that is not defined.
    Refused,
    /// Nothing configured covers them: the app's answer is left as it is.
    Untouched,
}

/// One line of the inventory: the requests it covers, who decides them, and
/// the deciding policy's settings (empty where no policy decides).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct InventoryEntry {
    /// What the line covers, as `describe()` names it: `GET /users`,
    /// `other methods of /users`, `the fallback`, `paths that match no
    /// route`, ...
    pub covers: String,
    pub decided_by: DecidedBy,
    /// The named policy, for [`DecidedBy::Named`] (and a name that is not
    /// defined).
    pub policy_name: Option<String>,
    /// Preflights for these methods are refused: no handler serves them.
    pub preflight_refused: bool,
    pub origins: Vec<String>,
    /// `None`: the methods the handler is routed for.
    pub methods: Option<Vec<String>>,
    pub headers: Vec<String>,
    pub expose: Vec<String>,
    pub credentials: bool,
    pub max_age: Option<u32>,
    pub writes_from_any_origin: bool,
}

/// What one line covers.
pub(crate) enum Covers {
    /// A method (or `any method`) of a path.
    Method {
        method: String,
        path: String,
    },
    /// The methods of a path that no handler of it is routed for.
    OtherMethods {
        path: String,
        served: Served,
    },
    /// A plain router or service, with what `describe()` calls it.
    Plain(String),
    /// A fallback, under a nested router's prefix or at the top.
    Fallback(Option<String>),
    Unmatched,
}

/// One line: what it covers and what decides it.
pub(crate) struct Row {
    pub(crate) covers: Covers,
    pub(crate) decider: Decider,
}

impl Row {
    /// What the line covers, as `describe()` and errors name it.
    pub(crate) fn covers(&self) -> String {
        match &self.covers {
            Covers::Method { method, path } => format!("{method} {path}"),
            Covers::OtherMethods { path, .. } => format!("other methods of {path}"),
            Covers::Plain(label) => label.clone(),
            Covers::Fallback(None) => "the fallback".to_owned(),
            Covers::Fallback(Some(prefix)) => format!("the fallback under {prefix}"),
            Covers::Unmatched => "paths that match no route".to_owned(),
        }
    }

    fn preflight_refused(&self) -> bool {
        matches!(
            self.covers,
            Covers::OtherMethods {
                served: Served::Known,
                ..
            }
        )
    }

    /// The line of `describe()`.
    pub(crate) fn line(&self) -> String {
        let preflights = if self.preflight_refused() {
            "no handler, preflights refused; actual requests: "
        } else {
            ""
        };
        format!("{}: {preflights}{}", self.covers(), self.decider.describe())
    }

    pub(crate) fn entry(&self) -> InventoryEntry {
        let mut snapshot = None;
        let decision = self.decider.decide(&mut snapshot);
        let (decided_by, policy_name) = match (&self.decider, &decision) {
            (Decider::Written(_), _) => (DecidedBy::Route, None),
            (Decider::Named(name, _), Decision::Policy(_)) => {
                (DecidedBy::Named, Some((*name).to_owned()))
            }
            (Decider::Named(name, _), _) => (DecidedBy::Refused, Some((*name).to_owned())),
            (Decider::Default(..), Decision::Policy(_)) => (DecidedBy::Default, None),
            (Decider::Default(..), Decision::Uncovered) => (DecidedBy::Refused, None),
            (Decider::Default(..), Decision::PassThrough) => (DecidedBy::Untouched, None),
        };
        let mut entry = InventoryEntry {
            covers: self.covers(),
            decided_by,
            policy_name,
            preflight_refused: self.preflight_refused(),
            origins: Vec::new(),
            methods: Some(Vec::new()),
            headers: Vec::new(),
            expose: Vec::new(),
            credentials: false,
            max_age: None,
            writes_from_any_origin: false,
        };
        if let Decision::Policy(policy) = decision {
            entry.origins = policy.origin_list();
            entry.methods = policy.method_list();
            entry.headers = policy.header_list();
            entry.expose = policy.expose_list();
            entry.credentials = policy.credentials;
            entry.max_age = policy.max_age_seconds();
            entry.writes_from_any_origin = policy.writes_from_any_origin;
        }
        entry
    }
}
