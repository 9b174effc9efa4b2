// `private_network` still works, with a deprecation warning on the key
// (an error here, under `deny`).
#![deny(deprecated)]

use route_cors::cors;

#[cors(origins = ["https://app.example.com"], private_network)]
async fn handler() -> &'static str {
    "ok"
}

#[allow(deprecated)]
#[cors(origins = ["https://app.example.com"], private_network)]
async fn allowed() -> &'static str {
    "ok"
}

fn main() {}
