//! The conformance server: every part of the contract on one API, for
//! black-box tests over HTTP and in a browser. It follows the repository's
//! `CONFORMANCE.md` (at the repository root), which fixes its routes,
//! policies and responses.
//!
//! `cargo run --release --example conformance` (port from `PORT`, default 3000).

mod app;

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
    let app = match app::app() {
        Ok(app) => app,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
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
