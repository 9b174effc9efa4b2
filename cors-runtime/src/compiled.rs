//! What `#[cors(...)]` writes for its policy: the attribute's values as
//! `static` data, checked by the macro while the program compiled. The
//! runtime builds the `Policy` from them once, when the handler is
//! registered, through the same builder and rules as run-time policies, so
//! there is one way to make a `Policy` and the compiler evaluates nothing
//! but string slices (building header values in `const` code cost a tenth
//! of a second of `cargo check` per 100 handlers).

use crate::policy::Policy;

/// A policy written in `#[cors(...)]`, as the attribute gave it.
#[derive(Debug)]
pub struct CompiledPolicy {
    /// `["*"]` for any origin.
    pub origins: &'static [&'static str],
    /// `None`: left out (the methods the handler is routed for).
    pub methods: Option<&'static [&'static str]>,
    pub headers: Option<&'static [&'static str]>,
    pub expose: Option<&'static [&'static str]>,
    pub credentials: bool,
    pub max_age: Option<u32>,
    pub private_network: bool,
    pub insecure_origins: bool,
}

impl CompiledPolicy {
    /// The policy, built with the run-time builder. The macro checked the
    /// same values with the same rules, so this cannot fail.
    pub fn to_policy(&self) -> Policy {
        let mut builder = Policy::builder()
            .origins(self.origins.iter().copied())
            .credentials(self.credentials)
            .private_network(self.private_network)
            .insecure_origins(self.insecure_origins);
        if let Some(methods) = self.methods {
            builder = builder.methods(methods.iter().copied());
        }
        if let Some(headers) = self.headers {
            builder = builder.headers(headers.iter().copied());
        }
        if let Some(expose) = self.expose {
            builder = builder.expose(expose.iter().copied());
        }
        if let Some(max_age) = self.max_age {
            builder = builder.max_age(max_age);
        }
        builder
            .build()
            .expect("#[cors] checked this policy with the same rules while the program compiled")
    }
}
