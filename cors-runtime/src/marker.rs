//! How per-route policies and the global default layer talk: the layer puts
//! [`GlobalPresent`] on requests, and route-cors code below it answers with a
//! [`RouteDecision`] on the response, so the layer knows whether a route's own
//! policy decided. Without the layer nothing is inserted, so per-route CORS
//! allocates nothing for it.

use http::{Extensions, Response};

/// On a request: a global default layer is above.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GlobalPresent;

/// On a response: what the route's own CORS handling decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RouteDecision {
    /// The route's own policy decided every `Access-Control-*` header.
    Decided,
    /// A preflight for a method without a per-route policy: the global
    /// default may answer it.
    NoPolicy,
}

/// Marks `res` when a global layer is above the request that produced it.
pub(crate) fn mark<B>(global_present: bool, res: &mut Response<B>, decision: RouteDecision) {
    if global_present {
        res.extensions_mut().insert(decision);
    }
}

pub(crate) fn global_present(extensions: &Extensions) -> bool {
    extensions.get::<GlobalPresent>().is_some()
}
