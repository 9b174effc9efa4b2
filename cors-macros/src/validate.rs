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

/// The policy, or `None` after reporting every violation into `cx`.
pub fn validate(attr: &Attr, cx: &mut Ctxt) -> Option<ValidPolicy> {
    let spec = Spec {
        origins: attr.origins.as_ref().map(values),
        methods: attr.methods.as_ref().map(values),
        headers: attr.headers.as_ref().map(values),
        expose: attr.expose.as_ref().map(values),
        credentials: attr.credentials.as_ref().is_some_and(|c| c.value),
        max_age: attr.max_age.as_ref().map(|m| m.value),
        private_network: attr.private_network.as_ref().is_some_and(|p| p.value),
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
