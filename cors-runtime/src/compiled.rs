//! What `#[cors(...)]` writes for its policy: the attribute's values as
//! `static` data, checked by the macro while the program compiled. The
//! runtime builds the `Policy` from them once, when the handler is
//! registered, through the same builder and rules as run-time policies, so
//! there is one way to make a `Policy` and the compiler evaluates nothing
//! but string slices (building header values in `const` code cost a tenth
//! of a second of `cargo check` per 100 handlers).

use crate::policy::Policy;

/// A policy written in `#[cors(...)]`, as the attribute gave it. Each list
/// is one string, its items separated by spaces (no origin, method or
/// header name holds one): a flat initializer costs the compiler less than
/// slices do.
#[derive(Debug)]
pub struct CompiledPolicy {
    /// `"*"` for any origin.
    pub origins: &'static str,
    /// `None`: left out (the methods the handler is routed for).
    pub methods: Option<&'static str>,
    pub headers: Option<&'static str>,
    pub expose: Option<&'static str>,
    pub credentials: bool,
    pub max_age: Option<u32>,
    pub private_network: bool,
    pub insecure_origins: bool,
}

impl CompiledPolicy {
    /// The policy, built with the run-time builder. The macro checked the
    /// same values with the same rules, so this cannot fail.
    pub fn to_policy(&self) -> Policy {
        let items = |list: &'static str| list.split(' ').filter(|item| !item.is_empty());
        let mut builder = Policy::builder()
            .origins(items(self.origins))
            .credentials(self.credentials)
            .private_network(self.private_network)
            .insecure_origins(self.insecure_origins);
        if let Some(methods) = self.methods {
            builder = builder.methods(items(methods));
        }
        if let Some(headers) = self.headers {
            builder = builder.headers(items(headers));
        }
        if let Some(expose) = self.expose {
            builder = builder.expose(items(expose));
        }
        if let Some(max_age) = self.max_age {
            builder = builder.max_age(max_age);
        }
        builder
            .build()
            .expect("#[cors] checked this policy with the same rules while the program compiled")
    }
}
