//! The same handlers twice, plain in `plain.rs` and with `#[cors]` in
//! `cors.rs`: tests/lints.rs runs clippy (its default set and pedantic),
//! rustc's default lints and `missing_docs` over both, and requires that
//! nothing fires on the `#[cors]` ones that does not fire on the plain ones.
#![warn(missing_docs, clippy::all, clippy::pedantic)]

pub mod cors;
pub mod plain;
