//! `examples/probe.rs` judges the conformance example's routes as the
//! browsers do: each scenario of tests/browser.rs (where Chromium and Firefox
//! decided), run through the probe as each engine, over a real socket.

#[path = "support/server.rs"]
mod server;

use std::process::Command;

use server::{example_binary, start, ConformanceServer, ADMIN, APP, EVIL, GLOBAL};

/// What the probe printed and its exit status (0: the page gets the answer).
fn probe(server: &ConformanceServer, browser: &str, path: &str, args: &[&str]) -> (bool, String) {
    let binary = example_binary("probe").unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(binary)
        .arg(server.url(path))
        .args(["--browser", browser])
        .args(args)
        .output()
        .expect("the probe runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    match out.status.code() {
        Some(0) => (true, stdout),
        Some(1) => (false, stdout),
        other => panic!(
            "probe exited {other:?}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

#[test]
fn the_probe_judges_every_browser_scenario_as_both_browsers_did() {
    let server = start();
    // (path, arguments, allowed, what the verdict line says)
    let scenarios: &[(&str, &[&str], bool, &str)] = &[
        (
            "/users",
            &["--origin", APP],
            true,
            "allowed (status 200 OK)",
        ),
        (
            "/users",
            &["--origin", EVIL],
            false,
            "Access-Control-Allow-Origin is missing",
        ),
        (
            "/users",
            &[
                "--origin",
                ADMIN,
                "--method",
                "POST",
                "--credentials",
                "--header",
                "content-type: application/json",
                "--header",
                "x-token: t",
                "--body",
                "{}",
            ],
            true,
            "allowed (status 200 OK)",
        ),
        (
            "/users",
            &["--origin", ADMIN],
            false,
            "Access-Control-Allow-Origin is missing",
        ),
        (
            "/items/7",
            &[
                "--origin",
                APP,
                "--method",
                "PUT",
                "--credentials",
                "--header",
                "content-type: application/json",
                "--header",
                "authorization: Bearer t",
                "--body",
                "{}",
            ],
            true,
            "the page may read content-length, content-type, x-request-id, x-total-count",
        ),
        ("/public", &["--origin", EVIL], true, "x-request-id"),
        (
            "/plain",
            &["--origin", GLOBAL],
            true,
            "allowed (status 200 OK)",
        ),
        (
            "/plain",
            &["--origin", APP],
            false,
            "Access-Control-Allow-Origin is missing",
        ),
        (
            "/teapot",
            &["--origin", EVIL],
            false,
            "Access-Control-Allow-Origin is missing",
        ),
        (
            "/any-headers",
            &["--origin", APP, "--header", "x-custom: 1"],
            true,
            "allowed (status 200 OK)",
        ),
        (
            "/secure",
            &["--origin", ADMIN, "--credentials"],
            true,
            "allowed (status 401 Unauthorized)",
        ),
        (
            "/secure",
            &["--origin", GLOBAL, "--credentials"],
            false,
            "Access-Control-Allow-Origin is missing",
        ),
    ];
    for browser in ["chromium", "firefox"] {
        for (path, args, allowed, says) in scenarios {
            let (got, out) = probe(&server, browser, path, args);
            assert_eq!(got, *allowed, "{browser} {path} {args:?}:\n{out}");
            let verdict = if *allowed { "allowed" } else { "blocked" };
            assert!(
                out.contains(verdict) && out.contains(says),
                "{browser} {path} {args:?}:\n{out}"
            );
        }
    }
}

/// The probe's arguments for a form `POST` from `origin`.
fn form_post_from(origin: &str) -> [&str; 8] {
    [
        "--origin",
        origin,
        "--method",
        "POST",
        "--header",
        "content-type: application/x-www-form-urlencoded",
        "--body",
        "transfer=all",
    ]
}

/// A form `POST` from a refused origin is sent without a preflight (the
/// browser does not ask), and the probe says that route-cors turned it
/// away before the handler, and why.
#[test]
fn the_probe_reports_a_refused_write_as_refused_before_the_handler() {
    let server = start();
    for browser in ["chromium", "firefox"] {
        let (allowed, out) = probe(&server, browser, "/users", &form_post_from(EVIL));
        assert!(!allowed, "{browser}:\n{out}");
        assert!(
            !out.contains("> OPTIONS"),
            "no preflight: {browser}:\n{out}"
        );
        assert!(
            out.contains(
                "refused by the server before the handler (origin not allowed), and blocked at \
                 the response (status 403 Forbidden): Access-Control-Allow-Origin is missing"
            ),
            "{browser}:\n{out}"
        );
        assert!(
            out.contains(
                "the write was sent (a browser sends it without asking) and refused by the \
                 server before the handler: origin not allowed"
            ),
            "{browser}:\n{out}"
        );
        // The route's own origin: the handler runs and echoes the body.
        let (allowed, out) = probe(&server, browser, "/users", &form_post_from(ADMIN));
        assert!(allowed, "{browser}:\n{out}");
        assert!(out.contains("allowed (status 200 OK)"), "{browser}:\n{out}");
    }
}
