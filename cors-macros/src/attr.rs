//! Parsing `#[cors(...)]` into a typed attribute: each key once, each value
//! in the shape the grammar allows, each piece with its tokens.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use route_cors_rules::key::suggest;
use route_cors_rules::Key;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::token::{Brace, Bracket, Paren};
use syn::{Expr, ExprLit, Lit, MacroDelimiter, Meta, MetaList, MetaNameValue, Path, Token, UnOp};

use crate::ctxt::{with_help, Ctxt};
use crate::symbol::{CRATE, POLICY};

/// A value, with the tokens it was written as: an error about it covers all
/// of them (`-1`, not just `-`).
pub struct Written<T> {
    pub value: T,
    pub tokens: TokenStream,
}

impl<T> Written<T> {
    fn new(value: T, tokens: impl ToTokens) -> Self {
        Written {
            value,
            tokens: tokens.into_token_stream(),
        }
    }
}

/// A list value: `"*"` or `[...]`.
pub enum ListValue {
    Any(TokenStream),
    List {
        items: Vec<Written<String>>,
        tokens: TokenStream,
    },
}

impl ListValue {
    pub fn tokens(&self) -> &TokenStream {
        match self {
            ListValue::Any(tokens) | ListValue::List { tokens, .. } => tokens,
        }
    }
}

/// The attribute as written.
#[derive(Default)]
pub struct Attr {
    pub origins: Option<ListValue>,
    pub methods: Option<ListValue>,
    pub headers: Option<ListValue>,
    pub expose: Option<ListValue>,
    pub credentials: Option<Written<bool>>,
    pub max_age: Option<Written<i128>>,
    pub private_network: Option<Written<bool>>,
    pub insecure_origins: Option<Written<bool>>,
    pub writes_from_any_origin: Option<Written<bool>>,
    pub krate: Option<syn::Path>,
    /// Whether `policy` was given, even with a name that could not be used.
    pub policy_given: bool,
    /// `policy = "name"`, with the name's literal, when the name is valid.
    pub policy: Option<syn::LitStr>,
    /// The policy keys given, by the tokens of their names: with `policy`,
    /// each is an error of its own.
    pub keys_given: Vec<(Key, Path)>,
    /// Keys the user gave, or evidently meant, whose value could not be read
    /// whole: a misspelled key, a missing value, a list element that is not a
    /// string. Rules about such a key's whole value (missing, empty, `*` with
    /// credentials) would only repeat the error already reported.
    pub incomplete: Vec<Key>,
}

impl Attr {
    /// Where the facade is: `crate = "..."`, or `::route_cors`.
    pub fn krate(&self) -> syn::Path {
        self.krate
            .clone()
            .unwrap_or_else(|| syn::parse_quote!(::route_cors))
    }

    /// The tokens of a key's value, for errors about the whole value.
    pub fn value_tokens(&self, key: Key) -> Option<&TokenStream> {
        match key {
            Key::Origins => self.origins.as_ref().map(ListValue::tokens),
            Key::Methods => self.methods.as_ref().map(ListValue::tokens),
            Key::Headers => self.headers.as_ref().map(ListValue::tokens),
            Key::Expose => self.expose.as_ref().map(ListValue::tokens),
            Key::Credentials => self.credentials.as_ref().map(|v| &v.tokens),
            Key::MaxAge => self.max_age.as_ref().map(|v| &v.tokens),
            Key::PrivateNetwork => self.private_network.as_ref().map(|v| &v.tokens),
            Key::InsecureOrigins => self.insecure_origins.as_ref().map(|v| &v.tokens),
            Key::WritesFromAnyOrigin => self.writes_from_any_origin.as_ref().map(|v| &v.tokens),
        }
    }

    /// The tokens of one list element.
    pub fn item_tokens(&self, key: Key, index: usize) -> Option<&TokenStream> {
        let list = match key {
            Key::Origins => &self.origins,
            Key::Methods => &self.methods,
            Key::Headers => &self.headers,
            Key::Expose => &self.expose,
            _ => return None,
        };
        match list {
            Some(ListValue::List { items, .. }) => items.get(index).map(|i| &i.tokens),
            _ => None,
        }
    }
}

