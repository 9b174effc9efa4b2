//! The conformance server: every behaviour of route-cors on one API, for
//! black-box tests over HTTP and in a browser. It follows the repository's
//! `CONFORMANCE.md` (at the repository root), which fixes its routes,
//! policies and responses.
//!
//! `cargo run --release --example conformance` (port from `PORT`, default 3000).

mod app;

use std::path::PathBuf;

use route_cors::Policies;

#[tokio::main]
async fn main() {
    // `/boom` panics on every request, on purpose: one line each on stderr,
    // not a backtrace.
    std::panic::set_hook(Box::new(|info| eprintln!("handler panicked: {info}")));
    // `RUST_LOG=route_cors=debug` writes route-cors's events to stderr: each
    // refusal with its path, method, origin and failed check.
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .init();
    }
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => match port.parse() {
            Ok(port) => port,
            Err(_) => {
                eprintln!("PORT must be a port number, got {port:?}");
                std::process::exit(2);
            }
        },
        Err(_) => 3000,
    };
    let config = std::env::var_os("CORS_CONFIG").map(std::path::PathBuf::from);
    let set = match app::load_policies(config.as_deref()) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let policies = Policies::new(set);
    let app = match app::app(policies.clone()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    reload_on_sighup(policies, config);
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        }
    };
    println!("listening on http://127.0.0.1:{port}");
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("server error: {e}");
        std::process::exit(1);
    }
}

/// `SIGHUP` reloads `CORS_CONFIG`: a valid file replaces `default` and
/// `partner` together, for the next request; an invalid one is refused and
/// the policies in force stay.
fn reload_on_sighup(policies: Policies, config: Option<PathBuf>) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(hangups) => hangups,
        Err(e) => {
            eprintln!("cannot listen for SIGHUP, policies will not reload: {e}");
            return;
        }
    };
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            let Some(path) = &config else {
                eprintln!("SIGHUP: CORS_CONFIG is not set, nothing to reload");
                continue;
            };
            match app::load_policies(Some(path)).map(|set| policies.replace(set)) {
                Ok(Ok(())) => eprintln!("reloaded CORS policies from {}", path.display()),
                Ok(Err(e)) => eprintln!("reload refused, the policies in force stay: {e}"),
                Err(e) => eprintln!("reload refused, the policies in force stay: {e}"),
            }
        }
    });
}
