//! The one-thing-one-go kiosk: catalog, session core, configuration and the Slint shell.

pub mod app;
pub mod backoffice;
pub mod catalog;
pub mod config;
pub mod durable;
pub mod evaluation;
pub mod ime;
pub mod logging;
pub mod memory;
pub mod outbox;
pub mod package;
pub mod progress;
pub mod receipts;
pub mod services;
pub mod session;
pub mod speech;
pub mod technician;
pub mod terminal;
pub mod toml_source;
pub mod ui;

/// The version this build reports (log, heartbeat, user agent): the crate's, with `+TAG` when it was built with
/// `KIOSK_BUILD_TAG` set (a center's own build, or the virtual terminal's upgrade test telling two builds apart).
pub fn version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| match option_env!("KIOSK_BUILD_TAG") {
        Some(tag) if !tag.is_empty() => format!("{}+{tag}", env!("CARGO_PKG_VERSION")),
        _ => env!("CARGO_PKG_VERSION").to_string(),
    })
}
