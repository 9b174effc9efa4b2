//! The `#[cors(...)]` attribute of route-cors. Use it through the
//! `route-cors` crate, whose docs describe it.
//!
//! The attribute is parsed (`attr`), checked with the rules shared with the
//! runtime (`validate`, over `route_cors_rules`), its item read as a
//! handler (`handler`, `stacking`), and expanded (`expand`). Each step
//! returns its result and reports into one `Ctxt`, so that every error of
//! one attribute shows together, each on its own token. When a step has no
//! result, `fallback` writes the item anyway, so that no error follows from
//! the missing handler.

use proc_macro::TokenStream;
use quote::quote;

mod attr;
mod ctxt;
mod expand;
mod fallback;
mod handler;
mod stacking;
mod symbol;
mod validate;

#[doc = include_str!("../docs/cors.md")]
#[proc_macro_attribute]
pub fn cors(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    let mut cx = ctxt::Ctxt::new();
    let attr = attr::parse(args.into(), &mut cx);
    // Checked whatever the item is, so that every mistake shows at once.
    let policy = validate::check(&attr, &mut cx);
    let handler = handler::parse(&item, &mut cx);
    let expanded = match (&handler, &policy) {
        (Some(handler), Some(policy)) => expand::expand(&attr, handler, policy),
        _ => fallback::expand(&attr, handler.as_ref(), item),
    };
    // Some errors leave every step its result (a key given twice, `crate`
    // not a path, an attribute stacked in the wrong place): they come with
    // the whole expansion.
    let errors = cx.check().err().map(|errors| errors.to_compile_error());
    quote!(#errors #expanded).into()
}
