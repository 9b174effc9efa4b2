//! `#[cors]` handlers trigger no lint that the same plain axum handlers do
//! not: clippy's default set and `clippy::pedantic`, rustc's default lints
//! and `missing_docs`, checked by a clippy run over the fixture crate in
//! `tests/lints/` (handlers with and without `.await`, state, extractors,
//! documented or not, public or private).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// The lints of each message clippy printed, counted by fixture file.
fn lints_by_file(json: &str) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut found: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for line in json.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let message = &message["message"];
        let Some(code) = message["code"]["code"].as_str() else {
            continue;
        };
        let Some(file) = message["spans"][0]["file_name"].as_str() else {
            continue;
        };
        let file = Path::new(file)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        *found
            .entry(file)
            .or_default()
            .entry(code.to_owned())
            .or_default() += 1;
    }
    found
}

#[test]
fn cors_handlers_trigger_no_lint_that_plain_handlers_do_not() {
    let root = env!("CARGO_MANIFEST_DIR");
    let fixture = Path::new(root).join("target/lint-fixture");
    std::fs::create_dir_all(&fixture).unwrap();
    let manifest = std::fs::read_to_string(Path::new(root).join("tests/lints/Cargo.toml.in"))
        .unwrap()
        .replace("@ROOT@", root);
    std::fs::write(fixture.join("Cargo.toml"), manifest).unwrap();
    // The workspace's lock file, so that the fixture builds the versions
    // the workspace already has.
    std::fs::copy(
        Path::new(root).join("Cargo.lock"),
        fixture.join("Cargo.lock"),
    )
    .unwrap();
    let _ = writeln!(
        std::io::stderr(),
        "lints: running clippy over tests/lints (its first run checks axum and its dependencies)"
    );
    let output = Command::new(env!("CARGO"))
        .args([
            "clippy",
            "--quiet",
            "--message-format=json",
            "--manifest-path",
        ])
        .arg(fixture.join("Cargo.toml"))
        // trybuild's target directory: the same dependencies, checked.
        .env(
            "CARGO_TARGET_DIR",
            Path::new(root).join("target/tests/trybuild"),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo clippy runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "clippy over the fixture failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found = lints_by_file(&stdout);
    let plain = found.get("plain.rs").cloned().unwrap_or_default();
    let cors = found.get("cors.rs").cloned().unwrap_or_default();
    // The lints the fixture provokes in both files: the test sees
    // clippy's and rustc's output, and a lint in a #[cors] body still fires.
    for lint in ["clippy::let_and_return", "missing_docs"] {
        assert_eq!(
            plain.get(lint),
            Some(&1),
            "{lint} on the plain handlers: {found:?}"
        );
        assert_eq!(
            cors.get(lint),
            Some(&1),
            "{lint} on the #[cors] handlers: {found:?}"
        );
    }
    for (lint, count) in &cors {
        assert!(
            plain.get(lint).is_some_and(|plain| plain >= count),
            "`{lint}` fires {count} time(s) on the #[cors] handlers, {} on the plain ones: {found:?}",
            plain.get(lint).copied().unwrap_or(0)
        );
    }
    // Every lint of the crate falls in one of the two files.
    assert!(
        found
            .keys()
            .all(|file| file == "plain.rs" || file == "cors.rs"),
        "{found:?}"
    );
}