/// Parses the attribute's arguments, reporting every mistake into `cx`.
pub fn parse(args: TokenStream, cx: &mut Ctxt) -> Attr {
    let mut attr = Attr::default();
    let parser =
        |input: ParseStream| Punctuated::<Meta, Token![,]>::parse_terminated_with(input, meta);
    let metas = match parser.parse2(args) {
        Ok(metas) => metas,
        Err(e) => {
            cx.syn_error(e);
            // Nothing was read, so nothing can be said about any key.
            attr.incomplete = Key::ALL.to_vec();
            return attr;
        }
    };
    let mut seen: Vec<String> = Vec::new();
    for meta in metas {
        let path = meta.path();
        let Some(ident) = path.get_ident().map(ToString::to_string).or_else(|| {
            // `crate` is a keyword: syn keeps it as a one-segment path.
            (path.segments.len() == 1 && path.leading_colon.is_none())
                .then(|| path.segments[0].ident.to_string())
        }) else {
            cx.error_spanned_by(path, "expected a key such as `origins`");
            continue;
        };
        if seen.contains(&ident) {
            cx.error_spanned_by(path, format!("`{ident}` is given twice"));
            continue;
        }
        seen.push(ident.clone());
        if ident == CRATE {
            attr.krate = parse_crate(&meta, cx);
            continue;
        }
        if ident == POLICY {
            attr.policy_given = true;
            attr.policy = parse_policy_name(&meta, cx);
            continue;
        }
        let Some(key) = Key::from_name(&ident) else {
            let suggestion = suggest(&ident, &[CRATE, POLICY]);
            attr.incomplete.extend(suggestion.and_then(Key::from_name));
            let help = suggestion.map(|k| format!("did you mean `{k}`?"));
            let message = with_help(format!("unknown key `{ident}`"), help.as_deref());
            cx.error_spanned_by(path, message);
            continue;
        };
        attr.keys_given.push((key, path.clone()));
        let whole = match key {
            Key::Origins => keep(&mut attr.origins, list_value(key, &meta, false, cx)),
            Key::Methods => keep(&mut attr.methods, list_value(key, &meta, true, cx)),
            Key::Headers => keep(&mut attr.headers, list_value(key, &meta, false, cx)),
            Key::Expose => keep(&mut attr.expose, list_value(key, &meta, false, cx)),
            Key::Credentials => keep(&mut attr.credentials, flag(key, &meta, cx).into()),
            Key::PrivateNetwork => keep(&mut attr.private_network, flag(key, &meta, cx).into()),
            Key::InsecureOrigins => keep(&mut attr.insecure_origins, flag(key, &meta, cx).into()),
            Key::WritesFromAnyOrigin => keep(
                &mut attr.writes_from_any_origin,
                flag(key, &meta, cx).into(),
            ),
            Key::MaxAge => keep(&mut attr.max_age, integer(key, &meta, cx).into()),
        };
        if !whole {
            attr.incomplete.push(key);
        }
    }
    attr
}

/// A key's value as far as it could be read; what could not be read is
/// already reported.
enum Read<T> {
    Whole(T),
    /// A list some of whose elements could not be read: the others are
    /// still checked one by one.
    Partly(T),
    Unread,
}

impl<T> From<Option<T>> for Read<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Read::Unread, Read::Whole)
    }
}

/// Stores what was read of a value, and says whether it was read whole.
fn keep<T>(slot: &mut Option<T>, read: Read<T>) -> bool {
    let whole = matches!(read, Read::Whole(_));
    *slot = match read {
        Read::Whole(value) | Read::Partly(value) => Some(value),
        Read::Unread => None,
    };
    whole
}

/// One `key`, `key = value` or `key(...)`, as `syn::Meta` parses it, except
/// that the value is always parsed as an expression: `syn::Meta` reads `-1`
/// as one literal whose span covers only the `-`.
fn meta(input: ParseStream) -> syn::Result<Meta> {
    let path = input.call(Path::parse_mod_style)?;
    if input.peek(Token![=]) {
        return Ok(Meta::NameValue(MetaNameValue {
            path,
            eq_token: input.parse()?,
            value: input.parse()?,
        }));
    }
    if input.peek(Paren) || input.peek(Bracket) || input.peek(Brace) {
        if let TokenTree::Group(group) = input.parse::<TokenTree>()? {
            let span = group.delim_span();
            let delimiter = match group.delimiter() {
                Delimiter::Parenthesis => MacroDelimiter::Paren(Paren(span)),
                Delimiter::Bracket => MacroDelimiter::Bracket(Bracket(span)),
                _ => MacroDelimiter::Brace(Brace(span)),
            };
            return Ok(Meta::List(MetaList {
                path,
                delimiter,
                tokens: group.stream(),
            }));
        }
    }
    Ok(Meta::Path(path))
}

fn name_value<'a>(key: Key, meta: &'a Meta, example: &str, cx: &mut Ctxt) -> Option<&'a Expr> {
    match meta {
        Meta::NameValue(nv) => Some(&nv.value),
        Meta::Path(path) => {
            let help = format!("write `{} = {example}`", key.name());
            cx.error_spanned_by(
                path,
                with_help(format!("`{}` needs a value", key.name()), Some(&help)),
            );
            None
        }
        Meta::List(list) => {
            let help = format!("write `{} = {example}`", key.name());
            cx.error_spanned_by(
                list,
                with_help(
                    format!("`{}` takes `=`, not parentheses", key.name()),
                    Some(&help),
                ),
            );
            None
        }
    }
}

const EXPECTED_METHOD: &str = "expected a method, such as `GET` or `\"PURGE\"`";

