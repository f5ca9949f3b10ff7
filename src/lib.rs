//! The one-thing-one-go kiosk: catalog, session core, configuration and the Slint shell.

pub mod backoffice;
pub mod catalog;
pub mod config;
pub mod durable;
pub mod ime;
pub mod logging;
pub mod outbox;
pub mod package;
pub mod progress;
pub mod receipts;
pub mod services;
pub mod session;
pub mod technician;
pub mod toml_source;
pub mod ui;

slint::include_modules!();
