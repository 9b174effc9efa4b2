//! Collecting every error of one attribute, so the user sees them all at
//! once (serde_derive's `Ctxt`).

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

#[derive(Default)]
pub struct Ctxt {
    errors: Option<syn::Error>,
}

impl Ctxt {
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.errors {
            Some(errors) => errors.combine(error),
            None => self.errors = Some(error),
        }
    }

    /// An error on the tokens of `tokens`.
    pub fn error_spanned_by(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    pub fn error_at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Takes the errors of another context.
    pub fn absorb(&mut self, other: Ctxt) {
        if let Some(errors) = other.errors {
            self.push(errors);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors.is_some()
    }

    /// The `compile_error!`s, empty when all went well.
    pub fn into_compile_errors(self) -> TokenStream {
        self.errors
            .map(|e| e.to_compile_error())
            .unwrap_or_default()
    }
}

/// A message with a `help:` line, as rustc prints them.
pub fn with_help(message: impl Display, help: Option<&str>) -> String {
    match help {
        Some(help) => format!("{message}\nhelp: {help}"),
        None => message.to_string(),
    }
}
