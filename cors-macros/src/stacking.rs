//! Attributes written below `#[cors]` (which therefore sees them): where each
//! goes in the expansion, so that `#[cors]` stacks with the attributes axum
//! users already write.

use syn::Attribute;

use crate::ctxt::{with_help, Ctxt};

/// The handler's attributes, sorted by where they go.
pub struct Stacked {
    /// Doc comments: on the struct and on `call`.
    pub docs: Vec<Attribute>,
    /// `#[cfg]`: on every generated item, so that all of them come and go
    /// together.
    pub cfgs: Vec<Attribute>,
    /// `#[axum::debug_handler]`: on a function with the handler's own
    /// signature that calls it, since `call` takes `self`, which axum's
    /// checks refuse.
    pub debug_handler: Option<Attribute>,
    /// Everything else (`#[tracing::instrument]`, `#[allow]`, ...): on
    /// `call`, the function as written.
    pub on_call: Vec<Attribute>,
}

fn is_path(attr: &Attribute, segments: &[&str]) -> bool {
    let path = attr.path();
    path.segments.len() == segments.len()
        && path
            .segments
            .iter()
            .zip(segments)
            .all(|(s, n)| s.ident == n)
}

/// Sorts the attributes; `#[utoipa::path]` below `#[cors]` is an error that
/// says to write it above.
pub fn sort(attrs: &[Attribute], cx: &mut Ctxt) -> Stacked {
    let mut stacked = Stacked {
        docs: Vec::new(),
        cfgs: Vec::new(),
        debug_handler: None,
        on_call: Vec::new(),
    };
    for attr in attrs {
        if attr.path().is_ident("doc") {
            stacked.docs.push(attr.clone());
        } else if attr.path().is_ident("cfg") {
            stacked.cfgs.push(attr.clone());
        } else if is_path(attr, &["axum", "debug_handler"]) || is_path(attr, &["debug_handler"]) {
            stacked.debug_handler = Some(attr.clone());
        } else if is_path(attr, &["utoipa", "path"]) {
            let message = "`#[utoipa::path]` must be written above `#[cors]`: below it, it would \
                           document the function `#[cors]` keeps inside the handler's struct, \
                           not the handler";
            let help = "move this attribute above `#[cors(...)]`";
            cx.error_spanned_by(attr, with_help(message, Some(help)));
        } else {
            stacked.on_call.push(attr.clone());
        }
    }
    stacked
}
