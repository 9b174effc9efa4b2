//! Checking the attribute with the rules shared with the runtime
//! (`route_cors_rules`), and putting each violation on its token.

use proc_macro2::Span;
use route_cors_rules::{written, Spec, ValidPolicy, Values};

use crate::attr::{Attr, ListValue};
use crate::ctxt::{with_help, Ctxt};

fn values(list: &ListValue) -> Values<'_> {
    match list {
        ListValue::Any(_) => Values::Any,
        ListValue::List { items, .. } => {
            Values::List(items.iter().map(|i| i.value.as_str()).collect())
        }
    }
}

/// The handler's CORS policy, once checked.
pub enum Policy {
    /// Written on the handler: the policy as text
    /// (`route_cors_rules::written`), which the runtime reads when the
    /// handler is registered.
    Written(String),
    /// `policy = "name"`: the run-time policy of that name.
    Named(String),
}

/// The attribute's policy, or `None` after reporting every mistake into
/// `cx`.
pub fn check(attr: &Attr, cx: &mut Ctxt) -> Option<Policy> {
    if !attr.policy_given {
        return validate(attr, cx).map(|valid| Policy::Written(written::write(&valid)));
    }
    // A named policy's keys live in configuration: any key beside it is
    // an error of its own, on the key.
    for (key, path) in &attr.keys_given {
        let message = format!(
            "`{}` cannot be given with `policy`: a named policy's keys live in the run-time \
             configuration that defines it",
            key.name()
        );
        let help = "remove it, or remove `policy` and write the whole policy here";
        cx.error_spanned_by(path, with_help(message, Some(help)));
    }
    attr.policy
        .as_ref()
        .filter(|_| attr.keys_given.is_empty())
        .map(|name| Policy::Named(name.value()))
}

/// The policy, or `None` after reporting every violation into `cx`.
fn validate(attr: &Attr, cx: &mut Ctxt) -> Option<ValidPolicy> {
    let spec = Spec {
        origins: attr.origins.as_ref().map(values),
        methods: attr.methods.as_ref().map(values),
        headers: attr.headers.as_ref().map(values),
        expose: attr.expose.as_ref().map(values),
        credentials: attr.credentials.as_ref().is_some_and(|c| c.value),
        max_age: attr.max_age.as_ref().map(|m| m.value),
        private_network: attr.private_network.as_ref().is_some_and(|p| p.value),
        origin_fn: false,
        insecure_origins: attr.insecure_origins.as_ref().is_some_and(|i| i.value),
        writes_from_any_origin: attr
            .writes_from_any_origin
            .as_ref()
            .is_some_and(|w| w.value),
    };
    match route_cors_rules::validate(&spec) {
        Ok(policy) => Some(policy),
        Err(violations) => {
            for located in violations {
                let whole_value = located.index.is_none();
                if whole_value && attr.incomplete.contains(&located.key) {
                    // Follows from a value already reported as unreadable.
                    continue;
                }
                let message = with_help(located.violation.rule, located.violation.help.as_deref());
                let tokens = located
                    .index
                    .and_then(|i| attr.item_tokens(located.key, i))
                    .or_else(|| attr.value_tokens(located.key));
                match tokens {
                    Some(tokens) => cx.error_spanned_by(tokens, message),
                    // Nothing written to point at (a missing key): the attribute.
                    None => cx.error_at(Span::call_site(), message),
                }
            }
            None
        }
    }
}
