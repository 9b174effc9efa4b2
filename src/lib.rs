#![doc = include_str!("../README.md")]

pub use route_cors_macros::cors;
pub use route_cors_runtime::{
    any, delete, get, head, is_preflight, on, options, patch, plain, post, put, CorsHandler,
    CorsRoute, CorsRouter, DecidedBy, HandlerPolicy, InventoryEntry, Key, Plain, Policies,
    PoliciesError, Policy, PolicyBuilder, PolicyError, PolicySet, Problem, Rule, Violation,
    MAX_REQUEST_HEADERS_LEN,
};

#[cfg(feature = "serde")]
pub use route_cors_runtime::PolicyConfig;

/// route-cors's own service, for serving without an outer axum `Router`
/// ([`CorsRouter::into_service`]).
pub mod service {
    pub use route_cors_runtime::{CorsFuture, CorsService, IntoMakeService};
}

/// What `#[cors]` expands to refers to these paths. Not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use axum;
    #[allow(deprecated)]
    pub use route_cors_runtime::__private::PRIVATE_NETWORK;
    pub use route_cors_runtime::__private::{
        compiled, CorsFn, InvalidHandler, NotAHandler, RegisterWithRouteCors, Unreachable,
    };
    pub use route_cors_runtime::{CorsHandler, HandlerPolicy, Policy};
}
