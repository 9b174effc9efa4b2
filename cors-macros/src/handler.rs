//! What `#[cors]` can be put on: an `async fn` that axum accepts as a
//! handler. Checked by syntax here; the argument and return types are left
//! to rustc, with its errors placed on the user's tokens by the expansion.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, FnArg, Item, Signature, Type, Visibility};

use crate::ctxt::{with_help, Ctxt};
use crate::stacking::{self, Stacked};

/// axum implements `Handler` for functions of at most this many arguments.
const MAX_ARGS: usize = 16;

/// A function as `#[cors]` reads it: its attributes, visibility and
/// signature parsed, its body kept as the tokens written. Nothing in the
/// body is read, and handing the body back as one group is much cheaper
/// than parsing it into syntax and printing it again (the macro runs at
/// every `cargo check`); a syntax error in it is rustc's to report.
pub struct ItemFn {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub sig: Signature,
    pub block: Group,
}

impl Parse for ItemFn {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let block =
            body(input.parse()?).ok_or_else(|| input.error("expected the function's body"))?;
        Ok(ItemFn {
            attrs,
            vis,
            sig,
            block,
        })
    }
}

/// The body's brace group. A body that came through a `macro_rules!`
/// fragment (`$body:block`) arrives wrapped in an invisible group: the
/// brace group inside it is the body.
fn body(tree: TokenTree) -> Option<Group> {
    let TokenTree::Group(group) = tree else {
        return None;
    };
    match group.delimiter() {
        Delimiter::Brace => Some(group),
        Delimiter::None => {
            let mut inner = group.stream().into_iter();
            match (inner.next(), inner.next()) {
                (Some(only), None) => body(only),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A function of the right shape, with what the expansion needs of it.
pub struct Handler {
    pub item: ItemFn,
    pub arg_types: Vec<Type>,
    /// Its attributes, sorted by where they go in the expansion.
    pub stacked: Stacked,
}

/// The handler `#[cors]` is put on, or `None` after reporting into `cx` why
/// the item cannot be one.
pub fn parse(item: &TokenStream, cx: &mut Ctxt) -> Option<Handler> {
    let Ok(item) = syn::parse2::<ItemFn>(item.clone()) else {
        cx.syn_error(not_a_function(item));
        return None;
    };
    let errors = shape_errors(&item.sig);
    if !errors.is_empty() {
        errors.into_iter().for_each(|error| cx.syn_error(error));
        return None;
    }
    let arg_types = item
        .sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(pat_type) => Some((*pat_type.ty).clone()),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let stacked = stacking::sort(&item.attrs, cx);
    Some(Handler {
        item,
        arg_types,
        stacked,
    })
}

/// Everything in the signature that axum or `#[cors]` cannot take.
fn shape_errors(sig: &Signature) -> Vec<syn::Error> {
    let mut errors = Vec::new();
    let mut error = |tokens: &dyn ToTokens, message: String| {
        errors.push(syn::Error::new_spanned(tokens, message));
    };
    if sig.asyncness.is_none() {
        let help = "write `async fn`";
        error(
            &sig.fn_token,
            with_help("`#[cors]` handlers are `async fn`s", Some(help)),
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        error(unsafety, "axum handlers cannot be `unsafe`".into());
    }
    if let Some(abi) = &sig.abi {
        error(abi, "axum handlers cannot have an `extern` ABI".into());
    }
    if let Some(constness) = &sig.constness {
        error(constness, "axum handlers cannot be `const`".into());
    }
    let generics = &sig.generics;
    if !generics.params.is_empty() || generics.where_clause.is_some() {
        let name = &sig.ident;
        let help = format!(
            "keep the generic function without `#[cors]`, and put `#[cors]` on a concrete \
             handler that calls it: `async fn {name}_concrete(..) -> .. {{ {name}::<YourType>(..).await }}`"
        );
        let message = with_help(
            "`#[cors]` handlers cannot be generic: `#[cors]` turns the handler into a struct of \
             the same name, which has no type parameters to give",
            Some(&help),
        );
        // `Generics` prints without its `where` clause.
        match &generics.where_clause {
            Some(where_clause) if generics.params.is_empty() => error(where_clause, message),
            _ => error(generics, message),
        }
    }
    if let Some(variadic) = &sig.variadic {
        error(variadic, "axum handlers cannot be variadic".into());
    }
    for (i, arg) in sig.inputs.iter().enumerate() {
        match arg {
            FnArg::Receiver(receiver) => {
                error(
                    receiver,
                    "`#[cors]` goes on free functions, not methods".into(),
                );
            }
            FnArg::Typed(pat_type) => {
                if i == MAX_ARGS {
                    error(
                        arg,
                        format!("axum handlers take at most {MAX_ARGS} arguments"),
                    );
                }
                if let Type::ImplTrait(impl_trait) = &*pat_type.ty {
                    error(
                        impl_trait,
                        "`impl Trait` arguments make the handler generic; write the extractor's \
                         type"
                            .into(),
                    );
                }
            }
        }
    }
    errors
}

/// The error for an item that is not a function at all, on its keyword and
/// name rather than on its whole body.
fn not_a_function(item: &TokenStream) -> syn::Error {
    let (what, tokens) = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Struct(i)) => ("a struct", head(i.struct_token, &i.ident)),
        Ok(Item::Enum(i)) => ("an enum", head(i.enum_token, &i.ident)),
        Ok(Item::Union(i)) => ("a union", head(i.union_token, &i.ident)),
        Ok(Item::Trait(i)) => ("a trait", head(i.trait_token, &i.ident)),
        Ok(Item::Impl(i)) => ("an `impl` block", head(i.impl_token, &i.self_ty)),
        Ok(Item::Mod(i)) => ("a module", head(i.mod_token, &i.ident)),
        Ok(Item::Const(i)) => ("a constant", head(i.const_token, &i.ident)),
        Ok(Item::Static(i)) => ("a static", head(i.static_token, &i.ident)),
        Ok(Item::Type(i)) => ("a type alias", head(i.type_token, &i.ident)),
        _ => ("this item", item.clone()),
    };
    let message = format!("`#[cors]` goes on an `async fn` axum handler, not on {what}");
    syn::Error::new_spanned(tokens, message)
}

/// An item's keyword and name, as one span.
fn head(keyword: impl ToTokens, name: impl ToTokens) -> TokenStream {
    quote!(#keyword #name)
}
