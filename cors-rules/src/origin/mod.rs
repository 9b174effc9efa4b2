//! The origin grammar: what an origin is, as browsers serialize it in the
//! `Origin` header (WHATWG URL, "ASCII serialization of an origin").
//!
//! Two readers share it. Configured origins are parsed strictly, once, with
//! a rule and a fix for every mistake (`config`), because the runtime
//! compares bytes and an origin written any other way would silently never
//! match. The `Origin` a request carries is recognised leniently, on every
//! request and without allocating (`request`), because anyone can send it.
//! Both read an origin into the same parts (`parts`) and judge its host
//! with the same grammar (`host`), so they cannot disagree on what an
//! origin is; each check is written once.

mod config;
mod host;
mod parts;
mod punycode;
mod request;

pub use config::{is_insecure, parse_allowed, AllowedOrigin, SubdomainPattern};
pub use parts::MAX_ORIGIN_LEN;
pub use request::{is_request_origin, is_same_origin, matches_subdomains};
