//! What `#[cors]` can be put on: an `async fn` that axum accepts as a
//! handler. Checked by syntax here; the argument and return types are left
//! to rustc, with its errors placed on the user's tokens by the expansion.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, FnArg, Item, Signature, Type, Visibility};

use crate::ctxt::{with_help, Ctxt};

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

impl ToTokens for ItemFn {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(self.attrs.iter().map(ToTokens::to_token_stream));
        self.vis.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        self.block.to_tokens(tokens);
    }
}

/// The handler's argument types, once its shape is right.
pub struct Handler {
    pub item: ItemFn,
    pub arg_types: Vec<Type>,
}

/// Checks the item's shape, reporting into `cx`.
pub fn check(item: ItemFn, cx: &mut Ctxt) -> Handler {
    let sig = &item.sig;
    if sig.asyncness.is_none() {
        let help = "write `async fn`";
        cx.error_spanned_by(
            sig.fn_token,
            with_help("`#[cors]` handlers are `async fn`s", Some(help)),
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        cx.error_spanned_by(unsafety, "axum handlers cannot be `unsafe`");
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(abi, "axum handlers cannot have an `extern` ABI");
    }
    if let Some(constness) = &sig.constness {
        cx.error_spanned_by(constness, "axum handlers cannot be `const`");
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
            Some(where_clause) if generics.params.is_empty() => {
                cx.error_spanned_by(where_clause, message);
            }
            _ => cx.error_spanned_by(generics, message),
        }
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(variadic, "axum handlers cannot be variadic");
    }
    let mut arg_types = Vec::new();
    for (i, arg) in sig.inputs.iter().enumerate() {
        match arg {
            FnArg::Receiver(receiver) => {
                cx.error_spanned_by(receiver, "`#[cors]` goes on free functions, not methods");
            }
            FnArg::Typed(pat_type) => {
                if i == MAX_ARGS {
                    cx.error_spanned_by(
                        arg,
                        format!("axum handlers take at most {MAX_ARGS} arguments"),
                    );
                }
                if let Type::ImplTrait(impl_trait) = &*pat_type.ty {
                    cx.error_spanned_by(impl_trait, "`impl Trait` arguments make the handler generic; write the extractor's type");
                }
                arg_types.push((*pat_type.ty).clone());
            }
        }
    }
    Handler { item, arg_types }
}

/// Reports an item that is not a function at all, on its keyword and name
/// rather than on its whole body.
pub fn not_a_function(item: &TokenStream, cx: &mut Ctxt) {
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
    cx.error_spanned_by(tokens, message);
}

/// An item's keyword and name, as one span.
fn head(keyword: impl ToTokens, name: impl ToTokens) -> TokenStream {
    quote!(#keyword #name)
}
