//! The `#[cors(...)]` attribute of route-cors. Use it through the
//! `route-cors` crate, whose docs describe it.
//!
//! The attribute is parsed (`attr`), checked with the rules shared with the
//! runtime (`validate`, over `route_cors_rules`), its item checked
//! (`handler`), and expanded (`expand`). Every error of one attribute is
//! reported together, each on its own token, and the handler is still
//! written so that no error follows from the missing item.

use proc_macro::TokenStream;
use quote::quote;

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
    let mut cx = ctxt::Ctxt::new();
    let attr = attr::parse(args.into(), &mut cx);
    // Checked whatever the item is, so that every mistake shows at once.
    let policy = validate::check(&attr, &mut cx);
    let item: proc_macro2::TokenStream = item.into();
    let handler = handler::parse(&item, &mut cx);
    let krate = attr
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::route_cors));
    let expanded = match handler {
        Some(handler) => {
            let stacked = stacking::sort(&handler.item.attrs, &mut cx);
            let expanded = expand::expand(&handler, &policy, &stacked, &krate);
            let deprecated = expand::deprecated_keys(&attr.keys_given, &stacked, &krate);
            quote!(#expanded #deprecated)
        }
        None => match syn::parse2::<handler::ItemFn>(item.clone()) {
            // A method stays where it is (a struct cannot go in an `impl`);
            // any other function becomes a registrable struct, so that
            // registering it adds no error to the ones on the function.
            Ok(item_fn) if item_fn.sig.receiver().is_none() => expand::invalid(&item_fn, &krate),
            _ => item,
        },
    };
    let errors = cx.check().err().map(|errors| errors.to_compile_error());
    quote!(#errors #expanded).into()
}
