//! Parsing `#[cors(...)]` into a typed attribute: each key once, each value
//! in the shape the grammar allows, each piece with its span.

use proc_macro2::Span;
use route_cors_rules::key::suggest;
use route_cors_rules::Key;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, Lit, Meta, Token, UnOp};

use crate::ctxt::{with_help, Ctxt};
use crate::symbol::CRATE;

/// A string, with the span of the token it came from.
pub struct WithSpan<T> {
    pub value: T,
    pub span: Span,
}

/// A list value: `"*"` or `[...]`.
pub enum ListValue {
    Any(Span),
    List {
        items: Vec<WithSpan<String>>,
        span: Span,
    },
}

impl ListValue {
    pub fn span(&self) -> Span {
        match self {
            ListValue::Any(span) | ListValue::List { span, .. } => *span,
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
    pub credentials: Option<WithSpan<bool>>,
    pub max_age: Option<WithSpan<i128>>,
    pub private_network: Option<WithSpan<bool>>,
    pub krate: Option<syn::Path>,
}

impl Attr {
    /// The span of a key's value, for errors about the whole value.
    pub fn value_span(&self, key: Key) -> Option<Span> {
        match key {
            Key::Origins => self.origins.as_ref().map(ListValue::span),
            Key::Methods => self.methods.as_ref().map(ListValue::span),
            Key::Headers => self.headers.as_ref().map(ListValue::span),
            Key::Expose => self.expose.as_ref().map(ListValue::span),
            Key::Credentials => self.credentials.as_ref().map(|v| v.span),
            Key::MaxAge => self.max_age.as_ref().map(|v| v.span),
            Key::PrivateNetwork => self.private_network.as_ref().map(|v| v.span),
        }
    }

    /// The span of one list element.
    pub fn item_span(&self, key: Key, index: usize) -> Option<Span> {
        let list = match key {
            Key::Origins => &self.origins,
            Key::Methods => &self.methods,
            Key::Headers => &self.headers,
            Key::Expose => &self.expose,
            _ => return None,
        };
        match list {
            Some(ListValue::List { items, .. }) => items.get(index).map(|i| i.span),
            _ => None,
        }
    }
}

/// Parses the attribute's arguments, reporting every mistake into `cx`.
pub fn parse(args: proc_macro2::TokenStream, cx: &mut Ctxt) -> Attr {
    let mut attr = Attr::default();
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(metas) => metas,
        Err(e) => {
            cx.push(e);
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
        let Some(key) = Key::from_name(&ident) else {
            let help = suggest(&ident, &[CRATE]).map(|k| format!("did you mean `{k}`?"));
            let message = with_help(format!("unknown key `{ident}`"), help.as_deref());
            cx.error_spanned_by(path, message);
            continue;
        };
        match key {
            Key::Origins => attr.origins = list_value(key, &meta, false, cx),
            Key::Methods => attr.methods = list_value(key, &meta, true, cx),
            Key::Headers => attr.headers = list_value(key, &meta, false, cx),
            Key::Expose => attr.expose = list_value(key, &meta, false, cx),
            Key::Credentials => attr.credentials = flag(key, &meta, cx),
            Key::PrivateNetwork => attr.private_network = flag(key, &meta, cx),
            Key::MaxAge => attr.max_age = integer(key, &meta, cx),
        }
    }
    attr
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

/// `"*"` or `[item, ...]`; items are string literals, or for `methods` also
/// identifiers (`GET`).
fn list_value(key: Key, meta: &Meta, idents: bool, cx: &mut Ctxt) -> Option<ListValue> {
    let example = if idents { "[GET, POST]" } else { "[\"...\"]" };
    let expr = name_value(key, meta, example, cx)?;
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) if s.value() == "*" => Some(ListValue::Any(s.span())),
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
            None
        }
        Expr::Array(array) => {
            let mut items = Vec::new();
            for elem in &array.elems {
                match elem {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) => items.push(WithSpan {
                        value: s.value(),
                        span: s.span(),
                    }),
                    Expr::Path(p) if idents && p.path.get_ident().is_some() => {
                        items.push(WithSpan {
                            value: p
                                .path
                                .get_ident()
                                .map(ToString::to_string)
                                .unwrap_or_default(),
                            span: p.span(),
                        })
                    }
                    other => {
                        let what = if idents {
                            "expected a method, such as `GET` or `\"PURGE\"`"
                        } else {
                            "expected a string literal"
                        };
                        cx.error_spanned_by(other, what);
                    }
                }
            }
            Some(ListValue::List {
                items,
                span: array.span(),
            })
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
            None
        }
    }
}

/// `key` alone means true; `key = true` / `key = false`.
fn flag(key: Key, meta: &Meta, cx: &mut Ctxt) -> Option<WithSpan<bool>> {
    match meta {
        Meta::Path(path) => Some(WithSpan {
            value: true,
            span: path.span(),
        }),
        _ => match name_value(key, meta, "true", cx)? {
            Expr::Lit(ExprLit {
                lit: Lit::Bool(b), ..
            }) => Some(WithSpan {
                value: b.value,
                span: b.span(),
            }),
            other => {
                cx.error_spanned_by(other, format!("`{}` is `true` or `false`", key.name()));
                None
            }
        },
    }
}

/// An integer literal, possibly negated (so that `-1` gets the rule's error).
fn integer(key: Key, meta: &Meta, cx: &mut Ctxt) -> Option<WithSpan<i128>> {
    let expr = name_value(key, meta, "600", cx)?;
    let (negative, lit) = match expr {
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => (true, &*u.expr),
        other => (false, other),
    };
    match lit {
        Expr::Lit(ExprLit {
            lit: Lit::Int(int), ..
        }) => match int.base10_parse::<i128>() {
            Ok(n) => Some(WithSpan {
                value: if negative { -n } else { n },
                span: expr.span(),
            }),
            Err(e) => {
                cx.push(e);
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
