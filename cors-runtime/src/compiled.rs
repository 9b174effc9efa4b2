//! The constructor `#[cors]` expands to: a policy as `static` data, every
//! value checked by the macro before it was written here. The macro writes
//! the policy's own types; only the header values need a `const` step.

use http::HeaderValue;

use crate::policy::Policy;
pub use crate::policy::{HeaderSet, MethodSet, OriginSet, Patterns, Strs};

const fn value(text: Option<&'static str>) -> Option<HeaderValue> {
    match text {
        Some(text) => Some(HeaderValue::from_static(text)),
        None => None,
    }
}

/// A policy fixed at compile time. Only `#[cors]` calls this, with values
/// it has validated and header values it has joined
/// (`Access-Control-Allow-Headers`, `-Expose-Headers`, `-Max-Age`).
#[allow(clippy::too_many_arguments)]
pub const fn policy(
    origins: OriginSet,
    methods: MethodSet,
    headers: HeaderSet,
    credentials: bool,
    private_network: bool,
    allow_headers: Option<&'static str>,
    expose_headers: Option<&'static str>,
    max_age: Option<&'static str>,
) -> Policy {
    Policy {
        origins,
        methods,
        headers,
        credentials,
        private_network,
        allow_headers: value(allow_headers),
        expose_headers: value(expose_headers),
        max_age: value(max_age),
        origin_fn: None,
    }
}
