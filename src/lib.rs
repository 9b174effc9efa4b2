#![doc = include_str!("docs/crate.md")]

pub use route_cors_macros::cors;
pub use route_cors_runtime::{
    any, delete, get, head, is_preflight, on, options, patch, plain, post, put, CorsHandler,
    CorsRoute, CorsRouter, DecidedBy, InventoryEntry, Key, Plain, Policies, PoliciesError, Policy,
    PolicyBuilder, PolicyError, PolicySet, Problem, Rule, Violation, MAX_REQUEST_HEADERS_LEN,
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
        CorsFn, HandlerPolicy, NotAHandler, RegisterWithRouteCors, Unreachable, WrittenPolicy,
    };
}

pub mod guide {
    #![doc = include_str!("docs/guide.md")]

    pub mod answers {
        #![doc = include_str!("docs/guide/answers.md")]
    }
    pub mod debugging {
        #![doc = include_str!("docs/guide/debugging.md")]
    }
    pub mod security {
        #![doc = include_str!("docs/guide/security.md")]
    }
    pub mod migrating {
        #![doc = include_str!("docs/guide/migrating.md")]
    }
    pub mod middleware {
        #![doc = include_str!("docs/guide/middleware.md")]
    }
    pub mod compile_errors {
        #![doc = include_str!("docs/guide/compile_errors.md")]
    }
    pub mod stacking {
        #![doc = include_str!("docs/guide/stacking.md")]
    }
    pub mod expansion {
        #![doc = include_str!("docs/guide/expansion.md")]
    }
}

/// The README's examples, compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// `#[cors]`'s examples (text in the macro crate, which cannot depend on this
/// one), compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("docs/cors_examples.md")]
pub struct CorsExamplesDoctests;
