//! `Engine`: where Chromium and Firefox differ, one method per difference.
//!
//! Bottom layer, beside the Fetch model: where the standard leaves a choice
//! to the browser, or one engine departs from it. The checks and the
//! exchange above ask the engine rather than match on it, so a new
//! difference is one method here.

use std::fmt;
use std::time::Duration;

use http::Method;

/// A browser engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Engine {
    /// Chrome, Edge, Opera...
    Chromium,
    /// Firefox.
    Firefox,
}

impl Engine {
    /// The longest an engine caches a preflight's answer, whatever
    /// `Access-Control-Max-Age` says: 7,200 s for Chromium, 86,400 s for
    /// Firefox.
    pub fn max_age_cap(self) -> Duration {
        match self {
            Self::Chromium => Duration::from_secs(7200),
            Self::Firefox => Duration::from_secs(86400),
        }
    }

    /// The requested method as the engine looks it up in
    /// `Access-Control-Allow-Methods`: Chromium uppercases it first, Firefox
    /// compares it as sent.
    pub(crate) fn method_to_compare(self, method: &Method) -> String {
        match self {
            Self::Chromium => method.as_str().to_ascii_uppercase(),
            Self::Firefox => method.as_str().to_owned(),
        }
    }

    /// Whether the engine implements Private Network Access: only Chromium
    /// sends its preflights.
    pub(crate) fn implements_private_network_access(self) -> bool {
        match self {
            Self::Chromium => true,
            Self::Firefox => false,
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Chromium => "Chromium",
            Self::Firefox => "Firefox",
        })
    }
}