/// `"*"` or `[item, ...]`; items are string literals, or for `methods` also
/// identifiers (`GET`).
fn list_value(key: Key, meta: &Meta, idents: bool, cx: &mut Ctxt) -> Read<ListValue> {
    let example = if idents { "[GET, POST]" } else { "[\"...\"]" };
    let Some(expr) = name_value(key, meta, example, cx) else {
        return Read::Unread;
    };
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) if s.value() == "*" => Read::Whole(ListValue::Any(s.to_token_stream())),
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => {
            let help = format!("write `{} = [{:?}]`", key.name(), s.value());
            cx.error_spanned_by(
                s,
                with_help(
                    format!("`{}` takes a list, or `\"*\"`", key.name()),
                    Some(&help),
                ),
            );
            Read::Unread
        }
        Expr::Array(array) => {
            let read: Vec<_> = array
                .elems
                .iter()
                .map(|elem| list_item(elem, idents, cx))
                .collect();
            let whole = read.iter().all(Option::is_some);
            let list = ListValue::List {
                items: read.into_iter().flatten().collect(),
                tokens: array.to_token_stream(),
            };
            if whole {
                Read::Whole(list)
            } else {
                Read::Partly(list)
            }
        }
        other => {
            let help = format!("write `{} = {example}`", key.name());
            cx.error_spanned_by(
                other,
                with_help(
                    format!("`{}` takes a list, or `\"*\"`", key.name()),
                    Some(&help),
                ),
            );
            Read::Unread
        }
    }
}

/// One list element: a string literal, or for `methods` also an identifier.
fn list_item(elem: &Expr, idents: bool, cx: &mut Ctxt) -> Option<Written<String>> {
    match elem {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(Written::new(s.value(), s)),
        Expr::Path(p) if idents => match p.path.get_ident() {
            Some(ident) => Some(Written::new(ident.to_string(), ident)),
            None => {
                cx.error_spanned_by(p, EXPECTED_METHOD);
                None
            }
        },
        other => {
            let what = if idents {
                EXPECTED_METHOD
            } else {
                "expected a string literal"
            };
            cx.error_spanned_by(other, what);
            None
        }
    }
}

/// `key` alone means true; `key = true` / `key = false`.
fn flag(key: Key, meta: &Meta, cx: &mut Ctxt) -> Option<Written<bool>> {
    match meta {
        Meta::Path(path) => Some(Written::new(true, path)),
        _ => match name_value(key, meta, "true", cx)? {
            Expr::Lit(ExprLit {
                lit: Lit::Bool(b), ..
            }) => Some(Written::new(b.value, b)),
            other => {
                let name = key.name();
                let help = format!("write `{name}` or `{name} = true`");
                cx.error_spanned_by(
                    other,
                    with_help(format!("`{name}` is `true` or `false`"), Some(&help)),
                );
                None
            }
        },
    }
}

/// An integer literal, possibly negated (so that `-1` gets the rule's error).
fn integer(key: Key, meta: &Meta, cx: &mut Ctxt) -> Option<Written<i128>> {
    let expr = name_value(key, meta, "600", cx)?;
    let (negative, lit) = match expr {
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => (true, &*u.expr),
        other => (false, other),
    };
    match lit {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => match int.base10_parse::<i128>() {
            Ok(n) => Some(Written::new(if negative { -n } else { n }, expr)),
            Err(e) => {
                cx.syn_error(e);
                None
            }
        },
        _ => {
            cx.error_spanned_by(
                expr,
                format!("`{}` is a whole number of seconds", key.name()),
            );
            None
        }
    }
}

fn parse_crate(meta: &Meta, cx: &mut Ctxt) -> Option<syn::Path> {
    match meta {
        Meta::NameValue(nv) => match &nv.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => match s.parse::<syn::Path>() {
                Ok(path) => Some(path),
                Err(_) => {
                    cx.error_spanned_by(s, format!("`{}` is not a path", s.value()));
                    None
                }
            },
            other => {
                cx.error_spanned_by(
                    other,
                    "`crate` takes a string: `crate = \"my_crate::cors\"`",
                );
                None
            }
        },
        other => {
            cx.error_spanned_by(
                other,
                "`crate` takes a string: `crate = \"my_crate::cors\"`",
            );
            None
        }
    }
}

/// `policy = "name"`: the literal, its name checked by the rules shared with
/// the runtime.
fn parse_policy_name(meta: &Meta, cx: &mut Ctxt) -> Option<syn::LitStr> {
    let example = "\"partner\"";
    let value = match meta {
        Meta::NameValue(nv) => &nv.value,
        _ => {
            let help = format!("write `{POLICY} = {example}`");
            cx.error_spanned_by(
                meta,
                with_help(format!("`{POLICY}` needs a name"), Some(&help)),
            );
            return None;
        }
    };
    let Expr::Lit(ExprLit {
        lit: Lit::Str(name),
        ..
    }) = value
    else {
        let help = format!("write `{POLICY} = {example}`");
        cx.error_spanned_by(value, with_help("a policy name is a string", Some(&help)));
        return None;
    };
    if let Err(violation) = route_cors_rules::name::check_policy_name(&name.value()) {
        cx.error_spanned_by(name, with_help(violation.rule, violation.help.as_deref()));
        return None;
    }
    Some(name.clone())
}
