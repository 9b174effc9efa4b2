//! Methods a policy allows.

use crate::token::is_token;
use crate::violation::{Rule, Violation};

/// Standard methods that browsers send in uppercase.
const STANDARD: &[&str] = &["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

/// Checks one allowed method. Extension methods (`PURGE`) are fine.
pub fn check(method: &str) -> Result<(), Violation> {
    if !is_token(method.as_bytes()) {
        return Err(Violation::new(Rule::MethodInvalid, method));
    }
    let upper = method.to_ascii_uppercase();
    if matches!(upper.as_str(), "CONNECT" | "TRACE" | "TRACK") {
        return Err(Violation::new(Rule::MethodForbidden, method));
    }
    if upper != method && STANDARD.contains(&upper.as_str()) {
        return Err(Violation::new(Rule::MethodLowercase, method).fix(upper));
    }
    Ok(())
}
