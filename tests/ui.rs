//! The `#[cors]` attribute's compile-time checks: every rule violation is
//! an error on the offending token (`ui/fail`, one rule per file, with the
//! exact message in its `.stderr`), and every valid form compiles (`ui/pass`).
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test --test ui`
//! and read each one before committing.

use std::io::Write;

#[test]
fn ui() {
    let cases = |dir: &str| {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
                    .count()
            })
            .unwrap_or(0)
    };
    // Written past the test harness's capture, so that the first build, which
    // takes a minute or two, does not look like a hang.
    let _ = writeln!(
        std::io::stderr(),
        "ui: compiling {} failing and {} passing #[cors] programs with trybuild; the first \
         build of their dependencies takes a minute or two",
        cases("tests/ui/fail"),
        cases("tests/ui/pass"),
    );
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
