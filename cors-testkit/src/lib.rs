#![doc = include_str!("../docs/crate.md")]

// Three layers; a module imports only from its own layer and those below.
//
// The Fetch model: what the standard says, what the page asks, why a request
// fails, where engines differ. No state, no I/O.
mod engine;
mod fetch;
mod reason;
pub mod spec;

// The exchange, sans-IO: given the answers, the next request or the verdict.
mod check;
mod exchange;
mod verdict;

// The driver: the only part that sends requests (to a `tower` service).
mod browser;

pub use browser::Browser;
pub use engine::Engine;
pub use exchange::Exchange;
pub use fetch::{Fetch, InvalidFetch};
pub use reason::{Reason, Stage};
pub use verdict::{Allowed, Blocked, Preflight, Readability, Verdict};
