//! A checked policy as one string: what `#[cors(...)]` writes into the
//! program, and what the runtime reads to build the handler's `Policy` when
//! the handler is registered (through the run-time builder, so that there
//! is one way to make a `Policy`).
//!
//! One line per key that was given, `key value value ...`, each key under
//! the name users write ([`Key::name`]), in the order of [`Key::ALL`]; a
//! flag is its key alone. No value holds a space or a line break
//! (origins, methods and header names cannot; `max_age` is digits), so the
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
//!     "origins https://app.example.com\nmethods GET POST\ncredentials\nmax_age 600"
//! );
//! let read = Written::read(&text);
//! assert_eq!(read.origins().collect::<Vec<_>>(), ["https://app.example.com"]);
//! assert_eq!(read.methods.unwrap().split(' ').collect::<Vec<_>>(), ["GET", "POST"]);
//! assert!(read.credentials);
//! assert_eq!(read.max_age, Some(600));
//! ```

use crate::key::Key;
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
    pub writes_from_any_origin: bool,
}

/// The policy as one string: a line for each key given, in the order of
/// [`Key::ALL`], under the name users write.
pub fn write(policy: &ValidPolicy) -> String {
    let lines: Vec<String> = Key::ALL
        .into_iter()
        .filter_map(|key| {
            let value = value(policy, key)?;
            Some(if value.is_empty() {
                key.name().to_owned()
            } else {
                format!("{} {value}", key.name())
            })
        })
        .collect();
    lines.join("\n")
}

/// A key's value as written, its items separated by spaces; `None` for a
/// key left out, and empty for a flag given.
fn value(policy: &ValidPolicy, key: Key) -> Option<String> {
    let names = |names: &Names| match names {
        Names::Any => Some("*".to_owned()),
        Names::List(items) if items.is_empty() => None,
        Names::List(items) => Some(items.join(" ")),
    };
    let flag = |on: bool| on.then(String::new);
    match key {
        Key::Origins => Some(match &policy.origins {
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
        }),
        Key::Methods => match &policy.methods {
            Methods::Routed => None,
            Methods::Any => Some("*".to_owned()),
            Methods::List(items) => Some(items.join(" ")),
        },
        Key::Headers => names(&policy.headers),
        Key::Expose => names(&policy.expose),
        Key::Credentials => flag(policy.credentials),
        Key::MaxAge => policy.max_age.map(|age| age.to_string()),
        Key::PrivateNetwork => flag(policy.private_network),
        Key::InsecureOrigins => flag(policy.insecure_origins),
        Key::WritesFromAnyOrigin => flag(policy.writes_from_any_origin),
    }
}

impl<'a> Written<'a> {
    /// Reads what [`write()`] wrote. Lines it does not know are skipped, and a
    /// `max_age` that is not a number is left out: the text comes from
    /// [`write()`], and whatever is built from it is checked again by the
    /// run-time builder.
    pub fn read(text: &'a str) -> Written<'a> {
        let mut written = Written::default();
        for line in text.split('\n') {
            let (name, value) = line.split_once(' ').unwrap_or((line, ""));
            let Some(key) = Key::from_name(name) else {
                continue;
            };
            match key {
                Key::Origins => written.origins = value,
                Key::Methods => written.methods = Some(value),
                Key::Headers => written.headers = Some(value),
                Key::Expose => written.expose = Some(value),
                Key::Credentials => written.credentials = true,
                Key::MaxAge => written.max_age = value.parse().ok(),
                Key::PrivateNetwork => written.private_network = true,
                Key::InsecureOrigins => written.insecure_origins = true,
                Key::WritesFromAnyOrigin => written.writes_from_any_origin = true,
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
