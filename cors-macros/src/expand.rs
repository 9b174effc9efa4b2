//! What `#[cors]` writes: the handler becomes a unit struct of the same name
//! that carries its policy as `static` data and implements
//! `route_cors::CorsHandler`, so the route builders can collect the policy
//! before axum erases the handler's type. The function itself stays callable
//! as `name.call(...)`: a method, so that no path to it can be given to axum
//! in place of the handler (`get(name::call)` would lose the policy). Given
//! to axum's own `get`, `any`, `on` or `fallback`, the struct is an error
//! that names the route-cors registration.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use route_cors_rules::{Methods, Names, Origins, ValidPolicy};
use syn::spanned::Spanned;
use syn::ReturnType;

use crate::handler::Handler;
use crate::stacking::Stacked;
use crate::validate::Checked;

/// The whole expansion. When the attribute had errors the handler is still
/// written, with a policy that allows nothing, so that the only errors are
/// the attribute's own.
pub fn expand(
    handler: &Handler,
    policy: &Checked,
    stacked: &Stacked<'_>,
    krate: &syn::Path,
) -> TokenStream {
    let item = &handler.item;
    let vis = &item.vis;
    let name = &item.sig.ident;
    let docs = &stacked.docs;
    let others = &stacked.on_call;
    let cfgs = &stacked.cfgs;

    let call = call_fn(item);

    let private = quote!(#krate::__private);
    let (handler_policy, policy_fn) = match policy {
        Checked::Named(Some(name)) => (
            quote!(#private::HandlerPolicy::Named(#name)),
            quote! {
                /// The name of the run-time policy that decides the handler's
                /// CORS headers.
                #vis fn policy_name() -> &'static str {
                    #name
                }
            },
        ),
        Checked::Static(valid) => {
            let compiled = valid
                .as_ref()
                .map_or_else(|| deny_all(&private), |p| policy_tokens(p, &private));
            (
                quote!(#private::HandlerPolicy::Static(#name::__POLICY)),
                quote! {
                    #[doc(hidden)]
                    #vis const __POLICY: &'static #private::compiled::CompiledPolicy = &#compiled;

                    /// The handler's CORS policy, checked at compile time.
                    #vis fn policy() -> #private::Policy {
                        Self::__POLICY.to_policy()
                    }
                },
            )
        }
        Checked::Named(None) => (quote!(#private::HandlerPolicy::None), quote!()),
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
        impl ::core::future::Future<Output: #private::axum::response::IntoResponse>
            + ::core::marker::Send
            + 'static
    );
    let call_with = quote_spanned!(output_span=> #name.call(#(#params_in),*));
    let struct_doc = format!(
        "The `{name}` handler with its CORS policy. Register it with the route-cors \
         builders (`route_cors::get({name})`); call it directly as `{name}.call(...)`."
    );

    let name_str = name.to_string();
    let debug_handler = stacked.debug_handler.map(|attr| {
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

    quote! {
        #(#docs)*
        #[doc = ""]
        #[doc = #struct_doc]
        #(#cfgs)*
        #[allow(non_camel_case_types)]
        #vis struct #name;

        // Written out rather than derived: a derive is one more macro to
        // run per handler. `Clone` because axum's `Handler` (the misuse
        // impl below) requires it; no `Copy`, which nothing needs.
        #(#cfgs)*
        impl ::core::clone::Clone for #name {
            fn clone(&self) -> Self {
                #name
            }
        }

        #(#cfgs)*
        impl ::core::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(#name_str)
            }
        }

        #(#cfgs)*
        impl #name {
            #(#docs)*
            #(#others)*
            #call

            #policy_fn
        }

        // The generic part (extractors, state) is a blanket impl in the
        // runtime over this one.
        #(#cfgs)*
        impl #private::CorsFn for #name {
            type Args = (#(#types,)*);

            fn handler_policy() -> #private::HandlerPolicy {
                #handler_policy
            }

            fn call_with((#(#params_in,)*): Self::Args) -> #future_ty {
                #call_with
            }
        }

        // Given to axum directly, the handler would lose its policy: this
        // impl makes that an error naming the registration to use.
        #(#cfgs)*
        impl<__S> #private::axum::handler::Handler<#private::NotAHandler, __S> for #name
        where
            __S: #private::RegisterWithRouteCors<#name> + ::core::marker::Send + 'static,
        {
            type Future = #private::Unreachable;

            fn call(self, _req: #private::axum::extract::Request, _state: __S) -> Self::Future {
                #private::Unreachable
            }
        }

        #debug_handler
    }
}

/// The expansion for a function `#[cors]` cannot accept (not `async`,
/// generic, ...): the struct and its `call` as written, registrable, so that
/// the only errors are the ones already reported on the function.
pub fn invalid(handler: &Handler, krate: &syn::Path) -> TokenStream {
    let item = &handler.item;
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

        impl<__S> #private::CorsHandler<((),), __S> for #name {
            fn policy(&self) -> #private::HandlerPolicy {
                #private::HandlerPolicy::None
            }

            fn into_handler(self) -> impl #private::axum::handler::Handler<((),), __S> {
                #private::InvalidHandler
            }
        }
    }
}

