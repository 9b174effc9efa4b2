//! What the compiler sees, beside the errors, when `#[cors]` cannot expand
//! its item: the item still written, as close to the expansion as it can
//! be, so that the only errors are the ones reported, and none follows
//! from a handler gone missing.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attr::Attr;
use crate::expand::{self, call_fn};
use crate::handler::{Handler, ItemFn};
use crate::validate::Policy;

/// In place of the expansion: `handler` is `None` when the item could not
/// be one.
pub fn expand(attr: &Attr, handler: Option<&Handler>, item: TokenStream) -> TokenStream {
    if let Some(handler) = handler {
        // Only the attribute is wrong: the whole expansion, with an empty
        // text standing in for the policy. A program with errors never
        // runs, so the handler is never registered.
        return expand::expand(attr, handler, &Policy::Written(String::new()));
    }
    match syn::parse2::<ItemFn>(item.clone()) {
        Ok(item_fn) if item_fn.sig.receiver().is_none() => registrable(&item_fn, &attr.krate()),
        // Not a function, or a method (a struct cannot go in an `impl`): as
        // written.
        _ => item,
    }
}

/// For a function `#[cors]` cannot accept (not `async`, generic, ...): the
/// struct and its `call` as written, registrable, so that registering it
/// adds no error to the ones already reported on the function.
fn registrable(item: &ItemFn, krate: &syn::Path) -> TokenStream {
    let vis = &item.vis;
    let name = &item.sig.ident;
    let attrs = &item.attrs;
    let call = call_fn(item);
    let private = quote!(#krate::__private);
    quote! {
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, Default)]
        #vis struct #name;

        impl #name {
            #(#attrs)*
            #call
        }

        impl #private::CorsFn for #name {
            type Args = ();

            const POLICY: #private::HandlerPolicy = #private::HandlerPolicy::None;

            fn call_with(
                (): (),
            ) -> impl ::core::future::Future<Output: #private::axum::response::IntoResponse>
                   + ::core::marker::Send
                   + 'static {
                #private::Unreachable
            }
        }
    }
}
