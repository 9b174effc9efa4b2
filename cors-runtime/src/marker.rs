//! How per-route policies and the global default layer talk. The layer puts
//! a [`RouteSlot`] on the request; route-cors code below it writes into the
//! slot as soon as the request reaches it, saying which policy decides. The
//! layer reads the slot when the response comes back, so a response that a
//! middleware made after the route was reached (a timeout, say) still gets
//! the route's policy. Without the layer there is no slot and nothing is
//! written, so per-route CORS pays nothing for it.

use std::sync::{Arc, Mutex, PoisonError};

use http::Extensions;

use crate::policy::Policy;

/// What route-cors code below a global layer found.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Reached {
    /// An actual request reached a handler with its own policy.
    RoutePolicy(&'static Policy),
    /// A preflight reached a path's dispatcher, which answered it (granted
    /// or refused) under a per-route policy.
    PreflightAnswered,
    /// A preflight reached a path's dispatcher, and no per-route policy
    /// covers the requested method: the default may answer.
    PreflightWithoutPolicy,
    /// A nested global layer below decided.
    NestedDefault,
}

/// The slot a global layer puts on each request.
#[derive(Clone, Debug, Default)]
pub(crate) struct RouteSlot(Arc<Mutex<Option<Reached>>>);

impl RouteSlot {
    pub(crate) fn get(&self) -> Option<Reached> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn set(&self, reached: Reached) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(reached);
    }
}

/// Tells a global layer above, if any, what this request reached.
pub(crate) fn report(extensions: &Extensions, reached: Reached) {
    if let Some(slot) = extensions.get::<RouteSlot>() {
        slot.set(reached);
    }
}