/// The handler as written, renamed `call` and taking `self`, to live in the
/// struct's `impl`.
fn call_fn(item: &syn::ItemFn) -> TokenStream {
    let vis = &item.vis;
    let mut sig = item.sig.clone();
    sig.ident = format_ident!("call", span = item.sig.ident.span());
    sig.inputs.insert(0, syn::parse_quote!(self));
    let block = &item.block;
    quote!(#vis #sig #block)
}

/// A policy that allows nothing, for an attribute with errors: the program
/// does not compile, so it is never built.
fn deny_all(private: &TokenStream) -> TokenStream {
    let none = quote!(::core::option::Option::None);
    quote! {
        #private::compiled::CompiledPolicy {
            origins: "",
            methods: #none,
            headers: #none,
            expose: #none,
            credentials: false,
            max_age: #none,
            private_network: false,
            insecure_origins: false,
        }
    }
}

/// A list as one string, its items separated by spaces (the runtime
/// splits it): cheaper for the compiler than a slice.
fn list(values: Option<&[String]>) -> TokenStream {
    match values {
        Some(values) => {
            let joined = values.join(" ");
            quote!(::core::option::Option::Some(#joined))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// The policy's values as the attribute gave them, checked: the runtime
/// builds the `Policy` from them with the same rules.
fn policy_tokens(policy: &ValidPolicy, private: &TokenStream) -> TokenStream {
    let star = || vec!["*".to_owned()];
    let origins = match &policy.origins {
        Origins::Any => star(),
        Origins::List { exact, patterns } => exact
            .iter()
            .cloned()
            .chain(
                patterns
                    .iter()
                    .map(|p| format!("{}*{}", p.prefix, p.suffix)),
            )
            .collect(),
    };
    let methods = match &policy.methods {
        Methods::Routed => None,
        Methods::Any => Some(star()),
        Methods::List(list) => Some(list.clone()),
    };
    let names = |names: &Names| match names {
        Names::Any => Some(star()),
        Names::List(list) if list.is_empty() => None,
        Names::List(list) => Some(list.clone()),
    };
    let methods = list(methods.as_deref());
    let headers = list(names(&policy.headers).as_deref());
    let expose = list(names(&policy.expose).as_deref());
    let credentials = policy.credentials;
    let private_network = policy.private_network;
    let insecure_origins = policy.insecure_origins;
    let max_age = match policy.max_age {
        Some(age) => quote!(::core::option::Option::Some(#age)),
        None => quote!(::core::option::Option::None),
    };
    let origins = origins.join(" ");
    quote! {
        #private::compiled::CompiledPolicy {
            origins: #origins,
            methods: #methods,
            headers: #headers,
            expose: #expose,
            credentials: #credentials,
            max_age: #max_age,
            private_network: #private_network,
            insecure_origins: #insecure_origins,
        }
    }
}
