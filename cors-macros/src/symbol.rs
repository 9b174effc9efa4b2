//! Names the attribute understands besides the policy's keys
//! (`route_cors_rules::Key`).

/// `crate = "..."`: where the facade lives, for crates that re-export it.
pub const CRATE: &str = "crate";

/// `policy = "name"`: a named run-time policy, standing alone.
pub const POLICY: &str = "policy";
