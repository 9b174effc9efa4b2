#![doc = include_str!("../docs/crate.md")]

mod browser;
mod check;
mod exchange;
mod fetch;
mod reason;
pub mod spec;
mod verdict;

pub use browser::{Browser, Engine};
pub use exchange::Exchange;
pub use fetch::{Fetch, InvalidFetch};
pub use reason::{Reason, Stage};
pub use verdict::{Allowed, Blocked, Preflight, Readability, Verdict};
