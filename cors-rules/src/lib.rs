//! The rules of a CORS policy, written once.
//!
//! `route-cors` checks a policy in two places: the `#[cors]` attribute checks
//! it while the program compiles, and policies built at run time (from
//! configuration, say) are checked when they are built. Both call this crate,
//! so a policy the compiler accepts is exactly a policy the runtime accepts.
//!
//! It is a crate of its own, with no dependencies, because the proc-macro
//! crate needs it at compile time and must not pull `axum`, `http` or `tokio`
//! into the macro's build (Rocket's codegen shares its parsers with
//! `rocket_http` the same way).
//!
//! The sources of the rules: the WHATWG Fetch standard (the CORS protocol,
//! forbidden methods and headers), the URL standard (how browsers serialize an
//! origin), Private Network Access, and jub0bs/cors.

pub mod header;
pub mod key;
pub mod method;
pub mod name;
pub mod origin;
pub mod policy;
pub mod token;
pub mod violation;
pub mod written;

/// The request side of [`origin`], under the path the runtime first used.
pub mod request_origin {
    pub use crate::origin::{is_request_origin, is_same_origin};
}

pub use key::Key;
pub use policy::{validate, Located, Methods, Names, Origins, Spec, ValidPolicy, Values};
pub use violation::{Rule, Violation};
