//! Names of run-time policies, which routes refer to with
//! `#[cors(policy = "name")]` and configuration defines.

use crate::violation::{Rule, Violation};

/// The name of the default policy in configuration. A route never names it:
/// a route without a policy of its own gets it.
pub const DEFAULT: &str = "default";

/// The longest policy name.
pub const MAX_LEN: usize = 64;

/// Checks a policy name a route refers to: 1 to 64 of `[a-z0-9_-]`, and
/// not `default`.
pub fn check_policy_name(name: &str) -> Result<(), Violation> {
    check_config_name(name)?;
    if name == DEFAULT {
        return Err(Violation::new(Rule::PolicyNameReserved, name));
    }
    Ok(())
}

/// Checks a name in configuration, where `default` is the default policy.
pub fn check_config_name(name: &str) -> Result<(), Violation> {
    let valid = (1..=MAX_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if valid {
        return Ok(());
    }
    let violation = Violation::new(Rule::PolicyNameInvalid, name);
    let lower = name.to_ascii_lowercase();
    if lower != name && check_config_name(&lower).is_ok() {
        return Err(violation.fix(lower));
    }
    Err(violation)
}
