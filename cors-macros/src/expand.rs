//! What `#[cors]` writes: the handler becomes a unit struct of the same name
//! that carries its policy as a constant and implements the runtime's
//! `CorsFn` (hence `route_cors::CorsHandler`), so the route builders can
//! collect the policy before axum erases the handler's type. The function itself stays callable
//! as `name.call(...)`: a method, so that no path to it can be given to axum
//! in place of the handler (`get(name::call)` would lose the policy). Given
//! to axum's own `get`, `any`, `on` or `fallback`, the struct is an error
//! that names the route-cors registration.
//!
//! Every item written here is paid for at every `cargo check` of the
//! user's crate, each trait impl and each function about equally
//! (BENCHMARKS.md, "Build cost"): the expansion is the fewest that keep
//! the handler callable, registrable, and an error when given to axum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::ReturnType;

use route_cors_rules::Key;

use crate::attr::Attr;
use crate::handler::{Handler, ItemFn};
use crate::stacking::Stacked;
use crate::validate::Policy;

/// The whole expansion, of a handler and its checked policy.
pub fn expand(attr: &Attr, handler: &Handler, policy: &Policy) -> TokenStream {
    let krate = attr.krate();
    let stacked = &handler.stacked;
    let item = &handler.item;
    let vis = &item.vis;
    let name = &item.sig.ident;
    let docs = &stacked.docs;
    let others = &stacked.on_call;
    let cfgs = &stacked.cfgs;

    let call = call_fn(item);

    // Inside the `const _` block below, `__rc` is the runtime's private
    // module: one name instead of a path of eight tokens at every use.
    let (handler_policy, policy_fn) = match policy {
        Policy::Named(name) => (
            quote!(__rc::HandlerPolicy::Named(#name)),
            quote! {
                /// The name of the run-time policy that decides the handler's
                /// CORS headers.
                #vis fn policy_name() -> &'static str {
                    #name
                }
            },
        ),
        Policy::Written(written) => (
            quote!(__rc::HandlerPolicy::Written(__rc::WrittenPolicy::new(#written))),
            quote! {
                /// The handler's CORS policy, checked at compile time.
                #vis fn policy() -> #krate::Policy {
                    #krate::__private::WrittenPolicy::new(#written).build()
                }
            },
        ),
    };

    let types = &handler.arg_types;
    // rustc's errors about the handler's future or return type land on the
    // user's signature.
    let output_span = match &item.sig.output {
        ReturnType::Default => item.sig.ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    let params_in: Vec<_> = (0..types.len()).map(|i| format_ident!("__a{i}")).collect();
    let future_ty = quote_spanned!(output_span=>
        impl ::core::future::Future<Output: __rc::axum::response::IntoResponse>
            + ::core::marker::Send
            + 'static
    );
    let call_with = quote_spanned!(output_span=> #name.call(#(#params_in),*));
    let struct_doc = format!(
        "The `{name}` handler with its CORS policy. Register it with the route-cors \
         builders (`route_cors::get({name})`); call it directly as `{name}.call(...)`."
    );

    // Only for the attributes stacked below `#[cors]`: they go on `call`,
    // and some record its arguments, `self` included, with `Debug`
    // (`#[tracing::instrument]`). Otherwise not written: every trait impl
    // costs every `cargo check` as much as a small function.
    let debug = (!others.is_empty()).then(|| {
        let name_str = name.to_string();
        quote! {
            impl ::core::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(#name_str)
                }
            }
        }
    });

    let debug_handler = stacked.debug_handler.as_ref().map(|attr| {
        let output = &item.sig.output;
        let check = format_ident!("__cors_debug_handler_{}", name);
        quote! {
            #(#cfgs)*
            #[allow(dead_code, non_snake_case)]
            #attr
            async fn #check(#(#params_in: #types),*) #output {
                #name.call(#(#params_in),*).await
            }
        }
    });

    let deprecated = deprecated_keys(&attr.keys_given, stacked, &krate);

    quote! {
        #(#docs)*
        #[doc = ""]
        #[doc = #struct_doc]
        #(#cfgs)*
        #[allow(non_camel_case_types)]
        #vis struct #name;

        #(#cfgs)*
        impl #name {
            #(#docs)*
            #(#others)*
            #call

            #policy_fn
        }

        #(#cfgs)*
        const _: () = {
            use #krate::__private as __rc;

            // Written out rather than derived: a derive is one more macro
            // to run per handler. `Clone` because axum's `Handler` (the
            // misuse impl below) requires it.
            impl ::core::clone::Clone for #name {
                fn clone(&self) -> Self {
                    #name
                }
            }

            #debug

            // The generic part (extractors, state) is a blanket impl in the
            // runtime over this one.
            impl __rc::CorsFn for #name {
                type Args = (#(#types,)*);

                const POLICY: __rc::HandlerPolicy = #handler_policy;

                fn call_with((#(#params_in,)*): Self::Args) -> #future_ty {
                    #call_with
                }
            }

            // Given to axum directly, the handler would lose its policy:
            // this impl makes that an error naming the registration to use.
            // (`Handler` puts no bound on the state: none is written here,
            // each would be one more obligation per handler.)
            impl<__S> __rc::axum::handler::Handler<__rc::NotAHandler, __S> for #name
            where
                __S: __rc::RegisterWithRouteCors<#name>,
            {
                type Future = __rc::Unreachable;

                fn call(self, _: __rc::axum::extract::Request, _: __S) -> Self::Future {
                    __rc::Unreachable
                }
            }
        };

        #debug_handler

        #deprecated
    }
}

/// A use of the runtime's deprecated marker at each deprecated key given,
/// spanned at the key, so that rustc warns there; the handler's lint
/// attributes (`#[allow(deprecated)]`) apply to it too.
fn deprecated_keys(keys: &[(Key, syn::Path)], stacked: &Stacked, krate: &syn::Path) -> TokenStream {
    let cfgs = &stacked.cfgs;
    let lints: Vec<_> = stacked
        .on_call
        .iter()
        .filter(|attr| {
            ["allow", "warn", "deny", "forbid"]
                .iter()
                .any(|lint| attr.path().is_ident(lint))
        })
        .collect();
    keys.iter()
        .filter(|(key, _)| *key == Key::PrivateNetwork)
        .map(|(_, path)| {
            let marker = format_ident!("PRIVATE_NETWORK", span = path.span());
            quote! {
                #(#cfgs)*
                #(#lints)*
                const _: () = #krate::__private::#marker;
            }
        })
        .collect()
}

/// The handler as written, renamed `call` and taking `self`, to live in the
/// struct's `impl`.
pub fn call_fn(item: &ItemFn) -> TokenStream {
    let vis = &item.vis;
    let mut sig = item.sig.clone();
    sig.ident = format_ident!("call", span = item.sig.ident.span());
    sig.inputs.insert(0, syn::parse_quote!(self));
    let block = &item.block;
    // Registration uses `call` as a value, as axum uses a plain handler, for
    // which clippy does not ask to drop an `async` without `.await` either.
    quote! {
        #[allow(clippy::unused_async)]
        #vis #sig #block
    }
}
