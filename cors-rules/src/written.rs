//! A checked policy as one string: what `#[cors(...)]` writes into the
//! program, and what the runtime reads to build the handler's `Policy` when
//! the handler is registered (through the run-time builder, so that there
//! is one way to make a `Policy`).
//!
//! One line per key that was given, `key value value ...`, in a fixed
//! order; a flag is its key alone. No value holds a space or a line break
//! (origins, methods and header names cannot; `max-age` is digits), so the
//! format needs no escaping. It has no line for an origin function: only
//! the run-time builder takes one, and `#[cors]` never writes a policy
//! without origins. One string literal is what costs the compiler
//! least per handler: it is one token to hand over from the macro and one
//! constant to check, where a struct of eight fields was about ninety
//! tokens.
//!
//! ```
//! use route_cors_rules::policy::{validate, Spec, Values};
//! use route_cors_rules::written::{write, Written};
//!
//! let spec = Spec {
//!     origins: Some(Values::List(vec!["https://app.example.com"])),
//!     methods: Some(Values::List(vec!["GET", "POST"])),
//!     max_age: Some(600),
//!     credentials: true,
//!     ..Spec::default()
//! };
//! let text = write(&validate(&spec).unwrap());
//! assert_eq!(
//!     text,
//!     "origins https://app.example.com\nmethods GET POST\ncredentials\nmax-age 600"
//! );
//! let read = Written::read(&text);
//! assert_eq!(read.origins().collect::<Vec<_>>(), ["https://app.example.com"]);
//! assert_eq!(read.methods.unwrap().split(' ').collect::<Vec<_>>(), ["GET", "POST"]);
//! assert!(read.credentials);
//! assert_eq!(read.max_age, Some(600));
//! ```

use crate::policy::{Methods, Names, Origins, ValidPolicy};

/// A written policy, read back. Lists are their items separated by single
/// spaces; `"*"` stands for any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written<'a> {
    /// `"*"` for any origin; empty when a function decides them all.
    pub origins: &'a str,
    /// `None`: left out (the methods the handler is routed for).
    pub methods: Option<&'a str>,
    /// `None`: none beyond the safelisted ones.
    pub headers: Option<&'a str>,
    /// `None`: none beyond the safelisted ones.
    pub expose: Option<&'a str>,
    pub credentials: bool,
    pub max_age: Option<u32>,
    pub private_network: bool,
    pub insecure_origins: bool,
}

const ORIGINS: &str = "origins";
const METHODS: &str = "methods";
const HEADERS: &str = "headers";
const EXPOSE: &str = "expose";
const CREDENTIALS: &str = "credentials";
const MAX_AGE: &str = "max-age";
const PRIVATE_NETWORK: &str = "private-network";
const INSECURE_ORIGINS: &str = "insecure-origins";

/// The policy as one string.
pub fn write(policy: &ValidPolicy) -> String {
    let mut lines = Vec::new();
    let origins = match &policy.origins {
        Origins::Any => "*".to_owned(),
        Origins::List { exact, patterns } => exact
            .iter()
            .cloned()
            .chain(
                patterns
                    .iter()
                    .map(|p| format!("{}*{}", p.prefix, p.suffix)),
            )
            .collect::<Vec<_>>()
            .join(" "),
    };
    lines.push(line(ORIGINS, &origins));
    match &policy.methods {
        Methods::Routed => {}
        Methods::Any => lines.push(line(METHODS, "*")),
        Methods::List(list) => lines.push(line(METHODS, &list.join(" "))),
    }
    for (key, names) in [(HEADERS, &policy.headers), (EXPOSE, &policy.expose)] {
        match names {
            Names::Any => lines.push(line(key, "*")),
            Names::List(list) if list.is_empty() => {}
            Names::List(list) => lines.push(line(key, &list.join(" "))),
        }
    }
    for (key, on) in [
        (CREDENTIALS, policy.credentials),
        (PRIVATE_NETWORK, policy.private_network),
        (INSECURE_ORIGINS, policy.insecure_origins),
    ] {
        if on {
            lines.push(key.to_owned());
        }
    }
    if let Some(age) = policy.max_age {
        lines.push(line(MAX_AGE, &age.to_string()));
    }
    lines.join("\n")
}

fn line(key: &str, value: &str) -> String {
    if value.is_empty() {
        key.to_owned()
    } else {
        format!("{key} {value}")
    }
}

impl<'a> Written<'a> {
    /// Reads what [`write`] wrote. Lines it does not know are skipped, and a
    /// `max-age` that is not a number is left out: the text comes from
    /// [`write`], and whatever is built from it is checked again by the
    /// run-time builder.
    pub fn read(text: &'a str) -> Written<'a> {
        let mut written = Written::default();
        for line in text.split('\n') {
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            match key {
                ORIGINS => written.origins = value,
                METHODS => written.methods = Some(value),
                HEADERS => written.headers = Some(value),
                EXPOSE => written.expose = Some(value),
                CREDENTIALS => written.credentials = true,
                PRIVATE_NETWORK => written.private_network = true,
                INSECURE_ORIGINS => written.insecure_origins = true,
                MAX_AGE => written.max_age = value.parse().ok(),
                _ => {}
            }
        }
        written
    }

    /// The origins, one by one.
    pub fn origins(&self) -> impl Iterator<Item = &'a str> {
        items(self.origins)
    }
}

/// A list's items.
pub fn items(list: &str) -> impl Iterator<Item = &str> {
    list.split(' ').filter(|item| !item.is_empty())
}
