//! The constructor `#[cors]` expands to: a policy as `static` data, every
//! value checked by the macro before it was written here.

use http::HeaderValue;

use crate::policy::{HeaderSet, MethodSet, OriginSet, Patterns, Policy, Strs};

/// Origins as the macro writes them: sorted exact origins and
/// `(prefix, suffix)` subdomain patterns.
pub enum CompiledOrigins {
    Any,
    List(
        &'static [&'static str],
        &'static [(&'static str, &'static str)],
    ),
}

pub enum CompiledMethods {
    Routed,
    Any,
    List(&'static [&'static str]),
}

pub enum CompiledHeaders {
    Any,
    List(&'static [&'static str]),
}

/// The header values, already joined by the macro.
pub struct CompiledValues {
    pub allow_headers: Option<&'static str>,
    pub expose_headers: Option<&'static str>,
    pub max_age: Option<&'static str>,
}

const fn value(text: Option<&'static str>) -> Option<HeaderValue> {
    match text {
        Some(text) => Some(HeaderValue::from_static(text)),
        None => None,
    }
}

/// A policy fixed at compile time. Only `#[cors]` calls this, with values
/// it has validated; anything else is not part of the API.
pub const fn policy(
    origins: CompiledOrigins,
    methods: CompiledMethods,
    headers: CompiledHeaders,
    credentials: bool,
    private_network: bool,
    values: CompiledValues,
) -> Policy {
    Policy {
        origins: match origins {
            CompiledOrigins::Any => OriginSet::Any,
            CompiledOrigins::List(exact, patterns) => OriginSet::List {
                exact: Strs::Static(exact),
                patterns: Patterns::Static(patterns),
            },
        },
        methods: match methods {
            CompiledMethods::Routed => MethodSet::Routed,
            CompiledMethods::Any => MethodSet::Any,
            CompiledMethods::List(list) => MethodSet::List(Strs::Static(list)),
        },
        headers: match headers {
            CompiledHeaders::Any => HeaderSet::Any,
            CompiledHeaders::List(list) => HeaderSet::List(Strs::Static(list)),
        },
        credentials,
        private_network,
        allow_headers: value(values.allow_headers),
        expose_headers: value(values.expose_headers),
        max_age: value(values.max_age),
    }
}
