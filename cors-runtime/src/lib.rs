//! The runtime of route-cors: checked policies, route registration, and the
//! service in front of each path that decides its requests' CORS headers.
//!
//! Users depend on the `route-cors` facade, which re-exports all of this with
//! the `#[cors]` attribute; each item's reference is on the item, and
//! `ARCHITECTURE.md` at the repository's root says what each file owns.

mod actual;
mod build;
mod check;
mod decide;
mod handler;
mod inventory;
mod policies;
mod policy;
mod preflight;
mod request;
mod route;
mod router;
mod service;
mod strip_prefix;
mod vary;
mod writes;

#[cfg(feature = "serde")]
mod config;

pub use build::{PolicyBuilder, PolicyError};
pub use handler::{plain, CorsHandler, Plain};
pub use inventory::{DecidedBy, InventoryEntry};
pub use policies::{Policies, PoliciesError, PolicySet, Problem};
pub use policy::Policy;
pub use request::{is_preflight, MAX_REQUEST_HEADERS_LEN};
pub use route::{any, delete, get, head, on, options, patch, post, put, CorsRoute};
pub use router::CorsRouter;
pub use service::{CorsFuture, CorsService, IntoMakeService};

#[cfg(feature = "serde")]
pub use config::PolicyConfig;

pub use route_cors_rules::{Key, Rule, Violation};

/// What `#[cors]` expands to. Not part of the API.
#[doc(hidden)]
pub mod __private {
    #[allow(deprecated)]
    pub use crate::expansion::PRIVATE_NETWORK;
    pub use crate::expansion::{NotAHandler, RegisterWithRouteCors, Unreachable};
    pub use crate::handler::{CorsArgs, CorsFn, HandlerPolicy};
    pub use crate::written::WrittenPolicy;
}

mod expansion;
mod written;
