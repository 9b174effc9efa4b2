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

/// A policy written on a handler in `#[cors(...)]`, as
/// `route_cors_rules::written::write` wrote it. Not part of the API.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct WrittenPolicy(&'static str);

impl WrittenPolicy {
    /// What `#[cors]` writes: `text` is the policy it checked.
    pub const fn new(text: &'static str) -> Self {
        WrittenPolicy(text)
    }

    /// The policy, built with the run-time builder. The macro checked the
    /// same values with the same rules, so this cannot fail.
    // `private_network` still works where it was written, with the
    // deprecation warning on the key.
    #[allow(deprecated)]
    pub fn build(self) -> Policy {
        let written = Written::read(self.0);
        let mut builder = Policy::builder()
            .origins(written.origins())
            .credentials(written.credentials)
            .private_network(written.private_network)
            .insecure_origins(written.insecure_origins)
            .writes_from_any_origin(written.writes_from_any_origin);
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

#[cfg(test)]
mod tests {
    //! What the macro writes builds the policy the builder builds from the
    //! same values: the written format loses nothing on the way.

    use route_cors_rules::policy::{validate, Spec, Values};
    use route_cors_rules::written::write;

    use super::WrittenPolicy;
    use crate::policy::Policy;

    /// The policy built from the text `#[cors]` would write for `spec`.
    fn from_written(spec: &Spec<'_>) -> Policy {
        let text = write(&validate(spec).expect("a policy #[cors] accepts"));
        WrittenPolicy::new(Box::leak(text.into_boxed_str())).build()
    }

    fn same(written: Policy, built: Policy) {
        assert_eq!(format!("{written:?}"), format!("{built:?}"));
    }

    #[test]
    fn a_written_list_policy_builds_what_the_builder_builds() {
        let spec = Spec {
            origins: Some(Values::List(vec![
                "https://app.example.com",
                "https://*.example.com:8443",
                "http://[::1]:3000",
            ])),
            methods: Some(Values::List(vec!["GET", "PURGE"])),
            headers: Some(Values::List(vec!["Content-Type", "X-Request-Id"])),
            expose: Some(Values::List(vec!["ETag"])),
            credentials: true,
            max_age: Some(0),
            ..Spec::default()
        };
        let built = Policy::builder()
            .origins([
                "https://app.example.com",
                "https://*.example.com:8443",
                "http://[::1]:3000",
            ])
            .methods(["GET", "PURGE"])
            .headers(["Content-Type", "X-Request-Id"])
            .expose(["ETag"])
            .credentials(true)
            .max_age(0)
            .build()
            .unwrap();
        same(from_written(&spec), built);
    }

    #[test]
    fn a_written_wildcard_policy_builds_what_the_builder_builds() {
        let spec = Spec {
            origins: Some(Values::Any),
            methods: Some(Values::Any),
            headers: Some(Values::Any),
            expose: Some(Values::Any),
            max_age: Some(86_400),
            ..Spec::default()
        };
        let built = Policy::builder()
            .any_origin()
            .any_method()
            .any_header()
            .any_exposed_header()
            .max_age(86_400)
            .build()
            .unwrap();
        same(from_written(&spec), built);
    }

    #[test]
    // `private_network` is deprecated, and still tested.
    #[allow(deprecated)]
    fn written_flags_and_left_out_keys_build_what_the_builder_builds() {
        let spec = Spec {
            origins: Some(Values::List(vec!["http://printer.lan"])),
            headers: Some(Values::List(vec![])),
            credentials: true,
            private_network: true,
            insecure_origins: true,
            ..Spec::default()
        };
        let built = Policy::builder()
            .origins(["http://printer.lan"])
            .headers(Vec::<String>::new())
            .credentials(true)
            .private_network(true)
            .insecure_origins(true)
            .build()
            .unwrap();
        same(from_written(&spec), built);
    }
}
