//! `private_network` is deprecated (Chrome 142 replaced Private Network
//! Access preflights with Local Network Access's permission prompt): the
//! attribute key warns at compile time (`tests/ui/fail/private_network_deprecated.rs`),
//! the builder method is `#[deprecated]`, and the configuration key writes
//! a `warn` event when read. All three still grant what they granted.

#[path = "support/captured.rs"]
mod captured;

use captured::Captured;
use route_cors::PolicySet;

#[test]
fn private_network_in_a_configuration_is_a_warn_event_and_still_works() {
    let captured = Captured::start(tracing::Level::INFO);
    let set = PolicySet::from_json(
        r#"{"device": {"origins": ["https://app.example.com"], "private_network": true}}"#,
    )
    .expect("a valid set");
    assert!(set
        .get("device")
        .expect("defined")
        .to_string()
        .ends_with("; private_network"));
    let log = captured.text();
    assert_eq!(
        log,
        " WARN route_cors: `private_network` in a policy's configuration is deprecated: Chrome \
         142 replaced Private Network Access preflights with a permission prompt (Local Network \
         Access), and `Access-Control-Allow-Private-Network` does nothing in current Chromium; \
         remove it\n"
    );
}
