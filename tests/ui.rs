//! The `#[cors]` attribute's compile-time contract: every rule violation is
//! an error on the offending token (`ui/fail`, one rule per file, with the
//! exact message in its `.stderr`), and every valid form compiles (`ui/pass`).
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test --test ui`
//! and read each one before committing.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
