//! Collecting every error of one attribute, so the user sees them all at
//! once (serde_derive's `Ctxt`).

use std::fmt::Display;
use std::thread;

use proc_macro2::Span;
use quote::ToTokens;

/// The errors so far. [`Ctxt::check`] must be called: dropped unchecked,
/// it panics, which a proc macro turns into a compile error naming this
/// mistake, rather than losing the errors silently.
pub struct Ctxt {
    /// `None` once checked.
    errors: Option<Vec<syn::Error>>,
}

impl Ctxt {
    pub fn new() -> Self {
        Ctxt {
            errors: Some(Vec::new()),
        }
    }

    pub fn syn_error(&mut self, error: syn::Error) {
        self.errors
            .as_mut()
            .expect("errors are collected only before `check`")
            .push(error);
    }

    /// An error on the tokens of `tokens`.
    pub fn error_spanned_by(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.syn_error(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    pub fn error_at(&mut self, span: Span, message: impl Display) {
        self.syn_error(syn::Error::new(span, message));
    }

    /// Every error reported, as one.
    pub fn check(mut self) -> syn::Result<()> {
        let mut errors = self
            .errors
            .take()
            .expect("`check` takes the context, so it runs once")
            .into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for error in errors {
            combined.combine(error);
        }
        Err(combined)
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        // Not while panicking already: a second panic would abort.
        if self.errors.is_some() && !thread::panicking() {
            panic!("the macro dropped its errors without calling `Ctxt::check`");
        }
    }
}

/// A message with a `help:` line, as rustc prints them.
pub fn with_help(message: impl Display, help: Option<&str>) -> String {
    match help {
        Some(help) => format!("{message}\nhelp: {help}"),
        None => message.to_string(),
    }
}
