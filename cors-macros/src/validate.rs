//! Checking the attribute with the rules shared with the runtime
//! (`route_cors_rules`), and putting each violation on its token.

use proc_macro2::Span;
use route_cors_rules::{Spec, ValidPolicy, Values};

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

/// What the handler's policy is, once checked.
pub enum Checked {
    /// Written in the attribute: `None` after reporting its violations.
    Static(Option<ValidPolicy>),
    /// `policy = "name"`: `None` after reporting what was wrong.
    Named(Option<String>),
}

/// The attribute's policy, reporting every mistake into `cx`.
pub fn check(attr: &Attr, cx: &mut Ctxt) -> Checked {
    if !attr.policy_given {
        return Checked::Static(validate(attr, cx));
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
    let clean = attr.keys_given.is_empty();
    Checked::Named(
        attr.policy
            .as_ref()
            .filter(|_| clean)
            .map(syn::LitStr::value),
    )
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
