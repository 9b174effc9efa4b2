//! What `#[cors(...)]` writes for its policy: the checked policy as one
//! string (`route_cors_rules::written`), checked by the macro while the
//! program compiled. The runtime builds the `Policy` from it once, when the
//! handler is registered, through the same builder and rules as run-time
//! policies, so there is one way to make a `Policy` and the compiler
//! evaluates nothing but a string literal (building header values in
//! `const` code cost a tenth of a second of `cargo check` per 100 handlers,
//! and a struct of eight fields about ninety tokens per handler).

use route_cors_rules::written::{items, Written};

use crate::policy::Policy;

/// A policy written in `#[cors(...)]`, as `route_cors_rules::written::write`
/// wrote it.
#[derive(Clone, Copy, Debug)]
pub struct CompiledPolicy(pub &'static str);

impl CompiledPolicy {
    /// The policy, built with the run-time builder. The macro checked the
    /// same values with the same rules, so this cannot fail.
    pub fn to_policy(self) -> Policy {
        let written = Written::read(self.0);
        let mut builder = Policy::builder()
            .origins(written.origins())
            .credentials(written.credentials)
            .private_network(written.private_network)
            .insecure_origins(written.insecure_origins);
        if let Some(methods) = written.methods {
            builder = builder.methods(items(methods));
        }
        if let Some(headers) = written.headers {
            builder = builder.headers(items(headers));
        }
        if let Some(expose) = written.expose {
            builder = builder.expose(items(expose));
        }
        if let Some(max_age) = written.max_age {
            builder = builder.max_age(max_age);
        }
        builder
            .build()
            .expect("#[cors] checked this policy with the same rules while the program compiled")
    }
}
