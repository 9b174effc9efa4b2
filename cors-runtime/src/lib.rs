//! The runtime of route-cors: checked policies, the preflight dispatcher and
//! route registration, the global default layer.
//!
//! Users depend on the `route-cors` facade, which re-exports all of this with
//! the `#[cors]` attribute; its crate docs are the guide.

mod actual;
mod build;
mod bypass;
mod global;
mod handler;
mod marker;
mod policy;
mod preflight;
mod request;
mod routing;
mod vary;

#[cfg(feature = "serde")]
mod config;

pub use build::{PolicyBuilder, PolicyError};
pub use bypass::{ExceptPreflight, ExceptPreflightService};
pub use global::{GlobalCors, GlobalCorsService, GlobalFuture};
pub use handler::{plain, CorsHandler, Plain};
pub use policy::Policy;
pub use request::{is_preflight, MAX_REQUEST_HEADERS_LEN};
pub use routing::{delete, get, head, options, patch, post, put, CorsRoute};

#[cfg(feature = "serde")]
pub use config::PolicyConfig;

pub use route_cors_rules::{Key, Rule, Violation};

/// What `#[cors]` expands to. Not part of the API.
#[doc(hidden)]
pub mod __private {
    pub mod compiled {
        pub use crate::compiled::*;
    }
    pub use crate::expansion::InvalidHandler;
}

mod compiled;
mod expansion;
