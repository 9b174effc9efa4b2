//! The `#[cors(...)]` attribute of route-cors. Use it through the
//! `route-cors` crate, whose docs describe it.
//!
//! The attribute is parsed (`attr`), checked with the rules shared with the
//! runtime (`validate`, over `route_cors_rules`), its item checked
//! (`handler`), and expanded (`expand`). Every error of one attribute is
//! reported together, each on its own token, and the handler is still
//! written so that no error follows from the missing item.

use proc_macro::TokenStream;
use quote::{quote, ToTokens};

mod attr;
mod ctxt;
mod expand;
mod handler;
mod stacking;
mod symbol;
mod validate;

#[doc = include_str!("../docs/cors.md")]
#[proc_macro_attribute]
pub fn cors(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut cx = ctxt::Ctxt::default();
    let attr = attr::parse(args.into(), &mut cx);
    // Checked whatever the item is, so that every mistake shows at once.
    let policy = validate::check(&attr, &mut cx);
    let item: proc_macro2::TokenStream = item.into();
    let item_fn = match syn::parse2::<handler::ItemFn>(item.clone()) {
        Ok(item_fn) => item_fn,
        Err(_) => {
            handler::not_a_function(&item, &mut cx);
            let errors = cx.into_compile_errors();
            return quote!(#errors #item).into();
        }
    };
    let mut shape = ctxt::Ctxt::default();
    let handler = handler::check(item_fn, &mut shape);
    let krate = attr
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::route_cors));
    if shape.has_errors() {
        cx.absorb(shape);
        let errors = cx.into_compile_errors();
        // A method stays where it is (a struct cannot go in an `impl`);
        // anything else becomes a registrable struct, so that registering
        // it adds no error to the ones on the function.
        let item = if handler.item.sig.receiver().is_some() {
            handler.item.into_token_stream()
        } else {
            expand::invalid(&handler, &krate)
        };
        return quote!(#errors #item).into();
    }
    let stacked = stacking::sort(&handler.item.attrs, &mut cx);
    let expanded = expand::expand(&handler, &policy, &stacked, &krate);
    let deprecated = expand::deprecated_keys(&attr.keys_given, &stacked, &krate);
    let errors = cx.into_compile_errors();
    quote!(#errors #expanded #deprecated).into()
}
